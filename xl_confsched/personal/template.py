"""Blank and example workbooks for personalised scheduling (written with openpyxl)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from ..tables import WorkbookData
from .generator import small_example

INSTRUCTIONS = [
    ["Personalised conference scheduling (Vangerven et al., Omega 2018)"],
    [""],
    ["Talks: one row per talk: id, title, presenter (and optionally topic)."],
    ["Profiles: one row per participant, one column per talk id; put 1 (or x) where the participant wants to "
     "attend. Or the long form: two columns participant, talk (one row per tick)."],
    ["Structure: one row per block of consecutive timeslots, in time order: Day, Date, Block (a unique name), "
     "Start (time), Timeslots (talks per session), Parallel rooms (the same in every block), Minutes per talk, "
     "and optionally Time zone (once, e.g. Europe/Brussels: the calendars are written in UTC from it)."],
    ["Rooms: name and capacity (at least as many rooms as parallel sessions)."],
    ["Availability (optional): one row per presenter, one column per day or block name; x where the presenter "
     "cannot present."],
    [""],
    ["Solve: 1. which talks run in parallel (most wanted talks attendable), 2. blocks and sessions (fewest room "
     "switches), 3. blocks to times (presenter availability), then rooms and chairs."],
    ["Results: Schedule, Itineraries (with an .ics calendar next to the output file), Chairs, Achievement, Run, "
     "Status.  Edit the Schedule grid and run Check to score your changes."],
    ["Command line: xl-confsched solve this.xlsx -o solved.xlsx"],
]

BLANK = {
    "Talks": [["id", "title", "presenter", "topic"]],
    "Profiles": [["participant"]],
    "Structure": [["Day", "Date", "Block", "Start", "Timeslots", "Parallel rooms", "Minutes per talk", "Time zone"]],
    "Rooms": [["name", "capacity"]],
    "Availability": [["presenter"]],
}


def _write(data: dict[str, list[list]], path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "Instructions"
    for row in INSTRUCTIONS:
        ws.append(row)
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 120
    head = PatternFill("solid", fgColor="DDEBF7")
    for name, rows in data.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for c in ws[1]:
            c.font = Font(bold=True)
            c.fill = head
        ws.freeze_panes = "B2" if name == "Profiles" else "A2"
        for row in ws.iter_rows(min_row=2):
            for c in row:
                if isinstance(c.value, (datetime, date)):
                    c.number_format = "yyyy-mm-dd"
                elif isinstance(c.value, time):
                    c.number_format = "hh:mm"
        if name == "Profiles":
            ws.column_dimensions["A"].width = 14
            for j in range(2, ws.max_column + 1):
                ws.column_dimensions[get_column_letter(j)].width = 5
        elif name == "Talks":
            ws.column_dimensions["B"].width = 36
            ws.column_dimensions["C"].width = 16
            ws.column_dimensions["D"].width = 20
        else:
            for j in range(1, ws.max_column + 1):
                ws.column_dimensions[get_column_letter(j)].width = 14
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def workbook_from_data(data: WorkbookData, path: str | Path) -> Path:
    return _write({name: t.rows for name, t in data.tables.items()}, path)


def blank_workbook(path: str | Path) -> Path:
    return _write(BLANK, path)


def example_workbook(path: str | Path) -> Path:
    """A small generated conference: 22 talks, 3 rooms, 2 days, 30 participants."""
    return workbook_from_data(small_example(), path)
