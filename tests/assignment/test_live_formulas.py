"""The rule status table's live formulas, recalculated by LibreOffice, equal the independent evaluator:
on the solver's schedule and on hand edits of the Assignment Table (moves, swaps, unplaced items,
double bookings, a sorted table, a time typed as a time)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.excel.test_live_formulas import BANNED, recalc_many
from xl_confsched.assignment import examples as X
from xl_confsched.assignment import workflow
from xl_confsched.assignment.evaluate import evaluate
from xl_confsched.assignment.reader import read_problem
from xl_confsched.assignment.results import RULE_STATUS, TABLE
from xl_confsched.assignment.template import write
from xl_confsched.kinds import SolveSettings, kind_by_name
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data



def _solved(tmp: Path, name: str, rows) -> tuple[Path, object]:
    src = write(tmp / f"{name}.xlsx", rows)
    rep = workflow.solve(load_workbook_data(src), SolveSettings(time_limit=15))
    assert rep.ok
    out = write_report_file(src, rep, tmp / f"{name}_solved.xlsx",
                            result_sheets=list(kind_by_name("assignment").result_sheets))
    return out, read_problem(load_workbook_data(src))[0]


def _edits(p, path: Path, out: Path, seed: int) -> None:
    rng = random.Random(seed)
    wb = load_workbook(path)
    ws = wb[TABLE]
    rows = list(range(3, 3 + p.I))
    for _ in range(max(3, p.I // 5)):
        r = rng.choice(rows)
        what = rng.random()
        if what < 0.15:
            ws.cell(r, 2).value = None
            ws.cell(r, 3).value = None
        else:
            ws.cell(r, 2).value = rng.choice(p.places).name
            ws.cell(r, 3).value = rng.choice(p.slots).name
    if seed % 2:  # sort the table by place: the formulas find items by name
        body = [[ws.cell(r, c).value for c in range(1, ws.max_column + 1)] for r in rows]
        body.sort(key=lambda v: (str(v[1]), str(v[0])))
        for r, vals in zip(rows, body):
            for c, v in enumerate(vals, start=1):
                ws.cell(r, c).value = v
    wb.save(out)


CASES = {
    "baristas": X.baristas,
    "students": X.students,
    "generated": lambda: X.generated(n_items=30, n_places=3, n_slots=12, n_rules=30, seed=4),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every case solved, edited twice by hand, and all recalculated in one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("live")
    cases = []
    for name, fn in CASES.items():
        solved, p = _solved(tmp, name, fn())
        paths = [solved]
        for k in range(2):
            e = tmp / f"{name}_edit{k}.xlsx"
            _edits(p, solved, e, seed=k)
            paths.append(e)
        cases.append((name, p, paths))
    out_dir = tmp / "recalc"
    out_dir.mkdir()
    recalced = recalc_many([x for _, _, ps in cases for x in ps], out_dir)
    it = iter(recalced)
    return {name: (p, [(src, next(it)) for src in paths]) for name, p, paths in cases}


@pytest.mark.parametrize("name", list(CASES))
def test_live_amounts_equal_the_evaluator(recalculated, name):
    p, pairs = recalculated[name]
    formulas = [c.value for r in load_workbook(pairs[0][0])[RULE_STATUS].iter_rows() for c in r
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas and not [f for f in formulas if any(b in f.upper() for b in BANNED)]
    n_live = 0
    broken = 0
    for src, rc in pairs:
        schedule = workflow.read_schedule(p, load_workbook_data(src))
        ev = evaluate(p, schedule)
        ws = load_workbook(rc, data_only=True)[RULE_STATUS]
        live = load_workbook(src)[RULE_STATUS]
        for k, line in enumerate(ev.lines):
            r = 3 + k
            assert ws.cell(r, 1).value == line.text
            formula_cell = live.cell(r, 6).value
            if isinstance(formula_cell, str) and formula_cell.startswith("="):
                n_live += 1
                broken += line.result.amount > 0
                assert ws.cell(r, 6).value == pytest.approx(line.result.amount), (src.name, line.text)
                assert ws.cell(r, 5).value == ("held" if line.result.holds else "broken"), line.text
                assert ws.cell(r, 7).value == pytest.approx(line.weight * line.result.amount)
    assert n_live >= 3 * 4  # placing, counting and the settings are live in every workbook
    assert broken >= 2  # the hand edits break live rules: the comparison is not between zeros


def test_time_slots_typed_as_times(tmp_path):
    rows = X.talks(n_talks=10, n_slots=8, threshold=None, n_attendees=30)
    solved, p = _solved(tmp_path, "talks", rows)
    wb = load_workbook(solved)
    ws = wb[TABLE]
    ws.cell(3, 3).value = dt.time(10, 0)  # typed as a time in Excel
    ws.cell(3, 2).value = p.places[0].name
    e = tmp_path / "timed.xlsx"
    wb.save(e)
    out_dir = tmp_path / "rc"
    out_dir.mkdir()
    rc = recalc_many([e], out_dir)[0]
    ws = load_workbook(rc, data_only=True)[RULE_STATUS]
    col = 11  # helper block: Start # of the first item
    name_row = next(r for r in range(3, 3 + p.I) if ws.cell(r, col).value == p.items[0].name)
    assert ws.cell(name_row, col + 2).value == p.slot_index["10:00"] + 1
