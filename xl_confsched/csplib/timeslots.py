"""Rooms and time slots, session by session, once the grid and the talks' sessions are chosen.

Input: the tracks grid and each submission's session from the master model.  A track that
holds several rooms of a session gets its talks there divided among those rooms; every talk
gets ``req(n)`` consecutive slots of one room (so the structural term is 0).  What depends on
rooms and slots is exact here, built by the rules' own terms where they are slot-level
(``PCT``/``ACT`` through :class:`SlotContext`) and below where they depend on the room a talk
takes inside its track's rooms:

* two conflicting talks of one track in one session cost (presenters, attendees, session level)
  unless they share a room;
* room penalties of talks (``SP``);
* order: a talk with an Order value wants position Order in its track, positions counted across
  the conference in the evaluator's scan order (session, room, slot);
* slot-level presenter / attendee conflicts.

A session where none of this can cost anything is packed directly (deterministically); the
others get a small MIP each (HiGHS in-process).  A session whose talks cannot be packed into
their track's rooms (the master model's capacity is by slots, not by room) is reported in
``unpacked`` for the caller to repair.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from .problem import Problem
from .rules import RULE_BY_KEY
from .schedule import Schedule


@dataclass
class SlotContext:
    """What the slot-level rules see: one session, its talks and their slot occupancy."""

    problem: Problem
    prob: pulp.LpProblem
    session: int
    occ: dict[tuple[int, int], pulp.LpAffineExpression]  # (n, t) -> 0/1 occupancy
    level: str = "slot"
    n_aux: int = 0

    def slot_conflicts(self, relation: set[tuple[int, int]]):
        """Σ_t [both talks of a pair occupy slot t] (two talks in one slot are in different rooms)."""
        terms = []
        m = self.problem.sessions[self.session].slots
        for (a, b) in sorted(relation):
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
    objective: float  # weighted room- and slot-level amounts (see the module doc)
    optimal: bool = True
    sessions_solved: int = 0
    unpacked: list[tuple[int, int]] = field(default_factory=list)  # (track, session) whose talks do not fit
    notes: list[str] = field(default_factory=list)


def track_positions_before(problem: Problem, sessions: dict[int, int]) -> dict[tuple[int, int], int]:
    """(k, s) -> how many of track k's talks sit in earlier sessions."""
    count = defaultdict(int)
    for n, s in sessions.items():
        count[(problem.submissions[n].track, s)] += 1
    out = {}
    for k in range(problem.T):
        acc = 0
        for s in range(problem.S):
            out[(k, s)] = acc
            acc += count.get((k, s), 0)
    return out


def assign_timeslots(problem: Problem, grid: dict[tuple[int, int], int], sessions: dict[int, int],
                     fixed: dict[int, tuple[int, int]] | None = None, time_limit: float = 10.0,
                     seed: int = 0, hard_weights: dict[str, float] | None = None) -> SlotResult:
    """Rooms and slots for every submission (``sessions``: n -> session).

    ``fixed``: n -> (room, first slot) kept from a pinned schedule (honoured when it fits).
    ``hard_weights``: extra cost per unit of a hard rule (e.g. ``{"PC": BIG}``)."""
    p = problem
    fixed = fixed or {}
    hard_weights = hard_weights or {}
    before = track_positions_before(p, sessions)
    rooms_of = defaultdict(list)  # (k, s) -> rooms, ascending
    for (s, r), k in sorted(grid.items()):
        rooms_of[(k, s)].append(r)
    by_session = defaultdict(lambda: defaultdict(list))  # s -> k -> talks
    for n, s in sorted(sessions.items()):
        by_session[s][p.submissions[n].track].append(n)
    sched = Schedule(grid=dict(grid))
    total, optimal, solved = 0.0, True, 0
    unpacked: list[tuple[int, int]] = []
    notes: list[str] = []
    for s in sorted(by_session):
        tracks = by_session[s]
        missing = [k for k in tracks if not rooms_of.get((k, s))]
        if missing:
            unpacked.extend((k, s) for k in missing)
            continue
        plan = _direct(p, s, tracks, rooms_of, before, fixed) if not _needs_mip(p, s, tracks, rooms_of, fixed) else None
        value, opt = 0.0, True
        if plan is None:
            res = _solve_session(p, s, tracks, rooms_of, before, fixed, time_limit, seed, hard_weights)
            solved += 1
            if res is None:
                unpacked.extend((k, s) for k in tracks)
                continue
            plan, value, opt = res
        total += value
        optimal = optimal and opt
        for n, (r, t0) in plan.items():
            for t in range(t0, t0 + p.submissions[n].required_slots):
                sched.cells[(s, r, t)] = n
    return SlotResult(schedule=sched, objective=total, optimal=optimal, sessions_solved=solved,
                      unpacked=sorted(set(unpacked)), notes=notes)


