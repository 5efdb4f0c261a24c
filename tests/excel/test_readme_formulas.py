"""The README's cell-function formulas, copied from the README, evaluate on a solved workbook.

Each ``=CONFSCHED_…(…)`` line of the README's Excel guide is parsed; ``Assignments[#All]`` is
resolved as Excel resolves a structured reference (the Excel Table of that name, header
included) in the workbook the tests solve; the functions' results equal the evaluator's.
"""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from xl_confsched import udfs
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.terms import find_term
from xl_confsched.csplib.workflow import schedule_in_workbook
from xl_confsched.tables import load_workbook_data

README = Path(__file__).resolve().parents[2] / "README.md"
FORMULA = re.compile(r"^\s+(=CONFSCHED_(\w+)\((.*)\))\s*$", re.M)


def structured(path: Path, ref: str) -> list[list]:
    m = re.fullmatch(r"(\w+)\[#All\]", ref.strip())
    assert m, f"the README uses {ref!r}; only Table[#All] is resolved here"
    wb = load_workbook(path, data_only=True)
    for ws in wb.worksheets:
        if m.group(1) in ws.tables:
            c1, r1, c2, r2 = range_boundaries(ws.tables[m.group(1)].ref)
            return [[ws.cell(r, c).value for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
    raise AssertionError(f"no Excel Table named {m.group(1)} in the solved workbook")


def arguments(text: str, path: Path) -> list:
    out = []
    for part in re.findall(r'"[^"]*"|[^,]+', text):
        part = part.strip()
        out.append(part[1:-1] if part.startswith('"') else structured(path, part))
    return out


def test_readme_formulas_evaluate_on_a_solved_workbook(solved):
    problem, path = solved
    formulas = FORMULA.findall(README.read_text(encoding="utf-8"))
    assert {name for _, name, _ in formulas} == {"SCORE", "TERM", "CONFLICTS"}, formulas
    ev = evaluate(problem, schedule_in_workbook(problem, load_workbook_data(path))[0])
    for text, name, args in formulas:
        values = arguments(args, path)
        if name == "SCORE":
            assert udfs.score(problem, *values) == ev.total, text
        elif name == "TERM":
            t = ev.term(find_term(values[0]).key)
            assert udfs.term(problem, *values) == (t.penalty if t.active else 0), text
        else:
            lines = udfs.conflicts(problem, *values)
            n = sum(len(t.violations) for t in ev.terms if t.active) + len(ev.misplaced) + len(ev.unscheduled)
            assert lines == ["none"] if n == 0 else len(lines) == n, text
