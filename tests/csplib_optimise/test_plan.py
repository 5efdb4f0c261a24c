"""The solve plan (what runs, for how long) and the track packing start."""

from __future__ import annotations

import random

import numpy as np
import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model
from xl_confsched.csplib.optimise import (BRANCH_AND_BOUND_MAX_COLUMNS, BRANCH_AND_BOUND_WHOLE_COLUMNS, make_plan,
                                          optimise)
from xl_confsched.csplib.persistent import PersistentModel
from xl_confsched.csplib.plan import PROHIBITIVE, cell_cost, pack_tracks, plan_grid
from xl_confsched.csplib.problem import Parameters, Problem, Session, Submission, Track
from xl_confsched.csplib.search import Columns
from xl_confsched.csplib.terms import TERM_KEYS
from xl_confsched.csplib.timeslots import assign_timeslots
from xl_confsched.kinds import SolveSettings

SIZES = [7, 7, 4, 6, 4, 4]  # 32 one-slot talks


# ---------------------------------------------------------------------- the plan

def test_plan_phases_add_up_to_the_time_left():
    plan = make_plan(columns=10_000, seconds=50, cores=2, has_start=False)
    total = plan.seconds("start") + plan.seconds("search") + plan.seconds("rooms and slots")
    assert total == pytest.approx(50)
    assert plan.seconds("start") <= 0.1 * 50 + 1e-9 and 1 <= plan.seconds("rooms and slots") <= 8


def test_small_models_get_branch_and_bound_for_the_whole_search():
    plan = make_plan(columns=BRANCH_AND_BOUND_WHOLE_COLUMNS, seconds=50, cores=2, has_start=False)
    assert plan.branch_and_bound and plan.searches == 1
    assert plan.seconds("branch and bound") == pytest.approx(plan.seconds("search"))


def test_medium_models_search_on_both_cores_and_branch_and_bound_joins_when_the_search_stalls():
    plan = make_plan(columns=BRANCH_AND_BOUND_WHOLE_COLUMNS + 1, seconds=50, cores=2, has_start=False)
    assert plan.searches == 2 and plan.branch_and_bound and plan.branch_and_bound_when_stalled
    assert 0 < plan.seconds("branch and bound") < plan.seconds("search")
    assert "up to" in plan.describe() and "stalls" in plan.describe()
    small = make_plan(columns=BRANCH_AND_BOUND_WHOLE_COLUMNS, seconds=50, cores=2, has_start=False)
    assert not small.branch_and_bound_when_stalled


def test_large_models_run_two_searches_and_no_branch_and_bound():
    plan = make_plan(columns=BRANCH_AND_BOUND_MAX_COLUMNS + 1, seconds=50, cores=2, has_start=False)
    assert not plan.branch_and_bound and plan.searches == 2


def test_one_core_one_search():
    plan = make_plan(columns=1_000, seconds=50, cores=1, has_start=False)
    assert not plan.branch_and_bound and plan.searches == 1


def test_fixed_work_is_one_node_limited_search():
    plan = make_plan(columns=1_000, seconds=50, cores=2, has_start=False, work=12)
    assert plan.fixed_steps == 12 and plan.searches == 1 and not plan.branch_and_bound


def test_a_given_start_skips_the_packing_and_pinning_skips_branch_and_bound():
    plan = make_plan(columns=1_000, seconds=50, cores=2, has_start=True, pinned=True)
    assert plan.start == "given" and plan.seconds("start") == 0 and not plan.branch_and_bound


# ---------------------------------------------------------------------- the packing start

def tight_instance() -> Problem:
    """ISF22 in miniature: 3 rooms × sessions of 4, 3, 3, 4 slots; room C may only be used in the
    last session (100,000 a session elsewhere), which leaves exactly 32 slots for 32 talks with
    every track in one room; talk T3-1 can only go to the first session."""
    slots = [4, 3, 3, 4]
    sessions = [Session(name=f"S{s + 1}", slots=q, start=540 + 120 * s, end=540 + 120 * s + 90)
                for s, q in enumerate(slots)]
    rooms = ["Room A", "Room B", "Room C"]
    tracks = [Track(name=f"T{k + 1}") for k in range(len(SIZES))]
    subs = []
    for k, size in enumerate(SIZES):
        for i in range(size):
            penalty = {s: 1 for s in (1, 2, 3)} if (k, i) == (2, 0) else {}
            subs.append(Submission(ref=f"T{k + 1}-{i + 1}", track=k, required_slots=1, order=0, timezone=0,
                                   presenters=[f"P{k}-{i}"], session_penalty=penalty))
    w = {key: 1 for key in TERM_KEYS}
    w.update({"SR": 100_000, "SS": 100_000, "PC": 100_000, "TZ": 0})
    params = Parameters(local_timezone=0, suitable_from=0, suitable_to=1439, less_suitable_from=0,
                        less_suitable_to=1439, small_penalty=1, big_penalty=10, weights=w)
    return Problem(name="tight", sessions=sessions, rooms=rooms, tracks=tracks, submissions=subs,
                   parameters=params, session_room={(s, 2): 1 for s in (0, 1, 2)})


def test_pack_tracks_finds_the_tight_packing_without_prohibitive_cells():
    p = tight_instance()
    built = build_model(p, "full")
    grid = pack_tracks(built, PROHIBITIVE, random.Random(0), seconds=5.0)
    assert grid is not None
    assert all(cell_cost(p, k, s, r) < PROHIBITIVE for (k, s, r) in grid)
    for k, size in enumerate(SIZES):
        cells = [(s, r) for (k2, s, r) in grid if k2 == k]
        assert len({r for _, r in cells}) == 1  # one room per track
        assert len({s for s, _ in cells}) == len(cells)  # one cell per session
        assert sum(p.sessions[s].slots for s, _ in cells) >= size
    assert len(grid) == len(set((s, r) for (_, s, r) in grid))  # no cell twice


def test_pack_tracks_is_reproducible_with_a_restart_count():
    p = tight_instance()
    built = build_model(p, "full")
    a = pack_tracks(built, PROHIBITIVE, random.Random(3), seconds=60.0, max_restarts=20)
    b = pack_tracks(built, PROHIBITIVE, random.Random(3), seconds=60.0, max_restarts=20)
    assert a is not None and a == b


@pytest.mark.parametrize("prefer", ["tight", "cheap"])
def test_packed_grid_with_the_talks_placed_is_a_schedule_the_evaluator_agrees_with(prefer):
    p = tight_instance()
    built = build_model(p, "full")
    pm = PersistentModel(built.prob)
    cols = Columns(built, pm)
    grid = plan_grid(built, 3.0, seed=0, prefer=prefer)
    assert grid is not None
    lo, hi = pm.lo0.copy(), pm.hi0.copy()
    ys = np.fromiter(cols.y.values(), dtype=np.int64)
    lo[ys] = hi[ys] = cols.vector(grid, {})[ys]
    pm.set_bounds(lo, hi)
    res = pm.solve(10)
    assert res.values is not None
    slots = assign_timeslots(p, cols.grid_of(res.values), cols.sessions_of(res.values))
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid
    assert ev.term("SR").penalty == 0 and ev.term("SS").penalty == 0
    assert res.objective == pytest.approx(ev.total)


def test_optimise_keeps_the_prohibitive_room_free():
    p = tight_instance()
    res = optimise(p, SolveSettings(time_limit=10, seed=0))
    assert res.schedule is not None
    ev = evaluate(p, res.schedule)
    assert ev.all_scheduled and ev.valid
    assert ev.term("SR").penalty == 0 and ev.term("SS").penalty == 0
    assert res.objective == ev.total