# ---------------------------------------------------------------------- what can cost in a session

def _weights(p: Problem) -> dict[str, float]:
    return {key: float(p.weight(key)) for key in ("PC", "AC", "PCT", "ACT", "SP", "ORD") if p.active(key)}


def _ordered_here(p: Problem, k: int, talks: list[int], before: int) -> list[int]:
    """Talks of track k in this session whose Order value is a position the session holds."""
    return [n for n in talks if p.submissions[n].order not in (None, 0)
            and before < p.submissions[n].order <= before + len(talks)]


def _needs_mip(p: Problem, s: int, tracks: dict[int, list[int]], rooms_of, fixed) -> bool:
    w = _weights(p)
    here = {n for talks in tracks.values() for n in talks}
    if any(n in fixed for n in here):
        return True
    d = p.derived
    if ("PCT" in w and any(a in here and b in here for a, b in d.presenter_conflicts)) or \
            ("ACT" in w and any(a in here and b in here for a, b in d.attendee_conflicts)):
        return True
    for k, talks in tracks.items():
        if len(rooms_of[(k, s)]) < 2:
            continue
        if "SP" in w and any(p.submissions[n].room_penalty for n in talks):
            return True
        ts = set(talks)
        for rel in (d.presenter_conflicts, d.attendee_conflicts):
            if any(a in ts and b in ts for a, b in rel):
                return True
        if "ORD" in w and any(p.submissions[n].order not in (None, 0) for n in talks):
            return True
    return False


def _direct(p: Problem, s: int, tracks, rooms_of, before, fixed) -> dict[int, tuple[int, int]] | None:
    """Pack without a solver: ordered talks at their rank (one-room tracks), talks largest first
    into the track's rooms (several rooms: first fit decreasing).  None when it does not fit."""
    m = p.sessions[s].slots
    plan = {}
    for k, talks in sorted(tracks.items()):
        rooms = rooms_of[(k, s)]
        if len(rooms) == 1:
            seq = _ranked(p, talks, before[(k, s)])
            t = 0
            for n in seq:
                plan[n] = (rooms[0], t)
                t += p.submissions[n].required_slots
            if t > m:
                return None
        else:
            if len(talks) < len(rooms):
                return None  # a room of the track would stay empty
            left = {r: 0 for r in rooms}
            ordered = sorted(talks, key=lambda n: (-p.submissions[n].required_slots, n))
            for n, r in zip(ordered, rooms):  # one talk in each of the track's rooms first
                plan[n] = (r, 0)
                left[r] = p.submissions[n].required_slots
            for n in ordered[len(rooms):]:
                q = p.submissions[n].required_slots
                for r in rooms:
                    if left[r] + q <= m:
                        plan[n] = (r, left[r])
                        left[r] += q
                        break
                else:
                    return None
    return plan


def _ranked(p: Problem, talks: list[int], before: int) -> list[int]:
    """Talks of one room in slot order: each ordered talk at its rank where it can be."""
    L = len(talks)
    seq: list[int | None] = [None] * L
    rest = []
    for n in talks:
        o = p.submissions[n].order
        q = None if o in (None, 0) else o - before
        if q is not None and 1 <= q <= L and seq[q - 1] is None:
            seq[q - 1] = n
        else:
            rest.append(n)
    it = iter(rest)
    return [v if v is not None else next(it) for v in seq]


# ---------------------------------------------------------------------- the session MIP

