"""Phase 1 (attendance) against brute force, and the n = 2 matching against the IP."""

from __future__ import annotations

import itertools

import pulp
import pytest

from xl_confsched.personal.phase1 import (all_tuples, missed_attendance, solve_matching, solve_phase1,
                                          solve_set_partition, tuple_costs)

from .helpers import random_problem


def partitions(items, n):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for others in itertools.combinations(rest, n - 1):
        left = [x for x in rest if x not in others]
        for p in partitions(left, n):
            yield [(first,) + others] + p


def brute_force(problem):
    keys = problem.presenter_keys()
    best = None
    for part in partitions(list(range(problem.n_talks)), problem.n):
        if any(len({keys[x] for x in tup}) < len(tup) for tup in part):
            continue
        c = independent_missed(problem, part)
        best = c if best is None else min(best, c)
    return best


def independent_missed(problem, tuples):
    return sum(max(0, len(p.wanted & set(t)) - 1) for t in tuples for p in problem.participants)


def test_tuple_costs_match_definition():
    pb = random_problem(9, 3, [3], seed=3, n_participants=15)
    cols = all_tuples(pb)
    costs = tuple_costs(pb.profile_matrix, cols)
    for col, c in zip(cols.tolist(), costs.tolist()):
        assert c == independent_missed(pb, [tuple(col)])


@pytest.mark.parametrize("seed", range(4))
def test_set_partition_n3_matches_brute_force(seed):
    pb = random_problem(12, 3, [2, 2], seed=seed, n_participants=14, density=0.4,
                        shared_presenters=1 if seed % 2 else 0)
    res = solve_set_partition(pb, time_limit=30)
    assert res.optimal
    assert sorted(x for t in res.tuples for x in t) == list(range(12))
    assert res.missed == independent_missed(pb, res.tuples) == brute_force(pb)
    assert res.lower_bound <= res.missed + 1e-6
    keys = pb.presenter_keys()
    assert all(len({keys[x] for x in t}) == 3 for t in res.tuples)


def test_set_partition_n4_matches_brute_force():
    pb = random_problem(12, 4, [3], seed=11, n_participants=12, density=0.4)
    res = solve_phase1(pb, time_limit=30)
    assert res.optimal and res.missed == brute_force(pb)


def test_reduced_cost_fixing_matches_full_model():
    pb = random_problem(24, 3, [3, 3, 2], seed=5, n_participants=25, density=0.3, n_dummy=2)
    fast = solve_set_partition(pb, time_limit=30)
    full = solve_set_partition(pb, time_limit=30, plain=True)
    assert fast.optimal and full.optimal
    assert fast.missed == full.missed == independent_missed(pb, full.tuples)


def ip_pairs(problem):
    """Set-partitioning IP over all pairs (the n = 2 case of model (1)-(3))."""
    cols = all_tuples(problem)
    costs = tuple_costs(problem.profile_matrix, cols)
    prob = pulp.LpProblem("pairs", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{j}", cat=pulp.LpBinary) for j in range(len(cols))]
    prob += pulp.lpSum(float(c) * v for c, v in zip(costs, x))
    for i in range(problem.n_talks):
        prob += pulp.lpSum(x[j] for j, col in enumerate(cols) if i in col) == 1
    prob.solve(pulp.PULP_CBC_CMD(msg=False, threads=1, timeLimit=30))
    assert prob.sol_status == pulp.LpSolutionOptimal
    return round(pulp.value(prob.objective))


@pytest.mark.parametrize("seed", range(5))
def test_matching_n2_matches_integer_programme(seed):
    pb = random_problem(16, 2, [2, 2, 2, 2], seed=seed, n_participants=15, density=0.35,
                        shared_presenters=2 if seed % 2 else 0)
    res = solve_matching(pb)
    assert sorted(x for t in res.tuples for x in t) == list(range(16))
    assert res.missed == independent_missed(pb, res.tuples) == ip_pairs(pb)


def test_matching_n2_matches_brute_force():
    pb = random_problem(10, 2, [3, 2], seed=9, n_participants=12, density=0.4)
    assert solve_matching(pb).missed == brute_force(pb)


def test_missed_attendance_helper():
    pb = random_problem(6, 3, [2], seed=1)
    tuples = [(0, 1, 2), (3, 4, 5)]
    assert missed_attendance(pb.profile_matrix, tuples) == independent_missed(pb, tuples)
