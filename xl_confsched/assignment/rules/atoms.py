"""What a compiled rule means: each kind of rule is one object that scores a schedule and builds its model term.

Every rule, whatever its words, is a *formula* over *atoms*.  An atom (placing,
pairs, order, counting, persons, fits) holds or not on a schedule, broken by some
*amount* (the number of items outside their places, the number of items above a
count, the seats short…), with the *facts* that break it.  A formula joins atoms with
``not`` / ``and`` / ``or`` / ``if … then``; as a whole it is broken by 1 when false.

Each node offers

* ``instances(ctx)`` (atoms) / ``truth(ctx)``: the evaluation on a plain schedule, from
  the problem data only (:class:`Ctx`), never from a solver variable;
* ``amount(b)`` (atoms): a linear expression equal, at the optimum of a minimisation,
  to the atom's amount (slack variables bounded below by the violation);
* ``holds(b)``: a binary variable equal to the node's truth in every feasible
  solution, built with :mod:`xl_confsched.logic` (used inside formulas);

against the small model interface ``b`` of :class:`..model.Builder`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import pulp

from ... import logic
from ..problem import AssignmentProblem

Targets = tuple  # (places frozenset | None, slots frozenset | None)


@dataclass
class Instance:
    holds: bool
    amount: float
    fact: str  # what breaks it (empty when it holds)
    items: tuple[int, ...] = ()
    slots: tuple[int, ...] = ()


class Ctx:
    """A plain schedule with what the rules ask of it."""

    def __init__(self, problem: AssignmentProblem, schedule: dict[int, Any]):
        p = problem
        self.problem = p
        self.place: list[int | None] = [None] * p.I
        self.start: list[int | None] = [None] * p.I
        self.cover: list[range] = [range(0)] * p.I
        self.at: list[list[int]] = [[] for _ in range(p.S)]  # slot → items running
        for i, ps in schedule.items():
            if ps is None or not (0 <= i < p.I):
                continue
            pl, s = ps
            if pl is None or s is None or not (0 <= pl < p.P and 0 <= s < p.S):
                continue
            self.place[i], self.start[i] = pl, s
            self.cover[i] = p.covered(i, s)
            for c in self.cover[i]:
                self.at[c].append(i)

    def placed(self, i: int) -> bool:
        return self.place[i] is not None

    def runs_in(self, i: int, places: frozenset | None, slots: frozenset | None) -> bool:
        if self.place[i] is None:
            return False
        if places is not None and self.place[i] not in places:
            return False
        return slots is None or any(c in slots for c in self.cover[i])

    def starts_in(self, i: int, places: frozenset | None, slots: frozenset | None) -> bool:
        return self.place[i] is not None and (places is None or self.place[i] in places) \
            and (slots is None or self.start[i] in slots)

    def overlap(self, i: int, j: int) -> bool:
        a, b = self.cover[i], self.cover[j]
        return bool(a) and bool(b) and a.start < b.stop and b.start < a.stop

    def name(self, i: int) -> str:
        return f"'{self.problem.items[i].name}'"

    def where(self, i: int) -> str:
        p = self.problem
        if self.place[i] is None:
            return f"{self.name(i)} is not placed"
        s = self.start[i]
        span = p.label(s) if p.items[i].length == 1 else f"{p.label(s)}–{p.label(min(p.S - 1, s + p.items[i].length - 1))}"
        return f"{self.name(i)} is in {p.places[self.place[i]].name} at {span}"


def _names(p: AssignmentProblem, items: Sequence[int], limit: int = 8) -> str:
    shown = [f"'{p.items[i].name}'" for i in list(items)[:limit]]
    more = len(items) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


class Node:
    text: str = ""

    def truth(self, ctx: Ctx) -> bool:
        raise NotImplementedError

    def holds(self, b) -> Any:
        raise NotImplementedError

    def atoms(self) -> list["Atom"]:
        return []


class Atom(Node):
    """A rule that is broken by an amount."""

    live = False  # a spreadsheet formula can re-check it (see live_formulas)

    def instances(self, ctx: Ctx) -> list[Instance]:
        raise NotImplementedError

    def truth(self, ctx: Ctx) -> bool:
        return all(x.holds for x in self.instances(ctx))

    def amount(self, b) -> pulp.LpAffineExpression:
        raise NotImplementedError

    def atoms(self) -> list["Atom"]:
        return [self]


# ----------------------------------------------------------------------------- placing

@dataclass
class Runs(Atom):
    """Items in (or, negated, not in) places / slots; ``starts``: the start slot is one of the slots."""

    items: list[int]
    targets: Callable[[int], Targets]  # item → (places or None, slots or None)
    negate: bool = False
    starts: bool = False
    text: str = ""
    what: str = ""  # e.g. "in Aspen"
    live = True

    def ok(self, ctx: Ctx, i: int) -> bool:
        P, S = self.targets(i)
        inside = ctx.starts_in(i, P, S) if self.starts else ctx.runs_in(i, P, S)
        return not inside if self.negate else inside

    def instances(self, ctx):
        out = []
        for i in self.items:
            ok = self.ok(ctx, i)
            fact = "" if ok else (f"{ctx.where(i)} (should {'not ' if self.negate else ''}"
                                  f"{'start ' if self.starts else 'be '}{self.what})")
            out.append(Instance(ok, 0.0 if ok else 1.0, fact, (i,)))
        return out

    def inside(self, b, i):
        P, S = self.targets(i)
        return b.starts_sel(i, P, S) if self.starts else b.sel(i, P, S)

    def amount(self, b):
        sign = 1 if self.negate else -1
        terms = [(v, sign * c) for i in self.items for v, c in self.inside(b, i).items()]
        return pulp.LpAffineExpression(terms, constant=0 if self.negate else len(self.items))

    def holds(self, b):
        zs = [b.bool(self.inside(b, i)) for i in self.items]
        if self.negate:
            return logic.negate(logic.any_of(zs, model=b.prob), model=b.prob) if zs else b.true()
        return logic.all_of(zs, model=b.prob) if zs else b.true()


@dataclass
class Placed(Atom):
    items: list[int]
    negate: bool = False
    text: str = ""
    live = True

    def instances(self, ctx):
        out = []
        for i in self.items:
            ok = ctx.placed(i) != self.negate
            fact = "" if ok else (f"{ctx.name(i)} is not placed" if not self.negate else ctx.where(i))
            out.append(Instance(ok, 0.0 if ok else 1.0, fact, (i,)))
        return out

    def amount(self, b):
        e = pulp.LpAffineExpression()
        for i in self.items:
            e += b.placed(i) if self.negate else 1 - b.placed(i)
        return e

    def holds(self, b):
        zs = [b.bool(b.placed(i)) for i in self.items]
        z = logic.any_of(zs, model=b.prob) if self.negate else logic.all_of(zs, model=b.prob)
        return logic.negate(z, model=b.prob) if self.negate else z


# ----------------------------------------------------------------------------- pairs

@dataclass
class Pairs(Atom):
    """Pairs of items that should not (apart) or should (together) share a slot; an amount per pair."""

    pairs: list[tuple[int, int, float, bool]]  # (i, j, amount when broken, together?)
    text: str = ""

    def instances(self, ctx):
        out = []
        for i, j, a, together in self.pairs:
            share = ctx.overlap(i, j)
            ok = share if together else not share
            if ok:
                out.append(Instance(True, 0.0, "", (i, j)))
                continue
            if together:
                fact = f"{ctx.name(i)} and {ctx.name(j)} do not share a slot ({ctx.where(i)}; {ctx.where(j)})"
                slots: tuple[int, ...] = ()
            else:
                common = sorted(set(ctx.cover[i]) & set(ctx.cover[j]))
                slots = tuple(common)
                fact = (f"{ctx.name(i)} and {ctx.name(j)} both run at "
                        + ", ".join(ctx.problem.label(s) for s in common))
            out.append(Instance(False, a, fact, (i, j), slots))
        return out

    def amount(self, b):
        e = pulp.LpAffineExpression()
        for i, j, a, together in self.pairs:
            common = b.common_slots(i, j)
            if together:
                t = b.var(0, 1)
                if common:
                    share = b.var(0, 1)
                    bs = []
                    for s in common:
                        x = b.var(0, 1)
                        b.add(x - b.run(i, s) <= 0)
                        b.add(x - b.run(j, s) <= 0)
                        bs.append(x)
                    b.add(share - pulp.lpSum(bs) <= 0)
                    b.add(t + share >= 1)
                else:
                    b.add(t >= 1)
                e += a * t
            elif common:
                t = b.var(0, 1)
                for s in common:
                    b.add(b.run(i, s) + b.run(j, s) - t <= 1)
                e += a * t
        return e

    def share(self, b, i, j):
        common = b.common_slots(i, j)
        if not common:
            return b.false()
        return logic.any_of([logic.all_of(b.run_bool(i, s), b.run_bool(j, s), model=b.prob) for s in common],
                            model=b.prob)

    def holds(self, b):
        zs = []
        for i, j, _, together in self.pairs:
            z = self.share(b, i, j)
            zs.append(z if together else logic.negate(z, model=b.prob))
        return logic.all_of(zs, model=b.prob) if zs else b.true()


@dataclass
class Order(Atom):
    """``first`` ends before ``second`` starts; ``immediate``: ``second`` starts in the slot right after,
    on the same day.  Both must be placed."""

    pairs: list[tuple[int, int]]  # (first, second)
    immediate: bool = False
    text: str = ""

    def ok(self, ctx: Ctx, a: int, c: int) -> bool:
        if not (ctx.placed(a) and ctx.placed(c)):
            return False
        p = ctx.problem
        end_a = ctx.start[a] + p.items[a].length - 1
        if self.immediate:
            return ctx.start[c] == end_a + 1 and p.day_of[ctx.start[c]] == p.day_of[end_a]
        return end_a < ctx.start[c]

    def instances(self, ctx):
        out = []
        for a, c in self.pairs:
            ok = self.ok(ctx, a, c)
            fact = "" if ok else (f"{ctx.name(c)} should start {'right ' if self.immediate else ''}after "
                                  f"{ctx.name(a)} ends ({ctx.where(a)}; {ctx.where(c)})")
            out.append(Instance(ok, 0.0 if ok else 1.0, fact, (a, c)))
        return out

    def amount(self, b):
        e = pulp.LpAffineExpression()
        p = b.problem
        for a, c in self.pairs:
            v = b.var(0, 1)
            b.add(v + b.placed(c) >= 1)
            La = p.items[a].length
            if self.immediate:
                for s0 in p.starts[c]:
                    prev = s0 - La
                    ok = prev >= 0 and p.day_of[prev] == p.day_of[s0] and prev in b.start_set(a)
                    b.add(b.y(c, s0) - (b.y(a, prev) if ok else 0) - v <= 0)
            else:
                for t in range(p.S):
                    b.add(b.cum(c, t) - b.cum(a, t - La) - v <= 0)
            e += v
        return e

    def holds(self, b):
        p = b.problem
        parts = []
        for a, c in self.pairs:
            La = p.items[a].length
            conds = [b.bool(b.placed(c))]
            if self.immediate:
                for s0 in p.starts[c]:
                    prev = s0 - La
                    ok = prev >= 0 and p.day_of[prev] == p.day_of[s0] and prev in b.start_set(a)
                    conds.append(logic.implies(b.bool(b.y(c, s0)), b.bool(b.y(a, prev)) if ok else 0, model=b.prob))
            else:
                for t in range(p.S):
                    conds.append(logic.implies(b.bool(b.cum(c, t)), b.bool(b.cum(a, t - La)), model=b.prob))
            parts.append(logic.all_of(conds, model=b.prob))
        return logic.all_of(parts, model=b.prob) if parts else b.true()


# ----------------------------------------------------------------------------- counting

@dataclass
class Window:
    label: str
    places: frozenset | None
    slots: frozenset | None


@dataclass
class Count(Atom):
    """How many items (or slots used) of each group lie in each window: between ``lo`` and ``hi``."""

    lo: int | None
    hi: int | None
    slots_counted: bool  # count the slots in which a group's item runs, not the items
    groups: list[tuple[str, list[int]]]  # (label, items)
    windows: list[Window]
    text: str = ""
    live = True

    def value(self, ctx: Ctx, items: list[int], w: Window) -> tuple[int, list[int], list[int]]:
        if self.slots_counted:
            used = sorted({c for i in items if ctx.runs_in(i, w.places, w.slots) for c in ctx.cover[i]
                           if w.slots is None or c in w.slots})
            who = [i for i in items if ctx.runs_in(i, w.places, w.slots)]
            return len(used), who, used
        who = [i for i in items if ctx.runs_in(i, w.places, w.slots)]
        return len(who), who, []

    def bound_text(self) -> str:
        if self.lo is not None and self.hi is not None:
            return f"exactly {self.lo}" if self.lo == self.hi else f"between {self.lo} and {self.hi}"
        return f"at most {self.hi}" if self.hi is not None else f"at least {self.lo}"

    def instances(self, ctx):
        out = []
        unit = "slots" if self.slots_counted else "items"
        for glabel, items in self.groups:
            for w in self.windows:
                n, who, used = self.value(ctx, items, w)
                amt = max(0, (self.lo or 0) - n) + (max(0, n - self.hi) if self.hi is not None else 0)
                where = " ".join(x for x in (glabel, w.label) if x)
                fact = "" if amt == 0 else (f"{where or 'in total'}: {n} {unit} ({self.bound_text()})"
                                            + (f": {_names(ctx.problem, who)}" if who else ""))
                out.append(Instance(amt == 0, float(amt), fact, tuple(who), tuple(used)))
        return out

    def _terms(self, b, items, w) -> tuple[list, int]:
        """The count as (variable, coefficient) terms, and the most it can be."""
        if not self.slots_counted:
            return [t for i in items for t in b.sel(i, w.places, w.slots).items()], len(items)
        slots = range(b.problem.S) if w.slots is None else sorted(w.slots)
        us = []
        for s in slots:
            occ = [b.occ(i, w.places, s) for i in items]
            occ = [o for o in occ if len(o) > 0]
            if not occ:
                continue
            u = b.var(0, 1)
            if self.hi is not None:
                for o in occ:
                    b.add(u - o >= 0)
            if self.lo is not None:
                b.add(pulp.LpConstraint(pulp.LpAffineExpression([(u, 1)] + [(v, -c) for o in occ
                                                                           for v, c in o.items()]),
                                        pulp.LpConstraintLE, rhs=0))
            us.append((u, 1))
        return us, len(us)

    def amount(self, b):
        e = []
        for _, items in self.groups:
            for w in self.windows:
                terms, most = self._terms(b, items, w)
                if self.hi is not None and most > self.hi:
                    x = b.var(0, None)  # x ≥ count - hi
                    b.add(pulp.LpConstraint(pulp.LpAffineExpression(terms + [(x, -1)]), pulp.LpConstraintLE,
                                            rhs=self.hi))
                    e.append((x, 1))
                if self.lo is not None and self.lo > 0:
                    d = b.var(0, None)  # d ≥ lo - count
                    b.add(pulp.LpConstraint(pulp.LpAffineExpression(terms + [(d, 1)]), pulp.LpConstraintGE,
                                            rhs=self.lo))
                    e.append((d, 1))
        return pulp.LpAffineExpression(e)

    def holds(self, b):
        parts = []
        for _, items in self.groups:
            for w in self.windows:
                if self.slots_counted:
                    slots = range(b.problem.S) if w.slots is None else sorted(w.slots)
                    zs = []
                    for s in slots:
                        occ = [b.occ(i, w.places, s) for i in items]
                        occ = [o for o in occ if len(o) > 0]
                        if occ:
                            zs.append(logic.any_of([b.bool(o) for o in occ], model=b.prob))
                else:
                    zs = [b.bool(b.sel(i, w.places, w.slots)) for i in items]
                if self.hi is not None:
                    parts.append(logic.at_most(self.hi, zs, model=b.prob) if zs else b.true())
                if self.lo is not None:
                    parts.append(logic.at_least(self.lo, zs, model=b.prob) if zs else
                                 (b.true() if self.lo <= 0 else b.false()))
        return logic.all_of(parts, model=b.prob) if parts else b.true()


# ----------------------------------------------------------------------------- persons

@dataclass
class OnePlace(Atom):
    """Items sharing a value of a column (a person) never run at the same time; amount per extra item."""

    column: str
    groups: list[tuple[str, list[int]]]  # (value, items) with two or more items
    text: str = ""

    def instances(self, ctx):
        out = []
        p = ctx.problem
        for value, items in self.groups:
            mine, broken = set(items), False
            for s in range(p.S):
                at = [i for i in ctx.at[s] if i in mine]
                if len(at) > 1:
                    broken = True
                    out.append(Instance(False, float(len(at) - 1),
                                        f"{value} has {_names(p, at)} at {p.label(s)}", tuple(at), (s,)))
            if not broken:
                out.append(Instance(True, 0.0, "", tuple(items)))
        return out

    def amount(self, b):
        e = []
        for _, items in self.groups:
            for s in range(b.problem.S):
                runs = [b.run(i, s) for i in items]
                runs = [r for r in runs if len(r) > 0]
                if len(runs) < 2:
                    continue
                x = b.var(0, None)  # x ≥ (items running) - 1
                b.add(pulp.LpConstraint(pulp.LpAffineExpression([t for r in runs for t in r.items()] + [(x, -1)]),
                                        pulp.LpConstraintLE, rhs=1))
                e.append((x, 1))
        return pulp.LpAffineExpression(e)

    def holds(self, b):
        parts = []
        for _, items in self.groups:
            for s in range(b.problem.S):
                zs = [b.run_bool(i, s) for i in items if len(b.run(i, s)) > 0]
                if len(zs) >= 2:
                    parts.append(logic.at_most(1, zs, model=b.prob))
        return logic.all_of(parts, model=b.prob) if parts else b.true()


# ----------------------------------------------------------------------------- fits

@dataclass
class Fits(Atom):
    """An item's number (Audience) at most its place's number (Capacity); amount = the excess."""

    item_column: str
    place_column: str
    excess: dict[tuple[int, int], float]  # (item, place) → excess > 0
    text: str = ""

    def instances(self, ctx):
        p = ctx.problem
        out = []
        for i in range(p.I):
            pl = ctx.place[i]
            x = self.excess.get((i, pl), 0.0) if pl is not None else 0.0
            fact = "" if x == 0 else (f"{ctx.name(i)} ({self.item_column} {_num(p.items[i].number(self.item_column))}) "
                                      f"is in {p.places[pl].name} ({self.place_column} "
                                      f"{_num(p.places[pl].number(self.place_column))}): {_num(x)} over")
            out.append(Instance(x == 0, x, fact, (i,)))
        return out

    def amount(self, b):
        return pulp.lpSum(x * b.in_place(i, pl) for (i, pl), x in self.excess.items())

    def holds(self, b):
        bad: dict[int, list[int]] = {}
        for (i, pl) in self.excess:
            bad.setdefault(i, []).append(pl)
        zs = [b.bool(b.sel(i, frozenset(pls), None)) for i, pls in bad.items()]
        return logic.negate(logic.any_of(zs, model=b.prob), model=b.prob) if zs else b.true()


def _num(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


# ----------------------------------------------------------------------------- formulas

@dataclass
class Not(Node):
    a: Node
    text: str = ""

    def truth(self, ctx):
        return not self.a.truth(ctx)

    def holds(self, b):
        return logic.negate(self.a.holds(b), model=b.prob)

    def atoms(self):
        return self.a.atoms()


@dataclass
class And(Node):
    parts: list[Node] = field(default_factory=list)
    text: str = ""

    def truth(self, ctx):
        return all(x.truth(ctx) for x in self.parts)

    def holds(self, b):
        return logic.all_of([x.holds(b) for x in self.parts], model=b.prob)

    def atoms(self):
        return [a for x in self.parts for a in x.atoms()]


@dataclass
class Or(Node):
    parts: list[Node] = field(default_factory=list)
    text: str = ""

    def truth(self, ctx):
        return any(x.truth(ctx) for x in self.parts)

    def holds(self, b):
        return logic.any_of([x.holds(b) for x in self.parts], model=b.prob)

    def atoms(self):
        return [a for x in self.parts for a in x.atoms()]


@dataclass
class Implies(Node):
    a: Node
    c: Node
    text: str = ""

    def truth(self, ctx):
        return (not self.a.truth(ctx)) or self.c.truth(ctx)

    def holds(self, b):
        return logic.implies(self.a.holds(b), self.c.holds(b), model=b.prob)

    def atoms(self):
        return self.a.atoms() + self.c.atoms()


# ----------------------------------------------------------------------------- a rule

@dataclass
class RuleResult:
    holds: bool
    amount: float
    cost: float
    facts: list[str]
    instances: list[Instance]


@dataclass
class Rule:
    """One row of the Rules sheet, compiled."""

    formula: Node
    hard: bool
    weight: float
    text: str
    ref: str

    @property
    def is_atom(self) -> bool:
        return isinstance(self.formula, Atom)

    @property
    def live(self) -> bool:
        return self.is_atom and self.formula.live

    def evaluate(self, ctx: Ctx) -> RuleResult:
        if self.is_atom:
            inst = self.formula.instances(ctx)
            amount = float(sum(x.amount for x in inst))
            facts = [x.fact for x in inst if not x.holds and x.fact]
            return RuleResult(amount == 0, amount, self.weight * amount, facts, inst)
        ok = self.formula.truth(ctx)
        facts = [] if ok else [_formula_facts(self.formula, ctx)]
        return RuleResult(ok, 0.0 if ok else 1.0, 0.0 if ok else self.weight, facts, [])

    def amount(self, b) -> pulp.LpAffineExpression:
        """The model's amount by which the rule is broken (0 when it holds)."""
        if self.is_atom:
            return self.formula.amount(b)
        z = self.formula.holds(b)
        return 1 - z


def _formula_facts(node: Node, ctx: Ctx) -> str:
    atoms = node.atoms()
    parts = []
    for a in atoms[:6]:
        parts.append(f"'{a.text}' {'holds' if a.truth(ctx) else 'does not hold'}")
    return "the rule is false: " + "; ".join(parts)
