"""Workbook data as plain values with their cell addresses.

Every reader in the package works on :class:`Table` objects, never on openpyxl or
xlwings objects, so the same reader serves a workbook file (``load_workbook_data``)
and a live Excel book (``xl_confsched.excel`` builds the same tables from ranges,
Excel Tables or named ranges).  A table remembers where its top-left value sits,
so every message can name the exact cell the organiser has to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from openpyxl.utils import get_column_letter


def cell_ref(sheet: str, row: int, col: int) -> str:
    """``submissions!C14`` style reference (1-based row/col)."""
    return f"{sheet}!{get_column_letter(col)}{row}"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


@dataclass
class Table:
    """A rectangle of cell values from one sheet.

    ``rows[i][j]`` is the value at sheet row ``origin_row + i`` and column
    ``origin_col + j`` (1-based).  Values are as Excel stores them: str, int,
    float, bool, datetime/date/time or None for an empty cell.
    """

    sheet: str
    rows: list[list[Any]]
    origin_row: int = 1
    origin_col: int = 1

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, i: int, j: int) -> Any:
        """Value at table position (0-based), None outside the rectangle."""
        if 0 <= i < len(self.rows) and 0 <= j < len(self.rows[i]):
            return self.rows[i][j]
        return None

    def ref(self, i: int, j: int) -> str:
        """Cell reference of table position (0-based)."""
        return cell_ref(self.sheet, self.origin_row + i, self.origin_col + j)

    def header(self) -> list[Any]:
        return list(self.rows[0]) if self.rows else []

    def data_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(table row index, values) of the rows below the header, trailing blank rows dropped."""
        last = len(self.rows) - 1
        while last >= 1 and all(is_blank(v) for v in self.rows[last]):
            last -= 1
        for i in range(1, last + 1):
            yield i, self.rows[i]

    def column_index(self, label: str) -> int | None:
        """Position of the header cell whose trimmed text equals ``label`` (case-insensitive)."""
        want = label.strip().lower()
        for j, v in enumerate(self.header()):
            if isinstance(v, str) and v.strip().lower() == want:
                return j
        return None


@dataclass
class WorkbookData:
    """The sheets of one workbook, by name, as :class:`Table` objects."""

    tables: dict[str, Table] = field(default_factory=dict)
    source: str = ""

    def __contains__(self, name: str) -> bool:
        return name in self.tables

    def get(self, name: str) -> Table | None:
        return self.tables.get(name)

    def names(self) -> list[str]:
        return list(self.tables)


def trim_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """Drop trailing empty columns and rows; pad every row to the same width."""
    width = 0
    for r in rows:
        for j in range(len(r) - 1, -1, -1):
            if not is_blank(r[j]):
                width = max(width, j + 1)
                break
    rows = [list(r[:width]) + [None] * (width - len(r[:width])) for r in rows]
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def table_from_worksheet(ws) -> Table:
    """Read an openpyxl worksheet's used range, anchored at A1."""
    return Table(sheet=ws.title, rows=trim_rows([list(row) for row in ws.iter_rows(values_only=True)]))


def table_from_range(ws, ref: str) -> Table:
    """The values of ``ref`` (e.g. ``"C3:H40"``) on ``ws``, keeping their true cell position."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    rows = [list(r) for r in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col,
                                          values_only=True)]
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    return Table(sheet=ws.title, rows=rows, origin_row=min_row, origin_col=min_col)


def load_workbook_data(path: str | Path) -> WorkbookData:
    """Load every sheet (cached formula values) of an ``.xlsx``/``.xlsm`` file.

    As in Excel (``xl_confsched.excel.read_book``), an Excel Table or a workbook-level
    defined name named like an input sheet (``similar_tracks`` for ``similar tracks``)
    replaces that sheet's used range, wherever the organiser put it; a Table wins over a
    defined name.
    """
    from openpyxl import load_workbook

    from .kinds import expected_table_names, normalise_name

    wb = load_workbook(Path(path), data_only=True, read_only=False)
    try:
        data = WorkbookData(source=str(path))
        for ws in wb.worksheets:
            data.tables[ws.title] = table_from_worksheet(ws)
        keys = {normalise_name(k): k for k in expected_table_names()}
        keys.update({normalise_name(k): k for k in data.tables})
        found: list[tuple[str, object, str]] = []
        for name, dn in wb.defined_names.items():
            try:
                dests = list(dn.destinations)
            except Exception:  # noqa: BLE001 - a constant or formula, not a range
                continue
            if len(dests) == 1 and dests[0][0] in wb.sheetnames:
                found.append((name, wb[dests[0][0]], dests[0][1]))
        for ws in wb.worksheets:
            for tname, tref in ws.tables.items():
                found.append((tname, ws, tref if isinstance(tref, str) else tref.ref))
        for name, ws, ref in found:
            key = keys.get(normalise_name(name))
            if key is not None:
                data.tables[key] = table_from_range(ws, ref)
        return data
    finally:
        wb.close()
