"""Lower bounds of the conference objective, term by term and in total.

A bound here is a statement to the organiser ("this term cannot get below …"), so it must hold
for **every schedule the template allows**, not only for the optimiser's own model:

* every submission sits once, in ``Required Timeslots`` consecutive slots of one session and
  room whose grid entry is its own track;
* any grid: a track may use several rooms, several rooms of one session, cells without talks;
* presenters may be double-booked.

``term_bounds(problem)`` gives, per active term, a :class:`TermBound` (the weighted penalty it
cannot go below and how that was found); ``total_bound(problem)`` their sum (every term is at
least its bound, so the sum bounds the total).  A run's own bound (LP / branch and bound) is
reported apart, in :class:`~xl_confsched.csplib.optimise.SolveResult` (``best_bound``).
"""

from __future__ import annotations

from dataclasses import dataclass

from .problem import Problem


@dataclass(frozen=True)
class TermBound:
    key: str  # term key, e.g. "TS"
    value: float  # weighted penalty: no schedule the template allows scores this term lower
    how: str  # in words, for the Achievement sheet


def term_bounds(problem: Problem) -> dict[str, TermBound]:
    """Per active term (weight > 0, and the structural term) its lower bound."""
    from .capacity import check_capacity
    from .optimise import term_bounds as _legacy

    values, how = _legacy(problem, check_capacity(problem))
    return {key: TermBound(key, float(v), how.get(key, "")) for key, v in values.items()}


def total_bound(problem: Problem) -> float:
    """The sum of the per-term bounds: no schedule the template allows scores lower in total."""
    return sum(b.value for b in term_bounds(problem).values())
