"""Optional descriptive columns (Title, Authors, Abstract, Type, URL) in a conference workbook.

They are found by header anywhere from column H on (after the CSPLib columns), or on an
extra sheet "submission details" keyed by Reference; they never change the instance or
its score, and public instances with a Title column appended still read and score the same.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import DETAILS_SHEET, load_problem, read_problem_with_warnings
from xl_confsched.csplib.solution_io import load_solution
from xl_confsched.errors import InputError
from xl_confsched.tables import load_workbook_data

from .helpers import write_edited


def _strip_descriptive(rows):
    head = rows["submissions"][0]
    keep = [j for j, h in enumerate(head) if h not in ("Title", "Type", "URL")]
    rows["submissions"] = [[r[j] for j in keep] for r in rows["submissions"]]


def test_titles_after_the_room_columns_are_read_without_a_warning(tmp_path):
    problem, warnings = read_problem_with_warnings(load_workbook_data(write_edited(tmp_path, lambda r: None)))
    assert problem.submissions[problem.find_submission("SCH01")].title == "Fifty years of scheduling: a keynote"
    assert problem.submissions[problem.find_submission("TIM01")].type == "Tutorial"
    assert problem.submissions[problem.find_submission("TIM01")].url.startswith("https://")
    assert not [w for w in warnings if "column" in w.message.lower()], warnings


def test_descriptive_columns_do_not_change_the_instance_or_its_score(tmp_path):
    with_titles = load_problem(write_edited(tmp_path, lambda r: None, "a.xlsx"))
    without = load_problem(write_edited(tmp_path, _strip_descriptive, "b.xlsx"))
    assert all(s.title is None for s in without.submissions)
    strip = {"title", "type", "url", "authors", "abstract"}
    assert [s.model_dump(exclude=strip) for s in with_titles.submissions] == \
        [s.model_dump(exclude=strip) for s in without.submissions]


def test_a_title_column_among_the_penalty_columns_reads_with_a_warning_about_the_checker(tmp_path):
    def move_title_to_h(rows):
        head = rows["submissions"][0]
        j = head.index("Title")
        for r in rows["submissions"]:
            r.insert(7, r.pop(j))

    problem, warnings = read_problem_with_warnings(load_workbook_data(write_edited(tmp_path, move_title_to_h)))
    assert problem.submissions[0].title
    assert any(w.where == "submissions!H1" and "checker" in w.message for w in warnings), warnings


def test_other_headers_warn_when_the_penalty_columns_are_complete_and_fail_when_one_is_missing(tmp_path):
    def extra(rows):
        rows["submissions"][0].append("Keywords")
        for r in rows["submissions"][1:]:
            r.append("x")

    _, warnings = read_problem_with_warnings(load_workbook_data(write_edited(tmp_path, extra, "k.xlsx")))
    assert any("Keywords" in w.message and "not used" in w.message for w in warnings)

    def typo(rows):  # a misspelt session header is still an error, naming the cell
        rows["submissions"][0][7] = "Mon  AM"

    with pytest.raises(InputError) as err:
        read_problem_with_warnings(load_workbook_data(write_edited(tmp_path, typo, "t.xlsx")))
    assert any(i.where == "submissions!H1" and "Title" in i.message for i in err.value.errors)


def test_a_details_sheet_keyed_by_reference_fills_the_titles(tmp_path):
    def details(rows):
        _strip_descriptive(rows)
        rows[DETAILS_SHEET] = [["Reference", "Title", "Authors", "Abstract"],
                               ["ENE02", "Battery storage", "W. Li, A. Lovelace", "Storage <b>bids</b>."],
                               ["NOPE1", "Who?", None, None]]

    with pytest.raises(InputError) as err:
        read_problem_with_warnings(load_workbook_data(write_edited(tmp_path, details, "d.xlsx")))
    assert [i.where for i in err.value.errors] == [f"{DETAILS_SHEET}!A3"]

    def good(rows):
        details(rows)
        rows[DETAILS_SHEET].pop()

    problem = load_problem(write_edited(tmp_path, good, "g.xlsx"))
    sub = problem.submissions[problem.find_submission("ENE02")]
    assert (sub.title, sub.authors, sub.abstract) == ("Battery storage", "W. Li, A. Lovelace", "Storage <b>bids</b>.")


def test_a_public_instance_with_a_title_column_appended_scores_as_before(csplib_dir, tmp_path):
    inst = csplib_dir / "instances" / "N2OR.xlsx"
    sols = sorted((csplib_dir / "solutions").glob("*/N2OR*.xlsx"))
    if not sols:
        pytest.skip("no N2OR reference solution")
    before = load_problem(inst)
    wb = load_workbook(inst)
    ws = wb["submissions"]
    col = ws.max_column + 1
    ws.cell(1, col).value = "Title"
    ws.cell(1, col + 1).value = "Authors"
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value:
            ws.cell(r, col).value = f"Talk {ws.cell(r, 1).value}"
            ws.cell(r, col + 1).value = "A. Author, B. Author"
    edited = tmp_path / "N2OR_titles.xlsx"
    wb.save(edited)
    after, warnings = read_problem_with_warnings(load_workbook_data(edited))
    assert not [w for w in warnings if "Title" in w.message or "Authors" in w.message]
    assert all(s.title == f"Talk {s.ref}" for s in after.submissions)
    for sol in sols:
        sched = load_solution(before, sol)
        assert evaluate(after, load_solution(after, sol)).total == evaluate(before, sched).total
