"""Workbook data as plain values with their cell addresses.

Every reader in the package works on :class:`Table` objects, never on openpyxl or
xlwings objects, so the same reader serves a workbook file (``load_workbook_data``)
and a live Excel book (``xl_confsched.excel`` builds the same tables from ranges,
Excel Tables or named ranges).  A table remembers where its top-left value sits,
so every message can name the exact cell the organiser has to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from openpyxl.utils import get_column_letter

from .errors import InputError, InputIssue


SETTING_PREFIX = "xlcs_"  # the Settings button stores each setting as a hidden name xlcs_<key>
SETTING_KEYS = ("model", "time_limit", "solver", "seed", "hard_rules")


def setting_text(refers_to: str | None) -> str | None:
    """A stored setting's text from its name's formula (``="all"`` → ``all``)."""
    if refers_to is None:
        return None
    s = refers_to[1:] if refers_to.startswith("=") else refers_to
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        s = s[1:-1].replace('""', '"')
    return s.strip()


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


def sheet_key(name: str) -> str:
    """How sheet names are compared: without regard to case or surrounding spaces (as Excel does)."""
    return name.strip().casefold()


@dataclass
class WorkbookData:
    """The sheets of one workbook, by name, as :class:`Table` objects.

    Sheet names are looked up without regard to case (``CONFERENCES`` is the ``Conferences``
    sheet); an exact match wins.  ``issues`` holds what loading noticed (rows typed below an
    Excel Table, formulas never calculated): every kind shows them with its own warnings.
    """

    tables: dict[str, Table] = field(default_factory=dict)
    source: str = ""
    issues: list[InputIssue] = field(default_factory=list)
    uncalculated: dict[str, list[str]] = field(default_factory=dict)  # sheet → formula cells without a value
    settings: dict[str, str] = field(default_factory=dict)  # the stored settings (Conference ▸ Settings), by key

    def key(self, name: str) -> str | None:
        """The workbook's own spelling of the sheet ``name`` (None when there is no such sheet)."""
        if name in self.tables:
            return name
        want = sheet_key(name)
        hits = [k for k in self.tables if sheet_key(k) == want]
        return hits[0] if len(hits) == 1 else None

    def __contains__(self, name: str) -> bool:
        return self.key(name) is not None

    def get(self, name: str) -> Table | None:
        k = self.key(name)
        return None if k is None else self.tables[k]

    def names(self) -> list[str]:
        return list(self.tables)

    def notices(self, result_sheets: Iterable[str] = ()) -> list[InputIssue]:
        """What loading noticed, as warnings: ``issues`` and the input sheets' formulas without a
        calculated value (``result_sheets`` are ours: their formulas are calculated when opened)."""
        skip = {sheet_key(n) for n in result_sheets}
        out = list(self.issues)
        for sheet, refs in self.uncalculated.items():
            if sheet_key(sheet) in skip:
                continue
            shown = ", ".join(refs[:5]) + (f" and {len(refs) - 5} more" if len(refs) > 5 else "")
            out.append(InputIssue(f"{sheet}!{refs[0]}", f"{len(refs)} formula cell{'s' if len(refs) != 1 else ''} "
                                  f"({shown}) {'have' if len(refs) != 1 else 'has'} no calculated value: the file "
                                  "was saved by a program that does not calculate formulas, so "
                                  f"{'they read' if len(refs) != 1 else 'it reads'} as empty. Open and save it in "
                                  "Excel or LibreOffice, or type the values.", "warning"))
        return out


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


def rows_below(table: Table, whole: Table, name: str, last_row: int, first_col: int, last_col: int
               ) -> tuple[Table, InputIssue | None]:
    """``table`` (an Excel Table or defined name ending at sheet row ``last_row``, columns
    ``first_col``–``last_col``) with the rows typed directly below it in those columns added,
    and a warning naming them.  Excel grows a Table as you type below it; LibreOffice, Google
    Sheets and scripts do not — without this, such rows were silently ignored.  ``whole`` is the
    sheet's used range anchored at A1."""
    extra: list[list[Any]] = []
    r = last_row + 1
    while True:
        values = [whole.value(r - 1, c - 1) for c in range(first_col, last_col + 1)]
        if all(is_blank(v) for v in values):
            break
        extra.append(values)
        r += 1
    if not extra:
        return table, None
    rows = [list(row) + [None] * (last_col - first_col + 1 - len(row)) for row in table.rows]
    rows += [[None] * (last_col - first_col + 1)] * (last_row - table.origin_row + 1 - len(rows))
    first, last = last_row + 1, last_row + len(extra)
    where = f"{table.sheet}!{get_column_letter(first_col)}{first}"
    span = f"row {first}" if first == last else f"rows {first}–{last}"
    issue = InputIssue(where, f"{span} directly below the Excel Table '{name}' (which ends at row {last_row}) "
                              f"{'is' if first == last else 'are'} read as part of it. Extend the table over "
                              f"{'it' if first == last else 'them'} (Table Design ▸ Resize Table) so that Excel's "
                              "formulas and filters see the same rows, or clear the cells if they do not belong "
                              "to the table.", "warning")
    return Table(sheet=table.sheet, rows=rows + extra, origin_row=table.origin_row, origin_col=table.origin_col), issue


