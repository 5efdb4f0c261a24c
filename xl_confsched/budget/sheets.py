"""Result sheets of the budget model: Comparison, Allocation (live formulas), Scenario Results, Run.

The Allocation sheet refers to the organiser's own input cells (days, flight, hotel, food,
fee, demand, budgets, bounds) and computes spend, remaining budget and feasibility with
native formulas over the attendee cells, so a number overwritten by hand shows its
consequence at once.  Only functions Excel 2016 and LibreOffice both know are used
(SUM, COUNTIF, IF, AND, OR, INT, MAX, TEXT, ISNUMBER).
"""

from __future__ import annotations

import platform
from datetime import datetime
from typing import Any, Optional

from openpyxl.utils import get_column_letter

from .. import __version__
from ..report import Block, Chart, Formula, SheetReport
from .analysis import Analysis, CaseResult
from .model import Evaluation, Instance
from .problem import BudgetProblem

COMPARISON = "Comparison"
ALLOCATION = "Allocation"
SCENARIO_RESULTS = "Scenario Results"
RUN = "Run"

MONEY = "#,##0"
OBJ = "#,##0.00"
DEMAND = "#,##0.0#"
RED = "F8CBAD"
GREEN = "C6EFCE"

COMPARISON_HEADER = ["Model type", "Strategy", "Flagship attendees", "T&E spend", "Registration spend",
                     "Remaining T&E", "Remaining registration", "Feasible", "Objective",
                     "Name", "Additional non-flagship seats", "Note"]
ALLOCATION_HEADER = ["Conference", "Region", "Days", "Flight per person", "Hotel per day", "Food per day",
                     "T&E per person", "Registration fee", "Demand score", "Min", "Max", "LP relaxation",
                     "Attendees", "T&E spend", "Registration spend", "Demand contribution", "Within bounds"]
ALLOCATION_ANCHOR_ROW = 4  # header row of the allocation table
ATTENDEES_COL = ALLOCATION_HEADER.index("Attendees")


def xref(ref: Optional[str]) -> Optional[str]:
    """``Budget!B5`` → ``'Budget'!B5`` (safe for any sheet name)."""
    if not ref or "!" not in ref:
        return None
    sheet, cell = ref.split("!", 1)
    return f"'{sheet}'!{cell}"


def _r(v: Optional[float], nd: int = 6) -> Optional[float]:
    return None if v is None else round(float(v), nd)


def _int_or_float(v: Optional[float]) -> Any:
    if v is None:
        return None
    return int(round(v)) if abs(v - round(v)) < 1e-9 else round(v, 6)


def _yes(b: bool) -> str:
    return "Yes" if b else "No"


def seat_rule_text(inst: Instance, budget_ref: Optional[str] = None) -> str:
    if inst.seat_target is None:
        return "No flagship seat target: the plan may use any number of seats the budgets and bounds allow."
    sym = {"exactly": "=", "at least": "≥", "at most": "≤"}[inst.seat_rule]
    where = f" (Seat target rule on the Budget sheet{', ' + budget_ref if budget_ref else ''})"
    return (f"Seat target: Σ attendees {sym} {inst.seat_target} — the optimised plan uses {inst.seat_rule} "
            f"{inst.seat_target} flagship seats{where}.")


# --------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------

def comparison_row(model_type: str, strategy: str, ev: Optional[Evaluation], name: str, note: str) -> list[Any]:
    if ev is None:
        return [model_type, strategy, None, None, None, None, None, "No", None, name, None, note]
    return [model_type, strategy, _int_or_float(ev.attendees), _r(ev.te_spend, 2), _r(ev.registration_spend, 2),
            _r(ev.remaining_te, 2), _r(ev.remaining_registration, 2), _yes(ev.within_budgets),
            _r(ev.objective, 4), name, ev.additional_seats, note]


