"""The one place this kind calls a MIP solver (the shared solver layer once it is in main)."""

from __future__ import annotations

from typing import Callable

import pulp

from ..solvers import CbcRun, solve_cbc

__all__ = ["run_cbc", "CbcRun"]


def run_cbc(prob: pulp.LpProblem, seconds: float, seed: int = 0, warm_start: bool = False,
            progress: Callable[[str], None] | None = None, verbose: bool = False, threads: int | None = None,
            kill_after: float = 10.0) -> CbcRun:
    run = solve_cbc(prob, max(0.5, seconds), seed=seed, threads=threads or 1, warm_start=warm_start,
                    progress=progress, verbose=verbose, kill_after=kill_after)
    if not run.has_solution and not run.infeasible:
        # CBC's presolve proves some models infeasible without a "Result -" line
        if any("problem is infeasible" in line.lower() or "problem is unbounded" in line.lower()
               for line in run.log):
            run.infeasible = True
    return run
