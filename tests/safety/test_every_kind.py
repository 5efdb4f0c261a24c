"""Issue 17 §2 and §4 for every kind: the tool reads what it wrote when inputs are formulas, and text
from the inputs stays text in every output (workbook, _sol.xlsx, calendars, the live Excel book)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xl_confsched.kinds import kind_by_name
from xl_confsched.tables import load_workbook_data

from .helpers import KINDS, cli, example, no_traceback

FAST = ["--time-limit", "5", "--quiet"]
READERS = {
    "csplib": ("xl_confsched.csplib.reader", "read_problem_with_warnings"),
    "talks": ("xl_confsched.talks.reader", "read_problem"),
    "personal": ("xl_confsched.personal.reader", "read_problem"),
    "budget": ("xl_confsched.budget.problem", "read_problem"),
    "assignment": ("xl_confsched.assignment.reader", "read_problem"),
}


def problem_of(kind: str, path: Path):
    """The validated problem the kind's reader makes of the workbook at ``path`` (as plain data)."""
    import importlib

    mod, fn = READERS[kind]
    problem = getattr(importlib.import_module(mod), fn)(load_workbook_data(path))[0]
    if hasattr(problem, "model_dump"):
        dump = problem.model_dump()
    else:
        import dataclasses

        dump = dataclasses.asdict(problem)
    dump.pop("name", None)  # the csplib problem carries the file's name
    return _comparable(dump)


def _comparable(x):
    """Plain data with functions (a parsed rule's closures) replaced by their names."""
    if isinstance(x, dict):
        return {k: _comparable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_comparable(v) for v in x]
    if isinstance(x, (set, frozenset)):
        return sorted((_comparable(v) for v in x), key=repr)
    if callable(x):
        return f"<function {getattr(x, '__qualname__', '?')}>"
    return x


def formulas_for_inputs(path: Path, kind: str) -> int:
    """Turn every number and every (short) text of the kind's input sheets, below their first row, into a
    formula giving the same value — `=12*1`, `="Ann Lee"` — as an organiser's linked workbook has."""
    wb = load_workbook(path)
    inputs = {s.casefold() for s in _input_sheets(kind)}
    n = 0
    for ws in wb.worksheets:
        if ws.title.casefold() not in inputs:
            continue
        for row in ws.iter_rows(min_row=2):
            for c in row:
                v = c.value
                if isinstance(v, bool) or v is None:
                    continue
                if isinstance(v, (int, float)):
                    c.value = f"={v!r}*1"
                elif isinstance(v, str) and 0 < len(v) < 200 and not v.startswith("="):
                    c.value = '="' + v.replace('"', '""') + '"'
                else:
                    continue
                n += 1
    wb.save(path)
    return n


def _input_sheets(kind: str) -> list[str]:
    import importlib

    k = kind_by_name(kind)
    try:
        sheets = list(importlib.import_module(k.module.rsplit(".", 1)[0] + ".reader").SHEETS)
    except (ImportError, AttributeError):
        sheets = []
    if kind == "personal":
        sheets = ["Talks", "Profiles", "Structure", "Rooms", "Availability"]
    if kind == "budget":
        from xl_confsched.budget.problem import INPUT_SHEETS
        sheets = list(INPUT_SHEETS)
    return sheets + list(k.signature)


@pytest.fixture(scope="module")
def formula_books(tmp_path_factory):
    """Each kind's example with its inputs as formulas, saved by LibreOffice (values cached, as Excel does)."""
    from tests.lo_recalc import recalc

    folder = tmp_path_factory.mktemp("formulas")
    out = {}
    for kind in KINDS:
        plain = example(kind, folder, f"{kind}_plain.xlsx")
        src = example(kind, folder, f"{kind}_formulas_openpyxl.xlsx")
        assert formulas_for_inputs(src, kind) > 10
        calc = recalc(src, folder / "calc")
        target = folder / f"{kind}_formulas.xlsx"
        shutil.move(calc, target)
        out[kind] = (plain, target)
    return out


