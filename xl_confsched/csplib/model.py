"""The session-level PuLP model of the CSPLib conference schedule.

Variables (a far smaller model than the paper's room-indexed one):

* ``y[k,s,r]`` — track k holds room r in session s (the tracks grid);
* ``x[n,s]`` — submission n is in session s.  Its room is its track's room in s: a
  track sits in at most one room per session (the "same track in parallel" rule kept
  hard), so the room follows from the grid;
* ``xr[n,s,r]`` — only for the tracks that *must* run in parallel rooms (more talks than
  one room can hold over the whole conference, see :mod:`.capacity`): their
  submissions get a room of their own.

Every term of the objective is built by its rule (``rules/*.py``, method ``build``)
from the helpers of :class:`ModelContext`, so each rule is defined once, next to its
evaluation.  The slot-level conflict terms (and the slot order inside a session) are
settled by :mod:`.timeslots` after this model; the session-level order term is here.

Models (``mode``):

* ``full`` (default): exactly the evaluator's objective with the instance's weights;
* ``exact``: the paper's exact model (one room per track, presenter conflicts hard,
  objective TS+TR+SR+TZ+SS+SP);
* ``extended``: the exact model plus similar tracks not in parallel, attendee and chair
  conflicts hard and the consecutive-track reward.

Hard rules of the paper's models are elastic with a large penalty (``BIG``), so the
model is never infeasible because of them; a schedule using a slack is "relaxed".
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

import pulp

from .problem import Problem
from .rules import RULES
from .schedule import Schedule

BIG = 10_000_000  # elastic penalty per unit of a relaxed hard rule (paper models)
# by default the paper's hard rules hold besides the weighted objective (elastically): no presenter in
# two places at once and one room per track; "presenters" lets rooms per track cost only what the
# instance's weight says, "none" leaves only the weights
DEFAULT_HARD_RULES = "all"
MODES = ("full", "exact", "extended")


def _lin(pairs) -> pulp.LpAffineExpression:
    e = pulp.LpAffineExpression()
    for v, c in pairs:
        if c:
            e.addterm(v, c)
    return e


@dataclass
class ModelContext:
    """Variables and helpers the rules use to build their terms."""

    problem: Problem
    prob: pulp.LpProblem
    mode: str
    split: set[int]  # tracks whose submissions get their own room variables (parallel rooms allowed)
    y: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    x: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)
    xr: dict[tuple[int, int, int], pulp.LpVariable] = field(default_factory=dict)
    level: str = "session"
    aggregate: bool = False  # identical rooms pooled into classes (search stage), see room_classes()
    room_rep: list[int] = field(default_factory=list)  # pooled: class -> a room of the class
    class_size: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _n_aux: int = 0
    _cache: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ basics
    def add(self, c, name: str | None = None) -> None:
        self.prob.addConstraint(c, name)

    def aux(self, prefix: str, lo=0, hi=1, cat=pulp.LpContinuous) -> pulp.LpVariable:
        self._n_aux += 1
        return pulp.LpVariable(f"{prefix}_{self._n_aux}", lo, hi, cat)

    def standard(self, k: int) -> bool:
        return k not in self.split

    def track_of(self, n: int) -> int:
        return self.problem.submissions[n].track

    # ------------------------------------------------------------------ grid
    def cell_value(self, value, k: int, s: int, r: int) -> float:
        """A grid penalty of track k in (s, r); with rooms pooled, its least value over the rooms."""
        if self.aggregate:
            return value(self.problem, k, s, self.room_rep[r])
        return value(self.problem, k, s, r)

    def y_items(self) -> Iterable[tuple[tuple[int, int, int], pulp.LpVariable]]:
        return self.y.items()

    def u(self, k: int, s: int) -> pulp.LpAffineExpression:
        """Rooms of session s holding track k (0/1 for a standard track)."""
        key = ("u", k, s)
        if key not in self._cache:
            self._cache[key] = _lin((self.y[(k, s, r)], 1) for r in range(self.problem.R) if (k, s, r) in self.y)
        return self._cache[key]

    def in_session(self, k: int, s: int):
        """0/1: track k occupies at least one room in session s."""
        if self.standard(k):
            return self.u(k, s)
        key = ("a", k, s)
        if key not in self._cache:
            a = self.aux(f"a_{k}_{s}")
            for r in range(self.problem.R):
                if (k, s, r) in self.y:
                    self.add(a >= self.y[(k, s, r)])
            self.add(a <= self.u(k, s))
            self._cache[key] = a
        return self._cache[key]

    def rooms_used(self, k: int) -> pulp.LpAffineExpression:
        """Σ_r [track k uses room r somewhere]."""
        key = ("z", k)
        if key not in self._cache:
            zs = []
            for r in range(self.problem.R):
                ys = [self.y[(k, s, r)] for s in range(self.problem.S) if (k, s, r) in self.y]
                if not ys:
                    continue
                z = self._cache.get(("Y", k, r))
                if z is None:
                    z = self.aux(f"z_{k}_{r}")
                    for v in ys:
                        self.add(z >= v)
                zs.append(z)
            self._cache[key] = pulp.lpSum(zs)
        return self._cache[key]

    def pair_count(self, k1: int, k2: int, s: int):
        """Room pairs r≠r' of session s holding k1 and k2 (k1≠k2); a product, linearised."""
        a, b = (k1, k2) if self.standard(k1) or not self.standard(k2) else (k2, k1)
        if self.standard(a) and self.standard(b):
            return self.AND(self.u(a, s), self.u(b, s))
        if self.standard(b):  # a split, b standard
            return pulp.lpSum(self.AND(self.y[(a, s, r)], self.u(b, s))
                              for r in range(self.problem.R) if (a, s, r) in self.y)
        return pulp.lpSum(self.AND(self.y[(a, s, r)], self.y[(b, s, r2)])
                          for r in range(self.problem.R) for r2 in range(self.problem.R)
                          if r != r2 and (a, s, r) in self.y and (b, s, r2) in self.y)

    def AND(self, a, b, sign: int = 1):
        """A continuous p = a·b of two 0/1 expressions; exact when the objective pushes p
        down (sign > 0: p ≥ a+b−1) or up (sign < 0: p ≤ a, p ≤ b)."""
        p = self.aux("p")
        if sign >= 0:
            self.add(p >= a + b - 1)
        else:
            self.add(p <= a)
            self.add(p <= b)
        return p

    # ------------------------------------------------------------------ submissions
    def xs(self, n: int, s: int):
        """0/1: submission n is in session s."""
        if (n, s) in self.x:
            return self.x[(n, s)]
        k = self.track_of(n)
        if self.standard(k):
            return 0
        return _lin((self.xr[(n, s, r)], 1) for r in range(self.problem.R) if (n, s, r) in self.xr)

    def x_in_room(self, n: int, s: int, r: int, sign: int = 1):
        """0/1: submission n is in session s, room r."""
        k = self.track_of(n)
        if not self.standard(k):
            return self.xr.get((n, s, r), 0)
        if (n, s) not in self.x or (k, s, r) not in self.y:
            return 0
        return self.AND(self.x[(n, s)], self.y[(k, s, r)], sign)

    def sessions_of(self, n: int) -> list[int]:
        k = self.track_of(n)
        if self.standard(k):
            return [s for s in range(self.problem.S) if (n, s) in self.x]
        return sorted({s for (m, s, r) in self.xr if m == n})

    def conflict_pairs_cost(self, relation: set[tuple[int, int]]):
        """Session-level conflicts: Σ_s [n, n' in session s in different rooms] over the relation."""
        terms = []
        for (n1, n2) in sorted(relation):
            k1, k2 = self.track_of(n1), self.track_of(n2)
            common = set(self.sessions_of(n1)) & set(self.sessions_of(n2))
            for s in sorted(common):
                if k1 != k2:
                    terms.append(self.AND(self.xs(n1, s), self.xs(n2, s)))
                elif not self.standard(k1):
                    # same split track: costs when the two are in different rooms of s
                    p = self.aux("pr")
                    for r in range(self.problem.R):
                        if (n1, s, r) in self.xr:
                            self.add(p >= self.xr[(n1, s, r)] + self.xs(n2, s) - 1 - self.xr.get((n2, s, r), 0))
                    terms.append(p)
                # same standard track: same room, free
        return pulp.lpSum(terms)

    def slot_conflicts(self, relation):
        """Slot-level conflicts are settled in the time-slot phase (timeslots.py)."""
        return None

    # ------------------------------------------------------------------ order
    def order_cost(self):
        """Σ_n [n's position in its track ≠ Order(n) and Order(n) ≠ 0], positions counted
        across the conference (sessions in order, a track's talks one after another).

        Inside a session the order is free, so an ordered talk can take position o iff it
        sits in a session s with before(k,s) < o ≤ before(k,s) + count(k,s)."""
        p = self.problem
        const = 0
        terms = []
        self.order_targets: dict[tuple[int, int], pulp.LpVariable] = {}
        for k, subs in enumerate(p.submissions_of_track):
            ordered = [n for n in subs if p.submissions[n].order not in (None, 0)]
            if not self.standard(k):
                # positions over parallel rooms are not modelled: the time-slot phase values this
                # track's order term (assign_timeslots(order_tracks=…)), on the final schedule
                if ordered or any(p.submissions[n].order is None for n in subs):
                    self.notes.append(f"order of track {p.tracks[k].name} not optimised (it runs in parallel "
                                      "rooms): valued after the time slots")
                continue
            const += sum(1 for n in subs if p.submissions[n].order is None)
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
                    self.order_targets[(n, s)] = g
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
        a = [self.in_session(k, s) for s in range(S)]
        if S < 3:
            return 0
        b = [self.aux(f"b_{k}") for _ in range(S)]
        e = [self.aux(f"e_{k}") for _ in range(S)]
        c = self.aux(f"cons_{k}")
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
    terms: dict[str, object]  # term key -> raw expression (full mode) or paper-objective parts
    slack: dict[str, list]  # hard rule -> slack variables (paper models)
    constant: float
    build_seconds: float
    excluded: list[int]  # submissions that cannot be placed (need more slots than any session has)
    base_objective: object = None  # the objective without the hard rules' elastic slack
    slack_weight: dict[str, float] = field(default_factory=dict)  # hard rule -> cost per unit of slack

    @property
    def n_variables(self) -> int:
        return len(self.prob.variables())

    def slack_value(self) -> float:
        """The elastic part of the objective (cost × slack of the hard rules) at the current values."""
        return sum(self.slack_weight.get(key, BIG) * sum((v.varValue or 0.0) for v in vs)
                   for key, vs in self.slack.items())

    def set_slack_weight(self, key: str, weight: float) -> None:
        """Change what a unit of a hard rule's slack costs (0: the rule is only its weighted term).

        The search uses it to find a good schedule with one-room-per-track weighted as the
        instance weighs it first, then to repair that schedule with the rule hard again."""
        if key not in self.slack or self.slack_weight.get(key) == weight:
            return  # nothing to change (rebuilding the objective of a large model takes a while)
        self.slack_weight[key] = weight
        parts = [self.base_objective] + [self.slack_weight.get(k, BIG) * pulp.lpSum(vs)
                                         for k, vs in self.slack.items()]
        self.prob.setObjective(pulp.lpSum(parts))

    @property
    def n_constraints(self) -> int:
        return len(self.prob.constraints)


