"""The cell functions: pure functions against the evaluator, and their xlwings call path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xl_confsched import udfs
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.results import ASSIGNMENT_COLUMNS, assignment_table_column
from xl_confsched.csplib.workflow import schedule_in_workbook
from xl_confsched.errors import InputError
from xl_confsched.tables import load_workbook_data

REPO = Path(__file__).resolve().parents[2]
C = {name: j for j, name in enumerate(ASSIGNMENT_COLUMNS)}


def table_values(problem, path):
    ws = load_workbook(path, data_only=True)["Schedule"]
    c0 = assignment_table_column(problem) + 1
    return [[ws.cell(r, c).value for c in range(c0, c0 + len(ASSIGNMENT_COLUMNS))] for r in range(1, problem.N + 2)]


def test_pure_functions_equal_the_evaluator(solved):
    problem, path = solved
    rows = table_values(problem, path)
    ev = evaluate(problem, schedule_in_workbook(problem, load_workbook_data(path))[0])
    assert udfs.score(problem, rows) == ev.total
    for t in ev.terms:
        want = t.penalty if t.active else 0
        assert udfs.term(problem, t.key, rows) == want
        assert udfs.term(problem, t.info.name, rows) == want
    lines = udfs.conflicts(problem, rows)
    assert len(lines) == max(1, len(ev.violations) + len(ev.misplaced) + len(ev.unscheduled))


def test_score_follows_a_hand_edit(solved):
    problem, path = solved
    rows = table_values(problem, path)
    before = udfs.score(problem, rows)
    # swap the sessions/rooms/slots of two talks of different tracks
    i = 1
    j = next(k for k in range(2, len(rows)) if rows[k][C["Track"]] != rows[i][C["Track"]]
             and rows[k][C["Slots"]] == rows[i][C["Slots"]])
    a, b = C["Session"], C["Time slot"] + 1
    rows[i][a:b], rows[j][a:b] = rows[j][a:b], rows[i][a:b]
    after = udfs.score(problem, rows)
    assert after != before or udfs.conflicts(problem, rows) != ["none"]
    assert any("another track's room" in line for line in udfs.conflicts(problem, rows))


def test_bad_ranges_and_names(solved):
    problem, path = solved
    rows = table_values(problem, path)
    with pytest.raises(ValueError, match="unknown term"):
        udfs.term(problem, "coffee breaks", rows)
    with pytest.raises(InputError):
        udfs.score(problem, [["a", "b"], [1, 2]])
    rows[3][C["Session"]] = "Sunday"
    with pytest.raises(InputError, match="Sunday"):
        udfs.score(problem, rows)
    # the cell shows a message, never a traceback
    assert str(udfs.confsched_score(rows, caller=None)).startswith("#CONFSCHED")


def test_udfs_through_xlwings_custom_function_call(solved):
    problem, path = solved
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial",
               PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "tests.excel.udf_call", str(path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["decorated"] is True  # xlwings' own decorators, not the no-op desktop stand-ins
    rows = table_values(problem, path)
    assert out["score"] == [[udfs.score(problem, rows)]]
    assert out["term"] == [[udfs.term(problem, "TZ", rows)]]
    assert out["conflicts"] == [[line] for line in udfs.conflicts(problem, rows)]  # one per row
    assert out["bad"][0][0].startswith("#CONFSCHED")