def comparison_sheet(a: Analysis) -> SheetReport:
    inst = a.base.instance
    s = a.problem.settings
    rows: list[list[Any]] = [COMPARISON_HEADER]
    for sr in a.strategies:
        rows.append(comparison_row("Fixed", f"{sr.strategy.headcount} per flagship", sr.evaluation,
                                   sr.strategy.name, "; ".join(sr.notes)))
    ip_name = f"Integer programme ({inst.target_text()})"
    if a.base.solved:
        note = "" if a.base.plan.status == "optimal" else "best plan found within the time limit (not proven optimal)"
        rows.append(comparison_row("Optimized", "optimized integer allocation", a.base.evaluation, ip_name, note))
    else:
        rows.append(comparison_row("Optimized", "optimized integer allocation", None, ip_name,
                                   "No plan: " + a.base.explanation))
    n_rows = len(rows)
    feas_col = get_column_letter(1 + COMPARISON_HEADER.index("Feasible"))
    main = Block(
        anchor="A4", rows=rows, title="Fixed strategies vs optimised allocation (base case)",
        table_name="tblComparison",
        number_formats={3: MONEY, 4: MONEY, 5: MONEY, 6: MONEY, 8: OBJ},
        column_widths={0: 12, 1: 28, 2: 12, 3: 12, 4: 14, 5: 13, 6: 15, 7: 9, 8: 11, 9: 30, 10: 14, 11: 60},
        conditional=[(f"{feas_col}5:{feas_col}{4 + n_rows - 1}", f'${feas_col}5="No"', RED)],
    )
    notes = Block(anchor="A1", header=False, rows=[
        [seat_rule_text(inst, s.refs.get("seat_rule"))],
        ["Feasible = both budgets kept (T&E and registration). Objective = Σ demand score × attendees. "
         "The Note says when a fixed strategy misses the seat target or the per-flagship bounds."],
    ])
    blocks = [notes, main]
    r = 4 + n_rows + 2

    # LP relaxation vs integer programme
    lp = a.relaxation
    lp_rows: list[list[Any]] = [["Conference", "LP relaxation", "Integer programme", "T&E per person",
                                 "Registration fee", "Demand score"]]
    for i, nm in enumerate(inst.names):
        lp_rows.append([nm, _r(lp.x[i], 4) if lp.x else None,
                        _int_or_float(a.base.plan.x[i]) if a.base.solved else None,  # type: ignore[index]
                        _r(inst.te_cost[i], 2), _r(inst.fee[i], 2), _r(inst.demand[i], 4)])
    lp_rows.append(["Total seats", _r(sum(lp.x), 4) if lp.x else None,
                    _int_or_float(a.base.evaluation.attendees) if a.base.solved else None, None, None, None])  # type: ignore[union-attr]
    blocks.append(Block(anchor=f"A{r + 1}", rows=lp_rows, title="Integer programme vs its LP relaxation",
                        number_formats={1: "0.00##", 3: MONEY, 4: MONEY, 5: DEMAND}))
    r += len(lp_rows) + 2
    gap = a.gap
    if lp.x is None:
        lp_note = "the LP relaxation has no solution either: " + (a.base.explanation or lp.status)
    elif a.relaxation_integral:
        lp_note = "the LP relaxation is integral here: it already is a whole-number plan"
    else:
        lp_note = "the LP relaxation is fractional; the integer programme rounds it to whole attendees"
    metrics = [
        ["Measure", "Value", "Note"],
        ["LP relaxation bound", _r(lp.objective, 4), lp_note],
        ["Integer programme objective", _r(a.base.evaluation.objective, 4) if a.base.solved else None,  # type: ignore[union-attr]
         a.base.plan.status],
        ["Integrality gap", _r(gap, 4), "LP bound − integer objective"],
    ]
    if a.gap_relative is not None:
        metrics[3][2] = f"LP bound − integer objective = {a.gap_relative:.2%} of the LP bound"
    blocks.append(Block(anchor=f"A{r + 1}", rows=metrics, number_formats={1: OBJ},
                        title="Relaxation bound and integrality gap"))
    r += len(metrics) + 2

    # second stage
    ss_rows: list[list[Any]] = [["Plan", "Remaining T&E after flagships", "T&E cost of one non-flagship seat",
                                 "Additional non-flagship seats", "Cost from"]]
    cost = inst.non_flagship_seat_cost
    src = s.non_flagship_cost_note or "not given"
    for sr in a.strategies:
        ss_rows.append([f"{sr.strategy.name} ({sr.strategy.headcount} per flagship)",
                        _r(sr.evaluation.remaining_te, 2), _r(cost, 2), sr.evaluation.additional_seats, src])
    if a.base.solved:
        ss_rows.append(["Optimized integer allocation", _r(a.base.evaluation.remaining_te, 2), _r(cost, 2),  # type: ignore[union-attr]
                        a.base.evaluation.additional_seats, src])  # type: ignore[union-attr]
    blocks.append(Block(anchor=f"A{r + 1}", rows=ss_rows, number_formats={1: MONEY, 2: MONEY},
                        title="Second stage: remaining T&E ÷ non-flagship seat cost = additional non-flagship seats (rounded down)"))
    return SheetReport(name=COMPARISON, blocks=blocks, freeze="A5")


