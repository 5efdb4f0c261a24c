"""A fast local search for talk schedules (start solution for the MIP, and a fallback).

Simulated annealing over plain schedules ``{talk: (venue, start)}``.  A move takes one
talk and a target block (venue, start) of the same length and exchanges it with the
talks inside that block (which keep their offsets), so every move keeps the venue
grid free of double bookings, long talks consecutive and inside a run of timeslots,
talks out of their 'Not at' timeslots and in their required venue.  Speakers in two
places and (in hard mode) hard pairs in parallel are penalised heavily.  The cost of
a schedule is the objective of :func:`rules.evaluate` plus those penalties.
"""

from __future__ import annotations

import math
import random
import time

from .problem import TalkProblem
from .rules import Schedule

PENALTY = 1e6


class _State:
    def __init__(self, p: TalkProblem, hard: bool):
        self.p = p
        w = p.weights
        T = p.T
        self.W = [[0.0] * T for _ in range(T)]
        hard_set = set(p.hard_pairs)
        for (i, j), x in p.interest.items():
            if (i, j) in hard_set:
                c = PENALTY if hard else w.conflict_weight * w.hard_factor * x
            else:
                c = w.conflict_weight * x
            self.W[i][j] = self.W[j][i] = c
        for i, j in p.speaker_pairs:
            self.W[i][j] = self.W[j][i] = self.W[i][j] + PENALTY
        self.cap = [[w.capacity_weight * p.seats_short(i, v) for v in range(p.V)] for i in range(T)]
        self.d = [t.slots for t in p.talks]
        self.allowed = [set((v, s) for v in p.venues_for(i) for s in p.starts[i]) for i in range(T)]

    def pair_cost(self, i, j, pos) -> float:
        (_, si), (_, sj) = pos[i], pos[j]
        if si < sj + self.d[j] and sj < si + self.d[i]:
            return self.W[i][j]
        return 0.0

    def cost_of(self, moved, pos) -> float:
        """Cost terms touching the talks in ``moved`` (pairs inside counted once)."""
        c = 0.0
        ms = set(moved)
        for i in moved:
            c += self.cap[i][pos[i][0]]
            Wi = self.W[i]
            vi, si = pos[i]
            ei = si + self.d[i]
            for j, (vj, sj) in pos.items():
                if j == i or (j in ms and j < i) or not Wi[j]:
                    continue
                if si < sj + self.d[j] and sj < ei:
                    c += Wi[j]
        return c

    def total(self, pos) -> float:
        return self.cost_of(list(pos), pos) if pos else 0.0


def _initial(st: _State, rng: random.Random) -> dict[int, tuple[int, int]] | None:
    p = st.p
    grid = [[-1] * p.S for _ in range(p.V)]
    pos: dict[int, tuple[int, int]] = {}
    order = sorted(range(p.T), key=lambda i: (-st.d[i], len(st.allowed[i]), rng.random()))
    for i in order:
        best, best_c = None, math.inf
        for v, s in st.allowed[i]:
            if any(grid[v][c] >= 0 for c in range(s, s + st.d[i])):
                continue
            pos[i] = (v, s)
            c = st.cost_of([i], pos) + rng.random() * 1e-3
            del pos[i]
            if c < best_c:
                best, best_c = (v, s), c
        if best is None:
            return None
        pos[i] = best
        for c in range(best[1], best[1] + st.d[i]):
            grid[best[0]][c] = i
    return pos


