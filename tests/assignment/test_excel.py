"""The ribbon's Solve / Check / Clear / New on an assignment workbook, through xlwings' remote engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.excel.remote import Workbook, book_json, open_json
from xl_confsched import excel
from xl_confsched.kinds import SolveSettings, detect_kind, kind_by_name
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workbook_templates" / "assignment_example.xlsx"


@pytest.fixture
def remote_license(monkeypatch):
    """xlwings' remote engine (PRO, noncommercial licence) — for these tests only."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


def _open(path, names=None):
    j = book_json(path)
    for name, value in (names or {}).items():
        j["names"].append({"name": name, "sheet_index": None, "address": None, "book_scope": True,
                           "scope_sheet_name": None, "scope_sheet_index": None, "refers_to": value})
    return open_json(j), [s["name"] for s in j["sheets"]]


def test_solve_check_clear_through_the_ribbon(remote_license, tmp_path):
    kind = kind_by_name("assignment")
    book, before = _open(EXAMPLE, {"xlcs_time_limit": '="10"'})
    report = excel.solve(book)
    assert report is not None and report.ok
    out = Workbook.replay(before, book.json()["actions"])
    assert out.sheets[:len(before)] == before
    assert set(out.added) <= set(kind.result_sheets) and "Rule Status" in out.added
    assert all(name not in out.cells for name in before)  # inputs untouched
    # Check and Clear on the solved file
    solved = tmp_path / "solved.xlsx"
    write_report_file(EXAMPLE, kind.solve(load_workbook_data(EXAMPLE), SolveSettings(time_limit=10)), solved,
                      result_sheets=list(kind.result_sheets))
    book, before = _open(solved)
    assert excel.check(book) is not None
    book, before = _open(solved)
    removed = excel.clear_results(book)
    assert set(removed) == {s for s in before if s in kind.result_sheets}


def test_new_workbook_menu(tmp_path):
    for example in (False, True):
        p = excel.new_workbook("assignment", example=example, folder=tmp_path, open_book=False)
        assert detect_kind(load_workbook_data(p)).name == "assignment"
