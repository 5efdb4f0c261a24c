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
