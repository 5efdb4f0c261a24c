"""The Allocation sheet's live formulas, recalculated by LibreOffice, against the Python evaluation."""

from __future__ import annotations

import re
import shutil

import pytest
from openpyxl import load_workbook

from xl_confsched.budget.model import base_instance, evaluate
from xl_confsched.budget.problem import read_problem
from xl_confsched.tables import load_workbook_data
from tests.lo_recalc import recalc, require_soffice

from .helpers import block_rows, check_value, example, solve_file

# functions present in both Excel 2016 and LibreOffice
ALLOWED = {"SUM", "IF", "AND", "OR", "COUNTIF", "INT", "MAX", "TEXT", "ISNUMBER", "HYPERLINK"}


def _allocation(ws):
    header, rows, _ = block_rows(ws, "Conference")
    return header, [dict(zip(header, r)) for r in rows if r[0] != "Total"]


def test_formulas_use_only_portable_functions(tmp_path):
    out = tmp_path / "out.xlsx"
    solve_file(example(tmp_path), out)
    used = set()
    n_formulas = 0
    for ws in load_workbook(out).worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and v.startswith("="):
                    n_formulas += 1
                    used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", v))
    assert n_formulas > 50
    assert used <= ALLOWED, used - ALLOWED


def test_live_formulas_follow_hand_edits(tmp_path):
    require_soffice()
    src = example(tmp_path)
    out = tmp_path / "solved.xlsx"
    solve_file(src, out)
    problem, _ = read_problem(load_workbook_data(src))
    inst = base_instance(problem)

    # a hand edit: every flagship at the maximum of 8 (both budgets are overrun)
    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(out)
    ws = wb["Allocation"]
    header, _rows, hrow = block_rows(ws, "Conference")
    col = header.index("Attendees") + 1
    for i in range(inst.n):
        ws.cell(hrow + 1 + i, col).value = 8
    wb.save(edited)
    shutil.copy(out, tmp_path / "solved_copy.xlsx")

    for path, x in ((tmp_path / "solved_copy.xlsx", None), (edited, [8] * inst.n)):
        book = load_workbook(recalc(path, tmp_path / ("rc_" + path.stem)), data_only=True)
        ws = book["Allocation"]
        _h, rows = _allocation(ws)
        attendees = [r["Attendees"] for r in rows]
        if x is not None:
            assert attendees == x
        ev = evaluate(inst, attendees)
        for r, te, fee in zip(rows, inst.te_cost, inst.fee):
            assert r["T&E per person"] == pytest.approx(te)
            assert r["T&E spend"] == pytest.approx(r["Attendees"] * te)
            assert r["Registration spend"] == pytest.approx(r["Attendees"] * fee)
        assert check_value(ws, "Flagship attendees") == pytest.approx(ev.attendees)
        assert check_value(ws, "T&E spend") == pytest.approx(ev.te_spend)
        assert check_value(ws, "Remaining T&E") == pytest.approx(ev.remaining_te)
        assert check_value(ws, "Registration spend") == pytest.approx(ev.registration_spend)
        assert check_value(ws, "Remaining registration") == pytest.approx(ev.remaining_registration)
        assert check_value(ws, "Objective (Σ demand × attendees)") == pytest.approx(ev.objective)
        assert check_value(ws, "Feasible") == ("Yes" if ev.feasible else "No")
        assert check_value(ws, "Seat target met") == ("Yes" if ev.meets_seat_target else "No")
        assert check_value(ws, "Additional non-flagship seats") == ev.additional_seats
        binds = check_value(ws, "What binds")
        if x is None:
            assert ev.feasible and binds.startswith("nothing")
        else:
            assert not ev.feasible
            assert f"T&E is over budget by {-ev.remaining_te:,.0f}" in binds
            assert f"Registration is over budget by {-ev.remaining_registration:,.0f}" in binds
            assert "seat target is not met (40 seats)" in binds


def test_empty_optional_settings_stay_empty_in_formulas(tmp_path):
    """No maximum, no minimum and no seat target: the live check must not read them as 0."""
    require_soffice()
    from xl_confsched.budget import template
    from .helpers import example_kwargs

    budget = [(k, None if k in ("Minimum per flagship", "Maximum per flagship", "Flagship seat target") else v)
              for k, v in template.EXAMPLE_BUDGET]
    src = template.write_workbook(tmp_path / "open.xlsx", **example_kwargs(budget=budget, scenarios=[]))
    out = tmp_path / "open_solved.xlsx"
    report = solve_file(src, out)
    problem, _ = read_problem(load_workbook_data(src))
    inst = base_instance(problem)
    assert (inst.lo, inst.hi, inst.seat_target) == (0, None, None)
    book = load_workbook(recalc(out, tmp_path / "rc"), data_only=True)
    ws = book["Allocation"]
    _h, rows = _allocation(ws)
    ev = evaluate(inst, [r["Attendees"] for r in rows])
    assert ev.objective == pytest.approx(report.objective)
    assert all(r["Within bounds"] == "Yes" for r in rows)
    assert check_value(ws, "Seat target met") == "no target"
    assert check_value(ws, "Feasible") == "Yes"
    assert check_value(ws, "T&E spend") == pytest.approx(ev.te_spend)
