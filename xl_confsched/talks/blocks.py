"""Block decomposition: a provable lower bound (and schedules) by column generation.

A *block* is a run of timeslots that no talk crosses into or out of: a set of talks
with start offsets inside the block and a venue each, at most one talk per venue and
offset.  Every schedule splits into consecutive blocks (cut the programme at every
timeslot boundary that no talk runs across), and its cost is the sum of its blocks'
costs: two talks overlap only inside one block, and a talk's venue cost is its own.
A set of blocks whose talks cover every talk once and whose lengths fit the runs of
timeslots between breaks (``segments``) is a schedule, up to the 'Not at' timeslots,
which the bound ignores (a relaxation, so the bound stays valid).

The master LP chooses blocks per segment: every talk in exactly one chosen block, the
blocks' lengths in a segment at most its number of timeslots.  Its columns come from a
pricing dynamic programme over the timeslots of a block whose state is the set of
talks running across the next boundary (with their venues): it finds the block of
least reduced cost of every length, over *all* block shapes.  The DP cannot see a talk
used twice in one block far apart, so it works on a relaxation; talks found repeated
join a small critical set whose use is tracked in the state (decremental state-space
relaxation) until the best block is elementary.  At every iteration the Lagrangian
bound ``Σπ + Σ_g μ_g len_g + Σ_g len_g · min(0, min_L rc_g(L) / L)`` is valid for any
duals; at convergence it equals the LP value.  An integer solve over the generated
blocks gives schedules, which :func:`rules.evaluate` scores.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .problem import TalkProblem
from .rules import Schedule

INF = 1e18
BIG = 1e9

Block = tuple[tuple[int, int, int], ...]  # ((talk, offset, venue), ...) sorted


@dataclass
class BoundResult:
    bound: float | None  # valid lower bound on every schedule's objective
    lp_value: float | None  # master LP value over the generated blocks (= bound when converged)
    converged: bool
    iterations: int
    n_columns: int
    seconds: float
    schedule: Schedule | None = None  # best schedule of the integer solve over the blocks (may be None)
    notes: list[str] = field(default_factory=list)
    proves_target: bool = False  # stopped because the bound reached the target cost


class PricingTimeout(Exception):
    """A pricing round ran past the column generation's time limit (its bound is not used)."""


