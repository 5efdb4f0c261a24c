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
from .persistent import MatrixModel, PersistentModel

import os

_TRACE = bool(os.environ.get("XLCS_TRACE_SEARCH"))
_T0 = time.perf_counter()
ROTATION = ("hotspot", "swap", "tracks", "sessions", "rooms", "window", "hotspot", "swap")
# the "relaxation" neighbourhood (relaxation induced: it frees the columns whose LP value differs from the
# plan's by more than a gap) is not in the rotation: a plan RELAXATION_AFTER sub-problems old gets it with the
# first gap, twice as old the second … (the gaps from small neighbourhoods to large ones: a stuck OR60F plan
# with --hard-rules all was left by the 0.2 one in 0.2 s, a stuck GECCO22 plan by the 0.05 one in 0.4 s)
KINDS = ROTATION + ("relaxation",)
RELAXATION_GAPS = (0.2, 0.05, 0.01)
RELAXATION_AFTER = 6
# a search without a better plan for DEEPEN_AFTER sub-problems gives each twice the time: a stuck plan's way out
# is often a neighbourhood too large to settle in a step (GECCO20 with --hard-rules all: 6,790 left for 6,210
# when the tracks of three rooms were re-planned at once, in 3 s; in 1.5 s that sub-problem found nothing)
DEEPEN_AFTER = 12
# a search without a better plan for PLATEAU_AFTER sub-problems walks the plateau: where the objective is a whole
# number, each sub-problem re-optimises under the objective plus a tie-breaking noise (below 0.5 in all) on the
# columns it frees, and a different plan of the same value is taken (a plan stuck in a deep valley is often
# one of many of its value, and from another of them a small neighbourhood leads down)
PLATEAU_AFTER = 12
PLATEAU_NOISE = 0.49  # the noise of a whole plan is below this: a real difference (at least 1) outweighs it
ANY_GAIN = 1e-6  # what counts as a better plan where the objective need not be a whole number
# (tried: a noise up to 0.5 % of the objective, so the walk could take a slightly worse plan; HiGHS then still
# returned plans of the same value, and escaped no more often)


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
        self.y_of_track_session: dict[tuple[int, int], list[int]] = defaultdict(list)
        self.y_of_track_room: dict[tuple[int, int], list[int]] = defaultdict(list)
        for (k, s, r), i in self.y.items():
            self.y_of_track[k].append(i)
            self.y_of_session[s].append(i)
            self.y_of_room[r].append(i)
            self.y_of_track_session[(k, s)].append(i)
            self.y_of_track_room[(k, r)].append(i)
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
    sideways: int = 0  # plans of the same value taken on the plateau walk


class SharedIncumbent:
    """The best plan of searches running side by side, and their stop flag."""

    def __init__(self, values: np.ndarray, objective: float, min_gain: float = ANY_GAIN):
        self._lock = threading.Lock()
        self.values, self.objective = values, objective
        # what counts as better: with whole-number weights and penalties a plan is better by at least 1, so
        # the optimiser asks for 0.5 (the solver's rounding in continuous columns is not a better plan)
        self.min_gain = min_gain
        self.stop = False
        self.version = 0
        self.last_better = time.perf_counter()  # when the best plan last improved
        # the whole model's LP optimum (column values), once the bound's thread has it: the "relaxation"
        # neighbourhood frees where the plan and it disagree
        self.relaxation: np.ndarray | None = None
        # (plan, gap) pairs a search has tried; the plan itself, not its id(): a freed plan's id is soon another's
        self._relaxed: list[tuple[np.ndarray, float]] = []

    def claim_relaxation(self, values: np.ndarray, gap: float) -> bool:
        """Whether this search may try the relaxation's neighbourhood with ``gap`` on the plan ``values`` (the
        same sub-problem twice gives the same answer: the other search may have tried it already)."""
        with self._lock:
            if any(v is values and g == gap for v, g in self._relaxed):
                return False
            self._relaxed.append((values, gap))
            return True

    def offer(self, values: np.ndarray, objective: float) -> bool:
        with self._lock:
            if objective < self.objective - self.min_gain:
                self.values, self.objective = values, objective
                self.version += 1
                self.last_better = time.perf_counter()
                return True
            return False

    def stalled(self, since: float, seconds: float, share: float) -> bool:
        """No better plan for ``seconds`` and for ``share`` of the time since ``since``."""
        now = time.perf_counter()
        idle = now - self.last_better
        return idle >= seconds and idle >= share * (now - since)

    def best(self) -> tuple[np.ndarray, float, int]:
        with self._lock:
            return self.values, self.objective, self.version


