"""The **Programme** result sheet: per day, time slots (clock times) × rooms, one colour per track.

Each cell holds the talk's title (its reference when it has none), its presenters and its
track; a talk longer than one time slot fills the cells below it ("continued").  Above each
day's grid: the day; above each session: its name and times.  A legend of the track colours
sits in its own columns right of the grid.  Printing: landscape, fit to the page width, one
day per page.
"""

from __future__ import annotations

from typing import Any

from ..report import Block, PrintSetup, SheetReport
from .programme import Programme, ProgrammeTalk

PROGRAMME = "Programme"
DAY_FILL = "8EA9DB"
SESSION_FILL = "D9E1F2"
ROOM_WIDTH = 34.0
TIME_WIDTH = 13.0


def talk_text(talk: ProgrammeTalk, continued: bool = False) -> str:
    if continued:
        return f"{talk.label} (continued)"
    lines = [talk.label]
    if talk.title and talk.reference and talk.reference != talk.title:
        lines[0] = f"{talk.title} [{talk.reference}]"
    who = ", ".join(talk.presenters)
    extra = " · ".join(x for x in (who, talk.track or "") if x)
    if extra:
        lines.append(extra)
    return "\n".join(lines)


def legend_rows(prog: Programme, per_row: int) -> tuple[list[list[Any]], dict[tuple[int, int], str]]:
    """The track colours laid out across ``per_row`` columns (after a "Tracks" label), as many rows as needed."""
    colours = prog.colours()
    rows: list[list[Any]] = []
    fills: dict[tuple[int, int], str] = {}
    per_row = max(1, per_row)
    for i, k in enumerate(prog.tracks):
        r, j = divmod(i, per_row)
        if j == 0:
            rows.append(["Tracks" if r == 0 else None] + [None] * per_row)
        rows[r][1 + j] = k
        fills[(r, 1 + j)] = colours[k]
    return rows, fills


def programme_sheet(prog: Programme, name: str = PROGRAMME, title: str | None = None) -> SheetReport:
    """The Programme sheet of ``prog``: the track legend, then one table with a band per day and per session."""
    colours = prog.colours()
    R = len(prog.rooms)
    room_ix = {r: i for i, r in enumerate(prog.rooms)}
    legend, legend_fills = legend_rows(prog, R)
    top = 2 + len(legend) + 1  # sheet row of the grid's header (row 1: title; then the legend; one blank row)
    rows: list[list[Any]] = [["Time"] + list(prog.rooms)]
    fills: dict[tuple[int, int], str] = {}
    bold: set[tuple[int, int]] = set()
    merged: set[int] = set()
    breaks: list[int] = []
    for d, (_key, day_title, sessions) in enumerate(prog.days()):
        rows.append([day_title] + [None] * R)
        i = len(rows) - 1
        merged.add(i)
        if d > 0:
            breaks.append(top + i)
        fills[(i, 0)] = DAY_FILL
        bold.add((i, 0))
        for s in sessions:
            sess = prog.sessions[s]
            rows.append([f"{sess.name}, {sess.times}"] + [None] * R)
            i = len(rows) - 1
            merged.add(i)
            fills[(i, 0)] = SESSION_FILL
            bold.add((i, 0))
            first_row = len(rows)
            for t in range(len(sess.slots)):
                rows.append([sess.slot_label(t)] + [None] * R)
            for t in prog.talks_in(s):
                j = 1 + room_ix.get(t.room, 0)
                for k in range(t.slots):
                    i = first_row + t.first_slot + k
                    if i >= len(rows):
                        break
                    text = talk_text(t, continued=k > 0)
                    rows[i][j] = text if rows[i][j] is None else f"{rows[i][j]}\nalso here: {text}"
                    if t.track in colours:
                        fills[(i, j)] = colours[t.track]
    heading = title or (f"Programme of {prog.name}" if prog.name else "Programme")
    widths = {0: TIME_WIDTH} | {1 + r: ROOM_WIDTH for r in range(R)}
    blocks = [Block(anchor="A2", rows=legend, header=False, title=heading, fills=legend_fills,
                    bold={(0, 0)}, column_widths=widths),
              Block(anchor=f"A{top}", rows=rows, fills=fills, bold=bold, borders=True, merge_rows=merged,
                    align_top=True, column_widths=widths, wrap=set(range(1, R + 1)))]
    if prog.notes:
        blocks.append(Block(anchor=f"A{top + len(rows) + 2}", rows=[["Notes"]] + [[n] for n in prog.notes],
                            span=1 + R))
    return SheetReport(name=name, blocks=blocks, freeze=f"B{top + 1}",
                       print_setup=PrintSetup(landscape=True, fit_width=True, title_rows=f"{top}:{top}",
                                              breaks_before=breaks))
