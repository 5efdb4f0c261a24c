"""Rules on plain schedules, and every formulation checked by the independent evaluation."""

from __future__ import annotations

import itertools
import math
import time

import pytest

from xl_confsched.talks import model as M
from xl_confsched.talks.heuristic import local_search
from xl_confsched.talks.rules import evaluate

from .helpers import small_problem, tiny_problem

# tiny: A(0) 1 slot, B(1) 2 slots, C(2), D(3, same speaker as A), E(4, not at 09:00)
# venues Big(0, 4 seats) Small(1, 2 seats); slots 09:00 09:30 | break | 11:00 11:30


def test_evaluate_finds_each_broken_rule():
    p = tiny_problem(threshold=30)
    bad = {0: (0, 0), 3: (1, 0),      # A and D (same speaker) at 09:00
           1: (0, 1),                 # B (2 slots) from 09:30 runs across the break
           2: (0, 1),                 # C double-books Big at 09:30 with B
           4: (1, 0)}                 # E at 09:00 ('Not at') and double-books Small with D
    ev = evaluate(p, bad)
    rules = {v.rule for v in ev.violations}
    assert {"speaker", "consecutive", "venue", "not_at"} <= rules
    assert not ev.feasible
    ev2 = evaluate(p, {0: (0, 0)})
    assert len(ev2.by_rule("once")) == 4


def test_costs_by_hand():
    p = tiny_problem()
    sched = {0: (0, 0), 2: (1, 0),   # A ‖ C at 09:00
             1: (0, 2),              # B 11:00-11:50 in Big
             3: (0, 1),              # D alone at 09:30 (Small empty)
             4: (1, 3)}              # E ‖ B at 11:30
    ev = evaluate(p, sched)
    assert ev.feasible
    assert set(ev.parallel_pairs) == {(0, 2), (1, 4)}
    assert ev.conflict_cost == p.interest[(0, 2)] + p.interest[(1, 4)]
    # audiences A3 B4 C3 D1 E3; C and E in Small (2 seats) → 1 + 1 seats short
    assert ev.seats_short == 2
    # Pia: A(1) ‖ C(3) → loses C to A; Quin: B(1) ‖ E(3) → loses E to B; Ann is speaker of A: loses C (pick 1)
    lost = {(m.attendee, m.rank) for m in ev.misses}
    assert {("Pia", 3), ("Quin", 3), ("Ann", 1)} <= lost
    assert ev.objective == ev.conflict_cost + ev.seats_short


def _brute_force(p):
    """Best objective over every schedule that breaks no rule (tiny instances only)."""
    options = [[(v, s) for v in p.venues_for(i) for s in range(p.S)] for i in range(p.T)]
    best = math.inf
    for combo in itertools.product(*options):
        ev = evaluate(p, dict(enumerate(combo)))
        if not ev.violations:
            best = min(best, ev.objective)
    return best


@pytest.mark.parametrize("formulation", M.FORMULATIONS)
def test_formulations_reach_the_brute_force_optimum(formulation):
    p = tiny_problem()
    f = M.build(p, formulation, "soft")
    r = M.solve(f, 20)
    assert r.status == "optimal"
    ev = evaluate(p, r.schedule)
    assert not ev.violations
    assert ev.objective == pytest.approx(r.objective)
    assert ev.objective == pytest.approx(_brute_force(p))


def test_formulations_agree_on_a_small_generated_instance():
    """Both start-time formulations score schedules as the evaluation does and agree on the optimum
    (the pairwise one may not prove it in time on a loaded machine: then its schedule costs at
    least the optimum and its bound is at most the optimum)."""
    p = small_problem()
    runs = {}
    for formulation in ("groups", "pairs"):
        r = M.solve(M.build(p, formulation, "soft"), 25)
        assert r.schedule is not None, formulation
        ev = evaluate(p, r.schedule)
        assert ev.feasible
        assert ev.objective == pytest.approx(r.objective)  # model cost == independent evaluation
        runs[formulation] = (r, ev.objective)
    g, opt = runs["groups"]
    assert g.status == "optimal"
    pr, pairs_cost = runs["pairs"]
    assert pairs_cost >= opt - 1e-6 and (pr.bound is None or pr.bound <= opt + 1e-6)
    if pr.status == "optimal":
        assert pairs_cost == pytest.approx(opt)
    # the group formulation's LP bound is at least the pairwise one (which is 0 for the conflict part)
    assert M.lp_bound(p, "groups") >= M.lp_bound(p, "pairs") - 1e-6


def test_two_long_talks_side_by_side_count_once():
    p = small_problem(seed=3, long_fraction=0.5, n_slots=8)
    longs = [i for i, t in enumerate(p.talks) if t.slots == 2]
    i, j = next((a, b) for a, b in itertools.combinations(longs, 2) if p.interest.get((a, b), 0) > 0)
    f = M.build(p, "groups", "soft")
    starts = {key for key in f.x if key[0] in (i, j) and key[2] == 0}
    # force i and j side by side from the first timeslot
    f.prob += f.x[i, 0, 0] == 1
    f.prob += f.x[j, 1, 0] == 1
    r = M.solve(f, 25)
    assert starts and r.schedule
    ev = evaluate(p, r.schedule)
    assert (i, j) in ev.parallel_pairs
    assert ev.objective == pytest.approx(r.objective)


def test_hard_pairs_are_kept_apart():
    values = sorted(small_problem().interest.values())
    p = small_problem(threshold=values[-4])  # the three most interesting pairs are hard
    assert len(p.hard_pairs) == 3
    r = M.solve(M.build(p, "groups", "hard"), 25)
    assert r.schedule is not None
    ev = evaluate(p, r.schedule)
    assert ev.feasible and ev.all_hard_pairs_apart
    assert ev.objective == pytest.approx(r.objective)


def test_local_search_schedules_are_valid():
    p = small_problem(seed=5)
    sched, cost = local_search(p, seconds=0.5, seed=1)
    ev = evaluate(p, sched)
    assert not ev.violations
    assert ev.objective == pytest.approx(cost)


def test_background_search_on_another_process_returns_a_scored_schedule():
    from xl_confsched.talks.heuristic import BackgroundSearch

    p = small_problem(seed=5)
    bg = BackgroundSearch(p, seconds=1.5, seed=3, per_run=0.5)  # three restarts in a second process
    sched, cost = bg.result(timeout=bg.ends - time.time() + 10)
    assert bg.error == ""
    ev = evaluate(p, sched)
    assert not ev.violations
    assert ev.objective == pytest.approx(cost)
