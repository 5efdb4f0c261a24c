"""Blank and example talk-survey workbooks, written by code (openpyxl).

Both examples are the same seed-fixed instance of the source article's size (32 talks,
about a third of them 50 minutes, 3 venues, 16 half-hour timeslots, 120 attendees × 5
picks, some speakers with two talks) from :mod:`.generator`:

* ``talks_example.xlsx`` (:func:`example_workbook`) solves cleanly as shipped: its
  conflict threshold (20) is the lowest of 10, 20, 30… at which the pairs above it can
  all be kept apart, found as the article's author found theirs ("how small I could make
  the cut-off"), and its largest venue seats every talk's audience;
* ``talks_hard_pairs_example.xlsx`` (:func:`hard_pairs_example_workbook`) keeps the
  article's threshold 10, at which the pairs above it cannot all be kept apart: Solve
  says which talks make it impossible and treats those pairs as heavily weighted soft
  pairs instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .generator import WEIGHT_ROWS, generate

NOTES = {
    "Talks": "Duration in minutes (20, 50, …). Optional: Track; Venue = the talk must be there; "
             "Not at = timeslots it may not use (09:00, 13:30 or a day name, comma separated).",
    "Timeslots": "One row per timeslot in time order. Day may stay empty for a one-day programme. "
                 "Break after = yes when a break follows (no talk runs across it).",
    "Survey": "One row per answer: pick 1 is the attendee's favourite. Copy talk titles exactly.",
}


def _write(path: str | Path, rows: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    widths = {"Talks": [55, 20, 18, 12, 12, 18], "Venues": [16, 10], "Timeslots": [10, 10, 12],
              "Attendees": [24], "Survey": [22] + [45] * 5, "Weights": [22, 10, 90]}
    for name, rs in rows.items():
        ws = wb.create_sheet(name)
        for r in rs:
            ws.append(list(r))
        for c in ws[1]:
            c.font = bold
            c.fill = head_fill
        for j, w in enumerate(widths.get(name, [])):
            ws.column_dimensions[get_column_letter(j + 1)].width = w
        ws.freeze_panes = "A2"
        if name in NOTES:
            col = get_column_letter(max(len(r) for r in rs) + 2)
            ws[f"{col}1"] = NOTES[name]
            ws[f"{col}1"].font = Font(italic=True, color="666666")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def blank_rows() -> dict[str, list[list[Any]]]:
    return {
        "Talks": [["Title", "Speaker", "Duration (minutes)", "Track", "Venue", "Not at"]],
        "Venues": [["Name", "Capacity"]],
        "Timeslots": [["Time", "Day", "Break after"]],
        "Attendees": [["Name"]],
        "Survey": [["Name", "pick 1", "pick 2", "pick 3", "pick 4", "pick 5"]],
        "Weights": [["Setting", "Value", "Meaning"]] + [list(r) for r in WEIGHT_ROWS],
    }


def blank_workbook(path: str | Path) -> Path:
    return _write(path, blank_rows())


EXAMPLE_THRESHOLD = 20
EXAMPLE_CAPACITIES = [95, 20, 15]


def example_rows() -> dict[str, list[list[Any]]]:
    return generate(threshold=EXAMPLE_THRESHOLD, capacities=EXAMPLE_CAPACITIES)


def hard_pairs_example_rows() -> dict[str, list[list[Any]]]:
    return generate(threshold=10)


def example_workbook(path: str | Path) -> Path:
    return _write(path, example_rows())


def hard_pairs_example_workbook(path: str | Path) -> Path:
    return _write(path, hard_pairs_example_rows())


# further shipped examples, written by workbook_templates/generate.py as talks_<name>.xlsx
NAMED_EXAMPLES = {"hard_pairs_example": hard_pairs_example_workbook}
