"""Session hopping (Vangerven et al. 2018, Section 4.2 and Fig. 1).

A participant's *hopping number* in a block is the fewest room switches needed to attend
the largest possible number of his or her wanted talks in that block.  Only one talk can
be attended per timeslot, so the largest number is the count of timeslots with at least
one wanted talk; among the itineraries reaching it we minimise the switches.

``hopping_path`` is the exact dynamic programme over the block (used for itineraries and
for checking a schedule); ``hops_from_masks`` is the equivalent greedy rule on room
bitmasks used to score many candidate blocks quickly in phase 2 (the tests check both
against each other and against the four cases of the paper's Fig. 1).
"""

from __future__ import annotations

import itertools
import math
from typing import Iterable, Sequence

import numpy as np


def hopping_path(block: Sequence[Sequence[int | None]], wanted: Iterable[int]
                 ) -> tuple[int, int, list[int | None]]:
    """Best itinerary through one block.

    ``block[s][r]`` is the talk in room ``r`` at the block's ``s``-th timeslot (None: no
    session).  Returns ``(attended, hops, rooms)`` with ``rooms[s]`` the room to sit in
    at slot ``s`` (None when no wanted talk runs then).  Lexicographic: most wanted talks
    first, then fewest room switches; ties keep the lowest room index.
    """
    wanted = set(wanted)
    # the DP runs over timeslots that contain a wanted talk; state = room chosen there
    steps: list[tuple[int, list[int]]] = []
    for s, row in enumerate(block):
        rooms = [r for r, x in enumerate(row) if x is not None and x in wanted]
        if rooms:
            steps.append((s, rooms))
    path: list[int | None] = [None] * len(block)
    if not steps:
        return 0, 0, path
    INF = math.inf
    cost = [{r: 0 for r in steps[0][1]}]
    back: list[dict[int, int]] = [{}]
    for i in range(1, len(steps)):
        prev = cost[-1]
        cur: dict[int, float] = {}
        bk: dict[int, int] = {}
        for r in steps[i][1]:
            best, arg = INF, -1
            for q in sorted(prev):
                c = prev[q] + (0 if q == r else 1)
                if c < best:
                    best, arg = c, q
            cur[r], bk[r] = best, arg
        cost.append(cur)
        back.append(bk)
    last = min(sorted(cost[-1]), key=lambda r: cost[-1][r])
    hops = int(cost[-1][last])
    r = last
    for i in range(len(steps) - 1, -1, -1):
        path[steps[i][0]] = r
        if i:
            r = back[i][r]
    return len(steps), hops, path


def hops_from_masks(masks: Sequence[int]) -> int:
    """Hopping number from per-slot room bitmasks of wanted talks (greedy = optimal:
    stay as long as some room holds a wanted talk at every step; switch otherwise)."""
    cur = 0
    runs = 0
    for m in masks:
        if not m:
            continue
        if cur & m:
            cur &= m
        else:
            runs += 1
            cur = m
    return max(0, runs - 1)


def hops_table(n: int, k: int) -> np.ndarray:
    """Hopping number for every combination of k per-slot masks over n rooms, indexed by
    ``sum(mask[s] << (n * (k - 1 - s)))``."""
    size = 1 << (n * k)
    out = np.zeros(size, dtype=np.int16)
    full = (1 << n) - 1
    for idx in range(size):
        masks = [(idx >> (n * (k - 1 - s))) & full for s in range(k)]
        out[idx] = hops_from_masks(masks)
    return out


def permute_mask(mask: np.ndarray, perm: Sequence[int]) -> np.ndarray:
    """Bit i of ``mask`` moves to bit ``perm[i]``."""
    out = np.zeros_like(mask)
    for i, p in enumerate(perm):
        out |= ((mask >> i) & 1) << p
    return out


class BlockScorer:
    """Finds, for a set of k parallel n-tuples, the block (order of the tuples and the
    room of each talk) with the fewest total hops over all participants — exactly, by
    enumerating the k!/2 · (n!)^(k-1) essentially different arrangements (room labels
    and the direction of time do not change hopping numbers)."""

    MAX_ARRANGEMENTS = 5000

    def __init__(self, tuples: Sequence[Sequence[int]], profile: np.ndarray):
        self.tuples = [list(t) for t in tuples]
        self.n = len(self.tuples[0])
        self.perms = list(itertools.permutations(range(self.n)))
        P = profile.shape[0]
        masks = np.zeros((len(self.tuples), P), dtype=np.int64)
        for e, tup in enumerate(self.tuples):
            for i, x in enumerate(tup):
                masks[e] |= profile[:, x].astype(np.int64) << i
        self.masks = masks
        # pm[e, π, p]: participant p's mask of tuple e after permutation π
        self.pm = np.stack([np.stack([permute_mask(masks[e], pi) for pi in self.perms]) for e in range(len(self.tuples))])
        self.nonzero = masks > 0
        self._tables: dict[int, np.ndarray] = {}

    def arrangements(self, k: int) -> int:
        if k <= 1:
            return 1
        return max(1, math.factorial(k) // 2) * len(self.perms) ** (k - 1)

    def exact_possible(self, k: int) -> bool:
        return self.n * k <= 18 and self.arrangements(k) <= self.MAX_ARRANGEMENTS

    def table(self, k: int) -> np.ndarray:
        if k not in self._tables:
            self._tables[k] = hops_table(self.n, k)
        return self._tables[k]

    def best(self, subset: Sequence[int]) -> tuple[int, list[list[int]]]:
        """(total hops, layout) with ``layout[s][r]`` the talk of slot s in column r."""
        k = len(subset)
        subset = list(subset)
        active = self.nonzero[subset].sum(axis=0) >= 2
        if k == 1 or not active.any():
            return 0, [list(self.tuples[e]) for e in subset]
        pm = self.pm[:, :, active]
        table = self.table(k)
        nperm = len(self.perms)
        best_val, best_arr = None, None
        for order in itertools.permutations(subset):
            if order[0] > order[-1]:
                continue  # the reversed order gives the same hops
            # idx shape: (nperm,)*(k-1) + (P',)
            idx = pm[order[0], 0] << (self.n * (k - 1))
            idx = idx[None, :]
            for s in range(1, k):
                shift = self.n * (k - 1 - s)
                term = pm[order[s]] << shift  # (nperm, P')
                idx = idx[:, None, :] + term[None, :, :]
                idx = idx.reshape(-1, idx.shape[-1])
            totals = table[idx].sum(axis=1)
            j = int(np.argmin(totals))
            if best_val is None or totals[j] < best_val:
                best_val = int(totals[j])
                combo = np.unravel_index(j, (nperm,) * (k - 1)) if k > 1 else ()
                best_arr = (order, (0,) + tuple(int(c) for c in combo))
        order, pidx = best_arr
        layout = []
        for s, e in enumerate(order):
            perm = self.perms[pidx[s]]
            row: list[int] = [0] * self.n
            for i, x in enumerate(self.tuples[e]):
                row[perm[i]] = x
            layout.append(row)
        return best_val, layout
