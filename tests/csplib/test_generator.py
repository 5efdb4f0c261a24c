"""The EURO-sized conference generator (issue 13 §7): its shape, its difficulties, its seed."""

from __future__ import annotations

from collections import Counter

import pytest

from xl_confsched.cli import main
from xl_confsched.csplib.capacity import check_capacity
from xl_confsched.csplib.generator import EURO_SEED, euro_spec, write_euro
from xl_confsched.csplib.reader import read_problem_with_warnings
from xl_confsched.tables import load_workbook_data


@pytest.fixture(scope="module")
def euro(tmp_path_factory):
    path = write_euro(tmp_path_factory.mktemp("euro") / "euro.xlsx")
    problem, warnings = read_problem_with_warnings(load_workbook_data(path))
    return path, problem, warnings


def test_euro_workbook_has_the_size_of_a_euro_conference(euro):
    _, p, warnings = euro
    assert warnings == []
    assert 1800 <= p.N <= 1900 and p.T == 120 and p.R == 50 and p.S == 20
    assert {s.slots for s in p.sessions} == {4, 5}
    assert all(p.submissions_of_track[k] for k in range(p.T))
    sizes = sorted(len(v) for v in p.submissions_of_track)
    median = sizes[len(sizes) // 2]
    assert 4 <= sizes[0] <= median / 2 and sizes[-1] >= 2.5 * median  # a few big streams, many small ones
    assert check_capacity(p).messages == []  # a complete schedule exists with one room per track


def test_euro_workbook_has_the_difficulties_of_a_real_one(euro):
    _, p, _ = euro
    d = p.derived
    presenters = Counter(name for sub in p.submissions for name in set(sub.presenters))
    shared = {name for name, c in presenters.items() if c > 1}
    tracks_of = {name: {sub.track for sub in p.submissions if name in sub.presenters} for name in shared}
    assert len(shared) > 150 and sum(len(ks) > 1 for ks in tracks_of.values()) > 150  # across tracks
    assert len(d.presenter_conflicts) > 300 and len(d.attendee_conflicts) > 100 and d.chair_conflicts
    lengths = Counter(sub.required_slots for sub in p.submissions)
    assert 10 <= lengths[2] + lengths[3] <= 60 and lengths[3] > 0
    ordered = [sub for sub in p.submissions if sub.order]
    assert 20 <= len(ordered) <= 80 and {sub.order for sub in ordered} >= {1, 2}
    assert p.track_session and len(p.track_room) > 1000 and p.session_room and p.similar
    assert sum(1 for sub in p.submissions if sub.session_penalty) > 100
    assert sum(1 for sub in p.submissions if sub.room_penalty) > 10
    assert sum(1 for v in d.tz.values() if v) > 100  # online presenters far away
    assert all(p.active(key) for key in ("TS", "TR", "SR", "SIM", "NR", "PAR", "CONS", "TZ", "ORD", "SS", "SP",
                                          "PC", "AC", "CC", "PCT", "ACT"))


def test_euro_spec_is_fixed_by_its_seed():
    a, b, c = euro_spec(EURO_SEED), euro_spec(EURO_SEED), euro_spec(EURO_SEED + 1)
    assert a == b
    assert a.submissions != c.submissions


def test_cli_new_euro(tmp_path, capsys):
    out = tmp_path / "euro.xlsx"
    assert main(["new", "--kind", "csplib", "--euro", str(out)]) == 0
    p, _ = read_problem_with_warnings(load_workbook_data(out))
    assert p.N == len(euro_spec().submissions)
    assert main(["new", "--kind", "talks", "--euro", str(tmp_path / "t.xlsx")]) == 2
    assert "--kind csplib" in capsys.readouterr().err
    assert not (tmp_path / "t.xlsx").exists()
