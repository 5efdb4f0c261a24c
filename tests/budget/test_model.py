"""The integer programme against an independent brute-force enumeration; LP bound; explanations."""

from __future__ import annotations

import math
import random
from dataclasses import replace

import pytest

from xl_confsched.budget.model import (Instance, SolveOptions, additional_seats, base_instance, evaluate,
                                       explain_infeasible, scenario_instance, solve_instance)
from xl_confsched.budget.problem import read_problem
from xl_confsched.tables import load_workbook_data

from .helpers import brute_force, example, min_spend_brute


@pytest.fixture(scope="module")
def example_problem(tmp_path_factory):
    path = example(tmp_path_factory.mktemp("ex"))
    problem, _ = read_problem(load_workbook_data(path))
    return problem


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_example_cases_are_optimal_by_enumeration(example_problem, solver):
    base = base_instance(example_problem)
    opts = SolveOptions(solver=solver, time_limit=20)
    cases = [base] + [scenario_instance(base, s) for s in example_problem.scenarios]
    assert len(cases) == 5
    n_infeasible = 0
    for inst in cases:
        best, _arg = brute_force(inst)
        plan = solve_instance(inst, opts)
        if best is None:
            n_infeasible += 1
            assert plan.status == "infeasible", inst.name
            continue
        assert plan.status == "optimal", inst.name
        ev = evaluate(inst, plan.x)
        assert ev.feasible, (inst.name, ev.problems)
        assert ev.objective == pytest.approx(best, abs=1e-6), inst.name
        lp = solve_instance(inst, opts, relaxed=True)
        assert lp.objective >= best - 1e-6
    assert n_infeasible == 1  # the 35-seat scenario on a 160k T&E budget


def test_updated_demand_changes_the_allocation(example_problem):
    base = base_instance(example_problem)
    upd = scenario_instance(base, next(s for s in example_problem.scenarios if s.name == "Updated demand"))
    a = solve_instance(base, SolveOptions())
    b = solve_instance(upd, SolveOptions())
    assert a.x != b.x
    assert sum(a.x) == sum(b.x) == base.seat_target


def _random_instance(rng: random.Random, k: int) -> Instance:
    n = 4
    te = tuple(float(rng.randrange(2000, 7000, 10)) for _ in range(n))
    fee = tuple(float(rng.randrange(500, 1500, 10)) for _ in range(n))
    demand = tuple(round(rng.uniform(20, 150), 1) for _ in range(n))
    lo, hi = rng.choice([(0, 5), (1, 6), (2, 6)])
    rule = rng.choice(["exactly", "at least", "at most", None])
    target = None if rule is None else rng.randint(n * lo, n * hi + 2)
    return Instance(name=f"random {k}", names=tuple(f"C{i}" for i in range(n)), te_cost=te, fee=fee,
                    demand=demand, lo=lo, hi=hi, seat_target=target, seat_rule=rule or "exactly",
                    te_budget=float(rng.randrange(20000, 120000, 100)),
                    registration_budget=float(rng.randrange(5000, 25000, 100)), non_flagship_seat_cost=1500.0)


def test_random_instances_against_enumeration():
    rng = random.Random(7)
    opts = SolveOptions(time_limit=10)
    seen = {"feasible": 0, "infeasible": 0, "fractional LP": 0}
    for k in range(30):
        inst = _random_instance(rng, k)
        best, _ = brute_force(inst)
        plan = solve_instance(inst, opts)
        lp = solve_instance(inst, opts, relaxed=True)
        if best is None:
            seen["infeasible"] += 1
            assert plan.status == "infeasible", inst
            msg = explain_infeasible(inst, opts)
            assert ("short" in msg) or ("seats that" in msg) or ("cannot both" in msg), msg
            if msg.startswith("the ") and "of T&E; the budget" in msg.split(";")[0] + ";":
                need = min_spend_brute(inst, inst.te_cost)
                assert f"needs at least {need:,.0f} of T&E" in msg, msg
            continue
        seen["feasible"] += 1
        assert plan.status == "optimal", (k, plan, inst)
        assert evaluate(inst, plan.x).feasible
        assert plan.objective == pytest.approx(best, abs=1e-6)
        assert lp.objective >= best - 1e-6  # the relaxation is a bound
        if any(abs(v - round(v)) > 1e-6 for v in lp.x):
            seen["fractional LP"] += 1
    assert seen["feasible"] >= 5 and seen["infeasible"] >= 3 and seen["fractional LP"] >= 1, seen


def test_explanation_names_binding_budget_and_amount(example_problem):
    base = base_instance(example_problem)
    inst = replace(base, seat_target=35, te_budget=160_000.0)
    need = min_spend_brute(inst, inst.te_cost)
    msg = explain_infeasible(inst, SolveOptions())
    assert f"the 35-seat target needs at least {need:,.0f} of T&E; the budget is 160,000" in msg
    assert f"({need - 160_000:,.0f} short)" in msg
    assert "registration" not in msg  # registration alone would be fine

    inst = replace(base, seat_target=25, registration_budget=20_000.0)
    need = min_spend_brute(inst, inst.fee)
    msg = explain_infeasible(inst, SolveOptions())
    assert f"needs at least {need:,.0f} of registration; the budget is 20,000" in msg

    inst = replace(base, seat_target=45)
    msg = explain_infeasible(inst, SolveOptions())
    assert "above the 40 seats" in msg and "at most 8" in msg


def test_explanation_when_only_both_budgets_together_bind():
    # two conferences: A cheap in T&E but dear in registration, B the other way round
    inst = Instance(name="x", names=("A", "B"), te_cost=(1000.0, 3000.0), fee=(3000.0, 1000.0), demand=(1.0, 1.0),
                    lo=0, hi=10, seat_target=10, seat_rule="exactly", te_budget=15_000.0,
                    registration_budget=15_000.0)
    assert brute_force(inst)[0] is None
    assert min_spend_brute(inst, inst.te_cost) <= 15_000 and min_spend_brute(inst, inst.fee) <= 15_000
    msg = explain_infeasible(inst, SolveOptions())
    # registration 3,000·a + 1,000·(10 − a) ≤ 15,000 allows a ≤ 2, so T&E ≥ 2 × 1,000 + 8 × 3,000 = 26,000
    assert msg == ("with registration kept within 15,000, the 10-seat target needs at least 26,000 of T&E; "
                   "the budget is 15,000 (11,000 short).")


def test_second_stage_rounds_down():
    assert additional_seats(40_900, 2_500) == 16 == math.floor(40_900 / 2_500)
    assert additional_seats(5_000, 2_500) == 2
    assert additional_seats(-100, 2_500) == 0
    assert additional_seats(1_000, None) is None
