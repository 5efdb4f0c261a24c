"""The workbook round trip: template → solve → result sheets → check, and bad input."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook

from xl_confsched.cli import main
from xl_confsched.errors import InputError
from xl_confsched.kinds import SolveSettings, detect_kind
from xl_confsched.personal import workflow
from xl_confsched.personal.evaluate import evaluate
from xl_confsched.personal.generator import mapsp_like
from xl_confsched.personal.reader import read_problem
from xl_confsched.personal.template import blank_workbook, example_workbook
from xl_confsched.report import write_report_file
from xl_confsched.tables import Table, load_workbook_data

SETTINGS = SolveSettings(time_limit=30, seed=0)


def independent_attendance(problem, grid):
    """Σ over participants and timeslots of [some wanted talk runs then]."""
    return sum(1 for row in grid for p in problem.participants if p.wanted & {x for x in row if x is not None})


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    d = tmp_path_factory.mktemp("personal")
    src = example_workbook(d / "p.xlsx")
    data = load_workbook_data(src)
    report = workflow.solve(data, SETTINGS)
    out = write_report_file(src, report, d / "p_out.xlsx")
    return src, out, report


def test_example_is_detected_and_solved(solved):
    src, out, report = solved
    data = load_workbook_data(src)
    assert detect_kind(data).name == "personal"
    assert report.ok and report.status == "optimal"
    for name in ("Schedule", "Itineraries", "Chairs", "Achievement", "Run", "Status"):
        assert name in report.sheet_names
    problem, _ = read_problem(data)
    # the written grid, read back, is a complete timetable scored independently
    back = load_workbook_data(out)
    schedule, issues = workflow.read_schedule(back.get("Schedule"), problem)
    placed = sorted(x for row in schedule.grid for x in row if x is not None)
    assert placed == [x for x, t in enumerate(problem.talks) if not t.dummy]
    ev = evaluate(problem, schedule)
    assert ev.attendance == independent_attendance(problem, schedule.grid)
    assert report.objective == problem.upper_bound - ev.attendance
    assert not ev.presenter_clashes
    # every itinerary row sends the participant to a talk they ticked, in the right room and slot
    it = back.get("Itineraries")
    header = it.rows[1][:len(workflow.ITINERARY_HEADER)]  # the per-participant table sits to the right
    col = {h: j for j, h in enumerate(header) if h}
    names = {p.name: p for p in problem.participants}
    ids = {t.id: x for x, t in enumerate(problem.talks)}
    rooms = {r.name: i for i, r in enumerate(problem.rooms)}
    blocks = {b.name: b for b in problem.blocks}
    rows = [r for r in it.rows[2:] if r[0]]
    assert len(rows) == ev.attendance
    for r in rows:
        x = ids[r[col["Talk"]]]
        assert x in names[r[col["Participant"]]].wanted
        t = blocks[r[col["Block"]]].first + r[col["Slot"]] - 1
        assert schedule.grid[t][rooms[r[col["Room"]]]] == x


def test_check_scores_hand_edited_schedule(solved, tmp_path):
    src, out, report = solved
    wb = load_workbook(out)
    ws = wb["Schedule"]
    # swap the first two talks of the first timeslot row (row 3: header is on row 2)
    a, b = ws.cell(3, 7).value, ws.cell(3, 8).value
    ws.cell(3, 7).value, ws.cell(3, 8).value = b, a
    wb.save(tmp_path / "edited.xlsx")
    data = load_workbook_data(tmp_path / "edited.xlsx")
    problem, _ = read_problem(data)
    rep = workflow.check(data)
    assert rep.status == "checked" and "Schedule" not in rep.sheet_names
    schedule, _ = workflow.read_schedule(data.get("Schedule"), problem)
    ev = evaluate(problem, schedule)
    assert f"attend {ev.attendance} of the {problem.upper_bound}" in rep.summary
    assert f"{ev.hops} session hops" in rep.summary


def test_check_reports_unknown_talk_in_schedule(solved, tmp_path):
    src, out, report = solved
    wb = load_workbook(out)
    wb["Schedule"].cell(4, 7).value = "T999 — nonsense"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as e:
        workflow.check(load_workbook_data(tmp_path / "bad.xlsx"))
    assert "Schedule!G4" in str(e.value)


def test_check_without_schedule_summarises_inputs(tmp_path):
    rep = workflow.check(load_workbook_data(example_workbook(tmp_path / "e.xlsx")))
    assert rep.status == "checked" and "no Schedule sheet" in rep.summary


def _data(src):
    return load_workbook_data(src)


def test_bad_input_names_cells(tmp_path):
    src = example_workbook(tmp_path / "e.xlsx")
    data = _data(src)
    prof = data.get("Profiles")
    prof.rows[0][3] = "NOPE"  # unknown talk id as column header
    prof.rows[4][5] = "maybe"  # not a tick
    st = data.get("Structure")
    st.rows[2][5] = 2  # different number of parallel rooms
    data.get("Talks").rows[3][0] = data.get("Talks").rows[2][0]  # duplicate id
    with pytest.raises(InputError) as e:
        read_problem(data)
    msg = str(e.value)
    for ref in ("Profiles!D1", "Profiles!F5", "Structure!F3", "Talks!A4"):
        assert ref in msg, ref


def test_too_many_talks(tmp_path):
    data = _data(example_workbook(tmp_path / "e.xlsx"))
    talks = data.get("Talks")
    for i in range(5):
        talks.rows.append([f"X{i}", "extra", f"Q{i}", ""])
    with pytest.raises(InputError) as e:
        read_problem(data)
    assert "do not fit in the grid" in str(e.value)


def test_long_profiles_and_availability(tmp_path):
    data = _data(example_workbook(tmp_path / "e.xlsx"))
    wide = data.get("Profiles")
    long_rows = [["participant", "talk"]]
    for row in wide.rows[1:]:
        for j, v in enumerate(row[1:], start=1):
            if v == 1:
                long_rows.append([row[0], wide.rows[0][j]])
    problem_wide, _ = read_problem(data)
    data.tables["Profiles"] = Table("Profiles", long_rows)
    problem_long, _ = read_problem(data)
    want = {p.name: p.wanted for p in problem_wide.participants if p.wanted}
    assert {p.name: p.wanted for p in problem_long.participants if p.wanted} == want
    # availability: a day column marks every block of that day
    pres = problem_wide.talks[0].presenter
    data.tables["Availability"] = Table("Availability", [["presenter", "Monday"], [pres, "x"]])
    pb, _ = read_problem(data)
    assert pb.unavailable == {(0, b) for b, bs in enumerate(pb.blocks) if bs.day == "Monday"}
    data.tables["Availability"] = Table("Availability", [["presenter", "Someday"], [pres, "x"]])
    with pytest.raises(InputError) as e:
        read_problem(data)
    assert "Availability!B1" in str(e.value)


def test_blank_template_reports_missing_content(tmp_path):
    data = load_workbook_data(blank_workbook(tmp_path / "b.xlsx"))
    assert detect_kind(data).name == "personal"
    with pytest.raises(InputError):
        read_problem(data)


def test_cli_end_to_end_writes_ics(tmp_path, capsys):
    src = tmp_path / "p.xlsx"
    assert main(["new", "--kind", "personal", "--example", str(src)]) == 0
    out = tmp_path / "p_out.xlsx"
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "30", "--quiet"]) == 0
    ics = tmp_path / "p_out_itineraries.ics"
    assert ics.exists() and (tmp_path / "p_out_itineraries").is_dir()
    text = ics.read_text(encoding="utf-8")
    rows = [r for r in load_workbook_data(out).get("Itineraries").rows[2:] if r[0]]
    assert text.count("BEGIN:VEVENT") == len(rows)
    per = list((tmp_path / "p_out_itineraries").glob("*.ics"))
    assert len(per) == len({r[0] for r in rows})
    # input sheets are untouched
    before, after = load_workbook_data(src), load_workbook_data(out)
    for name in ("Talks", "Profiles", "Structure", "Rooms", "Availability"):
        assert before.get(name).rows == after.get(name).rows


def test_mapsp_generator_statistics():
    data = mapsp_like(0)
    problem, warnings = read_problem(data)
    assert sum(not t.dummy for t in problem.talks) == 88 and problem.n_talks == 90
    assert problem.n_timeslots == 30 and problem.n == 3
    assert sorted(b.k for b in problem.blocks) == [2] * 3 + [3] * 8
    ticks = [len(p.wanted) for p in problem.participants]
    assert len(ticks) == 120 and sum(1 for t in ticks if t) == 78
    assert problem.upper_bound == 1576 and max(ticks) <= 43 and min(t for t in ticks if t) >= 1
    presenters = {problem.talks[x].presenter for x, _ in problem.unavailable}
    assert len(presenters) == 13 and len({(x, problem.blocks[b].day) for x, b in problem.unavailable}) == 15


def test_same_input_same_schedule(tmp_path):
    """CBC's seed 0 means 'seed from the clock'; the solver calls pass a fixed nonzero seed."""
    data = load_workbook_data(example_workbook(tmp_path / "e.xlsx"))
    grids = []
    for _ in range(3):
        rep = workflow.solve(data, SETTINGS)
        grids.append(rep.sheet("Schedule").blocks[0].rows)
    assert grids[0] == grids[1] == grids[2]
