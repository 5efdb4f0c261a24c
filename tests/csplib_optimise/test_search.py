"""Greedy start and large neighbourhood search: complete schedules, model value = evaluator's score."""

from __future__ import annotations

from xl_confsched.csplib.capacity import check_capacity
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model, session_solution
from xl_confsched.csplib.optimise import optimise
from xl_confsched.csplib.search import apply_values, greedy_start, improve, model_value
from xl_confsched.csplib.timeslots import assign_timeslots
from xl_confsched.kinds import SolveSettings

from .helpers import make_instance


def _schedule_of(problem, built, values):
    apply_values(built, values)
    for v in built.prob.variables():
        if v.name in values:
            v.varValue = values[v.name]
    grid, place = session_solution(built)
    return assign_timeslots(problem, grid, place)


def test_greedy_start_is_a_complete_feasible_schedule():
    for seed in (1, 2, 3, 4):
        p = make_instance(seed)
        built = build_model(p, "full", split=check_capacity(p).must_split)
        values = greedy_start(built)
        assert values is not None
        slots = _schedule_of(p, built, values)
        ev = evaluate(p, slots.schedule)
        assert ev.all_scheduled and ev.valid and ev.term("STRUCT").penalty == 0
        # the model's value of the greedy assignment is the evaluator's score (plus the hard rules' slack)
        value = model_value(built, values)
        assert abs(value - built.slack_value() + slots.objective - ev.total) < 1e-6


def test_neighbourhood_search_improves_and_stays_exact():
    import time

    p = make_instance(3)
    built = build_model(p, "full", split=check_capacity(p).must_split)
    values = greedy_start(built)
    start = model_value(built, values)
    values2, obj, n_imp, n_sub = improve(built, values, start, time.perf_counter() + 8, seed=1, iteration_seconds=1.5)
    assert obj <= start and n_sub >= 1 and n_imp <= n_sub
    slots = _schedule_of(p, built, values2)
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid
    value = model_value(built, values2)
    assert abs(value - built.slack_value() + slots.objective - ev.total) < 1e-6
    assert abs(obj - value) < 1e-6


def test_optimise_with_search_reports_the_evaluators_objective(csplib_dir):
    from xl_confsched.csplib.reader import load_problem

    p = load_problem(csplib_dir / "instances" / "GECCO20.xlsx")
    res = optimise(p, SolveSettings(time_limit=15, seed=0))
    assert res.schedule is not None
    ev = evaluate(p, res.schedule)
    assert ev.all_scheduled and ev.valid
    assert abs(res.objective - ev.total) < 1e-6
    assert res.best_bound is not None and res.best_bound <= ev.total
    assert res.status in ("optimal", "feasible")


def test_fixed_work_repeats_exactly():
    """--work N: node-limited sub-problems, so the same seed gives the same schedule (issue: same input and seed)."""
    p = make_instance(5)
    runs = [optimise(p, SolveSettings(time_limit=60, seed=4, extra={"work": 5})) for _ in range(2)]
    assert all(r.schedule is not None for r in runs)
    assert runs[0].schedule.grid == runs[1].schedule.grid and runs[0].schedule.cells == runs[1].schedule.cells
    assert any(n.startswith("fixed work: 5 neighbourhood sub-problems") for n in runs[0].notes) \
        or runs[0].status == "optimal"
    assert abs(runs[0].objective - evaluate(p, runs[0].schedule).total) < 1e-6