@pytest.mark.parametrize("kind", KINDS)
def test_formula_inputs_read_the_same_after_every_write(formula_books, tmp_path, kind):
    plain, src = formula_books[kind]
    want = problem_of(kind, plain)
    assert problem_of(kind, src) == want, "the formulas' cached values are the example's values"
    assert sum(1 for ws in load_workbook(src) for row in ws.iter_rows() for c in row if c.data_type == "f") > 10
    solved = tmp_path / "solved.xlsx"
    r = cli("solve", src, "-o", solved, *FAST)
    assert r.code == 0, str(r)
    assert problem_of(kind, solved) == want  # solve -o
    checked = tmp_path / "checked.xlsx"
    assert cli("check", solved, "-o", checked).code == 0
    assert problem_of(kind, checked) == want  # check -o
    assert cli("clear", checked).code == 0
    assert problem_of(kind, checked) == want  # clear (in place)
    again = tmp_path / "again.xlsx"
    r = cli("solve", solved, "-o", again, *FAST)  # solve what solve wrote
    assert r.code == 0, str(r)
    assert problem_of(kind, again) == want
    assert "no calculated value" not in r.text
    # the inputs are still the organiser's formulas
    f_src = load_workbook(src)
    f_again = load_workbook(again)
    for name in f_src.sheetnames:
        if name in f_again.sheetnames and name.casefold() in {s.casefold() for s in _input_sheets(kind)}:
            a = [[c.value for c in row] for row in f_src[name].iter_rows()]
            b = [[c.value for c in row] for row in f_again[name].iter_rows()]
            assert a == b, name


def test_uncalculated_formulas_are_named(tmp_path):
    """A file saved by a program that does not calculate (openpyxl here): the formulas read as empty — say so."""
    src = example("budget", tmp_path)
    formulas_for_inputs(src, "budget")
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2
    assert "no calculated value" in r.err and "Open and save it in Excel or LibreOffice" in r.err


# ------------------------------------------------------------------------------------------ text stays text

PAYLOADS = ['=HYPERLINK("http://example.com/x","click")', '=WEBSERVICE("http://example.com/y")', "@SUM(1+1)*cmd",
            "+cmd|' /C calc'!A0", "-2+3+example", "=1+1"]
MARK = ("example.com", "WEBSERVICE", "cmd|", "@SUM", "+example")


