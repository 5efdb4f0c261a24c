"""How a result sheet is laid out: column widths, wrapped cells, row heights, merged titles.

Pure functions of a :class:`~xl_confsched.report.SheetReport`, shared by both writers
(openpyxl for files, xlwings for the live book) so a sheet looks the same in both:

* a column is as wide as its widest value (its header's longest word at least), within
  limits, unless the block gives a width; numbers, dates and times always fit (no "###");
* a text longer than its column wraps, and its row is made tall enough;
* a block title longer than the block is merged across the block and wrapped.

Widths are in Excel's character units (the width of a "0" in the default font).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

if TYPE_CHECKING:  # pragma: no cover
    from .report import Block, SheetReport

MIN_WIDTH = 6.0
MAX_AUTO_WIDTH = 60.0
LINE_HEIGHT = 15.0  # points per line of the default 11-pt font
READABLE_LINE = 110.0  # a long sentence is merged over empty cells up to about this width, then wrapped
PADDING = 2.0

_HYPERLINK = re.compile(r'^=HYPERLINK\(".*?"\s*[,;]\s*"(.*)"\)$', re.S)


def default_number_format(v: Any) -> str | None:
    """The number format a date, time or date-time is written with when the block gives none."""
    if isinstance(v, dt.datetime):
        return "yyyy-mm-dd hh:mm"
    if isinstance(v, dt.date):
        return "yyyy-mm-dd"
    if isinstance(v, dt.time):
        return "hh:mm"
    return None


def display_text(v: Any, number_format: str | None = None) -> str:
    """What a cell shows (as far as its width goes): formatted numbers, dates, times; formulas' labels."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        fmt = (number_format or default_number_format(v) or "").lower()
        has_date = "y" in fmt or "d" in fmt
        has_time = "h" in fmt
        parts = []
        if has_date and isinstance(v, (dt.datetime, dt.date)):
            parts.append(v.strftime("%Y-%m-%d") if "yyyy" in fmt else v.strftime("%m/%d/%y"))
        if has_time and isinstance(v, (dt.datetime, dt.time)):
            parts.append(v.strftime("%H:%M:%S" if "ss" in fmt else "%H:%M"))
        return " ".join(parts) or str(v)
    if isinstance(v, (int, float)):
        fmt = number_format or ""
        if "%" in fmt:
            decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
            return f"{100 * v:.{decimals}f}%"
        if "," in fmt:
            return f"{v:,.0f}" if isinstance(v, int) or float(v).is_integer() else f"{v:,.2f}"
        if isinstance(v, float) and not v.is_integer():
            return f"{v:.10g}"
        return str(int(v)) if isinstance(v, float) else str(v)
    s = str(v)
    if is_formula(v):
        m = _HYPERLINK.match(s)
        return m.group(1) if m else "0000000"  # a computed value: a short number or word
    return s


def is_formula(v: Any) -> bool:
    """Only formulas our code builds (writing.Formula) are formulas; any other text is shown as it is."""
    from .writing import Formula

    return isinstance(v, Formula)


# a column's width unit is the width of a "0"; an average character of text is a little narrower
CHAR = 0.88
BOLD_CHAR = 1.0


def text_width(s: str, bold: bool = False) -> float:
    """Width of the longest line of ``s`` in character units (bold text is a little wider)."""
    if not s:
        return 0.0
    longest = max(len(line) for line in s.split("\n"))
    return longest * (BOLD_CHAR if bold else CHAR)


def longest_word(s: str) -> int:
    return max((len(w) for w in re.split(r"\s+", s) if w), default=0)


def lines_needed(s: str, width: float, bold: bool = False) -> int:
    """Lines a wrapped text takes in a column ``width`` wide (a rough, slightly generous estimate)."""
    usable = max(1.0, width - 1.0)
    k = BOLD_CHAR if bold else CHAR
    total = 0
    for line in s.split("\n"):
        total += max(1, math.ceil(len(line) * k / usable))
    return total


@dataclass
class SheetLayout:
    widths: dict[int, float] = field(default_factory=dict)  # 1-based column -> width
    wrapped: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 1-based
    heights: dict[int, float] = field(default_factory=dict)  # 1-based row -> points (only rows that need it)
    merges: list[str] = field(default_factory=list)  # merged title ranges, e.g. "A1:H1"


