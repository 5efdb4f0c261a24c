import datetime as dt

import pytest

from xl_confsched.csplib.reader import (load_problem, parse_date, parse_int, parse_number, parse_time,
                                        parse_timezone, read_problem_with_warnings, split_names)
from xl_confsched.csplib.template import example_workbook
from xl_confsched.tables import load_workbook_data

INSTANCES = ["GECCO19", "GECCO20", "GECCO22", "ISF22", "N2OR", "OR60", "OR60F", "OR60F2"]


@pytest.mark.parametrize("name", INSTANCES)
def test_every_shared_instance_loads(csplib_dir, name):
    p = load_problem(csplib_dir / "instances" / f"{name}.xlsx")
    assert p.S > 0 and p.R > 0 and p.T > 0 and p.N > 0
    # every submission's track exists and every track has a submission
    assert all(0 <= s.track < p.T for s in p.submissions)
    assert all(p.submissions_of_track[k] for k in range(p.T))
    # weights come from the instance's own parameters sheet
    assert set(p.parameters.weights) >= {"TS", "PC", "ACT"}


def test_n2or_names_are_trimmed(csplib_dir):
    p = load_problem(csplib_dir / "instances" / "N2OR.xlsx")
    assert "NEW19A3731" in p.submission_index  # the sheet has 'NEW19A3731 ' with a trailing space
    assert p.find_submission(" NEW19A3731 ") == p.submission_index["NEW19A3731"]


def test_gecco20_values(csplib_dir):
    p = load_problem(csplib_dir / "instances" / "GECCO20.xlsx")
    assert p.parameters.weights["PC"] == 100000
    assert p.sessions[0].name == "Fri1" and p.sessions[0].slots == 4
    assert p.sessions[0].start == 9 * 60 + 30 and p.sessions[0].end == 10 * 60 + 30
    assert p.session_room[(0, p.room_index["Room 8"])] == 10000


def test_example_workbook_reads_cleanly(tmp_path):
    path = example_workbook(tmp_path / "ex.xlsx")
    p, warnings = read_problem_with_warnings(load_workbook_data(path))
    assert warnings == []
    assert (p.N, p.T, p.S, p.R) == (31, 6, 4, 3)
    assert any(s.required_slots == 2 for s in p.submissions)
    assert p.derived.presenter_conflicts  # presenters shared between tracks
    assert any(p.submissions[i].track != p.submissions[j].track for i, j in p.derived.presenter_conflicts)
    assert p.similar and p.track_session and p.track_room
    assert sum(1 for s in p.submissions if s.attendees) >= 2
    far = [s for s in p.submissions if abs(s.timezone - p.parameters.local_timezone) >= 6]
    assert far and any(p.derived.tz.get((p.submission_index[s.ref], x)) for s in far for x in range(p.S))


def test_cell_parsers():
    assert parse_time(dt.time(9, 30)) == 570
    assert parse_time("9:05") == 545 and parse_time("09:05:59") == 545
    assert parse_time(0.5) == 720  # Excel fraction of a day
    assert parse_time(dt.datetime(1899, 12, 30, 14, 15)) == 855
    assert parse_time("25:00") is None and parse_time("noon") is None
    assert parse_time(dt.datetime(2024, 5, 1, 9, 0)) is None  # a full date-time is not a time
    assert parse_timezone("GMT+5") == 5 and parse_timezone("GMT-12") == -12 and parse_timezone("GMT+0") == 0
    assert parse_timezone("GMT+05") is None and parse_timezone("GMT+5:30") is None
    assert parse_timezone("CET") is None and parse_timezone("GMT+13") is None
    assert parse_date("07/28/2021") == "2021-07-28" and parse_date(dt.datetime(2021, 7, 28)) == "2021-07-28"
    assert parse_date("13/45/2021") is False and parse_date(None) is None
    assert parse_int(3) == 3 and parse_int(3.0) == 3 and parse_int("4") == 4 and parse_int(2.5) is None
    assert parse_int("x") is None and parse_int(True) is None
    assert parse_number(None) == 0 and parse_number("") == 0 and parse_number(2.5) == 2.5
    assert parse_number(" ") == 0  # only spaces: empty, as in every reader (xl_confsched.cells)
    assert parse_number("abc") is None and parse_number("nan") is None and parse_number("1e309") is None
    assert split_names("A, B") == ["A", "B"] and split_names(" A ,B,, ") == ["A", "B"] and split_names(None) == []


def test_tables_and_named_ranges_anywhere(tmp_path):
    """An input table moved to another sheet under a defined name is found, and messages name its cells."""
    from openpyxl import load_workbook
    from openpyxl.workbook.defined_name import DefinedName

    from xl_confsched.errors import InputError

    wb = load_workbook(example_workbook(tmp_path / "ex.xlsx"))
    rows = [list(r) for r in wb["similar tracks"].iter_rows(values_only=True)]
    del wb["similar tracks"]
    ws = wb.create_sheet("Matrices")
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            ws.cell(row=5 + i, column=3 + j, value=v)
    wb.defined_names["similar_tracks"] = DefinedName("similar_tracks", attr_text="Matrices!$C$5:$I$11")
    wb.save(tmp_path / "moved.xlsx")
    p, _ = read_problem_with_warnings(load_workbook_data(tmp_path / "moved.xlsx"))
    assert p.similar[(p.track_index["Scheduling"], p.track_index["Timetabling"])] == 20
    ws["E6"] = "very"  # row Scheduling (C6), column Routing (E)
    wb.save(tmp_path / "moved_bad.xlsx")
    with pytest.raises(InputError) as exc:
        read_problem_with_warnings(load_workbook_data(tmp_path / "moved_bad.xlsx"))
    assert [e.where for e in exc.value.errors] == ["Matrices!E6"]