# --------------------------------------------------------------------------------------
# Allocation (live formulas)
# --------------------------------------------------------------------------------------

def _link(ref: Optional[str], value: Any) -> Any:
    x = xref(ref)
    return Formula(f"={x}") if x else value


def _link_optional(ref: Optional[str], value: Any, empty: str = '""') -> Any:
    """A link to an input cell that may be left empty (shown as ``empty``, not as Excel's 0)."""
    x = xref(ref)
    return Formula(f'=IF({x}="",{empty},{x})') if x else value


def allocation_sheet(problem: BudgetProblem, inst: Instance, attendees: list[Optional[float]],
                     lp: Optional[list[float]], origin: str) -> SheetReport:
    """The plan with live formulas.  ``origin`` says where the attendee numbers come from."""
    s = problem.settings
    n = len(problem.flagships)
    h = ALLOCATION_ANCHOR_ROW
    first, last = h + 1, h + n
    col = {name: get_column_letter(1 + j) for j, name in enumerate(ALLOCATION_HEADER)}
    rows: list[list[Any]] = [list(ALLOCATION_HEADER)]
    for i, c in enumerate(problem.flagships):
        r = first + i
        C = {k: f"{v}{r}" for k, v in col.items()}
        rows.append([
            c.name, c.region,
            _link(c.refs.get("days"), c.days),
            _link(c.refs.get("flight"), c.flight),
            _link(c.refs.get("hotel"), c.hotel),
            _link(c.refs.get("food"), c.food),
            Formula(f"={C['Flight per person']}+{C['Days']}*({C['Hotel per day']}+{C['Food per day']})"),
            _link(c.refs.get("fee"), c.registration_fee),
            _link(c.refs.get("demand"), c.demand),
            _link_optional(s.refs.get("min_per_flagship"), s.min_per_flagship, empty="0"),
            _link_optional(s.refs.get("max_per_flagship"), s.max_per_flagship),
            None if not lp else round(lp[i], 4),
            _int_or_float(attendees[i]) if attendees[i] is not None else None,
            Formula(f"={C['Attendees']}*{C['T&E per person']}"),
            Formula(f"={C['Attendees']}*{C['Registration fee']}"),
            Formula(f"={C['Attendees']}*{C['Demand score']}"),
            (Formula(f'=IF(AND({C["Attendees"]}>={C["Min"]},OR({C["Max"]}="",{C["Attendees"]}<={C["Max"]})),"Yes","No")')),
        ])
    total_row = last + 1

    def colsum(name: str) -> str:
        return Formula(f"=SUM({col[name]}{first}:{col[name]}{last})")

    rows.append(["Total", None, None, None, None, None, None, None, None, None, None,
                 colsum("LP relaxation") if lp else None, colsum("Attendees"), colsum("T&E spend"),
                 colsum("Registration spend"), colsum("Demand contribution"), None])
    att = col["Attendees"]
    table = Block(
        anchor=f"A{h}", rows=rows,
        title=f"Flagship allocation — attendees {origin}; yellow cells can be overwritten by hand",
        number_formats={2: "0", 3: MONEY, 4: MONEY, 5: MONEY, 6: MONEY, 7: MONEY, 8: DEMAND, 11: "0.00##",
                        12: "0", 13: MONEY, 14: MONEY, 15: OBJ},
        column_widths={0: 22, 1: 12, 11: 13, 12: 11, 13: 12, 14: 15, 15: 14, 16: 13},
        input_columns={ATTENDEES_COL},
        conditional=[(f"{col['Within bounds']}{first}:{col['Within bounds']}{last}",
                      f'${col["Within bounds"]}{first}="No"', RED)],
    )

    # budget check, one row per item (value in column B)
    top = total_row + 3  # header row of the check block
    items: list[tuple[str, Any, str, str]] = []  # label, value/formula, number format, note
    B = {}

    def add(key: str, label: str, value: Any, fmt: str, note: str = "") -> None:
        B[key] = f"B{top + 1 + len(items)}"
        items.append((label, value, fmt, note))

    add("seats", "Flagship attendees", Formula(f"=SUM({att}{first}:{att}{last})"), MONEY)
    add("target", "Flagship seat target",
        _link_optional(s.refs.get("seat_target"), s.seat_target), MONEY,
        f"rule: Σ attendees {({'exactly': '=', 'at least': '≥', 'at most': '≤'})[s.seat_rule]} target ({s.seat_rule})")
    op = {"exactly": "=", "at least": ">=", "at most": "<="}[s.seat_rule]
    add("target_ok", "Seat target met",
        Formula(f'=IF(ISNUMBER({B["target"]}),IF({B["seats"]}{op}{B["target"]},"Yes","No"),"no target")'), MONEY)
    add("bounds", "Within per-flagship bounds",
        Formula(f'=IF(COUNTIF({col["Within bounds"]}{first}:{col["Within bounds"]}{last},"No")=0,"Yes","No")'), MONEY)
    add("te_budget", "T&E budget", _link(s.refs.get("te_budget"), s.te_budget), MONEY, "from the Budget sheet")
    add("te_spend", "T&E spend", Formula(f"=SUM({col['T&E spend']}{first}:{col['T&E spend']}{last})"), MONEY)
    add("te_rem", "Remaining T&E", Formula(f"={B['te_budget']}-{B['te_spend']}"), MONEY)
    add("reg_budget", "Registration budget", _link(s.refs.get("registration_budget"), s.registration_budget), MONEY,
        "from the Budget sheet")
    add("reg_spend", "Registration spend",
        Formula(f"=SUM({col['Registration spend']}{first}:{col['Registration spend']}{last})"), MONEY)
    add("reg_rem", "Remaining registration", Formula(f"={B['reg_budget']}-{B['reg_spend']}"), MONEY)
    cost_val = s.non_flagship_seat_cost
    add("seat_cost", "T&E cost of one non-flagship seat",
        _link(s.refs.get("non_flagship_seat_cost"), cost_val) if s.refs.get("non_flagship_seat_cost") and
        s.non_flagship_cost_note == "Budget sheet" else (None if cost_val is None else round(cost_val, 2)),
        MONEY, s.non_flagship_cost_note)
    add("extra", "Additional non-flagship seats",
        Formula(f'=IF(ISNUMBER({B["seat_cost"]}),IF({B["seat_cost"]}>0,MAX(0,INT({B["te_rem"]}/{B["seat_cost"]})),""),"")'), MONEY,
        "second stage: remaining T&E ÷ non-flagship seat cost, rounded down")
    add("feasible", "Feasible",
        Formula(f'=IF(AND({B["te_rem"]}>=0,{B["reg_rem"]}>=0,{B["target_ok"]}<>"No",{B["bounds"]}="Yes"),"Yes","No")'), MONEY,
        "both budgets kept, seat target met, every flagship within its bounds")
    add("binds", "What binds",
        (Formula(f'=IF({B["feasible"]}="Yes","nothing: the plan is feasible",'
         f'IF({B["te_rem"]}<0,"T&E is over budget by "&TEXT(-{B["te_rem"]},"#,##0")&". ","")'
         f'&IF({B["reg_rem"]}<0,"Registration is over budget by "&TEXT(-{B["reg_rem"]},"#,##0")&". ","")'
         f'&IF({B["target_ok"]}="No","The seat target is not met ("&{B["seats"]}&" seats). ","")'
         f'&IF({B["bounds"]}="No","Some flagships are outside the per-flagship bounds. ",""))')), MONEY)
    add("objective", "Objective (Σ demand × attendees)",
        Formula(f"=SUM({col['Demand contribution']}{first}:{col['Demand contribution']}{last})"), OBJ)
    blocks = [
        Block(anchor="A1", header=False, rows=[[
            "Change any yellow Attendees cell: spend, remaining budget, feasibility and the second stage "
            "recalculate at once. Solve again for a new optimum."]]),
        table,
    ]
    # the check block: everything in "#,##0" (text results are unaffected) but the objective
    check_rows = [["Budget check (live formulas)", "Value", "Note"]] + [[lbl, v, note] for lbl, v, _f, note in items[:-1]]
    blocks.append(Block(anchor=f"A{top}", rows=check_rows, number_formats={1: MONEY}, column_widths={1: 14, 2: 50}))
    lbl, v, _f, note = items[-1]
    blocks.append(Block(anchor=f"A{top + len(items)}", rows=[[lbl, v, note]], header=False, number_formats={1: OBJ}))
    bad = [(B["te_rem"], f"{B['te_rem']}<0"), (B["reg_rem"], f"{B['reg_rem']}<0"),
           (B["feasible"], f'{B["feasible"]}="No"'), (B["target_ok"], f'{B["target_ok"]}="No"'),
           (B["bounds"], f'{B["bounds"]}="No"')]
    blocks[-1].conditional.extend((cell, cond, RED) for cell, cond in bad)
    blocks[-1].conditional.append((B["feasible"], f'{B["feasible"]}="Yes"', GREEN))
    return SheetReport(name=ALLOCATION, blocks=blocks, freeze=f"B{h + 1}")