def build_model(problem: Problem, mode: str = "full", split: set[int] | None = None,
                fixed: Schedule | None = None, start: Schedule | None = None,
                max_changes: int | None = None,
                aggregate: bool = False, hard_rules: str | bool = DEFAULT_HARD_RULES) -> BuiltModel:
    """Build the session-level model (see the module doc).

    ``hard_rules`` (full model): which of the paper's hard rules hold as well, elastically
    (``BIG`` per unit of slack), so a schedule breaks them only when nothing else is
    possible (then the run says which and why): ``"all"`` (default: no presenter in two
    places at once and one room per track), ``"presenters"`` (only the first),
    ``"none"`` (only the weighted terms, exactly as the instance weighs them).  The objective is still the
    evaluator's; the slack is an extra, reported apart.  Tracks the capacity check lets
    use several rooms keep only the weighted terms.

    ``aggregate``: rooms that no penalty tells apart (same track–room, session–room and
    submission–room values) are pooled into classes: ``y[k,s,c]`` with at most |c| tracks per
    class and session.  Every term is exact except rooms per track, counted per class (a
    lower bound); the full model then completes that plan with rooms.  Not with split tracks."""
    if mode not in MODES:
        raise ValueError(f"unknown model {mode!r}; use one of {', '.join(MODES)}")
    t0 = time.perf_counter()
    p = problem
    S, R, T = p.S, p.R, p.T
    split = set(split or ())
    prob = pulp.LpProblem(f"csplib_{mode}", pulp.LpMinimize)
    ctx = ModelContext(problem=p, prob=prob, mode=mode, split=split, aggregate=aggregate)
    if aggregate:
        if split:
            raise ValueError("pooled rooms are not available with tracks that must run in parallel rooms")
        classes = room_classes(p)
        ctx.room_rep = [c[0] for c in classes]
        ctx.class_size = [len(c) for c in classes]
        R = len(classes)
    m = [sess.slots for sess in p.sessions]
    excluded = [n for n, sub in enumerate(p.submissions) if sub.required_slots > max(m)]

    # ---- pinned cells and placements
    fixed_grid = dict(fixed.grid) if fixed else {}
    fixed_place: dict[int, tuple[int, int, int]] = {}
    if fixed:
        for n, cells in fixed.cells_of().items():
            fixed_place[n] = cells[0]
    forbidden_y = set()
    for (s, r), k in fixed_grid.items():
        for k2 in range(T):
            if k2 != k:
                forbidden_y.add((k2, s, r))

    # ---- variables
    for k in range(T):
        for s in range(S):
            for r in range(R):
                if (k, s, r) in forbidden_y:
                    continue
                ctx.y[(k, s, r)] = pulp.LpVariable(f"y_{k}_{s}_{r}", cat=pulp.LpBinary)
    for n, sub in enumerate(p.submissions):
        if n in excluded:
            continue
        k = sub.track
        for s in range(S):
            if sub.required_slots > m[s]:
                continue
            if n in fixed_place and fixed_place[n][0] != s:
                continue
            if ctx.standard(k):
                ctx.x[(n, s)] = pulp.LpVariable(f"x_{n}_{s}", cat=pulp.LpBinary)
            else:
                for r in range(R):
                    if (k, s, r) in ctx.y:
                        if n in fixed_place and fixed_place[n][1] != r:
                            continue
                        ctx.xr[(n, s, r)] = pulp.LpVariable(f"xr_{n}_{s}_{r}", cat=pulp.LpBinary)

    # ---- structure
    for n, sub in enumerate(p.submissions):
        if n in excluded:
            continue
        ctx.add(pulp.lpSum(ctx.xs(n, s) for s in range(S)) == 1, f"once_{n}")
    for s in range(S):
        for r in range(R):
            ys = [ctx.y[(k, s, r)] for k in range(T) if (k, s, r) in ctx.y]
            if len(ys) > 1:
                ctx.add(pulp.lpSum(ys) <= (ctx.class_size[r] if aggregate else 1), f"cell_{s}_{r}")
    subs_of = p.submissions_of_track
    for k in range(T):
        for s in range(S):
            if ctx.standard(k):
                u = ctx.u(k, s)
                ctx.add(u <= 1, f"par_{k}_{s}")
                xs = [(ctx.x[(n, s)], n) for n in subs_of[k] if (n, s) in ctx.x]
                ctx.add(_lin((v, p.submissions[n].required_slots) for v, n in xs) - m[s] * u <= 0, f"cap_{k}_{s}")
                ctx.add(u - _lin((v, 1) for v, _ in xs) <= 0, f"used_{k}_{s}")
                for v, n in xs:
                    ctx.add(v - u <= 0)
            else:
                for r in range(R):
                    if (k, s, r) not in ctx.y:
                        continue
                    xs = [(ctx.xr[(n, s, r)], n) for n in subs_of[k] if (n, s, r) in ctx.xr]
                    yv = ctx.y[(k, s, r)]
                    ctx.add(_lin((v, p.submissions[n].required_slots) for v, n in xs) - m[s] * yv <= 0)
                    ctx.add(yv - _lin((v, 1) for v, _ in xs) <= 0)
                    for v, _ in xs:
                        ctx.add(v - yv <= 0)
    # pinned: grid cells and placed submissions
    for (s, r), k in fixed_grid.items():
        if (k, s, r) in ctx.y:
            ctx.add(ctx.y[(k, s, r)] == 1, f"fixgrid_{s}_{r}")
    for n, (s, r, _t) in fixed_place.items():
        k = p.submissions[n].track
        if (k, s, r) in ctx.y:
            ctx.add(ctx.y[(k, s, r)] == 1)
        if ctx.standard(k) and (n, s) in ctx.x:
            ctx.add(ctx.x[(n, s)] == 1)
    # minimal change w.r.t. a start schedule
    if start is not None and max_changes is not None:
        keep = []
        for n, cells in start.cells_of().items():
            s0, r0, _ = cells[0]
            k = p.submissions[n].track
            if ctx.standard(k):
                if (n, s0) in ctx.x and (k, s0, r0) in ctx.y:
                    kv = ctx.aux("keep")
                    ctx.add(kv <= ctx.x[(n, s0)])
                    ctx.add(kv <= ctx.y[(k, s0, r0)])
                    keep.append(kv)
            elif (n, s0, r0) in ctx.xr:
                keep.append(ctx.xr[(n, s0, r0)])
        ctx.add(p.N - len(excluded) - pulp.lpSum(keep) <= max_changes, "max_changes")

    # ---- objective
    terms: dict[str, object] = {}
    slack: dict[str, list] = defaultdict(list)
    objective = []
    constant = 0.0
    if mode == "full":
        if hard_rules is True:
            hard_rules = "all"
        if hard_rules and hard_rules != "none":
            _paper_hard_rules(ctx, slack, extended=False, full=True, rooms=(hard_rules == "all"))
            for key, vs in slack.items():
                objective.append(BIG * pulp.lpSum(vs))
        n_slack_parts = len(objective)
        for rule in RULES:
            if not rule.active(p):
                continue
            raw = rule.build(ctx)
            if raw is None:  # settled in the time-slot phase
                continue
            terms[rule.key] = raw
            objective.append(rule.weight(p) * raw)
    else:
        for key in ("TS", "TR", "SR", "TZ", "SS", "SP"):
            rule = _rule(key)
            if rule.active(p):
                raw = rule.build(ctx)
                terms[key] = raw
                objective.append(rule.weight(p) * raw)
        _paper_hard_rules(ctx, slack, extended=(mode == "extended"))
        if mode == "extended":
            pi = p.weight("CONS") if p.weight("CONS") > 0 else 10
            ks = []
            for k in range(T):
                for s in range(S - 1):
                    kv = ctx.aux("K")
                    ctx.add(kv <= ctx.in_session(k, s))
                    ctx.add(kv <= ctx.in_session(k, s + 1))
                    ks.append(kv)
            terms["CONS_reward"] = pulp.lpSum(ks)
            objective.append(-pi * pulp.lpSum(ks))
        for key, vs in slack.items():
            objective.append(BIG * pulp.lpSum(vs))
    obj = pulp.lpSum(objective)
    prob.setObjective(obj)
    constant = float(prob.objective.constant) if prob.objective is not None else 0.0
    return BuiltModel(ctx=ctx, prob=prob, terms=terms, slack=dict(slack), constant=constant,
                      build_seconds=time.perf_counter() - t0, excluded=excluded,
                      base_objective=pulp.lpSum(objective[n_slack_parts:]) if mode == "full" else None,
                      slack_weight={key: BIG for key in slack})


