"""Track packing: a start schedule made tracks grid first, then the submissions.

The session model decides the tracks grid and the submissions' sessions at once.  When the
grid is what is hard — a room nobody should use in most sessions (ISF22: room SWS costs
100,000 a session), tracks that have to fit exactly into 3- and 4-slot sessions, one room
per track, talks that can only go to a few sessions — CBC on the whole model (or on the
grid alone) needs minutes for a first schedule, and the neighbourhood search, which re-plans
a few rooms or sessions at a time, keeps the bad cells the greedy start left (ISF22: 6 ×
100,000 at best).  :func:`plan_start` makes the start in two steps:

1. **tracks grid** (:func:`pack_tracks`): randomised best-fit packing with restarts, every
   track in one room (tracks that must use several excepted), cells and sessions chosen by
   prohibitive costs first, then spare time slots, then the estimated cost — the grid
   penalties and the talks' own session penalties from the rules' ``value`` (the same
   numbers the evaluator uses), similar tracks, chair conflicts and shared presenters;
2. **submissions**: the session model itself with the grid fixed, solved by CBC, so every
   term is valued by its rule.

The optimiser offers it to the neighbourhood search when it beats the greedy start.
"""

from __future__ import annotations

import random
import time

import pulp

from ..solvers import solve_cbc
from .model import BuiltModel
from .rules import RULES
from .search import current_values, pack_talks

# a cell that costs a track this much (the benchmark's weight of a presenter in two places) is one
# the organiser means as "not here": the plan first tries without such cells
PROHIBITIVE = 100_000


def cell_cost(p, k: int, s: int, r: int) -> float:
    """The weighted grid penalties of track k in room r of session s."""
    return sum(rule.weight(p) * rule.value(p, k, s, r) for rule in RULES
               if rule.key in ("TS", "TR", "SR") and rule.active(p))


def prohibitive_cells(p) -> bool:
    """Whether some cell costs some track ``PROHIBITIVE`` or more."""
    return any(cell_cost(p, k, s, r) >= PROHIBITIVE for k in range(p.T) for s in range(p.S) for r in range(p.R))


def talk_cost(p, n: int, s: int, r: int) -> float:
    """The weighted submission penalties (time zone, session, room) of talk n in room r of session s."""
    sub = p.submissions[n]
    return sum(rule.weight(p) * sub.required_slots * rule.value(p, n, s, r) for rule in RULES
               if rule.key in ("TZ", "SS", "SP") and rule.active(p))


class _Costs:
    """:func:`cell_cost` and :func:`talk_cost` of one problem, each value computed once (the
    packing asks for the same ones at every restart)."""

    def __init__(self, p):
        self.p = p
        self._cell: dict[tuple[int, int, int], float] = {}
        self._talk: dict[tuple[int, int, int], float] = {}

    def cell(self, k: int, s: int, r: int) -> float:
        v = self._cell.get((k, s, r))
        if v is None:
            v = self._cell[(k, s, r)] = cell_cost(self.p, k, s, r)
        return v

    def talk(self, n: int, s: int, r: int) -> float:
        v = self._talk.get((n, s, r))
        if v is None:
            v = self._talk[(n, s, r)] = talk_cost(self.p, n, s, r)
        return v


