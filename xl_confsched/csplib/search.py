"""Primal search around the session model: a greedy start and MIP-based large neighbourhood search.

CBC alone proves small instances optimal but stalls on the large public ones (no
schedule at all for OR60F2 within a minute, slow progress on GECCO19/22, ISF22).  Two
things fix that without a second model:

* :func:`greedy_start` builds a complete schedule of the session model's variables in
  milliseconds — every track packed into runs of free sessions of its cheapest room,
  talks packed into those sessions largest first — so there is always an incumbent;
* :func:`improve` (large neighbourhood search) repeatedly frees a part of the incumbent
  (a few rooms, a few sessions, or a few related tracks), fixes the rest through the
  variables' bounds, and lets CBC re-optimise that part of the *same* model for a few
  seconds; a better schedule is kept.  The sub-problems are small, so CBC solves them
  well; the objective is the model's, so every rule is still defined once.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from typing import Callable

import pulp

from .model import BuiltModel
from ..solvers import solve_cbc


def int_vars(built: BuiltModel) -> list[pulp.LpVariable]:
    ctx = built.ctx
    return list(ctx.y.values()) + list(ctx.x.values()) + list(ctx.xr.values())


def current_values(built: BuiltModel) -> dict[str, int] | None:
    out = {}
    for v in int_vars(built):
        if v.varValue is None:
            return None
        out[v.name] = int(round(v.varValue))
    return out


# ---------------------------------------------------------------------- greedy start

def pack_talks(sizes: list[tuple[int, int]], free: dict[int, int]) -> dict[int, int] | None:
    """First-fit decreasing of (n, size) into sessions {s: free slots}; n -> s, or None."""
    left = dict(free)
    out = {}
    for n, q in sorted(sizes, key=lambda t: -t[1]):
        for s in sorted(left):
            if left[s] >= q:
                left[s] -= q
                out[n] = s
                break
        else:
            return None
    return out


def greedy_start(built: BuiltModel) -> dict[str, int] | None:
    """A complete assignment of the model's integer variables, or None if packing fails.

    Each track (largest demand first) takes, in the room that is cheapest for it, the run of
    consecutive free sessions with the lowest track–session penalty that can hold its talks;
    when no single room can, it continues in further rooms (in other sessions — or, for the
    tracks the capacity check lets run in parallel, in any free cell)."""
    ctx = built.ctx
    p = ctx.problem
    S, R = p.S, p.R
    if ctx.aggregate:
        return None
    m = [s.slots for s in p.sessions]
    excluded = set(built.excluded)
    free_cells = {(s, r) for s in range(S) for r in range(R)}
    w = p.parameters.weights
    values: dict[str, int] = {v.name: 0 for v in int_vars(built)}
    order = sorted(range(p.T), key=lambda k: -sum(p.submissions[n].required_slots
                                                   for n in p.submissions_of_track[k]))
    for k in order:
        subs = [(n, p.submissions[n].required_slots) for n in p.submissions_of_track[k] if n not in excluded]
        if not subs:
            continue
        standard = ctx.standard(k)
        used_sessions: set[int] = set()
        remaining = list(subs)
        rooms = sorted(range(R), key=lambda r: (w.get("TR", 0) * p.track_room.get((k, r), 0),
                                                -sum(1 for s in range(S) if (s, r) in free_cells)))
        for r in rooms:
            if not remaining:
                break
            avail = [s for s in range(S) if (s, r) in free_cells and (k, s, r) in ctx.y
                     and (not standard or s not in used_sessions)]
            if not avail:
                continue
            best = None
            # runs of consecutive available sessions, cheapest first; else all available sessions
            for a in range(len(avail)):
                run = []
                for b in range(a, len(avail)):
                    if run and avail[b] != run[-1] + 1:
                        break
                    run.append(avail[b])
                    packed = pack_talks(remaining, {s: m[s] for s in run})
                    if packed is not None:
                        cost = sum(w.get("TS", 0) * p.track_session.get((k, s), 0)
                                   + w.get("SR", 0) * p.session_room.get((s, r), 0) for s in run) + len(run)
                        if best is None or cost < best[0]:
                            best = (cost, list(run), packed)
                        break
            if best is None:
                # the whole track does not fit here: fill what this room can take, go on elsewhere
                partial, left = {}, {s: m[s] for s in avail}
                rest = []
                for n, q in sorted(remaining, key=lambda t: -t[1]):
                    for s in sorted(left):
                        if left[s] >= q:
                            left[s] -= q
                            partial[n] = s
                            break
                    else:
                        rest.append((n, q))
                if not partial:
                    continue
                best = (0, sorted(set(partial.values())), partial)
                remaining = rest
            else:
                remaining = []
            _, run, packed = best
            for s in run:
                if s not in set(packed.values()):
                    continue
                free_cells.discard((s, r))
                used_sessions.add(s)
                values[ctx.y[(k, s, r)].name] = 1
            for n, s in packed.items():
                if standard:
                    values[ctx.x[(n, s)].name] = 1
                else:
                    values[ctx.xr[(n, s, r)].name] = 1
        if remaining:
            return None
    return values


def apply_values(built: BuiltModel, values: dict[str, int]) -> None:
    """Set the integer variables to ``values``: their warm start and their current value."""
    for v in int_vars(built):
        v.setInitialValue(values.get(v.name, 0))


def model_value(built: BuiltModel, values: dict[str, int], time_limit: float = 20) -> float | None:
    """The model's objective for a fixed assignment of the integer variables (auxiliaries tight)."""
    ints = int_vars(built)
    saved = [(v, v.lowBound, v.upBound) for v in ints]
    try:
        for v in ints:
            v.lowBound = v.upBound = values.get(v.name, 0)
        run = solve_cbc(built.prob, time_limit, constant=built.constant)
        if not run.has_solution:
            return None
        return float(pulp.value(built.prob.objective))
    finally:
        for v, lo, hi in saved:
            v.lowBound, v.upBound = lo, hi


