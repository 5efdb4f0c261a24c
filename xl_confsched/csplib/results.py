"""Result sheets of a conference schedule: Schedule, Violations, Achievement, Run.

Input: the problem, a schedule, its :class:`Evaluation` (the independent evaluator's,
never the model's) and, after a solve, the optimiser's ``SolveResult``.  Output:
:class:`~xl_confsched.report.SheetReport` objects.

The **Schedule** sheet holds the schedule twice: at ``A1`` the CSPLib solution layout
(tracks grid, blank row, submissions grid by session and time slot) and, to its right,
the per-submission table (an Excel Table named ``Assignments``) — the table is what the
organiser edits (Session, Room, Time slot, Locked); Check re-reads it.
"""

from __future__ import annotations

import datetime as dt
import platform
from typing import Any

from openpyxl.utils import get_column_letter

from ..errors import IssueLog
from ..report import Block, SheetReport, Validation
from ..tables import Table, is_blank
from .evaluate import Evaluation
from .problem import Problem
from .reader import parse_int, text
from .schedule import Schedule

SCHEDULE = "Schedule"
VIOLATIONS = "Violations"
ACHIEVEMENT = "Achievement"
RUN = "Run"
TABLE_NAME = "Assignments"
ASSIGNMENT_COLUMNS = ["Reference", "Title", "Track", "Session", "Room", "Time slot", "Slots", "Date", "Start",
                      "End", "Presenters", "Locked"]
EDITABLE = ("Session", "Room", "Time slot", "Locked")


def assignment_table_column(problem: Problem) -> int:
    """0-based column where the per-submission table (Assignments) starts."""
    return 0


