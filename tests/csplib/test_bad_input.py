"""Every kind of bad input is reported together, each naming the sheet, the cell and what to do."""

import subprocess
import sys

import pytest

from xl_confsched.csplib.reader import read_problem_with_warnings
from xl_confsched.errors import InputError
from xl_confsched.tables import load_workbook_data

from .helpers import col, write_edited


def errors_of(path):
    with pytest.raises(InputError) as exc:
        read_problem_with_warnings(load_workbook_data(path))
    return exc.value.errors


def only(errors, where):
    hits = [e for e in errors if e.where == where]
    assert hits, f"no message for {where}; got {[str(e) for e in errors]}"
    return hits[0].message


def test_missing_sheet(tmp_path):
    errs = errors_of(write_edited(tmp_path, lambda r: r.pop("rooms")))
    msg = only(errs, "rooms")
    assert "missing" in msg and "'rooms'" in msg


def test_missing_column(tmp_path):
    def edit(r):
        r["submissions"][0][1] = "Topic"  # the Track header
    errs = errors_of(write_edited(tmp_path, edit))
    assert "Track" in only(errs, "submissions!B1")


def test_missing_chairs_column(tmp_path):
    def edit(r):
        r["tracks"] = [[row[0]] for row in r["tracks"]]
    errs = errors_of(write_edited(tmp_path, edit))
    assert "Chairs" in only(errs, "tracks!B1")


def test_unknown_track_room_session_names(tmp_path):
    def edit(r):
        r["submissions"][3][1] = "Robotics"  # unknown track, row 4
        r["tracks_rooms|penalty"][0][2] = "Room Z"  # unknown room label, C1
        r["tracks_sessions|penalty"][0][1] = "Wed AM"  # unknown session label, B1
    errs = errors_of(write_edited(tmp_path, edit))
    assert "unknown track 'Robotics'" in only(errs, "submissions!B4")
    assert "'Room Z' is not a room name" in only(errs, "tracks_rooms|penalty!C1")
    assert "'Wed AM' is not a session name" in only(errs, "tracks_sessions|penalty!B1")


def test_duplicate_reference(tmp_path):
    def edit(r):
        r["submissions"][5][0] = r["submissions"][2][0]
    errs = errors_of(write_edited(tmp_path, edit))
    msg = only(errs, "submissions!A6")
    assert "duplicate reference" in msg and "submissions!A3" in msg


def test_bad_time_slots(tmp_path):
    def edit(r):
        r["submissions"][2][2] = 1.5  # non-integer
        r["submissions"][3][2] = -1  # negative
        r["submissions"][4][2] = 9  # more than any session has (4)
        r["sessions"][2][1] = "four"
    errs = errors_of(write_edited(tmp_path, edit))
    assert "whole number" in only(errs, "submissions!C3")
    assert "whole number" in only(errs, "submissions!C4")
    assert "longest session has 4" in only(errs, "submissions!C5")
    assert "Max Number of Timeslots" in only(errs, "sessions!B3")


def test_bad_time_and_timezone(tmp_path):
    def edit(r):
        r["sessions"][1][3] = "nine thirty"
        r["submissions"][6][4] = "CET"
        r["parameters"][3][1] = "later"  # B4
    errs = errors_of(write_edited(tmp_path, edit))
    assert "start time" in only(errs, "sessions!D2")
    assert "GMT+n" in only(errs, "submissions!E7")
    assert "suitable times" in only(errs, "parameters!B4")


def test_weight_not_a_number(tmp_path):
    def edit(r):
        r["parameters"][12][4] = "high"  # E13, presenter conflicts
        r["parameters"][3][4] = 2.5  # E4
    errs = errors_of(write_edited(tmp_path, edit))
    assert "presenter conflicts" in only(errs, "parameters!E13")
    assert "whole number" in only(errs, "parameters!E4")


def test_penalty_not_a_number(tmp_path):
    def edit(r):
        r["similar tracks"][1][3] = "lots"
        r["submissions"][2][col(r["submissions"], "Room B")] = "x"
    errs = errors_of(write_edited(tmp_path, edit))
    assert "not a number" in only(errs, "similar tracks!D2")
    assert "not a number" in only(errs, "submissions!M3")  # A..G, 4 sessions H..K, Aula L, Room B M


def test_all_problems_reported_together(tmp_path):
    def edit(r):
        r["submissions"][3][1] = "Robotics"
        r["submissions"][4][2] = "two"
        r["submissions"][6][4] = "GMT+25"
        r["parameters"][12][4] = "high"
        r["sessions"][1][4] = "late"
    errs = errors_of(write_edited(tmp_path, edit))
    assert {e.where for e in errs} >= {"submissions!B4", "submissions!C5", "submissions!E7", "parameters!E13",
                                        "sessions!E2"}


def test_capacity_and_empty_track(tmp_path):
    def edit(r):
        r["tracks"].append(["Quantum", None])
        for m in ("tracks_sessions|penalty", "tracks_rooms|penalty"):
            r[m].append(["Quantum"] + [None] * (len(r[m][0]) - 1))
        r["similar tracks"].append(["Quantum"] + [None] * (len(r["similar tracks"][0]) - 1))
        for row in r["submissions"][1:]:
            row[2] = 2
    errs = errors_of(write_edited(tmp_path, edit))
    assert "no submissions" in only(errs, "tracks!A8")
    assert "sessions offer" in only(errs, "sessions")


def test_surprising_rules_are_warnings_naming_the_cell(tmp_path):
    def edit(r):
        r["similar tracks"][3][1] = 7  # below the diagonal: row 3 (Healthcare), column 1 (Scheduling)
        r["submissions"][2][3] = None  # empty Order
        r["parameters"][4][4] = -3  # E5 negative weight
    path = write_edited(tmp_path, edit)
    problem, warnings = read_problem_with_warnings(load_workbook_data(path))
    where = {w.where: w.message for w in warnings}
    assert "below the diagonal" in where["similar tracks!B4"]
    assert "Order cell is empty" in where["submissions!D3"]
    assert "negative" in where["parameters!E5"]
    assert problem.submissions[1].order is None
    assert not problem.active("SIM")


def test_cli_reports_bad_input_without_traceback(tmp_path):
    path = write_edited(tmp_path, lambda r: r["submissions"][3].__setitem__(1, "Robotics"))
    proc = subprocess.run([sys.executable, "-m", "xl_confsched.cli", "check", str(path)], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert "submissions!B4" in proc.stderr and "unknown track 'Robotics'" in proc.stderr
    assert "Traceback" not in proc.stderr
