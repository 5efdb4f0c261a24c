"""The evaluator on hand-built schedules: every term's counting rule (OBJECTIVE.md §4) and its facts."""

import datetime as dt

import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.schedule import Schedule
from xl_confsched.csplib.template import InstanceSpec, write_instance

ALL_ON = {k: 1 for k in ["TS", "TR", "SR", "SIM", "NR", "PAR", "CONS", "TZ", "ORD", "SS", "SP", "PC", "AC", "CC",
                         "PCT", "ACT"]}


@pytest.fixture
def problem(tmp_path):
    """Tracks A, B, C; sessions s0..s2 (3 slots); rooms r0..r2; weights all 1."""
    subs = [
        {"ref": "a1", "track": "A", "order": 1, "presenters": "Ann"},
        {"ref": "a2", "track": "A", "order": 2, "presenters": "Bob"},
        {"ref": "a3", "track": "A", "order": 0, "presenters": "Cy"},
        {"ref": "a4", "track": "A", "order": 3, "presenters": "Dee"},
        {"ref": "b1", "track": "B", "presenters": "Ann", "slots": 2},  # shares Ann with a1
        {"ref": "b2", "track": "B", "presenters": "Eve", "attendees": "Zed", "ss": {"s1": 4}, "sp": {"r2": 3}},
        {"ref": "c1", "track": "C", "presenters": "Fay", "attendees": "Zed", "tz": "GMT+9", "slots": 2},
        {"ref": "c2", "track": "C", "presenters": "Gus"},
    ]
    spec = InstanceSpec(
        sessions=[(f"s{i}", 3, None, dt.time(9 + 3 * i), dt.time(10 + 3 * i)) for i in range(3)],
        rooms=["r0", "r1", "r2"], tracks=[("A", "Chair1"), ("B", "Chair1"), ("C", None)], submissions=subs,
        track_session={("A", "s0"): 1, ("B", "s1"): 10}, track_room={("C", "r2"): 100},
        session_room={("s2", "r1"): 1000}, similar={("A", "B"): 5, ("A", "C"): 7, ("B", "C"): 11},
        local_tz="GMT+0", suitable=(dt.time(8), dt.time(20)), less_suitable=(dt.time(6), dt.time(22)),
        small_penalty=1, big_penalty=10, weights=dict(ALL_ON))
    return load_problem(write_instance(spec, tmp_path / "tiny.xlsx"))


def grid(problem, rows):
    sched = Schedule()
    for s, row in enumerate(rows):
        for r, name in enumerate(row):
            if name:
                sched.grid[(s, r)] = problem.track_index[name]
    return sched


def put(problem, sched, ref, s, r, *slots):
    for t in slots:
        sched.cells[(s, r, t)] = problem.submission_index[ref]


def test_running_grid_example(problem):
    sched = grid(problem, [["A", "A", "B"], ["B", None, "C"], ["A", "C", None]])
    ev = evaluate(problem, sched)
    assert ev.term("TS").raw == 2 * 1 + 10  # per grid cell: A twice in s0, B in s1
    assert ev.term("TR").raw == 100  # C in r2 (s1)
    assert ev.term("SR").raw == 1000  # s2/r1 holds C
    assert ev.term("SIM").raw == 2 * 5 + 11 + 7  # per room pair
    assert ev.term("NR").raw == 3
    assert ev.term("PAR").raw == 1
    assert ev.term("CONS").raw == 1
    assert ev.term("CC").raw == 2  # A, A, B share Chair1 in s0: two pairs
    nr = ev.term("NR").violations[0].facts
    assert nr.startswith("track A uses 2 rooms")
    assert ev.term("CONS").violations[0].facts == "track A is in sessions s0, s2, not consecutive (gap: s1)"


