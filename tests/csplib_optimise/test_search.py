"""The neighbourhood search: every sub-problem is cut out of the master model correctly, improves
only, and the schedules it returns are scored by the evaluator as the model says."""

from __future__ import annotations

import random

import numpy as np
import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model
from xl_confsched.csplib.optimise import optimise
from xl_confsched.csplib.persistent import MatrixModel, PersistentModel
from xl_confsched.csplib.search import KINDS, Columns, Neighbourhoods, SharedIncumbent, evaluate_plan, improve
from xl_confsched.csplib.timeslots import assign_timeslots
from xl_confsched.kinds import SolveSettings

from .helpers import make_instance, random_schedule


def _setup(p):
    built = build_model(p, "full")
    mm = MatrixModel(built.prob)
    cols = Columns(built, mm)
    mm.set_structural(cols.structural)
    pm = PersistentModel(mm)
    return built, mm, pm, cols


def _vector_of(pm, cols, sched):
    sessions = {n: c[0][0] for n, c in sched.cells_of().items()}
    values, value = evaluate_plan(pm, cols, cols.vector(sched.grid, sessions))
    assert values is not None
    return values, value


@pytest.mark.parametrize("kind", sorted(set(KINDS)))
def test_every_neighbourhood_is_a_valid_sub_problem(kind):
    """Solved as a cut-out sub-problem, every kind of neighbourhood gives a point of the whole model
    (all its rows hold) whose value is at most the incumbent's — and the whole model, with the
    same columns free, finds the same best value (nothing is lost by cutting it out)."""
    p = make_instance(11, S=3, R=3, T=4, N=12)
    built, mm, pm, cols = _setup(p)
    values, value = _vector_of(pm, cols, random_schedule(p, seed=11))
    lp = pm.solve(10, lp_only=True).values  # the "relaxation" kind frees where the plan and the LP disagree
    nb = Neighbourhoods(cols, random.Random(0), relaxation=lambda: lp)
    for trial in range(2):
        free = np.fromiter(nb.choose(kind, values, size=2), dtype=np.int64)
        res = mm.solve_neighbourhood(values, free, 10)
        assert res.values is not None
        row_values = mm.A @ res.values
        assert np.all(row_values >= mm.rlo - 1e-6) and np.all(row_values <= mm.rhi + 1e-6)
        assert np.all(res.values >= mm.lo - 1e-6) and np.all(res.values <= mm.hi + 1e-6)
        assert res.objective <= value + 1e-6
        # the same neighbourhood in the whole model
        lo, hi = pm.lo0.copy(), pm.hi0.copy()
        fixed = np.setdiff1d(cols.structural, free)
        lo[fixed] = hi[fixed] = np.round(values[fixed])
        pm.set_bounds(lo, hi)
        whole = pm.solve(10)
        pm.reset_bounds()
        if res.status == "optimal" and whole.status == "optimal":
            assert res.objective == pytest.approx(whole.objective, abs=1e-6)
        values, value = res.values, res.objective


def test_the_relaxation_neighbourhood_frees_where_the_plan_and_the_lp_optimum_disagree():
    from xl_confsched.csplib.search import RELAXATION_GAPS

    p = make_instance(11, S=3, R=3, T=4, N=12)
    built, mm, pm, cols = _setup(p)
    values, value = _vector_of(pm, cols, random_schedule(p, seed=11))
    lp = pm.solve(10, lp_only=True).values
    nb = Neighbourhoods(cols, random.Random(0), relaxation=lambda: lp)
    st = cols.structural
    sizes = []
    for gap in RELAXATION_GAPS:
        nb.relaxation_gap = gap
        free = nb.choose("relaxation", values)
        assert free == {int(i) for i in st[np.abs(lp[st] - values[st]) > gap]}
        sizes.append(len(free))
    assert sizes[0] > 0 and sizes == sorted(sizes)  # a random schedule is not the LP optimum; smaller gaps free more
    # at the LP optimum's own rounding nothing disagrees by more than the gap where the LP is whole
    whole = st[np.abs(lp[st] - np.round(lp[st])) <= nb.relaxation_gap]
    at_lp = values.copy()
    at_lp[st] = np.round(lp[st])
    again = nb.choose("relaxation", at_lp)
    assert not again & set(int(i) for i in whole)
    # without an LP optimum yet, it is the tracks neighbourhood
    assert Neighbourhoods(cols, random.Random(3)).choose("relaxation", values) == \
        Neighbourhoods(cols, random.Random(3)).choose("tracks", values)


def test_search_improves_and_the_evaluator_agrees():
    p = make_instance(12, S=4, R=3, T=5, N=20)
    built, mm, pm, cols = _setup(p)
    values, value = _vector_of(pm, cols, random_schedule(p, seed=12))
    import time

    best, best_value = improve(mm, cols, values, value, time.perf_counter() + 8, seed=1)
    assert best_value <= value
    # the plan is complete and the evaluator scores its schedule at least as the master says
    slots = assign_timeslots(p, cols.grid_of(best), cols.sessions_of(best))
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid
    assert ev.total >= best_value - 1e-6 or built.hard_now()
    assert mm.value(best) == pytest.approx(best_value)


