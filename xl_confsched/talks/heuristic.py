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
import multiprocessing
import queue as queue_module
import random
import time
from typing import Callable

from .problem import TalkProblem
from .rules import Schedule

PENALTY = 1e6


class _State:
    def __init__(self, p: TalkProblem, hard: bool):
        self.p = p
        T = p.T
        self.W = [[0.0] * T for _ in range(T)]
        for (i, j), c in p.pair_costs(hard_apart=hard).items():
            self.W[i][j] = self.W[j][i] = c
        if hard:
            for i, j in p.hard_pairs:
                self.W[i][j] = self.W[j][i] = PENALTY
        for i, j in p.speaker_pairs:
            self.W[i][j] = self.W[j][i] = self.W[i][j] + PENALTY
        self.cap = [[p.venue_cost(i, v) for v in range(p.V)] for i in range(T)]
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
                 start: Schedule | None = None, target: float | None = None,
                 stop: Callable[[], bool] | None = None) -> tuple[Schedule | None, float]:
    """Best schedule found and its cost (penalties included: ≥ 1e6 means a rule is broken).

    Returns early when the cost reaches ``target`` (a proven lower bound: nothing better
    exists) or when ``stop()`` says so."""
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
            if now >= t_end or (target is not None and best_cost <= target + 1e-9) or (stop and stop()):
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
             per_run: float = 10.0, stop: Callable[[], bool] | None = None) -> tuple[Schedule | None, float]:
    """Local search restarted with new seeds (each run ``per_run`` seconds) for ``seconds``; the best."""
    t_end = time.time() + seconds
    best, best_cost = None, math.inf
    k = 0
    while True:
        left = t_end - time.time()
        if left < 0.5 or (stop and stop()):
            break
        sched, cost = local_search(p, seconds=min(per_run, left), seed=seed + 1000 * (k + 1), hard=hard, stop=stop)
        k += 1
        if sched is not None and cost < best_cost:
            best, best_cost = sched, cost
    return best, best_cost


def _background_main(p, seconds, seed, hard, per_run, stop_event, queue) -> None:
    try:
        queue.put(("ok", restarts(p, seconds, seed, hard, per_run, stop=stop_event.is_set)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which goes on without it
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


class BackgroundSearch:
    """:func:`restarts` in a separate process (the second core) while this one runs the models.

    ``stop()`` asks it to return its best schedule now (the bound proved a schedule optimal);
    ``result(timeout)`` gives (schedule, cost), or (None, inf) when no process could be
    started or it failed (the caller goes on without it: it is only an extra candidate)."""

    def __init__(self, p: TalkProblem, seconds: float, seed: int = 0, hard: bool = False, per_run: float = 10.0):
        self.process = None
        self.error = ""
        self.ends = time.time() + seconds  # when the search will have returned
        try:
            ctx = multiprocessing.get_context()
            self._stop = ctx.Event()
            self._queue = ctx.Queue()
            self.process = ctx.Process(target=_background_main, daemon=True,
                                       args=(p, seconds, seed, hard, per_run, self._stop, self._queue))
            self.process.start()
        except Exception as exc:  # noqa: BLE001 - no second process: the search is only an extra
            self.error = str(exc) or type(exc).__name__
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self._stop.set()
            self.ends = min(self.ends, time.time() + 1.0)

    def result(self, timeout: float) -> tuple[Schedule | None, float]:
        if self.process is None:
            return None, math.inf
        try:
            kind, value = self._queue.get(timeout=max(0.1, timeout))
            if kind == "ok":
                return value
            self.error = value
        except queue_module.Empty:
            self.error = "the second-core search did not return in time"
            self._stop.set()
        except Exception as exc:  # noqa: BLE001
            self.error = str(exc) or type(exc).__name__
        finally:
            self.close()
        return None, math.inf

    def close(self) -> None:
        if self.process is not None:
            self._stop.set()
            self.process.join(timeout=2.0)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(timeout=2.0)
            self.process = None


def best_venues(p: TalkProblem, schedule: Schedule, seconds: float = 2.0) -> Schedule:
    """The same start times with the cheapest venues: an exact assignment (HiGHS) of the talks
    to venues, one talk per venue and timeslot, each in an allowed venue.  Times are kept, so
    speakers, hard pairs, breaks and 'Not at' stay as they were; only venue costs can drop.
    Returns ``schedule`` itself when it is incomplete or nothing better is found."""
    import highspy
    import numpy as np

    if any(schedule.get(i) is None for i in range(p.T)):
        return schedule
    keys = [(i, v) for i in range(p.T) for v in p.venues_for(i)]
    costs = [p.venue_cost(i, v) for i, v in keys]
    if not any(costs):
        return schedule
    col = {k: n for n, k in enumerate(keys)}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(seconds))
    inf = highspy.kHighsInf
    for c in costs:
        h.addCol(c, 0.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
    for i in range(p.T):
        idx = [col[i, v] for v in p.venues_for(i)]
        h.addRow(1.0, 1.0, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
    running: dict[int, list[int]] = {}
    for i in range(p.T):
        for s in p.covered(i, schedule[i][1]):
            running.setdefault(s, []).append(i)
    for s, talks in running.items():
        for v in range(p.V):
            idx = [col[i, v] for i in talks if (i, v) in col]
            if len(idx) > 1:
                h.addRow(-inf, 1.0, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
    h.changeColsIntegrality(len(keys), np.arange(len(keys), dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * len(keys)))
    h.run()
    sol = h.getSolution()
    if not sol.value_valid:
        return schedule
    out: Schedule = {}
    for n, (i, v) in enumerate(keys):
        if sol.col_value[n] > 0.5:
            out[i] = (v, schedule[i][1])
    if len(out) != p.T:
        return schedule
    old = sum(p.venue_cost(i, schedule[i][0]) for i in range(p.T))
    new = sum(p.venue_cost(i, out[i][0]) for i in range(p.T))
    return out if new < old - 1e-9 else schedule