# --------------------------------------------------------------------------------------
# Scenario results
# --------------------------------------------------------------------------------------

def _adjust_text(case: CaseResult) -> str:
    if case.scenario is None or not case.scenario.demand_adjustments:
        return ""
    return ", ".join(f"{k} {v:+g}" for k, v in case.scenario.demand_adjustments.items())


def scenario_sheet(a: Analysis) -> SheetReport:
    cases = [a.base] + a.scenarios
    names = list(a.base.instance.names)
    n = len(names)
    head = ["Conference"] + [c.instance.name for c in cases]
    rows: list[list[Any]] = [head]
    for i, nm in enumerate(names):
        rows.append([nm] + [_int_or_float(c.plan.x[i]) if c.solved else None for c in cases])  # type: ignore[index]
    rows.append(["Total seats"] + [_int_or_float(c.evaluation.attendees) if c.solved else None for c in cases])  # type: ignore[union-attr]
    alloc = Block(anchor="A4", rows=rows, title="Allocation per scenario (attendees per flagship conference; "
                                                 "empty = no feasible plan)",
                  number_formats={j: "0" for j in range(1, len(head))}, column_widths={0: 22})
    base_obj = a.base.evaluation.objective if a.base.solved else None  # type: ignore[union-attr]
    summ: list[list[Any]] = [["Scenario", "Result", "Seat target", "Min per flagship", "Max per flagship",
                              "T&E budget", "Registration budget", "Demand adjustments", "Flagship attendees",
                              "T&E spend", "Registration spend", "Remaining T&E", "Remaining registration",
                              "Objective", "Change vs base", "Additional non-flagship seats", "Explanation"]]
    for c in cases:
        inst, ev = c.instance, c.evaluation
        if c.solved:
            result = "optimal" if c.plan.status == "optimal" else "feasible (time limit)"
            change = None if base_obj is None else _r(ev.objective - base_obj, 4)  # type: ignore[union-attr]
            vals = [_int_or_float(ev.attendees), _r(ev.te_spend, 2), _r(ev.registration_spend, 2),  # type: ignore[union-attr]
                    _r(ev.remaining_te, 2), _r(ev.remaining_registration, 2), _r(ev.objective, 4), change,  # type: ignore[union-attr]
                    ev.additional_seats, ""]  # type: ignore[union-attr]
        else:
            result = "infeasible" if c.plan.status == "infeasible" else c.plan.status
            vals = [None] * 8 + [c.explanation]
        target = "none" if inst.seat_target is None else f"{inst.seat_rule} {inst.seat_target}"
        summ.append([inst.name, result, target, inst.lo, inst.hi, _r(inst.te_budget, 2),
                     _r(inst.registration_budget, 2), _adjust_text(c)] + vals)
    top = 4 + len(rows) + 3
    res_col = "B"
    summary = Block(anchor=f"A{top}", rows=summ, title="Scenarios side by side with the base case",
                    number_formats={5: MONEY, 6: MONEY, 9: MONEY, 10: MONEY, 11: MONEY, 12: MONEY, 13: OBJ,
                                    14: "+#,##0.00;-#,##0.00;0.00"},
                    column_widths={1: 12, 2: 13, 7: 30, 16: 90},
                    conditional=[(f"{res_col}{top + 1}:{res_col}{top + len(summ) - 1}",
                                  f'${res_col}{top + 1}="infeasible"', RED)])
    last_col = get_column_letter(len(head))
    chart = Chart(kind="bar", title="Attendees per flagship conference, by scenario",
                  anchor=f"A{top + len(summ) + 2}", data_ref=f"B4:{last_col}{4 + n}", categories_ref=f"A5:A{4 + n}")
    note = Block(anchor="A1", header=False, rows=[[
        "Each scenario changes the base inputs only where its row on the Scenarios sheet has a value; "
        "demand adjustments are added to the demand scores. Change vs base = scenario objective − base objective."]])
    return SheetReport(name=SCENARIO_RESULTS, blocks=[note, alloc, summary], charts=[chart], freeze="B5")


