"""Solve / Check for the attendance-budget workbook (dispatched by ``kinds.py``)."""

from __future__ import annotations

from typing import Any, Optional

from ..errors import InputIssue, IssueLog
from ..kinds import SolveSettings
from ..report import Block, Chart, Report, SheetReport, status_sheet
from ..tables import Table, WorkbookData, is_blank
from .analysis import Analysis, analyse, evaluate_strategy
from .model import Instance, SolveOptions, base_instance, evaluate, money
from .problem import BudgetProblem, find_header, column, norm, parse_number, read_problem
from .sheets import (ALLOCATION, COMPARISON, COMPARISON_HEADER, MONEY, OBJ, RUN, SCENARIO_RESULTS,
                     allocation_sheet, comparison_row, comparison_sheet, run_sheet, scenario_sheet, seat_rule_text)

KIND = "budget"


def _options(settings: SolveSettings) -> SolveOptions:
    return SolveOptions(solver=settings.solver or "cbc", time_limit=float(settings.time_limit or 60.0),
                        seed=int(settings.seed or 0), threads=int(settings.threads or 1),
                        verbose=bool(settings.verbose))


def solve(data: WorkbookData, settings: SolveSettings) -> Report:
    problem, warnings = read_problem(data)
    if settings.model not in (None, "", "ilp", "ip", "default"):
        warnings.append(InputIssue("settings", f"model variant '{settings.model}' is not used by the budget "
                                               "model (it always solves the integer programme and its LP relaxation).",
                                   "warning"))
    a = analyse(problem, _options(settings), settings.progress)
    base = a.base
    inst = base.instance
    sheets = [comparison_sheet(a),
              allocation_sheet(problem, inst, base.plan.x if base.solved else [None] * inst.n,  # type: ignore[arg-type]
                               a.relaxation.x, "from the integer programme" if base.solved else
                               "— no feasible plan, fill them in by hand"),
              scenario_sheet(a),
              run_sheet(a, settings.solver, settings.time_limit, settings.seed, len(warnings))]
    summary = _summary(a)
    status = base.plan.status if base.solved else ("infeasible" if base.plan.status == "infeasible" else base.plan.status)
    if a.gap_relative is not None and base.solved:
        status += f" (integrality gap {a.gap_relative:.2%})"
    sheets.append(status_sheet(warnings, summary))
    return Report(kind=KIND, sheets=sheets, status=status,
                  objective=base.evaluation.objective if base.solved else None,  # type: ignore[union-attr]
                  summary=summary, issues=warnings)


def _summary(a: Analysis) -> str:
    base = a.base
    parts = []
    if base.solved:
        ev = base.evaluation
        alloc = ", ".join(f"{nm} {int(x)}" for nm, x in zip(base.instance.names, base.plan.x))  # type: ignore[arg-type]
        parts.append(f"Optimised plan ({base.instance.target_text()}): {alloc}; T&E {money(ev.te_spend)} of "  # type: ignore[union-attr]
                     f"{money(base.instance.te_budget)}, registration {money(ev.registration_spend)} of "  # type: ignore[union-attr]
                     f"{money(base.instance.registration_budget)}, objective {ev.objective:,.2f}"  # type: ignore[union-attr]
                     + (f" (LP bound {a.relaxation.objective:,.2f})" if a.relaxation.objective is not None else "")
                     + ".")
        if ev.additional_seats is not None:  # type: ignore[union-attr]
            parts.append(f"Remaining T&E {money(ev.remaining_te)} pays {ev.additional_seats} additional "  # type: ignore[union-attr]
                         "non-flagship seats.")
    else:
        parts.append(f"No feasible base plan: {base.explanation}")
    bad = [c for c in a.scenarios if not c.solved]
    if a.scenarios:
        parts.append(f"{len(a.scenarios) - len(bad)} of {len(a.scenarios)} scenarios solved"
                     + ("." if not bad else "; " + "; ".join(f"'{c.instance.name}' has no plan: {c.explanation}"
                                                              for c in bad)))
    return " ".join(parts)


# --------------------------------------------------------------------------------------
# check: validate the inputs and evaluate the (possibly hand-edited) Allocation sheet
# --------------------------------------------------------------------------------------

def read_allocation(data: WorkbookData, problem: BudgetProblem, log: IssueLog) -> tuple[list[Optional[float]], Optional[list[float]]]:
    """Attendee numbers (and the LP column) from the Allocation sheet, in flagship order."""
    raw = data.get(ALLOCATION)
    assert raw is not None
    t = find_header(raw, ("Conference",))
    n = len(problem.flagships)
    att: list[Optional[float]] = [None] * n
    lp: list[float] = []
    if t is None:
        log.error(ALLOCATION, "the Allocation sheet has no 'Conference' header row; clear the results and solve again.")
        return att, None
    jn, ja, jl = column(t, "Conference"), column(t, "Attendees"), column(t, "LP relaxation")
    if ja is None:
        log.error(t.ref(0, 0), "the Allocation table has no 'Attendees' column; clear the results and solve again.")
        return att, None
    index = {norm(c.name): i for i, c in enumerate(problem.flagships)}
    lp_vals: dict[int, float] = {}
    for i, row in t.data_rows():
        name = t.value(i, jn)
        if is_blank(name):
            break
        if norm(name) == "total":
            break
        k = index.get(norm(name))
        if k is None:
            log.warn(t.ref(i, jn), f"'{name}' on the Allocation sheet is not a flagship conference on the Conferences "
                                   "sheet; its attendees are ignored (solve again to refresh the sheet).")
            continue
        v = t.value(i, ja)
        x = parse_number(v)
        if is_blank(v):
            log.error(t.ref(i, ja), f"no attendees given for '{name}'; type a whole number (0 to send nobody).")
        elif x is None or x < 0 or not float(x).is_integer():
            log.error(t.ref(i, ja), f"attendees for '{name}' must be a whole number of people, not {v!r}.")
        else:
            att[k] = x
        if jl is not None:
            lv = parse_number(t.value(i, jl))
            if lv is not None:
                lp_vals[k] = lv
    for k, c in enumerate(problem.flagships):
        if att[k] is None and not any(norm(c.name) == norm(t.value(i, jn)) for i, _ in t.data_rows()):
            log.error(ALLOCATION, f"flagship '{c.name}' is missing from the Allocation sheet; solve again to refresh it.")
    if len(lp_vals) == n:
        lp = [lp_vals[k] for k in range(n)]
    return att, (lp or None)


