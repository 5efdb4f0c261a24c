"""The hard rules an organiser chose are stored in the workbook (Conference ▸ Settings writes the
hidden name ``xlcs_hard_rules``), and Solve and Check both follow them (issue 13 §1): Check
explains a split track or a double-booked presenter by the weight's cell when the chosen rules
allow it, and says nothing of the kind when they forbid it."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.solution_io import write_solution
from xl_confsched.csplib.template import example_workbook
from xl_confsched.csplib.workflow import check_solution_file, hard_rules_of
from xl_confsched.tables import WorkbookData, load_workbook_data

from .template_space import random_schedule


def _store(path: Path, value: str) -> None:
    wb = load_workbook(path)
    wb.defined_names["xlcs_hard_rules"] = DefinedName("xlcs_hard_rules", attr_text='"' + value + '"')
    wb.save(path)


def _split_schedule(problem):
    """A random schedule of the template's space that runs some track in two rooms of a session."""
    for seed in range(200):
        sched = random_schedule(problem, random.Random(seed), style="parallel")
        if evaluate(problem, sched).term("PAR").raw > 0:
            return sched
    raise AssertionError("no schedule with a track in parallel rooms found")


def test_stored_setting_is_read_from_the_file(tmp_path):
    src = example_workbook(tmp_path / "example.xlsx")
    assert hard_rules_of(load_workbook_data(src)) == "none"
    _store(src, "all")
    data = load_workbook_data(src)
    assert data.settings["hard_rules"] == "all"
    assert hard_rules_of(data) == "all"
    assert "xlcs_hard_rules" not in {k.lower() for k in data.tables}  # a setting, not a table


def test_without_a_stored_setting_check_follows_the_last_solve():
    from xl_confsched.tables import Table

    data = WorkbookData(tables={"Run": Table(sheet="Run", rows=[["Status", "feasible"], ["Hard rules", "presenters"]])})
    assert hard_rules_of(data) == "presenters"
    data.settings["hard_rules"] = "all"  # the organiser's current choice wins
    assert hard_rules_of(data) == "all"
    data.settings["hard_rules"] = "sometimes"  # not a choice: ignored
    assert hard_rules_of(data) == "presenters"


def test_check_explains_by_the_stored_hard_rules(tmp_path):
    src = example_workbook(tmp_path / "example.xlsx")
    problem = load_problem(src)
    sched = _split_schedule(problem)
    sol = tmp_path / "split_sol.xlsx"
    write_solution(problem, sched, sol)

    def why_column(report):
        sheet = next(s for s in report.sheets if s.name == "Violations")
        rows = [r for b in sheet.blocks for r in b.rows] if hasattr(sheet, "blocks") else sheet.rows
        header = next(r for r in rows if r and r[0] == "Term")
        col = header.index("Why it is allowed")
        return [str(r[col]) for r in rows if r and r[0] != "Term" and len(r) > col and r[col]]

    allowed = check_solution_file(load_workbook_data(src), sol)
    whys = why_column(allowed)
    assert any("parameters!E7" in w and "hard rules 'all'" in w for w in whys), whys
    status = next(s for s in allowed.sheets if s.name == "Status")
    assert "parameters!E7" in str(status)

    _store(src, "all")
    forbidden = check_solution_file(load_workbook_data(src), sol)
    assert not any("parameters!E7" in w for w in why_column(forbidden))
    # the score is the weights' either way
    assert forbidden.objective == allowed.objective == evaluate(problem, sched).total


def test_command_line_solve_uses_the_stored_setting(tmp_path):
    src = example_workbook(tmp_path / "example.xlsx")
    _store(src, "presenters")
    out = tmp_path / "solved.xlsx"
    proc = subprocess.run([sys.executable, "-m", "xl_confsched.cli", "solve", str(src), "-o", str(out),
                           "--time-limit", "20", "--quiet"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    run_rows = {r[0]: r[1] for r in load_workbook(out)["Run"].iter_rows(values_only=True) if r and r[0]}
    assert run_rows["Hard rules"] == "presenters"
    # the stored setting survives in the output, so the next Check and Solve agree
    assert load_workbook_data(out).settings["hard_rules"] == "presenters"