def _not_a_workbook(path: Path) -> str | None:
    """A sentence saying why ``path`` cannot be read as an .xlsx/.xlsm workbook, or None if it looks like one."""
    import zipfile

    if not path.exists():
        return f"file not found: {path}. Give the path of an .xlsx or .xlsm workbook."
    if path.is_dir():
        return f"{path} is a folder, not a workbook. Give the path of an .xlsx or .xlsm file."
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            rest = fh.read(1 << 20) if head.startswith(b"\xd0\xcf\x11\xe0") else b""
    except PermissionError:
        return f"{path} cannot be read (permission denied). Make it readable or copy it somewhere you can read."
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror or exc})."
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: encrypted OOXML or an old .xls
        if "EncryptedPackage".encode("utf-16-le") in rest:
            return (f"{path} is password-protected (encrypted), so it cannot be read. Remove the password "
                    "(Excel: File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password, clear it) and save again.")
        return (f"{path} is an old Excel 97–2003 (.xls) file. Open it in Excel or LibreOffice and save it as "
                "an .xlsx workbook.")
    if not head.startswith(b"PK"):
        return (f"{path} is not an Excel workbook (.xlsx/.xlsm){' (it is empty)' if not head else ''}. "
                "Save it from Excel or LibreOffice as an .xlsx workbook.")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return f"{path} is damaged or not an Excel workbook (not a valid .xlsx zip archive). Save it again from Excel."
    if not any(n.endswith("workbook.xml") or n.endswith("workbook.bin") for n in names):
        kind = "an OpenDocument spreadsheet (.ods)" if "content.xml" in names else \
            "a Word or PowerPoint file" if any(n.startswith(("word/", "ppt/")) for n in names) else "not a workbook"
        return f"{path} is {kind}, not an Excel workbook. Save it from Excel or LibreOffice as .xlsx."
    if any(n.endswith("workbook.bin") for n in names):
        return f"{path} is a binary Excel workbook (.xlsb). Save it as an .xlsx workbook."
    return None


def uncalculated_formulas(path: str | Path) -> dict[str, dict[str, str]]:
    """Sheet → {cell: formula} of the formula cells that carry no calculated value (a file saved by a
    program that does not calculate, e.g. a script): they read as empty."""
    import zipfile

    from .writing import formula_cells, sheet_parts

    out: dict[str, dict[str, str]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            for name, part in sheet_parts(zf).items():
                cells = formula_cells(zf.read(part))
                missing = {ref: "" for ref, (_t, v) in cells.items() if v is None or v == ""}
                if missing:
                    out[name] = missing
    except (OSError, zipfile.BadZipFile, KeyError, Exception):  # noqa: BLE001 - a hint only
        return {}
    return out


def load_workbook_data(path: str | Path) -> WorkbookData:
    """Load every sheet (cached formula values) of an ``.xlsx``/``.xlsm`` file.

    As in Excel (``xl_confsched.excel.read_book``), an Excel Table or a workbook-level
    defined name named like an input sheet (``similar_tracks`` for ``similar tracks``)
    replaces that sheet's used range, wherever the organiser put it; a Table wins over a
    defined name.  Rows typed directly below such a Table are read with it (and a warning).
    A file that is not a readable workbook raises :class:`InputError` with one sentence
    saying what it is and what to do.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    from .kinds import expected_table_names, normalise_name

    path = Path(path)
    why = _not_a_workbook(path)
    if why:
        raise InputError([InputIssue(str(path), why)])
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = load_workbook(path, data_only=True, read_only=False)
    except Exception as exc:  # noqa: BLE001 - openpyxl's own words are not for the organiser
        raise InputError([InputIssue(str(path), f"{path} cannot be read as an Excel workbook "
                                                f"({type(exc).__name__}). Open it in Excel or LibreOffice, "
                                                "save it as .xlsx and try again.")]) from exc
    try:
        data = WorkbookData(source=str(path))
        lost = sorted({m.group(1) for w in caught
                       if (m := re.search(r"^(.+?) (?:extension )?is not supported and will be removed", str(w.message)))})
        if lost:
            data.issues.append(InputIssue(str(path), "the workbook uses Excel features that xl_confsched cannot "
                                                     f"keep ({', '.join(lost)}): an output workbook written from it "
                                                     "does not have them. Keep your original file.", "warning"))
        for ws in wb.worksheets:
            data.tables[ws.title] = table_from_worksheet(ws)
        whole = dict(data.tables)
        keys = {normalise_name(k): k for k in expected_table_names()}
        keys.update({normalise_name(k): k for k in data.tables})
        found: list[tuple[str, object, str, bool]] = []
        for name, dn in wb.defined_names.items():
            if name.lower().startswith(SETTING_PREFIX):
                key, value = name[len(SETTING_PREFIX):].lower(), setting_text(getattr(dn, "attr_text", None))
                if key in SETTING_KEYS and value:
                    data.settings[key] = value
                continue
            try:
                dests = list(dn.destinations)
            except Exception:  # noqa: BLE001 - a constant or formula, not a range
                continue
            if len(dests) == 1 and dests[0][0] in wb.sheetnames:
                found.append((name, wb[dests[0][0]], dests[0][1], False))
        for ws in wb.worksheets:
            for tname, tref in ws.tables.items():
                totals = bool(getattr(tref, "totalsRowCount", 0)) if not isinstance(tref, str) else False
                found.append((tname, ws, tref if isinstance(tref, str) else tref.ref, not totals))
        for name, ws, ref, is_table in found:
            key = keys.get(normalise_name(name))
            if key is None:
                continue
            t = table_from_range(ws, ref)
            if is_table:
                min_col, _min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
                t, issue = rows_below(t, whole[ws.title], name, max_row, min_col, max_col)
                if issue:
                    data.issues.append(issue)
            data.tables[key] = t
    finally:
        wb.close()
    data.uncalculated = {sheet: sorted(cells, key=lambda r: (len(r), r))
                         for sheet, cells in uncalculated_formulas(path).items()}
    return data
