"""Time-slot phase: put each session's talks on slots, room by room.

Input: the tracks grid and each submission's (session, room) from the session-level
model.  Output: a :class:`Schedule` whose every submission holds ``req(n)`` consecutive
slots of one session and room (so the structural term is 0), where

* an ordered talk (Order > 0) whose position in its track can be met inside its session
  is put exactly there (positions count talks across the conference, in the evaluator's
  scan order: session, room, slot), and
* the slot-level presenter / attendee conflicts (rules ``PCT`` / ``ACT``, built by the
  rules themselves through :class:`SlotContext`) are minimised with a small MIP per
  session — only where such a pair shares a session; otherwise talks are packed from
  the first slot in a fixed order, so the result is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import pulp

from .problem import Problem
from .rules import RULE_BY_KEY
from .schedule import Schedule


def order_targets(problem: Problem, grid: dict[tuple[int, int], int],
                  place: dict[int, tuple[int, int]]) -> dict[int, int]:
    """n -> 1-based rank inside its (session, room) that gives it its Order position."""
    seq = defaultdict(list)  # k -> [(s, r)] cells in scan order
    for (s, r), k in sorted(grid.items()):
        seq[k].append((s, r))
    members = defaultdict(list)  # (s, r) -> [n]
    for n, (s, r) in sorted(place.items()):
        members[(s, r)].append(n)
    targets = {}
    for k, cells in seq.items():
        before = 0
        for (s, r) in cells:
            own = [n for n in members[(s, r)]]
            taken = set()
            for n in own:
                o = problem.submissions[n].order
                if o in (None, 0) or problem.submissions[n].track != k:
                    continue
                rank = o - before
                if 1 <= rank <= len(own) and rank not in taken:
                    targets[n] = rank
                    taken.add(rank)
            before += len(own)
    return targets


@dataclass
class SlotContext:
    """What the slot-level rules see: one session, its talks and their start variables."""

    problem: Problem
    prob: pulp.LpProblem
    session: int
    room_of: dict[int, int]
    occ: dict[tuple[int, int], pulp.LpAffineExpression]  # (n, t) -> 0/1 occupancy
    level: str = "slot"
    n_aux: int = 0

    def slot_conflicts(self, relation: set[tuple[int, int]]):
        terms = []
        m = self.problem.sessions[self.session].slots
        for (a, b) in sorted(relation):
            if a in self.room_of and b in self.room_of and self.room_of[a] != self.room_of[b]:
                for t in range(m):
                    if (a, t) in self.occ and (b, t) in self.occ:
                        self.n_aux += 1
                        c = pulp.LpVariable(f"c_{self.n_aux}", 0, 1)
                        self.prob.addConstraint(c >= self.occ[(a, t)] + self.occ[(b, t)] - 1)
                        terms.append(c)
        return pulp.lpSum(terms)


@dataclass
class SlotResult:
    schedule: Schedule
    objective: float  # weighted slot-level conflicts
    optimal: bool = True
    sessions_solved: int = 0
    notes: list[str] = field(default_factory=list)


def _pack(problem, talks: list[int], targets: dict[int, int]) -> list[int]:
    """Order of talks in one room: targeted ranks first fixed, the rest in given order."""
    L = len(talks)
    seq: list[int | None] = [None] * L
    rest = []
    for n in talks:
        q = targets.get(n)
        if q is not None and seq[q - 1] is None:
            seq[q - 1] = n
        else:
            rest.append(n)
    it = iter(rest)
    return [v if v is not None else next(it) for v in seq]


def assign_timeslots(problem: Problem, grid: dict[tuple[int, int], int], place: dict[int, tuple[int, int]],
                     fixed_slots: dict[int, int] | None = None, time_limit: float = 10.0,
                     solver: str = "cbc", seed: int = 0, order_tracks: Iterable[int] = ()) -> SlotResult:
    """Slots for every placed submission (``place``: n -> (session, room)).

    ``fixed_slots``: n -> first slot kept from a pinned schedule (honoured when it fits).
    ``order_tracks``: tracks whose order term the session model leaves to this phase (tracks
    in parallel rooms); the order rule's amount for them, on the final schedule, is part of
    this phase's objective."""
    fixed_slots = fixed_slots or {}
    targets = order_targets(problem, grid, place)
    weights = {key: problem.weight(key) for key in ("PCT", "ACT") if problem.active(key)}
    rel = {}
    if weights:
        d = problem.derived
        rel = {"PCT": d.presenter_conflicts, "ACT": d.attendee_conflicts}
    sched = Schedule(grid=dict(grid))
    by_session = defaultdict(lambda: defaultdict(list))
    for n, (s, r) in sorted(place.items()):
        by_session[s][r].append(n)
    total = 0.0
    optimal = True
    solved = 0
    notes = []
    for s in sorted(by_session):
        rooms = by_session[s]
        room_of = {n: r for r, ns in rooms.items() for n in ns}
        relevant = any(a in room_of and b in room_of and room_of[a] != room_of[b]
                       for key in weights for (a, b) in rel[key])
        pinned = [n for n in room_of if n in fixed_slots]
        if not relevant and not pinned:
            for r, ns in sorted(rooms.items()):
                t = 0
                for n in _pack(problem, ns, targets):
                    for tt in range(t, t + problem.submissions[n].required_slots):
                        sched.cells[(s, r, tt)] = n
                    t += problem.submissions[n].required_slots
            continue
        res = _solve_session(problem, s, rooms, targets, weights, fixed_slots, time_limit, solver, seed)
        solved += 1
        if res is None:
            notes.append(f"session {problem.sessions[s].name}: no slot plan found by the solver; talks packed in order")
            optimal = False
            for r, ns in sorted(rooms.items()):
                t = 0
                for n in _pack(problem, ns, targets):
                    for tt in range(t, t + problem.submissions[n].required_slots):
                        sched.cells[(s, r, tt)] = n
                    t += problem.submissions[n].required_slots
            continue
        starts, value, opt = res
        total += value
        optimal = optimal and opt
        for n, t0 in starts.items():
            r = room_of[n]
            for tt in range(t0, t0 + problem.submissions[n].required_slots):
                sched.cells[(s, r, tt)] = n
    order_tracks = set(order_tracks)
    if order_tracks and problem.active("ORD"):
        track_of = {sub.ref: sub.track for sub in problem.submissions}
        total += problem.weight("ORD") * sum(v.amount for v in RULE_BY_KEY["ORD"].evaluate(problem, sched)
                                             if track_of.get(v.items[0]) in order_tracks)
    return SlotResult(schedule=sched, objective=total, optimal=optimal, sessions_solved=solved, notes=notes)


