"""Personalised scheduling workflow: workbook → three phases → result sheets.

Phase 1 maximises attendance (which talks run in parallel), phase 2 minimises session
hopping with phase 1 fixed (blocks and sessions), phase 3 minimises violated presenter
availabilities with phases 1–2 fixed (blocks to block-timeslots), then rooms and chairs.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import cells
from ..errors import InputError, InputIssue, IssueLog
from ..kinds import SolveSettings
from ..report import Block, Report, SheetReport, status_sheet
from ..tables import Table, WorkbookData, is_blank
from .evaluate import Evaluation, evaluate
from .ics import itinerary_calendars, itinerary_events
from .phase1 import solve_phase1
from .phase2 import solve_phase2
from .phase3 import choose_chairs, solve_phase3
from .problem import Problem, Schedule
from .reader import read_problem

KIND = "personal"
ITINERARY_HEADER = ["Participant", "Day", "Date", "Block", "Slot", "Start", "End", "Talk", "Title", "Room", "Hop",
                    "Also wanted (missed)"]


# --------------------------------------------------------------------------------------
# solve
# --------------------------------------------------------------------------------------

def solve(data: WorkbookData, settings: SolveSettings) -> Report:
    problem, warnings = read_problem(data)
    try:
        report = _solve(problem, warnings, settings)
    except RuntimeError as exc:  # a solver gave up (time limit): nothing usable to write
        summary = f"No schedule: {exc}. Allow more time (--time-limit) and solve again."
        return Report(kind=KIND, status="no solution", summary=summary, issues=warnings, ok=False,
                      sheets=[status_sheet(warnings, summary)])
    return report


def _solve(problem: Problem, warnings: list[InputIssue], settings: SolveSettings) -> Report:
    say = settings.progress or (lambda m: None)
    t0 = time.perf_counter()
    limit = float(settings.time_limit or 60.0)
    say(f"Phase 1 (attendance): {problem.n_talks} talks in groups of {problem.n}, "
        f"{len([p for p in problem.participants if p.wanted])} profiles, {problem.upper_bound} ticks")
    try:
        p1 = solve_phase1(problem, solver=settings.solver, time_limit=0.6 * limit, seed=settings.seed, progress=say)
    except ValueError as exc:
        raise InputError([InputIssue("Talks", f"{exc}. Reduce the number of talks or parallel rooms.")]) from exc
    say(f"Phase 1: {problem.upper_bound - p1.missed} of {problem.upper_bound} wanted talks can be attended "
        f"({'optimal' if p1.optimal else 'not proven optimal'}, {p1.seconds:.1f} s)")
    t1 = time.perf_counter()
    try:
        p2 = solve_phase2(problem, p1.tuples, solver=settings.solver,
                          time_limit=max(5.0, limit - (t1 - t0)), seed=settings.seed, progress=say)
    except ValueError as exc:
        raise InputError([InputIssue("Structure", f"{exc}. Use shorter blocks.")]) from exc
    say(f"Phase 2: {p2.hops} session hops ({'optimal' if p2.optimal else 'not proven optimal'}, {p2.seconds:.1f} s)")
    t2 = time.perf_counter()
    p3 = solve_phase3(problem, p2.blocks)
    t3 = time.perf_counter()
    say(f"Phase 3: {p3.violations} presenter availabilities violated ({t3 - t2:.1f} s)")
    ev = evaluate(problem, p3.schedule)
    t4 = time.perf_counter()
    # the independent evaluation must agree with the models
    assert ev.missed == p1.missed and ev.hops == p2.hops and ev.violations == p3.violations, (ev.missed, ev.hops)
    optimal = p1.optimal and p2.optimal
    status = "optimal" if optimal else "feasible"
    run = [
        ["Phase", "Method", "Result", "Proven optimal", "Model size", "Seconds"],
        ["1 attendance", p1.method, f"missed {p1.missed} (bound {p1.lower_bound:.2f})", "yes" if p1.optimal else "no",
         f"{p1.n_columns:,} parallel groups" + (f", {p1.n_columns_final:,} after reduced-cost fixing"
                                                if p1.n_columns_final and p1.n_columns_final != p1.n_columns else ""),
         round(p1.seconds, 2)],
        ["2 session hopping", "best arrangement per set of tuples + set partitioning", f"{p2.hops} hops",
         "yes" if p2.optimal else "no", f"{p2.n_candidates:,} candidate blocks", round(p2.seconds, 2)],
        ["3 availability", "assignment (Hungarian method)", f"{p3.violations} violations", "yes",
         f"{len(problem.blocks)} blocks × {len(problem.blocks)} block-timeslots", round(t3 - t2, 2)],
        ["rooms, chairs, itineraries", "assignment per block", f"{p3.seats_overflow} seats short", "",
         "", round(t4 - t3, 2)],
        ["total", "", "", "", "", round(t4 - t0, 2)],
    ]
    detail = [["Log"]] + [[line] for line in p1.log + p2.log]
    settings_rows = [["Setting", "Value"], ["solver", settings.solver], ["time limit (s)", limit],
                     ["seed", settings.seed], ["solved at", datetime.now().strftime("%Y-%m-%d %H:%M")]]
    summary = (f"Personalised schedule ({status}): participants can attend {ev.attendance} of the "
               f"{ev.upper_bound} talks they ticked ({_pct(ev.attendance, ev.upper_bound)}), with {ev.hops} session "
               f"hops and {ev.violations} violated presenter availabilit{'y' if ev.violations == 1 else 'ies'}.")
    return build_report(problem, p3.schedule, ev, status=status, summary=summary, warnings=warnings,
                        chairs=p3.chairs, run_rows=(run, detail, settings_rows),
                        bounds={"missed_lb": p1.lower_bound, "p1_optimal": p1.optimal, "p2_optimal": p2.optimal})


def _share(a: int, b: int) -> float | None:
    return a / b if b else None


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "–"


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------

def check(data: WorkbookData) -> Report:
    problem, warnings = read_problem(data)
    table = data.get("Schedule")
    if table is None:
        a = problem.profile_matrix
        active = [p for p in problem.participants if p.wanted]
        rows = [["Item", "Value"], ["talks", sum(not t.dummy for t in problem.talks)],
                ["dummy talks (empty places)", sum(t.dummy for t in problem.talks)],
                ["parallel rooms", problem.n], ["timeslots", problem.n_timeslots],
                ["blocks", len(problem.blocks)], ["participants", len(problem.participants)],
                ["participants with ticks", len(active)], ["ticks (upper bound on attendance)", problem.upper_bound],
                ["most ticks by one participant", int(a.sum(axis=1).max(initial=0))],
                ["most wanted talk (ticks)", int(a.sum(axis=0).max(initial=0))],
                ["presenter unavailabilities (talk × block)", len(problem.unavailable)]]
        summary = (f"The inputs are valid: {rows[1][1]} talks, {len(active)} participant profiles with "
                   f"{problem.upper_bound} ticks, {problem.n_timeslots} timeslots × {problem.n} rooms. "
                   "There is no Schedule sheet to check yet; run Solve.")
        return Report(kind=KIND, status="checked", summary=summary, issues=warnings,
                      sheets=[SheetReport("Achievement", [Block("A2", rows, title="Inputs")]),
                              status_sheet(warnings, summary)])
    schedule, issues = read_schedule(table, problem)
    ev = evaluate(problem, schedule)
    issues = warnings + issues
    for x in ev.missing_talks:
        issues.append(InputIssue("Schedule", f"talk {problem.talks[x].id} is not in the schedule.", "warning"))
    for x in ev.duplicate_talks:
        issues.append(InputIssue("Schedule", f"talk {problem.talks[x].id} appears more than once.", "warning"))
    for t, who in ev.presenter_clashes:
        issues.append(InputIssue("Schedule", f"{who} presents twice at timeslot {t + 1}.", "warning"))
    summary = (f"Checked the Schedule sheet: participants can attend {ev.attendance} of the {ev.upper_bound} talks "
               f"they ticked ({_pct(ev.attendance, ev.upper_bound)}), with {ev.hops} session hops and "
               f"{ev.violations} violated presenter availabilities.")
    report = build_report(problem, schedule, ev, status="checked", summary=summary, warnings=issues,
                          chairs=choose_chairs(problem, schedule), run_rows=None, bounds=None,
                          include_schedule=False)
    return report


def read_schedule(table: Table, problem: Problem) -> tuple[Schedule, list[InputIssue]]:
    """The grid block of a Schedule sheet (as written by solve, maybe edited by hand)."""
    log = IssueLog()
    hi = None
    for i in range(min(table.n_rows, 10)):
        if any(isinstance(v, str) and v.strip().lower() == "block" for v in table.rows[i]):
            hi = i
            break
    if hi is None:
        log.error(table.ref(0, 0), "the Schedule sheet has no grid header (Day, Date, Block, Slot, Start, End, rooms…); "
                                   "solve again to rebuild it.")
        log.raise_if_errors()
    header = [v.strip() if isinstance(v, str) else v for v in table.rows[hi]]
    jb, js = header.index("Block"), header.index("Slot") if "Slot" in header else None
    room_cols: dict[int, int] = {}
    rooms = {r.name.casefold(): i for i, r in enumerate(problem.rooms)}
    for j, h in enumerate(header):
        if isinstance(h, str) and h.casefold() in rooms:
            room_cols[j] = rooms[h.casefold()]
    ids = {t.id.casefold(): x for x, t in enumerate(problem.talks)}
    blocks = {b.name.casefold(): bi for bi, b in enumerate(problem.blocks)}
    grid: list[list[int | None]] = [[None] * len(problem.rooms) for _ in range(problem.n_timeslots)]
    for i in range(hi + 1, table.n_rows):
        row = table.rows[i]
        if all(is_blank(v) for v in row[:max(list(room_cols) + [jb]) + 1]):  # the grid ends (tables beside it go on)
            break
        bname = table.value(i, jb)
        b = blocks.get(str(bname).strip().casefold()) if bname is not None else None
        if b is None:
            log.error(table.ref(i, jb), f"'{bname}' is not a block on the Structure sheet.")
            continue
        s = 0
        if js is not None:
            try:
                s = cells.whole(table.value(i, js), lo=1, hi=problem.blocks[b].k) - 1
            except cells.CellError:
                log.error(table.ref(i, js), f"slot must be 1…{problem.blocks[b].k} in block {problem.blocks[b].name}.")
                continue
        t = problem.blocks[b].first + s
        for j, r in room_cols.items():
            v = table.value(i, j)
            if is_blank(v):
                continue
            tid = cells.text(v).split(" — ", 1)[0].strip()
            if tid.casefold().startswith("(empty"):
                continue
            x = ids.get(tid.casefold())
            if x is None:
                log.error(table.ref(i, j), f"'{tid}' is not a talk id from the Talks sheet; write the talk id "
                                           "(optionally followed by ' — ' and its title).")
                continue
            grid[t][r] = x
    log.raise_if_errors()
    return Schedule(grid=grid), log.warnings


# --------------------------------------------------------------------------------------
# result sheets
# --------------------------------------------------------------------------------------

def _slot_times(bs, s: int):
    """(start, end) of a block's slot as times of day (None when the block has no start time)."""
    from datetime import date as _date, timedelta

    if bs.start is None:
        return None, None
    base = datetime.combine(_date(2000, 1, 1), bs.start) + timedelta(minutes=bs.minutes * s)
    return base.time(), (base + timedelta(minutes=bs.minutes)).time()


