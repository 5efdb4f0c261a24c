"""Lower bounds of the conference objective, term by term and in total.

A bound here is a statement to the organiser ("this term cannot get below …"), so it must hold
for **every schedule the template allows**, not only for the optimiser's own model:

* every submission sits once, in ``Required Timeslots`` consecutive slots of one session and
  room whose grid entry is its own track;
* any grid otherwise: a track may use several rooms, several rooms of one session, cells
  without talks; presenters may be double-booked.

Each rule computes its own bound (``Rule.lower_bound``, next to its ``build`` and ``evaluate``)
from the facts below, which every rule may use: how many cells each track needs at least, the
cheapest covering of a track's talks by cells, the sessions and rooms a talk can use.
``term_bounds(problem)`` gives per active term a :class:`TermBound` (the weighted penalty it
cannot go below and how that was found); ``total_bound(problem)`` their sum (every term is at
least its bound, so the sum bounds the total).  A run's own bound (the master model's LP or
branch and bound, itself a relaxation of the same space) is reported apart, in
:class:`~xl_confsched.csplib.optimise.SolveResult` (``best_bound``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from .problem import Problem


@dataclass(frozen=True)
class TermBound:
    key: str  # term key, e.g. "TS"
    value: float  # weighted penalty: no schedule the template allows scores this term lower
    how: str  # in words, for the Achievement sheet


@dataclass(frozen=True)
class RawBound:
    """What a rule returns: a lower bound of its raw amount (weight not applied), and how."""

    amount: float
    how: str


class BoundFacts:
    """Facts about an instance that hold for every schedule the template allows."""

    def __init__(self, problem: Problem):
        self.p = problem

    @cached_property
    def longest(self) -> int:
        return max(s.slots for s in self.p.sessions)

    def placeable(self, n: int) -> bool:
        return self.p.submissions[n].required_slots <= self.longest

    @cached_property
    def demand(self) -> list[int]:
        """Slots of each track's talks (those that fit some session)."""
        p = self.p
        return [sum(p.submissions[n].required_slots for n in p.submissions_of_track[k] if self.placeable(n))
                for k in range(p.T)]

    @cached_property
    def min_cells(self) -> list[int]:
        """Fewest cells (session, room) a track can use: its talks' slots, largest cells first; a
        session offers a cell per room."""
        p = self.p
        caps = sorted([s.slots for s in p.sessions] * p.R, reverse=True)
        out = []
        for k in range(p.T):
            acc, c = 0, 0
            for cap in caps:
                if acc >= self.demand[k]:
                    break
                acc += cap
                c += 1
            out.append(c)
        return out

    def cheapest_cover(self, k: int, cost_of_session) -> float:
        """Least Σ cost over a multiset of cells (at most R per session) whose slots hold track k's talks.

        A knapsack-cover by dynamic programming over the slots covered (a relaxation: the talks'
        lengths and the other tracks are not considered)."""
        p = self.p
        need = self.demand[k]
        if need <= 0:
            return 0.0
        dp = [math.inf] * (need + 1)
        dp[0] = 0.0
        for s, sess in enumerate(p.sessions):
            c, q = float(cost_of_session(s)), sess.slots
            for _ in range(p.R):  # one more cell of this session
                new = dp[:]
                for have in range(need + 1):
                    if dp[have] < math.inf:
                        to = min(need, have + q)
                        if dp[have] + c < new[to]:
                            new[to] = dp[have] + c
                if new == dp:
                    break
                dp = new
        return dp[need]

    def sessions_for(self, n: int) -> list[int]:
        q = self.p.submissions[n].required_slots
        return [s for s, sess in enumerate(self.p.sessions) if sess.slots >= q]


