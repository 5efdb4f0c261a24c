"""A PuLP model as arrays, solved by HiGHS in-process: whole, or one neighbourhood at a time.

The neighbourhood search solves hundreds of sub-problems of one model: some integer columns
free, the rest fixed at the incumbent.  Writing the whole model to a file and starting CBC for
each (PuLP's way) costs more than the small sub-problem itself, and so does handing HiGHS the
whole model with most columns fixed (its presolve alone takes 0.2 s on ISF22, 0.6 s on
OR60F2).  Here the model is turned into a sparse matrix once (:class:`MatrixModel`); each
sub-problem is cut out of it — the free columns, the auxiliary columns they drive, the rows
they appear in, the fixed columns folded into the row bounds — and solved as a small model
(:meth:`MatrixModel.solve_neighbourhood`).  The whole model lives in a :class:`PersistentModel`
(branch and bound beside the search, the LP bound, the value of a given plan).

HiGHS runs with the GIL released, so two solves can run at once, one per core.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pulp
import scipy.sparse as sp


@dataclass
class SubSolve:
    status: str  # "optimal" | "feasible" | "infeasible" | "no solution"
    objective: float | None  # model objective (with the PuLP objective's constant)
    bound: float | None
    seconds: float
    values: np.ndarray | None  # column values (model order)
    columns: int = 0  # columns of the model HiGHS solved


_BANNER_LOCK = threading.Lock()
_banner_done = False


def quiet_highs():
    """A new ``highspy.Highs``; the first one in a process prints HiGHS's banner on the C-level stdout,
    which would break ``--json`` output, so that one is made with stdout pointed at the null device."""
    import highspy

    global _banner_done
    if _banner_done:
        return highspy.Highs()
    with _BANNER_LOCK:
        if not _banner_done:
            import os
            import sys

            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "wb") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_done = True
            return h
    return highspy.Highs()


def _highs(threads: int = 1, seed: int = 0):
    h = quiet_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("mip_rel_gap", 0.0)
    return h


def _load(h, lo, hi, cost, A: sp.csr_matrix, rlo, rhi, is_int) -> None:
    import highspy

    inf = highspy.kHighsInf
    n, m = len(lo), len(rlo)
    h.addVars(n, np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi))
    if n:
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    if m:
        h.addRows(m, np.where(np.isinf(rlo), -inf, rlo), np.where(np.isinf(rhi), inf, rhi), A.nnz,
                  A.indptr[:-1].astype(np.int32), A.indices.astype(np.int32), A.data.astype(float))
    ints = np.flatnonzero(is_int)
    if len(ints):
        h.changeColsIntegrality(len(ints), ints.astype(np.int32),
                                np.array([highspy.HighsVarType.kInteger] * len(ints)))


def _read(h, t0: float, lp_only: bool = False):
    import highspy

    secs = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    ok = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.array(h.getSolution().col_value) if ok else None
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
            bound = float(b)
    return word, values, bound, secs


class MatrixModel:
    """The rows, columns, bounds, costs and integrality of a PuLP problem, as arrays."""

    def __init__(self, prob: pulp.LpProblem):
        t0 = time.perf_counter()
        self.variables = prob.variables()
        self.index = {v.name: i for i, v in enumerate(self.variables)}
        n = len(self.variables)
        self.n = n
        self.is_int = np.array([v.cat == pulp.LpInteger for v in self.variables], dtype=bool)
        self.lo = np.array([-math.inf if v.lowBound is None else float(v.lowBound) for v in self.variables])
        self.hi = np.array([math.inf if v.upBound is None else float(v.upBound) for v in self.variables])
        self.cost, self.constant = self.vector_of(prob.objective) if prob.objective is not None else (np.zeros(n), 0.0)
        rows, cols, vals, rlo, rhi = [], [], [], [], []
        for i, c in enumerate(prob.constraints.values()):
            for v, coef in c.items():
                rows.append(i)
                cols.append(self.index[v.name])
                vals.append(coef)
            rhs = -c.constant
            if c.sense == pulp.LpConstraintEQ:
                rlo.append(rhs), rhi.append(rhs)
            elif c.sense == pulp.LpConstraintLE:
                rlo.append(-math.inf), rhi.append(rhs)
            else:
                rlo.append(rhs), rhi.append(math.inf)
        self.m = len(rlo)
        self.A = sp.csr_matrix((np.array(vals, dtype=float), (np.array(rows, dtype=np.int64),
                                                              np.array(cols, dtype=np.int64))), shape=(self.m, n))
        self.A.sum_duplicates()
        self.At = self.A.tocsc()
        self.rlo, self.rhi = np.array(rlo, dtype=float), np.array(rhi, dtype=float)
        self.seconds = time.perf_counter() - t0
        self._anchored: np.ndarray | None = None

    def vector_of(self, expr) -> tuple[np.ndarray, float]:
        """The coefficients (column order) and constant of a PuLP expression."""
        vec = np.zeros(self.n)
        for v, c in expr.items():
            vec[self.index[v.name]] += c
        return vec, float(expr.constant)

    def value(self, values: np.ndarray, cost: np.ndarray | None = None, constant: float | None = None) -> float:
        c = self.cost if cost is None else cost
        k = self.constant if constant is None else constant
        return float(c @ values) + k

    # ------------------------------------------------------------------ neighbourhoods
    def set_structural(self, structural: np.ndarray) -> None:
        """The columns a neighbourhood frees or fixes (the grid and the sessions); every other column
        is auxiliary: it follows them.  An auxiliary column that shares a row with a structural one is
        *anchored* (its value is settled once those are fixed)."""
        self.structural = np.zeros(self.n, dtype=bool)
        self.structural[structural] = True
        rows_with_struct = np.zeros(self.m, dtype=bool)
        At = self.At
        for j in np.flatnonzero(self.structural):
            rows_with_struct[At.indices[At.indptr[j]:At.indptr[j + 1]]] = True
        anchored = np.zeros(self.n, dtype=bool)
        A = self.A
        r = np.flatnonzero(rows_with_struct)
        if len(r):
            anchored[np.unique(A[r].indices)] = True
        self._anchored = anchored & ~self.structural

    def _rows_of(self, cols: np.ndarray) -> np.ndarray:
        if not len(cols):
            return np.zeros(0, dtype=np.int64)
        return np.unique(self.At[:, cols].indices)

    def _cols_of(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return np.zeros(0, dtype=np.int64)
        return np.unique(self.A[rows].indices)

    def neighbourhood_columns(self, free: np.ndarray) -> np.ndarray:
        """The free structural columns, every auxiliary column in a row with one of them, and the
        unanchored auxiliaries reached from those (chains such as a track's consecutive-sessions
        indicators); anchored auxiliaries whose structural columns are all fixed stay as they are."""
        inc = np.zeros(self.n, dtype=bool)
        inc[free] = True
        aux = ~self.structural
        first = self._cols_of(self._rows_of(free))
        first = first[aux[first]]
        inc[first] = True
        frontier = first
        seen_rows = np.zeros(self.m, dtype=bool)
        while len(frontier):
            rows = self._rows_of(frontier)
            rows = rows[~seen_rows[rows]]
            seen_rows[rows] = True
            cols = self._cols_of(rows)
            new = cols[aux[cols] & ~inc[cols]]
            inc[new] = True
            # anchored auxiliaries whose structural columns are all fixed may move (e.g. a talk's share of
            # a room whose other shares are free) but lead no further; the unanchored ones lead on
            frontier = new[~self._anchored[new]]
        return np.flatnonzero(inc)

    def solve_neighbourhood(self, values: np.ndarray, free: np.ndarray, time_limit: float,
                            node_limit: int | None = None, cost: np.ndarray | None = None,
                            seed: int = 0) -> SubSolve:
        """Re-optimise the columns ``free`` (structural) and the auxiliaries they drive, every other
        column kept at ``values``; the result is a full column vector."""
        cost = self.cost if cost is None else cost
        cols = self.neighbourhood_columns(np.asarray(free, dtype=np.int64))
        rows = self._rows_of(cols)
        sub = self.A[rows]
        inside = np.zeros(self.n, dtype=bool)
        inside[cols] = True
        # fixed columns of these rows move into the row bounds
        fixed_part = sub @ np.where(inside, 0.0, values)
        A_sub = sub[:, cols].tocsr()
        rlo = self.rlo[rows] - fixed_part
        rhi = self.rhi[rows] - fixed_part
        h = _highs(1, seed)
        h.setOptionValue("time_limit", max(0.05, float(time_limit)))
        if node_limit is not None:
            h.setOptionValue("mip_max_nodes", int(node_limit))
        _load(h, self.lo[cols], self.hi[cols], cost[cols], A_sub, rlo, rhi, self.is_int[cols])
        import highspy

        start = highspy.HighsSolution()
        start.col_value = list(map(float, values[cols]))
        start.value_valid = True
        h.setSolution(start)
        t0 = time.perf_counter()
        h.run()
        word, vals, _bound, secs = _read(h, t0)
        if vals is None:
            return SubSolve(word, None, None, secs, None, len(cols))
        new = values.copy()
        new[cols] = vals
        if self.is_int.any():
            ints = self.is_int[cols]
            new[cols[ints]] = np.round(new[cols[ints]])
        return SubSolve(word, float(cost @ new) + self.constant, None, secs, new, len(cols))


class PersistentModel:
    """The whole model in HiGHS: branch and bound, the LP bound, the value of a given plan."""

    def __init__(self, source: pulp.LpProblem | MatrixModel, threads: int = 1, seed: int = 0):
        t0 = time.perf_counter()
        mm = source if isinstance(source, MatrixModel) else MatrixModel(source)
        self.matrix = mm
        self.variables, self.index, self.n = mm.variables, mm.index, mm.n
        self.is_int = mm.is_int
        self.lo0, self.hi0 = mm.lo.copy(), mm.hi.copy()
        self.cost, self.constant = mm.cost.copy(), mm.constant
        self.cost0, self.constant0 = mm.cost.copy(), mm.constant  # the objective it was built with
        self.h = _highs(threads, seed)
        _load(self.h, mm.lo, mm.hi, mm.cost, mm.A, mm.rlo, mm.rhi, mm.is_int)
        self.build_seconds = time.perf_counter() - t0

    # ------------------------------------------------------------------ bounds and costs
    def set_bounds(self, lo: np.ndarray, hi: np.ndarray) -> None:
        import highspy

        inf = highspy.kHighsInf
        self.h.changeColsBounds(self.n, np.arange(self.n, dtype=np.int32),
                                np.where(np.isinf(lo), -inf, lo), np.where(np.isinf(hi), inf, hi))

    def reset_bounds(self) -> None:
        self.set_bounds(self.lo0, self.hi0)

    def vector_of(self, expr) -> tuple[np.ndarray, float]:
        return self.matrix.vector_of(expr)

    def set_cost(self, cost: np.ndarray, constant: float) -> None:
        self.cost, self.constant = cost, constant
        self.h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)

    def restore_cost(self) -> None:
        self.set_cost(self.cost0.copy(), self.constant0)

    def value(self, values: np.ndarray) -> float:
        return float(self.cost @ values) + self.constant

    def value0(self, values: np.ndarray) -> float:
        """The value under the objective the model was built with (before any ``set_cost``)."""
        return float(self.cost0 @ values) + self.constant0

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
            h.run()
        finally:
            if lp_only:
                h.setOptionValue("solve_relaxation", False)
        word, values, bound, secs = _read(h, t0, lp_only)
        # the objective from the values themselves (HiGHS's own figure was seen off by the offset of
        # columns its presolve removed)
        obj = self.value(values) if values is not None else None
        if bound is not None:
            bound += self.constant
        if lp_only and word == "optimal":
            bound = obj
        return SubSolve(word, obj, bound, secs, values, self.n)

    def solve_exchanging(self, time_limit: float, start: np.ndarray | None,
                         incumbent: Callable[[], tuple[float, np.ndarray] | None],
                         on_solution: Callable[[np.ndarray, float], None],
                         on_bound: Callable[[float], None],
                         should_stop: Callable[[], bool]) -> SubSolve:
        """Branch and bound on the whole model, trading schedules with searches running beside it.

        ``incumbent()`` — the best (objective, values) known elsewhere, handed to HiGHS when it is
        better than HiGHS's own; ``on_solution(values, objective)`` — each improving schedule HiGHS
        finds; ``on_bound(bound)`` — its dual bound as the callbacks see it (for progress only: only
        the bound HiGHS reports when it returns counts as proven); ``should_stop()`` — stop now."""
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
                if math.isfinite(b):
                    on_bound(b + const)
                if should_stop():
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
