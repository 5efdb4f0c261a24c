"""Tidy sheets: a sweep over every result sheet of every kind's solved example.

For each kind: the shipped example is solved, the output recalculated by LibreOffice, and
every result sheet checked cell by cell:

* no number, percentage, time or date stored as text;
* no text wider than its column (by a margin) unless it wraps or the cells to its right are
  empty (where Excel lets it run on); a wrapped text's row is tall enough for it;
* no "###": numbers, dates and times fit their column;
* no formula error after recalculation.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tests.lo_recalc import recalc
from xl_confsched.cli import main
from xl_confsched.kinds import KINDS, kind_by_name
from xl_confsched.sheet_layout import display_text

TEXT_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?\s*$|^\s*\d{1,2}:\d{2}(:\d{2})?\s*$"
                         r"|^\s*\d{4}-\d{2}-\d{2}\s*$")
ERROR = re.compile(r"^(#VALUE!|#REF!|#NAME\?|#DIV/0!|#N/A|#NUM!|#NULL!|Err:\d+|#ERR)")
DEFAULT_WIDTH = 8.43
MARGIN = 1.15  # text may be 15 % wider than our estimate of the column before it counts as clipped


def _width(ws, col: int) -> float:
    d = ws.column_dimensions.get(get_column_letter(col))
    return d.width if d is not None and d.width else DEFAULT_WIDTH


def _merged(ws) -> dict[tuple[int, int], float]:
    out = {}
    for rng in ws.merged_cells.ranges:
        total = sum(_width(ws, c) for c in range(rng.min_col, rng.max_col + 1))
        for r in range(rng.min_row, rng.max_row + 1):
            out[(r, rng.min_col)] = total
            for c in range(rng.min_col + 1, rng.max_col + 1):
                out[(r, c)] = -1.0  # covered
    return out


@pytest.fixture(scope="module", params=[k.name for k in KINDS])
def solved_example(request, tmp_path_factory):
    kind = request.param
    d = tmp_path_factory.mktemp(f"sweep_{kind}")
    src = d / "example.xlsx"
    try:
        assert main(["new", "--kind", kind, "--example", str(src)]) == 0
    except ModuleNotFoundError:
        pytest.skip(f"{kind} has no example template")
    out = d / "solved.xlsx"
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "10", "--quiet"]) == 0
    return kind, out


def _problems(kind: str, path: Path, values_path: Path) -> list[str]:
    wb = load_workbook(path)
    wv = load_workbook(values_path, data_only=True)
    result = [n for n in wb.sheetnames if n in kind_by_name(kind).result_sheets]
    assert result, "the solve wrote result sheets"
    found: list[str] = []
    for name in result:
        ws, vs = wb[name], wv[name]
        merged = _merged(ws)
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                where = f"{name}!{c.coordinate}"
                shown = vs[c.coordinate].value
                if isinstance(shown, str) and ERROR.match(shown):
                    found.append(f"{where}: formula error {shown}")
                    continue
                if isinstance(v, str) and c.data_type == "s" and TEXT_NUMBER.match(v):
                    found.append(f"{where}: the number/time {v!r} is stored as text")
                span = merged.get((c.row, c.column))
                if span == -1.0:
                    continue
                width = span if span else _width(ws, c.column)
                fmt = c.number_format
                if isinstance(v, (int, float, dt.date, dt.time)) and not isinstance(v, bool) or \
                        (isinstance(shown, (int, float)) and not isinstance(shown, bool) and c.data_type == "f"):
                    text = display_text(shown if c.data_type == "f" else v, fmt if fmt != "General" else None)
                    if len(text) + 1 > width:
                        found.append(f"{where}: {text!r} needs {len(text) + 1} characters, the column has "
                                     f"{width:g} (shows ###)")
                    continue
                if not isinstance(v, str) or c.data_type == "f":
                    continue
                bold = bool(c.font and c.font.b)
                longest = max(len(line) for line in v.split("\n")) * (1.1 if bold else 1.0)
                if c.alignment and c.alignment.wrap_text:
                    per_line = max(1.0, (width - 1) / 0.85)  # characters of text a line holds (a little more than
                    lines = sum(max(1, -(-len(line) // int(per_line))) for line in v.split("\n"))  # the width)
                    height = ws.row_dimensions[c.row].height or 15.0
                    if lines * 12.5 > height + 1:
                        found.append(f"{where}: wrapped text needs {lines} lines, its row is {height:g} pt")
                    continue
                if longest <= width * MARGIN:
                    continue
                right = ws.cell(c.row, c.column + 1).value
                if right is None and not (c.row, c.column + 1) in merged:
                    continue  # runs on into empty cells, as Excel shows it
                found.append(f"{where}: {v[:40]!r} is wider ({longest:.0f}) than its column ({width:g}) and is cut")
    return found


def test_every_result_sheet_is_tidy(solved_example, tmp_path):
    kind, out = solved_example
    values = recalc(out, tmp_path)
    problems = _problems(kind, out, values)
    assert not problems, f"{len(problems)} problem(s) in the {kind} result sheets:\n" + "\n".join(problems[:40])
