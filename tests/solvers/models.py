"""Small PuLP models for the solver-layer tests, and an evaluator that checks a solution
without the solver: every constraint and the objective recomputed from the variables' values."""

from __future__ import annotations

import itertools
import random

import pulp


def knapsack(n: int = 300, m: int = 30, seed: int = 1, maximise: bool = False, constant: float = 5000.0):
    """A multi-dimensional 0-1 knapsack: incumbents come at once, proving optimality takes CBC
    and HiGHS much longer than a few seconds for n = 300, m = 30 (an instant for n ≤ 20)."""
    r = random.Random(seed)
    prob = pulp.LpProblem(f"mkp_{n}_{m}", pulp.LpMaximize if maximise else pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(n)]
    value = [r.randint(10, 100) for _ in range(n)]
    total = pulp.lpSum(v * xi for v, xi in zip(value, x))
    prob += (total if maximise else -total) + constant
    rows = []
    for j in range(m):
        w = [r.randint(5, 60) for _ in range(n)]
        cap = sum(w) // 2
        prob += pulp.lpSum(wi * xi for wi, xi in zip(w, x)) <= cap, f"capacity{j}"
        rows.append((w, cap))
    return prob, x, value, rows


def check_solution(prob: pulp.LpProblem, tol: float = 1e-6) -> float:
    """Every constraint holds and every integer variable is integral at the variables' values;
    returns the objective recomputed from those values (constant included)."""
    values = {v.name: v.varValue for v in prob.variables()}
    assert all(val is not None for val in values.values()), "a variable has no value"
    for v in prob.variables():
        if v.lowBound is not None:
            assert values[v.name] >= v.lowBound - tol
        if v.upBound is not None:
            assert values[v.name] <= v.upBound + tol
        if v.cat == pulp.LpInteger:
            assert abs(values[v.name] - round(values[v.name])) <= tol, v.name
    for name, c in prob.constraints.items():
        lhs = sum(coef * values[v.name] for v, coef in c.items()) + c.constant
        if c.sense == pulp.LpConstraintLE:
            assert lhs <= tol, name
        elif c.sense == pulp.LpConstraintGE:
            assert lhs >= -tol, name
        else:
            assert abs(lhs) <= tol, name
    return sum(coef * values[v.name] for v, coef in prob.objective.items()) + prob.objective.constant


def brute_force_knapsack(value, rows, maximise: bool, constant: float) -> float:
    """The optimum by enumeration (small n only)."""
    n = len(value)
    best = None
    for bits in itertools.product((0, 1), repeat=n):
        if all(sum(w[i] * bits[i] for i in range(n)) <= cap for w, cap in rows):
            v = sum(value[i] * bits[i] for i in range(n))
            best = v if best is None else max(best, v)
    assert best is not None
    return (best if maximise else -best) + constant
