"""Lower bounds on a talk schedule's cost that hold for every schedule the workbook allows.

A bound shown to the organiser (Run sheet, Achievement references, the gap, the word
"optimal") comes from here or from a solver run on an exact formulation, and always goes
through :func:`tidy`: a cost is never below 0, and when every cost coefficient is a whole
number the bound is rounded up to one (no schedule can cost 104.3).

:func:`venue_term_bound` is the cheap one: each talk in one of its allowed venues, each
venue holding at most one talk per timeslot — so at most as many talk-slots as there are
timeslots — and the cheapest such assignment.  Every schedule is such an assignment (the
bound forgets parallel pairs, breaks, speakers and 'Not at'), so its cost is at least the
assignment's.  With the venue cost of the objective it bounds the whole objective (the
pair costs are never negative); with seats short or talk-slots in a room too small it
bounds that term alone ("best possible" on the Achievement sheet).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from .problem import TalkProblem


@dataclass(frozen=True)
class Bound:
    value: float
    source: str  # what proved it, for the Run sheet


def integral_costs(p: TalkProblem, hard_apart: bool = False) -> bool:
    """Every schedule's cost is a whole number (all pair and venue costs are)."""
    pairs = p.pair_costs(hard_apart).values()
    venues = (p.venue_cost(i, v) for i in range(p.T) for v in p.venues_for(i))
    return all(float(c).is_integer() for c in pairs) and all(float(c).is_integer() for c in venues)


def tidy(p: TalkProblem, value: float | None, hard_apart: bool = False) -> float | None:
    """A proven lower bound of a cost as shown: at least 0, rounded up when costs are whole."""
    if value is None or not math.isfinite(value):
        return None
    value = max(0.0, float(value))
    if integral_costs(p, hard_apart):
        value = float(math.ceil(value - 1e-6))
    return value


def best(bounds: list[Bound]) -> Bound | None:
    usable = [b for b in bounds if b is not None and b.value is not None and math.isfinite(b.value)]
    return max(usable, key=lambda b: b.value) if usable else None


def venue_term_bound(p: TalkProblem, cost: Callable[[int, int], float], seconds: float = 5.0) -> float:
    """Least total ``cost(talk, venue)`` of assigning every talk a venue with at most one talk per
    venue and timeslot (a relaxation of every schedule; exact MIP, or its dual bound at the time limit)."""
    import highspy
    import numpy as np

    costs = {(i, v): float(cost(i, v)) for i in range(p.T) for v in p.venues_for(i)}
    if not any(costs.values()):
        return 0.0
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", float(seconds))
    inf = highspy.kHighsInf
    keys = sorted(costs)
    col = {k: n for n, k in enumerate(keys)}
    for k in keys:
        h.addCol(costs[k], 0.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
    for i in range(p.T):
        idx = [col[i, v] for v in p.venues_for(i)]
        h.addRow(1.0, 1.0, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
    for v in range(p.V):
        idx = [col[i, v] for i in range(p.T) if (i, v) in col]
        if idx:
            h.addRow(-inf, float(p.S), len(idx), np.array(idx, dtype=np.int32),
                     np.array([float(p.talks[keys[n][0]].slots) for n in idx]))
    h.changeColsIntegrality(len(keys), np.arange(len(keys), dtype=np.int32),
                            np.array([highspy.HighsVarType.kInteger] * len(keys)))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kOptimal:
        return max(0.0, float(info.objective_function_value))
    bound = getattr(info, "mip_dual_bound", None)
    if bound is None or not math.isfinite(bound):
        return 0.0
    return max(0.0, float(bound))


def objective_floor(p: TalkProblem) -> Bound:
    """The objective's venue term alone: a bound of the whole objective (pair costs are ≥ 0)."""
    return Bound(venue_term_bound(p, p.venue_cost), "venue assignment (each talk in its cheapest venue that fits)")


def seats_short_best(p: TalkProblem) -> float:
    """No schedule has fewer seats short than this."""
    return venue_term_bound(p, lambda i, v: p.seats_short(i, v))


def slots_too_small_best(p: TalkProblem) -> float:
    """No schedule has fewer talk-slots in a room too small than this (the article's count: at most
    ``talk-slots − this`` in a room big enough)."""
    return venue_term_bound(p, lambda i, v: float(p.talks[i].slots) if p.too_small(i, v) else 0.0)