def quick_schedule(p, grid: dict[tuple[int, int], int], sessions: dict[int, int]):
    """A schedule of a plan without the rooms-and-slots solver (talks first fit into their track's
    rooms): good enough to see, with the evaluator, where a plan pays."""
    from .schedule import Schedule

    rooms_of = defaultdict(list)
    for (s, r), k in sorted(grid.items()):
        rooms_of[(k, s)].append(r)
    used = defaultdict(int)
    sched = Schedule(grid=dict(grid))
    for n, s in sorted(sessions.items(), key=lambda t: -p.submissions[t[0]].required_slots):
        q = p.submissions[n].required_slots
        rooms = rooms_of.get((p.submissions[n].track, s), ())
        m = p.sessions[s].slots
        for r in rooms:
            if used[(s, r)] + q <= m:
                for t in range(used[(s, r)], used[(s, r)] + q):
                    sched.cells[(s, r, t)] = n
                used[(s, r)] += q
                break
    return sched


def hot_spots(p, grid, sessions) -> list[tuple[float, set[int], set[int], set[int]]]:
    """Where the plan pays: (penalty, tracks, sessions, sessions wanted) of each violation the evaluator
    finds; a talk that pays for its session wants the sessions where it would not."""
    from .evaluate import evaluate

    ev = evaluate(p, quick_schedule(p, grid, sessions))
    track_of_name = {t.name: k for k, t in enumerate(p.tracks)}
    out = []
    for term in ev.terms:
        if not term.active or not term.violations:
            continue
        w = term.weight if term.info.weight_cell else 1
        for v in term.violations:
            tracks = set()
            for name in v.items:
                if name in track_of_name:
                    tracks.add(track_of_name[name])
                else:
                    n = p.find_submission(name)
                    if n is not None:
                        tracks.add(p.submissions[n].track)
            ss = {c[0] for c in v.cells}
            wanted: set[int] = set()
            if term.key in ("SS", "TZ"):
                n = p.find_submission(v.items[0]) if v.items else None
                if n is not None:
                    q = p.submissions[n].required_slots
                    options = [(p.submissions[n].session_penalty.get(s, 0) * p.weight("SS")
                                + p.derived.tz.get((n, s), 0) * p.weight("TZ"), s)
                               for s in range(p.S) if p.sessions[s].slots >= q]
                    best = min(c for c, _ in options)
                    wanted = {s for c, s in options if c == best} - ss
            if tracks or ss:
                out.append((float(v.amount * w), tracks, ss, wanted))
    return out


