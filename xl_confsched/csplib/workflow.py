"""Solve / Check for the CSPLib conference template (the ``csplib`` workbook kind).

workbook data → :func:`reader.read_problem` → optimiser → schedule → independent
:func:`evaluate.evaluate` → result sheets (:mod:`.results`) → :class:`Report`.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..errors import InputError, InputIssue, IssueLog
from ..kinds import SolveSettings
from ..report import Report, status_sheet
from ..tables import WorkbookData, load_workbook_data
from .evaluate import Evaluation, evaluate
from .live_formulas import live_checks_sheet
from .model import DEFAULT_HARD_RULES, HARD_RULES
from ..plain_words import quality
from ..publish.sheet import programme_sheet
from .problem import Problem
from .programme import conference_programme
from .reader import read_problem_with_warnings
from .results import (SCHEDULE, achievement_sheet, read_assignment_table, run_sheet, schedule_sheet,
                      versions, violations_sheet)
from .schedule import Schedule
from .solution_io import read_solution, schedule_from_table, write_solution


def _n(v):
    return int(v) if v is not None and float(v).is_integer() else v


def schedule_in_workbook(problem: Problem, data: WorkbookData) -> tuple[Schedule, set[int], str] | None:
    """The schedule the workbook already holds: the Schedule sheet's table, else a ``sol`` sheet."""
    log = IssueLog()
    if SCHEDULE in data:
        got = read_assignment_table(problem, data.get(SCHEDULE), log)
        log.raise_if_errors()
        if got is not None:
            return got[0], got[1], f"{SCHEDULE} sheet (table Assignments)"
        sched = schedule_from_table(problem, data.get(SCHEDULE), log)
        log.raise_if_errors()
        return sched, set(), f"{SCHEDULE} sheet (grid)"
    if "sol" in data:
        sched = schedule_from_table(problem, data.get("sol"), log)
        log.raise_if_errors()
        return sched, set(), "sol sheet"
    return None


def term_bounds(problem: Problem):
    """Per-term lower bounds, each from its rule: (weighted values, how each was found)."""
    from .bounds import term_bounds as bounds_of

    tb = bounds_of(problem)
    return {k: b.value for k, b in tb.items()}, {k: b.how for k, b in tb.items()}


def allowed_by_weights(problem: Problem, ev: Evaluation, hard_rules: str) -> list[InputIssue]:
    """Notes for the Status sheet: each place where the schedule uses what the weights allow but the
    paper's hard rules forbid, with the weight's cell, e.g. "track Theory runs in 2 rooms at once in
    session Tue 1: allowed because parameters!E7 weighs ... at 1 a unit; raise parameters!E7 or choose
    hard rules 'all' to forbid it"."""
    from .rules import RULE_BY_KEY

    out = []
    for term in ev.terms:
        if not term.active or not term.violations:
            continue
        why = RULE_BY_KEY[term.key].allowed_because(problem, hard_rules)
        if why is None:
            continue
        for v in term.violations:
            out.append(InputIssue(f"parameters!{term.info.weight_cell}", f"{v.facts}: {why}.", "note"))
    return out


def programme_name(problem: Problem) -> str:
    return Path(problem.name).stem if problem.name else ""


def derived_views(problem: Problem, sched: Schedule, ev: Evaluation, locked: set[int]) -> list:
    """Every view drawn from the schedule: Schedule (table and grids), Programme and Live checks."""
    prog = conference_programme(problem, sched, programme_name(problem))
    return [schedule_sheet(problem, sched, locked), programme_sheet(prog), live_checks_sheet(problem, ev)]


def stored_hard_rules(data: WorkbookData) -> tuple[str | None, str | None]:
    """The hard rules stored in the workbook by Conference ▸ Settings (``xlcs_hard_rules``):
    ``(choice, None)``; ``(None, None)`` when nothing is stored; ``(None, message)`` when the stored
    text is not one of the choices (the message says how to fix it)."""
    stored = str(data.settings.get("hard_rules", "")).strip().lower()
    if stored in HARD_RULES:
        return stored, None
    if stored:
        return None, (f"Warning: the workbook's stored hard rules {stored!r} are not {', '.join(HARD_RULES[:-1])} "
                      f"or {HARD_RULES[-1]}; used {DEFAULT_HARD_RULES}. Fix it with Conference > Settings or "
                      "give --hard-rules.")
    return None, None


def hard_rules_of(data: WorkbookData) -> str:
    """The hard rules the organiser chose for this workbook: the stored setting (Conference ▸
    Settings), else what the last Solve used (its Run sheet), else the default — so that Check
    explains the schedule as Solve did."""
    stored, _ = stored_hard_rules(data)
    if stored is not None:
        return stored
    run = data.get("Run")
    if run is not None:
        for row in run.rows:
            if len(row) >= 2 and str(row[0]).strip() == "Hard rules" and str(row[1]).strip().lower() in HARD_RULES:
                return str(row[1]).strip().lower()
    return DEFAULT_HARD_RULES