def local_search(p: TalkProblem, seconds: float = 3.0, seed: int = 0, hard: bool = False,
                 start: Schedule | None = None) -> tuple[Schedule | None, float]:
    """Best schedule found and its cost (penalties included: ≥ 1e6 means a rule is broken)."""
    rng = random.Random(seed)
    st = _State(p, hard)
    pos = None
    if start and all(start.get(i) in st.allowed[i] for i in range(p.T)):
        pos = {i: tuple(start[i]) for i in range(p.T)}
    for _ in range(20):
        if pos is not None:
            break
        pos = _initial(st, rng)
    if pos is None:
        return None, math.inf
    grid = [[-1] * p.S for _ in range(p.V)]
    for i, (v, s) in pos.items():
        for c in range(s, s + st.d[i]):
            grid[v][c] = i
    cur = st.total(pos)
    best, best_cost = dict(pos), cur
    t_end = time.time() + seconds
    temp0 = max(1.0, cur / max(1, p.T) * 0.5)
    it = 0
    talks = list(range(p.T))
    while True:
        it += 1
        if it % 256 == 0:
            now = time.time()
            if now >= t_end:
                break
            frac = 1 - (t_end - now) / seconds
            temp = temp0 * (0.002 ** frac)
        else:
            temp = temp0 if it < 256 else temp
        i = rng.choice(talks)
        vi, si = pos[i]
        di = st.d[i]
        v2, s2 = rng.choice(tuple(st.allowed[i]))
        if (v2, s2) == (vi, si):
            continue
        # talks in the target block must lie inside it, and the block must not overlap i's own cells
        if v2 == vi and s2 < si + di and si < s2 + di:
            continue
        inside = set()
        ok = True
        for c in range(s2, s2 + di):
            j = grid[v2][c]
            if j >= 0:
                vj, sj = pos[j]
                if sj < s2 or sj + st.d[j] > s2 + di:
                    ok = False
                    break
                inside.add(j)
        if not ok:
            continue
        new = {i: (v2, s2)}
        for j in inside:
            nj = (vi, si + (pos[j][1] - s2))
            if nj not in st.allowed[j]:
                ok = False
                break
            new[j] = nj
        if not ok:
            continue
        moved = list(new)
        before = st.cost_of(moved, pos)
        old = {k: pos[k] for k in moved}
        pos.update(new)
        after = st.cost_of(moved, pos)
        delta = after - before
        if delta <= 0 or rng.random() < math.exp(-delta / max(temp, 1e-9)):
            for k, (v, s) in old.items():
                for c in range(s, s + st.d[k]):
                    if grid[v][c] == k:
                        grid[v][c] = -1
            for k, (v, s) in new.items():
                for c in range(s, s + st.d[k]):
                    grid[v][c] = k
            cur += delta
            if cur < best_cost - 1e-9:
                best, best_cost = dict(pos), cur
        else:
            pos.update(old)
    return {i: best[i] for i in range(p.T)}, st.total(best)


def restarts(p: TalkProblem, seconds: float, seed: int = 0, hard: bool = False,
             per_run: float = 10.0) -> tuple[Schedule | None, float]:
    """Local search restarted with new seeds (each run ``per_run`` seconds) for ``seconds``; the best."""
    t_end = time.time() + seconds
    best, best_cost = None, math.inf
    k = 0
    while True:
        left = t_end - time.time()
        if left < 0.5:
            break
        sched, cost = local_search(p, seconds=min(per_run, left), seed=seed + 1000 * (k + 1), hard=hard)
        k += 1
        if sched is not None and cost < best_cost:
            best, best_cost = sched, cost
    return best, best_cost


class BackgroundSearch:
    """:func:`restarts` in a separate process (the second core) while this one runs the models.

    ``result(timeout)`` gives (schedule, cost), or (None, inf) when no process could be
    started (the caller goes on without it: it is only an extra candidate)."""

    def __init__(self, p: TalkProblem, seconds: float, seed: int = 0, hard: bool = False, per_run: float = 10.0):
        self.pool = self.future = None
        self.error = ""
        self.ends = time.time() + seconds  # when the search will have returned
        try:
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=1)
            self.future = self.pool.submit(restarts, p, seconds, seed, hard, per_run)
        except Exception as exc:  # noqa: BLE001 - no second process: the search is only an extra
            self.error = str(exc)
            self.close()

    def result(self, timeout: float) -> tuple[Schedule | None, float]:
        try:
            if self.future is None:
                return None, math.inf
            return self.future.result(timeout=max(0.1, timeout))
        except Exception as exc:  # noqa: BLE001
            self.error = self.error or str(exc) or type(exc).__name__
            return None, math.inf
        finally:
            self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None
