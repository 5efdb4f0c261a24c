"""Cell functions (xlwings UDFs) for a conference schedule workbook.

    =CONFSCHED_SCORE(Schedule!N1:W32)                        the objective of the table as it stands
    =CONFSCHED_TERM("presenter conflicts", Schedule!N1:W32)  one term's weighted penalty
    =CONFSCHED_CONFLICTS(Schedule!N1:W32)                    the violations, one per row (spills down)

The argument is the ``Assignments`` table of the Schedule sheet, header included (it
may be edited by hand).  The instance (tracks, sessions, penalties…) is read from the
calling workbook.  The functions below the decorators are pure: :func:`score`,
:func:`term` and :func:`conflicts` take the problem and the table's values.

Windows Excel: Conference ▸ Cell functions imports them (xlwings' UDF import).
xlwings' desktop UDFs do not exist on macOS; the Live checks sheet gives the same
numbers with native formulas everywhere.
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from .errors import InputError, IssueLog
from .tables import Table

SCHEDULE_SHEET = "Schedule"


# ----------------------------------------------------------------------------- pure core

def _clean_rows(values: Any) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list):
        values = [[values]]
    elif values and not isinstance(values[0], list):
        values = [values]
    out = []
    for row in values:
        out.append([None if v == "" else (int(v) if isinstance(v, float) and v.is_integer() else v) for v in row])
    return out


def schedule_from_rows(problem, rows: list[list[Any]]):
    """The schedule of an Assignments table's values (header row first)."""
    from .csplib.results import read_assignment_table

    log = IssueLog()
    got = read_assignment_table(problem, Table(sheet=SCHEDULE_SHEET, rows=_clean_rows(rows)), log)
    log.raise_if_errors()
    if got is None:
        raise InputError([log_issue("the range has no header row with Reference … Session (select the "
                                    "Assignments table of the Schedule sheet, header included)")])
    return got[0]


def log_issue(message: str):
    from .errors import InputIssue

    return InputIssue(SCHEDULE_SHEET, message)


def evaluation(problem, rows):
    from .csplib.evaluate import evaluate

    return evaluate(problem, schedule_from_rows(problem, rows))


def score(problem, rows) -> float:
    """Objective of the table's schedule, as the evaluator computes it."""
    return evaluation(problem, rows).total


def term(problem, name: str, rows) -> float:
    """Weighted penalty of one term, named by key (``PC``), checker label or wording."""
    from .csplib.terms import TERMS, find_term

    info = find_term(str(name))
    if info is None:
        raise ValueError(f"unknown term {name!r}; use one of: " + ", ".join(t.name for t in TERMS))
    t = evaluation(problem, rows).term(info.key)
    return t.penalty if t.active else 0


def conflicts(problem, rows) -> list[str]:
    """Every violation of the active terms, as readable lines ("none" when the schedule is clean)."""
    ev = evaluation(problem, rows)
    lines = [f"{t.info.name}: {v.facts}" for t in ev.terms if t.active for v in t.violations]
    lines += [f"in another track's room: {m}" for m in ev.misplaced]
    lines += [f"not scheduled as required: {u}" for u in ev.unscheduled]
    return lines or ["none"]


def _message(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return "; ".join(str(i) for i in exc.errors)[:255]
    return str(exc)[:255]


# ----------------------------------------------------------------------------- the book

def problem_of(book):
    """The CSPLib instance of the calling workbook."""
    from .csplib.reader import read_problem
    from .excel import read_book

    return read_problem(read_book(book))


def _problem(caller):
    if caller is None:
        raise ValueError("no calling workbook")
    return problem_of(caller.sheet.book)


# ----------------------------------------------------------------------------- UDFs

@xw.func
@xw.arg("schedule", ndim=2)
def confsched_score(schedule, caller=None):
    """Objective of the schedule in the selected Assignments table (header included)."""
    try:
        return score(_problem(caller), schedule)
    except Exception as exc:  # noqa: BLE001 - a cell shows the message, never a traceback
        return f"#CONFSCHED: {_message(exc)}"


@xw.func
@xw.arg("schedule", ndim=2)
def confsched_term(name, schedule, caller=None):
    """Weighted penalty of one objective term, e.g. "presenter conflicts (session)" or "PC"."""
    try:
        return term(_problem(caller), name, schedule)
    except Exception as exc:  # noqa: BLE001
        return f"#CONFSCHED: {_message(exc)}"


@xw.func
@xw.arg("schedule", ndim=2)
@xw.ret(transpose=True)
def confsched_conflicts(schedule, caller=None):
    """The violations of the schedule as a column of readable lines."""
    try:
        return conflicts(_problem(caller), schedule)
    except Exception as exc:  # noqa: BLE001
        return [f"#CONFSCHED: {_message(exc)}"]