def room_classes(problem: Problem) -> list[list[int]]:
    """Rooms grouped by identical penalty columns (track–room, session–room, submission–room)."""
    p = problem
    groups: dict[tuple, list[int]] = {}
    for r in range(p.R):
        sig = (tuple(p.track_room.get((k, r), 0) for k in range(p.T))
               + tuple(p.session_room.get((s, r), 0) for s in range(p.S))
               + tuple(sub.room_penalty.get(r, 0) for sub in p.submissions))
        groups.setdefault(sig, []).append(r)
    return list(groups.values())


def _room_indicators(ctx: ModelContext, k: int) -> list[pulp.LpVariable]:
    """Binary Y[k,r] ≥ y[k,s,r] for every session: track k uses room r somewhere."""
    p = ctx.problem
    Y = []
    for r in range(p.R):
        yv = pulp.LpVariable(f"Y_{k}_{r}", cat=pulp.LpBinary)
        ctx._cache[("Y", k, r)] = yv
        for s in range(p.S):
            if (k, s, r) in ctx.y:
                ctx.add(ctx.y[(k, s, r)] <= yv)
        Y.append(yv)
    return Y


def _rule(key):
    from .rules import RULE_BY_KEY

    return RULE_BY_KEY[key]


def _paper_hard_rules(ctx: ModelContext, slack: dict, extended: bool, full: bool = False,
                      rooms: bool = True) -> None:
    """The paper's hard rules, elastic: a slack variable per violated item, cost BIG each.

    ``full``: within the full model, where tracks that must use several rooms keep only
    their weighted rooms-per-track and parallel terms."""
    p = ctx.problem
    S, R, T = p.S, p.R, p.T
    d = p.derived
    # one room per track: Σ_r Y[k,r] ≥ 1, every extra room is a slack
    for k in range(T):
        if full and (not rooms or not ctx.standard(k)):
            continue
        Y = _room_indicators(ctx, k)
        e = ctx.aux(f"nr_{k}", 0, R)
        ctx.add(pulp.lpSum(Y) - 1 <= e)
        ctx.add(pulp.lpSum(Y) >= 1)
        slack["NR"].append(e)
        if not ctx.standard(k):  # parallel rooms allowed only elastically
            for s in range(S):
                e2 = ctx.aux(f"par_{k}_{s}", 0, R)
                ctx.add(ctx.u(k, s) - ctx.in_session(k, s) <= e2)
                slack["PAR"].append(e2)

    def pairs_hard(relation, key):
        for (n1, n2) in sorted(relation):
            k1, k2 = ctx.track_of(n1), ctx.track_of(n2)
            if k1 == k2 and ctx.standard(k1):
                continue
            e = ctx.aux(f"{key}_e", 0, 1)
            common = set(ctx.sessions_of(n1)) & set(ctx.sessions_of(n2))
            for s in common:
                if k1 != k2:
                    ctx.add(ctx.xs(n1, s) + ctx.xs(n2, s) <= 1 + e)
                else:
                    for r in range(R):
                        if (n1, s, r) in ctx.xr:
                            ctx.add(ctx.xr[(n1, s, r)] + ctx.xs(n2, s) - ctx.xr.get((n2, s, r), 0) <= 1 + e)
            slack[key].append(e)

    pairs_hard(d.presenter_conflicts, "PC")
    if extended:
        pairs_hard(d.attendee_conflicts, "AC")
        for (k1, k2) in sorted(d.chair_conflicts):
            e = ctx.aux("CC_e", 0, R * R)
            for s in range(S):
                ctx.add(ctx.in_session(k1, s) + ctx.in_session(k2, s) <= 1 + e)
            slack["CC"].append(e)
        for (k1, k2), v in sorted(p.similar.items()):
            if k1 < k2 and v > 0:
                e = ctx.aux("SIM_e", 0, R * R)
                for s in range(S):
                    ctx.add(ctx.in_session(k1, s) + ctx.in_session(k2, s) <= 1 + e)
                slack["SIM"].append(e)


