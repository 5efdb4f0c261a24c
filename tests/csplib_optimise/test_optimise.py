"""The CSPLib optimiser: model objective = evaluator's score, statuses, relaxation, pinning."""

from __future__ import annotations

import signal

import pulp
import pytest

from xl_confsched.csplib.capacity import check_capacity
from xl_confsched.solvers import solve_cbc
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model, session_solution
from xl_confsched.csplib.optimise import optimise
from xl_confsched.csplib.timeslots import assign_timeslots
from xl_confsched.kinds import SolveSettings

from .helpers import make_instance, random_model_schedule, random_schedule


def settings(**kw):
    base = dict(model="full", time_limit=20, solver="cbc", seed=0)
    base.update(kw)
    return SolveSettings(**base)


def _load(csplib_dir, name):
    from xl_confsched.csplib.reader import load_problem

    return load_problem(csplib_dir / "instances" / f"{name}.xlsx")


def _model_value_of(problem, sched):
    """The model's objective for a given schedule: pin its grid and sessions, solve, place slots."""
    # the weighted terms only: a random schedule may break a hard rule, which the evaluator just weighs
    built = build_model(problem, "full", split=check_capacity(problem).must_split, fixed=_without_slots(sched),
                        hard_rules=False)
    run = solve_cbc(built.prob, 20)
    assert run.has_solution
    grid, place = session_solution(built)
    slots = assign_timeslots(problem, grid, place, order_tracks=built.ctx.split)
    return pulp.value(built.prob.objective) + slots.objective, slots.schedule


def _without_slots(sched):
    from xl_confsched.csplib.schedule import Schedule

    return Schedule(grid=dict(sched.grid), cells=dict(sched.cells))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_model_objective_equals_evaluator_for_random_schedules(seed):
    """Reformulation check: for random schedules of the session model, the model's own value
    (session model with the schedule's grid and sessions pinned, plus the slot phase) equals
    the evaluator's score of the schedule it produces."""
    p = make_instance(seed)
    sched = random_schedule(p, seed)
    value, out = _model_value_of(p, sched)
    ev = evaluate(p, out)
    assert ev.all_scheduled and ev.valid
    assert ev.term("STRUCT").penalty == 0
    assert out.grid == sched.grid
    assert value == pytest.approx(ev.total)


@pytest.mark.parametrize("name", ["N2OR", "GECCO20"])
def test_model_objective_equals_evaluator_on_shared_instances(csplib_dir, name):
    p = _load(csplib_dir, name)
    for seed in (0, 1):
        sched = random_model_schedule(p, seed)
        value, out = _model_value_of(p, sched)
        assert value == pytest.approx(evaluate(p, out).total)


@pytest.mark.parametrize("seed", [4, 5])
def test_optimised_schedule_scored_like_the_model(seed):
    p = make_instance(seed)
    res = optimise(p, settings(time_limit=15))
    assert res.schedule is not None
    ev = evaluate(p, res.schedule)
    assert ev.all_scheduled and ev.valid
    assert res.objective == pytest.approx(ev.total)
    # the optimum is no worse than a random schedule of the same model
    assert ev.total <= evaluate(p, random_schedule(p, seed)).total
    if res.status == "optimal":
        assert res.best_bound == pytest.approx(ev.total)
        assert res.gap == 0


def test_n2or_reaches_best_known_and_matches_evaluator(csplib_dir):
    p = _load(csplib_dir, "N2OR")
    res = optimise(p, settings(time_limit=20))
    ev = evaluate(p, res.schedule)
    assert res.objective == pytest.approx(ev.total)
    assert ev.total <= 1  # best known under N2OR's own weights (reference solutions score 2)
    assert res.status in ("optimal", "feasible")
    assert set(res.term_bounds) == {t.key for t in ev.terms if t.active}


@pytest.mark.parametrize("model", ["exact", "extended"])
def test_paper_models_keep_their_hard_rules(csplib_dir, model):
    p = _load(csplib_dir, "N2OR")
    res = optimise(p, settings(model=model, time_limit=15))
    ev = evaluate(p, res.schedule)
    assert ev.all_scheduled and ev.valid
    hard = ["NR", "PAR", "PC"] + (["AC", "CC"] if model == "extended" else [])
    for key in hard:
        assert ev.term(key).raw == 0, key
    if model == "extended":
        assert all(p.similar.get((a, b), 0) == 0
                   for s in range(p.S) for (s1, r1), a in res.schedule.grid.items() if s1 == s
                   for (s2, r2), b in res.schedule.grid.items() if s2 == s and a != b)
    assert res.status == "optimal"