def evaluation_report(problem: Problem, sched: Schedule, ev: Evaluation, source: str,
                      warnings: list[InputIssue], live: bool = False, locked: set[int] | None = None,
                      hard_rules: str = DEFAULT_HARD_RULES) -> Report:
    bounds, methods = term_bounds(problem)
    summary = (f"Checked the schedule from {source}: objective {_n(ev.total)} "
               f"({len(ev.violations)} violation(s); all scheduled: {'yes' if ev.all_scheduled else 'no'}; "
               f"valid: {'yes' if ev.valid else 'no'}). See the sheets Violations and Achievement.")
    sheets = []
    if live:  # the schedule came from the Schedule sheet: rewrite every view drawn from it
        sheets += derived_views(problem, sched, ev, locked or set())
    sheets += [violations_sheet(problem, ev, hard_rules=hard_rules), achievement_sheet(problem, ev, bounds, methods)]
    allowed = allowed_by_weights(problem, ev, hard_rules)
    if allowed:
        summary += (f" {len(allowed)} thing(s) the paper's hard rules would forbid are allowed by the weights "
                    f"(hard rules '{hard_rules}'): see the Status sheet.")
    if warnings or allowed:
        sheets.append(status_sheet(warnings + allowed, "Warnings about the input" if not allowed else
                                   "What the schedule does because the weights allow it, and warnings about the input"))
    return Report(kind="csplib", sheets=sheets, status="checked", objective=ev.total, summary=summary,
                  issues=warnings, data=evaluation_data(ev), text_sheets=["Achievement"])


def evaluation_data(ev: Evaluation) -> dict:
    return {
        "total": _n(ev.total), "all_scheduled": ev.all_scheduled, "valid": ev.valid,
        "terms": [{"key": t.key, "term": t.info.name, "label": t.info.label,
                   "weight": t.weight if t.info.weight_cell else None, "active": t.active,
                   "violations": len(t.violations), "raw": _n(t.raw), "penalty": _n(t.penalty)} for t in ev.terms],
        "violations": [{"term": v.term, "amount": _n(v.amount), "facts": v.facts} for v in ev.violations],
    }


def check(data: WorkbookData) -> Report:
    problem, warnings = read_problem_with_warnings(data)
    found = schedule_in_workbook(problem, data)
    if found is None:
        return Report(kind="csplib", status="checked", objective=None, issues=warnings,
                      sheets=[status_sheet(warnings, "Input read without errors; no schedule yet")],
                      summary=f"The workbook's input is valid ({problem.N} submissions, {problem.T} tracks, "
                              f"{problem.S} sessions, {problem.R} rooms); it holds no schedule yet — Solve makes one.")
    sched, locked, source = found
    return evaluation_report(problem, sched, evaluate(problem, sched), source, warnings,
                             live=source.startswith(SCHEDULE), locked=locked, hard_rules=hard_rules_of(data))


def programme(data: WorkbookData):
    """The programme of the schedule the workbook holds (Schedule sheet or sol sheet), for publishing."""
    from ..publish.calendars import Zone

    problem, warnings = read_problem_with_warnings(data)
    found = schedule_in_workbook(problem, data)
    if found is None:
        raise InputError([InputIssue(SCHEDULE, "the workbook holds no schedule yet. Solve first (or add a sol "
                                               "sheet), then publish.")])
    prog = conference_programme(problem, found[0], programme_name(problem))
    return prog, Zone(offset=prog.utc_offset), {}, [str(w) for w in warnings]


def check_solution_file(data: WorkbookData, solution: str | Path) -> Report:
    problem, warnings = read_problem_with_warnings(data)
    sol = load_workbook_data(solution)
    sched = read_solution(problem, sol)
    return evaluation_report(problem, sched, evaluate(problem, sched), f"{solution}", warnings,
                             hard_rules=hard_rules_of(data))


def _load_schedule_file(problem: Problem, path: str | Path) -> Schedule:
    return read_solution(problem, load_workbook_data(path))


