"""The one place this kind calls a MIP solver: the shared solver layer (:mod:`xl_confsched.solvers`)."""

from __future__ import annotations

from typing import Callable

import pulp

from ..solvers import SolverOptions, SolverRun, solve

__all__ = ["run_cbc", "run_solver", "SolverRun"]


def run_solver(prob: pulp.LpProblem, seconds: float, solver: str = "cbc", seed: int = 0, warm_start: bool = False,
               progress: Callable[[str], None] | None = None, verbose: bool = False, threads: int | None = None,
               kill_after: float = 10.0) -> SolverRun:
    run = solve(prob, SolverOptions(solver=solver, time_limit=max(0.5, seconds), seed=seed, threads=threads,
                                    warm_start=warm_start, progress=progress, verbose=verbose,
                                    kill_after=kill_after))
    if not run.has_solution and not run.infeasible:
        # CBC's presolve proves some models infeasible without a "Result -" line
        if any("problem is infeasible" in line.lower() for line in run.log):
            run.infeasible = True
    return run


def run_cbc(prob: pulp.LpProblem, seconds: float, **kw) -> SolverRun:
    return run_solver(prob, seconds, solver="cbc", **kw)