def test_time_limited_status_is_honest(csplib_dir):
    p = _load(csplib_dir, "GECCO19")
    res = optimise(p, settings(time_limit=4))
    assert res.status != "optimal"
    if res.schedule is None:
        assert res.status == "no schedule" and res.objective is None
    else:
        ev = evaluate(p, res.schedule)
        assert ev.all_scheduled and ev.valid
        assert res.gap is not None and res.gap > 0


def test_capacity_check_in_organiser_words(csplib_dir):
    p = _load(csplib_dir, "OR60")
    rep = check_capacity(p)
    text = "\n".join(rep.messages)
    assert "track Systems Thinking needs 59 slots; one room offers at most 24 over the 8 sessions" in text
    assert "three rooms" in text
    assert {p.tracks[k].name for k in rep.must_split} >= {"Systems Thinking", "Forecasting"}


def test_impossible_track_is_relaxed_not_infeasible():
    # track 0 gets 14 extra talks: 18 slots, more than one room offers (11 over the 4 sessions)
    p = make_instance(7, R=4, big_track=14)
    rep = check_capacity(p)
    assert 0 in rep.must_split
    for model in ("full", "exact"):
        res = optimise(p, settings(model=model, time_limit=15))
        assert res.status == "relaxed"
        ev = evaluate(p, res.schedule)
        assert ev.all_scheduled and ev.valid and ev.term("STRUCT").penalty == 0
        assert any("Track1" in note and "one room offers at most 11" in note for note in res.relaxation_notes)
        if model == "full":
            assert res.objective == pytest.approx(ev.total)


def test_pinning_and_max_changes():
    p = make_instance(8)
    pinned = random_schedule(p, 8)
    # pin two talks and one grid cell of a random schedule
    n1, n2 = sorted(pinned.cells_of())[:2]
    keep = {c: n for c, n in pinned.cells.items() if n in (n1, n2)}
    from xl_confsched.csplib.schedule import Schedule

    grid = {(s, r): pinned.grid[(s, r)] for (s, r, _t) in keep}
    fixed = Schedule(grid=grid, cells=keep)
    res = optimise(p, settings(time_limit=15), fixed=fixed)
    for cell, n in keep.items():
        assert res.schedule.cells.get(cell) == n
    for sr, k in grid.items():
        assert res.schedule.grid[sr] == k
    # re-optimise the random schedule moving at most 2 talks
    res2 = optimise(p, settings(time_limit=15), start=pinned, max_changes=2)
    before = {n: c[0][:2] for n, c in pinned.cells_of().items()}
    after = {n: c[0][:2] for n, c in res2.schedule.cells_of().items()}
    assert sum(1 for n in before if before[n] != after[n]) <= 2
    # hard rules come first: a random start that breaks them may end with a higher weighted score,
    # and is then reported as relaxed (which hard rule, where)
    assert evaluate(p, res2.schedule).total <= evaluate(p, pinned).total + 1e-9 or res2.status in ("feasible",
                                                                                                  "relaxed")
    if res2.status == "relaxed":
        assert res2.relaxation_notes


def test_same_seed_same_schedule():
    p = make_instance(9)
    a = optimise(p, settings(time_limit=10, seed=3))
    b = optimise(p, settings(time_limit=10, seed=3))
    assert a.status == "optimal"
    assert a.schedule.cells == b.schedule.cells and a.schedule.grid == b.schedule.grid


def test_ctrl_c_returns_best_so_far(csplib_dir):
    p = _load(csplib_dir, "GECCO20")
    built = build_model(p, "full")

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 6.0)
    try:
        run = solve_cbc(built.prob, 60)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert run.interrupted
    assert run.seconds < 20
    assert not run.proven_optimal
    if run.has_solution:
        grid, place = session_solution(built)
        assert len(place) == p.N