# ---------------------------------------------------------------------- large neighbourhood search

def _neighbourhood(built: BuiltModel, values: dict[str, int], kind: str, size: int,
                   rng: random.Random, focus: list[int] = ()) -> set[str]:
    """Names of the integer variables to free.

    ``focus``: for "repair" the tracks in several rooms, for "clash" the tracks with a
    presenter in two rooms of one session (one of them is the seed)."""
    ctx = built.ctx
    p = ctx.problem
    S, R = p.S, p.R
    where = defaultdict(set)  # track -> {(s, r)}
    for (k, s, r), v in ctx.y.items():
        if values.get(v.name):
            where[k].add((s, r))
    free: set[str] = set()

    def free_track(k):
        for (kk, s, r), v in ctx.y.items():
            if kk == k:
                free.add(v.name)
        for n in p.submissions_of_track[k]:
            for s in range(S):
                if (n, s) in ctx.x:
                    free.add(ctx.x[(n, s)].name)
                for r in range(R):
                    if (n, s, r) in ctx.xr:
                        free.add(ctx.xr[(n, s, r)].name)

    def free_rooms(rooms):  # every cell of these rooms, and every track that uses one of them
        for (k, s, r), v in ctx.y.items():
            if r in rooms:
                free.add(v.name)
        for k, cells in where.items():
            if any(r in rooms for _, r in cells):
                free_track(k)

    if kind == "recolour":  # every track keeps its sessions and talks; only the rooms change
        free = {v.name for v in ctx.y.values()}
    elif kind == "repair":  # the rooms of a track that uses several, and a few more
        k0 = rng.choice(focus)
        rooms = {r for _, r in where[k0]}
        others = [r for r in range(R) if r not in rooms]
        free_rooms(rooms | set(rng.sample(others, min(len(others), max(0, size - len(rooms))))))
    elif kind == "rooms":
        free_rooms(set(rng.sample(range(R), min(R, size))))
    elif kind == "sessions":
        sessions = set(rng.sample(range(S), min(S, size)))
        for (k, s, r), v in ctx.y.items():
            if s in sessions:
                free.add(v.name)
        for (n, s), v in ctx.x.items():
            if s in sessions:
                free.add(v.name)
        for (n, s, r), v in ctx.xr.items():
            if s in sessions:
                free.add(v.name)
    else:  # related tracks: a seed and the tracks it shares people, similarity or sessions with
        # ("clash": the seed is a track with a presenter in two places at once)
        d = p.derived
        seed = rng.choice(focus) if kind == "clash" else rng.randrange(p.T)
        related = defaultdict(float)
        for (a, b) in d.presenter_conflicts | d.attendee_conflicts:
            ka, kb = p.submissions[a].track, p.submissions[b].track
            if ka != kb:
                related[(ka, kb)] += 1
                related[(kb, ka)] += 1
        for (ka, kb) in d.chair_conflicts:
            related[(ka, kb)] += 1
            related[(kb, ka)] += 1
        for (ka, kb), v in p.similar.items():
            related[(ka, kb)] += 1
        chosen = {seed}
        while len(chosen) < min(size, p.T):
            cand = [(related.get((c, k), 0) + rng.random(), k) for k in range(p.T) if k not in chosen
                    for c in chosen]
            chosen.add(max(cand)[1])
        for k in chosen:
            free_track(k)
    return free


