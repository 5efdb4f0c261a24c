"""Blank and example talk-survey workbooks, written by code (openpyxl).

The example is a seed-fixed instance of the source article's size (32 talks, about a
third of them 50 minutes, 3 venues, 16 half-hour timeslots, 120 attendees × 5 picks,
some speakers with two talks) from :mod:`.generator`.
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


def example_workbook(path: str | Path) -> Path:
    return _write(path, generate())
