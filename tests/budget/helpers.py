"""Shared helpers for the budget tests: workbooks, brute-force optimum, sheet readers."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from xl_confsched.budget import template
from xl_confsched.budget.model import Instance, seats_ok
from xl_confsched.kinds import SolveSettings
from xl_confsched.report import write_report_file
from xl_confsched.tables import load_workbook_data

SETTINGS = SolveSettings(time_limit=20, solver="cbc", seed=0, threads=1)


def example(tmp_path: Path, name: str = "example.xlsx") -> Path:
    return template.example_workbook(tmp_path / name)


def example_kwargs(**changes: Any) -> dict:
    kw = dict(conferences=list(template.EXAMPLE_CONFERENCES), flights=list(template.EXAMPLE_FLIGHTS),
              perdiem=list(template.EXAMPLE_PERDIEM), budget=list(template.EXAMPLE_BUDGET),
              strategies=list(template.EXAMPLE_STRATEGIES), scenarios=list(template.EXAMPLE_SCENARIOS))
    kw.update(changes)
    return kw


def solve_file(path: Path, out: Path, settings: SolveSettings = SETTINGS):
    from xl_confsched.budget.workflow import solve

    report = solve(load_workbook_data(path), settings)
    write_report_file(path, report, out, result_sheets=["Comparison", "Allocation", "Scenario Results", "Run", "Status"])
    return report


def brute_force(inst: Instance) -> tuple[float | None, tuple[int, ...] | None]:
    """Best Σ demand × attendees over every whole-number allocation (independent of any solver)."""
    hi = inst.hi if inst.hi is not None else inst.lo + 12
    best, arg = None, None
    for x in itertools.product(range(inst.lo, hi + 1), repeat=inst.n):
        if not seats_ok(sum(x), inst.seat_target, inst.seat_rule):
            continue
        if sum(a * c for a, c in zip(x, inst.te_cost)) > inst.te_budget + 1e-9:
            continue
        if sum(a * c for a, c in zip(x, inst.fee)) > inst.registration_budget + 1e-9:
            continue
        v = sum(a * d for a, d in zip(x, inst.demand))
        if best is None or v > best + 1e-9:
            best, arg = v, x
    return best, arg


def min_spend_brute(inst: Instance, cost: tuple[float, ...]) -> float | None:
    hi = inst.hi if inst.hi is not None else inst.lo + 12
    vals = [sum(a * c for a, c in zip(x, cost))
            for x in itertools.product(range(inst.lo, hi + 1), repeat=inst.n)
            if seats_ok(sum(x), inst.seat_target, inst.seat_rule)]
    return min(vals) if vals else None


def block_rows(ws, first_label: str, col: int = 1) -> tuple[list[Any], list[list[Any]], int]:
    """(header, data rows up to the first empty first cell, header row number) of a block on a sheet."""
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, col).value == first_label:
            header = []
            c = col
            while ws.cell(r, c).value not in (None, ""):
                header.append(ws.cell(r, c).value)
                c += 1
            rows = []
            rr = r + 1
            while ws.cell(rr, col).value not in (None, ""):
                rows.append([ws.cell(rr, col + j).value for j in range(len(header))])
                rr += 1
            return header, rows, r
    raise AssertionError(f"no block with header {first_label!r} on {ws.title}")


def check_value(ws, label: str) -> Any:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == label:
            return ws.cell(r, 2).value
    raise AssertionError(f"{label!r} not found on {ws.title}")