class Neighbourhoods:
    """Which columns to free, by kind and size."""

    def __init__(self, cols: Columns, rng: random.Random, relaxation: Callable[[], np.ndarray | None] | None = None):
        self.cols = cols
        self.rng = rng
        self.relaxation = relaxation or (lambda: None)
        self.relaxation_gap = RELAXATION_GAPS[-1]
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
        self.size = {"tracks": min(p.T, 4), "sessions": min(p.S, 2), "rooms": min(p.R, 2), "window": 3,
                     "hotspot": 2, "swap": 1, "relaxation": 1}
        self.limit = {"tracks": p.T, "sessions": p.S, "rooms": p.R, "window": max(p.S, p.R), "hotspot": p.T,
                      "swap": 3, "relaxation": 1}
        # (the values they were found for, spots): the values themselves, as a freed plan's id() is soon another's
        self._spots: tuple[np.ndarray, list] | None = None
        self.demand = [sum(p.submissions[n].required_slots for n in p.submissions_of_track[k]) for k in range(p.T)]
        self.cheap_sessions = {}
        for n, sub in enumerate(p.submissions):
            costs = [(p.weight("SS") * sub.session_penalty.get(s, 0) + p.weight("TZ") * p.derived.tz.get((n, s), 0), s)
                     for s in range(p.S) if p.sessions[s].slots >= sub.required_slots]
            if costs:
                lo = min(c for c, _ in costs)
                self.cheap_sessions[n] = [s for c, s in costs if c == lo]

    def free_tracks(self, tracks, free: set[int]) -> None:
        c = self.cols
        for k in tracks:
            free.update(c.y_of_track[k])
            for n in c.p.submissions_of_track[k]:
                free.update(c.x_of_talk[n].values())

    def free_in_sessions(self, tracks, ss: set[int], sessions: dict[int, int], free: set[int]) -> None:
        """Let ``tracks`` trade cells among the sessions ``ss``, and every talk now in one of them
        (``sessions``: talk → its session) move to another of them."""
        c = self.cols
        for k in tracks:
            for s in ss:
                free.update(c.y_of_track_session[(k, s)])
        for n, s in sessions.items():
            if s in ss:
                for s2, i in c.x_of_talk[n].items():
                    if s2 in ss:
                        free.add(i)

    #: free columns a sub-problem may have (adapted: grows while sub-problems are proven optimal fast,
    #: shrinks when they run out of time)
    cap: float = 400.0

    def pick(self, kind: str, values: np.ndarray, focus: list[int] | None = None) -> set[int]:
        """The columns to free: the kind's neighbourhood at its size, smaller while above the cap."""
        size = self.size[kind]
        state = self.rng.getstate()
        while True:
            self.rng.setstate(state)
            free = self.choose(kind, values, focus, size)
            if len(free) <= self.cap or size <= 1:
                return free
            size -= 1

    def choose(self, kind: str, values: np.ndarray, focus: list[int] | None = None,
               size: int | None = None) -> set[int]:
        c, p, rng = self.cols, self.cols.p, self.rng
        size = self.size[kind] if size is None else size
        free: set[int] = set()
        grid = c.grid_of(values)
        if kind == "relaxation":  # where the plan and the LP optimum disagree (relaxation induced, "RINS")
            lp = self.relaxation()
            if lp is None:
                return self.choose("tracks", values, focus, self.size["tracks"])
            st = c.structural
            apart = st[np.abs(lp[st] - values[st]) > self.relaxation_gap]
            if len(apart) > 2 * self.cap:  # too large to settle: the disagreements of a random half of the tracks
                keep = set(rng.sample(range(p.T), max(1, p.T // 2)))
                mine = np.zeros(len(lp), dtype=bool)
                for k in keep:
                    mine[c.y_of_track[k]] = True
                    for n in p.submissions_of_track[k]:
                        mine[list(c.x_of_talk[n].values())] = True
                apart = apart[mine[apart]]
            return set(int(i) for i in apart)
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
            sessions = c.sessions_of(values)
            # the tracks there may trade cells and talks between these sessions
            involved = {k for (s, r), k in grid.items() if s in ss}
            self.free_in_sessions(involved, ss, sessions, free)
        elif kind == "rooms":
            # rooms whose tracks pay most are chosen most often (the hot spots of their tracks)
            spots = self.spots(values, grid, c.sessions_of(values))
            pay = [1.0] * p.R
            rooms_of = defaultdict(set)
            for (s, r), k in grid.items():
                rooms_of[k].add(r)
            for cost, tracks, _, _ in spots:
                for k in tracks:
                    for r in rooms_of[k]:
                        pay[r] += cost
            w = [x ** 0.5 for x in pay]
            rr: set[int] = set()
            while len(rr) < min(p.R, size):
                rr.add(rng.choices(range(p.R), weights=w)[0])
            tracks = {k for (s, r), k in grid.items() if r in rr}
            tracks |= set(rng.sample(range(p.T), min(p.T, 2)))  # and a couple of tracks that may move in
            for k in tracks:
                for r in rr:
                    free.update(c.y_of_track_room[(k, r)])
            self.free_tracks({k for (s, r), k in grid.items() if r in rr}, free)
        elif kind == "swap":  # a track where the incumbent pays trades places with tracks of another session
            sess = c.sessions_of(values)
            spots = self.spots(values, grid, sess)
            if not spots:
                return self.choose("tracks", values, None, max(2, size))
            _, tracks, ss, wanted = rng.choices(spots, weights=[sp[0] ** 0.8 for sp in spots])[0]
            held = sorted((s, r, k) for (s, r), k in grid.items() if k in tracks and (s in ss or not ss))
            if not held:
                return self.choose("hotspot", values, None, 2)
            s1, r1, a = rng.choice(held)
            m = [x.slots for x in p.sessions]
            # tracks of the sessions its talk wants (to make room there), else of any other session
            others = [(s, r, k) for (s, r), k in grid.items() if s in wanted and k != a] if wanted else []
            if not others or rng.random() < 0.3:
                others = [(s, r, k) for (s, r), k in grid.items() if s != s1 and k != a]
            if not others:
                return self.choose("hotspot", values, None, 2)
            w = [(3.0 if m[s] == m[s1] else 1.0) / (1.0 + abs(self.demand[k] - self.demand[a])) for s, r, k in others]
            picks = {rng.choices(others, weights=w)[0] for _ in range(size)}
            moving = {a} | {k for _, _, k in picks}
            ss = {s1} | {s for s, _, _ in picks}
            self.free_tracks(moving, free)
            # the tracks there may trade cells, and the talks there move, between these sessions
            self.free_in_sessions({k for (s, r), k in grid.items() if s in ss}, ss, sess, free)
        elif kind == "hotspot":  # where the incumbent pays: its tracks, its sessions and where its talks want to be
            sess = c.sessions_of(values)
            spots = self.spots(values, grid, sess)
            if not spots:
                return self.choose("tracks", values, None, size)
            weights = [sp[0] ** 0.8 for sp in spots]  # the costliest places most often
            _, tracks, ss, wanted = rng.choices(spots, weights=weights)[0]
            tracks, ss = set(tracks), set(ss) | set(wanted)
            for k in list(tracks):
                for n in p.submissions_of_track[k]:
                    cheap = self.cheap_sessions.get(n)
                    if cheap and sess.get(n) not in cheap:
                        ss.add(rng.choice(cheap))
            if len(ss) < 2 or rng.random() < 0.5:
                # a session where a spot track could go instead: one with cells as large as the ones it
                # holds in the spot (in a tight grid only those fit)
                m = [sess.slots for sess in p.sessions]
                held = {m[s] for (s, r), k in grid.items() if k in tracks and s in ss}
                cand = [s for s in range(p.S) if s not in ss]
                if cand:
                    w = [3.0 if m[s] in held else 1.0 for s in cand]
                    ss.add(rng.choices(cand, weights=w)[0])
            # a few of the tracks held in those sessions may move too: those about as large as the spot's
            # tracks first (in a tight grid, only a track of the same size can take another's place)
            there = sorted({k for (s, r), k in grid.items() if s in ss} - tracks)
            want = [self.demand[k] for k in tracks] or [0]
            pool = list(there)
            for _ in range(min(len(there), size - 1)):
                w = [1.0 / (1.0 + min(abs(self.demand[k] - d) for d in want)) for k in pool]
                k = rng.choices(pool, weights=w)[0]
                pool.remove(k)
                tracks.add(k)
            self.free_tracks(tracks, free)
            # the others there keep their talks but may trade cells in these sessions
            self.free_in_sessions(there, ss, sess, free)
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

    def spots(self, values, grid, sess):
        """Where the incumbent pays (cached per incumbent)."""
        if self._spots is None or self._spots[0] is not values:
            self._spots = (values, hot_spots(self.cols.p, grid, sess))
        return self._spots[1]

    def adapt(self, kind: str, proven: bool, fast: bool) -> None:
        if kind == "relaxation":  # its size is the disagreement's, not the search's to adapt
            return
        if proven and fast:
            self.size[kind] = min(self.limit[kind], self.size[kind] + 1)
            self.cap = min(20000.0, self.cap * 1.15)
        elif not proven:
            self.size[kind] = max(1 if kind in ("sessions", "rooms", "hotspot") else 2, self.size[kind] - 1)
            self.cap = max(60.0, self.cap * 0.8)


def improve(mm: MatrixModel, cols: Columns, values: np.ndarray, objective: float, deadline: float,
            seed: int = 0, step_seconds: float = 1.5, shared: SharedIncumbent | None = None,
            stats: SearchStats | None = None, progress: Callable[[str], None] | None = None,
            should_stop: Callable[[], bool] | None = None, max_steps: int | None = None,
            node_limit: int | None = None, cost: tuple[np.ndarray, float] | None = None) -> tuple[np.ndarray, float]:
    """Large neighbourhood search until ``deadline`` (or ``max_steps``); returns the best (values, objective).

    ``cost``: the objective the search scores plans by (default the model's; the optimiser may price
    a rule higher for a while); the shared best plan is always valued by the model's own objective.
    ``node_limit`` (with ``max_steps``): every sub-problem stops after that many branch-and-bound nodes
    instead of after ``step_seconds``, so the same seed gives the same schedule on any machine (the
    deadline stays a safety cap)."""
    rng = random.Random(seed)
    nb = Neighbourhoods(cols, rng, relaxation=(lambda: shared.relaxation) if shared is not None else None)
    stats = stats if stats is not None else SearchStats()
    t0 = time.perf_counter()
    c_vec, c_const = cost if cost is not None else (mm.cost, mm.constant)
    seen_version = -1
    min_gain = shared.min_gain if shared is not None else ANY_GAIN
    # the plateau walk needs whole-number objectives (the noise must not outweigh a real difference)
    plateau = min_gain >= 0.5 and node_limit is None
    # its noise per freed column: at most one session per talk and one track per cell, so no plan has more
    # structural ones than talks + cells, and no plan's noise reaches PLATEAU_NOISE
    noise_per_column = PLATEAU_NOISE / (len(cols.p.submissions) + cols.p.S * cols.p.R)
    step = 0
    last_better = 0  # the step that last gave (or brought) a better plan
    relaxed = 0  # how many of the relaxation's gaps the plan has had
    objective = mm.value(values, c_vec, c_const)
    # the best plan met; ``values`` is the plan the search stands on, which the walk moves to others of the
    # same value (up to the noise)
    best_values, best = values, objective
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
                if ver != seen_version:
                    bo_here = mm.value(bv, c_vec, c_const)
                    if bo_here < best - min_gain:
                        values, objective = best_values, best = bv, bo_here
                        last_better, relaxed = step, 0
                seen_version = ver
            step += 1
            kind = ""
            if (shared is not None and shared.relaxation is not None and relaxed < len(RELAXATION_GAPS)
                    and step - last_better >= RELAXATION_AFTER * (relaxed + 1)):
                gap = RELAXATION_GAPS[relaxed]
                relaxed += 1
                if shared.claim_relaxation(values, gap):
                    kind = "relaxation"
                    nb.relaxation_gap = gap
            if not kind:
                kind = ROTATION[step % len(ROTATION)] if step <= len(ROTATION) else rng.choice(ROTATION)
            free = nb.pick(kind, values)
            t_run = deadline - time.perf_counter() - 0.1
            if node_limit is None:
                # the relaxation's neighbourhood is large and often worth it: twice the time; so is every step
                # of a stuck search
                longer = 2 if kind == "relaxation" or step - last_better >= DEEPEN_AFTER else 1
                t_run = min(step_seconds * longer, t_run)
            if t_run <= 0.05:
                break
            free_ix = np.fromiter(free, dtype=np.int64, count=len(free))
            # (not the relaxation's sub-problem: large, it must settle in its time to lead anywhere)
            walk = plateau and step - last_better >= PLATEAU_AFTER and kind != "relaxation"
            sub_cost = c_vec
            if walk:
                sub_cost = c_vec.copy()
                sub_cost[free_ix] += np.array([rng.random() for _ in range(len(free_ix))]) * noise_per_column
            res = mm.solve_neighbourhood(values, free_ix, t_run, node_limit=node_limit, cost=sub_cost,
                                         seed=seed + step)
            new_objective = res.objective
            if walk and res.values is not None:
                new_objective = mm.value(res.values, c_vec, c_const)
            stats.steps += 1
            stats.by_kind[kind][0] += 1
            if _TRACE:
                print(f"[{time.perf_counter() - _T0:5.1f}s s{seed}] step {step} {kind}{' walk' if walk else ''} "
                      f"size {nb.size[kind]} cap {nb.cap:.0f} free {len(free)} cols {res.columns} "
                      f"{res.status} {res.seconds:.2f}s {new_objective} (was {objective})", flush=True)
            if res.values is not None and new_objective is not None and new_objective < best - min_gain:
                values, objective = best_values, best = res.values, new_objective
                last_better, relaxed = step, 0
                stats.improvements += 1
                stats.by_kind[kind][1] += 1
                stats.trace.append((time.perf_counter() - t0, objective))
                if shared is not None:
                    shared.offer(values, mm.value(values))
                if progress:
                    progress(f"[{time.perf_counter() - t0:6.1f}s] search: best so far {objective:,.0f} "
                             f"(re-planned {nb.size[kind]} {kind})")
            elif (walk and res.values is not None and new_objective is not None
                  and new_objective <= best + PLATEAU_NOISE
                  and not np.array_equal(np.round(res.values[cols.structural]), np.round(values[cols.structural]))):
                values, objective = res.values, new_objective  # another plan of the same value: the walk goes on
                stats.sideways += 1
            if not walk:  # a noisy sub-problem is slower to prove: it says nothing of the size that settles
                nb.adapt(kind, res.status == "optimal", res.seconds < step_seconds / 4)
    except KeyboardInterrupt:
        stats.interrupted = True
    return best_values, best


def term_values_of(built: BuiltModel, sched, pm: PersistentModel | None = None) -> dict[str, float] | None:
    """The master model's raw amount of every term for a given schedule (its grid and its talks'
    sessions fixed, everything else solved): for tests and explanations.  None when the schedule
    is not one the template allows (a talk outside its track's cells, a session overfull)."""
    pm = pm or PersistentModel(built.prob)
    cols = Columns(built, pm)
    sessions = {n: cells[0][0] for n, cells in sched.cells_of().items()}
    values, _ = evaluate_plan(pm, cols, cols.vector(sched.grid, sessions))
    if values is None:
        return None
    for v, val in zip(pm.variables, values):
        v.varValue = val
    return built.term_values()
