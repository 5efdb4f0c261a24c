"""The ribbon's Python entry points, run through xlwings' remote engine on real workbooks."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table as XLTable

from tests.excel.remote import Workbook, book_json, open_json
from xl_confsched import excel
from xl_confsched.csplib.reader import read_problem
from xl_confsched.kinds import kind_by_name
from xl_confsched.report import Report
from xl_confsched.tables import load_workbook_data

REPO = Path(__file__).resolve().parents[2]
BUDGET_EXAMPLE = REPO / "workbook_templates" / "budget_example.xlsx"


def open_remote(path, extra_names: dict[str, str] | None = None):
    j = book_json(path)
    for name, value in (extra_names or {}).items():
        j["names"].append({"name": name, "sheet_index": None, "address": None, "book_scope": True,
                           "scope_sheet_name": None, "scope_sheet_index": None, "refers_to": value})
    before = [s["name"] for s in j["sheets"]]
    return open_json(j), before


def replay(book, before) -> Workbook:
    return Workbook.replay(before, book.json()["actions"])


# ----------------------------------------------------------------------------- reading

def test_read_book_matches_the_file_reader(remote_license, conference_example):
    book, _ = open_remote(conference_example)
    live = excel.read_book(book)
    from_file = load_workbook_data(conference_example)
    assert set(live.names()) == set(from_file.names())
    # same problem either way (times arrive as day fractions from a live book)
    a, b = read_problem(live), read_problem(from_file)
    assert a.name == conference_example.name  # the live book's name, not a path
    assert a.model_copy(update={"name": b.name}) == b
    for name in from_file.names():
        assert (live.get(name).origin_row, live.get(name).origin_col) == (1, 1)


def _move_submissions_to_table(src: Path, dst: Path, as_name: bool = False) -> tuple[int, int]:
    """The submissions table moved to sheet 'Input' at C5, as an Excel Table (or a defined name)."""
    wb = load_workbook(src)
    old = wb["submissions"]
    rows = [list(r) for r in old.iter_rows(values_only=True)]
    del wb["submissions"]
    ws = wb.create_sheet("Input")
    ws["A1"] = "Our talks (the Conference ribbon finds the table by its name)"
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ws.cell(row=5 + i, column=3 + j, value=v)
    from openpyxl.utils import get_column_letter
    last_col, last_row = get_column_letter(2 + len(rows[0])), 4 + len(rows)
    ref = f"C5:{last_col}{last_row}"
    if as_name:
        wb.defined_names["submissions"] = DefinedName("submissions", attr_text=f"Input!$C$5:${last_col}${last_row}")
    else:
        ws.add_table(XLTable(displayName="submissions", ref=ref))
    wb.save(dst)
    return 5, 3


@pytest.mark.parametrize("as_name", [False, True], ids=["excel-table", "named-range"])
def test_input_table_anywhere_keeps_its_cells(remote_license, conference_example, tmp_path, as_name):
    path = tmp_path / "moved.xlsx"
    _move_submissions_to_table(conference_example, path, as_name)
    # break one Track cell (row 3 of the table = second submission, column D)
    wb = load_workbook(path)
    wb["Input"]["D7"] = "No Such Track"
    wb.save(path)

    book, before = open_remote(path)
    data = excel.read_book(book)
    t = data.get("submissions")
    assert (t.sheet, t.origin_row, t.origin_col) == ("Input", 5, 3)
    assert t.rows[0][0] == "Reference"

    assert excel.check(book) is None  # bad input: no report
    out = replay(book, before)
    assert out.added == ["Status"] and not out.deleted
    links = [v for v in (out.value("Status", f"B{r}") for r in range(4, 40)) if isinstance(v, str)]
    assert any("'Input'!D7" in v and v.startswith("=HYPERLINK(") for v in links), links
    assert "problem" in out.alerts[-1]


# ----------------------------------------------------------------------------- solving

def test_solve_writes_results_next_to_inputs_and_never_touches_inputs(remote_license):
    book, before = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="10"'})
    report = excel.solve(book)
    assert report is not None and report.ok
    out = replay(book, before)
    kind = kind_by_name("budget")
    # inputs first, unchanged; every result sheet of the report after them, and Status
    assert out.sheets[:len(before)] == before
    assert out.added == [s.name for s in report.sheets if s.name != "Status"] + ["Status"]
    assert set(out.added) <= set(kind.result_sheets)
    assert not out.deleted
    assert all(name not in out.cells for name in before)  # no value written to an input sheet
    # the values written are the report's blocks, at their anchors
    first = report.sheets[0]
    block = first.blocks[0]
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string
    col, row = coordinate_from_string(block.anchor)
    got = out.cells[first.name][(row, column_index_from_string(col))]
    assert got == block.rows[0][0]
    msg = out.alerts[-1]
    assert "objective" in msg and report.status.split()[0] in msg and first.name in msg


def test_second_solve_replaces_results_in_place(remote_license, tmp_path):
    # a workbook that already holds results (and an organiser's own sheet after them)
    from xl_confsched.report import write_report_file
    from xl_confsched.kinds import SolveSettings

    kind = kind_by_name("budget")
    data = load_workbook_data(BUDGET_EXAMPLE)
    report = kind.solve(data, SolveSettings(time_limit=10))
    solved = tmp_path / "solved.xlsx"
    write_report_file(BUDGET_EXAMPLE, report, solved, result_sheets=list(kind.result_sheets))
    wb = load_workbook(solved)
    wb.create_sheet("My notes")
    wb.save(solved)

    book, before = open_remote(solved)
    assert excel.solve(book).ok
    out = replay(book, before)
    assert out.sheets == before  # same sheets, same order: each result replaced where it was
    # rewritten sheets are cleared and refilled in place (references to them survive), never deleted
    rewritten = [s for s in before if s in kind.result_sheets and s in out.cells]
    assert rewritten and sorted(out.cleared) == sorted(rewritten)
    assert not set(out.deleted) & set(rewritten)
    assert "My notes" not in out.deleted and "My notes" not in out.cells and "My notes" not in out.cleared


def test_failed_solve_keeps_previous_results(remote_license, tmp_path, monkeypatch):
    from xl_confsched.report import write_report_file
    from xl_confsched.kinds import SolveSettings

    kind = kind_by_name("budget")
    report = kind.solve(load_workbook_data(BUDGET_EXAMPLE), SolveSettings(time_limit=10))
    solved = tmp_path / "solved.xlsx"
    write_report_file(BUDGET_EXAMPLE, report, solved, result_sheets=list(kind.result_sheets))

    def no_schedule(data, settings):
        return Report(kind="budget", ok=False, status="infeasible", summary="nothing fits")

    monkeypatch.setattr(type(kind), "solve", lambda self, data, settings: no_schedule(data, settings))
    book, before = open_remote(solved)
    assert excel.solve(book).ok is False
    out = replay(book, before)
    assert out.cleared == ["Status"] and not out.deleted and not out.added  # only Status is rewritten
    assert "previous results were kept" in out.alerts[-1]


def test_cancelled_solve_writes_nothing(remote_license, monkeypatch):
    kind = kind_by_name("budget")

    def interrupted(self, data, settings):
        settings.progress("presolve")
        raise KeyboardInterrupt

    monkeypatch.setattr(type(kind), "solve", interrupted)
    book, before = open_remote(BUDGET_EXAMPLE)
    assert excel.solve(book) is None
    out = replay(book, before)
    assert not out.added and not out.deleted and not out.cells
    assert "cancelled" in out.alerts[-1]


def test_unknown_workbook_goes_to_status(remote_license, tmp_path):
    from openpyxl import Workbook as XLWorkbook

    wb = XLWorkbook()
    wb.active.title = "Talkz"
    wb.active["A1"] = "x"
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    book, before = open_remote(path)
    assert excel.solve(book) is None
    out = replay(book, before)
    assert out.added == ["Status"]
    text = " ".join(str(v) for v in out.cells["Status"].values())
    assert "Conference > New workbook" in text and "submissions" in text


# ----------------------------------------------------------------------------- settings, clear, new

def test_settings_round_trip(remote_license):
    book, _ = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="7.5"', "xlcs_solver": '="HiGHS"',
                                           "xlcs_model": '="exact"', "xlcs_hard_rules": '="All"'})
    s, issues = excel.settings_from_book(book)
    assert (s.time_limit, s.solver, s.model, issues) == (7.5, "highs", "exact", [])
    assert s.extra["hard_rules"] == "all"
    excel.save_settings(book, time_limit=3, solver="cbc")
    actions = [a for a in book.json()["actions"] if a["func"] in ("namesAdd", "setNameRefersTo")]
    assert any('="cbc"' in a["args"] for a in actions)
    s, _ = excel.settings_from_book(book)
    assert (s.time_limit, s.solver) == (3.0, "cbc")


def test_bad_setting_is_a_warning_not_a_crash(remote_license):
    book, _ = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="soon"', "xlcs_solver": '="gurobi"'})
    s, issues = excel.settings_from_book(book)
    assert (s.time_limit, s.solver) == (60.0, "cbc")
    assert len(issues) == 2 and all(i.severity == "warning" for i in issues)


def test_clear_results_removes_only_result_sheets(remote_license, tmp_path):
    from xl_confsched.report import write_report_file
    from xl_confsched.kinds import SolveSettings

    kind = kind_by_name("budget")
    report = kind.solve(load_workbook_data(BUDGET_EXAMPLE), SolveSettings(time_limit=10))
    solved = tmp_path / "solved.xlsx"
    write_report_file(BUDGET_EXAMPLE, report, solved, result_sheets=list(kind.result_sheets))
    book, before = open_remote(solved)
    removed = excel.clear_results(book)
    out = replay(book, before)
    assert set(removed) == set(out.deleted) == {s for s in before if s in kind.result_sheets}
    assert "Scenarios" in out.sheets  # an input sheet whose name looks like a result


@pytest.mark.parametrize("example", [False, True])
def test_new_workbook_writes_a_readable_template(tmp_path, example):
    p1 = excel.new_workbook("csplib", example=example, folder=tmp_path, open_book=False)
    p2 = excel.new_workbook("csplib", example=example, folder=tmp_path, open_book=False)
    assert p1 != p2 and p1.exists() and p2.exists()  # never overwrites
    data = load_workbook_data(p1)
    if example:
        assert read_problem(data).N > 0
    assert kind_by_name("csplib").name == "csplib"
    from xl_confsched.kinds import detect_kind
    assert detect_kind(data).name == "csplib"


def test_publish_writes_the_page_and_calendars_of_the_live_book(remote_license, tmp_path):
    """The Publish button: a solved conference workbook opened in the (remote) engine, published to a folder."""
    from xl_confsched.cli import main
    from xl_confsched.csplib.template import example_workbook

    src = example_workbook(tmp_path / "conf.xlsx")
    solved = tmp_path / "conf_solved.xlsx"
    assert main(["solve", str(src), "-o", str(solved), "--time-limit", "4", "--quiet"]) == 0
    book, before = open_remote(solved)
    written = excel.publish(book, folder=tmp_path / "site")
    assert written, replay(book, before).alerts
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    problem = read_problem(load_workbook_data(src))
    assert all(s.title in page for s in problem.submissions if s.title and "'" not in s.title)
    assert len(list((tmp_path / "site" / "rooms").glob("*.ics"))) == problem.R
    out = replay(book, before)
    assert "Published" in out.alerts[-1] and not out.added  # no sheet written


def test_publish_of_a_workbook_without_a_schedule_says_so_on_status(remote_license, conference_example, tmp_path):
    book, before = open_remote(conference_example)
    assert excel.publish(book, folder=tmp_path / "site") is None
    out = replay(book, before)
    assert "Status" in out.added and "problem" in out.alerts[-1]
    assert not (tmp_path / "site").exists()


# ----------------------------------------------------------------------------- errors in words

@pytest.mark.parametrize("entry", ["solve", "check", "start_solve"])
def test_an_unexpected_error_is_one_sentence_and_the_details_go_to_the_log(remote_license, monkeypatch, tmp_path,
                                                                          entry):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    kind = kind_by_name("budget")

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero in the budget model")

    monkeypatch.setattr(type(kind), "solve", broken)
    monkeypatch.setattr(type(kind), "check", broken)
    if entry == "start_solve":  # the book is read first: break the reading instead
        monkeypatch.setattr(excel, "_prepare", broken)
    book, before = open_remote(BUDGET_EXAMPLE)
    args = (str(tmp_path / "job"), book) if entry == "start_solve" else (book,)
    assert getattr(excel, entry)(*args) is None  # no exception reaches xlwings (no traceback box)
    out = replay(book, before)
    msg = out.alerts[-1]
    action = "Check" if entry == "check" else "Solve"
    assert msg.startswith(f"{action} stopped because of an unexpected error: division by zero in the budget model.")
    assert "Traceback" not in msg and "File \"" not in msg
    log = tmp_path / "state" / "xl_confsched" / "errors.log"
    assert str(log) in msg
    text = log.read_text()
    assert "Traceback" in text and "ZeroDivisionError" in text
    assert not out.added and not out.deleted  # nothing written into the book


def test_new_workbook_without_excel_is_said_in_words(tmp_path, monkeypatch, capsys):
    """Outside Excel (no calling book) a failure is printed as one sentence instead of raised."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert excel.new_workbook("no-such-kind", folder=tmp_path, open_book=False) is None
    err = capsys.readouterr().err
    assert err.startswith("New workbook stopped because of an unexpected error")
