"""Result sheets as plain data, and writing them into a workbook file.

Every planning model turns its solution into a :class:`Report`: a list of
:class:`SheetReport` objects, each a list of :class:`Block` rectangles anchored at a
cell.  The same report is written to an ``.xlsx`` file here (openpyxl) and to a live
Excel book by ``xl_confsched.excel`` (xlwings), so what an organiser sees in Excel and
what the CLI writes are the same thing.

Rules for writers:
* input sheets are never touched; result sheets are replaced as a whole;
* a value that is a ``str`` starting with ``=`` is written as a formula;
* the output is written to a temporary file first and moved into place only when
  complete, so a failed run leaves the previous results intact.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from .errors import InputIssue


@dataclass
class Block:
    """A rectangle of values written at ``anchor`` (e.g. ``"A1"``).

    ``rows[0]`` is a header row when ``header`` is true (styled bold).  ``title`` goes
    one row above the anchor when given.  ``table_name`` makes the rectangle an Excel
    Table (openpyxl writer) so formulas and the organiser can refer to it by name.
    ``number_formats`` maps a 0-based column to an Excel number format.
    ``conditional`` holds (range relative to the block e.g. ``"H2:H40"``, formula, fill
    hex colour) triples for conditional formatting.
    """

    anchor: str
    rows: list[list[Any]]
    title: str | None = None
    header: bool = True
    table_name: str | None = None
    number_formats: dict[int, str] = field(default_factory=dict)
    conditional: list[tuple[str, str, str]] = field(default_factory=list)
    column_widths: dict[int, float] = field(default_factory=dict)
    input_columns: set[int] = field(default_factory=set)
    # presentation (both writers; widths, wrapping and row heights are completed by sheet_layout)
    wrap: set[int] = field(default_factory=set)  # columns whose data cells always wrap
    fills: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) in the block -> hex colour
    bold: set[tuple[int, int]] = field(default_factory=set)  # (row, col) in the block, besides the header
    row_heights: dict[int, float] = field(default_factory=dict)  # row in the block -> points
    borders: bool = False  # thin borders round every cell of the block
    align_top: bool = False  # data cells aligned to the top (wrapped text reads from the top)
    validations: list["Validation"] = field(default_factory=list)
    span: int = 0  # > 0: each row is one text, merged across this many columns and wrapped (notes, sentences)
    merge_rows: set[int] = field(default_factory=set)  # rows of the block whose first cell spans the block's width


@dataclass
class Validation:
    """A drop-down list on column ``column`` of a block's data rows (and ``spare_rows`` rows below).

    ``source`` is a range formula such as ``"'Live checks'!$A$40:$A$43"`` or a quoted
    list ``'"a,b,c"'``.
    """

    column: int
    source: str
    prompt: str = ""
    spare_rows: int = 0


@dataclass
class PrintSetup:
    """Page set-up of a sheet: orientation, fit to page width, repeated rows, page breaks."""

    landscape: bool = True
    fit_width: bool = True
    title_rows: str | None = None  # e.g. "1:2", repeated at the top of every page
    breaks_before: list[int] = field(default_factory=list)  # 1-based sheet rows that start a new page


@dataclass
class Chart:
    """A simple chart over a block already on the same sheet."""

    kind: Literal["bar", "line"]
    title: str
    anchor: str  # where the chart is placed
    data_ref: str  # e.g. "B1:F4" including header row (series in columns)
    categories_ref: str  # e.g. "A2:A4"


@dataclass
class SheetReport:
    name: str
    blocks: list[Block] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    freeze: str | None = None
    print_setup: PrintSetup | None = None


@dataclass
class Report:
    """What a solve or check produced, ready to be written next to the input sheets."""

    kind: str
    sheets: list[SheetReport] = field(default_factory=list)
    status: str = ""  # e.g. "optimal", "feasible (gap 3.1%)", "relaxed", "checked"
    objective: float | None = None
    summary: str = ""  # the one-paragraph message shown to the organiser
    issues: list[InputIssue] = field(default_factory=list)  # warnings to show on Status
    ok: bool = True  # False: the run produced no usable result; writers must leave previous results alone
    # side files written next to the output workbook by the CLI (e.g. a CSPLib solution file,
    # .ics calendars): each is called with the output workbook's path and returns the paths it wrote
    side_files: list[Callable[[Path], list[Path]]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # machine-readable summary (CLI --json)
    text_sheets: list[str] | None = None  # sheets printed on the terminal (default: all)

    def sheet(self, name: str) -> SheetReport:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]


STATUS_SHEET = "Status"


def status_sheet(issues: list[InputIssue], summary: str = "") -> SheetReport:
    """The Status sheet: a list of problems, each linked to its cell."""
    rows: list[list[Any]] = [["Severity", "Where", "What to do"]]
    for i in issues:
        link = f'=HYPERLINK("#{_quoted(i.where)}","{i.where}")' if i.cell else i.where
        rows.append([i.severity, link, i.message])
    blocks = [Block(anchor="A3", rows=rows, title=summary or None, column_widths={0: 10, 1: 28, 2: 100})]
    return SheetReport(name=STATUS_SHEET, blocks=blocks)


def _quoted(where: str) -> str:
    sheet, cell = where.split("!", 1)
    return f"'{sheet}'!{cell}"


# --------------------------------------------------------------------------------------
# openpyxl writer
# --------------------------------------------------------------------------------------

def write_report_file(source: str | Path, report: Report, out: str | Path | None = None,
                      result_sheets: list[str] | None = None) -> Path:
    """Copy ``source`` to ``out`` (default: overwrite ``source``) with the report's sheets.

    Sheets named in ``result_sheets`` (default: the report's own sheet names and
    ``Status``) are removed first; every other sheet is kept as it was.  The file is
    written to a temporary path and moved into place at the end.
    """
    from openpyxl import load_workbook

    source = Path(source)
    out = Path(out) if out else source
    keep_vba = source.suffix.lower() in (".xlsm", ".xlam")
    wb = load_workbook(source, keep_vba=keep_vba)
    drop = set(result_sheets or []) | set(report.sheet_names) | {STATUS_SHEET}
    for name in list(wb.sheetnames):
        if name in drop:
            del wb[name]
    for sheet in report.sheets:
        write_sheet_openpyxl(wb, sheet)
    fd, tmp = tempfile.mkstemp(suffix=out.suffix or ".xlsx", dir=str(out.parent.resolve()))
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def write_sheet_openpyxl(wb, sheet: SheetReport) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table as XLTable, TableStyleInfo

    from .sheet_layout import block_origin, default_number_format, sheet_layout

    ws = wb.create_sheet(sheet.name)
    lay = sheet_layout(sheet)
    bold = Font(bold=True)
    title_font = Font(bold=True, size=12)
    input_fill = PatternFill("solid", fgColor="FFF2CC")
    thin = Side(style="thin", color="A6A6A6")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for block in sheet.blocks:
        row0, col0 = block_origin(block)
        if block.title:
            c = ws.cell(row=max(1, row0 - 1), column=col0, value=block.title)
            c.font = title_font
        for i, row in enumerate(block.rows):
            for j, v in enumerate(row):
                c = ws.cell(row=row0 + i, column=col0 + j, value=_cell_value(v))
                if isinstance(c.value, str) and not c.value.startswith("="):
                    c.data_type = "s"  # text stays text (never a formula or a number)
                head = block.header and i == 0
                if head or (i, j) in block.bold:
                    c.font = bold
                if not head:
                    fmt = block.number_formats.get(j) or default_number_format(c.value)
                    if fmt:
                        c.number_format = fmt
                if i > 0 and j in block.input_columns:
                    c.fill = input_fill
                if (i, j) in block.fills:
                    c.fill = PatternFill("solid", fgColor=block.fills[(i, j)])
                if block.borders:
                    c.border = box
                wrapped = (row0 + i, col0 + j) in lay.wrapped
                if wrapped or head or (block.align_top and not head):
                    c.alignment = Alignment(wrap_text=wrapped or None, vertical="top" if (
                        block.align_top or head) else None)
        if block.table_name and len(block.rows) >= 2:
            ref = f"{block.anchor}:{get_column_letter(col0 + len(block.rows[0]) - 1)}{row0 + len(block.rows) - 1}"
            t = XLTable(displayName=block.table_name, ref=ref)
            t.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
            ws.add_table(t)
        for rng, formula, colour in block.conditional:
            ws.conditional_formatting.add(
                rng, FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor=colour, bgColor=colour)))
        for val in block.validations:
            first = row0 + (1 if block.header else 0)
            last = row0 + len(block.rows) - 1 + val.spare_rows
            letter = get_column_letter(col0 + val.column)
            dv = DataValidation(type="list", formula1=val.source, allow_blank=True, showDropDown=False,
                                showErrorMessage=False, prompt=val.prompt or None,
                                showInputMessage=bool(val.prompt))
            dv.add(f"{letter}{first}:{letter}{max(first, last)}")
            ws.add_data_validation(dv)
    for (r, col) in lay.wrapped:  # titles merged or wrapped by the layout
        c = ws.cell(row=r, column=col)
        if not c.alignment.wrap_text:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for rng in lay.merges:
        ws.merge_cells(rng)
    for col, w in lay.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w
    for r, h in lay.heights.items():
        ws.row_dimensions[r].height = h
    for chart in sheet.charts:
        _add_chart(ws, chart)
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
    if sheet.print_setup:
        _print_setup(ws, sheet.print_setup)


def _print_setup(ws, ps: PrintSetup) -> None:
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    ws.page_setup.orientation = "landscape" if ps.landscape else "portrait"
    if ps.fit_width:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    if ps.title_rows:
        ws.print_title_rows = ps.title_rows
    if ps.breaks_before:
        ws.row_breaks = RowBreak()
        for r in ps.breaks_before:
            if r > 1:
                ws.row_breaks.append(Break(id=r - 1))
    ws.print_options.gridLines = False


def _cell_value(v: Any) -> Any:
    # pandas / numpy scalars → plain Python
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (AttributeError, ValueError):
            pass
    if isinstance(v, float) and v != v:  # NaN
        return None
    return v


def _add_chart(ws, chart: Chart) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.utils.cell import range_boundaries

    c = BarChart() if chart.kind == "bar" else LineChart()
    c.title = chart.title
    min_col, min_row, max_col, max_row = range_boundaries(chart.data_ref)
    data = Reference(ws, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row)
    c.add_data(data, titles_from_data=True)
    min_col, min_row, max_col, max_row = range_boundaries(chart.categories_ref)
    c.set_categories(Reference(ws, min_col=min_col, min_row=min_row, max_col=max_col, max_row=max_row))
    ws.add_chart(c, chart.anchor)
