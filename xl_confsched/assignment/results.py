"""Result sheets of an assignment: grid, per-item table, rule status, achievement, run.

Everything is computed from an :class:`~.evaluate.Evaluation` (problem data + plain
schedule), never from solver variables, so a solved schedule and a hand-edited
Assignment Table read back by Check are shown the same way.  The rule status table's
Amount and Status cells are live formulas where a formula can re-check the rule
(:mod:`.live_formulas`).
"""

from __future__ import annotations

from typing import Any

from ..errors import InputIssue
from ..report import Block, Report, SheetReport, status_sheet
from .evaluate import Evaluation

GRID, TABLE, RULE_STATUS, ACHIEVEMENT, RUN = ("Assignment Grid", "Assignment Table", "Rule Status", "Achievement",
                                             "Run")
RESULT_SHEETS = (GRID, "Programme", TABLE, RULE_STATUS, ACHIEVEMENT, RUN, "Status")
TABLE_FIXED = ["Item", "Place", "Start", "End", "Length"]
TABLE_HEADER_ROW = 2  # the Assignment Table's header row (a title above it)


def _fmt(x: float | None) -> Any:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 4)


def grid_sheet(ev: Evaluation) -> SheetReport:
    p = ev.problem
    head = (["Day", "Slot"] if p.multi_day else ["Slot"]) + [pl.name for pl in p.places] + ["Break after"]
    cells: dict[tuple[int, int], list[str]] = {}
    for i, ps in ev.schedule.items():
        if ps is None:
            continue
        pl, s = ps
        if not (0 <= pl < p.P and 0 <= s < p.S):
            continue
        for k, c in enumerate(p.covered(i, s)):
            cells.setdefault((c, pl), []).append(p.items[i].name if k == 0 else f"{p.items[i].name} (cont.)")
    rows: list[list[Any]] = [head]
    for s, slot in enumerate(p.slots):
        lead = [slot.day, slot.name] if p.multi_day else [slot.name]
        rows.append(lead + ["; ".join(cells.get((s, pl), [])) for pl in range(p.P)]
                    + ["break" if slot.break_after else ""])
    n = len(head) - p.P - 1
    widths = {j: 12 for j in range(n)}
    widths.update({n + k: 30 for k in range(p.P)})
    return SheetReport(GRID, [Block("A2", rows, title="Items by slot and place", column_widths=widths)], freeze="B3")


def attribute_headers(ev: Evaluation) -> list[str]:
    return [c.header for c in ev.problem.columns.get("Items", [])]


def table_rows(ev: Evaluation) -> list[list[Any]]:
    p = ev.problem
    attrs = attribute_headers(ev)
    rows: list[list[Any]] = [TABLE_FIXED + attrs]
    for i, it in enumerate(p.items):
        ps = ev.schedule.get(i)
        ok = ps is not None and 0 <= ps[0] < p.P and 0 <= ps[1] < p.S
        pl, s = ps if ok else (None, None)
        end = p.label(min(p.S - 1, s + it.length - 1)) if ok else ""
        rows.append([it.name, p.places[pl].name if ok else "", p.label(s) if ok else "", end, it.length]
                    + [_cell(it.raw.get(h.lower())) for h in attrs])
    return rows


def _cell(v: Any) -> Any:
    return v


def table_sheet(ev: Evaluation) -> SheetReport:
    rows = table_rows(ev)
    block = Block("A2", rows, title="One row per item — edit Place and Start (a slot name), then run Check to "
                                    "re-score", table_name="AssignmentTable", input_columns={1, 2},
                  column_widths={0: 36, 1: 16, 2: 16, 3: 16, 4: 8})
    return SheetReport(TABLE, [block], freeze="B3")


