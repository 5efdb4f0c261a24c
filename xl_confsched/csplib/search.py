"""Large neighbourhood search on the master model, in HiGHS in-process.

An incumbent is the vector of the master model's column values.  Each step frees a part of
it — a few related tracks, a few sessions, a few rooms, the cells of a few sessions × rooms —
fixes every other grid and session variable at its incumbent value, and lets HiGHS
re-optimise that part of the *same* model (so every rule is still defined once, by its
``build``) for a second or two, starting from the incumbent; a better schedule is kept.
Neighbourhoods grow when HiGHS proves them optimal quickly and shrink when it runs out of
time.  Several searches run side by side (one per core, each on its own copy of the model in
HiGHS), every step starting from the best schedule any of them has found.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .model import BuiltModel
from .persistent import PersistentModel

KINDS = ("tracks", "sessions", "rooms", "window")


class Columns:
    """Column indices of the master model's grid and session variables, by (k, s, r) and (n, s)."""

    def __init__(self, built: BuiltModel, pm: PersistentModel):
        ctx = built.ctx
        self.built = built
        self.p = ctx.problem
        ix = pm.index
        self.y = {key: ix[v.name] for key, v in ctx.y.items()}
        self.x = {key: ix[v.name] for key, v in ctx.x.items()}
        self.ints = np.flatnonzero(pm.is_int)
        self.y_of_track: dict[int, list[int]] = defaultdict(list)
        self.y_of_session: dict[int, list[int]] = defaultdict(list)
        self.y_of_room: dict[int, list[int]] = defaultdict(list)
        for (k, s, r), i in self.y.items():
            self.y_of_track[k].append(i)
            self.y_of_session[s].append(i)
            self.y_of_room[r].append(i)
        self.x_of_talk: dict[int, dict[int, int]] = defaultdict(dict)
        for (n, s), i in self.x.items():
            self.x_of_talk[n][s] = i
        # other integer columns (order indicators …) are always free: they follow the grid and sessions
        structural = set(self.y.values()) | set(self.x.values())
        self.other_ints = np.array([i for i in self.ints if i not in structural], dtype=np.int64)
        self.structural = np.array(sorted(structural), dtype=np.int64)

    # ------------------------------------------------------------------ schedule <-> columns
    def grid_of(self, values: np.ndarray) -> dict[tuple[int, int], int]:
        return {(s, r): k for (k, s, r), i in self.y.items() if values[i] > 0.5}

    def sessions_of(self, values: np.ndarray) -> dict[int, int]:
        return {n: s for (n, s), i in self.x.items() if values[i] > 0.5}

    def vector(self, grid: dict[tuple[int, int], int], sessions: dict[int, int]) -> np.ndarray:
        """Integer column values of a (grid, sessions) plan; other columns 0."""
        v = np.zeros(len(self.built.prob.variables()))
        for (s, r), k in grid.items():
            i = self.y.get((k, s, r))
            if i is not None:
                v[i] = 1
        for n, s in sessions.items():
            i = self.x.get((n, s))
            if i is not None:
                v[i] = 1
        return v


def evaluate_plan(pm: PersistentModel, cols: Columns, values: np.ndarray, time_limit: float = 30.0):
    """The master objective of a plan: its grid and session columns fixed, the rest solved.

    Returns the full column vector and objective, or (None, None) when the plan breaks a
    constraint of the model."""
    lo, hi = pm.lo0.copy(), pm.hi0.copy()
    st = cols.structural
    lo[st] = hi[st] = np.round(values[st])
    pm.set_bounds(lo, hi)
    try:
        res = pm.solve(time_limit)
    finally:
        pm.reset_bounds()
    if res.values is None:
        return None, None
    return res.values, res.objective


@dataclass
class SearchStats:
    steps: int = 0
    improvements: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    interrupted: bool = False
    trace: list[tuple[float, float]] = field(default_factory=list)  # (seconds, objective) at each improvement


class SharedIncumbent:
    """The best plan of searches running side by side, and their stop flag."""

    def __init__(self, values: np.ndarray, objective: float):
        self._lock = threading.Lock()
        self.values, self.objective = values, objective
        self.stop = False
        self.version = 0

    def offer(self, values: np.ndarray, objective: float) -> bool:
        with self._lock:
            if objective < self.objective - 1e-6:
                self.values, self.objective = values, objective
                self.version += 1
                return True
            return False

    def best(self) -> tuple[np.ndarray, float, int]:
        with self._lock:
            return self.values, self.objective, self.version