def pack_tracks(built: BuiltModel, ceiling: float | None, rng: random.Random, seconds: float = 2.0,
                max_restarts: int | None = None) -> dict[tuple[int, int, int], int] | None:
    """A tracks grid with every track in one room (tracks that must use several excepted) and no
    cell costing ``ceiling`` or more, by randomised best-fit packing with restarts; None if
    none is found in ``seconds`` (or ``max_restarts``).  Among the grids found, the cheapest by
    the estimate of :func:`_set_cost` and :func:`pair_costs`.

    Each track — those with talks bound to a few sessions first, then the largest (order
    shuffled a little each restart) — takes the room and the sessions of that room that avoid
    prohibitive costs, then leave the fewest spare time slots, then cost least (consecutive
    runs, the subset with the fewest spare slots, and the talks' cheapest sessions are the
    candidates).  This finds the tight packings CBC needs long for (ISF22: 317 slots of talks
    into 331 usable ones, in 3- and 4-slot sessions)."""
    p = built.ctx.problem
    ctx = built.ctx
    m = [sess.slots for sess in p.sessions]
    excluded = set(built.excluded)
    costs = _Costs(p)
    allowed = {key for key in ctx.y if ceiling is None or costs.cell(*key) < ceiling}
    talks = {k: [(n, p.submissions[n].required_slots) for n in p.submissions_of_track[k] if n not in excluded]
             for k in range(p.T)}
    size = {k: sum(q for _, q in talks[k]) for k in range(p.T)}
    pair = pair_costs(built)
    bound_to = {k: sum(1 for n, _ in talks[k] for s in range(p.S) if costs.talk(n, s, 0) >= PROHIBITIVE)
                for k in range(p.T)}
    best, best_cost = None, None
    t_end = time.perf_counter() + seconds
    restarts = 0
    while time.perf_counter() < t_end and (max_restarts is None or restarts < max_restarts):
        restarts += 1
        # the tracks with talks that cannot go just anywhere first, then the largest
        order = sorted((k for k in range(p.T) if talks[k]),
                       key=lambda k: (-bound_to[k], -size[k] * rng.uniform(0.85, 1.15)))
        free = {(s, r) for s in range(p.S) for r in range(p.R)}
        grid: dict[tuple[int, int, int], int] = {}
        cost = 0.0
        placed: dict[int, list[int]] = {s: [] for s in range(p.S)}  # session -> tracks in it
        for k in order:
            extra = {s: sum(pair.get((k, k2), 0.0) for k2 in placed[s]) for s in range(p.S)}
            choice = _place_track(costs, k, talks[k], size[k], m, free, allowed, ctx.standard(k), rng, extra)
            if choice is None:
                break
            for s, r in choice:
                free.discard((s, r))
                grid[(k, s, r)] = 1
            cost += _set_cost(costs, k, talks[k], choice) + sum(extra[s] for s in {s for s, _ in choice})
            for s in {s for s, _ in choice}:
                placed[s].append(k)
        else:
            if best_cost is None or cost < best_cost:
                best, best_cost = grid, cost
            if best_cost == 0:
                break
    return best


def pair_costs(built: BuiltModel) -> dict[tuple[int, int], float]:
    """What two tracks cost when they share a session: similar tracks and chair conflicts (their
    rules' amounts), and a presenter they have in common, as a clash would cost (a guide: whether
    two talks clash depends on their sessions, which the session model settles afterwards)."""
    p = built.ctx.problem
    out: dict[tuple[int, int], float] = {}

    def add(k1, k2, c):
        if c:
            out[(k1, k2)] = out.get((k1, k2), 0.0) + c
            out[(k2, k1)] = out.get((k2, k1), 0.0) + c
    if p.weight("SIM") > 0:
        for (k1, k2), v in p.similar.items():
            if k1 < k2:
                add(k1, k2, p.weight("SIM") * v)
    if p.weight("CC") > 0:
        for k1, k2 in p.derived.chair_conflicts:
            add(k1, k2, p.weight("CC"))
    pc = built.slack_weight.get("PC", 0.0) + max(0, p.weight("PC"))
    for n1, n2 in p.derived.presenter_conflicts:
        k1, k2 = p.submissions[n1].track, p.submissions[n2].track
        if k1 != k2:
            add(k1, k2, pc)
    return out