# --------------------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------------------

def run_sheet(a: Analysis, solver: str, time_limit: float, seed: int, warnings: int) -> SheetReport:
    inst = a.base.instance
    infeasible = [c.instance.name for c in a.scenarios if not c.solved]
    rows = [
        ["Item", "Value"],
        ["Model", "attendance budget allocation: maximise Σ demand × attendees (integer programme) "
                  "s.t. T&E budget, registration budget, seat target, per-flagship bounds"],
        ["Solver", solver],
        ["Time limit (s)", time_limit],
        ["Random seed", seed],
        ["Base case status", a.base.plan.status],
        ["Base case objective", _r(a.base.evaluation.objective, 4) if a.base.solved else None],  # type: ignore[union-attr]
        ["LP relaxation bound", _r(a.relaxation.objective, 4)],
        ["Integrality gap", _r(a.gap, 4)],
        ["Flagship conferences (integer variables)", inst.n],
        ["Constraints", a.base.plan.n_constraints],
        ["Seat target", inst.target_text()],
        ["Fixed strategies evaluated", len(a.strategies)],
        ["Scenarios solved", f"{len(a.scenarios) - len(infeasible)} of {len(a.scenarios)}"
                             + (f" (no plan: {', '.join(infeasible)})" if infeasible else "")],
        ["Warnings", warnings],
        ["Total time (s)", round(a.seconds, 3)],
        ["Finished", datetime.now().strftime("%Y-%m-%d %H:%M:%S")],
        ["Python", platform.python_version()],
        ["xl_confsched", __version__],
    ]
    return SheetReport(name=RUN, blocks=[Block(anchor="A1", rows=rows, column_widths={0: 40, 1: 100})])