def _copy_sheet(t: Table) -> SheetReport:
    """A result sheet kept as it is (values only) when a check rewrites the result sheets."""
    return SheetReport(name=t.sheet, blocks=[Block(anchor=f"A{t.origin_row}" if t.origin_col == 1 else "A1",
                                                   rows=[list(r) for r in t.rows], header=False)])


def _copy_scenario_results(t: Table) -> SheetReport:
    sheet = _copy_sheet(t)
    sub = find_header(t, ("Conference",))
    if sub is not None:
        width = 0
        for v in sub.header():
            if is_blank(v):
                break
            width += 1
        n = 0
        for i, row in sub.data_rows():
            if is_blank(row[0]) or norm(row[0]) == "totalseats":
                break
            n += 1
        if n and width > 1:
            from openpyxl.utils import get_column_letter
            h = sub.origin_row
            sheet.charts.append(Chart(kind="bar", title="Attendees per flagship conference, by scenario",
                                      anchor=f"A{t.origin_row + t.n_rows + 2}",
                                      data_ref=f"B{h}:{get_column_letter(width)}{h + n}",
                                      categories_ref=f"A{h + 1}:A{h + n}"))
    return sheet


def check(data: WorkbookData) -> Report:
    log = IssueLog()
    problem, warnings = read_problem(data, log)
    inst = base_instance(problem)
    sheets: list[SheetReport] = []
    rows: list[list[Any]] = [COMPARISON_HEADER]
    for s in problem.strategies:
        sr = evaluate_strategy(inst, s)
        rows.append(comparison_row("Fixed", f"{s.headcount} per flagship", sr.evaluation, s.name, "; ".join(sr.notes)))
    findings: list[InputIssue] = list(warnings)
    objective = None
    if ALLOCATION in data:
        att, lp = read_allocation(data, problem, log)
        log.raise_if_errors()
        findings = list(log.warnings)
        x = [a or 0.0 for a in att]
        ev = evaluate(inst, x)
        objective = ev.objective
        rows.append(comparison_row("Checked", "allocation on the Allocation sheet", ev,
                                   f"as found on the Allocation sheet ({inst.target_text()})",
                                   "; ".join(ev.problems)))
        sheets.append(allocation_sheet(problem, inst, x, lp, "as found on the Allocation sheet (checked)"))
        for p in ev.problems:
            findings.append(InputIssue(ALLOCATION, p, "warning"))
        verdict = "feasible" if ev.feasible else "infeasible"
        summary = (f"Checked the allocation on the Allocation sheet: {verdict}. {int(ev.attendees)} flagship seats, "
                   f"T&E {money(ev.te_spend)} of {money(inst.te_budget)} (remaining {money(ev.remaining_te)}), "
                   f"registration {money(ev.registration_spend)} of {money(inst.registration_budget)} "
                   f"(remaining {money(ev.remaining_registration)}), objective {ev.objective:,.2f}"
                   + (f"; {ev.additional_seats} additional non-flagship seats." if ev.additional_seats is not None else ".")
                   + ("" if ev.feasible else " Problems: " + "; ".join(ev.problems) + "."))
        status = f"checked: {verdict}"
    else:
        summary = (f"Inputs are valid: {inst.n} flagship conferences, T&E per person "
                   + ", ".join(f"{nm} {money(c)}" for nm, c in zip(inst.names, inst.te_cost))
                   + f"; {len(problem.strategies)} fixed strategies, {len(problem.scenarios)} scenarios. "
                   "No Allocation sheet yet: Solve writes one.")
        status = "checked: inputs valid"
    comp = SheetReport(name=COMPARISON, blocks=[
        Block(anchor="A1", header=False, rows=[[seat_rule_text(inst, problem.settings.refs.get("seat_rule"))],
                                               ["Written by Check: fixed strategies re-evaluated on the current inputs; "
                                                "the last row is the allocation found on the Allocation sheet."]]),
        Block(anchor="A4", rows=rows, title="Fixed strategies vs the current allocation (check)",
              number_formats={3: MONEY, 4: MONEY, 5: MONEY, 6: MONEY, 8: OBJ},
              column_widths={0: 12, 1: 34, 9: 34, 11: 80})])
    sheets.insert(0, comp)
    for name in (SCENARIO_RESULTS, RUN):
        t = data.get(name)
        if t is not None and t.rows:
            sheets.append(_copy_scenario_results(t) if name == SCENARIO_RESULTS else _copy_sheet(t))
    sheets.append(status_sheet(findings, summary))
    return Report(kind=KIND, sheets=sheets, status=status, objective=objective, summary=summary, issues=findings)
