"""Small assignment workbooks for the tests (rows of the sheets) and a model-side scorer."""

from __future__ import annotations

import random

from xl_confsched.assignment.model import build
from xl_confsched.assignment.reader import read_problem
from xl_confsched.assignment.solve import run_cbc
from xl_confsched.tables import Table, WorkbookData


def workbook(rows: dict) -> WorkbookData:
    width = {k: max(len(r) for r in v) for k, v in rows.items()}
    return WorkbookData(tables={k: Table(k, [list(r) + [None] * (width[k] - len(r)) for r in v])
                                for k, v in rows.items()}, source="test")


def tiny(rules, settings=None, pairs=None) -> dict:
    """Five items (one two slots long), two places, two days of three slots (break after the first)."""
    rows = {
        "Items": [["Name", "Length", "Person", "Group", "Skill", "Audience", "Unavailable"],
                  ["Keynote", 1, "Ada", "Plenary", None, 90, None],
                  ["Talk A", 1, "Ben", "Security", "Espresso", 30, "D1 S1"],
                  ["Talk B", 2, "Ada", "Security", None, 50, None],
                  ["Data Contracts in Practice", 1, "Cy", "Data", "Espresso, Latte art", 20, "D2"],
                  ["Panel", 1, "Ben", "Plenary", None, 60, None]],
        "Places": [["Name", "Capacity", "Zone"], ["Aspen", 100, "north"], ["Fir", 40, "south"]],
        "Slots": [["Name", "Day", "Part", "Break after"], ["D1 S1", "D1", "morning", "yes"],
                  ["D1 S2", None, "afternoon", None], ["D1 S3", None, "afternoon", None],
                  ["D2 S1", "D2", "morning", None], ["D2 S2", None, "morning", None],
                  ["D2 S3", None, "afternoon", None]],
        "Rules": [["Rule", "Hard or soft", "Weight", "Note"]] + [list(r) for r in rules],
    }
    if settings:
        rows["Settings"] = [["Setting", "Value"]] + [list(r) for r in settings]
    if pairs:
        rows["Pair weights"] = [["Item", "Item", "Weight"]] + [list(r) for r in pairs]
    return rows


def problem(rules, **kw):
    p, _ = read_problem(workbook(tiny(rules, **kw)))
    return p


def random_schedule(p, rng: random.Random, unplaced: float = 0.0) -> dict:
    """Items at random valid starts and places, never above a place's capacity."""
    used: dict = {}
    out = {}
    for i in rng.sample(range(p.I), p.I):
        out[i] = None
        if rng.random() < unplaced:
            continue
        opts = [(pl, s) for s in p.starts[i] for pl in range(p.P)
                if all(used.get((pl, c), 0) < p.places[pl].capacity for c in p.covered(i, s))]
        if opts:
            pl, s = rng.choice(opts)
            for c in p.covered(i, s):
                used[pl, c] = used.get((pl, c), 0) + 1
            out[i] = (pl, s)
    return out


def model_amounts(p, schedule: dict) -> dict:
    """Each rule's amount in the MIP with the start variables fixed to ``schedule`` (every rule soft)."""
    m = build(p)
    m.enforce({r: False for r in m.amounts})
    # every amount costs something, so the slacks are pushed down to the violation
    for r in m.weights:
        m.weights[r] = 1.0
    m.set_objective()
    m.fix(schedule)
    run = run_cbc(m.prob, 20)
    assert run.has_solution, run.result
    return {r: a.varValue for r, a in m.amounts.items()}
