"""Blank and example assignment workbooks, written by code (openpyxl).

``blank_workbook`` writes the input sheets with their headers, the default settings and
a "How to" sheet; ``example_workbook`` writes the baristas example; ``EXAMPLES`` has the
other two shipped examples (students, talks), which ``workbook_templates/generate.py``
writes as ``assignment_<name>.xlsx``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from . import examples as X

HOW_TO = [
    ["How to fill in this workbook"],
    ["1. Items: one row per thing to place (a talk, a shift, a lesson). Name; Length = how many consecutive slots "
     "it takes (empty = 1); any other column is an attribute a rule can name (Person, Group, Skill, Audience…). "
     "A cell may hold several values separated by commas."],
    ["2. Places: one row per place (room, station, class). Name; Capacity or other attributes."],
    ["3. Slots: one row per time slot in time order. Name (or Time), Day (empty = the day above), Break after "
     "(yes = no item runs across it), attributes (Part of day…)."],
    ["4. Pair weights (optional): Item | Item | Weight — a positive weight is the cost of the two sharing a slot, "
     "a negative one the cost of them not sharing one. Use the rule 'pair weights'."],
    ["5. Rules: one rule in words a row; Hard or soft; Weight = cost per unit broken (a hard rule's weight is used "
     "only if the hard rules cannot all hold; empty = 1000)."],
    ["6. Settings: Each item placed (exactly once / at most once); Items per place and slot (a number or a Places "
     "column such as Capacity)."],
    ["7. Conference > Solve (or: xl-confsched solve this.xlsx). Edit Place / Start on the Assignment Table and "
     "click Check to re-score."],
    [""],
    ["Rules you can write (names as on the sheets; quote a name that is a single keyword):"],
    ["Keynote in Aspen · Keynote not on day 2 · Workshop in slot 09:00 or slot 09:30 · Keynote starts at 09:00"],
    ["never together Talk A, Talk B · together Talk A, Talk B · Talk A before Talk B · Talk A right after Talk B"],
    ["at most 2 items of Group Security per day · at least 1 item with Skill Espresso in every slot"],
    ["exactly 5 slots per day for each Person · no items in Drama at P3 · at most 3 items per place and day"],
    ["a Person is never in two places at once · every item not on its Unavailable · every item in its Choices"],
    ["Audience fits Capacity · pair weights · never together pairs with weight above 10 · every item placed"],
    ["if Keynote in morning then Panel in afternoon · not (A in Aspen) · A in Aspen and B in Fir · … or …"],
]

WIDTHS = {"Items": [30, 8, 16, 16, 20, 16], "Places": [18, 10, 12], "Slots": [14, 10, 12],
          "Pair weights": [30, 30, 9], "Rules": [70, 12, 9, 60], "Settings": [26, 16, 70], "How to": [140]}


def write(path: str | Path, rows: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for name, rs in list(rows.items()) + [("How to", HOW_TO)]:
        ws = wb.create_sheet(name)
        for r in rs:
            ws.append(list(r))
        for c in ws[1]:
            c.font = bold
            if name != "How to":
                c.fill = head_fill
        for j, w in enumerate(WIDTHS.get(name, [])):
            ws.column_dimensions[get_column_letter(j + 1)].width = w
        ws.freeze_panes = "A2" if name != "How to" else None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def blank_workbook(path: str | Path) -> Path:
    return write(path, X.blank())


def example_workbook(path: str | Path) -> Path:
    return write(path, X.baristas())


# the other shipped examples (``example_workbook`` is the baristas one)
EXAMPLES: dict[str, Callable[[str | Path], Path]] = {
    name: (lambda path, fn=fn: write(path, fn())) for name, fn in X.EXAMPLES.items() if name != "baristas"}
