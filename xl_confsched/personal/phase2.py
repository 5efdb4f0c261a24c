"""Phase 2: group phase 1's parallel tuples into blocks, minimising session hops.

For every set of k tuples the best block (order of the tuples, room of each talk) and its
total hopping number ``w_b`` are found by :class:`~.hopping.BlockScorer`; then the
set-partitioning programme (4)-(6) — with one cardinality constraint per block length, as
in the paper's MAPSP model — picks the blocks.  The attendance of phase 1 is unchanged:
every block is made of phase 1's tuples.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import pulp

from .hopping import BlockScorer
from .phase1 import _solve
from .problem import Problem

MAX_SUBSETS = 300_000


@dataclass
class Phase2Result:
    blocks: list[list[list[int]]]  # blocks[i][s][c]: talk at slot s, session c
    hops: int
    optimal: bool
    exact_scores: bool
    n_candidates: int
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


def solve_phase2(problem: Problem, tuples: list[tuple[int, ...]], solver: str = "cbc", time_limit: float = 60.0,
                 seed: int = 0, progress: Callable[[str], None] | None = None) -> Phase2Result:
    t0 = time.perf_counter()
    say = progress or (lambda m: None)
    scorer = BlockScorer(tuples, problem.profile_matrix)
    need = Counter(b.k for b in problem.blocks)
    E = len(tuples)
    candidates: list[tuple[int, tuple[int, ...], int, list[list[int]]]] = []  # (k, subset, w, layout)
    exact = True
    log: list[str] = []
    for k in sorted(need):
        count = math.comb(E, k)
        if count > MAX_SUBSETS or not scorer.exact_possible(k):
            raise ValueError(f"blocks of {k} timeslots with {problem.n} rooms from {E} timeslots give "
                             f"{count:,} candidate blocks; too many for the exact phase 2")
        for sub in itertools.combinations(range(E), k):
            w, layout = scorer.best(sub)
            candidates.append((k, sub, w, layout))
    log.append(f"{len(candidates):,} candidate blocks scored in {time.perf_counter() - t0:.1f} s")
    say(log[-1])
    if len(need) == 1 and need[next(iter(need))] == 1:
        k, sub, w, layout = min(candidates, key=lambda c: c[2])
        return Phase2Result([layout], w, True, exact, len(candidates), time.perf_counter() - t0, log)
    prob = pulp.LpProblem("phase2", pulp.LpMinimize)
    ys = [pulp.LpVariable(f"y{j}", cat=pulp.LpBinary) for j in range(len(candidates))]
    prob += pulp.LpAffineExpression([(ys[j], float(c[2])) for j, c in enumerate(candidates)])
    rows: list[list] = [[] for _ in range(E)]
    by_k: dict[int, list] = {k: [] for k in need}
    for j, (k, sub, w, layout) in enumerate(candidates):
        for e in sub:
            rows[e].append((ys[j], 1.0))
        by_k[k].append((ys[j], 1.0))
    for e in range(E):
        prob += pulp.LpConstraint(pulp.LpAffineExpression(rows[e]), sense=pulp.LpConstraintEQ, rhs=1, name=f"tuple{e}")
    if len(need) > 1:
        for k, cnt in need.items():
            prob += pulp.LpConstraint(pulp.LpAffineExpression(by_k[k]), sense=pulp.LpConstraintEQ, rhs=cnt, name=f"len{k}")
    _solve(prob, solver, max(1.0, time_limit - (time.perf_counter() - t0)), seed)
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        raise RuntimeError("phase 2 found no grouping of the parallel talks into blocks within the time limit")
    chosen = [candidates[j] for j, y in enumerate(ys) if (y.value() or 0) > 0.5]
    hops = sum(c[2] for c in chosen)
    log.append(f"blocks chosen: {hops} hops ({pulp.LpStatus[prob.status]}, {time.perf_counter() - t0:.1f} s)")
    say(log[-1])
    return Phase2Result([c[3] for c in chosen], hops, prob.sol_status == pulp.LpSolutionOptimal, exact,
                        len(candidates), time.perf_counter() - t0, log)