def _talk_cell(problem: Problem, x: int | None) -> str:
    if x is None:
        return ""
    t = problem.talks[x]
    if t.dummy:
        return "(empty)"
    return f"{t.id} — {t.title}" + (f" ({t.presenter})" if t.presenter else "") if t.title else t.id


def build_report(problem: Problem, schedule: Schedule, ev: Evaluation, *, status: str, summary: str,
                 warnings: list[InputIssue], chairs: dict[tuple[int, int], list[int]],
                 run_rows, bounds: dict[str, Any] | None, include_schedule: bool = True, name: str = "") -> Report:
    sheets: list[SheetReport] = []
    R = len(problem.rooms)
    tb = problem.timeslot_block()
    a = problem.profile_matrix
    wanted_by = a.sum(axis=0)
    # ---- Schedule -----------------------------------------------------------------------
    if include_schedule:
        grid = [["Day", "Date", "Block", "Slot", "Start", "End"] + [r.name for r in problem.rooms]]
        for t, row in enumerate(schedule.grid):
            b, s = tb[t]
            bs = problem.blocks[b]
            st, en = _slot_times(bs, s)
            grid.append([bs.day, bs.date, bs.name, s + 1, st, en] + [_talk_cell(problem, x) for x in row])
        talks = [["Talk", "Title", "Presenter", "Day", "Block", "Slot", "Start", "Room", "Capacity", "Wanted by",
                  "Audience (itineraries)", "Seats short", "Presenter unavailable"]]
        viol = set(ev.violation_list)
        for x, (t, r) in sorted(schedule.position().items(), key=lambda kv: kv[1]):
            tk = problem.talks[x]
            if tk.dummy:
                continue
            b, s = tb[t]
            bs = problem.blocks[b]
            cap = problem.rooms[r].capacity
            aud = ev.audience.get(x, 0)
            talks.append([tk.id, tk.title, tk.presenter, bs.day, bs.name, s + 1, _slot_times(bs, s)[0],
                          problem.rooms[r].name, cap, int(wanted_by[x]), aud,
                          max(0, aud - cap) if cap is not None else None, "yes" if (x, b) in viol else ""])
        widths = {j: 34 for j in range(6, 6 + R)}
        from openpyxl.utils import get_column_letter

        sheets.append(SheetReport("Schedule", [
            Block("A2", grid, title="Timetable: one row per timeslot, one column per room (edit, then Check)",
                  number_formats={1: "yyyy-mm-dd"}, column_widths=widths, wrap=set(range(6, 6 + R))),
            Block(f"{get_column_letter(6 + R + 2)}2", talks, title="Talks in time order", table_name="PersonalTalks",
                  column_widths={1: 40}, wrap={1}),
        ], freeze="G3"))
    from ..publish.sheet import programme_sheet
    from .programme import personal_programme

    sheets.append(programme_sheet(personal_programme(problem, schedule, name)))
    # ---- Itineraries ------------------------------------------------------------------------
    it = [list(ITINERARY_HEADER)]
    for v in ev.visits:
        bs = problem.blocks[v.block]
        st, en = _slot_times(bs, v.slot)
        tk = problem.talks[v.talk]
        it.append([problem.participants[v.participant].name, bs.day, bs.date, bs.name, v.slot + 1, st, en, tk.id,
                   tk.title, problem.rooms[v.room].name, "yes" if v.hop else "",
                   ", ".join(problem.talks[y].id for y in v.missed)])
    per = [["Participant", "Wanted", "Can attend", "Missed", "Hops"]]
    for p, part in enumerate(problem.participants):
        if part.wanted:
            per.append([part.name, len(part.wanted), ev.attendance_by_participant[p],
                        len(part.wanted) - ev.attendance_by_participant[p], ev.hops_by_participant[p]])
    sheets.append(SheetReport("Itineraries", [
        Block("A2", it, title="Itinerary per participant: the talk to attend at each timeslot and its room "
                              "(Hop = yes: change rooms for it)", number_formats={2: "yyyy-mm-dd"},
              table_name="PersonalItineraries", column_widths={0: 14, 8: 30, 11: 20}),
        Block("O2", per, title="Per participant", table_name="PersonalParticipants"),
    ], freeze="A3"))
    # ---- Chairs -----------------------------------------------------------------------------
    ch = [["Day", "Block", "Room", "Talks", "Chair", "Wanted talks in the session", "Alternatives"]]
    for b, bs in enumerate(problem.blocks):
        for r in range(R):
            talks_in = [schedule.grid[bs.first + s][r] for s in range(bs.k)]
            if all(x is None for x in talks_in):
                continue
            people = chairs.get((b, r), [])
            real = [x for x in talks_in if x is not None and not problem.talks[x].dummy]
            chair = problem.participants[people[0]].name if people else "(nobody ticked these talks)"
            n_w = int(a[people[0], real].sum()) if people and real else 0
            ch.append([bs.day, bs.name, problem.rooms[r].name, ", ".join(problem.talks[x].id for x in real), chair,
                       n_w, ", ".join(problem.participants[q].name for q in people[1:])])
    sheets.append(SheetReport("Chairs", [Block("A2", ch, title="Suggested session chairs (most wanted talks in the "
                                                                "session, not presenting in parallel)",
                                               column_widths={3: 22, 4: 14, 6: 24})]))
    # ---- Achievement ------------------------------------------------------------------------
    bounds = bounds or {}
    lb = bounds.get("missed_lb")
    if lb is not None and not math.isfinite(lb):  # a phase 1 stopped before its LP gave a bound
        lb = None
    att_best = problem.upper_bound - (int(-(-lb // 1)) if lb is not None else 0)
    ach = [["Priority", "Term", "Achieved", "Best possible / bound", "Share", "Note"],
           [1, "Attendance (wanted talks that can be attended)", ev.attendance, problem.upper_bound,
            _share(ev.attendance, problem.upper_bound), "bound = Σ ticks (nothing wanted in parallel)"],
           [1, "Missed attendance", ev.missed, 0, "", "wanted talks in parallel with another wanted talk"]]
    if lb is not None:
        ach.append([1, "Attendance: best possible with this grid", ev.attendance, att_best,
                    _share(ev.attendance, att_best), "proven optimal" if bounds.get("p1_optimal")
                    else f"LP bound; missed ≥ {lb:.2f}"])
    ach += [[2, "Session hops", ev.hops, "", "", "minimal for phase 1's parallel groups" if bounds.get("p2_optimal")
             else "fewest room switches for the most wanted talks, per participant and block"],
            [3, "Presenter availabilities violated", ev.violations, 0, "",
             ", ".join(f"{problem.talks[x].id} in {problem.blocks[b].name}" for x, b in ev.violation_list)],
            ["–", "Presenters in two places at once", len(ev.presenter_clashes), 0, "", ""],
            ["–", "Seats short (itinerary audience over capacity)", ev.overflow, 0, "", ""]]
    hist: dict[int, int] = {}
    for p, part in enumerate(problem.participants):
        if part.wanted:
            h = ev.hops_by_participant[p]
            hist[h] = hist.get(h, 0) + 1
    hrows = [["Hops", "Participants"]] + [[h, c] for h, c in sorted(hist.items())]
    sheets.append(SheetReport("Achievement", [
        Block("A2", ach, title=summary, column_widths={1: 46, 3: 20, 5: 50}, number_formats={4: "0.0%"}),
        Block(f"A{len(ach) + 5}", hrows, title="Participants by number of session hops"),
    ]))
    if run_rows:
        run, detail, settings_rows = run_rows
        sheets.append(SheetReport("Run", [
            Block("A2", run, title="Phases", column_widths={0: 24, 1: 46, 2: 28, 4: 44}),
            Block(f"A{len(run) + 4}", settings_rows, title="Settings"),
            Block(f"A{len(run) + len(settings_rows) + 6}", detail, title="Solver log"),
        ]))
    zone, zone_note = calendar_zone(problem)
    if include_schedule and zone_note:
        warnings = warnings + [InputIssue("Structure", zone_note, "warning")]
    sheets.append(status_sheet(warnings, summary))
    report = Report(kind=KIND, sheets=sheets, status=status, objective=float(ev.missed), summary=summary,
                    issues=warnings)
    if include_schedule:
        report.side_files.append(lambda out, outputs: write_companion_files(problem, ev, zone, out, outputs))
    return report


def calendar_zone(problem: Problem):
    """(zone of the calendars, a note when the workbook gives none)."""
    from ..publish.calendars import Zone, parse_zone

    if problem.time_zone:
        return parse_zone(problem.time_zone), ""
    return Zone(machine=True), ("the Structure sheet gives no Time zone, so the calendars use this computer's time "
                                "zone. Add a column 'Time zone' to Structure (e.g. Europe/Brussels) to be sure.")


def programme(data: WorkbookData):
    """The programme of the Schedule sheet (for publishing), the calendar zone, per-participant calendars."""
    from pathlib import Path as _Path

    from .programme import personal_programme

    problem, warnings = read_problem(data)
    table = data.get("Schedule")
    if table is None:
        raise InputError([InputIssue("Schedule", "the workbook holds no schedule yet. Solve first, then publish.")])
    schedule, issues = read_schedule(table, problem)
    ev = evaluate(problem, schedule)
    zone, note = calendar_zone(problem)
    per = itinerary_events(problem, ev)
    extra = {"participants": {problem.participants[p].name: evs for p, evs in per.items()}}
    prog = personal_programme(problem, schedule, _Path(data.source).stem if data.source else "")
    return prog, zone, extra, [str(w) for w in warnings + issues] + ([note] if note else [])


# --------------------------------------------------------------------------------------
# companion files (.ics calendars)
# --------------------------------------------------------------------------------------

def write_companion_files(problem: Problem, ev: Evaluation, zone, out: str | Path, outputs) -> None:
    """Prepare ``<out>_itineraries.ics`` (everyone) and the folder ``<out>_itineraries/`` with one
    ``<participant>.ics`` each, next to the output workbook, in ``outputs`` (committed with it)."""
    if not any(b.date is not None and b.start is not None for b in problem.blocks):
        return
    out = Path(out)
    stamp = datetime.now(timezone.utc).replace(tzinfo=None)
    everyone, per = itinerary_calendars(problem, ev, zone, dtstamp=stamp)
    if not per:
        return
    outputs.write_text(out.with_name(out.stem + "_itineraries.ics"), everyone)
    from ..publish.calendars import file_names

    files = file_names(list(per))
    outputs.write_folder(out.with_name(out.stem + "_itineraries"),
                         {files[who]: text.encode("utf-8") for who, text in per.items()})
