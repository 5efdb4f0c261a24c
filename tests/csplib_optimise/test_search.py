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
    return assign_timeslots(problem, grid, place, order_tracks=built.ctx.split)


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
    res = optimise(p, SolveSettings(time_limit=20, seed=0))
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


def _start_values(built, sched):
    from xl_confsched.csplib.model import set_start_values
    from xl_confsched.csplib.search import int_vars

    set_start_values(built, sched)
    return {v.name: int(round(v.varValue or 0)) for v in int_vars(built)}


def _extra_rooms(sched):
    """Σ over tracks of (rooms used − 1), counted from the grid itself."""
    rooms = {}
    for (s, r), k in sched.grid.items():
        rooms.setdefault(k, set()).add(r)
    return sum(len(rs) - 1 for rs in rooms.values())


def test_one_room_per_track_slack_weight_can_be_switched():
    """The search prices one-room-per-track at the instance's weight first, then makes it hard:
    the two objectives differ by exactly BIG per extra room of the schedule."""
    from xl_confsched.csplib.model import BIG

    from .helpers import random_schedule

    for seed in range(12):
        p = make_instance(seed, R=4, T=4)
        sched = random_schedule(p, seed)
        if _extra_rooms(sched):
            break
    built = build_model(p, "full", hard_rules="all")
    values = _start_values(built, sched)
    hard = model_value(built, values)
    slack_hard = built.slack_value()
    built.set_slack_weight("NR", 0.0)
    soft = model_value(built, values)
    slack_soft = built.slack_value()
    built.set_slack_weight("NR", BIG)
    assert abs(hard - soft - BIG * _extra_rooms(sched)) < 1e-6
    # what is reported apart as slack moves with the weight; the evaluator's part stays the same
    assert abs(slack_hard - slack_soft - BIG * _extra_rooms(sched)) < 1e-6
    assert abs((hard - slack_hard) - (soft - slack_soft)) < 1e-6
    assert abs(model_value(built, values) - hard) < 1e-6


def test_recolouring_gives_every_track_one_room():
    """First repair sub-problem: the tracks keep their sessions and talks, the rooms are reassigned
    with one room per track hard (always possible here: as many rooms as tracks)."""
    import time

    from xl_confsched.csplib.search import split_tracks

    from .helpers import random_schedule

    tried = 0
    for seed in range(12):
        p = make_instance(seed, R=4, T=4)
        sched = random_schedule(p, seed)
        if not _extra_rooms(sched):
            continue
        tried += 1
        built = build_model(p, "full", hard_rules="all")
        values = _start_values(built, sched)
        assert split_tracks(built, values)
        start = model_value(built, values)
        values2, obj, n_imp, n_sub = improve(built, values, start, time.perf_counter() + 20, seed=seed,
                                             max_iterations=1, repair=True)
        assert n_sub == 1 and n_imp == 1 and obj < start
        assert not split_tracks(built, values2)
        slots = _schedule_of(p, built, values2)
        ev = evaluate(p, slots.schedule)
        assert ev.all_scheduled and ev.valid and not ev.term("NR").violations
        # sessions and talks untouched: only rooms moved
        before = {n: c[0][0] for n, c in sched.cells_of().items()}
        after = {n: c[0][0] for n, c in slots.schedule.cells_of().items()}
        assert before == after
    assert tried >= 2


def test_hard_rules_all_keeps_every_track_in_one_room():
    """--hard-rules all (the paper's exact model's rules): no track in two rooms unless it must,
    even when the instance does not weigh rooms per track at all."""
    for seed in (2, 6):
        p = make_instance(seed, weights={"NR": 0, "TR": 5})
        res = optimise(p, SolveSettings(time_limit=15, seed=0, extra={"hard_rules": "all"}))
        assert res.schedule is not None and res.status in ("optimal", "feasible")
        ev = evaluate(p, res.schedule)
        assert _extra_rooms(res.schedule) == 0 and not ev.term("NR").violations
        assert abs(res.objective - ev.total) < 1e-6


def test_two_searches_side_by_side_share_the_best_schedule():
    import time

    from xl_confsched.csplib.search import improve_parallel

    p = make_instance(3)
    split = check_capacity(p).must_split
    models = [build_model(p, "full", split=split), build_model(p, "full", split=split)]
    values = greedy_start(models[0])
    start = model_value(models[0], values)
    found = []

    def prelude(copy):  # runs in the second search's thread, on its own copy
        found.append(copy is models[1])
        return None

    stats: dict = {}
    values2, obj, n_imp, n_sub = improve_parallel(models, values, start, time.perf_counter() + 8, seed=1,
                                                  stats=stats, prelude=prelude, iteration_seconds=1.5)
    assert found == [True]
    assert obj <= start and n_sub >= 2 and n_imp <= n_sub
    # the returned schedule is the shared best: the first model holds it, and its value is exact
    value = model_value(models[0], values2)
    assert abs(obj - value) < 1e-6
    slots = _schedule_of(p, models[0], values2)
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid
    assert abs(value - models[0].slack_value() + slots.objective - ev.total) < 1e-6


def test_clashing_tracks_names_the_tracks_of_a_double_booked_presenter():
    from xl_confsched.csplib.search import clashing_tracks

    p = make_instance(3)
    built = build_model(p, "full", split=check_capacity(p).must_split)
    pairs = sorted(p.derived.presenter_conflicts)
    assert pairs, "the instance needs a presenter with two talks"
    a, b = next((a, b) for a, b in pairs if p.submissions[a].track != p.submissions[b].track)
    ka, kb = p.submissions[a].track, p.submissions[b].track
    ctx = built.ctx
    values = {v.name: 0 for v in list(ctx.x.values()) + list(ctx.y.values())}
    values[ctx.x[(a, 0)].name] = values[ctx.y[(ka, 0, 0)].name] = 1
    values[ctx.x[(b, 1)].name] = values[ctx.y[(kb, 1, 1)].name] = 1
    assert clashing_tracks(built, values) == []  # different sessions
    values[ctx.x[(b, 1)].name] = values[ctx.y[(kb, 1, 1)].name] = 0
    values[ctx.x[(b, 0)].name] = values[ctx.y[(kb, 0, 1)].name] = 1
    assert clashing_tracks(built, values) == sorted({ka, kb})  # same session, different rooms
    # two talks of one presenter in the same track, session and room run one after another
    same = next(((a, b) for a, b in pairs if p.submissions[a].track == p.submissions[b].track), None)
    if same is not None:
        a, b = same
        k = p.submissions[a].track
        values = {v.name: 0 for v in list(ctx.x.values()) + list(ctx.y.values())}
        values[ctx.x[(a, 0)].name] = values[ctx.x[(b, 0)].name] = values[ctx.y[(k, 0, 0)].name] = 1
        assert clashing_tracks(built, values) == []
