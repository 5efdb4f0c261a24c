"""Solve / Check for the attendance-budget workbook (dispatched by ``kinds.py``)."""

from __future__ import annotations

from typing import Any, Optional

from ..errors import InputIssue, IssueLog
from ..kinds import SolveSettings
from ..report import Report, status_sheet
from ..tables import WorkbookData, is_blank
from .analysis import Analysis, analyse, evaluate_strategy
from .model import SolveOptions, base_instance, evaluate, money
from .problem import BudgetProblem, find_header, column, norm, parse_number, read_problem
from .sheets import (ALLOCATION, COMPARISON, SCENARIO_RESULTS, allocation_sheet, comparison_sheet, run_sheet,
                     scenario_sheet)

KIND = "budget"


def _options(settings: SolveSettings) -> SolveOptions:
    return SolveOptions(solver=settings.solver or "cbc", time_limit=float(settings.time_limit or 60.0),
                        seed=int(settings.seed or 0), threads=int(settings.threads or 1),
                        verbose=bool(settings.verbose), cancel=settings.cancel)


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
    # no base plan: a failed solve (exit 3, the previous results stay); the summary says why
    return Report(kind=KIND, sheets=sheets, status=status,
                  objective=base.evaluation.objective if base.solved else None,  # type: ignore[union-attr]
                  summary=summary, issues=warnings, text_sheets=[COMPARISON, SCENARIO_RESULTS],
                  data=_data(a), ok=bool(base.solved))


def _data(a: Analysis) -> dict[str, Any]:
    def case(c) -> dict[str, Any]:
        d: dict[str, Any] = {"name": c.instance.name, "status": c.plan.status}
        if c.solved:
            ev = c.evaluation
            d.update(allocation=dict(zip(c.instance.names, [int(v) for v in c.plan.x])), objective=ev.objective,
                     te_spend=ev.te_spend, registration_spend=ev.registration_spend,
                     remaining_te=ev.remaining_te, remaining_registration=ev.remaining_registration,
                     additional_non_flagship_seats=ev.additional_seats)
        else:
            d["explanation"] = c.explanation
        return d

    return {
        "base": case(a.base),
        "lp_relaxation_bound": a.relaxation.objective,
        "integrality_gap": a.gap,
        "strategies": [{"name": s.strategy.name, "per_flagship": s.strategy.headcount,
                        "objective": s.evaluation.objective, "te_spend": s.evaluation.te_spend,
                        "registration_spend": s.evaluation.registration_spend,
                        "feasible": s.evaluation.within_budgets} for s in a.strategies],
        "scenarios": [case(c) for c in a.scenarios],
    }


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


def check(data: WorkbookData) -> Report:
    """Validate the inputs and evaluate the allocation on the Allocation sheet as it stands.

    Only the Status sheet is written: the Allocation sheet (perhaps edited by hand) is the
    organiser's and its live formulas already show spend and feasibility.
    """
    log = IssueLog()
    problem, _warnings = read_problem(data, log)
    inst = base_instance(problem)
    objective = None
    ev = None
    if ALLOCATION in data:
        att, _lp = read_allocation(data, problem, log)
        log.raise_if_errors()
        ev = evaluate(inst, [a or 0.0 for a in att])
        objective = ev.objective
    findings: list[InputIssue] = list(log.warnings)
    strategies = "; ".join(
        f"{s.name} ({s.headcount} per flagship): objective {sr.evaluation.objective:,.2f}, "
        f"{'within' if sr.evaluation.within_budgets else 'over'} budget"
        for s in problem.strategies for sr in [evaluate_strategy(inst, s)])
    if ev is not None:
        for p in ev.problems:
            findings.append(InputIssue(ALLOCATION, p, "warning"))
        verdict = "feasible" if ev.feasible else "infeasible"
        summary = (f"Checked the allocation on the Allocation sheet: {verdict}. {ev.attendees:g} flagship seats "
                   f"({inst.target_text()}), T&E {money(ev.te_spend)} of {money(inst.te_budget)} "
                   f"(remaining {money(ev.remaining_te)}), registration {money(ev.registration_spend)} of "
                   f"{money(inst.registration_budget)} (remaining {money(ev.remaining_registration)}), "
                   f"objective {ev.objective:,.2f}"
                   + (f"; {ev.additional_seats} additional non-flagship seats." if ev.additional_seats is not None else ".")
                   + ("" if ev.feasible else " Problems: " + "; ".join(ev.problems) + ".")
                   + (f" Fixed strategies: {strategies}." if strategies else ""))
        status = f"checked: {verdict}"
    else:
        summary = (f"Inputs are valid: {inst.n} flagship conferences, T&E per person "
                   + ", ".join(f"{nm} {money(c)}" for nm, c in zip(inst.names, inst.te_cost))
                   + f"; {len(problem.strategies)} fixed strategies, {len(problem.scenarios)} scenarios. "
                   "No Allocation sheet yet: Solve writes one.")
        status = "checked: inputs valid"
    data_out: dict[str, Any] = {"feasible": None if ev is None else ev.feasible}
    if ev is not None:
        data_out.update(attendees=ev.attendees, te_spend=ev.te_spend, registration_spend=ev.registration_spend,
                        remaining_te=ev.remaining_te, remaining_registration=ev.remaining_registration,
                        objective=ev.objective, additional_non_flagship_seats=ev.additional_seats,
                        problems=ev.problems)
    return Report(kind=KIND, sheets=[status_sheet(findings, summary)], status=status, objective=objective,
                  summary=summary, issues=findings, data=data_out)