def _time(minutes: int) -> dt.time:
    return dt.time((minutes // 60) % 24, minutes % 60)


def time_order(problem: Problem) -> list[int]:
    """Session indices in time order (date, start time, then sheet order)."""
    return sorted(range(problem.S), key=lambda s: (problem.sessions[s].date or "", problem.sessions[s].start, s))


def assignment_rows(problem: Problem, sched: Schedule, locked: set[int] | None = None) -> list[list[Any]]:
    """The Assignments table, sorted by time (session, time slot, room); unscheduled talks last."""
    locked = locked or set()
    rows: list[list[Any]] = [list(ASSIGNMENT_COLUMNS)]
    cells = sched.cells_of()
    pos = {s: i for i, s in enumerate(time_order(problem))}
    body: list[tuple[tuple, list[Any]]] = []
    for n, sub in enumerate(problem.submissions):
        where = cells.get(n)
        lock = "yes" if n in locked else None
        track = problem.tracks[sub.track].name
        who = ", ".join(sub.presenters) or None
        if not where:
            body.append(((1, 0, 0, 0, n), [sub.ref, sub.title, track, None, None, None, sub.required_slots, None,
                                           None, None, who, lock]))
            continue
        s, r, t = where[0]
        sess = problem.sessions[s]
        start, end = sess.slot_times(t, sub.required_slots)
        day = dt.date.fromisoformat(sess.date) if sess.date else None
        body.append(((0, pos[s], t, r, n), [sub.ref, sub.title, track, sess.name, problem.rooms[r], t + 1,
                                            sub.required_slots, day, _time(start), _time(end), who, lock]))
    rows += [r for _, r in sorted(body, key=lambda x: x[0])]
    return rows


def grid_rows(problem: Problem, sched: Schedule) -> tuple[list[list[Any]], list[list[Any]]]:
    """The tracks grid (session × room) and the talks grid (session, time slot × room), in time order."""
    tracks: list[list[Any]] = [["Session", "Date", "Time"] + list(problem.rooms)]
    talks: list[list[Any]] = [["Session", "Time slot", "Time"] + list(problem.rooms)]
    for s in time_order(problem):
        sess = problem.sessions[s]
        day = dt.date.fromisoformat(sess.date) if sess.date else None
        a, b = sess.start, sess.end
        tracks.append([sess.name, day, f"{_clock(a)}–{_clock(b)}"]
                      + [problem.tracks[sched.grid[(s, r)]].name if (s, r) in sched.grid else None
                         for r in range(problem.R)])
        for t in range(sess.slots):
            a, b = sess.slot_times(t)
            talks.append([sess.name, t + 1, f"{_clock(a)}–{_clock(b)}"]
                         + [problem.submissions[sched.cells[(s, r, t)]].ref if (s, r, t) in sched.cells else None
                            for r in range(problem.R)])
    return tracks, talks


def _clock(minutes: int) -> str:
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def schedule_sheet(problem: Problem, sched: Schedule, locked: set[int] | None = None) -> SheetReport:
    """Assignments (the table to edit) at A1; right of it the tracks grid and the talks grid, with headings."""
    from .live_formulas import LIVE, list_ranges

    rows = assignment_rows(problem, sched, locked)
    col = {name: j for j, name in enumerate(ASSIGNMENT_COLUMNS)}
    sessions_src, rooms_src = list_ranges(problem)
    table = Block(anchor="A1", rows=rows, table_name=TABLE_NAME, input_columns={col[c] for c in EDITABLE},
                  column_widths={col["Title"]: 40, col["Presenters"]: 28},
                  wrap={col["Title"]},
                  validations=[Validation(col["Session"], f"'{LIVE}'!{sessions_src}",
                                          "Choose a session; then Room and Time slot, and click Check.", 50),
                               Validation(col["Room"], f"'{LIVE}'!{rooms_src}", "Choose a room.", 50),
                               Validation(col["Locked"], '"yes"', "yes: keep this talk here when solving again.",
                                          50)])
    g0 = get_column_letter(len(ASSIGNMENT_COLUMNS) + 2)
    tracks, talks = grid_rows(problem, sched)
    blocks = [table,
              Block(anchor=f"{g0}3", rows=tracks, title="Tracks by session and room"),
              Block(anchor=f"{g0}{3 + len(tracks) + 2}", rows=talks,
                    title="Talks by session and time slot (the CSPLib solution layout)")]
    return SheetReport(name=SCHEDULE, blocks=blocks, freeze="B2")


def read_assignment_table(problem: Problem, t: Table, log: IssueLog) -> tuple[Schedule, set[int]] | None:
    """The schedule from the per-submission table of a Schedule sheet (hand edits included).

    The track grid follows from the table: a (session, room) holds the track of the
    submission in its earliest slot.  Returns (schedule, locked submissions) or None if
    the sheet has no such table.
    """
    head = None
    for i in range(min(t.n_rows, 5)):
        labels = {text(t.value(i, j)).lower(): j for j in range(t.n_cols) if text(t.value(i, j))}
        if "reference" in labels and "session" in labels:
            head = (i, labels)
            break
    if head is None:
        return None
    i0, labels = head
    need = [c for c in ("Room", "Time slot") if c.lower() not in labels]
    if need:
        log.error(t.ref(i0, t.n_cols), f"the Assignments table has no column {' or '.join(need)}. Solve again to "
                                       f"rewrite the Schedule sheet.")
        return None
    jr, js, jm, jt = (labels[c] for c in ("reference", "session", "room", "time slot"))
    jl = labels.get("locked")
    sched = Schedule()
    locked: set[int] = set()
    first: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(i0 + 1, t.n_rows):
        ref = text(t.value(i, jr))
        if not ref:
            continue
        n = problem.find_submission(ref)
        if n is None:
            log.error(t.ref(i, jr), f"'{ref}' is not a submission reference of the instance. Use a reference "
                                    f"from the submissions sheet.")
            continue
        if jl is not None and text(t.value(i, jl)).lower() in ("yes", "y", "x", "1", "true", "locked"):
            locked.add(n)
        sess_name, room_name, slot_raw = text(t.value(i, js)), text(t.value(i, jm)), t.value(i, jt)
        if not sess_name and not room_name and is_blank(slot_raw):
            continue  # not scheduled
        s = problem.session_index.get(sess_name)
        r = problem.room_index.get(room_name)
        slot = parse_int(slot_raw)
        if s is None:
            log.error(t.ref(i, js), f"{ref}: '{sess_name}' is not a session. Use a name from the sessions "
                                        f"sheet, or clear Session, Room and Time slot to unschedule it.")
        if r is None:
            log.error(t.ref(i, jm), f"{ref}: '{room_name}' is not a room. Use a name from the rooms sheet.")
        if s is not None and (slot is None or not 1 <= slot <= problem.sessions[s].slots):
            log.error(t.ref(i, jt), f"{ref}: time slot '{text(slot_raw)}' is not between 1 and "
                                        f"{problem.sessions[s].slots} (the slots of {sess_name}).")
            continue
        if s is None or r is None or slot is None:
            continue
        req = problem.submissions[n].required_slots
        for tt in range(slot - 1, slot - 1 + req):
            if tt >= problem.sessions[s].slots:
                log.error(t.ref(i, jt), f"{ref} needs {req} slots from slot {slot}, but {sess_name} has only "
                                            f"{problem.sessions[s].slots}. Start it earlier.")
                break
            if (s, r, tt) in sched.cells:
                other = problem.submissions[sched.cells[(s, r, tt)]].ref
                log.error(t.ref(i, jt), f"{ref} and {other} are both in {sess_name}/{room_name} slot {tt + 1}. "
                                            f"Move one of them.")
                break
            sched.cells[(s, r, tt)] = n
        key = (s, r)
        if key not in first or slot - 1 < first[key][0]:
            first[key] = (slot - 1, problem.submissions[n].track)
    for key, (_, k) in first.items():
        sched.grid[key] = k
    return sched, locked


def violations_sheet(problem: Problem, ev: Evaluation) -> SheetReport:
    rows: list[list[Any]] = [["Term", "Weight", "Amount", "Penalty", "What happened", "Where"]]
    for term in ev.terms:
        if not term.active:
            continue
        w = term.weight if term.info.weight_cell else 1
        for v in term.violations:
            where = "; ".join(
                f"{problem.sessions[c[0]].name}/{problem.rooms[c[1]]}" + (f" slot {c[2] + 1}" if len(c) > 2 else "")
                for c in v.cells)
            rows.append([term.info.name, w, _n(v.amount), _n(v.amount * w), v.facts, where])
    notes: list[list[Any]] = [["Check", "Result"],
                              ["All submissions scheduled", "yes" if ev.all_scheduled else "no"],
                              ["Valid (every submission in its own track's room)", "yes" if ev.valid else "no"]]
    for u in ev.unscheduled:
        notes.append(["Not scheduled as required", u])
    for m in ev.misplaced:
        notes.append(["In another track's room", m])
    inactive = [t.info.name for t in ev.terms if not t.active and t.violations]
    if inactive:
        notes.append(["Switched off by weight ≤ 0 (not counted)", ", ".join(inactive)])
    blocks = [Block(anchor="A2", rows=rows, title=f"{len(rows) - 1} violation(s); objective {_n(ev.total)}",
                    column_widths={0: 30, 1: 8, 2: 9, 3: 10, 4: 90, 5: 40}),
              Block(anchor=f"A{len(rows) + 5}", rows=notes, title="Completeness")]
    return SheetReport(name=VIOLATIONS, blocks=blocks, freeze="A3")


def achievement_sheet(problem: Problem, ev: Evaluation, bounds: dict[str, float] | None = None,
                      methods: dict[str, str] | None = None, solver_bound: float | None = None,
                      solver_scope: str = "") -> SheetReport:
    bounds = bounds or {}
    methods = methods or {}
    total = ev.total
    rows: list[list[Any]] = [["Term", "Weight", "Violations", "Weighted penalty", "Share of total",
                              "Best alone (bound)", "How the bound was found", "Status"]]
    for term in ev.terms:
        w = term.weight if term.info.weight_cell else "always"
        if not term.active:
            rows.append([term.info.name, w, len(term.violations), 0, 0, None, "", "off (weight ≤ 0)"])
            continue
        pen = term.penalty
        b = bounds.get(term.key)
        if pen == 0:
            status = "met"
        elif b is not None and pen <= b + 1e-9:
            status = "violated (unavoidable)"
        else:
            status = "violated"
        rows.append([term.info.name, w, len(term.violations), _n(pen), (pen / total) if total else 0,
                     _n(b) if b is not None else None, methods.get(term.key, "" if b is None else "computed"),
                     status])
    rows.append(["Total", "", len(ev.violations), _n(total), 1 if total else 0,
                 _n(sum(v for k, v in bounds.items() if ev.term(k).active)) if bounds else None,
                 "sum of the terms' bounds (each term alone)" if bounds else "", ""])
    if solver_bound is not None:
        rows.append(["Whole objective: the solver's bound", "", "", _n(total), "", _n(solver_bound),
                     f"proven by the solver for the whole objective{solver_scope}; stronger than the sum above, "
                     f"which holds for every schedule", ""])
    block = Block(anchor="A2", rows=rows, title=f"How well each objective term was met (objective {_n(total)})",
                  number_formats={4: "0.0%"}, column_widths={0: 36, 1: 8, 2: 10, 3: 16, 4: 13, 5: 17, 6: 44, 7: 22},
                  conditional=[(f"H3:H{len(rows) + 1}", 'LEFT($H3,8)="violated"', "F8CBAD"),
                               (f"H3:H{len(rows) + 1}", '$H3="met"', "C6EFCE")])
    return SheetReport(name=ACHIEVEMENT, blocks=[block])


def run_sheet(items: list[tuple[str, Any]], notes: list[str] | None = None,
              summary: list[str] | None = None) -> SheetReport:
    """The Run sheet: what the run found in plain sentences first, then the solver detail, then notes."""
    blocks: list[Block] = []
    row = 2
    if summary:
        blocks.append(Block(anchor=f"A{row}", rows=[[line] for line in summary], header=False, span=2,
                            title="What this run found", column_widths={0: 30, 1: 70}))
        row += len(summary) + 2
    rows: list[list[Any]] = [["Item", "Value"]] + [[k, v] for k, v in items]
    fmts: dict[tuple[int, int], str] = {}
    blocks.append(Block(anchor=f"A{row}", rows=rows, title="Solver detail", column_widths={0: 30, 1: 70},
                        number_formats={}))
    for i, (k, v) in enumerate(items, start=1):
        if k.startswith("Gap") and isinstance(v, float):
            fmts[(i, 1)] = "0.00%"
    blocks[-1].cell_formats = fmts
    row += len(rows) + 2
    if notes:
        blocks.append(Block(anchor=f"A{row}", rows=[[n] for n in notes], header=False, span=2, title="Notes"))
    return SheetReport(name=RUN, blocks=blocks)


def versions() -> str:
    import pulp

    from .. import __version__

    try:
        import pandas
        pd_v = pandas.__version__
    except Exception:  # pragma: no cover
        pd_v = "?"
    return f"xl_confsched {__version__}; PuLP {pulp.__version__}; pandas {pd_v}; Python {platform.python_version()}"


def _n(v):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else round(v, 6)
