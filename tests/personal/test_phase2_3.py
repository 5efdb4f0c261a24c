"""Phase 2 (blocks, hops) against exhaustive enumeration; phase 3 (availability,
rooms, chairs) against brute force and its own rules."""

from __future__ import annotations

import itertools


from xl_confsched.personal.evaluate import evaluate
from xl_confsched.personal.hopping import hopping_path
from xl_confsched.personal.phase1 import solve_phase1
from xl_confsched.personal.phase2 import solve_phase2
from xl_confsched.personal.phase3 import assign_blocks, choose_chairs, solve_phase3
from xl_confsched.personal.problem import Schedule

from .helpers import random_problem


def arrangements(tuples):
    """Every block made of these tuples: any order, any room for every talk."""
    n = len(tuples[0])
    for order in itertools.permutations(tuples):
        for perms in itertools.product(itertools.permutations(range(n)), repeat=len(order)):
            layout = []
            for tup, perm in zip(order, perms):
                row = [None] * n
                for i, x in enumerate(tup):
                    row[perm[i]] = x
                layout.append(row)
            yield layout


def best_block(tuples, wanted):
    return min(sum(hopping_path(lay, w)[1] for w in wanted) for lay in arrangements(tuples))


def brute_phase2(tuples, ks, wanted):
    """Split the tuples into blocks of the lengths ks (in any order) minimising total hops."""
    best = None
    idx = list(range(len(tuples)))

    def rec(left, ks_left):
        if not ks_left:
            return 0
        k = ks_left[0]
        first, rest = left[0], left[1:]
        out = None
        for others in itertools.combinations(rest, k - 1):
            group = (first,) + others
            remaining = [x for x in rest if x not in others]
            w = best_block([tuples[e] for e in group], wanted) + rec(remaining, ks_left[1:])
            out = w if out is None else min(out, w)
        return out

    for perm_ks in set(itertools.permutations(ks)):
        v = rec(idx, list(perm_ks))
        if v is not None:
            best = v if best is None else min(best, v)
    return best


def test_phase2_matches_exhaustive_search():
    pb = random_problem(10, 2, [3, 2], seed=4, n_participants=14, density=0.45)
    p1 = solve_phase1(pb)
    p2 = solve_phase2(pb, p1.tuples, time_limit=30)
    wanted = [p.wanted for p in pb.participants]
    assert p2.optimal
    assert p2.hops == brute_phase2(p1.tuples, [3, 2], wanted)
    # the blocks use every tuple of phase 1 once, so attendance is unchanged
    rows = sorted(tuple(sorted(r)) for lay in p2.blocks for r in lay)
    assert rows == sorted(tuple(sorted(t)) for t in p1.tuples)


def test_phase2_n3_two_blocks():
    pb = random_problem(12, 3, [2, 2], seed=8, n_participants=12, density=0.4)
    p1 = solve_phase1(pb)
    p2 = solve_phase2(pb, p1.tuples, time_limit=30)
    assert p2.hops == brute_phase2(p1.tuples, [2, 2], [p.wanted for p in pb.participants])


def test_phase3_assignment_is_optimal_and_pipeline_consistent():
    pb = random_problem(18, 3, [2, 2, 2], seed=2, n_participants=16, density=0.35)
    # presenters unavailable in some blocks
    pb.unavailable = {(0, 0), (1, 0), (2, 1), (5, 0), (7, 2), (9, 2), (11, 1)}
    p1 = solve_phase1(pb)
    p2 = solve_phase2(pb, p1.tuples)
    block_of_slot, viol = assign_blocks(pb, p2.blocks)
    brute = min(sum(sum((x, b) in pb.unavailable for row in p2.blocks[i] for x in row) for b, i in enumerate(perm))
                for perm in itertools.permutations(range(3)))
    assert viol == brute
    p3 = solve_phase3(pb, p2.blocks)
    ev = evaluate(pb, p3.schedule)
    assert ev.missed == p1.missed and ev.hops == p2.hops and ev.violations == p3.violations
    assert ev.attendance == pb.upper_bound - p1.missed
    assert not ev.missing_talks and not ev.duplicate_talks


def test_rooms_most_wanted_session_in_largest_room():
    pb = random_problem(9, 3, [3], seed=6, n_participants=20, density=0.3)
    for r in pb.rooms:
        r.capacity = None  # no overflow information: rank by wanted talks only
    p1 = solve_phase1(pb)
    p2 = solve_phase2(pb, p1.tuples)
    p3 = solve_phase3(pb, p2.blocks)
    a = pb.profile_matrix
    wanted = [int(sum(a[:, x].sum() for x in (row[r] for row in p3.schedule.grid))) for r in range(3)]
    assert wanted[0] == max(wanted)  # rooms are listed largest first


def test_chairs_not_presenting_in_parallel():
    pb = random_problem(12, 3, [2, 2], seed=3, n_participants=12, density=0.5)
    for x, t in enumerate(pb.talks):
        t.presenter = f"P{x}"  # participant x presents talk x
    grid = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    chairs = choose_chairs(pb, Schedule(grid=grid))
    a = pb.profile_matrix
    P = len(pb.participants)
    for b, bs in enumerate(pb.blocks):
        sessions = [[grid[bs.first + s][r] for s in range(bs.k)] for r in range(3)]

        def ok(q, r):
            return not any(q in sessions[o] for o in range(3) if o != r)

        chosen = [chairs[(b, r)][0] for r in range(3)]
        assert len(set(chosen)) == 3  # nobody chairs two parallel sessions
        for r, p in enumerate(chosen):
            assert ok(p, r) and a[p, sessions[r]].sum() >= 1
        total = sum(int(a[p, sessions[r]].sum()) for r, p in enumerate(chosen))
        best = max(sum(int(a[q, sessions[r]].sum()) for r, q in enumerate(qs))
                   for qs in itertools.permutations(range(P), 3) if all(ok(q, r) for r, q in enumerate(qs)))
        assert total == best  # the most wanted talks over the block's sessions
