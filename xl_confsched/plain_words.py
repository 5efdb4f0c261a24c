"""How good a schedule is, in the words an organiser needs (not the solver's).

``quality(objective, bound, status)`` turns the objective of the schedule found and the
solver's proven lower bound into one sentence: "proven optimal", or "best schedule found;
it is proven to be at most 23 % above the best possible (no schedule can score below 10)".
The percentage is measured against the bound (objective / bound − 1), which is what
"above the best possible" means: the best possible is at least the bound.
"""

from __future__ import annotations

import math


def _num(v: float) -> str:
    return f"{int(round(v)):,}" if abs(v - round(v)) < 1e-9 else f"{v:,.2f}"


def above_best(objective: float | None, bound: float | None) -> float | None:
    """Proven upper limit of objective / best possible − 1 (None when the bound says nothing useful)."""
    if objective is None or bound is None or not math.isfinite(bound) or bound <= 0:
        return None
    return max(0.0, objective / bound - 1.0)


def quality(objective: float | None, bound: float | None, status: str = "", lower_limit: float = 0.0) -> str:
    """One sentence on the schedule found.  ``lower_limit``: the least any schedule can score (0 for costs)."""
    if objective is None:
        return "No schedule was found."
    if status.startswith("relaxed"):
        head = ("A schedule was found, but some hard rules could not all hold (see Violations and Status); "
                f"its score is {_num(objective)}.")
    else:
        head = ""
    useful = bound is not None and math.isfinite(bound) and bound > lower_limit + 1e-9
    lead = "It" if head else f"Best schedule found (score {_num(objective)}); it"
    tol = 1e-6 * max(1.0, abs(objective))
    if bound is not None and math.isfinite(bound) and bound > objective + tol and status != "optimal":
        # a "bound" above a schedule that exists is no bound: never turn it into a claim
        s = (f"{lead} is not proven optimal (the solver reported a bound of {_num(bound)}, above this schedule's "
             f"score, so it is not a valid lower bound and is not used).")
    elif status == "optimal" or (bound is not None and math.isfinite(bound) and objective <= bound + tol):
        s = f"Proven optimal: no schedule scores lower than {_num(objective)}."
    elif useful:
        pct = above_best(objective, bound)
        gap_words = f"at most {pct:.0%} above the best possible" if pct is not None and pct < 10 else \
            f"at most {_num(objective - bound)} above the best possible"
        s = f"{lead} is proven to be {gap_words}: no schedule can score below {_num(bound)}."
    else:
        s = f"{lead} is not proven optimal: the solver found no useful lower bound in the time given."
    return f"{head} {s}" if head else s