def term_bounds(problem: Problem) -> dict[str, TermBound]:
    """Per active term (weight > 0, and the structural term) its lower bound, from the rule itself."""
    from .rules import RULES

    facts = BoundFacts(problem)
    out = {}
    for rule in RULES:
        if not rule.active(problem):
            continue
        raw = rule.lower_bound(problem, facts)
        w = rule.weight(problem)
        out[rule.key] = TermBound(rule.key, float(raw.amount * w), raw.how)
    return out


def total_bound(problem: Problem) -> float:
    """The sum of the per-term bounds: no schedule the template allows scores lower in total."""
    return sum(b.value for b in term_bounds(problem).values())


# ---------------------------------------------------------------------- the tracks one by one

BETWEEN_TRACKS = ("SIM", "CC")  # terms only between two tracks: left out of every track's model
PAIR_TERMS = ("PC", "AC", "PCT", "ACT")  # pairs of talks, within one track or between two


def single_track_problem(problem: Problem, k: int, left_out: tuple[str, ...] = BETWEEN_TRACKS) -> Problem:
    """Track k alone in the conference: its talks, every session and room, the rest of the instance;
    the terms in ``left_out`` weighed at 0."""
    p = problem
    subs = [sub.model_copy(update={"track": 0}) for sub in p.submissions if sub.track == k]
    weights = dict(p.parameters.weights)
    for key in left_out:
        weights[key] = 0
    return Problem(name=f"{p.name}:{p.tracks[k].name}", sessions=p.sessions, rooms=p.rooms, tracks=[p.tracks[k]],
                   submissions=subs, parameters=p.parameters.model_copy(update={"weights": weights}),
                   track_session={(0, s): v for (kk, s), v in p.track_session.items() if kk == k},
                   track_room={(0, r): v for (kk, r), v in p.track_room.items() if kk == k},
                   session_room=dict(p.session_room), similar={})


def tracks_alone_bound(problem: Problem, seconds: float, should_stop=lambda: False) -> tuple[float, int] | None:
    """Σ over tracks of the least a track pays on its own (its cells, rooms, sessions and talks, and
    the conflicts between its own talks; the other tracks and their competition for cells left out),
    plus a bound on what the terms between tracks add.

    Why it is a lower bound: a schedule's score splits into a part per track (every term but SIM
    and CC is a sum over tracks of what one track's cells and talks pay, the conflict terms over
    pairs of talks: pairs within a track, pairs between two) and the part between tracks.  A
    track's own part is at least its optimum alone (the competition for cells is a constraint that
    was dropped); the SIM and CC part at least its term bound; a conflict count between tracks at
    least 0 — when its weight is negative the conflict term is left out of every track's model
    instead and its whole term bound added.  Each track is a small exact model (branch and bound,
    its dual bound when its share of ``seconds`` runs out).  Returns (bound, tracks proven
    optimal), or None when it runs out of time before every track has a bound."""
    import time

    from .model import build_model
    from .persistent import PersistentModel
    from .rules import RULE_BY_KEY

    t_end = time.perf_counter() + seconds
    facts = BoundFacts(problem)
    total, proven = 0.0, 0
    left_out = BETWEEN_TRACKS + tuple(key for key in PAIR_TERMS if RULE_BY_KEY[key].weight(problem) < 0)
    for key in left_out:
        rule = RULE_BY_KEY[key]
        if rule.active(problem):
            total += rule.weight(problem) * rule.lower_bound(problem, facts).amount
    order = sorted(range(problem.T), key=lambda k: len(problem.submissions_of_track[k]))
    for i, k in enumerate(order):
        if should_stop():
            return None
        left = t_end - time.perf_counter()
        if left <= 0:
            return None
        sub = single_track_problem(problem, k, left_out)
        built = build_model(sub, "full")
        pm = PersistentModel(built.prob)
        r = pm.solve(max(0.05, left / (len(order) - i)))
        if r.status == "optimal" and r.objective is not None:
            total += r.objective
            proven += 1
        elif r.bound is not None:
            total += r.bound
        else:
            return None
    return total, proven
