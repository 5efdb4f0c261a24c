"""Hopping numbers: the four cases of the paper's Fig. 1, the DP against brute force, and
the phase-2 block arrangement against enumerating every arrangement."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from xl_confsched.personal.hopping import BlockScorer, hopping_path, hops_from_masks


def brute_hops(block, wanted):
    """Independent definition: the participant sits in some room at every slot; maximise the
    wanted talks attended, then minimise the room changes."""
    k, R = len(block), len(block[0])
    best = None
    for seq in itertools.product(range(R), repeat=k):
        att = sum(1 for s, r in enumerate(seq) if block[s][r] is not None and block[s][r] in wanted)
        hops = sum(1 for s in range(1, k) if seq[s] != seq[s - 1])
        key = (-att, hops)
        if best is None or key < best:
            best = key
    return -best[0], best[1]


# A 3-block with three sessions; talk ids = 10*slot + session (sessions 1..3 = rooms 0..2).
FIG1 = [[11, 12, 13], [21, 22, 23], [31, 32, 33]]


@pytest.mark.parametrize("wanted, attended, hops", [
    ({11, 31}, 2, 0),            # top left: first and last talk of session 1: stay in session 1
    ({12, 31}, 2, 1),            # top right: first talk in session 2, last in session 1: one switch
    ({11, 22, 33}, 3, 2),        # bottom left: a talk in each session in turn: two switches
    ({11, 21, 23, 31}, 3, 0),    # bottom right: two wanted talks at slot 2: stay in session 1
])
def test_fig1_cases(wanted, attended, hops):
    att, h, path = hopping_path(FIG1, wanted)
    assert (att, h) == (attended, hops)
    assert (att, h) == brute_hops(FIG1, wanted)
    # the path attends wanted talks only and switches exactly h times
    chosen = [(s, r) for s, r in enumerate(path) if r is not None]
    assert all(FIG1[s][r] in wanted for s, r in chosen)
    assert sum(1 for a, b in zip(chosen, chosen[1:]) if a[1] != b[1]) == h


def test_fig1_bottom_right_stays_in_session_1():
    _, _, path = hopping_path(FIG1, {11, 21, 23, 31})
    assert path == [0, 0, 0]


def test_dp_and_mask_rule_match_brute_force():
    rng = random.Random(7)
    for _ in range(400):
        k, R = rng.randint(1, 4), rng.randint(1, 4)
        block = [[s * 10 + r if rng.random() > 0.15 else None for r in range(R)] for s in range(k)]
        talks = [x for row in block for x in row if x is not None]
        wanted = {x for x in talks if rng.random() < 0.4}
        att, hops, _ = hopping_path(block, wanted)
        assert (att, hops) == brute_hops(block, wanted)
        masks = [sum(1 << r for r, x in enumerate(row) if x is not None and x in wanted) for row in block]
        assert hops_from_masks(masks) == hops


def all_arrangement_hops(tuples, subset, profiles):
    best = None
    for order in itertools.permutations(subset):
        for perms in itertools.product(itertools.permutations(range(len(tuples[0]))), repeat=len(subset)):
            layout = []
            for e, perm in zip(order, perms):
                row = [None] * len(tuples[0])
                for i, x in enumerate(tuples[e]):
                    row[perm[i]] = x
                layout.append(row)
            total = sum(hopping_path(layout, w)[1] for w in profiles)
            best = total if best is None else min(best, total)
    return best


@pytest.mark.parametrize("n, k", [(2, 2), (2, 3), (3, 2), (3, 3)])
def test_block_scorer_is_exact(n, k):
    rng = np.random.default_rng(n * 10 + k)
    n_tuples = k + 1
    X = n * n_tuples
    P = 12
    profile = (rng.random((P, X)) < 0.45).astype(np.uint8)
    perm = rng.permutation(X)
    tuples = [tuple(int(v) for v in perm[i * n:(i + 1) * n]) for i in range(n_tuples)]
    scorer = BlockScorer(tuples, profile)
    wanted = [set(np.flatnonzero(profile[p]).tolist()) for p in range(P)]
    for subset in itertools.combinations(range(n_tuples), k):
        w, layout = scorer.best(subset)
        assert w == all_arrangement_hops(tuples, subset, wanted)
        # the layout is an arrangement of exactly these tuples and scores w
        assert sorted(sorted(r) for r in layout) == sorted(sorted(tuples[e]) for e in subset)
        assert sum(hopping_path(layout, ws)[1] for ws in wanted) == w
