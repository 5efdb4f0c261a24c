"""Block decomposition bound: never above the optimum; block costs = the evaluator's cost."""

from __future__ import annotations


import pytest

from xl_confsched.talks import model as M
from xl_confsched.talks.blocks import BlockModel
from xl_confsched.talks.heuristic import local_search
from xl_confsched.talks.rules import evaluate
from tests.talks.helpers import small_problem, tiny_problem
from tests.talks.test_rules_model import _brute_force


def _random_schedules(p, n, seed=0):
    for k in range(n):
        s, _ = local_search(p, seconds=0.05, seed=seed + k)
        yield s


@pytest.mark.parametrize("make", [tiny_problem, lambda: small_problem(), lambda: small_problem(seed=3, n_slots=8)])
def test_block_costs_equal_the_evaluator(make):
    p = make()
    m = BlockModel(p)
    for s in _random_schedules(p, 5):
        ev = evaluate(p, s)
        assert ev.feasible
        blocks = m.split(s)
        assert sorted(i for _, b in blocks for i, _, _ in b) == list(range(p.T))
        assert sum(m.block_cost(b) for _, b in blocks) == pytest.approx(ev.objective)


def test_bound_below_the_brute_force_optimum():
    p = tiny_problem()
    opt = _brute_force(p)
    r = BlockModel(p).solve(time_limit=20, start=[local_search(p, seconds=0.2)[0]])
    assert r.converged
    assert r.bound <= opt + 1e-6
    if r.schedule:
        assert evaluate(p, r.schedule).objective >= opt - 1e-6


@pytest.mark.parametrize("seed", [7, 11])
def test_bound_below_the_mip_optimum(seed):
    p = small_problem(seed=seed)
    r = M.solve(M.build(p, "groups", "soft"), 25)
    assert r.status == "optimal"
    opt = evaluate(p, r.schedule).objective
    b = BlockModel(p).solve(time_limit=20, start=[r.schedule])
    assert b.bound is not None and b.bound <= opt + 1e-6
    # and it is not trivial: at least the groups LP bound
    assert b.bound >= M.lp_bound(p, "groups") - 1e-6


@pytest.mark.parametrize("crit", [(), (0, 3)])
def test_vectorised_pricing_equals_the_general_dp(crit):
    """The vectorised pricing (talks ≤ 2 timeslots) finds the same least reduced costs as the
    general DP, and its blocks' reduced costs recomputed from scratch match."""
    import numpy as np

    p = small_problem(seed=3, n_slots=8)
    m = BlockModel(p)
    assert max(m.d) <= 2
    rng = np.random.default_rng(5)
    for _ in range(3):
        pi = rng.uniform(0, 20, p.T)
        b1, _ = m._price_general(pi, frozenset(crit))
        b2, c2 = m._price_short(pi, frozenset(crit))
        assert set(b1) == set(b2)
        for L in b1:
            assert b2[L][0] == pytest.approx(b1[L][0])
            for c, blk in c2[L]:
                assert m.block_len(tuple(blk)) <= L
                assert m.block_cost(tuple(blk)) - sum(pi[i] for i, _, _ in blk) == pytest.approx(c)