def test_order_numbers_positions_across_the_conference(problem):
    # OBJECTIVE.md §4.9's example with a (1), b (2), c (0), d (3): cells [b, a] then [c, d]
    sched = grid(problem, [["A", None, None], [None, None, "A"], [None, None, None]])
    problem.submissions[problem.submission_index["a3"]].order = 0
    put(problem, sched, "a2", 0, 0, 0)
    put(problem, sched, "a1", 0, 0, 1)
    put(problem, sched, "a3", 1, 2, 0)
    put(problem, sched, "a4", 1, 2, 1)
    ev = evaluate(problem, sched)
    assert ev.term("ORD").raw == 3
    assert ev.term("ORD").violations[0].facts == "a2 is talk 1 of track A but has Order 2"


def test_per_slot_penalties_and_timezone(problem):
    sched = grid(problem, [[None, None, None], [None, None, "B"], [None, None, "C"]])
    put(problem, sched, "b2", 1, 2, 0)  # SS 4 in s1, SP 3 in r2
    put(problem, sched, "c1", 2, 2, 0, 1)  # GMT+9: s2 is 15:00-16:00 local -> 00:00-01:00 for the presenter
    ev = evaluate(problem, sched)
    assert ev.term("SS").raw == 4 and ev.term("SP").raw == 3
    assert ev.term("TZ").raw == 2 * 10  # per slot, unsuitable
    assert "00:00–01:00 for the presenter (GMT+9)" in ev.term("TZ").violations[0].facts


def test_session_and_slot_level_conflicts(problem):
    sched = grid(problem, [["A", "B", None], [None, None, None], [None, None, None]])
    put(problem, sched, "a1", 0, 0, 0)
    put(problem, sched, "b1", 0, 1, 0, 1)  # Ann presents both, different rooms, overlapping slot 0
    ev = evaluate(problem, sched)
    assert ev.term("PC").raw == 1 and ev.term("PCT").raw == 1
    facts = ev.term("PC").violations[0].facts
    assert facts == "presenter Ann: a1 in s0/r0 and b1 in s0/r1"
    # same room, different slots: free at session level and at slot level
    sched2 = grid(problem, [["A", None, None], [None, None, None], [None, None, None]])
    put(problem, sched2, "a1", 0, 0, 0)
    put(problem, sched2, "b1", 0, 0, 1, 2)
    ev2 = evaluate(problem, sched2)
    assert ev2.term("PC").raw == 0 and ev2.term("PCT").raw == 0
    assert not ev2.valid  # b1 sits in track A's room


def test_attendee_conflict_counts_once_per_session(problem):
    sched = grid(problem, [[None, "B", "C"], [None, None, None], [None, None, None]])
    put(problem, sched, "b2", 0, 1, 0)
    put(problem, sched, "c1", 0, 2, 1, 2)  # Zed attends both; different slots
    ev = evaluate(problem, sched)
    assert ev.term("AC").raw == 1 and ev.term("ACT").raw == 0


@pytest.mark.parametrize("cells,expected", [
    ([(0, 0, 0), (0, 0, 1)], 0),
    ([(0, 0, 0), (0, 0, 2)], 1_000_000_000),
    ([(0, 0, 1), (1, 1, 2)], 20_000_000),
    ([(0, 0, 1), (0, 1, 0)], 1_020_000_000),
    ([(0, 0, 0), (0, 0, 1), (0, 0, 2)], 10_000_000),
])
def test_structural_term_worked_cases(problem, cells, expected):
    sched = Schedule()
    c1 = problem.submission_index["c1"]
    for c in cells:
        sched.cells[c] = c1
    put(problem, sched, "b1", 2, 2, 0, 1)
    assert evaluate(problem, sched).term("STRUCT").raw == expected


def test_structural_term_stops_at_first_unscheduled(problem):
    ev = evaluate(problem, Schedule())  # b1 and c1 (2 slots each) both missing
    assert ev.term("STRUCT").raw == 1_000_000_000
    assert not ev.all_scheduled and len(ev.unscheduled) == problem.N


def test_weight_zero_switches_a_term_off(problem):
    problem.parameters.weights["SIM"] = 0
    sched = grid(problem, [["A", "B", None], [None, None, None], [None, None, None]])
    ev = evaluate(problem, sched)
    assert not ev.term("SIM").active and ev.term("SIM").raw == 5 and ev.term("SIM").penalty == 0
    assert ev.total == sum(t.penalty for t in ev.terms)