# ====================================================================== reading a solution

def session_solution(built: BuiltModel) -> tuple[dict[tuple[int, int], int], dict[int, tuple[int, int]]]:
    """From solved variable values: grid {(s, r): k} and {n: (s, r)}."""
    ctx = built.ctx
    p = ctx.problem
    grid = {}
    for (k, s, r), v in ctx.y.items():
        if (v.varValue or 0) > 0.5:
            grid[(s, r)] = k
    room_of = {(k, s): r for (s, r), k in grid.items()}
    place = {}
    for (n, s), v in ctx.x.items():
        if (v.varValue or 0) > 0.5:
            k = p.submissions[n].track
            place[n] = (s, room_of[(k, s)])
    for (n, s, r), v in ctx.xr.items():
        if (v.varValue or 0) > 0.5:
            place[n] = (s, r)
    return grid, place


def set_start_values(built: BuiltModel, sched: Schedule) -> int:
    """Initial values of the grid and session variables from a schedule (CBC warm start).

    Returns how many integer variables were set."""
    ctx = built.ctx
    cnt = 0
    for key, v in ctx.y.items():
        k, s, r = key
        v.setInitialValue(1 if sched.grid.get((s, r)) == k else 0)
        cnt += 1
    placed = {n: cells[0] for n, cells in sched.cells_of().items()}
    for (n, s), v in ctx.x.items():
        v.setInitialValue(1 if n in placed and placed[n][0] == s else 0)
        cnt += 1
    for (n, s, r), v in ctx.xr.items():
        v.setInitialValue(1 if n in placed and placed[n][:2] == (s, r) else 0)
        cnt += 1
    return cnt
