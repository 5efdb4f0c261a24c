"""The MIP of an assignment workbook: start variables, the two settings, and each rule's term.

Variables: ``x[i, p, s]`` = 1 when item ``i`` starts at slot ``s`` in place ``p`` (only
starts at which the item fits without crossing a break or a day end).  Every rule
(:mod:`.rules.atoms`) adds its *amount* — a linear expression that equals, at the
optimum, by how much the rule is broken — through the small interface of
:class:`Builder`.  Each rule's amount is one variable ``A[r]``: a hard rule has
``A[r] ≤ 0`` (it must hold), a soft or *softened* one costs ``weight × A[r]``.  The
conflict search (:mod:`.conflicts`) only moves these bounds, so one model serves every
run.

The settings are rules too: *each item placed exactly once* (a hard rule that can be
softened: an unplaced item then costs the default hard weight) and *items per place and
slot* (always hard).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import pulp

from .. import logic
from .problem import EXACTLY_ONCE, AssignmentProblem
from .reader import DEFAULT_HARD_WEIGHT
from .rules.atoms import Rule

PLACEMENT = -1  # the index of the "each item placed exactly once" pseudo-rule in Builder.amount


try:  # PuLP 3.3 warns on every directly built variable (its 4.0 API); < 3.3 has no switch
    pulp.LpVariable("_probe", 0, 1, _skip_v4_deprecation=True)
    _QUIET = {"_skip_v4_deprecation": True}
except TypeError:  # pragma: no cover - older PuLP
    _QUIET = {}


def new_var(name: str, lb=None, ub=None, cat=pulp.LpContinuous) -> pulp.LpVariable:
    return pulp.LpVariable(name, lb, ub, cat, **_QUIET)


def _sum(vars_) -> pulp.LpAffineExpression:
    return pulp.LpAffineExpression([(v, 1) for v in vars_])


@dataclass
class Builder:
    problem: AssignmentProblem
    prob: logic.Problem = field(init=False)
    x: dict = field(init=False)

    def __post_init__(self):
        p = self.problem
        self.prob = logic.Problem("assignment", pulp.LpMinimize)
        self._n = itertools.count()
        self.x = {}
        self._at: list[dict[int, list[tuple[int, pulp.LpVariable]]]] = []  # item → start → [(place, var)]
        live = [pl for pl in range(p.P) if p.places[pl].capacity > 0]
        for i in range(p.I):
            by_start: dict[int, list[tuple[int, pulp.LpVariable]]] = {}
            for s in p.starts[i]:
                row = by_start[s] = []
                for pl in live:
                    v = new_var(f"x_{i}_{pl}_{s}", 0, 1, pulp.LpBinary)
                    self.x[i, pl, s] = v
                    row.append((pl, v))
            self._at.append(by_start)
        # which starts of each item cover slot s
        self._cover: list[dict[int, list[int]]] = []
        for i in range(p.I):
            c: dict[int, list[int]] = {}
            for s0 in p.starts[i]:
                for s in p.covered(i, s0):
                    c.setdefault(s, []).append(s0)
            self._cover.append(c)
        self._start_sets = [set(st) for st in p.starts]
        self._cache: dict = {}
        self._ok_starts: dict = {}

    # ------------------------------------------------------------------ the interface the rules use
    def var(self, lb=0, ub=None) -> pulp.LpVariable:
        return new_var(f"a_{next(self._n)}", lb, ub)

    def add(self, constraint) -> None:
        self.prob.addConstraint(constraint)

    def true(self):
        return 1

    def false(self):
        return 0

    def bool(self, expr):
        if isinstance(expr, pulp.LpAffineExpression) and len(expr) == 0:
            return int(expr.constant)
        return logic.boolean(expr, model=self.prob)

    def _starts_for(self, i: int, slots: frozenset | None):
        """The starts of item i at which it runs during one of ``slots``."""
        if slots is None:
            return self._at[i].keys()
        key = (self.problem.items[i].length, slots)
        ok = self._ok_starts.get(key)
        if ok is None:
            cov = self._cover[i]
            ok = self._ok_starts[key] = sorted({s0 for s in slots for s0 in cov.get(s, ())})
        return ok

    def _pick(self, i: int, starts, places: frozenset | None) -> pulp.LpAffineExpression:
        at = self._at[i]
        terms = [(v, 1) for s0 in starts for pl, v in at.get(s0, ()) if places is None or pl in places]
        return pulp.LpAffineExpression(terms)

    def sel(self, i: int, places: frozenset | None, slots: frozenset | None) -> pulp.LpAffineExpression:
        """1 when item i runs in one of ``places`` during one of ``slots`` (None = any)."""
        key = ("sel", i, places, slots)
        e = self._cache.get(key)
        if e is None:
            e = self._cache[key] = self._pick(i, self._starts_for(i, slots), places)
        return e

    def starts_sel(self, i, places, slots):
        return self._pick(i, self._at[i].keys() if slots is None else sorted(slots), places)

    def occ(self, i: int, places: frozenset | None, s: int) -> pulp.LpAffineExpression:
        key = ("occ", i, places, s)
        e = self._cache.get(key)
        if e is None:
            e = self._cache[key] = self._pick(i, self._cover[i].get(s, ()), places)
        return e

    def run(self, i: int, s: int) -> pulp.LpAffineExpression:
        return self.occ(i, None, s)

    def run_bool(self, i: int, s: int):
        key = ("runb", i, s)
        z = self._cache.get(key)
        if z is None:
            z = self._cache[key] = self.bool(self.run(i, s))
        return z

    def placed(self, i: int) -> pulp.LpAffineExpression:
        return self.sel(i, None, None)

    def in_place(self, i: int, pl: int) -> pulp.LpAffineExpression:
        return self.sel(i, frozenset({pl}), None)

    def y(self, i: int, s0: int) -> pulp.LpAffineExpression:
        return self._pick(i, (s0,), None)

    def cum(self, i: int, t: int) -> pulp.LpAffineExpression:
        if t < 0:
            return pulp.LpAffineExpression()
        return self._pick(i, [s0 for s0 in self._at[i] if s0 <= t], None)

    def capacity_terms(self) -> dict[tuple[int, int], list]:
        """(place, slot) → the start variables that occupy it."""
        out: dict[tuple[int, int], list] = {}
        p = self.problem
        for i in range(p.I):
            for s0, row in self._at[i].items():
                for s in p.covered(i, s0):
                    for pl, v in row:
                        out.setdefault((pl, s), []).append((v, 1))
        return out

    def start_set(self, i: int) -> set[int]:
        return self._start_sets[i]

    def common_slots(self, i: int, j: int) -> list[int]:
        return sorted(set(self._cover[i]) & set(self._cover[j]))


@dataclass
class AssignmentModel:
    """The built model: the builder, each rule's amount variable, build time and size."""

    builder: Builder
    amounts: dict[int, pulp.LpVariable]  # rule index (PLACEMENT for the setting) → amount variable
    weights: dict[int, float]
    hard: dict[int, bool]
    build_seconds: float

    @property
    def prob(self) -> pulp.LpProblem:
        return self.builder.prob

    def enforce(self, hard: dict[int, bool]) -> None:
        """Which rules must hold (``A ≤ 0``) and which cost their weight; rebuild the objective."""
        self.hard = dict(hard)
        for r, a in self.amounts.items():
            a.upBound = 0 if self.hard.get(r) else None
        self.set_objective()

    def set_objective(self, feasibility_only: bool = False) -> None:
        terms = [] if feasibility_only else [(a, self.weights[r]) for r, a in self.amounts.items()
                                             if not self.hard.get(r) and self.weights[r] != 0]
        if not terms:
            # nothing to minimise: an amount fixed at 0 (an enforced rule's), so CBC stops at the first
            # schedule; an empty objective would make PuLP add a dummy column that a later MPS file lacks
            fixed = [a for r, a in self.amounts.items() if self.hard.get(r)]
            terms = [(fixed[0], 1)] if fixed else [(a, 0.0) for a in self.amounts.values()][:1]
        if not terms:
            terms = [(next(iter(self.builder.x.values())), 0.0)]
        self.prob.setObjective(pulp.LpAffineExpression(terms))

    @property
    def n_variables(self) -> int:
        return len(self.prob.variables())

    @property
    def n_constraints(self) -> int:
        return len(self.prob.constraints)

    def schedule(self) -> dict[int, tuple[int, int] | None]:
        out: dict[int, tuple[int, int] | None] = {i: None for i in range(self.builder.problem.I)}
        for (i, pl, s), v in self.builder.x.items():
            if v.varValue is not None and v.varValue > 0.5:
                out[i] = (pl, s)
        return out

    def fix(self, schedule: dict[int, tuple[int, int] | None]) -> None:
        """Fix the start variables to a schedule (tests: the model's amounts against the evaluator's)."""
        for (i, pl, s), v in self.builder.x.items():
            val = 1 if schedule.get(i) == (pl, s) else 0
            v.lowBound = v.upBound = val

    def warm_start(self, schedule: dict[int, tuple[int, int] | None]) -> None:
        for (i, pl, s), v in self.builder.x.items():
            v.setInitialValue(1 if schedule.get(i) == (pl, s) else 0)

    def complete_start(self, schedule: dict[int, tuple[int, int] | None], seconds: float = 10.0) -> bool:
        """A start for CBC with every variable set: the start variables from ``schedule``, the
        amounts, slacks and logic variables from a solve with the start variables fixed (every
        rule soft there).  The rules' hard/soft state and the objective are restored."""
        from ..solvers import highs_available
        from .solve import run_solver

        hard = dict(self.hard)
        bounds = {v.name: (v.lowBound, v.upBound) for v in self.builder.x.values()}
        self.enforce({r: False for r in self.amounts})
        self.fix(schedule)
        # HiGHS runs in-process (no model file to write): the quicker way to fill in the other variables
        run = run_solver(self.prob, seconds, solver="highs" if highs_available() else "cbc", kill_after=2.0)
        for v in self.builder.x.values():
            v.lowBound, v.upBound = bounds[v.name]
        self.enforce(hard)
        if not run.has_solution:
            self.warm_start(schedule)
            return False
        for v in self.prob.variables():
            if v.varValue is not None:
                v.setInitialValue(round(v.varValue) if v.cat == pulp.LpInteger else v.varValue, check=False)
        return True


