"""`xl-confsched solve` on the shipped example: inputs unchanged, result sheets, solution file, check agrees."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.solution_io import load_solution
from xl_confsched.csplib.template import example_workbook


def run(*args):
    return subprocess.run([sys.executable, "-m", "xl_confsched.cli", *map(str, args)], capture_output=True, text=True)


def test_solve_keeps_inputs_and_writes_results(tmp_path: Path):
    src = example_workbook(tmp_path / "example.xlsx")
    out = tmp_path / "solved.xlsx"
    proc = run("solve", src, "-o", out, "--time-limit", 20, "--json", "--quiet")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    before, after = load_workbook(src), load_workbook(out)
    for ws in before.worksheets:  # every input sheet's values unchanged
        assert [[c.value for c in r] for r in ws.iter_rows()] == \
            [[c.value for c in r] for r in after[ws.title].iter_rows(max_row=ws.max_row, max_col=ws.max_column)]
    assert {"Schedule", "Violations", "Achievement", "Run", "Live checks"} <= set(after.sheetnames)
    # the CSPLib solution file scores, by the independent evaluator, what the run reported
    problem = load_problem(src)
    sched = load_solution(problem, tmp_path / "solved_sol.xlsx")
    assert evaluate(problem, sched).total == result["objective"] == result["data"]["total"]
    # and Check on the written workbook (its Assignments table) agrees
    chk = json.loads(run("check", out, "--json").stdout)
    assert chk["objective"] == result["objective"]
    run_rows = {r[0]: r[1] for r in after["Run"].iter_rows(values_only=True) if r and r[0]}
    assert run_rows["Objective (evaluator)"] == result["objective"]
    assert run_rows["Status"] in ("optimal", "feasible")
    # the proven bound is in the JSON, the same as the Run sheet's, and below the evaluator's score
    bound = result["data"]["best_bound"]
    assert bound is not None and bound <= result["objective"] + 1e-6
    assert abs(float(run_rows["Lower bound (solver)"]) - bound) < 1e-6
