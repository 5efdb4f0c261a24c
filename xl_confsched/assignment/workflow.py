"""Solve / Check for an assignment workbook (kind ``assignment``).

``solve``: read and validate the workbook (rules compiled, every bad word named with its
Rules cell), run the plan of :mod:`.optimise`, score the schedule with the independent
evaluator and write the result sheets.  When the hard rules cannot all hold, the Status
and Run sheets name the smallest set of rules found that cannot hold together, and the
schedule is the best one with those rules softened.

``check``: validate the inputs and, when the workbook has an Assignment Table (possibly
edited by hand: Place and Start), re-score that schedule rule by rule.
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import IssueLog
from ..kinds import SolveSettings
from ..report import Report, status_sheet
from ..tables import WorkbookData, is_blank
from .evaluate import evaluate
from .model import PLACEMENT
from .optimise import optimise
from .problem import AssignmentProblem
from .reader import read_problem, text, time_text
from .results import TABLE, build_report, violation_issues

KIND_TITLE = "assignment (items to places × slots, rules in words)"


def rule_label(problem: AssignmentProblem, r: int) -> str:
    if r == PLACEMENT:
        return f"'each item placed exactly once' ({problem.settings_refs.get('placement', 'Settings')})"
    row = problem.rules[r]
    return f"'{row.text}' ({row.ref})"


def _key(r: int) -> Any:
    return "placement" if r == PLACEMENT else r


def solve(data: WorkbookData, settings: SolveSettings) -> Report:
    t0 = time.time()
    problem, log = read_problem(data)
    p = problem
    issues = list(log.warnings)
    out = optimise(p, settings.time_limit, seed=settings.seed, progress=settings.progress,
                   verbose=settings.verbose, label=lambda r: rule_label(p, r), threads=settings.threads,
                   solver=settings.solver or "cbc")
    m = out.model
    run: dict[str, Any] = {"Kind": KIND_TITLE, "Solver": (settings.solver or "cbc").upper(), "Time limit (s)": settings.time_limit,
                           "Seed": settings.seed, "Items / places / slots": f"{p.I} / {p.P} / {p.S}",
                           "Rules": f"{len(p.rules)} ({sum(r.hard for r in p.rules)} hard)",
                           "Each item placed": p.placement,
                           "Variables / constraints": f"{m.n_variables} / {m.n_constraints}",
                           "Model built in (s)": round(m.build_seconds, 2)}
    for k, line in enumerate(out.solver_runs):
        run[f"Solver run {k + 1}"] = line
    conflict_text = []
    for k, c in enumerate(out.conflicts):
        names = "; ".join(rule_label(p, r) for r in c.rules)
        kind = "an irreducible set" if c.minimal else "a set (not proven irreducible: a check ran out of time)"
        conflict_text.append(f"These {len(c.rules)} hard rules cannot hold together ({kind}): {names}. "
                             "They were softened: each unit by which one is broken costs its weight.")
        run[f"Conflict {k + 1}"] = conflict_text[-1]
        run[f"Conflict {k + 1} search"] = f"{c.checks} checks in {c.seconds:.1f} s"
    for text_ in conflict_text:
        issues.append(_issue(p, out.conflicts, text_))
    if out.relaxed_all:
        issues.append(_issue(p, [], "No schedule keeping every hard rule was found within the time limit (it was "
                                    "not proven impossible). This result softens every hard rule; give more time "
                                    "to find one that keeps them."))
    if out.schedule is None:
        summary = ("No schedule was found within the time limit. Give more time or check the rules."
                   if not out.conflicts else " ".join(conflict_text) + " No schedule was found even so.")
        run["Status"] = "no solution"
        return Report(kind="assignment", sheets=[status_sheet(issues, summary)], status="no solution",
                      objective=None, summary=summary, issues=issues, ok=False)
    ev = evaluate(p, out.schedule, softened={_key(r) for r in out.softened})
    bound = max(0.0, out.bound) if out.bound is not None else None
    cost = ev.cost
    gap = None if bound is None else (0.0 if cost <= 1e-9 else max(0.0, (cost - bound) / cost))
    status = out.status
    if status == "feasible" and gap is not None:
        status = "optimal" if gap <= 1e-6 else f"feasible (gap {100 * gap:.1f}%)"
    elif status == "relaxed":
        status = "relaxed: hard rules softened" + (f" (gap {100 * gap:.1f}%)" if gap and gap > 1e-6 else "")
    run.update({"Status": status, "Cost": cost, "Lower bound": bound,
                "Gap": None if gap is None else f"{100 * gap:.2f}%", "Seconds": round(time.time() - t0, 1),
                "Achievement note": "Best possible of each rule is 0 (it holds); the total's is the lower bound "
                                    "CBC proved for this model" + (" with the softened rules" if out.softened else "")})
    issues += violation_issues(ev)
    broken = [x for x in ev.lines if not x.result.holds]
    summary = (f"Assignment {status}: cost {cost:g}"
               + (f", lower bound {bound:g}" if bound is not None else "")
               + f"; {len(ev.lines) - len(broken)} of {len(ev.lines)} rules held"
               + (". " + " ".join(conflict_text) if conflict_text else "."))
    return build_report(ev, status, summary, run, issues, bound, cost)


def _issue(p: AssignmentProblem, conflicts, message: str):
    from ..errors import InputIssue

    where = "Rules"
    if conflicts and conflicts[-1].rules:
        r = conflicts[-1].rules[0]
        where = p.settings_refs.get("placement", "Settings") if r == PLACEMENT else p.rules[r].ref
    return InputIssue(where, message, "warning")


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------

def read_schedule(problem: AssignmentProblem, data: WorkbookData) -> dict[int, tuple[int, int] | None]:
    """The (possibly hand-edited) Assignment Table as a plain schedule; cell-naming errors."""
    from .rules.vocabulary import suggest

    t = data.get(TABLE)
    log = IssueLog()
    assert t is not None
    h = next((i for i in range(min(5, t.n_rows)) if text(t.value(i, 0)).lower() == "item"), None)
    if h is None:
        log.error(f"{TABLE}!A2", "cannot find the header row (Item, Place, Start) of the Assignment Table. "
                                 "Solve again to rewrite it.")
        log.raise_if_errors()
    header = [text(v).lower() for v in t.rows[h]]
    if "place" not in header or "start" not in header:
        log.error(t.ref(h, 0), "the Assignment Table needs the columns Item, Place and Start. Solve again to "
                               "rewrite it.")
        log.raise_if_errors()
    jp, js = header.index("place"), header.index("start")
    p = problem
    schedule: dict[int, tuple[int, int] | None] = {i: None for i in range(p.I)}
    seen: dict[int, str] = {}
    for r in range(h + 1, t.n_rows):
        name = text(t.value(r, 0))
        if not name:
            continue
        i = p.item_index.get(name.lower())
        if i is None:
            log.error(t.ref(r, 0), f"'{name}' is not an item of the Items sheet.{suggest(name, [x.name for x in p.items])} "
                                   "Do not rename items in the Assignment Table; change the Items sheet and solve again.")
            continue
        if i in seen:
            log.error(t.ref(r, 0), f"item '{name}' is listed twice (also at {seen[i]}). Delete one of the rows.")
            continue
        seen[i] = t.ref(r, 0)
        rp, rs = t.value(r, jp), t.value(r, js)
        if is_blank(rp) and is_blank(rs):
            continue
        pl = p.place_index.get(text(rp).lower())
        if pl is None:
            log.error(t.ref(r, jp), f"'{text(rp)}' is not a place.{suggest(text(rp), [x.name for x in p.places])} "
                                    "Use a name from the Places sheet (or clear Place and Start to leave it unplaced).")
        s = p.slot_index.get(time_text(rs).lower())
        if s is None:
            log.error(t.ref(r, js), f"'{text(rs)}' is not a slot.{suggest(time_text(rs), [x.name for x in p.slots])} "
                                    "Use a slot name from the Slots sheet.")
        if pl is not None and s is not None:
            schedule[i] = (pl, s)
    log.raise_if_errors()
    return schedule


def check(data: WorkbookData) -> Report:
    problem, log = read_problem(data)
    p = problem
    issues = list(log.warnings)
    if TABLE not in data:
        msg = (f"Inputs are valid: {p.I} items, {p.P} places × {p.S} slots, {len(p.rules)} rules "
               f"({sum(r.hard for r in p.rules)} hard), {len(p.pairs)} pair weights. Solve to place the items.")
        return Report(kind="assignment", sheets=[status_sheet(issues, msg)], status="checked", objective=None,
                      summary=msg, issues=issues)
    schedule = read_schedule(p, data)
    ev = evaluate(p, schedule)
    issues += violation_issues(ev)
    broken = [x for x in ev.lines if not x.result.holds]
    hard = [x for x in broken if x.hard]
    status = "checked" if not broken else f"checked: {len(broken)} rule{'s' if len(broken) != 1 else ''} broken"
    summary = (f"Checked the Assignment Table: cost {ev.cost:g} (soft rules {ev.soft_cost:g}); "
               f"{len(hard)} hard and {len(broken) - len(hard)} soft rules broken.")
    run = {"Kind": KIND_TITLE, "Status": status, "Cost": ev.cost, "Schedule from": "Assignment Table (checked)",
           "Achievement note": "checked on the given schedule"}
    return build_report(ev, status, summary, run, issues, None, ev.cost)


def programme(data: WorkbookData):
    """The programme of the Assignment Table, for publishing (issue 16): items as talks, places as rooms."""
    from pathlib import Path

    from ..errors import InputError, InputIssue
    from .programme import assignment_programme

    problem, log = read_problem(data)
    if TABLE not in data:
        raise InputError([InputIssue(TABLE, "the workbook holds no schedule yet. Solve first, then publish.")])
    schedule = read_schedule(problem, data)
    prog = assignment_programme(problem, schedule, Path(data.source).stem if data.source else "")
    return prog, None, {}, [str(w) for w in log.warnings]
