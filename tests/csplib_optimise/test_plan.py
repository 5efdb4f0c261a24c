"""Track packing start: tight packings without prohibitive cells, checked by the evaluator."""

from __future__ import annotations

import random

from xl_confsched.csplib.capacity import check_capacity
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model
from xl_confsched.csplib.optimise import optimise
from xl_confsched.csplib.plan import PROHIBITIVE, cell_cost, pack_tracks, plan_start
from xl_confsched.csplib.problem import Parameters, Problem, Session, Submission, Track
from xl_confsched.csplib.search import model_value
from xl_confsched.csplib.terms import TERM_KEYS
from xl_confsched.kinds import SolveSettings

from .test_search import _schedule_of

SIZES = [7, 7, 4, 6, 4, 4]  # 32 one-slot talks


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


def test_plan_start_is_a_complete_schedule_the_evaluator_agrees_with():
    p = tight_instance()
    built = build_model(p, "full", split=check_capacity(p).must_split)
    found = plan_start(built, 3.0, seed=0, submissions_seconds=10.0)
    assert found is not None
    values, objective = found
    slots = _schedule_of(p, built, values)
    ev = evaluate(p, slots.schedule)
    assert ev.all_scheduled and ev.valid
    assert ev.term("SR").penalty == 0 and ev.term("SS").penalty == 0
    assert not ev.term("NR").violations and not ev.term("PC").violations
    assert abs(model_value(built, values) - objective) < 1e-6
    assert abs(objective - built.slack_value() + slots.objective - ev.total) < 1e-6


def test_optimise_keeps_the_prohibitive_room_free_by_default():
    p = tight_instance()
    res = optimise(p, SolveSettings(time_limit=10, seed=0))
    assert res.schedule is not None
    ev = evaluate(p, res.schedule)
    assert ev.all_scheduled and ev.valid
    # the default hard rules keep every track in one room; the packing keeps room C free
    assert not ev.term("NR").violations
    assert ev.term("SR").penalty == 0 and ev.term("SS").penalty == 0
    assert abs(res.objective - ev.total) < 1e-6
