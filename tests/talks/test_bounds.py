"""Every bound the talks kind shows is a true lower bound of the objective it optimises.

Checked against schedules found by other means than the bound itself: random schedules
that keep every hard rule, the local search's schedules (several seeds), and — on a tiny
instance — every schedule there is (brute force).  Both objectives (the default conflicts
and seats, the article's talk-slots in a room big enough), hard pairs kept apart or soft.
"""

from __future__ import annotations

import itertools
import random

import pytest

from xl_confsched.kinds import SolveSettings
from xl_confsched.talks import model as M
from xl_confsched.talks.blocks import BlockModel
from xl_confsched.talks.bounds import objective_floor, seats_short_best, slots_too_small_best, tidy
from xl_confsched.talks.generator import workbook_data
from xl_confsched.talks.heuristic import best_venues, local_search
from xl_confsched.talks.reader import read_problem
from xl_confsched.talks.rules import evaluate
from xl_confsched.talks.template import hard_pairs_example_rows
from xl_confsched.talks.workflow import solve

from .helpers import small_rows, tiny_rows


def _with_objective(rows, objective):
    rows = {k: [list(r) for r in v] for k, v in rows.items()}
    weights = rows["Weights"]
    if not any(r[0] == "Objective" for r in weights):
        weights.append(["Objective", None, ""])
    for r in weights:
        if r[0] == "Objective":
            r[1] = objective
    return rows


def _problem(rows):
    return read_problem(workbook_data(rows))[0]


def _allowed(p, ev, hard):
    return ev.feasible and (not hard or ev.all_hard_pairs_apart)


def random_schedules(p, n, seed, hard):
    """Random schedules keeping every hard rule (and, when ``hard``, every hard pair apart)."""
    rng = random.Random(seed)
    banned = set(p.speaker_pairs) | (set(p.hard_pairs) if hard else set())
    out = []
    for _ in range(50 * n):
        if len(out) >= n:
            break
        used, sched, times = set(), {}, {}
        for i in rng.sample(range(p.T), p.T):
            opts = []
            for v in p.venues_for(i):
                for s in p.starts[i]:
                    cells = [(v, c) for c in p.covered(i, s)]
                    if any(c in used for c in cells):
                        continue
                    span = set(p.covered(i, s))
                    if any((min(i, j), max(i, j)) in banned and span & times[j] for j in times):
                        continue
                    opts.append((v, s))
            if not opts:
                break
            v, s = rng.choice(opts)
            sched[i] = (v, s)
            times[i] = set(p.covered(i, s))
            used.update((v, c) for c in p.covered(i, s))
        if len(sched) == p.T:
            ev = evaluate(p, sched)
            assert _allowed(p, ev, hard)
            out.append(sched)
    return out


def brute_force(p, hard):
    """Every schedule keeping the hard rules: (least objective, least seats short, least talk-slots too small)."""
    opts = [[(v, s) for v in p.venues_for(i) for s in p.starts[i]] for i in range(p.T)]
    best = [float("inf")] * 3
    n = 0
    for combo in itertools.product(*opts):
        cells = [(v, c) for i, (v, s) in enumerate(combo) for c in p.covered(i, s)]
        if len(cells) != len(set(cells)):
            continue
        ev = evaluate(p, dict(enumerate(combo)))
        if not _allowed(p, ev, hard):
            continue
        n += 1
        best = [min(best[0], ev.objective), min(best[1], ev.seats_short), min(best[2], ev.slots_too_small)]
    assert n > 0
    return best


CASES = [  # (name, rows, hard pairs kept apart)
    ("small, all soft", lambda: small_rows(seed=7), False),
    ("small, hard pairs", lambda: small_rows(seed=7, threshold=120), True),
    ("small seed 11, hard pairs", lambda: small_rows(seed=11, threshold=160), True),
]


