"""Write CSPLib-format instance workbooks from plain Python data.

``InstanceSpec`` holds the organiser's lists (sessions, rooms, tracks, submissions,
penalties, parameters); ``sheets(spec)`` lays them out exactly as the public CSPLib
instances are laid out (the penalty matrices are built from the lists, so they grow
with them); ``write_instance`` saves the workbook.  ``example_workbook`` /
``blank_workbook`` produce the shipped templates; tests build their own (good and
deliberately bad) workbooks the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .terms import TERMS

PARAM_LABELS = {
    "E2": "Tracks_Sessions|Penalty:", "E3": "Tracks_Rooms|Penalty:", "E4": "Sessions_Rooms|Penalty:",
    "E5": "Similar Tracks:", "E6": "Number of Rooms per Track:", "E7": "Parallel Tracks:",
    "E8": "Consecutive Tracks:", "E9": "Submissions_Timezones:", "E10": "Submissions Order:",
    "E11": "Submissions_Sessions|Penalty:", "E12": "Submissions_Rooms|Penalty:",
    "E13": "Presenters Conflicts:", "E14": "Attendees Conflicts:", "E15": "Chairs Conflicts:",
    "E16": "Presenters Conflicts Timeslot Level:", "E17": "Attendees Conflicts Timeslot Level:",
}

DEFAULT_WEIGHTS = {"TS": 1, "TR": 1, "SR": 1, "SIM": 1, "NR": 10, "PAR": 10, "CONS": 5, "TZ": 1, "ORD": 1,
                   "SS": 1, "SP": 1, "PC": 1000, "AC": 10, "CC": 100, "PCT": 100, "ACT": 10}


@dataclass
class InstanceSpec:
    sessions: list[tuple[str, int, Any, Any, Any]]  # name, slots, date, start, end
    rooms: list[str]
    tracks: list[tuple[str, str]]  # name, chairs ("A, B")
    submissions: list[dict[str, Any]]  # ref, track, slots, order, tz, presenters, attendees, ss{}, sp{}
    track_session: dict[tuple[str, str], float] = field(default_factory=dict)
    track_room: dict[tuple[str, str], float] = field(default_factory=dict)
    session_room: dict[tuple[str, str], float] = field(default_factory=dict)
    similar: dict[tuple[str, str], float] = field(default_factory=dict)  # (earlier row, later row)
    local_tz: str = "GMT+0"
    suitable: tuple[Any, Any] = (dt.time(9, 0), dt.time(18, 0))
    less_suitable: tuple[Any, Any] = (dt.time(7, 0), dt.time(21, 0))
    small_penalty: int = 1
    big_penalty: int = 10
    weights: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # optional descriptive columns written after the room columns (e.g. ["Title", "Authors"]);
    # each submission dict holds them under the lower-case header
    descriptive: list[str] = field(default_factory=list)


def sheets(spec: InstanceSpec) -> dict[str, list[list[Any]]]:
    """The nine CSPLib sheets as lists of rows (row 1 = header)."""
    sess = [s[0] for s in spec.sessions]
    rooms = list(spec.rooms)
    tracks = [t[0] for t in spec.tracks]
    out: dict[str, list[list[Any]]] = {}
    out["submissions"] = [["Reference", "Track", "Required Timeslots", "Order", "Time Zone", "Presenters",
                           "Attendees"] + sess + rooms + list(spec.descriptive)]
    for sub in spec.submissions:
        out["submissions"].append(
            [sub["ref"], sub["track"], sub.get("slots", 1), sub.get("order", 0), sub.get("tz", spec.local_tz),
             sub.get("presenters") or None, sub.get("attendees") or None]
            + [sub.get("ss", {}).get(s) for s in sess] + [sub.get("sp", {}).get(r) for r in rooms]
            + [sub.get(h.lower()) for h in spec.descriptive])
    out["tracks"] = [["Tracks", "Chairs"]] + [[name, chairs or None] for name, chairs in spec.tracks]
    out["sessions"] = [["Sessions", "Max Number of Timeslots", "Date", "Start Time", "End Time"]] + \
        [list(s) for s in spec.sessions]
    out["rooms"] = [["Rooms"]] + [[r] for r in rooms]
    p = [[None] * 5 for _ in range(17)]
    p[0][0], p[0][3] = "Sessions", "Weights"
    p[1][0], p[1][1] = "Local time zone:", spec.local_tz
    p[2][0] = "Suitable scheduling times"
    p[3][0], p[3][1] = "From:", spec.suitable[0]
    p[4][0], p[4][1] = "To:", spec.suitable[1]
    p[5][0] = "Less suitable scheduling times"
    p[6][0], p[6][1] = "From:", spec.less_suitable[0]
    p[7][0], p[7][1] = "To:", spec.less_suitable[1]
    p[8][0], p[8][1] = "Penalty:", spec.small_penalty
    p[9][0] = "Unsuitable scheduling times"
    p[10][0], p[10][1] = "Penalty:", spec.big_penalty
    for term in TERMS:
        if term.weight_cell:
            row = int(term.weight_cell[1:]) - 1
            p[row][3] = PARAM_LABELS[term.weight_cell]
            p[row][4] = spec.weights.get(term.key, 0)
    out["parameters"] = p

    def matrix(rows, cols, values):
        m = [[None] + list(cols)]
        for a in rows:
            m.append([a] + [values.get((a, b)) for b in cols])
        return m

    out["tracks_sessions|penalty"] = matrix(tracks, sess, spec.track_session)
    out["tracks_rooms|penalty"] = matrix(tracks, rooms, spec.track_room)
    out["similar tracks"] = matrix(tracks, tracks, spec.similar)
    out["sessions_rooms|penalty"] = matrix(sess, rooms, spec.session_room)
    return out


SHEET_ORDER = ["parameters", "submissions", "tracks", "sessions", "rooms", "tracks_sessions|penalty",
               "tracks_rooms|penalty", "similar tracks", "sessions_rooms|penalty"]


TABLES = {"submissions": "submissions", "tracks": "tracks", "sessions": "sessions", "rooms": "rooms"}
INPUT_FILL = "FFF2CC"  # input cells: light yellow; result/formula cells are never filled this way
TIMEZONES = ",".join([f"GMT-{i}" for i in range(12, 0, -1)] + ["GMT+0"] + [f"GMT+{i}" for i in range(1, 13)])


def write_sheets(rows_by_sheet: dict[str, list[list[Any]]], path: str | Path, instructions: bool = False,
                 styled: bool = False) -> Path:
    """Write the sheets; ``styled`` adds what an organiser's template needs.

    Styled templates get Excel Tables for the list sheets (named like the sheets, so the
    add-in finds them wherever they are moved), drop-down lists for track / session /
    room / time-zone cells, whole-number and number validation for slots, orders,
    weights and penalties, and input cells painted apart from everything computed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    if instructions:
        ws = wb.create_sheet("Instructions")
        for line in INSTRUCTIONS:
            ws.append([line])
        ws["A1"].font = Font(bold=True, size=14)
        ws.column_dimensions["A"].width = 110
    order = [s for s in SHEET_ORDER if s in rows_by_sheet] + [s for s in rows_by_sheet if s not in SHEET_ORDER]
    fill = PatternFill("solid", fgColor=INPUT_FILL)
    for name in order:
        ws = wb.create_sheet(name)
        for row in rows_by_sheet[name]:
            ws.append(row)
        for c in ws[1]:
            c.font = Font(bold=True)
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, dt.time):
                    c.number_format = "hh:mm"
                elif isinstance(c.value, (dt.date, dt.datetime)):
                    c.number_format = "mm/dd/yyyy"
        if styled:
            _style_sheet(ws, name, rows_by_sheet, fill)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _style_sheet(ws, name: str, rows_by_sheet: dict[str, list[list[Any]]], fill) -> None:
    from openpyxl.utils import get_column_letter as L
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    rows = rows_by_sheet[name]
    width = max(len(r) for r in rows)
    spare = 200  # validation and input styling reach below the data for rows the organiser adds
    last = len(rows) + spare
    n_tracks = len(rows_by_sheet["tracks"]) - 1

    def paint(c1: int, r1: int, c2: int, r2: int) -> None:
        for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
            for c in row:
                c.fill = fill

    def validate(kind: str, ref: str, prompt: str, **kw) -> None:
        dv = DataValidation(type=kind, allow_blank=True, showErrorMessage=True, error=prompt,
                            errorTitle="xl_confsched", prompt=prompt, showInputMessage=True, **kw)
        for part in ref.split():
            dv.add(part)
        ws.add_data_validation(dv)

    if name in TABLES and len(rows) >= 2:
        t = Table(displayName=TABLES[name], ref=f"A1:{L(width)}{len(rows)}")
        t.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        ws.add_table(t)
    for j in range(1, width + 1):
        ws.column_dimensions[L(j)].width = 16 if j > 1 else 18
    tracks_list = f"tracks!$A$2:$A${1 + n_tracks + spare}"
    if name == "submissions":
        paint(1, 2, width, len(rows))
        validate("list", f"B2:B{last}", "Choose a track from the tracks sheet.", formula1=tracks_list)
        validate("whole", f"C2:C{last}", "Required time slots: a whole number from 1 to the longest session.",
                 operator="between", formula1="1", formula2="99")
        validate("whole", f"D2:D{last}", "Order within the track: 0 (any) or 1, 2, 3, ...",
                 operator="greaterThanOrEqual", formula1="0")
        validate("list", f"E2:E{last}", "Time zone of the presenter: GMT-12 ... GMT+12.", formula1=f'"{TIMEZONES}"')
        head = [str(v or "").strip().lower() for v in rows[0]]
        n_pen = next((j for j in range(7, width) if head[j] in ("title", "authors", "abstract", "type", "url")),
                     width)
        if n_pen > 7:
            validate("decimal", f"H2:{L(n_pen)}{last}", "A penalty (a number); leave empty for none.",
                     operator="greaterThanOrEqual", formula1="-1000000000")
        ws.column_dimensions["F"].width = 30
        ws.column_dimensions["G"].width = 30
        for j in range(n_pen, width):
            ws.column_dimensions[L(j + 1)].width = 44 if head[j] in ("title", "abstract") else 16
    elif name in ("tracks", "sessions", "rooms"):
        paint(1, 2, width, len(rows))
        if name == "sessions":
            validate("whole", f"B2:B{last}", "Number of time slots in the session (1 or more).",
                     operator="greaterThanOrEqual", formula1="1")
            validate("time", f"D2:E{last}", "A time of day, e.g. 09:30.", operator="between",
                     formula1="0", formula2="0.999988")
    elif name == "parameters":
        for ref in ("B2", "B4", "B5", "B7", "B8", "B9", "B11"):
            ws[ref].fill = fill
        paint(5, 2, 5, 17)
        validate("list", "B2", "The conference's time zone: GMT-12 ... GMT+12.", formula1=f'"{TIMEZONES}"')
        validate("whole", "B9 B11 E2:E17", "A whole number (a weight of 0 switches the term off).",
                 operator="between", formula1="-1000000000", formula2="1000000000")
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["D"].width = 40
    elif name.endswith("|penalty") or name == "similar tracks":
        paint(2, 2, width, len(rows))
        validate("decimal", f"B2:{L(width)}{len(rows)}", "A penalty (a number); leave empty for none.",
                 operator="greaterThanOrEqual", formula1="-1000000000")