class BlockModel:
    deadline = math.inf  # pricing rounds stop at this time.time() (set by solve)
    cancelled = False  # set from another thread (Excel's Cancel): a pricing round under way stops

    def __init__(self, p: TalkProblem, hard_pairs_mode: str = "soft"):
        self.p = p
        T, V = p.T, p.V
        self.T, self.V = T, V
        W = np.zeros((T + 1, T + 1))
        for (i, j), c in p.pair_costs(hard_apart=hard_pairs_mode == "hard").items():
            W[i, j] = W[j, i] = c
        if hard_pairs_mode == "hard":
            for i, j in p.hard_pairs:
                W[i, j] = W[j, i] = BIG
        for i, j in p.speaker_pairs:
            W[i, j] = W[j, i] = BIG
        for i in range(T):
            W[i, i] = BIG
        self.W = W  # index T = "no talk"
        cap = np.full((T + 1, V), BIG)
        for i in range(T):
            for v in p.venues_for(i):
                cap[i, v] = p.venue_cost(i, v)
        cap[T, :] = 0.0
        self.cap = cap
        self.d = [t.slots for t in p.talks]
        self.seg_len = [len(s) for s in p.segments]
        self.max_len = max(self.seg_len)
        # talks that can start somewhere (ignoring 'Not at'): d ≤ longest segment
        self.ok = np.array([self.d[i] <= self.max_len for i in range(T)] + [True])

    # ---------------------------------------------------------------- costs
    def block_cost(self, b: Block) -> float:
        c = 0.0
        for k, (i, oi, vi) in enumerate(b):
            c += self.cap[i, vi]
            for j, oj, vj in b[k + 1:]:
                if oi < oj + self.d[j] and oj < oi + self.d[i]:
                    c += self.W[i, j]
        return float(c)

    def block_len(self, b: Block) -> int:
        return max(o + self.d[i] for i, o, _ in b)

    def split(self, schedule: Schedule) -> list[tuple[int, Block]]:
        """A plain schedule cut into its blocks: [(segment, block)]."""
        p = self.p
        out = []
        for g, seg in enumerate(p.segments):
            lo, hi = seg[0], seg[-1] + 1
            talks = sorted((s, i, v) for i, vs in schedule.items() if vs is not None
                           for v, s in [vs] if lo <= s < hi)
            cut_start = lo
            cur: list[tuple[int, int, int]] = []
            reach = lo
            for s, i, v in talks + [(hi, -1, -1)]:
                if s >= reach and cur:
                    out.append((g, tuple(sorted((ii, ss - cut_start, vv) for ss, ii, vv in cur))))
                    cur = []
                if i < 0:
                    break
                if not cur:
                    cut_start = s
                cur.append((s, i, v))
                reach = max(reach, s + self.d[i])
        return out

    def seed_blocks(self) -> list[Block]:
        """Length-1 blocks of up to V single-slot talks (cheapest venues) and single long talks."""
        from itertools import combinations, permutations

        T, V = self.T, self.V
        short = [i for i in range(T) if self.d[i] == 1]
        out = []
        for k in range(1, V + 1):
            for g in combinations(short, k):
                if any(self.W[a, b] >= BIG / 2 for a, b in combinations(g, 2)):
                    continue
                best = min(permutations(range(V), k), key=lambda vs: sum(self.cap[i, v] for i, v in zip(g, vs)))
                b = tuple(sorted((i, 0, v) for i, v in zip(g, best)))
                if self.block_cost(b) < BIG / 2:
                    out.append(b)
        for i in range(T):
            if self.d[i] > 1 and self.ok[i]:
                v = int(np.argmin(self.cap[i]))
                out.append(((i, 0, v),))
        return out

    # ---------------------------------------------------------------- pricing
    def price(self, pi: np.ndarray, crit: frozenset[int], n_cands: int = 30):
        """Least reduced cost (without the length dual) of a block of each length.

        Returns ``best[L] = (cost, block)`` over the relaxation that forbids repeats only
        of the talks in ``crit`` (and of talks still running); ``cands[L]`` all end
        blocks found (one per set of used critical talks)."""
        if max(self.d) <= 2:
            return self._price_short(pi, crit, n_cands)
        return self._price_general(pi, crit, n_cands)

    def _price_short(self, pi: np.ndarray, crit: frozenset[int], n_cands: int = 30):
        """:meth:`price` when no talk is longer than 2 timeslots, vectorised per DP state.

        A talk started at a boundary then ends at the next one, so the state after a
        timeslot is just the long talks started in it (venue each) and the critical talks
        used so far, encoded as one integer; each state's transitions are arrays and the
        best transition into each next state is a sort, not a Python loop per choice."""
        T, V, W, cap, d = self.T, self.V, self.W, self.cap, self.d
        base_all = cap - np.append(pi, 0.0)[:, None]
        base_all[~self.ok] = INF
        special = [i for i in range(T) if d[i] > 1 or i in crit]
        sp_arr = np.array(special, dtype=int)
        gen_mask = np.ones(T + 1, dtype=bool)
        gen_mask[sp_arr] = False
        gen_idx = np.nonzero(gen_mask)[0]
        B = T + 2
        crit_l = sorted(crit)
        cbit = np.zeros(T + 1, dtype=np.int64)
        for k_, x in enumerate(crit_l):
            cbit[x] = 1 << k_
        dlong = np.array([dd > 1 for dd in d] + [False])
        powv = [B ** a for a in range(V)]
        BV = B ** V

        def decode(key: int):
            used = key // BV
            C = []
            for a in range(V):
                code = (key // powv[a]) % B
                if code:
                    C.append((code - 1, a))
            return C, frozenset(x for k_, x in enumerate(crit_l) if used >> k_ & 1), used

        states: dict = {0: (0.0, None)}
        ends: list[dict] = [dict() for _ in range(self.max_len + 1)]
        history = []
        for L in range(1, self.max_len + 1):
            keys_l, tot_l, src_l, row_l, end_l = [], [], [], [], []
            skeys = list(states)
            chs, frees = [], []
            for si, key in enumerate(skeys):
                if si % 64 == 63 and (self.cancelled or time.time() > self.deadline):
                    raise PricingTimeout
                f = states[key][0]
                C, used, umask = decode(key)
                c_talks = [c for c, _ in C]
                occ = {a for _, a in C}
                free = [a for a in range(V) if a not in occ]
                if c_talks:
                    extra = W[:, c_talks].sum(axis=1)
                    extra[T] = 0.0
                else:
                    extra = None
                bases = []
                for a in free:
                    b = base_all[:, a] + extra if extra is not None else base_all[:, a].copy()
                    if c_talks:
                        b[c_talks] = INF
                    if used:
                        b[list(used)] = INF
                    bases.append(b)
                ch, val = _choice_arrays(bases, W, gen_idx, sp_arr, T)
                tot = f + val
                keep = tot <= BIG / 2
                if not C and ch.shape[1]:
                    keep &= ~(ch == T).all(axis=1)
                ch, tot = ch[keep], tot[keep]
                chs.append(ch)
                frees.append(free)
                if not len(tot):
                    continue
                nk = np.zeros(len(tot), dtype=np.int64)
                mask = np.full(len(tot), umask, dtype=np.int64)
                for j, a in enumerate(free):
                    x = ch[:, j]
                    nk += np.where(dlong[x], x + 1, 0) * powv[a]
                    mask |= cbit[x]
                keys_l.append(nk + mask * BV)
                end_l.append(nk == 0)
                tot_l.append(tot)
                src_l.append(np.full(len(tot), si, dtype=np.int64))
                row_l.append(np.arange(len(tot)))
            history.append(states)
            nxt: dict = {}
            if tot_l:
                K, TT, S_, R_, E_ = (np.concatenate(a) for a in (keys_l, tot_l, src_l, row_l, end_l))

                def back_of(n):
                    si, r = int(S_[n]), int(R_[n])
                    new = tuple((int(x), a) for x, a in zip(chs[si][r], frees[si]) if x != T)
                    return (L - 1, skeys[si], new)

                # open states: the cheapest way into each
                idx = np.nonzero(~E_)[0]
                if len(idx):
                    o = idx[np.lexsort((TT[idx], K[idx]))]
                    first = np.ones(len(o), dtype=bool)
                    first[1:] = K[o][1:] != K[o][:-1]
                    for n in o[first]:
                        nxt[int(K[n])] = (float(TT[n]), back_of(n))
                # ended blocks: the cheapest per (used critical talks, previous state)
                idx = np.nonzero(E_)[0]
                if len(idx):
                    EK = (K[idx] // BV) * (len(skeys) + 1) + S_[idx]
                    oo = np.lexsort((TT[idx], EK))
                    first = np.ones(len(oo), dtype=bool)
                    first[1:] = EK[oo][1:] != EK[oo][:-1]
                    for n in idx[oo[first]]:
                        ends[L][(int(K[n]), skeys[int(S_[n])])] = (float(TT[n]), back_of(n))
            states = nxt
            if not states:
                break
        history.append(states)
        return self._collect(history, ends, n_cands)

    def _price_general(self, pi: np.ndarray, crit: frozenset[int], n_cands: int = 30):
        """:meth:`price` for any talk lengths (a Python loop over every transition)."""
        T, V, W, cap, d = self.T, self.V, self.W, self.cap, self.d
        base_all = cap - np.append(pi, 0.0)[:, None]  # (T+1) × V
        base_all[~self.ok] = INF
        special = [i for i in range(T) if d[i] > 1 or i in crit]
        sp_arr = np.array(special, dtype=int)
        gen_mask = np.ones(T + 1, dtype=bool)
        gen_mask[sp_arr] = False  # generic: single-slot, non-critical talks, plus "none" (T)
        gen_idx = np.nonzero(gen_mask)[0]
        # state: (crossing tuple ((talk, venue, rem), ...), used critical frozenset) → (cost, back)
        states: dict = {((), frozenset()): (0.0, None)}
        ends: list[dict] = [dict() for _ in range(self.max_len + 1)]
        history = []
        for L in range(1, self.max_len + 1):
            nxt: dict = {}
            for n_key, (key, (f, _)) in enumerate(states.items()):
                if n_key % 64 == 63 and (self.cancelled or time.time() > self.deadline):
                    raise PricingTimeout
                C, used = key
                c_talks = [c for c, _, _ in C]
                free = [v for v in range(V) if v not in {vv for _, vv, _ in C}]
                extra = W[:, c_talks].sum(axis=1) if c_talks else np.zeros(T + 1)
                extra[T] = 0.0
                bases = []
                for a in free:
                    b = base_all[:, a] + extra
                    if c_talks:
                        b[c_talks] = INF
                    if used:
                        b[list(used)] = INF
                    bases.append(b)
                cont = tuple((c, v, r - 1) for c, v, r in C if r > 1)
                for choice, cost in _best_choices(bases, W, gen_idx, sp_arr, T):
                    tot = f + cost
                    if tot >= INF / 2 or tot > BIG / 2:
                        continue
                    new = [(x, a) for x, a in zip(choice, free) if x != T]
                    if not C and not new:
                        continue
                    out_c = tuple(sorted(cont + tuple((x, a, d[x] - 1) for x, a in new if d[x] > 1)))
                    out_u = used | frozenset(x for x, _ in new if x in crit)
                    nk = (out_c, out_u)
                    if not out_c:
                        ek = (nk, key)
                        if ek not in ends[L] or tot < ends[L][ek][0]:
                            ends[L][ek] = (tot, (L - 1, key, tuple(new)))
                    elif nk not in nxt or tot < nxt[nk][0]:
                        nxt[nk] = (tot, (L - 1, key, tuple(new)))
            history.append(states)
            states = nxt
            if not states:
                break
        history.append(states)
        return self._collect(history, ends, n_cands)

    def _collect(self, history, ends, n_cands: int):
        """Per block length: the least-cost block and up to ``n_cands`` candidates, with their placements."""
        best = {}
        cands = {}
        for L in range(1, self.max_len + 1):
            if not ends[L]:
                continue
            items = sorted(ends[L].values(), key=lambda t: t[0])[:n_cands]
            lst = [(tot, self._path(history, back)) for tot, back in items]
            cands[L] = lst
            best[L] = lst[0]
        return best, cands

    def _path(self, history, back) -> list[tuple[int, int, int]]:
        """Talk placements (talk, offset, venue) of a block, possibly with repeats."""
        out = []
        while back is not None:
            step, key, new = back
            for x, a in new:
                out.append((x, step, a))
            back = history[step][key][1]
        return sorted(out)

    # ---------------------------------------------------------------- column generation
    def solve(self, time_limit: float = 30.0, start: list[Schedule] = (), max_crit: int = 3, smooth: float = 0.5, relaxed_columns: bool = True,
              integer_seconds: float = 5.0, verbose: bool = False, target: float | None = None,
              score: Callable[[Schedule], float | None] | None = None,
              stop: Callable[[], bool] | None = None) -> BoundResult:
        """Column generation for ``time_limit`` seconds (or to convergence), then an integer solve.

        ``target``: the cost of a known schedule; the generation stops as soon as the bound
        reaches it (that schedule is then proven optimal, and the integer solve is skipped).
        ``score``: the true cost of a schedule (None if it breaks a rule the blocks do not
        see, e.g. 'Not at'); with it, whenever the master LP comes down to the bound, an
        integer solve over the blocks so far tries for a schedule at the bound at once.
        ``stop()``: checked between pricing rounds (Excel's Cancel); the bound so far stands."""
        import highspy

        t0 = time.time()
        self.deadline = t0 + time_limit
        G = len(self.seg_len)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        inf = highspy.kHighsInf
        for i in range(self.T):
            h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([]))
        for g in range(G):
            h.addRow(-inf, float(self.seg_len[g]), 0, np.array([], dtype=np.int32), np.array([]))
        cols: list[tuple[int, Block]] = []
        seen: set = set()
        art = 1e6
        for sched in start:
            if sched:
                art = min(art, 10 * max(1.0, sum(self.block_cost(b) for _, b in self.split(sched))))

        for i in range(self.T):  # artificial columns keep the LP feasible whatever the blocks so far
            # a prohibitive slack per talk, outside the segments' capacity: the master LP value is
            # a bound only when none of them is used (checked at convergence); the Lagrangian
            # bound is valid for any duals, so it does not depend on them
            h.addCol(art, 0.0, inf, 1, np.array([i], dtype=np.int32), np.array([1.0]))
            cols.append((-1, ()))

        def add(g: int, b: Block) -> bool:
            if (g, b) in seen:
                return False
            L = self.block_len(b)
            if L > self.seg_len[g]:
                return False
            seen.add((g, b))
            cnt: dict[int, float] = {}
            for i, _, _ in b:
                cnt[i] = cnt.get(i, 0.0) + 1.0
            rows = list(cnt) + [self.T + g]
            vals = list(cnt.values()) + [float(L)]
            h.addCol(self.block_cost(b), 0.0, inf, len(rows), np.array(rows, dtype=np.int32), np.array(vals))
            cols.append((g, b))
            return True

        for sched in start:
            if sched:
                for g, b in self.split(sched):
                    add(g, b)
        for b in self.seed_blocks():
            add(0 if G == 1 else max(range(G), key=lambda g: self.seg_len[g]), b)
        crit: set[int] = set()
        best_duals = None
        mispriced = False
        bound = None
        lp = None
        it = 0
        converged = False
        notes: list[str] = []
        proven = False
        tried_at = None
        found_sched = None
        integral = all(float(x).is_integer() for x in self.W[:self.T, :self.T].ravel() if x < BIG / 2) and \
            all(float(x).is_integer() for x in self.cap[:self.T].ravel() if x < BIG / 2)
        while time.time() - t0 < time_limit:
            if stop is not None and stop():
                notes.append("stopped: cancelled")
                break
            it += 1
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                notes.append(f"stopped: the master LP ended with status {h.modelStatusToString(h.getModelStatus())}")
                break
            lp = h.getInfo().objective_function_value
            art_used = any(x > 1e-9 for x in list(h.getSolution().col_value)[:self.T])
            duals = np.array(h.getSolution().row_dual)
            pi_lp, mu_lp = duals[:self.T], np.minimum(duals[self.T:], 0.0)
            if best_duals is not None and smooth > 0 and not mispriced:
                pi = smooth * best_duals[0] + (1 - smooth) * pi_lp
                mu = smooth * best_duals[1] + (1 - smooth) * mu_lp
            else:
                pi, mu = pi_lp, mu_lp
            timed_out = False
            while True:
                try:
                    best, cands = self.price(pi, frozenset(crit))
                except PricingTimeout:
                    timed_out = True
                    break
                # the block with least reduced cost per timeslot, per segment (drives the bound)
                worst_rep = set()
                ratio = []
                for g in range(G):
                    r_g, arg = 0.0, None
                    for L, (c, blk) in best.items():
                        if L <= self.seg_len[g]:
                            r = (c - mu[g] * L) / L
                            if r < r_g:
                                r_g, arg = r, blk
                    ratio.append(r_g)
                    if arg is not None:
                        talks = [x for x, _, _ in arg]
                        worst_rep |= {x for x in talks if talks.count(x) > 1}
                if worst_rep and len(crit) < max_crit:
                    crit |= set(sorted(worst_rep)[: max_crit - len(crit)])
                    continue
                break
            if timed_out:
                notes.append("stopped: a pricing round reached the time limit")
                break
            lag = float(pi.sum() + sum(mu[g] * self.seg_len[g] + self.seg_len[g] * ratio[g] for g in range(G)))
            if bound is None or lag > bound:
                bound, best_duals = lag, (pi.copy(), mu.copy())
            b_now = max(0.0, math.ceil(bound - 1e-6) if integral else bound)  # costs are never negative
            lp_now = math.ceil(lp - 1e-6) if integral else lp
            # an integer solve over the blocks so far: when the LP meets the bound (a schedule at the bound may
            # be among them), and every third round while the LP says a better schedule than the best known
            # may be there
            fresh = tried_at is None or lp_now != tried_at[0] or len(cols) >= 1.2 * tried_at[1]
            if score is not None and integer_seconds > 0 and not art_used and fresh \
                    and (target is None or lp_now < target - 1e-9) and (lp_now <= b_now + 1e-9 or it % 3 == 0):
                tried_at = (lp_now, len(cols))  # retried when the LP moves or the blocks grew by a fifth
                found = self._integer(h, cols, min(integer_seconds, 3.0 if lp_now <= b_now + 1e-9 else 2.0))
                self._relax(h)
                c = score(found) if found is not None else None
                if c is not None and (target is None or c < target - 1e-9):
                    target, found_sched = c, found
            if target is not None and b_now >= target - 1e-9:
                proven = True
                notes.append("stopped: the bound reached the cost of a known schedule, which is therefore optimal")
                break
            added = 0
            for L, lst in cands.items():
                for c, blk in lst:
                    talks = [x for x, _, _ in blk]
                    if len(set(talks)) < len(talks) and not relaxed_columns:
                        continue
                    for g in range(G):
                        if c - mu[g] * L < -1e-7:
                            added += add(g, tuple(blk))
            if verbose:
                print(f"it {it}: lp {lp:.3f} lagrange {lag:.3f} best bound {bound:.3f} cols {len(cols)} "
                      f"+{added} crit {len(crit)} t {time.time() - t0:.1f}", flush=True)
            if added == 0 and not mispriced and smooth > 0 and best_duals is not None:
                mispriced = True  # price at the LP duals themselves before concluding
                continue
            mispriced = False
            if added == 0:
                if min(ratio) >= -1e-7 and not art_used:
                    converged = True
                    bound = max(bound, lp)
                elif min(ratio) >= -1e-7:
                    notes.append("stopped: no negative block, but the master LP still uses its slack columns "
                                 "(the Lagrangian bound stands)")
                else:
                    notes.append("stopped: negative blocks found only with repeated talks")
                break
        if integral and bound is not None:
            bound = math.ceil(bound - 1e-6)
        if bound is not None:
            bound = max(0.0, bound)  # a cost: never below 0
        sched = self._integer(h, cols, integer_seconds) if integer_seconds > 0 and not proven else None
        if found_sched is not None:
            c_end = score(sched) if sched is not None else None
            if c_end is None or c_end >= target - 1e-9:
                sched = found_sched
        return BoundResult(bound, lp, converged, it, len(cols), time.time() - t0, sched, notes, proven)

    def _relax(self, h) -> None:
        """Undo :meth:`_integer`: every column continuous and free again (the column generation goes on)."""
        import highspy

        inf = highspy.kHighsInf
        for j in range(h.getNumCol()):
            h.changeColIntegrality(j, highspy.HighsVarType.kContinuous)
            h.changeColBounds(j, 0.0, inf)
        h.setOptionValue("time_limit", inf)

    def _integer(self, h, cols, seconds) -> Schedule | None:
        """Integer solve over the generated blocks; blocks placed in order in their segment."""
        n = h.getNumCol()
        for j in range(n):
            talks = [i for i, _, _ in cols[j][1]]
            if cols[j][0] >= 0 and len(set(talks)) == len(talks):
                h.changeColIntegrality(j, __import__("highspy").HighsVarType.kInteger)
            else:
                h.changeColBounds(j, 0.0, 0.0)
        h.setOptionValue("time_limit", float(seconds))
        h.run()
        sol = h.getSolution()
        if not sol.value_valid:
            return None
        x = sol.col_value
        out: Schedule = {}
        pos = {g: seg[0] for g, seg in enumerate(self.p.segments)}
        for j in range(n):
            g, b = cols[j]
            if g < 0 or x[j] < 0.5:
                continue
            for i, o, v in b:
                out[i] = (v, pos[g] + o)
            pos[g] += self.block_len(b)
        return out


def _best_choices(bases, W, gen_idx, sp_arr, T):
    """(choice per free venue, cost) of the cheapest assignment of new talks per outcome.

    Outcomes differ only in which *special* talks (multi-slot or critical) are chosen:
    generic talks (single-slot, not critical, or none) are minimised over."""
    k = len(bases)
    if k == 0:
        yield (), 0.0
        return
    if k == 1:
        b = bases[0]
        j = gen_idx[np.argmin(b[gen_idx])]
        yield (int(j),), float(b[j])
        for x in sp_arr:
            if b[x] < INF / 2:
                yield (int(x),), float(b[x])
        return
    if k == 2:
        M = bases[0][:, None] + bases[1][None, :] + W
        Mg = M[gen_idx]
        gg = Mg[:, gen_idx]
        a, b = np.unravel_index(np.argmin(gg), gg.shape)
        out = [((int(gen_idx[a]), int(gen_idx[b])), float(gg[a, b]))]
        gs = Mg[:, sp_arr]
        ai = np.argmin(gs, axis=0)
        for col, x in enumerate(sp_arr):
            out.append(((int(gen_idx[ai[col]]), int(x)), float(gs[ai[col], col])))
        sg = M[np.ix_(sp_arr, gen_idx)]
        bi = np.argmin(sg, axis=1)
        for row, x in enumerate(sp_arr):
            out.append(((int(x), int(gen_idx[bi[row]])), float(sg[row, bi[row]])))
        ss = M[np.ix_(sp_arr, sp_arr)]
        rr, cc = np.nonzero(ss < BIG / 2)
        for r_, c_ in zip(rr, cc):
            out.append(((int(sp_arr[r_]), int(sp_arr[c_])), float(ss[r_, c_])))
        for ch, val in out:
            if val < BIG / 2:
                yield ch, val
        return
    if k == 3:
        # the cheapest generic talk per axis, one axis at a time, keeping the argmins
        order, ng, M3 = _triple_costs(bases, W, T, gen_idx, sp_arr)
        g2 = M3[:, :, :ng]
        A2 = np.argmin(g2, axis=2)  # n × n
        R2 = np.concatenate([np.take_along_axis(g2, A2[:, :, None], axis=2), M3[:, :, ng:]], axis=2)
        g1 = R2[:, :ng, :]
        A1 = np.argmin(g1, axis=1)  # n × (1+ns)
        R1 = np.concatenate([np.take_along_axis(g1, A1[:, None, :], axis=1), R2[:, ng:, :]], axis=1)
        g0 = R1[:ng]
        A0 = np.argmin(g0, axis=0)  # (1+ns) × (1+ns)
        R0 = np.concatenate([np.take_along_axis(g0, A0[None], axis=0), R1[ng:]], axis=0)
        ok = (R0 < INF / 2) & (R0 < BIG / 2)
        for ca, cb, cc in zip(*np.nonzero(ok)):
            a = int(A0[cb, cc]) if ca == 0 else ng + ca - 1
            b = int(A1[a, cc]) if cb == 0 else ng + cb - 1
            c = int(A2[a, b]) if cc == 0 else ng + cc - 1
            yield (int(order[a]), int(order[b]), int(order[c])), float(R0[ca, cb, cc])
        return
    raise NotImplementedError("the block bound handles at most 3 venues")


def _choice_arrays(bases, W, gen_idx, sp_arr, T):
    """:func:`_best_choices` as arrays ``(choices n × k, costs n)``, finite costs only."""
    k = len(bases)
    if k == 0:
        return np.zeros((1, 0), dtype=np.int64), np.zeros(1)
    if k == 1:
        b = bases[0]
        j = gen_idx[np.argmin(b[gen_idx])]
        ch = np.concatenate([[j], sp_arr]).astype(np.int64)
        val = b[ch]
    elif k == 2:
        M = bases[0][:, None] + bases[1][None, :] + W
        order = np.concatenate([gen_idx, sp_arr])
        ng = len(gen_idx)
        M2 = M[np.ix_(order, order)]
        g1 = M2[:, :ng]
        A1 = np.argmin(g1, axis=1)  # n
        R1 = np.concatenate([np.take_along_axis(g1, A1[:, None], axis=1), M2[:, ng:]], axis=1)
        g0 = R1[:ng]
        A0 = np.argmin(g0, axis=0)  # 1+ns
        R0 = np.concatenate([np.take_along_axis(g0, A0[None], axis=0), R1[ng:]], axis=0)
        ca, cb = np.nonzero((R0 < INF / 2) & (R0 < BIG / 2))
        a = np.where(ca == 0, A0[cb], ng + ca - 1)
        b = np.where(cb == 0, A1[a], ng + cb - 1)
        return np.stack([order[a], order[b]], axis=1).astype(np.int64), R0[ca, cb]
    elif k == 3:
        order, ng, M3 = _triple_costs(bases, W, T, gen_idx, sp_arr)
        g2 = M3[:, :, :ng]
        A2 = np.argmin(g2, axis=2)
        R2 = np.concatenate([np.take_along_axis(g2, A2[:, :, None], axis=2), M3[:, :, ng:]], axis=2)
        g1 = R2[:, :ng, :]
        A1 = np.argmin(g1, axis=1)
        R1 = np.concatenate([np.take_along_axis(g1, A1[:, None, :], axis=1), R2[:, ng:, :]], axis=1)
        g0 = R1[:ng]
        A0 = np.argmin(g0, axis=0)
        R0 = np.concatenate([np.take_along_axis(g0, A0[None], axis=0), R1[ng:]], axis=0)
        ca, cb, cc = np.nonzero((R0 < INF / 2) & (R0 < BIG / 2))
        a = np.where(ca == 0, A0[cb, cc], ng + ca - 1)
        b = np.where(cb == 0, A1[a, cc], ng + cb - 1)
        c = np.where(cc == 0, A2[a, b], ng + cc - 1)
        return np.stack([order[a], order[b], order[c]], axis=1).astype(np.int64), R0[ca, cb, cc]
    else:
        raise NotImplementedError("the block bound handles at most 3 venues")
    keep = (val < INF / 2) & (val < BIG / 2)
    return ch[keep, None], val[keep]


def _triple_costs(bases, W, T, gen_idx, sp_arr):
    """Cost of every (talk, talk, talk) choice for 3 venues, rows/columns in (generic, special) order.

    "None" (index T) may be chosen in several venues at once: no pair cost among nones."""
    M = (bases[0][:, None, None] + bases[1][None, :, None] + bases[2][None, None, :]
         + W[:, :, None] + W[:, None, :] + W[None, :, :])
    M[T, T, :] -= W[T, T]
    M[T, :, T] -= W[T, T]
    M[:, T, T] -= W[T, T]
    M[T, T, T] += W[T, T]
    order = np.concatenate([gen_idx, sp_arr])
    return order, len(gen_idx), M[np.ix_(order, order, order)]
