"""The article's objective, the shipped examples, and a Solve that stops once it is proven optimal."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from xl_confsched.errors import InputError
from xl_confsched.kinds import SolveSettings
from xl_confsched.tables import load_workbook_data
from xl_confsched.talks import model as M
from xl_confsched.talks.generator import workbook_data
from xl_confsched.talks.reader import read_problem
from xl_confsched.talks.results import slot_value
from xl_confsched.talks.rules import evaluate
from xl_confsched.talks.template import example_rows, hard_pairs_example_rows
from xl_confsched.talks.workflow import solve

from .helpers import tiny_rows
from .test_bounds import _achievement, _run, _with_objective

TEMPLATES = Path(__file__).resolve().parents[2] / "workbook_templates"


def _article_count_by_hand(p, schedule):
    """The article's objective term by term: lpSum(X[talk, v, t] for v in sufficiently_large_rooms for t)."""
    n = 0
    for i, (v, s) in schedule.items():
        if p.venues[v].capacity >= p.audience[i]:
            n += p.talks[i].slots
    return n


@pytest.mark.parametrize("formulation", M.FORMULATIONS)
def test_every_formulation_optimises_the_articles_count(formulation):
    p = read_problem(workbook_data(_with_objective(tiny_rows(50), "article")))[0]
    assert p.article and p.hard_pairs
    r = M.solve(M.build(p, formulation, "hard"), 20)
    assert r.status == "optimal"
    ev = evaluate(p, r.schedule)
    assert ev.feasible and ev.all_hard_pairs_apart
    assert ev.objective == pytest.approx(r.objective)  # model cost == independent evaluation
    assert ev.slots_big_enough == _article_count_by_hand(p, r.schedule) == ev.talk_slots - ev.slots_too_small
    # brute force: the most talk-slots in a room big enough with the hard pairs apart
    opts = [[(v, s) for v in p.venues_for(i) for s in p.starts[i]] for i in range(p.T)]
    best = max(e.slots_big_enough for combo in itertools.product(*opts)
               for e in [evaluate(p, dict(enumerate(combo)))] if not e.violations)
    assert ev.slots_big_enough == best


def test_objective_setting_is_read_and_checked():
    p = read_problem(workbook_data(_with_objective(tiny_rows(), "The article's")))[0]
    assert p.weights.objective == "article"
    assert read_problem(workbook_data(_with_objective(tiny_rows(), None)))[0].weights.objective == "conflicts"
    with pytest.raises(InputError) as err:
        read_problem(workbook_data(_with_objective(tiny_rows(), "articel")))
    issue = err.value.issues[0]
    assert issue.where.startswith("Weights!B") and "did you mean 'article'" in issue.message


def test_article_objective_changes_what_is_optimised():
    """The same instance, both objectives: each schedule is best at what it optimised."""
    reports = {}
    for objective in ("conflicts and seats", "article"):
        rows = _with_objective(tiny_rows(), objective)
        reports[objective] = solve(workbook_data(rows), SolveSettings(time_limit=8, extra={"no_background": True}))
    p = read_problem(workbook_data(tiny_rows()))[0]
    art = read_problem(workbook_data(_with_objective(tiny_rows(), "article")))[0]
    evs = {k: (evaluate(p, _schedule_of(p, r)), evaluate(art, _schedule_of(p, r))) for k, r in reports.items()}
    assert evs["conflicts and seats"][0].objective <= evs["article"][0].objective
    assert evs["article"][1].slots_big_enough >= evs["conflicts and seats"][1].slots_big_enough
    assert "article" in _run(reports["article"])["Objective function"]


def test_solve_stops_once_the_bound_proves_the_schedule_optimal():
    rows = tiny_rows()
    t0 = time.time()
    report = solve(workbook_data(rows), SolveSettings(time_limit=40))
    wall = time.time() - t0
    run = _run(report)
    assert run["Status"] == "optimal" and run["Gap"] == 0  # stored as a number with a % format
    assert run["Lower bound"] == report.objective
    assert wall < 20, f"a proven-optimal tiny instance took {wall:.0f} s of its 40 s"


def test_shipped_example_solves_cleanly():
    data = load_workbook_data(TEMPLATES / "talks_example.xlsx")
    p = read_problem(data)[0]
    assert p == read_problem(workbook_data(example_rows()))[0]  # the shipped file is the generator's
    report = solve(data, SolveSettings(time_limit=15, extra={"no_background": True}))
    run, ach = _run(report), _achievement(report)
    assert report.issues == []  # no warning at all: hard pairs apart, every audience seated somewhere
    assert run["Hard pairs handled as"] == "hard (never in parallel)" and p.hard_pairs
    ev = evaluate(p, _schedule_of(p, report))
    assert ev.feasible and ev.all_hard_pairs_apart and ev.objective == report.objective
    assert 0 <= run["Lower bound"] <= report.objective
    # the Achievement shows the same bound, or nothing when it says nothing (0 for a cost above 0)
    assert ach["Total cost (objective)"] == (run["Lower bound"] if run["Lower bound"] > 0 else None)


def test_shipped_hard_pairs_example_says_why():
    data = load_workbook_data(TEMPLATES / "talks_hard_pairs_example.xlsx")
    p = read_problem(data)[0]
    assert p == read_problem(workbook_data(hard_pairs_example_rows()))[0]
    assert p.weights.threshold == 10
    report = solve(data, SolveSettings(time_limit=10, extra={"no_background": True}))
    assert any(i.where == "Weights" and "cannot all be kept apart" in i.message for i in report.issues)
    assert _run(report)["Lower bound"] >= 0


def _schedule_of(p, report):
    table = next(sh for sh in report.sheets if sh.name == "Talk Table").blocks[0].rows
    venues = {v.name: k for k, v in enumerate(p.venues)}
    slots = {slot_value(p, s): s for s in range(p.S)}  # times of day (or "Day 1 09:30")
    titles = {t.title: i for i, t in enumerate(p.talks)}
    return {titles[r[0]]: (venues[r[3]], slots[r[4]]) for r in table[1:]}


def test_cancel_returns_the_best_schedule_so_far():
    """Excel's Cancel (a token from another thread) ends every phase: local searches, the block
    decomposition (even a pricing round under way), the second-core search."""
    import threading

    from xl_confsched.solvers import CancelToken

    token = CancelToken()
    timer = threading.Timer(3.0, token.cancel)
    timer.start()
    t0 = time.time()
    try:
        report = solve(workbook_data(example_rows()), SolveSettings(time_limit=120, cancel=token))
    finally:
        timer.cancel()
    wall = time.time() - t0
    run = _run(report)
    assert run.get("Cancelled", "").startswith("yes")
    assert report.objective is not None and run["Lower bound"] <= report.objective
    assert wall < 60, f"cancelled after 3 s, returned after {wall:.0f} s of a 120 s limit"