def clashing_tracks(built: BuiltModel, values: dict[str, int]) -> list[int]:
    """Tracks with a talk whose presenter has another talk in another room of the same session."""
    ctx = built.ctx
    p = ctx.problem
    if "PC" not in built.slack:
        return []
    room = {}  # (track, session) -> room, for tracks in one room per session
    for (k, s, r), v in ctx.y.items():
        if values.get(v.name):
            room[(k, s)] = r
    cell = {}  # submission -> (session, room)
    for (n, s), v in ctx.x.items():
        if values.get(v.name):
            cell[n] = (s, room.get((p.submissions[n].track, s)))
    for (n, s, r), v in ctx.xr.items():
        if values.get(v.name):
            cell[n] = (s, r)
    out = set()
    for a, b in p.derived.presenter_conflicts:  # same session, different rooms (same room: one after another)
        if a in cell and b in cell and cell[a][0] == cell[b][0] and cell[a][1] != cell[b][1]:
            out.update((p.submissions[a].track, p.submissions[b].track))
    return sorted(out)


def split_tracks(built: BuiltModel, values: dict[str, int]) -> list[int]:
    """Tracks (other than those that must split) placed in more than one room."""
    ctx = built.ctx
    rooms = defaultdict(set)
    for (k, s, r), v in ctx.y.items():
        if values.get(v.name):
            rooms[k].add(r)
    return sorted(k for k, rs in rooms.items() if ctx.standard(k) and len(rs) > 1)


class SharedIncumbent:
    """The best schedule of searches running side by side (one per core), and their stop flag."""

    def __init__(self, values: dict[str, int], objective: float):
        self._lock = threading.Lock()
        self.values, self.objective = values, objective
        self.stop = False

    def offer(self, values: dict[str, int], objective: float) -> None:
        with self._lock:
            if objective < self.objective - 1e-6:
                self.values, self.objective = values, objective

    def best(self) -> tuple[dict[str, int], float]:
        with self._lock:
            return self.values, self.objective