def test_shared_incumbent_keeps_only_better_plans():
    a, b = np.zeros(3), np.ones(3)
    sh = SharedIncumbent(a, 10.0)
    assert not sh.offer(b, 11.0) and sh.best()[1] == 10.0
    assert sh.offer(b, 9.0) and sh.best()[1] == 9.0 and sh.best()[2] == 1


def test_each_plan_gets_each_relaxation_gap_from_one_search_only():
    a, b = np.zeros(3), np.ones(3)
    sh = SharedIncumbent(a, 10.0)
    assert sh.claim_relaxation(a, 0.2) and not sh.claim_relaxation(a, 0.2)  # the other search: already tried
    assert sh.claim_relaxation(a, 0.05) and sh.claim_relaxation(b, 0.2)  # another gap, another plan


def test_a_tried_plan_stays_itself_so_its_id_never_names_another_plan():
    import weakref

    sh = SharedIncumbent(np.zeros(3), 10.0)
    old = np.zeros(3)
    assert sh.claim_relaxation(old, 0.2)
    # the search moves on and drops the plan; if the record let it be freed, CPython would soon give its id()
    # to another plan, which would then pass for one already tried
    alive = weakref.ref(old)
    del old
    assert alive() is not None
    assert not sh.claim_relaxation(alive(), 0.2) and sh.claim_relaxation(np.zeros(3), 0.2)


def test_stalled_means_no_better_plan_for_the_seconds_and_the_share_of_the_search(monkeypatch):
    import xl_confsched.csplib.search as search

    now = [100.0]
    monkeypatch.setattr(search.time, "perf_counter", lambda: now[0])
    sh = SharedIncumbent(np.zeros(3), 10.0)  # better plan at 100
    now[0] = 107.0
    assert not sh.stalled(since=90.0, seconds=8.0, share=0.5)  # idle 7 s < 8 s
    now[0] = 109.0
    assert sh.stalled(since=92.0, seconds=8.0, share=0.5)  # idle 9 s ≥ 8 s and ≥ half of 17 s
    assert not sh.stalled(since=60.0, seconds=8.0, share=0.5)  # idle 9 s < half of 49 s
    sh.offer(np.ones(3), 9.0)  # a better plan resets the idle time
    assert not sh.stalled(since=92.0, seconds=8.0, share=0.5)
    now[0] = 109.0 + 8.0
    assert not sh.offer(np.ones(3), 9.5)  # a worse one does not
    assert sh.stalled(since=102.0, seconds=8.0, share=0.5)  # idle 8 s, half of 15 s


def test_fixed_work_repeats_exactly():
    p = make_instance(13, S=3, R=3, T=4, N=12)
    runs = [optimise(p, SolveSettings(time_limit=120, seed=4, work=5)) for _ in range(2)]
    assert runs[0].schedule.cells == runs[1].schedule.cells and runs[0].schedule.grid == runs[1].schedule.grid
    assert runs[0].search.steps == 5


def test_a_stuck_search_walks_the_plateau_and_never_returns_a_worse_plan(monkeypatch):
    """Stuck (here: from the first step), each sub-problem breaks ties by a noise below 0.5 in all, and a
    different plan of the same value is taken; the plan returned is the best one met, valued as the model
    says.  Without whole-number objectives (a gain of 1e-6 counts) there is no walk."""
    import time

    from xl_confsched.csplib import search

    p = make_instance(12, S=4, R=3, T=5, N=20)
    built, mm, pm, cols = _setup(p)
    values, value = _vector_of(pm, cols, random_schedule(p, seed=12))
    # a plan the search cannot improve on its own
    values, value = improve(mm, cols, values, value, time.perf_counter() + 20, seed=1, max_steps=25,
                            step_seconds=0.3)
    monkeypatch.setattr(search, "PLATEAU_AFTER", 0)
    st = search.SearchStats()
    shared = SharedIncumbent(values, value, min_gain=0.5)
    best, best_value = improve(mm, cols, values, value, time.perf_counter() + 20, seed=2, shared=shared,
                               stats=st, max_steps=25, step_seconds=0.3)
    assert st.sideways > 0
    assert best_value <= value + 1e-6 and mm.value(best) == pytest.approx(best_value)
    slots = assign_timeslots(p, cols.grid_of(best), cols.sessions_of(best))
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid and ev.total >= best_value - 1e-6  # time-slot terms come on top
    st_off = search.SearchStats()
    improve(mm, cols, values, value, time.perf_counter() + 20, seed=2, shared=SharedIncumbent(values, value),
            stats=st_off, max_steps=10, step_seconds=0.3)
    assert st_off.sideways == 0


def test_no_plan_has_more_structural_ones_than_the_walk_noise_assumes():
    """The walk's noise per column is PLATEAU_NOISE / (talks + cells): below 0.5 for any plan only if no plan
    has more grid and session columns at 1 than that."""
    from xl_confsched.csplib.search import PLATEAU_NOISE

    p = make_instance(5, S=4, R=3, T=5, N=20)
    built, mm, pm, cols = _setup(p)
    bound = len(p.submissions) + p.S * p.R
    for seed in range(20):
        values, _ = _vector_of(pm, cols, random_schedule(p, seed=seed, parallel=0.8))
        assert values[cols.structural].sum() <= bound
    assert PLATEAU_NOISE < 0.5
