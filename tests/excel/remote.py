"""Drive the Excel entry points through xlwings' remote engine (no Excel needed).

``remote_book(path)`` turns a real ``.xlsx`` into the book JSON an xlwings client
sends (sheet values anchored at A1, the used range's address, Excel Tables, defined
names) and opens it with ``xw.Book(json=...)``.  After an entry point has run,
``book.json()["actions"]`` holds what xlwings would ask Excel to do;
:class:`Workbook` replays the sheet-level actions (add / delete sheet, set values)
so that tests can assert on the resulting sheet names and cell values.

The remote engine is part of xlwings PRO: the tests set ``XLWINGS_LICENSE_KEY`` to
``noncommercial`` for themselves only (fixture ``remote_license``); the desktop code
path the users run does not need it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second) / 86400
    if isinstance(v, bool) or isinstance(v, (int, float, str)):
        return v
    return str(v)


def _address(min_row: int, min_col: int, max_row: int, max_col: int) -> str:
    a = f"{get_column_letter(min_col)}{min_row}"
    b = f"{get_column_letter(max_col)}{max_row}"
    return a if a == b else f"{a}:{b}"


def book_json(path: str | Path, name: str | None = None) -> dict[str, Any]:
    """The JSON an xlwings client would send for the workbook at ``path`` (cached values)."""
    import xlwings as xw
    from openpyxl.utils.cell import range_boundaries

    path = Path(path)
    wb = load_workbook(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        max_row, max_col = ws.max_row, ws.max_column
        values = [[_json_value(ws.cell(r, c).value) for c in range(1, max_col + 1)] for r in range(1, max_row + 1)]
        empty = all(v == "" for row in values for v in row)
        used = None
        if not empty:
            used = _address(ws.min_row, ws.min_column, max_row, max_col)
        tables = []
        for t in ws.tables.values():
            c1, r1, c2, r2 = range_boundaries(t.ref)
            header_rows = t.headerRowCount if t.headerRowCount is not None else 1
            totals = bool(t.totalsRowCount)
            tables.append({
                "name": t.displayName,
                "range_address": t.ref,
                "header_row_range_address": _address(r1, c1, r1, c2) if header_rows else None,
                "data_body_range_address": _address(r1 + header_rows, c1, r2 - (1 if totals else 0), c2),
                "total_row_range_address": _address(r2, c1, r2, c2) if totals else None,
                "show_headers": bool(header_rows),
                "show_totals": totals,
                "table_style": t.tableStyleInfo.name if t.tableStyleInfo else "",
                "show_autofilter": True,
                "row_count": r2 - r1 + 1,
                "column_count": c2 - c1 + 1,
                "show_table_style_first_column": False,
                "show_table_style_last_column": False,
                "show_table_style_row_stripes": True,
                "show_table_style_column_stripes": False,
            })
        sheets.append({"name": ws.title, "values": values if not empty else [[]], "used_range_address": used,
                       "pictures": [], "shapes": [], "charts": [], "notes": [], "tables": tables,
                       "visibility": "Visible" if ws.sheet_state == "visible" else "Hidden"})
    index = {ws.title: i for i, ws in enumerate(wb.worksheets)}
    names = []
    for dn_name, dn in wb.defined_names.items():
        refers_to = "=" + dn.attr_text
        sheet_index = address = None
        dests = list(dn.destinations) if dn.type == "RANGE" else []
        if len(dests) == 1:
            sheet_title, coord = dests[0]
            sheet_index, address = index.get(sheet_title), coord.replace("$", "")
        names.append({"name": dn_name, "sheet_index": sheet_index, "address": address, "book_scope": True,
                      "scope_sheet_name": None, "scope_sheet_index": None, "refers_to": refers_to})
    wb.close()
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def open_json(j: dict[str, Any]):
    """``xw.Book(json=...)``; if xlwings was imported before the licence key was set (so the
    remote engine is not registered), open it through the remote engine's own classes,
    as xlwings' test-suite does."""
    import xlwings as xw

    try:
        return xw.Book(json=j)
    except xw.LicenseError:
        from xlwings.pro import _xlremote

        return xw.Book(impl=_xlremote.App(_xlremote.Apps(), add_book=False).books.open(j))


def remote_book(path: str | Path, name: str | None = None):
    return open_json(book_json(path, name))


@dataclass
class Workbook:
    """Sheet names and written values after replaying a book's actions."""

    sheets: list[str]
    cells: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)

    @classmethod
    def replay(cls, initial_sheets: list[str], actions: list[dict[str, Any]]) -> "Workbook":
        wb = cls(sheets=list(initial_sheets), actions=actions)
        for a in actions:
            f = a["func"]
            if f == "addSheet":
                ix, name = a["args"]
                wb.sheets.insert(ix, name)
                wb.cells[name] = {}
                wb.added.append(name)
            elif f == "sheetDelete":
                name = wb.sheets.pop(a["sheet_position"])
                wb.cells.pop(name, None)
                wb.deleted.append(name)
            elif f == "sheetClear":
                name = wb.sheets[a["sheet_position"]]
                wb.cells[name] = {}
                wb.cleared.append(name)
            elif f == "setValues":
                name = wb.sheets[a["sheet_position"]]
                grid = wb.cells.setdefault(name, {})
                for i, row in enumerate(a["values"]):
                    for j, v in enumerate(row):
                        if isinstance(v, str) and v.startswith("'"):
                            v = v[1:]  # as Excel does: a leading apostrophe marks text and is not stored
                        grid[(a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = v
            elif f == "alert":
                wb.alerts.append(a["args"][0])
        return wb

    def value(self, sheet: str, ref: str) -> Any:
        from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

        col, row = coordinate_from_string(ref)
        return self.cells.get(sheet, {}).get((row, column_index_from_string(col)))

    def rows(self, sheet: str) -> list[list[Any]]:
        grid = self.cells.get(sheet, {})
        if not grid:
            return []
        h = max(r for r, _ in grid)
        w = max(c for _, c in grid)
        return [[grid.get((r, c)) for c in range(1, w + 1)] for r in range(1, h + 1)]

    def funcs(self, sheet: str | None = None) -> list[str]:
        return [a["func"] for a in self.actions]
