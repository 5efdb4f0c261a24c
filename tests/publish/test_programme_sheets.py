"""The Programme sheet of every kind that schedules talks, as a person sees it: rendered by LibreOffice.

Each kind's shipped example is solved, its Programme sheet exported to PDF (and PNG pages,
which we looked at while building it); the PDF's text layer must hold every talk's title,
presenters and every day, one day per page, and no "###" or cell error anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.render import render
from xl_confsched.cli import main
from xl_confsched.publish.sheet import DAY_FILL, PROGRAMME

ERRORS = re.compile(r"###|#VALUE!|#REF!|#NAME\?|#DIV/0!|#N/A|#NUM!|Err:\d+")


def _flat(text: str) -> str:
    """Whitespace collapsed; a line wrapped after a hyphen joins again ("Remote-\nFirst" → "Remote-First")."""
    return " ".join(re.sub(r"-\n", "-", text).split())


@pytest.fixture(scope="module", params=["csplib", "talks", "personal", "assignment"])
def solved_kind(request, tmp_path_factory):
    d = tmp_path_factory.mktemp(request.param)
    src = d / "example.xlsx"
    assert main(["new", "--kind", request.param, "--example", str(src)]) == 0
    out = d / "solved.xlsx"
    assert main(["solve", str(src), "-o", str(out), "--time-limit", "8", "--quiet"]) == 0
    return request.param, out, d


def _talks(kind: str, out: Path) -> list[tuple[str, list[str]]]:
    """(title, presenters) of every scheduled talk, read from the kind's own result table."""
    wb = load_workbook(out, data_only=True)
    if kind == "csplib":
        ws = wb["Schedule"]
        head = [c.value for c in ws[1]]
        t, p, s = head.index("Title"), head.index("Presenters"), head.index("Session")
        return [(r[t] or r[0], [x.strip() for x in (r[p] or "").split(",") if x.strip()])
                for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and r[s]]
    if kind == "talks":
        ws = wb["Talk Table"]
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        head = list(rows[0])
        t, sp, v = head.index("Title"), head.index("Speaker"), head.index("Venue")
        return [(r[t], [r[sp]]) for r in rows[1:] if r[t] and r[v]]
    if kind == "assignment":
        rows = [list(r) for r in wb["Assignment Table"].iter_rows(values_only=True)]
        i = next(i for i, r in enumerate(rows) if r and r[0] == "Item")
        head = rows[i]
        jp = head.index("Place")
        return [(r[0], []) for r in rows[i + 1:] if r[0] and r[jp]]
    ws = wb["Schedule"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    i = next(i for i, r in enumerate(rows) if "Talk" in r and "Presenter" in r)
    j0 = rows[i].index("Talk")
    return [(r[j0 + 1] or r[j0], [r[j0 + 2]] if r[j0 + 2] else []) for r in rows[i + 1:] if r[j0]]


def test_the_programme_renders_with_every_title_and_one_day_per_page(solved_kind):
    kind, out, d = solved_kind
    shown = render(out, [PROGRAMME], d / "render", dpi=50)
    text = _flat(shown.text)
    assert not ERRORS.search(shown.text), ERRORS.search(shown.text).group(0)
    talks = _talks(kind, out)
    assert talks
    for title, presenters in talks:
        assert _flat(title) in text, f"{kind}: title {title!r} is not in the rendered programme"
        for p in presenters:
            assert _flat(p) in text, p
    ws = load_workbook(out)[PROGRAMME]
    days = [c.value for c in ws["A"] if c.value and c.fill.fill_type == "solid"
            and c.fill.fgColor.rgb.endswith(DAY_FILL)]
    assert days, "the programme has day bands"
    assert len(shown.pages) >= len(days)
    # a day starts a new page: each page's text holds at most one day title
    import subprocess

    for page in range(1, len(shown.pages) + 1):
        one = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(shown.pdf), "-"],
                             capture_output=True, text=True, check=True).stdout
        assert sum(1 for day in days if _flat(day) in _flat(one)) <= 1
    assert all(p.stat().st_size > 5000 for p in shown.pages)


def test_the_programme_sheet_is_set_up_to_print_and_read(solved_kind):
    kind, out, _d = solved_kind
    ws = load_workbook(out)[PROGRAMME]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.freeze_panes and ws.print_title_rows
    head_row = int(ws.freeze_panes[1:]) - 1
    rooms = [c.value for c in ws[head_row]][1:]
    assert rooms and all(ws.column_dimensions[c.column_letter].width >= 30 for c in ws[head_row][1:] if c.value)
    fills = {c.fill.fgColor.rgb for row in ws.iter_rows(min_row=head_row + 1) for c in row[1:]
             if c.value and c.fill and c.fill.fill_type == "solid"}
    if kind not in ("talks", "assignment"):  # these examples have no tracks
        assert len(fills) >= 2, "talks are coloured by track"
    wrapped = [c for row in ws.iter_rows(min_row=head_row + 1) for c in row[1:] if c.value]
    assert wrapped and all(c.alignment.wrap_text for c in wrapped)
