"""The session-level PuLP model of the CSPLib conference schedule (the *master* model).

Variables:

* ``y[k,s,r]`` — track k holds room r in session s (the tracks grid).  A track may hold
  several rooms of one session and several rooms over the conference, each at the price the
  ``parameters`` sheet sets (rules "same track in parallel rooms" and "tracks using more
  than one room");
* ``x[n,s]`` — submission n is in session s, in one of its track's rooms there;
* ``a[k,s]`` — track k holds at least one room in session s (continuous, exactly
  ``min(1, Σ_r y[k,s,r])``).

Which of its track's rooms a talk takes in a session with several, and its time slots,
are settled per session afterwards (:mod:`.timeslots`), where every room- and slot-level
term is exact.  Here those terms are relaxed (room-level conflicts between talks of the
same track, the talks' room penalties beyond their cheapest room of the track, slot-level
conflicts), so **the master model is a relaxation of every schedule the template allows**
(every submission once, in consecutive slots of one session and room of its own track):
its LP bound, and any bound proven by branch and bound on it, is a true lower bound of the
objective.  Every term is built by its rule (``rules/*.py``, ``build``) from the helpers of
:class:`ModelContext`, next to the rule's evaluation.

Models (``mode``):

* ``full`` (default): exactly the evaluator's objective with the instance's weights, plus the
  chosen hard rules (``hard_rules``: ``none`` — the default, only the weights — ``presenters``
  or ``all``), each elastic: a unit of a hard rule costs ``BIG`` on top of its weight, so the
  model is never infeasible because of them and a schedule that breaks one is "relaxed";
* ``exact``: the paper's exact model (one room per track, presenter conflicts hard,
  objective TS+TR+SR+TZ+SS+SP);
* ``extended``: the exact model plus similar tracks not in parallel, attendee and chair
  conflicts hard and the consecutive-track reward.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

import pulp

from .capacity import min_cells
from .problem import Problem
from .rules import RULES, RULE_BY_KEY
from .schedule import Schedule

BIG = 10_000_000  # elastic cost per unit of a hard rule (on top of its weight)
HARD_RULES = ("none", "presenters", "all")
DEFAULT_HARD_RULES = "none"
MODES = ("full", "exact", "extended")
PAPER_HARD = {"exact": ("NR", "PAR", "PC"), "extended": ("NR", "PAR", "PC", "AC", "CC", "SIM")}
PAPER_OBJECTIVE = ("TS", "TR", "SR", "TZ", "SS", "SP")


def _lin(pairs) -> pulp.LpAffineExpression:
    e = pulp.LpAffineExpression()
    for v, c in pairs:
        if c:
            e.addterm(v, c)
    return e


def hard_keys(mode: str, hard_rules: str) -> tuple[str, ...]:
    """Term keys that are hard (elastic) in this model: asked of the rules themselves."""
    if mode in PAPER_HARD:
        return PAPER_HARD[mode]
    return tuple(rule.key for rule in RULES if rule.hard_in(hard_rules))


@dataclass
class ModelContext:
    """Variables and helpers the rules use to build their terms."""

    problem: Problem
    prob: pulp.LpProblem
    mode: str
    exempt: set[int] = field(default_factory=set)  # tracks that cannot keep one room (capacity): never hard
    y: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    x: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    a: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    room_share: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)  # SP: n's room in s
    level: str = "session"
    notes: list[str] = field(default_factory=list)
    _n_aux: int = 0
    _cache: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ basics
    def add(self, c, name: str | None = None) -> None:
        self.prob.addConstraint(c, name)

    def aux(self, prefix: str, lo=0, hi=None, cat=pulp.LpContinuous) -> pulp.LpVariable:
        self._n_aux += 1
        return pulp.LpVariable(f"{prefix}_{self._n_aux}", lo, hi, cat)

    def track_of(self, n: int) -> int:
        return self.problem.submissions[n].track

    # ------------------------------------------------------------------ grid
    def cell_value(self, value, k: int, s: int, r: int) -> float:
        return value(self.problem, k, s, r)

    def y_items(self):
        return self.y.items()

    def u(self, k: int, s: int) -> pulp.LpAffineExpression:
        """Rooms of session s holding track k."""
        key = ("u", k, s)
        if key not in self._cache:
            self._cache[key] = _lin((self.y[(k, s, r)], 1) for r in range(self.problem.R) if (k, s, r) in self.y)
        return self._cache[key]

    def in_session(self, k: int, s: int):
        """0/1: track k holds at least one room in session s."""
        return self.a.get((k, s), 0)

    def extra_rooms(self, k: int, s: int):
        """Rooms of session s holding track k beyond the first: u − a."""
        if (k, s) not in self.a:
            return 0
        return self.u(k, s) - self.a[(k, s)]

    def rooms_used(self, k: int) -> pulp.LpAffineExpression:
        """Σ_r [track k holds room r in some session] (continuous indicators, pushed down)."""
        key = ("z", k)
        if key not in self._cache:
            zs = []
            for r in range(self.problem.R):
                ys = [self.y[(k, s, r)] for s in range(self.problem.S) if (k, s, r) in self.y]
                if not ys:
                    continue
                z = self.aux(f"z_{k}_{r}", 0, 1)
                for v in ys:
                    self.add(z >= v)
                zs.append(z)
            if zs:  # every track is scheduled somewhere: it uses at least one room
                self.add(pulp.lpSum(zs) >= 1)
            self._cache[key] = pulp.lpSum(zs)
        return self._cache[key]

    def pair_count(self, k1: int, k2: int, s: int, sign: int = 1):
        """Room pairs of session s holding k1 and k2 (k1 ≠ k2): u1·u2, from below.

        p ≥ a1 + a2 − 1 and p ≥ u1 + u2 − 1 − R·(2 − a1 − a2): exact when either track holds at
        most one room of s, never above u1·u2 (so the model stays a relaxation).  For a reward
        (``sign`` < 0, a negative penalty) from above instead: p ≤ R·u1, p ≤ R·u2, p ≤ a1·R², never below."""
        if (k1, s) not in self.a or (k2, s) not in self.a:
            return 0
        a1, a2 = self.a[(k1, s)], self.a[(k2, s)]
        R = self.problem.R
        if sign < 0:
            p = self.aux("pn", 0, R * R)
            self.add(p <= R * self.u(k1, s))
            self.add(p <= R * self.u(k2, s))
            return p
        p = self.aux("pp", 0)
        self.add(p >= a1 + a2 - 1)
        if R > 1:
            self.add(p >= self.u(k1, s) + self.u(k2, s) - 1 - R * (2 - a1 - a2))
        return p

    def AND(self, a, b, sign: int = 1):
        """A continuous p = a·b of two 0/1 expressions; exact when the objective pushes p
        down (sign > 0: p ≥ a+b−1) or up (sign < 0: p ≤ a, p ≤ b)."""
        p = self.aux("p", 0, 1)
        if sign >= 0:
            self.add(p >= a + b - 1)
        else:
            self.add(p <= a)
            self.add(p <= b)
        return p

    # ------------------------------------------------------------------ submissions
    def xs(self, n: int, s: int):
        """0/1: submission n is in session s."""
        return self.x.get((n, s), 0)

    def x_in_room(self, n: int, s: int, r: int, sign: int = 1):
        """Share of submission n in room r of session s (room penalties): Σ_r = x[n,s], each at most
        y[k,s,r]; the talk's exact room is chosen per session afterwards."""
        return self.room_share.get((n, s, r), 0)

    def sessions_of(self, n: int) -> list[int]:
        return [s for s in range(self.problem.S) if (n, s) in self.x]

    def conflict_pairs_cost(self, relation: set[tuple[int, int]]):
        """Session-level conflicts of talks of different tracks: Σ_s [both in s] (they are in different
        rooms, a room holding one track).  Two talks of the same track in one session cost only
        when they are in different rooms: settled per session afterwards (0 here, a relaxation)."""
        terms = []
        for (n1, n2) in sorted(relation):
            if self.track_of(n1) == self.track_of(n2):
                continue
            for s in sorted(set(self.sessions_of(n1)) & set(self.sessions_of(n2))):
                terms.append(self.AND(self.x[(n1, s)], self.x[(n2, s)]))
        return pulp.lpSum(terms)

    def slot_conflicts(self, relation):
        """Slot-level conflicts are settled per session afterwards (timeslots.py)."""
        return None

    # ------------------------------------------------------------------ order
    def order_cost(self):
        """Σ_n [n's position in its track ≠ Order(n) and Order(n) ≠ 0].

        Positions count a track's talks across the conference in session order; inside a session
        (over its rooms and slots) the order is free, so an ordered talk can take position o iff it
        sits in a session s with before(k,s) < o ≤ before(k,s) + count(k,s)."""
        p = self.problem
        const = 0
        terms = []
        for k, subs in enumerate(p.submissions_of_track):
            const += sum(1 for n in subs if p.submissions[n].order is None)
            ordered = [n for n in subs if p.submissions[n].order not in (None, 0)]
            if not ordered:
                continue
            M = len(subs)
            by_value = defaultdict(list)
            for n in ordered:
                o = p.submissions[n].order
                if o > M:
                    const += 1  # can never be at that position
                    continue
                gs = []
                for s in self.sessions_of(n):
                    before = _lin((self.x[(m, s2)], 1) for m in subs for s2 in range(s) if (m, s2) in self.x)
                    count = _lin((self.x[(m, s)], 1) for m in subs if (m, s) in self.x)
                    g = pulp.LpVariable(f"g_{n}_{s}", cat=pulp.LpBinary)
                    self.add(g <= self.x[(n, s)])
                    self.add(before <= o - 1 + M * (1 - g))
                    self.add(before + count >= o - M * (1 - g))
                    gs.append(g)
                by_value[o].extend(gs)
                terms.append(1 - pulp.lpSum(gs))
            for o, gs in by_value.items():
                if len(gs) > 1:
                    self.add(pulp.lpSum(gs) <= 1)
        return pulp.lpSum(terms) + const

    # ------------------------------------------------------------------ consecutive
    def consecutive_cost(self, k: int, sign: int = 1):
        """1 if track k's sessions are not one unbroken run: prefix/suffix indicators."""
        S = self.problem.S
        if S < 3:
            return 0
        a = [self.in_session(k, s) for s in range(S)]
        b = [self.aux(f"b_{k}", 0, 1) for _ in range(S)]
        e = [self.aux(f"e_{k}", 0, 1) for _ in range(S)]
        c = self.aux(f"cons_{k}", 0, 1)
        for s in range(S):
            self.add(b[s] >= a[s])
            self.add(e[s] >= a[s])
            if s > 0:
                self.add(b[s] >= b[s - 1])
            if s < S - 1:
                self.add(e[s] >= e[s + 1])
        for s in range(1, S - 1):
            self.add(c >= b[s - 1] + e[s + 1] - a[s] - 1)
        return c