def solve(data: WorkbookData, settings: SolveSettings) -> Report:
    from .optimise import optimise

    t0 = time.perf_counter()
    problem, warnings = read_problem_with_warnings(data)
    fixed = _load_schedule_file(problem, settings.fix) if settings.fix else None
    start = _load_schedule_file(problem, settings.start_from) if settings.start_from else None
    locked: set[int] = set()
    if fixed is None:
        found = schedule_in_workbook(problem, data)
        if found is not None and found[1]:
            held, locked, _ = found
            fixed = Schedule(grid={sr: k for sr, k in held.grid.items()
                                   if any(n in locked for (s, r, t), n in held.cells.items() if (s, r) == sr)},
                             cells={c: n for c, n in held.cells.items() if n in locked})
            if start is None:
                start = held
    result = optimise(problem, settings, fixed=fixed, start=start, max_changes=settings.max_changes)
    if result.schedule is None:
        msgs = list(getattr(result, "capacity_messages", []) or []) + list(getattr(result, "relaxation_notes", []) or [])
        summary = (f"No schedule found ({result.status}) within {settings.time_limit:g} s. "
                   + (" ".join(msgs) if msgs else "Give the solver more time (Settings ▸ time limit)."))
        issues = warnings + [InputIssue("submissions", m) for m in msgs]
        return Report(kind="csplib", ok=False, status=result.status, objective=None, summary=summary,
                      issues=issues, sheets=[status_sheet(issues, summary)])
    sched = result.schedule
    ev = evaluate(problem, sched)
    bounds = getattr(result, "term_bounds", None)
    methods = getattr(result, "term_bound_method", None)
    if bounds is None:
        bounds, methods = term_bounds(problem)
    gap = getattr(result, "gap", None)
    best_bound = getattr(result, "best_bound", None)
    full = (settings.model or "full") == "full"
    hard = result.hard_rules if full else "the paper's model"
    scope = {"all": " among the schedules that keep the hard rules (one room per track, no presenter in two "
                    "places)",
             "presenters": " among the schedules that keep no presenter in two places",
             "none": " for every schedule the workbook allows"}.get(str(hard), " within the paper's model")
    summary_lines = [quality(ev.total, best_bound if result.status != "relaxed" else None, result.status)]
    if best_bound is not None and result.status != "relaxed" and ev.total > best_bound + 1e-9:
        summary_lines.append(f"The bound {_n(best_bound)} holds{scope}. The Achievement sheet's bound "
                             f"({_n(sum(v for k, v in bounds.items() if ev.term(k).active)) if bounds else '–'}) "
                             f"is weaker but holds for every schedule: each term on its own.")
    summary_lines.append(f"All submissions scheduled: {'yes' if ev.all_scheduled else 'no'}; "
                         f"{len(ev.violations)} violation(s), listed on the Violations sheet.")
    items = [
        ("Status", result.status),
        ("Objective (evaluator)", _n(ev.total)),
        ("Lower bound (solver)", _n(best_bound)),
        ("Gap (objective − bound) / objective", gap if isinstance(gap, (int, float)) else None),
        ("Solver", f"{getattr(result, 'solver', settings.solver)} {getattr(result, 'solver_version', '')}".strip()),
        ("Solver's own status", getattr(result, "solver_status", "")),
        ("Model", settings.model or "full"),
        ("Hard rules", hard),
        ("Model objective", _n(getattr(result, "objective", None))),
        ("Variables", getattr(result, "n_variables", None)),
        ("Constraints", getattr(result, "n_constraints", None)),
        ("Build seconds", round(getattr(result, "build_seconds", 0.0), 2)),
        ("Solve seconds", round(getattr(result, "solve_seconds", 0.0), 2)),
        ("Total seconds", round(time.perf_counter() - t0, 2)),
        ("Time limit (seconds)", settings.time_limit),
        ("Seed", settings.seed),
        ("Locked submissions", len(locked)),
        ("Versions", versions()),
    ]
    notes = list(getattr(result, "capacity_messages", []) or []) + list(getattr(result, "relaxation_notes", []) or [])
    run_notes = notes + [n for n in getattr(result, "notes", []) or [] if n not in notes]
    allowed = allowed_by_weights(problem, ev, hard) if full else []
    sheets = derived_views(problem, sched, ev, locked) + [
        violations_sheet(problem, ev, hard_rules=hard if full else None),
        achievement_sheet(problem, ev, bounds, methods,
                          solver_bound=best_bound if result.status != "relaxed" and best_bound is not None
                          and best_bound <= ev.total + 1e-6 * max(1.0, abs(ev.total)) else None,
                          solver_scope=scope),
        run_sheet(items, run_notes, summary_lines)]
    if warnings or allowed:
        sheets.append(status_sheet(warnings + allowed, "Warnings about the input" if not allowed else
                                   "What the schedule does because the weights allow it, and warnings about the input"))
    gap_text = f", gap {gap:.1%}" if isinstance(gap, (int, float)) and gap > 1e-9 else ""
    summary = (f"Schedule found: objective {_n(ev.total)} ({result.status}{gap_text}), "
               f"{len(ev.violations)} violation(s). Look at the sheets Schedule, Violations and Achievement.")
    if notes:
        summary += " Could not satisfy everything: " + " ".join(notes)
    if allowed:
        summary += (f" {len(allowed)} thing(s) the paper's hard rules would forbid are allowed by the weights "
                    "(a track in several rooms or in parallel, a presenter in two places): see the Status sheet.")

    def write_sol(out: Path, outputs) -> None:
        write_solution(problem, sched, Path(out).with_name(Path(out).stem + "_sol.xlsx"), ev, outputs=outputs)

    data = evaluation_data(ev) | {"status": result.status, "gap": gap, "run": dict(items[:-1]),
                                  "best_bound": best_bound if result.status != "relaxed" else None}
    return Report(kind="csplib", sheets=sheets, status=result.status, objective=ev.total, summary=summary,
                  issues=warnings, side_files=[write_sol], data=data, text_sheets=["Achievement", "Run"])


__all__ = ["solve", "check", "check_solution_file", "InputError"]
