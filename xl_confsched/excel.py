"""The Conference ribbon's Python entry points, working on an xlwings ``Book``.

The buttons of the Conference tab (``xl_confsched/vba/ConfSched.bas``) call, through xlwings'
``RunPython`` (after an import that says in words when xl-confsched is missing)::

    x.start_solve('<job folder>')   # Solve: starts the solve beside Excel and returns at once
    x.collect_job('<job folder>')   # when the add-in's timer sees the job done: the results
    x.check()                       # Check
    x.publish()                     # Publish
    x.clear_results()               # Clear results
    x.new_workbook('csplib', example=True)

Cancel needs no Python call (the add-in creates the job's ``cancel`` file; :func:`cancel_job`
does the same for other front ends, :func:`poll_job` polls through Python, :func:`solve`
solves in one blocking call).  Every entry point says an unexpected error in one sentence and
logs the traceback (:class:`errors_in_words`); none lets an exception reach xlwings.

Every entry point takes an optional ``book``: without it the calling book
(``xw.Book.caller()``) is used, so the same code serves desktop Excel and any other
xlwings front end that hands over a ``Book`` (the tests drive it through xlwings'
remote engine, which needs no Excel).

Reading: every sheet becomes a :class:`~xl_confsched.tables.Table` (values from A1 to
the end of the used range).  An input table can also live anywhere else: an Excel
Table (ListObject) or a workbook-level defined name whose name matches an input
sheet's name (case-insensitive; spaces and ``|`` written as ``_``, e.g. the Table
``similar_tracks`` for the sheet ``similar tracks``) is used instead, with its true
cell origin so every message points at the organiser's cell.

Writing: only after a successful solve are the kind's result sheets replaced (each
deleted and written anew at the same position, new ones after the last sheet); bad
input only replaces the **Status** sheet, with a hyperlink to every offending cell;
input sheets are never written to.  A failed or cancelled solve leaves the previous
results in place.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

import xlwings as xw

from . import cells
from .errors import InputError, InputIssue
from .kinds import (SolveSettings, WorkbookKind, detect_kind, expected_table_names, kind_by_name,
                    normalise_name, unknown_kind_message)
from .report import STATUS_SHEET, Block, Chart, Report, SheetReport, status_sheet
from .tables import SETTING_KEYS, SETTING_PREFIX, Table, WorkbookData, rows_below, setting_text, trim_rows
from .writing import OutputError, Outputs, live_value

TITLE = "Conference"
TEMPLATE_STEMS = {"csplib": "conference"}

HEADER_FILL = "#DDEBF7"
INPUT_FILL = "#FFF2CC"


# --------------------------------------------------------------------------------------
# the calling book
# --------------------------------------------------------------------------------------

def _book(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


def _status(book: xw.Book, text: str | bool) -> None:
    """Status bar text (desktop Excel); engines without a status bar are skipped."""
    try:
        book.app.status_bar = text
    except Exception:  # noqa: BLE001 - remote engines have no status bar
        pass


def _alert(book: xw.Book, text: str, mode: str = "info") -> None:
    try:
        book.app.alert(text, title=TITLE, mode=mode)
    except Exception:  # noqa: BLE001 - no UI (e.g. a test without an app)
        print(text, file=sys.stderr)


def log_path() -> Path:
    """Where the technical details of an unexpected error go (one file per user)."""
    import os

    if sys.platform.startswith("win"):  # pragma: no cover - Windows only
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "xl_confsched"
    elif sys.platform == "darwin":  # pragma: no cover - macOS only
        base = Path.home() / "Library" / "Logs" / "xl_confsched"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "xl_confsched"
    return base / "errors.log"


def log_error(action: str, exc: BaseException, details: str | None = None) -> Path:
    """Append the traceback of an unexpected error to :func:`log_path`; return that path."""
    import datetime as _dt
    import traceback

    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = details or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"--- {_dt.datetime.now():%Y-%m-%d %H:%M:%S} {action}\n{text}\n")
    except OSError:  # a log we cannot write must not hide the message itself
        pass
    return path


def error_message(action: str, exc: BaseException, log: Path) -> str:
    """One sentence saying what went wrong and what to do; the details are in the log file."""
    what = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, MemoryError):
        what = "the computer ran out of memory"
    return (f"{action} stopped because of an unexpected error: {what}. The workbook's input sheets were not "
            f"changed. Try again; if it happens again, send the file {log} to whoever supports you.")


class errors_in_words:
    """``with errors_in_words(book, "Solve"):`` — any exception becomes one sentence in a message box
    (never xlwings' traceback box), with the traceback in :func:`log_path`; the block is left."""

    def __init__(self, book: xw.Book | None, action: str):
        self.book, self.action = book, action

    def __enter__(self) -> "errors_in_words":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None or not isinstance(exc, Exception):
            return False  # KeyboardInterrupt / SystemExit go on
        log = log_error(self.action, exc)
        if self.book is not None:
            _status(self.book, False)
            _alert(self.book, error_message(self.action, exc, log), mode="critical")
        else:
            print(error_message(self.action, exc, log), file=sys.stderr)
        return True


# --------------------------------------------------------------------------------------
# reading a live book into WorkbookData
# --------------------------------------------------------------------------------------

def _clean(v: Any) -> Any:
    """Excel's values as the openpyxl reader gives them (whole floats → int, '' → None)."""
    if isinstance(v, float):
        if v != v:
            return None
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if isinstance(v, str) and v == "":
        return None
    return v


def _grid(value: Any) -> list[list[Any]]:
    if value is None:
        return [[None]]
    if not isinstance(value, list):
        return [[value]]
    if value and not isinstance(value[0], list):
        return [list(value)]
    return [list(r) for r in value]


def range_table(rng: xw.Range, name: str | None = None, trim: bool = False) -> Table:
    """A :class:`Table` of a range's values, keeping the range's true origin."""
    rows = [[_clean(v) for v in r] for r in _grid(rng.options(ndim=2).value)]
    if trim:
        rows = trim_rows(rows)
    return Table(sheet=name or rng.sheet.name, rows=rows, origin_row=rng.row, origin_col=rng.column)


def sheet_table(sheet: xw.Sheet) -> Table:
    """Values from A1 to the last cell of the used range (what ``load_workbook_data`` reads)."""
    used = sheet.used_range
    last = used.last_cell
    rng = sheet.range((1, 1), (max(1, last.row), max(1, last.column)))
    t = range_table(rng, sheet.name, trim=True)
    t.origin_row, t.origin_col = 1, 1
    return t


def _tables_of(sheet: xw.Sheet) -> list[tuple[str, xw.Range]]:
    try:
        return [(t.name, t.range) for t in sheet.tables]
    except Exception:  # noqa: BLE001 - an engine without ListObjects
        return []


def _names(book: xw.Book) -> list[tuple[str, Any]]:
    """(name, Name object) of the book's defined names; unreadable ones are skipped."""
    try:
        names = list(book.names)
    except Exception:  # noqa: BLE001 - an engine without names
        return []
    out = []
    for n in names:
        try:
            out.append((n.name, n))
        except Exception:  # noqa: BLE001
            continue
    return out


def _defined_names(book: xw.Book) -> list[tuple[str, xw.Range]]:
    out = []
    for name, n in _names(book):
        if "!" in name or name.startswith("_xl") or name.lower().startswith(SETTING_PREFIX):
            continue  # sheet-scoped, Excel's own (print areas…), our settings
        try:
            out.append((name, n.refers_to_range))
        except Exception:  # noqa: BLE001 - a constant or a formula, not a range
            continue
    return out


def read_book(book: xw.Book) -> WorkbookData:
    """The live book as :class:`WorkbookData`: sheets, overridden by matching Tables / names."""
    data = WorkbookData(source=book.name, settings=read_settings(book))
    skip = {STATUS_SHEET}
    for sheet in book.sheets:
        if sheet.name in skip:
            continue
        data.tables[sheet.name] = sheet_table(sheet)
    # key of each normalised name: an existing sheet, else a name a kind expects
    keys = {normalise_name(k): k for k in expected_table_names()}
    keys.update({normalise_name(k): k for k in data.tables})
    # defined names first, Excel Tables last: a Table wins over a name of the same key
    found: list[tuple[str, xw.Range, bool]] = [(n, r, False) for n, r in _defined_names(book)]
    for sheet in book.sheets:
        found.extend((n, r, True) for n, r in _tables_of(sheet))
    whole = dict(data.tables)
    for name, rng, is_table in found:
        key = keys.get(normalise_name(name))
        if key is None:
            continue
        t = range_table(rng, rng.sheet.name, trim=True)
        if is_table and rng.sheet.name in whole:  # rows typed below the Table: read, with a warning (tables.py)
            last = rng.row + rng.rows.count - 1
            t, issue = rows_below(t, whole[rng.sheet.name], name, last, rng.column, rng.column + rng.columns.count - 1)
            if issue:
                data.issues.append(issue)
        data.tables[key] = t
    return data


# --------------------------------------------------------------------------------------
# settings (hidden defined names, written by the Settings button)
# --------------------------------------------------------------------------------------

def read_settings(book: xw.Book) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, n in _names(book):
        if name.lower().startswith(SETTING_PREFIX):
            key = name[len(SETTING_PREFIX):].lower()
            if key in SETTING_KEYS:
                try:
                    value = setting_text(n.refers_to)
                except Exception:  # noqa: BLE001
                    value = None
                if value:
                    out[key] = value
    return out


def settings_from_book(book: xw.Book, progress: Callable[[str], None] | None = None) -> tuple[SolveSettings, list[InputIssue]]:
    """SolveSettings from the workbook's stored settings; bad values become warnings."""
    raw = read_settings(book)
    s = SolveSettings(progress=progress, threads=None)
    issues: list[InputIssue] = []
    if raw.get("model"):
        s.model = raw["model"]
    if "time_limit" in raw:
        try:  # the CLI's rule: a finite number of seconds, more than 0, at most a week
            value = float(cells.number(raw["time_limit"], lo=0, hi=7 * 24 * 3600))
            if value <= 0:
                raise ValueError
            s.time_limit = value
        except (ValueError, cells.CellError):
            issues.append(InputIssue("Settings", f"time limit {raw['time_limit']!r} is not a positive number of "
                                     f"seconds; used {s.time_limit:g}. Fix it with Conference > Settings.", "warning"))
    if "solver" in raw:
        solver = raw["solver"].lower()
        if solver in ("cbc", "highs"):
            s.solver = solver
        else:
            issues.append(InputIssue("Settings", f"solver {raw['solver']!r} is not cbc or highs; used cbc. "
                                     "Fix it with Conference > Settings.", "warning"))
    if "seed" in raw:
        try:
            s.seed = cells.whole(raw["seed"], lo=0, hi=2**31 - 1)
        except cells.CellError:
            issues.append(InputIssue("Settings", f"seed {raw['seed']!r} is not a whole number from 0 to "
                                     f"{2**31 - 1:,}; used {s.seed}. Fix it with Conference > Settings.", "warning"))
    if raw.get("hard_rules"):
        from .csplib.model import DEFAULT_HARD_RULES

        rules = raw["hard_rules"].lower()
        if rules in ("presenters", "all", "none"):
            s.hard_rules = rules
        else:
            issues.append(InputIssue("Settings", f"hard rules {raw['hard_rules']!r} is not all, presenters or none; "
                                     f"used {DEFAULT_HARD_RULES}. Fix it with Conference > Settings.", "warning"))
    return s, issues


def save_settings(book: xw.Book | None = None, **values: Any) -> None:
    """Store settings (model, time_limit, solver, seed) as workbook names, as the Settings button does."""
    book = _book(book)
    existing = {}
    for name, n in _names(book):
        existing[name.lower()] = n
    for key, value in values.items():
        if key not in SETTING_KEYS:
            raise ValueError(f"unknown setting {key!r}; known: {', '.join(SETTING_KEYS)}")
        name = SETTING_PREFIX + key
        refers_to = '="' + str("" if value is None else value).replace('"', '""') + '"'
        if name.lower() in existing:
            existing[name.lower()].refers_to = refers_to
        else:
            book.names.add(name, refers_to)


# --------------------------------------------------------------------------------------
# writing a Report into the live book
# --------------------------------------------------------------------------------------

def _hex(colour: str) -> str:
    colour = colour.lstrip("#")
    if len(colour) == 8:  # ARGB
        colour = colour[2:]
    return "#" + colour.upper()


def _xl_value(v: Any) -> Any:
    # the inert-text rule of every writer (xl_confsched.writing): only Formula values become formulas
    return live_value(v)


def write_block(sheet: xw.Sheet, block: Block) -> None:
    anchor = sheet.range(block.anchor)
    r0, c0 = anchor.row, anchor.column
    if block.title:
        cell = sheet.range((max(1, r0 - 1), c0))
        cell.value = block.title
        _try(lambda: setattr(cell.font, "bold", True))
        _try(lambda: setattr(cell.font, "size", 12))
    if not block.rows:
        return
    width = max(len(r) for r in block.rows)
    rows = [[_xl_value(v) for v in r] + [None] * (width - len(r)) for r in block.rows]
    height = len(rows)
    full = sheet.range((r0, c0), (r0 + height - 1, c0 + width - 1))
    full.value = rows
    if block.header:
        head = sheet.range((r0, c0), (r0, c0 + width - 1))
        _try(lambda: setattr(head.font, "bold", True))
        if not block.table_name:
            _try(lambda: setattr(head, "color", HEADER_FILL))
    body_first = r0 + (1 if block.header else 0)
    if height > (1 if block.header else 0):
        for j, fmt in block.number_formats.items():
            col = sheet.range((body_first, c0 + j), (r0 + height - 1, c0 + j))
            _try(lambda col=col, fmt=fmt: setattr(col, "number_format", fmt))
        for j in sorted(block.input_columns):
            col = sheet.range((r0 + 1, c0 + j), (r0 + height - 1, c0 + j))
            _try(lambda col=col: setattr(col, "color", INPUT_FILL))
    for j, w in block.column_widths.items():
        col = sheet.range((r0, c0 + j))
        _try(lambda col=col, w=w: setattr(col, "column_width", w))
    if block.table_name and height >= 2:
        _try(lambda: sheet.tables.add(source=full, name=block.table_name, has_headers=True,
                                      table_style_name="TableStyleLight9"))
    for rng, formula, colour in block.conditional:
        f = formula if formula.startswith("=") else "=" + formula
        _try(lambda rng=rng, f=f, colour=colour: sheet.range(rng).conditional_formats.add_custom(
            f, fill_color=_hex(colour)))


def _apply_layout(sheet: xw.Sheet, sheet_report: SheetReport) -> None:
    """The same widths, wrapping, row heights, merges and cell fills as the file writer (report.sheet_layout)."""
    from .sheet_layout import block_origin, sheet_layout

    lay = sheet_layout(sheet_report)
    for block in sheet_report.blocks:
        r0, c0 = block_origin(block)
        for (i, j), colour in block.fills.items():
            _try(lambda i=i, j=j, colour=colour: setattr(sheet.range((r0 + i, c0 + j)), "color", _hex(colour)))
        for (i, j) in block.bold:
            _try(lambda i=i, j=j: setattr(sheet.range((r0 + i, c0 + j)).font, "bold", True))
    for col, w in lay.widths.items():
        _try(lambda col=col, w=w: setattr(sheet.range((1, col)), "column_width", w))
    for (r, col) in lay.wrapped:
        _try(lambda r=r, col=col: setattr(sheet.range((r, col)), "wrap_text", True))
    for rng in lay.merges:
        _try(lambda rng=rng: sheet.range(rng).merge())
    for r, h in lay.heights.items():
        _try(lambda r=r, h=h: setattr(sheet.range((r, 1)), "row_height", h))


def _try(fn: Callable[[], Any]) -> None:
    """Formatting is best effort: an engine that lacks one feature still gets the values."""
    try:
        fn()
    except (NotImplementedError, AttributeError):
        pass


def _write_chart(sheet: xw.Sheet, chart: Chart) -> None:
    def add():
        anchor = sheet.range(chart.anchor)
        c = sheet.charts.add(left=anchor.left, top=anchor.top, width=480, height=260)
        c.set_source_data(sheet.range(chart.data_ref))
        c.chart_type = "bar_clustered" if chart.kind == "bar" else "line"
    try:
        add()
    except Exception:  # noqa: BLE001 - charts are decoration; never fail a solve on them
        pass


def write_sheet(book: xw.Book, sheet_report: SheetReport, position: tuple[str, str] | None) -> xw.Sheet:
    """Add the sheet (``position``: ("after"|"before", existing sheet name)) and fill it."""
    if position is None:
        sheet = book.sheets.add(sheet_report.name, after=book.sheets[len(book.sheets) - 1])
    elif position[0] == "after":
        sheet = book.sheets.add(sheet_report.name, after=book.sheets[position[1]])
    else:
        sheet = book.sheets.add(sheet_report.name, before=book.sheets[position[1]])
    return _fill_sheet(sheet, sheet_report)


def _fill_sheet(sheet: xw.Sheet, sheet_report: SheetReport) -> xw.Sheet:
    """Write a report's blocks, charts and frozen panes into an empty sheet."""
    for block in sheet_report.blocks:
        write_block(sheet, block)
    _apply_layout(sheet, sheet_report)
    for chart in sheet_report.charts:
        _write_chart(sheet, chart)
    if sheet_report.freeze:
        _try(lambda: sheet.freeze_panes.freeze_at(sheet_report.freeze))
    return sheet


def refill_sheet(sheet: xw.Sheet, sheet_report: SheetReport) -> xw.Sheet:
    """Empty an existing result sheet (tables, charts, cells, formats) and fill it again."""
    for t in list(_try_list(lambda: sheet.tables)):
        _try(lambda t=t: _delete_table(t))
    for c in list(_try_list(lambda: sheet.charts)):
        _try(c.delete)
    sheet.clear()
    if sheet.name != sheet_report.name:  # same name up to case
        _try(lambda: setattr(sheet, "name", sheet_report.name))
    return _fill_sheet(sheet, sheet_report)


def _delete_table(table) -> None:
    """Remove an Excel Table with its cells' contents (xlwings has no public Table.delete)."""
    impl = getattr(table, "impl", None)
    if impl is not None and hasattr(impl, "delete"):
        impl.delete()
    else:  # desktop Excel: the ListObject itself
        table.api.Delete()


def _try_list(get):
    try:
        return list(get())
    except Exception:  # noqa: BLE001 - an engine without that collection
        return []


def write_report(book: xw.Book, report: Report, replace: Iterable[str] = (),
                 protected: Iterable[str] = ()) -> list[str]:
    """Replace the sheets named in ``replace`` and the report's own sheets; return the names written.

    A sheet the report writes again is cleared and refilled in place (never deleted), so
    the organiser's own formulas that point at a result sheet keep working after a
    re-solve instead of turning into ``#REF!``; sheets of ``replace`` that the report
    does not write again are deleted; new sheets go after the last sheet.  Sheets named
    in ``protected`` (the kind's input sheets) are never touched.
    """
    protected = {p.lower() for p in protected}
    for name in report.sheet_names:
        if name.lower() in protected:
            raise ValueError(f"refusing to overwrite the input sheet {name!r}")
    names = [s.name for s in book.sheets]
    by_lower = {s.name.lower(): s for s in report.sheets}
    drop = ({n.lower() for n in replace} | set(by_lower)) - protected
    # the order after writing: each replaced sheet where it was, new ones at the end
    target: list[str] = []
    for n in names:
        if n.lower() in by_lower:
            target.append(by_lower[n.lower()].name)
        elif n.lower() not in drop:
            target.append(n)
    target += [s.name for s in report.sheets if s.name not in target]
    reuse = {n.lower(): n for n in names if n.lower() in by_lower}
    for n in names:
        if n.lower() in drop and n.lower() not in reuse:
            book.sheets[n].delete()
    written = []
    new = {s.name for s in report.sheets}
    for i, name in enumerate(target):
        if name not in new:
            continue
        if name.lower() in reuse:
            refill_sheet(book.sheets[reuse[name.lower()]], by_lower[name.lower()])
            written.append(name)
            continue
        if i > 0:
            position: tuple[str, str] | None = ("after", target[i - 1])
        else:
            survivors = [n for n in target if n not in new]
            position = ("before", survivors[0]) if survivors else None
        write_sheet(book, by_lower[name.lower()], position)
        written.append(name)
    return written


def write_status(book: xw.Book, issues: list[InputIssue], summary: str) -> None:
    """Replace only the Status sheet: the list of problems with links to their cells."""
    write_report(book, Report(kind="status", sheets=[status_sheet(issues, summary)]), replace=[STATUS_SHEET])
    _try(lambda: book.sheets[STATUS_SHEET].activate())


# --------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------

def solve_succeeded(report: Report) -> bool:
    """A usable result: the workflow says so (``Report.ok``) and there are sheets to write."""
    return bool(report.ok) and bool(report.sheets)


def _detect(book: xw.Book, data: WorkbookData) -> WorkbookKind:
    kind = detect_kind(data)
    if kind is None:
        raise InputError([InputIssue(book.name, unknown_kind_message(data)
                                     .replace("`xl-confsched new --kind KIND OUT.xlsx`",
                                              "Conference > New workbook"))])
    return kind


def _final_message(report: Report, written: list[str], kind: WorkbookKind, action: str) -> str:
    parts = [f"{action} finished: {report.status or 'done'}"]
    if report.objective is not None:
        obj = report.objective
        parts[0] += f", objective {obj:,.6g}" if isinstance(obj, float) and not obj.is_integer() else f", objective {int(obj):,}"
    if report.summary:
        parts.append(report.summary)
    if written:
        parts.append("Results: " + ", ".join(n for n in written if n != STATUS_SHEET) + " sheet(s).")
    if report.issues:
        parts.append(f"{len(report.issues)} warning(s) on the Status sheet.")
    return "\n".join(parts)


def _status_of(report: Report) -> SheetReport:
    return status_sheet(report.issues, report.summary or report.status)


def _prepare(book: xw.Book, progress: Callable[[str], None] | None = None
             ) -> tuple[WorkbookData, WorkbookKind, SolveSettings, list[InputIssue]]:
    """The live book's tables, its kind and its stored settings (InputError when it is no known kind)."""
    data = read_book(book)
    kind = _detect(book, data)
    settings, setting_issues = settings_from_book(book, progress=progress)
    return data, kind, settings, setting_issues


def _bad_input(book: xw.Book, err: InputError, action: str) -> None:
    _status(book, False)
    if action == "Solve":
        write_status(book, err.issues, "Nothing was solved: fix the problems below, then click Solve again. "
                                       "The previous results were kept.")
        _alert(book, f"{len(err.errors)} problem(s) in the workbook: see the Status sheet. "
                     "The previous results were kept.", mode="critical")
    else:
        write_status(book, err.issues, "Check found problems: fix them, then click Check again.")
        _alert(book, f"{len(err.errors)} problem(s) in the workbook: see the Status sheet.", mode="critical")


def solve(book: xw.Book | None = None) -> Report | None:
    """Solve in one call: read the live book, solve, replace the result sheets only on success.

    Excel's ribbon uses :func:`start_solve` instead (the solve runs beside Excel, with progress and
    Cancel); this one serves front ends that may block, and the tests."""
    book = _book(book)
    with errors_in_words(book, "Solve"):
        _status(book, "Conference: reading the workbook…")
        try:
            data, kind, settings, setting_issues = _prepare(book, progress=lambda msg: _status(book, f"Conference: {msg}"))
            _status(book, f"Conference: solving the {kind.title} (time limit {settings.time_limit:g} s)…")
            report = kind.solve(data, settings)
        except InputError as err:
            _bad_input(book, err, "Solve")
            return None
        except KeyboardInterrupt:
            _status(book, False)
            _alert(book, "Solve cancelled. The previous results were kept.")
            return None
        return write_solve_result(book, kind, report, setting_issues, lambda: side_files_of(book, report))
    return None


def write_solve_result(book: xw.Book, kind: WorkbookKind, report: Report, setting_issues: list[InputIssue],
                       write_files: Callable[[], tuple[list[Path], str]], cancelled: bool = False,
                       seconds: float | None = None) -> Report:
    """Write a finished solve into the book: result sheets (only when it produced a schedule),
    the Status sheet, the side files next to the workbook, and the closing message."""
    report.issues = list(setting_issues) + list(report.issues)
    if not solve_succeeded(report):
        _status(book, False)
        lead = "Solve cancelled before a schedule was found" if cancelled else f"No schedule: {report.status}"
        write_status(book, report.issues, f"{lead}. {report.summary} The previous results were kept.")
        _alert(book, (f"{lead}. " if cancelled else f"No schedule was found ({report.status}). ")
               + "The previous results were kept; see the Status sheet.", mode="critical")
        return report
    _status(book, "Conference: writing the result sheets…")
    sheets = [s for s in report.sheets if s.name != STATUS_SHEET] + [_status_of(report)]
    written = write_report(book, Report(kind=report.kind, sheets=sheets), replace=kind.result_sheets,
                           protected=kind.signature)
    first = next((n for n in written if n != STATUS_SHEET), None)
    if first:
        _try(lambda: book.sheets[first].activate())
    files, problem = write_files()
    _status(book, False)
    message = _final_message(report, written, kind, "Solve")
    if cancelled:
        took = f" after {seconds:.0f} s" if seconds is not None else ""
        message = f"Cancelled{took}: the best schedule found so far was written.\n" + message
    if files:
        message += "\nAlso written next to the workbook: " + ", ".join(p.name for p in files) + "."
    if problem:
        message += "\n" + problem
    _alert(book, message)
    return report


def _book_path(book: xw.Book) -> Path | None:
    """The saved workbook's path on this disk (None for an unsaved book or one in the cloud)."""
    try:
        path = Path(book.fullname)
    except Exception:  # noqa: BLE001 - an engine without a file behind the book
        return None
    return path if path.is_absolute() and path.is_file() else None


def side_files_of(book: xw.Book, report: Report) -> tuple[list[Path], str]:
    """The report's side files (CSPLib solution file, .ics calendars) next to a saved workbook, all
    put in place together through :class:`~xl_confsched.writing.Outputs` (or none of them); returns
    (the paths written, one sentence when they could not be written)."""
    path = _book_path(book)
    if path is None or not report.side_files:
        return [], ""
    target = path.with_name(path.stem + "_solved" + path.suffix)
    try:
        with Outputs() as files:
            for write in report.side_files:
                write(target, files)
            return files.commit(), ""
    except OutputError as exc:  # e.g. the solution file is open in Excel (Windows refuses to replace it)
        return [], f"The files next to the workbook were not written: {exc}"
    except Exception as exc:  # noqa: BLE001 - a side file never fails the solve (and none was half-written)
        log = log_error("Solve (side files)", exc)
        return [], f"The files next to the workbook were not written ({exc}); details in {log}."


def write_side_files(book: xw.Book, report: Report) -> list[Path]:
    """The side files written next to the workbook (see :func:`side_files_of`)."""
    return side_files_of(book, report)[0]


# --------------------------------------------------------------------------------------
# solving beside Excel: start, poll, cancel, collect (the ribbon's Solve and Cancel)
# --------------------------------------------------------------------------------------

def start_solve(job_dir: str, book: xw.Book | None = None) -> Path | None:
    """Solve button: read the book, start the solve in a worker process, return at once.

    ``job_dir`` is a new folder the add-in chose (the add-in's timer reads its ``state.txt`` and
    ``progress.txt`` every second and calls :func:`collect_job` when it says done or failed; Cancel
    creates its ``cancel`` file): see :mod:`xl_confsched.jobs`."""
    from . import jobs

    book = _book(book)
    with errors_in_words(book, "Solve"):
        _status(book, "Conference: reading the workbook…")
        try:
            data, kind, settings, setting_issues = _prepare(book)
        except InputError as err:
            _bad_input(book, err, "Solve")
            return None
        path = _book_path(book)
        job = jobs.start(job_dir, data, kind.name, settings, book_name=book.name,
                         book_path=str(path) if path else None, issues=setting_issues)
        _status(book, "Conference: " + jobs.read_state(job).progress)
        return job
    return None


def poll_job(job_dir: str, book: xw.Book | None = None) -> str:
    """One look at a running job (for front ends that poll through Python; the add-in reads the
    files itself): shows its progress line, collects it when it has finished; returns its state."""
    from . import jobs

    book = _book(book)
    st = jobs.read_state(job_dir)
    if st.finished:
        collect_job(job_dir, book)
    else:
        _status(book, "Conference: " + st.progress)
    return st.state


def cancel_job(job_dir: str, book: xw.Book | None = None) -> bool:
    """Cancel button: the worker stops and keeps the best schedule found so far (written when collected)."""
    from . import jobs

    if book is not None:
        _status(book, "Conference: cancelling - the best schedule found so far will be written…")
    return jobs.cancel(job_dir)


def _job_book(caller: xw.Book, name: str | None) -> xw.Book | None:
    """The open book a job belongs to (the organiser may have switched to another book meanwhile)."""
    if not name or caller.name == name:
        return caller
    try:
        for b in caller.app.books:
            if b.name == name:
                return b
    except Exception:  # noqa: BLE001 - an engine without app.books
        pass
    return None


def collect_job(job_dir: str, book: xw.Book | None = None) -> Report | None:
    """When the job has finished: write its results into its book exactly as a solve in one call
    would (result sheets, Status, side files, the closing message); then remove the job folder."""
    from . import jobs

    caller = _book(book)
    st = jobs.read_state(job_dir)
    if not st.finished:
        _status(caller, "Conference: " + st.progress)
        return None
    try:
        with errors_in_words(caller, "Solve"):
            outcome = jobs.collect(job_dir)
            action = "Check" if outcome.meta.get("action") == "check" else "Solve"
            target = _job_book(caller, outcome.meta.get("book"))
            if target is None:
                _status(caller, False)
                _alert(caller, f"The workbook {outcome.meta.get('book')} was closed while it was being solved, "
                               "so its results were not written. Open it and click Solve again.", mode="critical")
                return None
            if outcome.state != "done":
                log = log_error(action, RuntimeError(outcome.error), details=outcome.details or outcome.error)
                _status(target, False)
                _alert(target, error_message(action, RuntimeError(outcome.error), log), mode="critical")
                return None
            if outcome.input_error is not None:
                _bad_input(target, outcome.input_error, action)
                return None
            kind = kind_by_name(outcome.meta["kind"])
            if action == "Check":
                return write_check_result(target, kind, outcome.report)
            return write_solve_result(target, kind, outcome.report, outcome.issues,
                                      lambda: _put_staged_files(target, outcome), cancelled=outcome.cancelled,
                                      seconds=outcome.seconds)
        return None
    finally:
        jobs.remove(job_dir)  # collected (or failed in words): the add-in stops polling


def _put_staged_files(book: xw.Book, outcome) -> tuple[list[Path], str]:
    """The side files the worker prepared, put next to the workbook together (writing.Outputs)."""
    path = _book_path(book)
    if path is None or not outcome.files:
        return [], ""
    try:
        with Outputs() as files:
            for staged in outcome.files:
                dest = path.parent / staged.name
                if staged.is_dir():
                    files.write_folder(dest, {p.name: p.read_bytes() for p in sorted(staged.iterdir()) if p.is_file()})
                else:
                    files.write_bytes(dest, staged.read_bytes())
            return files.commit(), ""
    except OutputError as exc:  # e.g. the solution file is open in Excel (Windows refuses to replace it)
        return [], f"The files next to the workbook were not written: {exc}"


def check(book: xw.Book | None = None) -> Report | None:
    """Check button: validate the inputs and score the schedule as it stands (also after hand edits)."""
    book = _book(book)
    with errors_in_words(book, "Check"):
        _status(book, "Conference: checking…")
        try:
            data = read_book(book)
            kind = _detect(book, data)
            report = kind.check(data)
        except InputError as err:
            _bad_input(book, err, "Check")
            return None
        return write_check_result(book, kind, report)
    return None


def write_check_result(book: xw.Book, kind: WorkbookKind, report: Report) -> Report:
    """Check rewrites only the sheets it produced (never the organiser's edited schedule unless the
    kind's check itself returns it) and the Status sheet."""
    sheets = [s for s in report.sheets if s.name != STATUS_SHEET] + [_status_of(report)]
    written = write_report(book, Report(kind=report.kind, sheets=sheets), replace=[STATUS_SHEET],
                           protected=kind.signature)
    _try(lambda: book.sheets[STATUS_SHEET].activate())
    _status(book, False)
    _alert(book, _final_message(report, written, kind, "Check"))
    return report


def publish(book: xw.Book | None = None, folder: str | Path | None = None) -> list[Path] | None:
    """Publish button: the programme of the schedule the workbook holds, as a web page (index.html) and .ics
    calendars, in the folder ``<workbook>_programme`` next to the saved workbook (or ``folder``)."""
    book = _book(book)
    with errors_in_words(book, "Publish"):
        return _publish(book, folder)
    return None


def _publish(book: xw.Book, folder: str | Path | None) -> list[Path] | None:
    from .publish.files import outputs, write_outputs
    from .writing import OutputError

    _status(book, "Conference: publishing the programme…")
    try:
        data = read_book(book)
        kind = _detect(book, data)
        if not kind.publishes:
            _status(book, False)
            _alert(book, f"A {kind.title} has no programme of talks to publish.")
            return None
        prog, zone, extra, warnings = kind.programme(data)
    except InputError as err:
        _status(book, False)
        write_status(book, err.issues, "Nothing was published: fix the problems below, then click Publish again.")
        _alert(book, f"{len(err.errors)} problem(s) in the workbook: see the Status sheet.", mode="critical")
        return None
    if folder is None:
        try:
            path = Path(book.fullname)
        except Exception:  # noqa: BLE001 - an engine without a file behind the book
            path = Path(str(book.name))
        if not path.is_absolute() or not path.is_file():
            _status(book, False)
            _alert(book, "Save the workbook first: the programme is written into a folder next to it.",
                   mode="critical")
            return None
        folder = path.with_name(path.stem + "_programme")
    pub = outputs(prog, zone, extra)
    try:
        written = write_outputs(folder, pub.files)
    except OutputError as err:
        _status(book, False)
        _alert(book, f"Nothing was published: {err}", mode="critical")
        return None
    _status(book, False)
    n_cal = sum(1 for p in written if p.suffix == ".ics" or p.is_dir())
    notes = [str(w) for w in warnings] + pub.warnings
    _alert(book, f"Published {len(prog.talks)} talks to {folder}: index.html (open it in a browser) and the "
                 f"calendars ({n_cal} file(s) or folders)." + ("\n" + "\n".join(notes) if notes else ""))
    return written


def clear_results(book: xw.Book | None = None) -> list[str] | None:
    """Clear results button: delete the kind's result sheets, keep everything else."""
    book = _book(book)
    with errors_in_words(book, "Clear results"):
        return _clear_results(book)
    return None


def _clear_results(book: xw.Book) -> list[str]:
    data = read_book(book)
    kind = detect_kind(data)
    result = set(kind.result_sheets if kind else ()) | {STATUS_SHEET}
    if kind:
        result -= set(kind.signature)
    removed = [s.name for s in book.sheets if s.name in result]
    for name in removed:
        book.sheets[name].delete()
    _alert(book, f"Removed: {', '.join(removed)}." if removed else "There were no result sheets to remove.")
    return removed


def _unique_path(folder: Path, stem: str, suffix: str) -> Path:
    path = folder / f"{stem}{suffix}"
    i = 2
    while path.exists():
        path = folder / f"{stem} ({i}){suffix}"
        i += 1
    return path


def new_workbook(kind: str = "csplib", example: bool = False, folder: str | Path | None = None,
                 open_book: bool = True) -> Path | None:
    """New workbook menu: write a blank or example workbook of ``kind`` (never over an existing
    file) and open it.  Works with no workbook open: the add-in calls it from a blank helper book."""
    with errors_in_words(_caller_or_none() if open_book else None, "New workbook"):
        k = kind_by_name(kind)
        mod = importlib.import_module(k.module.rsplit(".", 1)[0] + ".template")
        if folder is None:
            docs = Path.home() / "Documents"
            folder = docs if docs.is_dir() else Path.home()
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{TEMPLATE_STEMS.get(k.name, k.name)}_{'example' if example else 'blank'}"
        path = _unique_path(folder, stem, ".xlsx")
        with Outputs() as files:  # never a half-written file under that name (xl_confsched.writing)
            (mod.example_workbook if example else mod.blank_workbook)(files.temp_path(path))
            files.commit()
        if open_book:
            xw.Book(str(path))
        return path
    return None


def _caller_or_none() -> xw.Book | None:
    try:
        return xw.Book.caller()
    except Exception:  # noqa: BLE001 - not called from Excel
        return None


CELL_FUNCTIONS_HELP = (
    "Cell functions, in any workbook while the add-in is loaded (Excel for Windows):\n"
    "=CONFSCHED_SCORE(Assignments[#All]) - the objective of the schedule as it stands\n"
    '=CONFSCHED_TERM("presenter conflicts (session)", Assignments[#All]) - one term\n'
    "=CONFSCHED_CONFLICTS(Assignments[#All]) - every violation, one per row\n"
    "Assignments is the table on the Schedule sheet (edit it by hand: the functions follow).\n"
    "They need xlwings' Python connection, which exists only in Excel for Windows; everywhere else the "
    "Live checks sheet gives the same numbers with plain Excel formulas.")


def cell_functions(book: xw.Book | None = None) -> None:
    """Cell functions button: where the functions are and what they need (they live in the add-in)."""
    book = _book(book)
    with errors_in_words(book, "Cell functions"):
        text = CELL_FUNCTIONS_HELP
        if not sys.platform.startswith("win"):
            text = "These cell functions are not available here (they need Excel for Windows).\n\n" + text
        _alert(book, text)


def import_functions(book: xw.Book | None = None) -> None:
    """Old name of :func:`cell_functions` (the functions are built into the add-in now)."""
    cell_functions(book)