def _solve_session(p: Problem, s: int, tracks, rooms_of, before, fixed, time_limit, seed, hard_weights):
    m = p.sessions[s].slots
    w = _weights(p)
    prob = pulp.LpProblem(f"slots_{s}", pulp.LpMinimize)
    st: dict[tuple[int, int, int], pulp.LpVariable] = {}
    occ: dict[tuple[int, int], pulp.LpAffineExpression] = defaultdict(pulp.LpAffineExpression)
    in_room: dict[tuple[int, int], pulp.LpAffineExpression] = defaultdict(pulp.LpAffineExpression)
    key_of: dict[int, pulp.LpAffineExpression] = {}
    obj = []
    for k, talks in sorted(tracks.items()):
        rooms = rooms_of[(k, s)]
        for n in talks:
            q = p.submissions[n].required_slots
            key = pulp.LpAffineExpression()
            choices = []
            for ri, r in enumerate(rooms):
                for t0 in range(0, m - q + 1):
                    if n in fixed and fixed[n] != (r, t0) and fixed[n][0] in rooms and fixed[n][1] <= m - q:
                        continue
                    v = pulp.LpVariable(f"st_{n}_{r}_{t0}", cat=pulp.LpBinary)
                    st[(n, r, t0)] = v
                    choices.append(v)
                    key.addterm(v, ri * (m + 1) + t0)
                    in_room[(n, r)].addterm(v, 1)
                    for t in range(t0, t0 + q):
                        occ[(n, t)].addterm(v, 1)
                    sp = p.submissions[n].room_penalty.get(r, 0)
                    if sp and "SP" in w:
                        obj.append(w["SP"] * q * sp * v)
            if not choices:
                return None
            prob.addConstraint(pulp.lpSum(choices) == 1)
            key_of[n] = key
        for r in rooms:
            if len(rooms) > 1:  # every room the track holds has one of its talks
                prob.addConstraint(pulp.lpSum(in_room[(n, r)] for n in talks if (n, r) in in_room) >= 1)
            for t in range(m):
                terms = [occ[(n, t)] for n in talks if (n, t) in occ and (n, r) in in_room]
                # occupancy of room r at t: only the choices in room r
                expr = pulp.lpSum(st[(n, r, t0)] for n in talks for t0 in range(max(0, t - p.submissions[n].required_slots + 1), t + 1)
                                  if (n, r, t0) in st)
                if terms:
                    prob.addConstraint(expr <= 1)
        # talks of this track in different rooms that share a presenter / an attendee
        if len(rooms) > 1:
            ts = set(talks)
            d = p.derived
            for key_, rel in (("PC", d.presenter_conflicts), ("AC", d.attendee_conflicts)):
                cost = w.get(key_, 0.0) + hard_weights.get(key_, 0.0)
                if not cost:
                    continue
                for a, b in sorted(rel):
                    if a in ts and b in ts:
                        dv = pulp.LpVariable(f"d{key_}_{a}_{b}", 0, 1)
                        for r in rooms:
                            prob.addConstraint(dv >= in_room[(a, r)] - in_room[(b, r)])
                        obj.append(cost * dv)
        # order: positions in scan order (room, then slot) after the track's earlier talks
        if "ORD" in w:
            ordered = _ordered_here(p, k, talks, before[(k, s)])
            if ordered:
                big = len(rooms) * (m + 1) + 1
                prec = {}
                for i, a in enumerate(talks):
                    for b in talks[i + 1:]:
                        v = pulp.LpVariable(f"pr_{a}_{b}", cat=pulp.LpBinary)  # 1: a before b
                        prec[(a, b)] = v
                        prec[(b, a)] = 1 - v
                        prob.addConstraint(key_of[b] >= key_of[a] + 1 - big * (1 - v))
                        prob.addConstraint(key_of[a] >= key_of[b] + 1 - big * v)
                for n in ordered:
                    target = p.submissions[n].order - before[(k, s)] - 1  # talks before n, in this session
                    hit = pulp.LpVariable(f"hit_{n}", cat=pulp.LpBinary)
                    ahead = pulp.lpSum(prec[(a, n)] for a in talks if a != n)
                    M = len(talks)
                    prob.addConstraint(ahead - target <= M * (1 - hit))
                    prob.addConstraint(target - ahead <= M * (1 - hit))
                    obj.append(w["ORD"] * (1 - hit))
    ctx = SlotContext(problem=p, prob=prob, session=s, occ=occ)
    for key_ in ("PCT", "ACT"):
        if key_ in w:
            raw = RULE_BY_KEY[key_].build(ctx)
            if raw is not None:
                obj.append(w[key_] * raw)
    prob.setObjective(pulp.lpSum(obj))
    prob.solve(pulp.HiGHS(msg=False, timeLimit=time_limit, threads=1, random_seed=seed))
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return None
    plan = {}
    for (n, r, t0), v in st.items():
        if (v.varValue or 0) > 0.5:
            plan[n] = (r, t0)
    if len(plan) != sum(len(t) for t in tracks.values()):
        return None
    value = float(pulp.value(prob.objective) or 0.0)
    # the constant part of the order term (1 per ordered talk) was counted by ORD above: report the
    # room/slot amounts only
    return plan, round(value, 6), prob.sol_status == pulp.LpSolutionOptimal