def write_instance(spec: InstanceSpec, path: str | Path, instructions: bool = False, styled: bool = False) -> Path:
    return write_sheets(sheets(spec), path, instructions=instructions, styled=styled)


INSTRUCTIONS = [
    "xl_confsched — conference schedule (CSPLib template)",
    "",
    "1. List your sessions (sheet 'sessions': name, number of time slots, date, start and end time), rooms and "
    "tracks (with their chairs, comma-separated).",
    "2. List the submissions: reference, track, required time slots, order within the track (0 = any), the "
    "presenter's time zone (GMT+n / GMT-n), presenters and attendees (comma-separated names).",
    "   From column H: one column per session, then one per room, holding a penalty where the submission should "
    "not go (empty = no penalty).",
    "3. Fill the penalty matrices (tracks × sessions, tracks × rooms, sessions × rooms, similar tracks: upper "
    "triangle) — empty cells mean 0.",
    "4. Set the weights on 'parameters' (column E; 0 switches a term off) and the time-zone windows (column B).",
    "5. Conference ▸ Solve (or: xl-confsched solve this.xlsx). The result sheets Schedule, Violations, "
    "Achievement and Run appear next to these sheets; your input sheets are never changed.",
]


def example_spec() -> InstanceSpec:
    """A small but complete conference: 31 submissions, 6 tracks, 4 sessions, 3 rooms."""
    day1, day2 = dt.datetime(2026, 6, 15), dt.datetime(2026, 6, 16)
    sessions = [("Mon AM", 4, day1, dt.time(9, 0), dt.time(10, 30)),
                ("Mon PM", 4, day1, dt.time(14, 0), dt.time(15, 30)),
                ("Tue AM", 4, day2, dt.time(9, 0), dt.time(10, 30)),
                ("Tue PM", 3, day2, dt.time(16, 0), dt.time(17, 0))]
    rooms = ["Aula", "Room B", "Room C"]
    tracks = [("Scheduling", "Alice Martin"), ("Routing", "Bruno Costa"), ("Healthcare", "Chen Wei"),
              ("Energy", "Dana Novak"), ("Timetabling", "Alice Martin"), ("Logistics", "Erik Holm")]
    people = ["Farah Aziz", "Goran Ilic", "Hana Sato", "Ivan Petrov", "Julia Kern", "Kofi Mensah", "Lena Vogt",
              "Marta Ruiz", "Nils Berg", "Omar Haddad", "Priya Nair", "Quentin Roy", "Rosa Lima", "Sven Olsen",
              "Tariq Khan", "Uma Rao", "Victor Hugo", "Wen Li", "Xavier Dupont", "Yara Saleh", "Zoe Clark"]
    subs: list[dict[str, Any]] = []
    plan = {"Scheduling": 6, "Routing": 5, "Healthcare": 5, "Energy": 5, "Timetabling": 5, "Logistics": 5}
    i = 0
    for track, count in plan.items():
        for j in range(count):
            p = people[i % len(people)]
            subs.append({"ref": f"{track[:3].upper()}{j + 1:02d}", "track": track, "order": 0, "presenters": p})
            i += 1
    by_ref = {s["ref"]: s for s in subs}
    # presenters are shared between tracks (the list above wraps round: TIMnn shares its presenter with
    # SCHnn, LOGnn with SCH06/ROUnn); a few more, including a two-presenter talk
    by_ref["ROU02"]["presenters"] = "Farah Aziz"  # also presents SCH01 and TIM01
    by_ref["ENE03"]["presenters"] = "Goran Ilic, Hana Sato"  # also SCH02 / SCH03
    # a two-slot tutorial that must stay contiguous
    by_ref["TIM01"].update(slots=2, order=1)
    by_ref["TIM02"]["order"] = 2
    # the keynote-style first talk of Scheduling, and order inside Healthcare
    by_ref["SCH01"]["order"] = 1
    by_ref["HEA01"]["order"] = 1
    by_ref["HEA02"]["order"] = 2
    # an online presenter far away (local time GMT+1, presenter GMT-8)
    by_ref["ENE05"].update(tz="GMT-8", presenters="Zoe Clark")
    # attendees who want to see talks in different tracks
    by_ref["SCH04"]["attendees"] = "Paula Weiss"
    by_ref["ROU04"]["attendees"] = "Paula Weiss"
    by_ref["HEA03"]["attendees"] = "Tom Becker"
    by_ref["ENE02"]["attendees"] = "Tom Becker"
    # submission-level preferences
    by_ref["LOG02"]["ss"] = {"Mon AM": 5}
    by_ref["HEA05"]["sp"] = {"Room C": 3}
    for ref, (title, kind) in EXAMPLE_TITLES.items():
        by_ref[ref]["title"] = title
        by_ref[ref]["type"] = kind
    by_ref["TIM01"]["url"] = "https://www.example.org/tutorials/timetabling"
    return InstanceSpec(
        sessions=sessions, rooms=rooms, tracks=tracks, submissions=subs,
        track_session={("Energy", "Tue PM"): 10, ("Scheduling", "Tue PM"): 5, ("Logistics", "Mon AM"): 2},
        track_room={("Scheduling", "Room C"): 5, ("Healthcare", "Aula"): 1},
        session_room={("Tue PM", "Aula"): 3},
        similar={("Scheduling", "Timetabling"): 20, ("Routing", "Logistics"): 10},
        local_tz="GMT+1", suitable=(dt.time(8, 0), dt.time(18, 0)), less_suitable=(dt.time(6, 0), dt.time(21, 0)),
        small_penalty=1, big_penalty=10, descriptive=["Title", "Type", "URL"],
    )