def rule_status_sheet(ev: Evaluation, live: bool = True) -> SheetReport:
    from .live_formulas import live_status_blocks

    rows: list[list[Any]] = [["Rule", "Where", "Hard or soft", "Weight", "Status", "Amount", "Cost", "Facts"]]
    for line in ev.lines:
        res = line.result
        rows.append([line.text, line.ref, "hard" if line.hard else "soft", _fmt(line.weight), line.status,
                     _fmt(res.amount), _fmt(res.cost), "; ".join(res.facts[:20])
                     + (f"; … {len(res.facts) - 20} more" if len(res.facts) > 20 else "")])
    blocks = [Block("A2", rows, title="Every rule: held or broken, by how much, and the facts",
                    column_widths={0: 50, 1: 12, 2: 10, 3: 8, 4: 16, 5: 9, 6: 10, 7: 120},
                    conditional=[(f"E3:E{len(rows) + 1}", 'LEFT($E3,6)="broken"', "F8CBAD")])]
    if live:
        blocks = live_status_blocks(ev, rows, blocks)
    return SheetReport(RULE_STATUS, blocks, freeze="A3")


def achievement_sheet(ev: Evaluation, bound: float | None, note: str) -> SheetReport:
    rows: list[list[Any]] = [["Rule", "Hard or soft", "Weight", "Amount", "Best possible", "Cost", "Share of cost"]]
    total = ev.cost
    for line in ev.lines:
        res = line.result
        n = len(res.instances)
        held = sum(1 for x in res.instances if x.holds)
        rows.append([line.text, "hard" if line.hard else "soft", _fmt(line.weight), _fmt(res.amount), 0,
                     _fmt(res.cost), round(res.cost / total, 4) if total > 0 else 0.0])
        if n > 1:
            rows[-1][0] = f"{line.text} ({held} of {n} held)"
    rows.append(["Total cost", "", "", "", _fmt(bound), _fmt(total), 1.0 if total > 0 else 0.0])
    return SheetReport(ACHIEVEMENT, [Block("A2", rows, title="How well each rule is met (best possible: 0; for the "
                                                             "total, the lower bound the solver proved)",
                                           number_formats={6: "0.0%"},
                                           column_widths={0: 60, 1: 10, 2: 8, 3: 9, 4: 13, 5: 10, 6: 12}),
                                     Block(f"A{len(rows) + 5}", [["Note"], [note]], header=True,
                                           column_widths={})])


def run_sheet(info: dict[str, Any]) -> SheetReport:
    from ..sheet_layout import item_rows

    rows, formats = item_rows(info)  # percentages as numbers (result-sheet formatting, issue 16)
    return SheetReport(RUN, [Block("A2", rows, title="How this result was obtained", column_widths={0: 34, 1: 110},
                                   cell_formats=formats, wrap={1})])


def violation_issues(ev: Evaluation) -> list[InputIssue]:
    out = []
    for line in ev.lines:
        if line.result.holds:
            continue
        what = "hard rule broken" + (" (softened: the hard rules could not all hold)" if line.softened else "") \
            if line.hard else "soft rule broken"
        facts = "; ".join(line.result.facts[:5]) + ("; …" if len(line.result.facts) > 5 else "")
        out.append(InputIssue(line.ref, f"{what}: '{line.text}' by {_fmt(line.result.amount)} — {facts}", "warning"))
    return out


def build_report(ev: Evaluation, status: str, summary: str, run: dict[str, Any], issues: list[InputIssue],
                 bound: float | None, objective: float | None) -> Report:
    from ..publish.sheet import programme_sheet  # the Programme sheet of every kind that schedules (issue 16)
    from .programme import assignment_programme

    sheets = [grid_sheet(ev), programme_sheet(assignment_programme(ev.problem, ev.schedule)), table_sheet(ev),
              rule_status_sheet(ev),
              achievement_sheet(ev, bound, run.get("Achievement note", "")),
              run_sheet({k: v for k, v in run.items() if not k.startswith("_")}), status_sheet(issues, summary)]
    return Report(kind="assignment", sheets=sheets, status=status, objective=objective, summary=summary,
                  issues=issues, data={"cost": ev.cost, "bound": bound, "status": status,
                                       "rules": [{"rule": x.text, "status": x.status, "amount": x.result.amount,
                                                  "cost": x.result.cost} for x in ev.lines]})