def rule_hard_map(problem: AssignmentProblem) -> dict[int, bool]:
    hard = {r.row: r.hard for r in problem.rules}
    hard[PLACEMENT] = problem.placement == EXACTLY_ONCE
    return hard


def build(problem: AssignmentProblem) -> AssignmentModel:
    """Every variable, the settings and every rule's amount; hard rules enforced."""
    t0 = time.perf_counter()
    p = problem
    b = Builder(p)
    # each item at most once (exactly once is the PLACEMENT rule below)
    for i in range(p.I):
        b.add(b.placed(i) <= 1)
    # items per place and slot
    for (pl, s), terms in b.capacity_terms().items():
        cap = p.places[pl].capacity
        if len(terms) > cap:
            b.add(pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, rhs=cap))
    amounts: dict[int, pulp.LpVariable] = {}
    weights: dict[int, float] = {}
    if p.placement == EXACTLY_ONCE:
        a = new_var("A_placement", 0, None)
        # A + Σ x = number of items
        terms = [(a, 1)] + [(v, 1) for v in b.x.values()]
        b.add(pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintEQ, rhs=p.I))
        amounts[PLACEMENT], weights[PLACEMENT] = a, DEFAULT_HARD_WEIGHT
    for row in p.rules:
        rule: Rule = row.rule
        a = new_var(f"A_rule_{row.row}", 0, None)
        e = rule.amount(b)  # a fresh expression (never one of the builder's cached ones)
        if not isinstance(e, pulp.LpAffineExpression):
            e = pulp.LpAffineExpression(e)
        e[a] = e.get(a, 0) - 1  # A = amount, written as amount - A = 0 without another copy
        b.add(pulp.LpConstraint(e, pulp.LpConstraintEQ, rhs=0))
        amounts[row.row], weights[row.row] = a, row.weight
    m = AssignmentModel(builder=b, amounts=amounts, weights=weights, hard={}, build_seconds=0.0)
    m.enforce(rule_hard_map(p))
    m.build_seconds = time.perf_counter() - t0
    return m