def _bounds(p, hard, seconds=4.0):
    """Every bound the Solve can show, by where it comes from."""
    mode = "hard" if hard else "soft"
    out = {"venue assignment": tidy(p, objective_floor(p).value, hard)}
    b = BlockModel(p, mode).solve(time_limit=seconds, integer_seconds=1.0)
    out["block decomposition"] = tidy(p, b.bound, hard)
    for form in ("groups", "pairs", "direct"):
        r = M.solve(M.build(p, form, mode), seconds)
        out[f"MIP {form}"] = tidy(p, r.bound, hard)
    return {k: v for k, v in out.items() if v is not None}


@pytest.mark.parametrize("objective", ["conflicts and seats", "article"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bounds_below_every_schedule_found_otherwise(case, objective):
    _, rows, hard = case
    p = _problem(_with_objective(rows(), objective))
    assert bool(p.hard_pairs) == hard
    bounds = _bounds(p, hard)
    seats, small = seats_short_best(p), slots_too_small_best(p)
    assert all(v >= 0 for v in bounds.values()) and seats >= 0 and small >= 0
    scheds = random_schedules(p, 40, seed=1, hard=hard)
    for seed in range(4):
        s, _ = local_search(p, seconds=0.4, seed=seed, hard=hard)
        if s is not None and _allowed(p, evaluate(p, s), hard):
            scheds += [s, best_venues(p, s)]
    assert len(scheds) >= 20
    for s in scheds:
        ev = evaluate(p, s)
        for name, v in bounds.items():
            assert v <= ev.objective + 1e-6, (name, v, ev.objective)
        assert seats <= ev.seats_short and small <= ev.slots_too_small


@pytest.mark.parametrize("objective", ["conflicts and seats", "article"])
@pytest.mark.parametrize("threshold", [None, 50])
def test_bounds_and_optimal_status_against_brute_force(threshold, objective):
    p = _problem(_with_objective(tiny_rows(threshold), objective))
    hard = bool(p.hard_pairs)
    opt, seats_opt, small_opt = brute_force(p, hard)
    for name, v in _bounds(p, hard, seconds=3.0).items():
        assert v <= opt + 1e-6, (name, v, opt)
    assert seats_short_best(p) <= seats_opt and slots_too_small_best(p) <= small_opt
    report = solve(workbook_data(_with_objective(tiny_rows(threshold), objective)),
                   SolveSettings(time_limit=6, extra={"no_background": True}))
    run = _run(report)
    assert run["Lower bound"] is not None and 0 <= run["Lower bound"] <= opt + 1e-6
    assert report.objective >= opt - 1e-6
    if run["Status"] == "optimal":
        assert abs(report.objective - opt) < 1e-6
    ach = _achievement(report)
    assert ach["Seats short (audience above capacity)"] <= seats_opt
    assert ach[f"Talk-slots in a room big enough (of {sum(t.slots for t in p.talks)})"] \
        >= sum(t.slots for t in p.talks) - small_opt


def _run(report):
    return {r[0]: r[1] for sh in report.sheets if sh.name == "Run" for b in sh.blocks for r in b.rows[1:]}


def _achievement(report):
    return {r[0]: r[2] for sh in report.sheets if sh.name == "Achievement" for b in sh.blocks for r in b.rows[1:]}


def test_hard_pairs_example_shows_no_bound_below_zero():
    """Issue 13 §5 / 16: the talk model showed 'bound −30 / gap 105.9 %', 'reference −1989'."""
    rows = hard_pairs_example_rows()
    p = _problem(rows)
    report = solve(workbook_data(rows), SolveSettings(time_limit=12, extra={"no_background": True}))
    run, ach = _run(report), _achievement(report)
    assert "cannot all be kept apart" in " ".join(i.message for i in report.issues)
    bound = run["Lower bound"]
    assert bound is not None and bound >= 0 and ach["Total cost (objective)"] == (bound if bound > 0 else None)
    assert run.get("Block-decomposition bound") is None or run["Block-decomposition bound"] >= 0
    gap = run["Gap"]  # a fraction with a % format
    assert 0 <= gap <= 1
    for s in random_schedules(p, 10, seed=2, hard=False) + [local_search(p, seconds=1, seed=5)[0]]:
        assert bound <= evaluate(p, s).objective + 1e-6