# ====================================================================== building

@dataclass
class BuiltModel:
    ctx: ModelContext
    prob: pulp.LpProblem
    terms: dict[str, object]  # term key -> raw expression (weight not applied)
    hard: dict[str, object]  # hard term key -> the part of its raw amount that is hard (exempt tracks out)
    weights: dict[str, float]  # term key -> objective weight of its raw amount
    hard_weight: dict[str, float]  # hard term key -> cost per unit of its hard part (BIG, or 0 while relaxed)
    constant: float
    build_seconds: float
    excluded: list[int]  # submissions that cannot be placed (need more slots than any session has)
    mode: str = "full"
    hard_rules: str = DEFAULT_HARD_RULES

    @property
    def n_variables(self) -> int:
        return len(self.prob.variables())

    @property
    def n_constraints(self) -> int:
        return len(self.prob.constraints)

    def objective_expression(self):
        parts = [w * self.terms[k] for k, w in self.weights.items() if w and k in self.terms]
        parts += [w * self.hard[k] for k, w in self.hard_weight.items() if w and k in self.hard]
        return pulp.lpSum(parts)

    def elastic_value(self) -> float:
        """The hard rules' elastic part of the objective at the current values."""
        return sum(w * (pulp.value(self.hard[k]) or 0.0) for k, w in self.hard_weight.items() if k in self.hard)

    def hard_now(self) -> tuple[str, ...]:
        """The hard rules that cost BIG at the moment."""
        return tuple(k for k, w in self.hard_weight.items() if w)

    def set_hard_weight(self, key: str, weight: float) -> None:
        """What a unit of a hard rule costs on top of its weight (0: only its weighted term)."""
        if key not in self.hard or self.hard_weight.get(key) == weight:
            return
        self.hard_weight[key] = weight
        self.prob.setObjective(self.objective_expression())

    def term_values(self) -> dict[str, float]:
        """Each term's raw amount at the variables' current values (auxiliaries as solved)."""
        return {k: float(pulp.value(e) or 0.0) if not isinstance(e, (int, float)) else float(e)
                for k, e in self.terms.items()}


