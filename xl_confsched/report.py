"""Result sheets as plain data, and writing them into a workbook file.

Every planning model turns its solution into a :class:`Report`: a list of
:class:`SheetReport` objects, each a list of :class:`Block` rectangles anchored at a
cell.  The same report is written to an ``.xlsx`` file here (openpyxl) and to a live
Excel book by ``xl_confsched.excel`` (xlwings), so what an organiser sees in Excel and
what the CLI writes are the same thing.

Rules for writers:
* input sheets are never touched; result sheets are replaced as a whole (sheet names
  compared without regard to case, as Excel does);
* only a :class:`Formula` value is written as a formula; every other ``str`` — names,
  titles, notes copied from the inputs — is a text cell, whatever it begins with
  (:func:`xl_confsched.writing.put_cell`);
* the output goes through :class:`xl_confsched.writing.Outputs`: prepared beside the
  target and put in place with the side files, or not at all; the input sheets' formula
  cells keep their cached values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from .errors import InputIssue
from .writing import Formula, Outputs, put_cell

__all__ = ["Block", "Chart", "SheetReport", "Report", "Formula", "SideFile", "STATUS_SHEET", "status_sheet",
           "write_report_file", "write_result_files", "write_sheet_openpyxl", "hyperlink_to"]

# A side file of a report (the CSPLib solution file, calendars, a web page…): called with the
# output workbook's path and the run's Outputs, it prepares its files there with
# ``outputs.write_bytes / write_text / save_workbook / write_folder`` and returns nothing; the
# caller commits them together with the workbook.  It must not write anything itself.
SideFile = Callable[[Path, Outputs], None]


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
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> number format


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
    # side files next to the output workbook (CSPLib solution file, .ics calendars…): see SideFile
    side_files: list[SideFile] = field(default_factory=list)
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
        link = hyperlink_to(i.sheet, i.cell, i.where) if i.cell else i.where
        rows.append([i.severity, link, i.message])
    blocks = [Block(anchor="A3", rows=rows, title=summary or None, column_widths={0: 10, 1: 28, 2: 100})]
    return SheetReport(name=STATUS_SHEET, blocks=blocks)


_CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?[0-9]{1,7}(?::\$?[A-Za-z]{1,3}\$?[0-9]{1,7})?$")


def hyperlink_to(sheet: str, cell: str, label: str) -> Any:
    """A ``HYPERLINK`` formula to ``'sheet'!cell`` showing ``label`` — or the plain label when ``cell``
    is not a cell reference.  Sheet names and labels come from the inputs: they are quoted (``'`` and
    ``"`` doubled) so they can only ever be the link's text, never formula code."""
    if not _CELL_REF.match(cell or ""):
        return label
    target = "#'" + sheet.replace("'", "''") + "'!" + cell
    def lit(s: str) -> str:
        return '"' + s.replace('"', '""') + '"'
    if len(target) > 250 or len(label) > 250:  # Excel's limit for a string in a formula is 255
        return label
    return Formula(f"=HYPERLINK({lit(target)},{lit(label)})", label=label)


# --------------------------------------------------------------------------------------
# openpyxl writer
# --------------------------------------------------------------------------------------

def write_report_file(source: str | Path, report: Report, out: str | Path | None = None,
                      result_sheets: list[str] | None = None, outputs: Outputs | None = None) -> Path:
    """Copy ``source`` to ``out`` (default: overwrite ``source``) with the report's sheets.

    Sheets named in ``result_sheets`` (default: the report's own sheet names and ``Status``)
    are removed first, names compared without regard to case; every other sheet is kept as it
    was, formula cells with their cached values.  With ``outputs`` the workbook joins that set
    of outputs (the caller commits it with the side files); without, it is written on its own,
    atomically.  Macros are kept only when both files are ``.xlsm``.
    """
    from openpyxl import load_workbook

    source = Path(source)
    out = Path(out) if out else source
    keep_vba = source.suffix.lower() in (".xlsm", ".xlam") and out.suffix.lower() in (".xlsm", ".xlam")
    import warnings

    with warnings.catch_warnings():  # what openpyxl cannot keep is reported when the workbook is read
        warnings.simplefilter("ignore", UserWarning)
        wb = load_workbook(source, keep_vba=keep_vba)
    drop = {n.lower() for n in (set(result_sheets or []) | set(report.sheet_names) | {STATUS_SHEET})}
    for name in list(wb.sheetnames):
        if name.lower() in drop:
            del wb[name]
    kept = list(wb.sheetnames)
    for sheet in report.sheets:
        write_sheet_openpyxl(wb, sheet)
    if not wb.sheetnames:
        wb.create_sheet("Sheet1")
    if outputs is not None:
        outputs.save_workbook(out, wb, cached_from=source, keep_sheets=kept)
        return out
    with Outputs() as own:
        own.save_workbook(out, wb, cached_from=source, keep_sheets=kept)
        own.commit()
    return out


def write_result_files(source: str | Path, report: Report, out: str | Path,
                       result_sheets: list[str] | None = None) -> list[Path]:
    """The output workbook and every side file of ``report``, put in place together (or none of
    them: :class:`~xl_confsched.writing.OutputError` says why).  Returns the paths written."""
    with Outputs() as files:
        write_report_file(source, report, out, result_sheets=result_sheets, outputs=files)
        for side in report.side_files:
            side(Path(out), files)
        return files.commit()


def write_sheet_openpyxl(wb, sheet: SheetReport) -> None:
    from copy import copy

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
    # a cell's style is set once per distinct look and copied to every other cell that has it (openpyxl
    # looks each style object up in the workbook's list: setting them cell by cell is most of the write)
    looks: dict[tuple, Any] = {}
    for block in sheet.blocks:
        row0, col0 = block_origin(block)
        if block.title:
            c = put_cell(ws, max(1, row0 - 1), col0, block.title)
            c.font = title_font
        for i, row in enumerate(block.rows):
            for j, v in enumerate(row):
                head = block.header and i == 0
                fill = block.fills.get((i, j)) or (input_fill.fgColor.rgb if i > 0 and j in block.input_columns
                                                   else None)
                wrap = (row0 + i, col0 + j) in lay.wrapped
                if v is None and not (head or fill or block.borders or wrap or (i, j) in block.bold):
                    continue  # an empty, unstyled cell is not written at all
                c = put_cell(ws, row0 + i, col0 + j, v)
                fmt = None if head else (block.cell_formats.get((i, j)) or block.number_formats.get(j) or
                                         default_number_format(c.value))
                look = (head or (i, j) in block.bold, fmt, fill, bool(block.borders), wrap, bool(c.quotePrefix))
                style = looks.get(look)
                if style is not None:
                    c._style = copy(style)
                    continue
                if look[0]:
                    c.font = bold
                if fmt:
                    c.number_format = fmt
                if fill:
                    c.fill = PatternFill("solid", fgColor=fill)
                if block.borders:
                    c.border = box
                # every cell reads from the top of its row (rows grow for wrapped neighbours)
                c.alignment = Alignment(wrap_text=wrap or None, vertical="top")
                looks[look] = copy(c._style)
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
    # every result sheet prints readable by default: landscape, as wide as the page
    _print_setup(ws, sheet.print_setup or PrintSetup())


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