class Neighbourhoods:
    """Which columns to free, by kind and size."""

    def __init__(self, cols: Columns, rng: random.Random):
        self.cols = cols
        self.rng = rng
        p = cols.p
        self.related: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        d = p.derived
        for (a, b) in d.presenter_conflicts | d.attendee_conflicts:
            ka, kb = p.submissions[a].track, p.submissions[b].track
            if ka != kb:
                self.related[ka][kb] += 1
                self.related[kb][ka] += 1
        for (ka, kb) in d.chair_conflicts:
            self.related[ka][kb] += 1
            self.related[kb][ka] += 1
        for (ka, kb), v in p.similar.items():
            if v:
                self.related[ka][kb] += 0.5
        self.size = {"tracks": min(p.T, 4), "sessions": min(p.S, 2), "rooms": min(p.R, 2), "window": 3}
        self.limit = {"tracks": p.T, "sessions": p.S, "rooms": p.R, "window": max(p.S, p.R)}

    def free_tracks(self, tracks, free: set[int]) -> None:
        c = self.cols
        for k in tracks:
            free.update(c.y_of_track[k])
            for n in c.p.submissions_of_track[k]:
                free.update(c.x_of_talk[n].values())

    def choose(self, kind: str, values: np.ndarray, focus: list[int] | None = None) -> set[int]:
        c, p, rng = self.cols, self.cols.p, self.rng
        size = self.size[kind]
        free: set[int] = set()
        grid = c.grid_of(values)
        if kind == "tracks":
            seed = rng.choice(focus) if focus else rng.randrange(p.T)
            chosen = {seed}
            # tracks sharing people, chairs or similarity, then tracks sharing sessions with them
            sessions_of = defaultdict(set)
            for (s, r), k in grid.items():
                sessions_of[k].add(s)
            while len(chosen) < min(size, p.T):
                cand = []
                for k in range(p.T):
                    if k in chosen:
                        continue
                    score = sum(self.related[j].get(k, 0.0) for j in chosen)
                    score += 0.2 * sum(len(sessions_of[j] & sessions_of[k]) for j in chosen)
                    cand.append((score + rng.random(), k))
                chosen.add(max(cand)[1])
            self.free_tracks(chosen, free)
        elif kind == "sessions":
            ss = set(rng.sample(range(p.S), min(p.S, size)))
            for s in ss:
                free.update(c.y_of_session[s])
            sessions = c.sessions_of(values)
            for n, s in sessions.items():
                if s in ss:
                    for s2, i in c.x_of_talk[n].items():
                        if s2 in ss:
                            free.add(i)
        elif kind == "rooms":
            rr = set(rng.sample(range(p.R), min(p.R, size)))
            for r in rr:
                free.update(c.y_of_room[r])
            self.free_tracks({k for (s, r), k in grid.items() if r in rr}, free)
        else:  # window: a few consecutive sessions × a few rooms, and the tracks held there
            h = max(1, min(p.S, int(round(math.sqrt(size)))))
            w = max(1, min(p.R, size - h + 1))
            s0 = rng.randrange(p.S - h + 1)
            rr = set(rng.sample(range(p.R), w))
            ss = set(range(s0, s0 + h))
            for (k, s, r), i in c.y.items():
                if s in ss and r in rr:
                    free.add(i)
            tracks = {k for (s, r), k in grid.items() if s in ss and r in rr}
            sessions = c.sessions_of(values)
            for k in tracks:
                for n in p.submissions_of_track[k]:
                    if sessions.get(n) in ss:
                        for s2, i in c.x_of_talk[n].items():
                            if s2 in ss:
                                free.add(i)
                    # the track may also take free cells of these sessions for its other talks
        return free

    def adapt(self, kind: str, proven: bool, fast: bool) -> None:
        if proven and fast:
            self.size[kind] = min(self.limit[kind], self.size[kind] + 1)
        elif not proven:
            self.size[kind] = max(1 if kind in ("sessions", "rooms") else 2, self.size[kind] - 1)