def improve_parallel(builts: list[BuiltModel], values: dict[str, int], objective: float, deadline: float,
                     seed: int = 0, progress: Callable[[str], None] | None = None, stats: dict | None = None,
                     prelude: Callable[[BuiltModel], tuple[dict[str, int], float] | None] | None = None,
                     **kw) -> tuple[dict[str, int], float, int, int]:
    """:func:`improve` on several copies of the same model at once (one per core), sharing the incumbent.

    ``builts`` are models built by the same call (same variable names).  The first search
    runs in this thread (it reports progress and receives Ctrl-C); the others run in
    background threads with other seeds — CBC runs as a separate process, so each search
    gets a core of its own — and every search continues from the best schedule any of
    them has found.  With one model this is plain :func:`improve`.

    ``prelude(model)`` runs first in the second search's thread (on its copy): e.g. CBC on the
    whole model for the lower bound; a schedule it returns (values, objective) is shared."""
    if len(builts) == 1:
        return improve(builts[0], values, objective, deadline, seed=seed, progress=progress, stats=stats, **kw)
    shared = SharedIncumbent(values, objective)
    counts = [(0, 0)] * len(builts)

    def work(i: int) -> None:
        try:
            if prelude is not None and i == 1:
                found = prelude(builts[i])
                if found is not None:
                    shared.offer(found[0], found[1])
                if shared.stop or time.perf_counter() >= deadline:
                    return
            start, start_obj = shared.best()
            _, _, n_imp, n_sub = improve(builts[i], start, start_obj, deadline, seed=seed + 7919 * i,
                                         shared=shared, **kw)
            counts[i] = (n_imp, n_sub)
        except Exception:  # noqa: BLE001 - a helper search that fails only leaves the first one working
            pass

    helpers = [threading.Thread(target=work, args=(i,), daemon=True, name=f"xlcs-search-{i}")
               for i in range(1, len(builts))]
    for t in helpers:
        t.start()
    try:
        _, _, n_imp, n_sub = improve(builts[0], values, objective, deadline, seed=seed, progress=progress,
                                     stats=stats, shared=shared, **kw)
        counts[0] = (n_imp, n_sub)
    finally:
        shared.stop = True
        for t in helpers:
            while t.is_alive():  # a helper stops after its current sub-problem (a few seconds at most)
                try:
                    t.join(0.2)
                except KeyboardInterrupt:
                    if stats is not None:
                        stats["interrupted"] = True
    best, obj = shared.best()
    apply_values(builts[0], best)
    return best, obj, sum(c[0] for c in counts), sum(c[1] for c in counts)