def block_origin(block: "Block") -> tuple[int, int]:
    col, row = coordinate_from_string(block.anchor)
    return row, column_index_from_string(col)


def _cell_format(block: "Block", i: int, j: int, v: Any) -> str | None:
    if block.header and i == 0:
        return None
    return getattr(block, "cell_formats", {}).get((i, j)) or block.number_formats.get(j) or default_number_format(v)


def sheet_layout(sheet: "SheetReport") -> SheetLayout:
    lay = SheetLayout()
    # 1. widths: explicit widths win; otherwise the widest value (headers by their longest word)
    explicit: dict[int, float] = {}
    auto: dict[int, float] = {}
    must_fit: dict[int, float] = {}  # numbers, dates, times: never narrower than these
    for block in sheet.blocks:
        r0, c0 = block_origin(block)
        for j, w in block.column_widths.items():
            explicit[c0 + j] = max(explicit.get(c0 + j, 0.0), float(w))
        if getattr(block, "span", 0):
            continue  # merged sentences take the widths they are given
        merged_rows = getattr(block, "merge_rows", set())
        for i, row in enumerate(block.rows):
            head = block.header and i == 0
            if i in merged_rows:
                continue
            for j, v in enumerate(row):
                if v is None or v == "":
                    continue
                col = c0 + j
                s = display_text(v, _cell_format(block, i, j, v))
                if head:
                    want = max(float(longest_word(s)) * BOLD_CHAR + PADDING, min(text_width(s, True) + PADDING, 14.0))
                else:
                    if not isinstance(v, str) or is_formula(v):
                        want = float(len(s)) + PADDING  # digits are as wide as the unit "0"
                        must_fit[col] = max(must_fit.get(col, 0.0), want)
                    else:
                        want = text_width(s) + PADDING
                auto[col] = max(auto.get(col, 0.0), min(want, MAX_AUTO_WIDTH))
    for col in set(explicit) | set(auto) | set(must_fit):
        w = explicit.get(col, max(MIN_WIDTH, auto.get(col, MIN_WIDTH)))
        lay.widths[col] = round(max(w, must_fit.get(col, 0.0)), 1)
    # 2. wrapping and row heights
    occupied = _occupied(sheet)

    def free_right(r: int, col: int, limit: int = 20) -> list[int]:
        """Columns right of ``col`` on row ``r`` that hold nothing (consecutive, at most ``limit``)."""
        out = []
        for c in range(col + 1, col + 1 + limit):
            if (r, c) in occupied:
                break
            out.append(c)
        return out

    def run_on_or_merge(r: int, col: int, tw: float, own: float, bold: bool, size: float = 1.0) -> bool:
        """A text wider than its cell with empty cells to its right: let it run on when it fits there, else
        merge it over them (up to a readable line) and wrap. False when there is no free cell to the right."""
        free = free_right(r, col)
        if not free:
            return False
        widths = [lay.widths.get(c, 8.43) for c in free]
        if tw <= own + sum(widths) - 1:
            return True  # shown whole, running on into the empty cells (as Excel does)
        total, last = own, col
        for c, w in zip(free, widths):
            if total >= min(tw, READABLE_LINE):
                break
            total += w
            last = c
        if last > col:
            lay.merges.append(f"{get_column_letter(col)}{r}:{get_column_letter(last)}{r}")
            occupied.update((r, c) for c in range(col + 1, last + 1))
        lay.wrapped.add((r, col))
        lines[r] = max(lines.get(r, 1), lines_needed(text_of[(r, col)], total / size, bold))
        return True

    text_of: dict[tuple[int, int], str] = {}
    lines: dict[int, int] = {}
    for block in sheet.blocks:
        r0, c0 = block_origin(block)
        width = max((len(r) for r in block.rows), default=0)
        if block.title:
            tr = max(1, r0 - 1)
            span = sum(lay.widths.get(c0 + j, 8.43) for j in range(max(1, width)))
            tw = text_width(block.title, True) * 12 / 11  # titles are 12 pt
            text_of[(tr, c0)] = block.title
            if tw > span - 1 and not run_on_or_merge(tr, c0, tw, lay.widths.get(c0, 8.43), True, 12 / 11):
                if width > 1:
                    lay.merges.append(f"{get_column_letter(c0)}{tr}:{get_column_letter(c0 + width - 1)}{tr}")
                lay.wrapped.add((tr, c0))
                lines[tr] = max(lines.get(tr, 1), lines_needed(block.title, span * 11 / 12, True))
        span = getattr(block, "span", 0)
        if span:
            total = sum(lay.widths.get(c0 + j, 8.43) for j in range(span))
            for i, row in enumerate(block.rows):
                r = r0 + i
                lay.merges.append(f"{get_column_letter(c0)}{r}:{get_column_letter(c0 + span - 1)}{r}")
                lay.wrapped.add((r, c0))
                v = row[0] if row else None
                s = v if isinstance(v, str) and not is_formula(v) else ("x" * int(2.2 * total) if v else "")
                lines[r] = max(lines.get(r, 1), lines_needed(s, total))
            continue
        for i in sorted(getattr(block, "merge_rows", set())):
            if width > 1:
                lay.merges.append(f"{get_column_letter(c0)}{r0 + i}:{get_column_letter(c0 + width - 1)}{r0 + i}")
        for i, row in enumerate(block.rows):
            head = block.header and i == 0
            if i in getattr(block, "merge_rows", set()):
                continue
            for j, v in enumerate(row):
                if not isinstance(v, str) or not v or is_formula(v):
                    continue
                col = c0 + j
                w = lay.widths.get(col, 8.43)
                wrap_all = j in getattr(block, "wrap", set()) and not head
                if not wrap_all and not head and "\n" not in v and text_width(v) > w - 1:
                    text_of[(r0 + i, col)] = v
                    if run_on_or_merge(r0 + i, col, text_width(v), w, (i, j) in block.bold):
                        continue
                if wrap_all or text_width(v, head) > w - 1 or "\n" in v:
                    lay.wrapped.add((r0 + i, col))
                    n = lines_needed(v, w, head)
                    lines[r0 + i] = max(lines.get(r0 + i, 1), n)
        for i, h in getattr(block, "row_heights", {}).items():
            lay.heights[r0 + i] = max(lay.heights.get(r0 + i, 0.0), float(h))
    for r, n in lines.items():
        if n > 1:
            lay.heights[r] = max(lay.heights.get(r, 0.0), min(409.0, n * LINE_HEIGHT + 2))
    return lay


