"""The CSPLib solution workbook: sheet ``sol`` (tracks grid, blank row, slot grid).

Layout (OBJECTIVE.md §6.1): row 1 room names; rows 2..S+1 one per session with the
track in each room; a blank separator row; then one row per (session, slot) with the
submission in each room.  Reading is by position, as the checker reads it; names are
matched after trimming surrounding spaces (the public N2OR solutions need this).
"""

from __future__ import annotations

from typing import Any

from ..errors import IssueLog
from ..tables import Table, WorkbookData, is_blank
from .problem import Problem
from .reader import text
from .schedule import Schedule

SOL_SHEET = "sol"


def schedule_from_table(problem: Problem, t: Table, log: IssueLog | None = None,
                        row0: int = 0) -> Schedule:
    """Read a schedule laid out as the ``sol`` sheet, starting at table row ``row0``."""
    own_log = log is None
    log = log or IssueLog()
    S = problem.S
    width = t.n_cols - 1
    if width > problem.R:
        log.error(t.ref(row0, problem.R + 1), f"the schedule has {width} room columns but the instance has "
                                              f"{problem.R} rooms. Remove the extra columns.")
    sched = Schedule()
    for s in range(S):
        i = row0 + 1 + s
        for r in range(min(width, problem.R)):
            v = t.value(i, 1 + r)
            if is_blank(v):
                continue
            k = problem.find_track(text(v))
            if k is None:
                log.error(t.ref(i, 1 + r), f"'{text(v)}' is not a track of the instance. Use a track name from "
                                           f"the tracks sheet or clear the cell.")
                continue
            sched.grid[(s, r)] = k
    i = row0 + S + 2
    for s, sess in enumerate(problem.sessions):
        for tt in range(sess.slots):
            for r in range(min(width, problem.R)):
                v = t.value(i, 1 + r)
                if is_blank(v):
                    continue
                n = problem.find_submission(text(v))
                if n is None:
                    log.error(t.ref(i, 1 + r), f"'{text(v)}' is not a submission reference of the instance. "
                                               f"Use a reference from the submissions sheet or clear the cell.")
                    continue
                sched.cells[(s, r, tt)] = n
            i += 1
    if own_log:
        log.raise_if_errors()
    return sched


def read_solution(problem: Problem, data: WorkbookData, sheet: str | None = None) -> Schedule:
    """The schedule on ``sheet`` (default: ``sol`` if present, else the first sheet, as the checker)."""
    if sheet is None:
        sheet = SOL_SHEET if SOL_SHEET in data else data.names()[0]
    log = IssueLog()
    t = data.get(sheet)
    if t is None:
        log.error(sheet, f"the sheet '{sheet}' is missing. A CSPLib solution needs a sheet 'sol'.")
        log.raise_if_errors()
    sched = schedule_from_table(problem, t, log)
    log.raise_if_errors()
    return sched


def load_solution(problem: Problem, path) -> Schedule:
    from ..tables import load_workbook_data

    return read_solution(problem, load_workbook_data(path))


def sol_rows(problem: Problem, sched: Schedule) -> list[list[Any]]:
    """The ``sol`` sheet's rows (first row = room names), as the checker reads them."""
    rows: list[list[Any]] = [[None] + list(problem.rooms)]
    for s, sess in enumerate(problem.sessions):
        rows.append([sess.name] + [problem.tracks[sched.grid[(s, r)]].name if (s, r) in sched.grid else None
                                   for r in range(problem.R)])
    rows.append([None] * (problem.R + 1))
    for s, sess in enumerate(problem.sessions):
        for tt in range(sess.slots):
            rows.append([sess.name] + [problem.submissions[sched.cells[(s, r, tt)]].ref
                                       if (s, r, tt) in sched.cells else None for r in range(problem.R)])
    return rows


def solution_workbook(problem: Problem, sched: Schedule, evaluation=None):
    """A CSPLib solution workbook (openpyxl): ``sol`` first, then ``violations`` (when an evaluation is given).

    Names are written as text cells whatever they begin with (:func:`xl_confsched.writing.put_cell`)."""
    from openpyxl import Workbook

    from ..writing import put_cell

    wb = Workbook()
    ws = wb.active
    ws.title = SOL_SHEET

    def fill(sheet, rows) -> None:
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row, start=1):
                if v is not None:
                    put_cell(sheet, i, j, v)

    fill(ws, sol_rows(problem, sched))
    if evaluation is not None:
        from .evaluate import violations_sheet_rows

        fill(wb.create_sheet("violations"), violations_sheet_rows(evaluation))
    return wb


def write_solution(problem: Problem, sched: Schedule, path, evaluation=None, outputs=None) -> None:
    """Write the solution workbook to ``path`` atomically (or add it to ``outputs``, committed by the caller)."""
    from ..writing import Outputs

    wb = solution_workbook(problem, sched, evaluation)
    if outputs is not None:
        outputs.save_workbook(path, wb)
        return
    with Outputs() as own:
        own.save_workbook(path, wb)
        own.commit()
