"""CSPLib solution files move both ways: read, write, read again — same schedule, same score."""

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.solution_io import load_solution, write_solution

CASES = [("exact", "GECCO20"), ("exact", "N2OR"), ("extended", "OR60F"), ("exact", "OR60F2")]


@pytest.mark.parametrize("model,name", CASES)
def test_round_trip(csplib_dir, tmp_path, model, name):
    problem = load_problem(csplib_dir / "instances" / f"{name}.xlsx")
    sched = load_solution(problem, csplib_dir / "solutions" / model / f"{name}.xlsx")
    ev = evaluate(problem, sched)
    out = tmp_path / "sol.xlsx"
    write_solution(problem, sched, out, ev)
    again = load_solution(problem, out)
    assert again.grid == sched.grid and again.cells == sched.cells
    assert evaluate(problem, again).total == ev.total
    wb = load_workbook(out)
    assert wb.sheetnames == ["sol", "violations"]
    v = wb["violations"]
    assert v["A1"].value == "Obj" and v["A2"].value == f"Final Objective = {ev.total}"
    assert v["B1"].value == "Evaluate Tracks|Sessions"
    # the slot grid starts at row S+3 with the first session's name in column A
    assert wb["sol"].cell(row=problem.S + 3, column=1).value == problem.sessions[0].name
    assert wb["sol"].cell(row=problem.S + 2, column=2).value is None  # blank separator row


def test_unknown_name_in_solution_names_the_cell(csplib_dir, tmp_path):
    from openpyxl import load_workbook as lw

    from xl_confsched.errors import InputError

    problem = load_problem(csplib_dir / "instances" / "N2OR.xlsx")
    wb = lw(csplib_dir / "solutions" / "exact" / "N2OR.xlsx")
    wb.worksheets[0]["B2"] = "No Such Track"
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as exc:
        load_solution(problem, tmp_path / "bad.xlsx")
    assert exc.value.errors[0].where.endswith("!B2") and "No Such Track" in exc.value.errors[0].message


def test_cli_check_text_and_json(csplib_dir):
    inst = csplib_dir / "instances" / "GECCO20.xlsx"
    sol = csplib_dir / "solutions" / "exact" / "GECCO20.xlsx"
    proc = subprocess.run([sys.executable, "-m", "xl_confsched.cli", "check", str(inst), str(sol)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "submission–session penalties" in proc.stdout and "6,100" in proc.stdout
    assert "Total" in proc.stdout and "6,298" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "xl_confsched.cli", "check", str(inst), str(sol), "--json"],
                          capture_output=True, text=True)
    data = json.loads(proc.stdout)["data"]
    assert data["total"] == 6298
    terms = {t["key"]: t for t in data["terms"]}
    assert terms["SS"]["penalty"] == 6100 and terms["SS"]["weight"] == 100 and terms["CONS"]["violations"] == 11


def test_check_report_has_every_active_terms_bound(csplib_dir):
    from xl_confsched.csplib.workflow import check_solution_file
    from xl_confsched.tables import load_workbook_data

    data = load_workbook_data(csplib_dir / "instances" / "GECCO20.xlsx")
    report = check_solution_file(data, csplib_dir / "solutions" / "exact" / "GECCO20.xlsx")
    rows = report.sheet("Achievement").blocks[0].rows
    header = rows[0]
    b, st = header.index("Best alone (bound)"), header.index("Status")
    active = [r for r in rows[1:-1] if not str(r[st]).startswith("off")]
    assert active and all(r[b] is not None for r in active)
    assert all(r[b] <= r[header.index("Weighted penalty")] for r in active)