def improve(pm: PersistentModel, cols: Columns, values: np.ndarray, objective: float, deadline: float,
            seed: int = 0, step_seconds: float = 2.0, shared: SharedIncumbent | None = None,
            stats: SearchStats | None = None, progress: Callable[[str], None] | None = None,
            should_stop: Callable[[], bool] | None = None, max_steps: int | None = None,
            focus: Callable[[np.ndarray], list[int]] | None = None,
            node_limit: int | None = None) -> tuple[np.ndarray, float]:
    """Large neighbourhood search until ``deadline`` (or ``max_steps``); returns the best (values, objective).

    ``node_limit`` (with ``max_steps``): every sub-problem stops after that many branch-and-bound nodes
    instead of after ``step_seconds``, so the same seed gives the same schedule on any machine (the
    deadline stays a safety cap)."""
    rng = random.Random(seed)
    nb = Neighbourhoods(cols, rng)
    stats = stats if stats is not None else SearchStats()
    t0 = time.perf_counter()
    lo0, hi0 = pm.lo0, pm.hi0
    ints = cols.structural
    seen_version = -1
    step = 0
    try:
        while True:
            now = time.perf_counter()
            if now + 0.2 >= deadline or (max_steps is not None and step >= max_steps):
                break
            if should_stop is not None and should_stop():
                break
            if shared is not None:
                if shared.stop:
                    break
                bv, bo, ver = shared.best()
                if ver != seen_version and bo < objective - 1e-6:
                    values, objective = bv, bo
                seen_version = ver
            step += 1
            kind = KINDS[step % len(KINDS)] if step <= len(KINDS) else rng.choice(KINDS)
            f = focus(values) if focus is not None and kind == "tracks" and rng.random() < 0.5 else None
            free = nb.choose(kind, values, f)
            lo, hi = lo0.copy(), hi0.copy()
            fixed = np.setdiff1d(ints, np.fromiter(free, dtype=np.int64, count=len(free)), assume_unique=False)
            lo[fixed] = hi[fixed] = np.round(values[fixed])
            pm.set_bounds(lo, hi)
            t_run = deadline - time.perf_counter() - 0.1
            if node_limit is None:
                t_run = min(step_seconds, t_run)
            if t_run <= 0.05:
                break
            res = pm.solve(t_run, start=values, node_limit=node_limit)
            stats.steps += 1
            stats.by_kind[kind][0] += 1
            if res.values is not None and res.objective is not None and res.objective < objective - 1e-6:
                values, objective = res.values, res.objective
                stats.improvements += 1
                stats.by_kind[kind][1] += 1
                stats.trace.append((time.perf_counter() - t0, objective))
                if shared is not None:
                    shared.offer(values, objective)
                if progress:
                    progress(f"[{time.perf_counter() - t0:6.1f}s] search: best schedule so far {objective:,.0f} "
                             f"(re-planned {nb.size[kind]} {kind})")
            nb.adapt(kind, res.status == "optimal", res.seconds < step_seconds / 2)
    except KeyboardInterrupt:
        stats.interrupted = True
    finally:
        pm.reset_bounds()
    return values, objective


def improve_parallel(models: list[tuple[PersistentModel, Columns]], values: np.ndarray, objective: float,
                     deadline: float, seed: int = 0, progress=None, stats: SearchStats | None = None,
                     should_stop=None, step_seconds: float = 2.0, focus=None) -> tuple[np.ndarray, float]:
    """:func:`improve` on several copies of the model at once (one per core), sharing the best plan."""
    stats = stats if stats is not None else SearchStats()
    if len(models) == 1:
        pm, cols = models[0]
        return improve(pm, cols, values, objective, deadline, seed=seed, stats=stats, progress=progress,
                       should_stop=should_stop, step_seconds=step_seconds, focus=focus)
    shared = SharedIncumbent(values, objective)
    helper_stats = [SearchStats() for _ in models[1:]]

    def work(i: int) -> None:
        pm, cols = models[i]
        try:
            v, o, _ = shared.best()
            improve(pm, cols, v, o, deadline, seed=seed + 7919 * i, shared=shared, stats=helper_stats[i - 1],
                    should_stop=should_stop, step_seconds=step_seconds, focus=focus)
        except Exception:  # noqa: BLE001 - a helper search that fails leaves the first one working
            pass

    threads = [threading.Thread(target=work, args=(i,), daemon=True, name=f"xlcs-search-{i}")
               for i in range(1, len(models))]
    for t in threads:
        t.start()
    try:
        pm, cols = models[0]
        improve(pm, cols, values, objective, deadline, seed=seed, shared=shared, stats=stats, progress=progress,
                should_stop=should_stop, step_seconds=step_seconds, focus=focus)
    finally:
        shared.stop = True
        for t in threads:
            while t.is_alive():
                try:
                    t.join(0.2)
                except KeyboardInterrupt:
                    stats.interrupted = True
    for hs in helper_stats:
        stats.steps += hs.steps
        stats.improvements += hs.improvements
        for k, (a, b) in hs.by_kind.items():
            stats.by_kind[k][0] += a
            stats.by_kind[k][1] += b
    best, obj, _ = shared.best()
    return best, obj