def _occupied(sheet: "SheetReport") -> set[tuple[int, int]]:
    """Every (row, col) that holds something: values, titles, merged sentences and bands."""
    out: set[tuple[int, int]] = set()
    for block in sheet.blocks:
        r0, c0 = block_origin(block)
        width = max((len(r) for r in block.rows), default=0)
        if block.title:
            out.add((max(1, r0 - 1), c0))
        span = getattr(block, "span", 0)
        for i, row in enumerate(block.rows):
            if span:
                out.update((r0 + i, c0 + j) for j in range(span))
                continue
            if i in getattr(block, "merge_rows", set()):
                out.update((r0 + i, c0 + j) for j in range(width))
                continue
            for j, v in enumerate(row):
                if v is not None and v != "":
                    out.add((r0 + i, c0 + j))
            if block.header and i == 0 or getattr(block, "borders", False):
                out.update((r0 + i, c0 + j) for j in range(width))  # a table's own columns
    return out


def item_rows(info: dict[str, Any]) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """("Item", "Value") rows of a Run-style sheet, with percentages written as text ("23.1%") turned into
    numbers with a percent format, so no number is stored as text."""
    rows: list[list[Any]] = [["Item", "Value"]]
    formats: dict[tuple[int, int], str] = {}
    for k, v in info.items():
        if isinstance(v, str) and re.fullmatch(r"\s*[-+]?\d[\d,]*(\.\d+)?\s*%\s*", v):
            num = v.strip()[:-1].replace(",", "")
            decimals = len(num.split(".")[1]) if "." in num else 0
            v = float(num) / 100
            formats[(len(rows), 1)] = "0" + ("." + "0" * decimals if decimals else "") + "%"
        rows.append([k, v])
    return rows, formats