def rename_everywhere(path: Path, mapping: dict[str, str]) -> None:
    """Rename names in every cell that holds exactly the name, or holds it in a comma-separated list."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                v = c.value.strip()
                if v in mapping:
                    new = mapping[v]
                elif "," in v and any(p.strip() in mapping for p in v.split(",")):
                    new = ", ".join(mapping.get(p.strip(), p.strip()) for p in v.split(","))
                else:
                    continue
                c.value = new
                c.data_type = "s"
    wb.save(path)


def hostile_names(kind: str, path: Path) -> dict[str, str]:
    """Names of the example to replace by formula-like text (each used consistently everywhere)."""
    wb = load_workbook(path, data_only=True)

    def col(sheet: str, j: int, first: int = 2, n: int = 2) -> list[str]:
        ws = wb[sheet]
        return [ws.cell(r, j).value for r in range(first, first + n)]

    if kind == "csplib":
        people = [p.strip() for p in str(wb["submissions"].cell(2, 6).value).split(",")]
        names = col("tracks", 1, n=2) + col("rooms", 1, n=1) + col("submissions", 1, n=2) + people[:1]
    elif kind == "talks":
        names = col("Talks", 1, n=2) + col("Talks", 2, n=1) + col("Venues", 1, n=1) + col("Attendees", 1, n=2)
    elif kind == "personal":
        names = col("Talks", 2, n=2) + col("Profiles", 1, first=3, n=2) + col("Rooms", 1, n=1)
    elif kind == "budget":
        names = col("Flights", 1, first=4, n=2) + col("Strategies", 1, first=4, n=2)
    else:  # item names (places and slots are named in the rules' sentences)
        names = col("Items", 1, n=3)
    names = [n for n in names if isinstance(n, str) and n.strip()]
    return {n.strip(): PAYLOADS[i % len(PAYLOADS)] + f" #{i}" for i, n in enumerate(dict.fromkeys(names))}


def formula_cells_with(path: Path, needles) -> list[str]:
    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f" and any(n in str(c.value) for n in needles)]


def text_cells_with(path: Path, needles) -> list[str]:
    wb = load_workbook(path)
    return [c.value for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "s" and isinstance(c.value, str) and any(n in c.value for n in needles)]


@pytest.mark.parametrize("kind", KINDS)
def test_text_from_the_inputs_is_never_a_formula_in_any_output(tmp_path, kind):
    src = example(kind, tmp_path)
    mapping = hostile_names(kind, src)
    assert len(mapping) >= 3
    rename_everywhere(src, mapping)
    out = tmp_path / "out.xlsx"
    r = cli("solve", src, "-o", out, *FAST)
    assert r.code == 0, str(r)
    tags = [v.rsplit(" #", 1)[1] for v in mapping.values()]
    needles = [f" #{t}" for t in tags]
    files = [out] + sorted(tmp_path.glob("out_*.xlsx"))
    for f in files:
        assert formula_cells_with(f, MARK) == [], f"input text became a formula in {f.name}"
        wb = load_workbook(f)
        for ws in wb:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        assert not any(n in str(c.value) for n in needles), (f.name, ws.title, c.coordinate)
    shown = text_cells_with(out, needles)
    assert shown, "the renamed names appear in the results, as text"
    assert all(any(s.startswith(p) for p in PAYLOADS) or "#" in s for s in shown)
    # … and exactly as the organiser typed them (the quote prefix is not part of the value)
    assert any(v in s for v in mapping.values() for s in shown)
    # a check of the written workbook reads the same names again
    r = cli("check", out)
    assert r.code == 0, str(r)
    for cal in tmp_path.rglob("*.ics"):
        text = cal.read_text(encoding="utf-8")
        assert "BEGIN:VCALENDAR" in text  # calendars are text files: the names are escaped text there


def test_status_links_quote_sheet_names_from_the_inputs():
    from xl_confsched.errors import InputIssue
    from xl_confsched.report import Formula, status_sheet

    sheet = status_sheet([InputIssue('Bad"); =CALL("x!A1', "boom", "warning"),
                          InputIssue("it's\"sheet!B2", "message =1+1", "warning")])
    rows = sheet.blocks[0].rows
    link = rows[2][1]
    assert isinstance(link, Formula)
    assert link == '=HYPERLINK("#\'it\'\'s""sheet\'!B2","it\'s""sheet!B2")'
    # the quotes a sheet name brings are doubled: it stays inside the link's string literals
    assert rows[1][1] == '=HYPERLINK("#\'Bad""); =CALL(""x\'!A1","Bad""); =CALL(""x!A1")'
    assert not isinstance(rows[2][2], Formula)  # the message is text
    no_cell = status_sheet([InputIssue("Weights!not a cell", "m", "warning")]).blocks[0].rows[1][1]
    assert not isinstance(no_cell, Formula)


def test_the_live_excel_book_gets_input_text_as_text(tmp_path, monkeypatch):
    """The xlwings write path follows the same rule: Excel is handed a leading apostrophe."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from tests.excel.remote import Workbook, book_json, open_json
    from xl_confsched import excel

    src = example("budget", tmp_path)
    mapping = hostile_names("budget", src)
    rename_everywhere(src, mapping)
    j = book_json(src)
    j["names"].append({"name": "xlcs_time_limit", "sheet_index": None, "address": None, "book_scope": True,
                       "scope_sheet_name": None, "scope_sheet_index": None, "refers_to": '="5"'})
    book = open_json(j)
    report = excel.solve(book)
    assert report is not None and report.ok
    sent = [v for a in book.json()["actions"] if a["func"] == "setValues" for row in a["values"] for v in row
            if isinstance(v, str)]
    hostile = [v for v in sent if any(p in v for p in mapping.values())]
    assert hostile, "the renamed names are written to the result sheets"
    assert all(v.startswith("'") for v in hostile), [v for v in hostile if not v.startswith("'")]
    ours = [v for v in sent if v.startswith("=")]
    assert ours and all(not any(m in v for m in MARK[:3]) for v in ours)
    replayed = Workbook.replay([s["name"] for s in j["sheets"]], book.json()["actions"])
    assert any(v in str(replayed.cells) for v in mapping.values())