def _place_track(costs: _Costs, k, talks, size, m, free, allowed, standard, rng,
                 extra) -> list[tuple[int, int]] | None:
    """Cells (s, r) for track k: one room if ``standard``, else the largest free cells anywhere.
    ``extra[s]``: what sharing session s with the tracks already there costs."""
    if not standard:
        cells = sorted((c for c in free if (k, *c) in allowed), key=lambda c: (-m[c[0]], rng.random()))
        chosen = []
        for s, r in cells:
            chosen.append((s, r))
            if pack_talks(talks, {i: m[s2] for i, (s2, _) in enumerate(chosen)}) is not None:
                return chosen
        return None
    p = costs.p
    best, best_key = None, None
    for r in range(p.R):
        sessions = [s for s in range(p.S) if (s, r) in free and (k, s, r) in allowed]
        cands = list(_candidate_sets(sessions, m, size, len(talks), rng))
        cheap = _cheapest_sessions(costs, k, talks, sessions, m, r, extra)
        if cheap:
            cands.append(cheap)
        for run in cands:
            if pack_talks(talks, {s: m[s] for s in run}) is None:
                continue
            waste = sum(m[s] for s in run) - size
            gaps = sum(1 for a, b in zip(run, run[1:]) if b != a + 1)
            cost = (_set_cost(costs, k, talks, [(s, r) for s in run]) + gaps * max(0, p.weight("CONS"))
                    + sum(extra[s] for s in run))
            # prohibitive costs first, then spare slots (what makes a tight packing possible), then cost
            key = (cost // PROHIBITIVE, waste, cost, rng.random())
            if best_key is None or key < best_key:
                best, best_key = [(s, r) for s in run], key
    return best


def _set_cost(costs: _Costs, k: int, talks, cells: list[tuple[int, int]]) -> float:
    """Grid penalties of the cells plus, for each talk, its cheapest cell's submission penalties
    (a lower bound of what placing the talks there costs)."""
    return (sum(costs.cell(k, s, r) for s, r in cells)
            + sum(min(costs.talk(n, s, r) for s, r in cells) for n, _ in talks))


def _cheapest_sessions(costs: _Costs, k, talks, sessions, m, r, extra) -> list[int] | None:
    """Sessions found by placing the talks, longest first, each where it costs least (a session
    the track already has counts only the talk's own penalties)."""
    left: dict[int, int] = {}
    for n, q in sorted(talks, key=lambda t: -t[1]):
        best = None
        for s in sessions:
            room = left.get(s, m[s])
            if room < q:
                continue
            c = costs.talk(n, s, r) + (0.0 if s in left else costs.cell(k, s, r) + extra[s])
            if best is None or c < best[0]:
                best = (c, s)
        if best is None:
            return None
        s = best[1]
        left[s] = left.get(s, m[s]) - q
    return sorted(left)


def _candidate_sets(sessions: list[int], m: list[int], size: int, max_cells: int, rng: random.Random):
    """Sets of the given sessions holding ``size`` slots: every run of consecutive ones, and the
    set with the fewest spare slots (subset sum)."""
    for a in range(len(sessions)):
        total = 0
        for b in range(a, len(sessions)):
            if b > a and sessions[b] != sessions[b - 1] + 1:
                break
            total += m[sessions[b]]
            if b - a + 1 > max_cells:
                break
            if total >= size:
                yield sessions[a:b + 1]
                break
    # fewest spare slots: reachable sums, each with the sessions that make it
    reach: dict[int, list[int]] = {0: []}
    for s in rng.sample(sessions, len(sessions)):  # another of the sets with as few spare slots each time
        for tot, sel in list(reach.items()):
            nt = tot + m[s]
            if len(sel) < max_cells and nt not in reach and tot < size:
                reach[nt] = sel + [s]
    fits = [tot for tot in reach if tot >= size]
    if fits:
        yield sorted(reach[min(fits)])


def plan_start(built: BuiltModel, seconds: float, seed: int = 0, submissions_seconds: float = 10.0,
               max_restarts: int | None = None) -> tuple[dict[str, int], float] | None:
    """A complete start: (values of ``built``'s integer variables, model objective), or None.

    The tracks grid from :func:`pack_tracks` (without prohibitive cells if it can, ``seconds``
    of restarts, or ``max_restarts`` for a reproducible run), then the submissions by CBC on
    ``built`` with that grid fixed (at most ``submissions_seconds``).  ``built``'s bounds are
    restored afterwards."""
    rng = random.Random(seed)
    grid = pack_tracks(built, PROHIBITIVE, rng, seconds, max_restarts)
    if grid is None:
        grid = pack_tracks(built, None, rng, seconds, max_restarts)
    if grid is None:
        return None
    ys = built.ctx.y
    saved = [(v, v.lowBound, v.upBound) for v in ys.values()]
    try:
        for key, v in ys.items():
            v.lowBound = v.upBound = grid.get(key, 0)
        run = solve_cbc(built.prob, submissions_seconds, seed=seed, constant=built.constant, kill_after=2.0)
        values = current_values(built) if run.has_solution else None
        if values is None:
            return None
        return values, float(pulp.value(built.prob.objective))
    finally:
        for v, lo, hi in saved:
            v.lowBound, v.upBound = lo, hi