def improve(built: BuiltModel, values: dict[str, int], objective: float, deadline: float, seed: int = 0,
            progress: Callable[[str], None] | None = None, iteration_seconds: float = 4.0,
            stats: dict | None = None, max_iterations: int | None = None,
            max_nodes: int | None = None, repair: bool = False,
            recolour_every: int = 0, shared: SharedIncumbent | None = None,
            recolour_first: bool = True) -> tuple[dict[str, int], float, int, int]:
    """Large neighbourhood search until ``deadline``; returns (values, objective, improvements, sub-problems).

    ``repair``: while some track uses several rooms, the first sub-problem reassigns every
    room (sessions kept), then most free the rooms of one such track (and a few more), so
    one-room-per-track can be restored locally.  ``recolour_every``: reassign all rooms
    (sessions kept) every so many sub-problems.

    Ctrl-C stops the search and returns the best schedule so far (``stats["interrupted"]`` is set).
    With ``max_iterations`` and ``max_nodes`` the search is a fixed amount of work (each
    sub-problem node-limited, the deadline only a safety cap), so the same seed gives the
    same schedule on any machine fast enough to finish it (``stats["deadline_hit"]`` says
    when it was not).

    ``shared`` (from :func:`improve_parallel`): every sub-problem starts from the best
    schedule of all searches, and better ones are published there."""
    ctx = built.ctx
    p = ctx.problem
    rng = random.Random(seed)
    ints = int_vars(built)
    saved = [(v, v.lowBound, v.upBound) for v in ints]
    kinds = ["rooms", "sessions", "tracks"]
    size = {"rooms": max(2, min(p.R, 3)), "sessions": max(2, min(p.S, 3)), "tracks": max(3, min(p.T, 6)),
            "repair": max(2, min(p.R, 3)), "recolour": p.R, "clash": max(3, min(p.T, 6))}
    limit = {"rooms": p.R, "sessions": p.S, "tracks": p.T, "repair": p.R, "recolour": p.R, "clash": p.T}
    improvements = 0
    it = 0
    scanned: dict[str, int] | None = None
    clashes: list[int] = []
    splits: list[int] = []
    t_start = time.perf_counter()
    overhead = 0.5  # seconds around each CBC run (model file, start-up, solution): measured as we go
    try:
        searching = True
        while searching:
            if max_iterations is not None and it >= max_iterations:
                break
            if time.perf_counter() + overhead + 0.5 >= deadline:
                if stats is not None and max_iterations is not None:
                    stats["deadline_hit"] = True
                break
            if shared is not None:
                if shared.stop:
                    break
                best, best_obj = shared.best()
                if best_obj < objective - 1e-6:  # another search found a better schedule: go on from it
                    values, objective = best, best_obj
                    if progress:
                        progress(f"[{time.perf_counter() - t_start:6.1f}s] neighbourhood search: incumbent "
                                 f"{objective:,.0f} (from the search on the other core)")
            it += 1
            kind = kinds[it % len(kinds)] if it <= 3 else rng.choice(kinds)
            if recolour_every and it % recolour_every == recolour_every // 2:
                kind = "recolour"  # now and then every track keeps its sessions and all rooms are reassigned
            if values is not scanned:  # the incumbent changed: which tracks are split or clash
                scanned, clashes = values, clashing_tracks(built, values)
                splits = split_tracks(built, values) if repair else []
            focus: list[int] = []
            if it > 1 and rng.random() < 0.5 and clashes:
                kind, focus = "clash", clashes  # a presenter in two places at once: free that track and related ones
            elif splits:
                # first give every track's sessions new rooms; then free the rooms of a split track
                kind = "recolour" if it == 1 and recolour_first else ("repair" if rng.random() < 0.7 else kind)
                focus = splits
            free = _neighbourhood(built, values, kind, size[kind], rng, focus)
            for v in ints:
                if v.name in free:
                    v.lowBound, v.upBound = 0, 1
                else:
                    v.lowBound = v.upBound = values.get(v.name, 0)
                v.setInitialValue(values.get(v.name, 0))
            t_left = deadline - time.perf_counter()
            t_call = time.perf_counter()
            try:
                t_run = max(0.3, (t_left - overhead) if max_nodes else min(iteration_seconds, t_left - overhead))
                # CBC now and then ignores the stop signal for many seconds: the search keeps its own
                # incumbent, so a sub-problem that overruns is killed soon
                run = solve_cbc(built.prob, t_run, seed=seed + it, warm_start=True, constant=built.constant,
                                max_nodes=max_nodes, kill_after=1.5)
            except KeyboardInterrupt:
                if stats is not None:
                    stats["interrupted"] = True
                break
            if run.interrupted:  # Ctrl-C reached CBC: take what it found, then stop
                searching = False
                if stats is not None:
                    stats["interrupted"] = True
            overhead = max(overhead, time.perf_counter() - t_call - run.seconds + 0.2)
            new = current_values(built) if run.has_solution else None
            obj = float(pulp.value(built.prob.objective)) if new is not None else None
            if obj is not None and obj < objective - 1e-6:
                improvements += 1
                values, objective = new, obj
                if shared is not None:
                    shared.offer(values, objective)
                if progress:
                    progress(f"[{time.perf_counter() - t_start:6.1f}s] neighbourhood search: incumbent "
                             f"{objective:,.0f} (freed {kind} ×{size[kind]})")
            # adapt: solved to optimality quickly → larger neighbourhoods; time-limited → smaller
            if run.proven_optimal and (max_nodes is not None or run.seconds < iteration_seconds / 2):
                size[kind] = min(limit[kind], size[kind] + 1)
            elif not run.proven_optimal:
                size[kind] = max(2, size[kind] - 1)
    finally:
        for v, lo, hi in saved:
            v.lowBound, v.upBound = lo, hi
        apply_values(built, values)
    return values, objective, improvements, it