EXAMPLE_TITLES = {
    "SCH01": ("Fifty years of scheduling: a keynote", "Keynote"),
    "SCH02": ("Constraint programming for shift rosters", "Talk"),
    "SCH03": ("Robust job-shop schedules under machine breakdowns", "Talk"),
    "SCH04": ("Learning dispatching rules with graph networks", "Talk"),
    "SCH05": ("Scheduling with setup times: a survey", "Talk"),
    "SCH06": ("Lot sizing meets scheduling", "Talk"),
    "ROU01": ("Vehicle routing with time windows at city scale", "Talk"),
    "ROU02": ("Electric fleets and charging stops", "Talk"),
    "ROU03": ("Last-mile delivery with cargo bikes", "Talk"),
    "ROU04": ("Dynamic ride sharing in real time", "Talk"),
    "ROU05": ("Arc routing for snow ploughs", "Talk"),
    "HEA01": ("Operating-theatre planning: the state of the art", "Talk"),
    "HEA02": ("Nurse rostering with fairness", "Talk"),
    "HEA03": ("Ambulance location under uncertainty", "Talk"),
    "HEA04": ("Home-care routing and scheduling", "Talk"),
    "HEA05": ("Appointment systems for outpatient clinics", "Talk"),
    "ENE01": ("Unit commitment with renewables", "Talk"),
    "ENE02": ("Battery storage in day-ahead markets", "Talk"),
    "ENE03": ("Hydrogen supply chains", "Talk"),
    "ENE04": ("Demand response for heat pumps", "Talk"),
    "ENE05": ("Offshore wind maintenance planning (online)", "Talk"),
    "TIM01": ("Tutorial: university course timetabling", "Tutorial"),
    "TIM02": ("Exam timetabling with room splitting", "Talk"),
    "TIM03": ("Sports league scheduling", "Talk"),
    "TIM04": ("School timetables teachers like", "Talk"),
    "TIM05": ("Railway timetabling and delays", "Talk"),
    "LOG01": ("Warehouse order picking", "Talk"),
    "LOG02": ("Port terminal berth allocation", "Talk"),
    "LOG03": ("Inventory routing for fuel delivery", "Talk"),
    "LOG04": ("Network design for parcel hubs", "Talk"),
    "LOG05": ("Cross-docking under uncertainty", "Talk"),
}


def blank_spec() -> InstanceSpec:
    """A blank template: one of everything, for the organiser to overwrite."""
    return InstanceSpec(
        sessions=[("Session 1", 4, None, dt.time(9, 0), dt.time(10, 30))], rooms=["Room 1"],
        tracks=[("Track 1", None)],
        submissions=[{"ref": "S1", "track": "Track 1", "order": 0, "presenters": "Presenter name",
                      "title": "Title of the talk"}],
        descriptive=["Title"],
    )


def example_workbook(path: str | Path) -> Path:
    return write_instance(example_spec(), path, instructions=True, styled=True)


def blank_workbook(path: str | Path) -> Path:
    return write_instance(blank_spec(), path, instructions=True, styled=True)
