"""Phase 1: which n talks run in parallel, minimising missed attendance.

For a set ``e`` of parallel talks, participant p misses ``max(0, |wanted_p ∩ e| - 1)``
talks; ``c_e`` sums that over participants (Vangerven et al. 2018, Section 4.1).

* n = 2: a minimum-weight perfect matching (Theorem 1), solved exactly with networkx.
* n ≥ 3: the set-partitioning programme (1)-(3) over all n-tuples.  Its LP relaxation is
  solved by column generation (CBC or HiGHS through PuLP; every column is priced
  exactly with numpy), an incumbent comes from the integer programme over the generated
  columns, and then only tuples whose reduced cost ``d_e`` is at most
  ``incumbent - LP bound`` can appear in a better solution (any partition x costs
  ``LP bound + Σ d_e x_e`` with all ``d_e ≥ 0``).  The final integer programme over
  those tuples is therefore the proven optimum of the full model.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pulp

from .. import solvers
from .problem import Problem

MAX_COLUMNS = 4_000_000


@dataclass
class Phase1Result:
    tuples: list[tuple[int, ...]]
    missed: int
    lower_bound: float
    optimal: bool
    method: str
    n_columns: int = 0  # tuples in the full model
    n_columns_final: int = 0  # tuples left after reduced-cost fixing
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


def tuple_cost(profile: np.ndarray, tup) -> int:
    """Missed attendance if the talks in ``tup`` run in parallel."""
    s = profile[:, list(tup)].sum(axis=1).astype(np.int64)
    return int(np.maximum(s - 1, 0).sum())


def missed_attendance(profile: np.ndarray, tuples) -> int:
    return sum(tuple_cost(profile, t) for t in tuples)


def all_tuples(problem: Problem) -> np.ndarray:
    """Every n-tuple of talks (rows, sorted) whose talks have different presenters."""
    X, n = problem.n_talks, problem.n
    count = math.comb(X, n)
    if count > MAX_COLUMNS:
        raise ValueError(f"{X} talks in {n} parallel rooms give {count:,} possible parallel groups; "
                         f"the exact model handles at most {MAX_COLUMNS:,}")
    flat = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(X), n)),
                       dtype=np.int32, count=count * n)
    tuples = flat.reshape(count, n)
    keys = problem.presenter_keys()
    codes = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    pres = np.array([codes[k] for k in keys], dtype=np.int32)[tuples]
    ok = np.ones(count, dtype=bool)
    for a, b in itertools.combinations(range(n), 2):
        ok &= pres[:, a] != pres[:, b]
    return tuples[ok]


def tuple_costs(profile: np.ndarray, tuples: np.ndarray, chunk: int = 20000) -> np.ndarray:
    at = np.ascontiguousarray(profile.T)  # X × P
    out = np.empty(len(tuples), dtype=np.int64)
    for lo in range(0, len(tuples), chunk):
        s = at[tuples[lo:lo + chunk]].sum(axis=1, dtype=np.int16)  # m × P
        out[lo:lo + chunk] = s.sum(axis=1, dtype=np.int64) - (s > 0).sum(axis=1)
    return out


def _solve(prob: pulp.LpProblem, settings_solver: str, time_limit: float, seed: int, mip: bool = True):
    """One solve through the shared solver layer (CBC or HiGHS; a Cancel stops it, keeping its best)."""
    return solvers.solve(prob, solvers.SolverOptions(solver=settings_solver, time_limit=max(1.0, float(time_limit)),
                                                     seed=seed, mip=mip))


def _cancelled() -> bool:
    token = solvers.current_cancel()
    return token is not None and token.cancelled


def _partition_model(n_items: int, columns: np.ndarray, costs: np.ndarray, binary: bool):
    prob = pulp.LpProblem("phase1", pulp.LpMinimize)
    cat = pulp.LpBinary if binary else pulp.LpContinuous
    xs = [pulp.LpVariable(f"x{j}", lowBound=0, upBound=None if not binary else 1, cat=cat)
          for j in range(len(columns))]
    prob += pulp.LpAffineExpression([(xs[j], float(costs[j])) for j in range(len(columns))])
    rows: list[list] = [[] for _ in range(n_items)]
    for j, col in enumerate(columns):
        for i in col:
            rows[int(i)].append((xs[j], 1.0))
    for i in range(n_items):
        prob += pulp.LpConstraint(pulp.LpAffineExpression(rows[i]), sense=pulp.LpConstraintEQ, rhs=1, name=f"talk{i}")
    return prob, xs


def greedy_partition(n_items: int, columns: np.ndarray, costs: np.ndarray) -> list[int] | None:
    order = np.argsort(costs, kind="stable")
    used = np.zeros(n_items, dtype=bool)
    chosen = []
    for j in order:
        col = columns[j]
        if not used[col].any():
            used[col] = True
            chosen.append(int(j))
            if used.all():
                return chosen
    return None


def solve_matching(problem: Problem) -> Phase1Result:
    """n = 2: minimum-weight perfect matching (exact, polynomial)."""
    import networkx as nx

    t0 = time.perf_counter()
    profile = problem.profile_matrix
    tuples = all_tuples(problem)
    costs = tuple_costs(profile, tuples)
    big = int(costs.max(initial=0)) + 1
    g = nx.Graph()
    g.add_nodes_from(range(problem.n_talks))
    for (i, j), c in zip(tuples.tolist(), costs.tolist()):
        g.add_edge(i, j, weight=big - c)
    m = nx.max_weight_matching(g, maxcardinality=True)
    if 2 * len(m) != problem.n_talks:
        raise ValueError("no way to pair up the talks without putting a presenter in parallel with himself")
    pairs = sorted(tuple(sorted(e)) for e in m)
    missed = missed_attendance(profile, pairs)
    return Phase1Result(pairs, missed, float(missed), True, "minimum-weight perfect matching",
                        n_columns=len(tuples), n_columns_final=len(tuples), seconds=time.perf_counter() - t0)


def solve_set_partition(problem: Problem, solver: str = "cbc", time_limit: float = 60.0, seed: int = 0,
                        plain: bool = False, progress: Callable[[str], None] | None = None) -> Phase1Result:
    """n ≥ 3 (works for any n): set partitioning with LP-based reduced-cost fixing.

    ``plain=True`` solves the full model (1)-(3) in one go (for comparison in the benchmark).
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    say = progress or (lambda m: None)
    X = problem.n_talks
    profile = problem.profile_matrix
    columns = all_tuples(problem)
    costs = tuple_costs(profile, columns)
    log = [f"{len(columns):,} parallel groups priced in {time.perf_counter() - t0:.1f} s"]
    say(log[-1])
    if plain:
        prob, xs = _partition_model(X, columns, costs, binary=True)
        _solve(prob, solver, deadline - time.perf_counter(), seed)
        chosen = [j for j, v in enumerate(xs) if (v.value() or 0) > 0.5]
        tuples = [tuple(int(i) for i in columns[j]) for j in chosen]
        optimal = prob.sol_status == pulp.LpSolutionOptimal
        if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) or len(tuples) * problem.n != X:
            raise RuntimeError("the solver found no grouping of the talks within the time limit")
        missed = missed_attendance(profile, tuples)
        return Phase1Result(tuples, missed, float(missed) if optimal else float("nan"), optimal,
                            "set partitioning (full model)", len(columns), len(columns),
                            time.perf_counter() - t0, log)

    greedy = greedy_partition(X, columns, costs)
    if greedy is None:
        raise ValueError("no way to group the talks without putting a presenter in parallel with himself")
    # ---- column generation for the LP relaxation ------------------------------------------
    active = np.zeros(len(columns), dtype=bool)
    active[greedy] = True
    # start: the cheapest groups of every talk
    per_talk = max(10, 4000 // max(1, X))
    order = np.argsort(costs, kind="stable")
    seen = np.zeros(X, dtype=np.int64)
    for j in order:
        col = columns[j]
        if (seen[col] < per_talk).any():
            active[j] = True
            seen[col] += 1
            if (seen >= per_talk).all():
                break
    lp_value = None
    duals = np.zeros(X)
    for it in range(200):
        idx = np.flatnonzero(active)
        prob, xs = _partition_model(X, columns[idx], costs[idx], binary=False)
        _solve(prob, solver, max(1.0, deadline - time.perf_counter()), seed, mip=False)
        if prob.status != pulp.LpStatusOptimal and lp_value is not None and _cancelled():
            break  # Cancel: the duals of the last round still give a valid bound (below)
        if prob.status != pulp.LpStatusOptimal:
            raise RuntimeError(f"the LP relaxation of phase 1 did not solve ({pulp.LpStatus[prob.status]})")
        lp_value = pulp.value(prob.objective) or 0.0
        pis = [prob.get_constraint_by_name(f"talk{i}").pi for i in range(X)]
        if any(v is None for v in pis):
            raise RuntimeError("the LP solver returned no dual values for phase 1")
        duals = np.array(pis, dtype=float)
        red = costs - duals[columns].sum(axis=1)
        neg = np.flatnonzero((red < -1e-7) & ~active)
        if len(neg) == 0:
            break
        add = neg[np.argsort(red[neg], kind="stable")[:max(200, 4 * X)]]
        active[add] = True
        if time.perf_counter() > deadline or _cancelled():
            break
    # A rigorous bound that does not trust the LP solver's optimality: for any duals π,
    # a partition x (X/n groups) costs Σπ + Σ d_e x_e ≥ Σπ + (X/n)·min(0, min d).
    red = costs - duals[columns].sum(axis=1)
    slack = (X // problem.n) * max(0.0, -float(red.min()))
    lp_ok = slack <= 0.5
    lb = float(duals.sum()) - slack if lp_ok else -math.inf
    lb_int = math.ceil(lb - 1e-6) if lp_ok else -math.inf
    log.append(f"LP relaxation: {lp_value:.2f} with {int(active.sum()):,} generated groups "
               f"after {it + 1} rounds ({time.perf_counter() - t0:.1f} s)")
    say(log[-1])
    # ---- incumbent: IP over the generated columns ---------------------------------------
    greedy_cost = int(costs[greedy].sum())
    best_cols, best_cost = greedy, greedy_cost
    idx = np.flatnonzero(active)
    if best_cost > lb_int:
        prob, xs = _partition_model(X, columns[idx], costs[idx], binary=True)
        _solve(prob, solver, max(1.0, min(deadline - time.perf_counter(), 0.3 * time_limit)), seed)
        if prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            sel = [int(idx[j]) for j, v in enumerate(xs) if (v.value() or 0) > 0.5]
            c = int(costs[sel].sum())
            if len(sel) * problem.n == X and c < best_cost:
                best_cols, best_cost = sel, c
    log.append(f"incumbent {best_cost} (greedy {greedy_cost}), LP bound {lb:.2f}")
    say(log[-1])
    # ---- reduced-cost fixing and the final IP ------------------------------------------
    optimal = best_cost <= lb_int
    n_final = 0
    if not optimal and lp_ok:
        # a used group has d_e ≤ incumbent − Σπ + slack (the other groups' d are ≥ min d)
        keep = np.flatnonzero(red <= best_cost - lb + 1e-6)
        n_final = len(keep)
        log.append(f"{n_final:,} groups can still improve on {best_cost} (reduced cost ≤ {best_cost - lb:.2f})")
        say(log[-1])
        prob, xs = _partition_model(X, columns[keep], costs[keep], binary=True)
        _solve(prob, solver, max(1.0, deadline - time.perf_counter()), seed)
        if prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            sel = [int(keep[j]) for j, v in enumerate(xs) if (v.value() or 0) > 0.5]
            c = int(costs[sel].sum())
            if len(sel) * problem.n == X and c <= best_cost:
                best_cols, best_cost = sel, c
            optimal = prob.sol_status == pulp.LpSolutionOptimal
    tuples = sorted(tuple(int(i) for i in columns[j]) for j in best_cols)
    missed = missed_attendance(profile, tuples)
    assert missed == best_cost
    return Phase1Result(tuples, missed, lb, optimal, "set partitioning, LP + reduced-cost fixing",
                        len(columns), n_final, time.perf_counter() - t0, log)


def solve_phase1(problem: Problem, solver: str = "cbc", time_limit: float = 60.0, seed: int = 0,
                 progress: Callable[[str], None] | None = None) -> Phase1Result:
    if problem.n == 1:
        tuples = [(i,) for i in range(problem.n_talks)]
        return Phase1Result(tuples, 0, 0.0, True, "one room: nothing runs in parallel")
    if problem.n == 2:
        return solve_matching(problem)
    return solve_set_partition(problem, solver=solver, time_limit=time_limit, seed=seed, progress=progress)
