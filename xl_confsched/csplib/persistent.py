"""A PuLP model held in HiGHS in-process, re-solved many times with changed bounds.

The neighbourhood search solves hundreds of sub-problems of one model: the same rows, some
integer columns fixed to the incumbent and the rest free.  Writing the whole model to a file
and starting CBC for each (PuLP's way) costs more than the small sub-problem itself; here the
model is passed to HiGHS once and each sub-problem only changes column bounds, gives the
incumbent as a start and runs (HiGHS presolve removes the fixed part in milliseconds).

``solve()`` runs HiGHS in a background thread (the GIL is released), so two persistent models
can be solved at once, one per core; ``cancel()`` (from any thread) stops the running solve
and keeps its best solution.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pulp


@dataclass
class SubSolve:
    status: str  # "optimal" | "feasible" | "infeasible" | "no solution"
    objective: float | None  # model objective (with the PuLP objective's constant)
    bound: float | None
    seconds: float
    values: np.ndarray | None  # column values (model order)


class PersistentModel:
    def __init__(self, prob: pulp.LpProblem, threads: int = 1, seed: int = 0):
        import highspy

        t0 = time.perf_counter()
        self.variables = prob.variables()
        self.index = {v.name: i for i, v in enumerate(self.variables)}
        n = len(self.variables)
        self.is_int = np.array([v.cat == pulp.LpInteger for v in self.variables], dtype=bool)
        lo = np.array([-math.inf if v.lowBound is None else float(v.lowBound) for v in self.variables])
        hi = np.array([math.inf if v.upBound is None else float(v.upBound) for v in self.variables])
        self.lo0, self.hi0 = lo.copy(), hi.copy()
        cost = np.zeros(n)
        obj = prob.objective
        self.constant = float(obj.constant) if obj is not None else 0.0
        if obj is not None:
            for v, c in obj.items():
                cost[self.index[v.name]] += c
        starts, idx, vals, rlo, rhi = [0], [], [], [], []
        for c in prob.constraints.values():
            for v, coef in c.items():
                idx.append(self.index[v.name])
                vals.append(coef)
            starts.append(len(idx))
            rhs = -c.constant
            if c.sense == pulp.LpConstraintEQ:
                rlo.append(rhs), rhi.append(rhs)
            elif c.sense == pulp.LpConstraintLE:
                rlo.append(-math.inf), rhi.append(rhs)
            else:
                rlo.append(rhs), rhi.append(math.inf)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", int(threads))
        h.setOptionValue("random_seed", int(seed))
        h.setOptionValue("mip_rel_gap", 0.0)
        inf = highspy.kHighsInf
        lo_h = np.where(np.isinf(lo), -inf, lo)
        hi_h = np.where(np.isinf(hi), inf, hi)
        h.addVars(n, lo_h, hi_h)
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        m = len(rlo)
        rlo_h = np.where(np.isinf(np.array(rlo, dtype=float)), -inf, np.array(rlo, dtype=float))
        rhi_h = np.where(np.isinf(np.array(rhi, dtype=float)), inf, np.array(rhi, dtype=float))
        h.addRows(m, rlo_h, rhi_h, len(idx), np.array(starts[:-1], dtype=np.int32),
                  np.array(idx, dtype=np.int32), np.array(vals, dtype=float))
        ints = np.flatnonzero(self.is_int)
        if len(ints):
            h.changeColsIntegrality(len(ints), ints.astype(np.int32),
                                    np.array([highspy.HighsVarType.kInteger] * len(ints)))
        self.h = h
        self.n = n
        self.cost = cost
        self.build_seconds = time.perf_counter() - t0
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ bounds
    def set_bounds(self, lo: np.ndarray, hi: np.ndarray) -> None:
        import highspy

        inf = highspy.kHighsInf
        self.h.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32),
                                np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi))

    def reset_bounds(self) -> None:
        self.set_bounds(self.lo0, self.hi0)

    def set_objective(self, prob: pulp.LpProblem) -> None:
        cost = np.zeros(self.n)
        obj = prob.objective
        self.constant = float(obj.constant) if obj is not None else 0.0
        for v, c in obj.items():
            cost[self.index[v.name]] += c
        self.cost = cost
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)

    # ------------------------------------------------------------------ solving
    def solve(self, time_limit: float, start: np.ndarray | None = None, node_limit: int | None = None,
              lp_only: bool = False) -> SubSolve:
        import highspy

        h = self.h
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
        h.setOptionValue("mip_max_nodes", int(node_limit) if node_limit is not None else highspy.kHighsIInf)
        if start is not None:
            sol = highspy.HighsSolution()
            sol.col_value = list(map(float, start))
            sol.value_valid = True
            h.setSolution(sol)
        if lp_only:
            h.setOptionValue("solve_relaxation", True)
        t0 = time.perf_counter()
        try:
            h.solve()
        finally:
            if lp_only:
                h.setOptionValue("solve_relaxation", False)
        secs = time.perf_counter() - t0
        status = h.getModelStatus()
        info = h.getInfo()
        ok = info.primal_solution_status == 2  # kSolutionStatusFeasible
        values = np.array(h.getSolution().col_value) if ok else None
        # the objective from the values themselves (HiGHS's own figure was seen off by the offset of
        # columns its presolve removed)
        obj = self.value(values) if ok else None
        if status == highspy.HighsModelStatus.kOptimal:
            word = "optimal"
        elif status == highspy.HighsModelStatus.kInfeasible:
            word = "infeasible"
        else:
            word = "feasible" if ok else "no solution"
        bound = None
        if not lp_only:
            b = info.mip_dual_bound
            if b is not None and math.isfinite(b):
                bound = b + self.constant
        elif word == "optimal":
            bound = obj
        return SubSolve(word, obj, bound, secs, values)

    def solve_exchanging(self, time_limit: float, start: np.ndarray | None,
                         incumbent: Callable[[], tuple[float, np.ndarray] | None],
                         on_solution: Callable[[np.ndarray, float], None],
                         on_bound: Callable[[float], None],
                         should_stop: Callable[[float | None], bool]) -> SubSolve:
        """Branch and bound on the whole model, trading schedules with searches running beside it.

        ``incumbent()`` — the best (objective, values) known elsewhere, handed to HiGHS when it is
        better than HiGHS's own; ``on_solution(values, objective)`` — each improving schedule
        HiGHS finds; ``on_bound(bound)`` — its dual bound as it rises; ``should_stop(bound)`` — stop
        now (cancel, deadline, or the bound proves the incumbent optimal)."""
        h = self.h
        const = self.constant

        def improving(e):
            try:
                vals = np.array(e.data_out.mip_solution, dtype=float)
                on_solution(vals, self.value(vals))
            except Exception:  # noqa: BLE001 - a callback must never raise into HiGHS
                pass

        def user_solution(e):
            try:
                got = incumbent()
                if got is None:
                    return
                obj, vals = got
                primal = e.data_out.mip_primal_bound
                if not math.isfinite(primal) or obj < primal + const - 1e-6:
                    e.data_in.setSolution(np.asarray(vals, dtype=float))
                    e.data_in.user_has_solution = True
            except Exception:  # noqa: BLE001
                pass

        def interrupt(e):
            try:
                b = e.data_out.mip_dual_bound
                bound = b + const if math.isfinite(b) else None
                if bound is not None:
                    on_bound(bound)
                if should_stop(bound):
                    e.interrupt()
            except Exception:  # noqa: BLE001
                pass

        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipUserSolution.subscribe(user_solution)
        h.cbMipInterrupt.subscribe(interrupt)
        try:
            return self.solve(time_limit, start=start)
        finally:
            h.cbMipImprovingSolution.unsubscribe(improving)
            h.cbMipUserSolution.unsubscribe(user_solution)
            h.cbMipInterrupt.unsubscribe(interrupt)

    def value(self, values: np.ndarray) -> float:
        return float(self.cost @ values) + self.constant

    def cancel(self) -> None:
        self.h.cancelSolve()