def build_model(problem: Problem, mode: str = "full", fixed: Schedule | None = None,
                start: Schedule | None = None, max_changes: int | None = None,
                hard_rules: str = DEFAULT_HARD_RULES, exempt: set[int] | None = None) -> BuiltModel:
    """Build the master model (see the module doc).

    ``fixed``: its grid cells and its talks' sessions and rooms are kept.  ``start`` with
    ``max_changes``: at most that many talks leave their session or room.  ``exempt``: tracks the
    capacity check proves cannot keep one room (never hard for rooms per track / parallel)."""
    if mode not in MODES:
        raise ValueError(f"unknown model {mode!r}; use one of {', '.join(MODES)}")
    if hard_rules not in HARD_RULES:
        raise ValueError(f"unknown hard rules {hard_rules!r}; use one of {', '.join(HARD_RULES)}")
    t0 = time.perf_counter()
    p = problem
    S, R, T = p.S, p.R, p.T
    prob = pulp.LpProblem(f"csplib_{mode}", pulp.LpMinimize)
    ctx = ModelContext(problem=p, prob=prob, mode=mode, exempt=set(exempt or ()))
    m = [sess.slots for sess in p.sessions]
    excluded = [n for n, sub in enumerate(p.submissions) if sub.required_slots > max(m)]

    # ---- pinned cells and placements
    fixed_grid = dict(fixed.grid) if fixed else {}
    fixed_place: dict[int, tuple[int, int, int]] = {}
    if fixed:
        for n, cells in fixed.cells_of().items():
            fixed_place[n] = cells[0]
    forbidden_y = {(k2, s, r) for (s, r), k in fixed_grid.items() for k2 in range(T) if k2 != k}

    # ---- variables
    for k in range(T):
        for s in range(S):
            for r in range(R):
                if (k, s, r) not in forbidden_y:
                    ctx.y[(k, s, r)] = pulp.LpVariable(f"y_{k}_{s}_{r}", cat=pulp.LpBinary)
            ctx.a[(k, s)] = pulp.LpVariable(f"a_{k}_{s}", 0, 1)
    for n, sub in enumerate(p.submissions):
        if n in excluded:
            continue
        for s in range(S):
            if sub.required_slots > m[s] or (n in fixed_place and fixed_place[n][0] != s):
                continue
            ctx.x[(n, s)] = pulp.LpVariable(f"x_{n}_{s}", cat=pulp.LpBinary)

    # ---- structure
    for n in range(p.N):
        if n not in excluded:
            ctx.add(pulp.lpSum(ctx.xs(n, s) for s in range(S)) == 1, f"once_{n}")
    for s in range(S):
        for r in range(R):
            ys = [ctx.y[(k, s, r)] for k in range(T) if (k, s, r) in ctx.y]
            if len(ys) > 1:
                ctx.add(pulp.lpSum(ys) <= 1, f"cell_{s}_{r}")
    for k in range(T):
        subs = [n for n in p.submissions_of_track[k] if n not in excluded]
        # a track needs at least as many cells as its talks fill, largest sessions first (the LP
        # would take fractions of cells)
        need = min_cells(p, k)
        if need > 1:
            ctx.add(pulp.lpSum(v for (kk, s, r), v in ctx.y.items() if kk == k) >= need, f"cells_{k}")
        for s in range(S):
            a, u = ctx.a[(k, s)], ctx.u(k, s)
            xs = [(ctx.x[(n, s)], n) for n in subs if (n, s) in ctx.x]
            for r in range(R):
                if (k, s, r) in ctx.y:
                    ctx.add(a >= ctx.y[(k, s, r)])
            ctx.add(a <= u)
            # the slots of its rooms hold the track's talks there
            ctx.add(_lin((v, p.submissions[n].required_slots) for v, n in xs) - m[s] * u <= 0, f"cap_{k}_{s}")
            # a room holds at most one talk longer than half the session, or two of exactly half
            big = [(v, 1.0 if 2 * p.submissions[n].required_slots > m[s] else 0.5)
                   for v, n in xs if 2 * p.submissions[n].required_slots >= m[s]]
            if len(big) > 1:
                ctx.add(_lin(big) - u <= 0, f"big_{k}_{s}")
            for v, _ in xs:
                ctx.add(v - a <= 0)
            # every room a track holds has one of its talks (a booked room without talks is something the
            # Assignments table, which lists talks, could not show)
            ctx.add(u - _lin((v, 1) for v, _ in xs) <= 0, f"used_{k}_{s}")
    if p.active("SP") and any(sub.room_penalty for sub in p.submissions):
        # room shares only for the talks a room penalty names: the others' rooms cost nothing, and their
        # slots are in the track's cap_ row (a relaxation of the per-room fit; the rooms-and-slots phase
        # places every talk exactly).  A EURO-sized conference has 18 such talks, not 1,850 × 20 × 50 shares.
        in_cell = defaultdict(list)  # (k, s, r) -> the shares there, with their talks' slots
        for (n, s), v in ctx.x.items():
            if not p.submissions[n].room_penalty:
                continue
            k = ctx.track_of(n)
            shares = []
            for r in range(R):
                if (k, s, r) in ctx.y:
                    w = pulp.LpVariable(f"w_{n}_{s}_{r}", 0, 1)
                    ctx.room_share[(n, s, r)] = w
                    ctx.add(w <= ctx.y[(k, s, r)])
                    shares.append(w)
                    in_cell[(k, s, r)].append((w, p.submissions[n].required_slots))
            ctx.add(pulp.lpSum(shares) == v)
        for (k, s, r), ws in sorted(in_cell.items()):  # the shares fit in the room's slots
            ctx.add(_lin(ws) - m[s] * ctx.y[(k, s, r)] <= 0)
    # pinned: grid cells and placed submissions
    for (s, r), k in fixed_grid.items():
        if (k, s, r) in ctx.y:
            ctx.add(ctx.y[(k, s, r)] == 1, f"fixgrid_{s}_{r}")
    for n, (s, r, _t) in fixed_place.items():
        k = p.submissions[n].track
        if (k, s, r) in ctx.y:
            ctx.add(ctx.y[(k, s, r)] == 1)
        if (n, s) in ctx.x:
            ctx.add(ctx.x[(n, s)] == 1)
    # minimal change w.r.t. a start schedule
    if start is not None and max_changes is not None:
        keep = []
        for n, cells in start.cells_of().items():
            s0, r0, _ = cells[0]
            k = p.submissions[n].track
            if (n, s0) in ctx.x and (k, s0, r0) in ctx.y:
                kv = ctx.aux("keep", 0, 1)
                ctx.add(kv <= ctx.x[(n, s0)])
                ctx.add(kv <= ctx.y[(k, s0, r0)])
                keep.append(kv)
        ctx.add(p.N - len(excluded) - pulp.lpSum(keep) <= max_changes, "max_changes")

    # ---- objective: every term by its rule
    terms: dict[str, object] = {}
    hard: dict[str, object] = {}
    weights: dict[str, float] = {}
    hkeys = hard_keys(mode, hard_rules)
    for rule in RULES:
        key = rule.key
        in_objective = rule.active(p) if mode == "full" else key in PAPER_OBJECTIVE and rule.active(p)
        if not in_objective and key not in hkeys:
            continue
        raw = rule.build(ctx)
        if raw is None:  # settled per session (slot level)
            continue
        terms[key] = raw
        weights[key] = float(rule.weight(p)) if in_objective else 0.0
        if key in hkeys or rule.hard_levels:  # soft now, but the search may price it higher for a while
            hard[key] = rule.build_hard(ctx, raw)
    if mode == "extended":
        pi = p.weight("CONS") if p.weight("CONS") > 0 else 10
        ks = []
        for k in range(T):
            for s in range(S - 1):
                kv = ctx.aux("K", 0, 1)
                ctx.add(kv <= ctx.in_session(k, s))
                ctx.add(kv <= ctx.in_session(k, s + 1))
                ks.append(kv)
        terms["CONS_reward"] = pulp.lpSum(ks)
        weights["CONS_reward"] = -float(pi)
    built = BuiltModel(ctx=ctx, prob=prob, terms=terms, hard=hard, weights=weights,
                       hard_weight={key: float(BIG) if key in hkeys else 0.0 for key in hard},
                       constant=0.0, build_seconds=0.0,
                       excluded=excluded, mode=mode, hard_rules=hard_rules)
    prob.setObjective(built.objective_expression())
    built.constant = float(prob.objective.constant) if prob.objective is not None else 0.0
    built.build_seconds = time.perf_counter() - t0
    return built


# ====================================================================== reading a solution

def session_solution(built: BuiltModel) -> tuple[dict[tuple[int, int], int], dict[int, int]]:
    """From solved variable values: grid {(s, r): k} and each submission's session {n: s}."""
    ctx = built.ctx
    grid = {(s, r): k for (k, s, r), v in ctx.y.items() if (v.varValue or 0) > 0.5}
    sessions = {n: s for (n, s), v in ctx.x.items() if (v.varValue or 0) > 0.5}
    return grid, sessions


def set_start_values(built: BuiltModel, sched: Schedule) -> int:
    """Initial values of the grid and session variables from a schedule (warm start).

    Returns how many integer variables were set."""
    ctx = built.ctx
    cnt = 0
    for (k, s, r), v in ctx.y.items():
        v.setInitialValue(1 if sched.grid.get((s, r)) == k else 0)
        cnt += 1
    placed = {n: cells[0] for n, cells in sched.cells_of().items()}
    for (n, s), v in ctx.x.items():
        v.setInitialValue(1 if n in placed and placed[n][0] == s else 0)
        cnt += 1
    return cnt


def rule(key: str):
    return RULE_BY_KEY[key]
