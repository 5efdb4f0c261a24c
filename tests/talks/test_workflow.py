"""Solve / Check / Clear on talk-survey workbooks, through the kinds registry and the CLI."""

from __future__ import annotations

from openpyxl import load_workbook

from xl_confsched.cli import main
from xl_confsched.kinds import SolveSettings, detect_kind, kind_by_name
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data
from xl_confsched.talks.generator import workbook_data
from xl_confsched.talks.reader import read_problem
from xl_confsched.talks.rules import evaluate
from xl_confsched.talks.template import _write
from xl_confsched.talks.workflow import read_schedule

from .helpers import small_rows

SETTINGS = SolveSettings(time_limit=5, threads=1)


def _solved_file(tmp_path, rows):
    src = _write(tmp_path / "in.xlsx", rows)
    data = load_workbook_data(src)
    kind = detect_kind(data)
    assert kind is not None and kind.name == "talks"
    report = kind.solve(data, SETTINGS)
    out = write_report_file(src, report, tmp_path / "out.xlsx", result_sheets=list(kind.result_sheets))
    return src, out, report


def test_solve_writes_registered_sheets_and_checks_back(tmp_path):
    rows = small_rows()
    src, out, report = _solved_file(tmp_path, rows)
    kind = kind_by_name("talks")
    assert set(report.sheet_names) == set(kind.result_sheets)
    wb = load_workbook(out)
    for name in rows:  # input sheets untouched
        assert list(next(wb[name].iter_rows(values_only=True)))[:len(rows[name][0])] == rows[name][0]
    data = load_workbook_data(out)
    problem, _ = read_problem(data)
    schedule, _ = read_schedule(problem, data)
    ev = evaluate(problem, schedule)
    assert ev.feasible and len(schedule) == problem.T
    assert ev.objective == report.objective
    checked = kind.check(data)
    assert checked.objective == report.objective


def test_check_reports_a_hand_edit_with_its_cell(tmp_path):
    _, out, _ = _solved_file(tmp_path, small_rows())
    wb = load_workbook(out)
    ws = wb["Talk Table"]
    # put the second talk where the first one is: same venue and start → double booking
    ws["D4"] = ws["D3"].value
    ws["E4"] = ws["E3"].value
    wb.save(out)
    report = kind_by_name("talks").check(load_workbook_data(out))
    assert "checked:" in report.status
    assert any(i.where.startswith("Talk Table!A") and "at the same time" in i.message for i in report.issues)


def test_impossible_hard_pairs_fall_back_with_the_talks_named(tmp_path):
    rows = small_rows(threshold=0)  # every pair with any interest is hard
    _, _, report = _solved_file(tmp_path, rows)
    msgs = " ".join(i.message for i in report.issues if i.where == "Weights")
    assert "cannot all be kept apart" in msgs and "timeslots" in msgs and "'" in msgs
    assert report.objective is not None  # still a schedule, with soft pairs


def test_cli_new_solve_check_clear(tmp_path, capsys):
    src = _write(tmp_path / "cli.xlsx", small_rows(seed=9))
    out = tmp_path / "cli_out.xlsx"
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "5", "--quiet"]) == 0
    assert "Talk Grid" in load_workbook(out).sheetnames
    assert main(["check", str(out)]) == 0
    assert "Checked the Talk Table" in capsys.readouterr().out
    assert main(["clear", str(out)]) == 0
    assert not {"Talk Grid", "Talk Table"} & set(load_workbook(out).sheetnames)
    assert main(["new", "--kind", "talks", "--example", str(tmp_path / "ex.xlsx")]) == 0


def test_cli_bad_input_names_cells(tmp_path, capsys):
    rows = small_rows()
    rows["Survey"][3][1] = "No such talk"
    src = _write(tmp_path / "bad.xlsx", rows)
    assert main(["solve", str(src), "--time-limit", "5"]) == 2
    err = capsys.readouterr().err
    assert "Survey!B4" in err and "Traceback" not in err


def test_generated_rows_as_workbook_data_solve():
    rows = small_rows(seed=4, threshold=None)
    report = kind_by_name("talks").solve(workbook_data(rows), SolveSettings(time_limit=6, model="pairs"))
    assert report.objective is not None


def test_soft_solve_with_a_second_core_search_keeps_the_best_scored_schedule():
    rows = small_rows(seed=4, threshold=None)
    data = workbook_data(rows)
    report = kind_by_name("talks").solve(data, SolveSettings(time_limit=14, seed=1))
    sheet = next(s for s in report.sheets if s.name == "Run")
    run = {r[0]: r[1] for b in sheet.blocks for r in b.rows if len(r) >= 2}  # the plain-words block has one column
    assert "Second-core search" not in run  # the background process ran and returned
    assert run["Schedule from"]
    assert float(run["Seconds"]) <= 14
    assert report.objective is not None and report.objective >= float(run["Lower bound"]) - 1e-6