def _solve_session(problem, s, rooms, targets, weights, fixed_slots, time_limit, solver, seed):
    m = problem.sessions[s].slots
    prob = pulp.LpProblem(f"slots_{s}", pulp.LpMinimize)
    st = {}
    occ = defaultdict(pulp.LpAffineExpression)
    room_of = {}
    for r, ns in sorted(rooms.items()):
        for n in ns:
            room_of[n] = r
            q = problem.submissions[n].required_slots
            for t0 in range(0, m - q + 1):
                if n in fixed_slots and fixed_slots[n] != t0 and fixed_slots[n] <= m - q:
                    continue
                v = pulp.LpVariable(f"st_{n}_{t0}", cat=pulp.LpBinary)
                st[(n, t0)] = v
                for tt in range(t0, t0 + q):
                    occ[(n, tt)].addterm(v, 1)
            prob.addConstraint(pulp.lpSum(v for (nn, _), v in st.items() if nn == n) == 1)
    for r, ns in sorted(rooms.items()):
        for tt in range(m):
            terms = [occ[(n, tt)] for n in ns if (n, tt) in occ]
            if len(terms) > 1:
                prob.addConstraint(pulp.lpSum(terms) <= 1)
        # ranks: ordered talks at their rank inside the room
        ranked = [n for n in ns if n in targets]
        if ranked:
            start = {n: pulp.lpSum(t0 * v for (nn, t0), v in st.items() if nn == n) for n in ns}
            prec = {}
            for a in ns:
                for b in ns:
                    if a < b:
                        v = pulp.LpVariable(f"pr_{a}_{b}", cat=pulp.LpBinary)
                        prec[(a, b)] = v
                        prec[(b, a)] = 1 - v
            for a in ns:
                for b in ns:
                    if a != b:
                        qa = problem.submissions[a].required_slots
                        prob.addConstraint(start[b] >= start[a] + qa - (m + qa) * (1 - prec[(a, b)]))
            for n in ranked:
                prob.addConstraint(pulp.lpSum(prec[(a, n)] for a in ns if a != n) == targets[n] - 1)
    ctx = SlotContext(problem=problem, prob=prob, session=s, room_of=room_of, occ=occ)
    obj = []
    for key, w in weights.items():
        raw = RULE_BY_KEY[key].build(ctx)
        if raw is not None:
            obj.append(w * raw)
    prob.setObjective(pulp.lpSum(obj))
    if solver == "highs":
        cmd = pulp.HiGHS(msg=False, timeLimit=time_limit, threads=1, random_seed=seed)
    else:
        cmd = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, options=[f"randomSeed {seed + 1}"])
    prob.solve(cmd)
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return None
    starts = {}
    for (n, t0), v in st.items():
        if (v.varValue or 0) > 0.5:
            starts[n] = t0
    if len(starts) != len(room_of):
        return None
    value = pulp.value(prob.objective) or 0.0
    return starts, round(value, 6), prob.sol_status == pulp.LpSolutionOptimal
