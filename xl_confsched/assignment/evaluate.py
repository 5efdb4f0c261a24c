"""Score a schedule rule by rule, from the problem data and the schedule alone.

The independent evaluator: it never reads a solver variable.  It scores the solver's
schedule for the result sheets, a hand-edited Assignment Table in Check, and every
schedule in the tests that compare it with the model.

Besides the Rules sheet's rules it checks the settings: *each item placed exactly
once*, *items per place and slot*, and that an item's slots lie in one run without a
break or a day end.  Cost = Σ weight × amount over every rule; a hard rule's weight
counts only where it is broken (a schedule from Solve breaks one only when the hard
rules could not all hold, and then the Status sheet says which).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .problem import EXACTLY_ONCE, AssignmentProblem
from .reader import DEFAULT_HARD_WEIGHT
from .rules.atoms import Ctx, Instance, RuleResult

Schedule = dict[int, "tuple[int, int] | None"]


@dataclass
class RuleLine:
    """One line of the rule status table: a rule of the Rules sheet or a setting."""

    key: int | str  # rule index, or "placement" / "capacity" / "breaks"
    text: str
    ref: str
    hard: bool
    weight: float
    result: RuleResult
    softened: bool = False  # a hard rule the solve had to soften
    live: bool = False

    @property
    def status(self) -> str:
        if self.result.holds:
            return "held"
        return "broken" + (" (softened)" if self.softened else "")


@dataclass
class Evaluation:
    problem: AssignmentProblem
    schedule: Schedule
    lines: list[RuleLine] = field(default_factory=list)

    @property
    def cost(self) -> float:
        return sum(line.result.cost for line in self.lines)

    @property
    def soft_cost(self) -> float:
        return sum(line.result.cost for line in self.lines if not line.hard)

    @property
    def hard_broken(self) -> list[RuleLine]:
        return [line for line in self.lines if line.hard and not line.result.holds]

    @property
    def feasible(self) -> bool:
        return not self.hard_broken

    def line(self, key) -> RuleLine:
        return next(x for x in self.lines if x.key == key)


def _result(insts: list[Instance], weight: float) -> RuleResult:
    amount = float(sum(x.amount for x in insts))
    return RuleResult(amount == 0, amount, weight * amount, [x.fact for x in insts if not x.holds], insts)


def evaluate(problem: AssignmentProblem, schedule: Schedule, softened: set | None = None) -> Evaluation:
    p = problem
    softened = softened or set()
    ctx = Ctx(p, schedule)
    ev = Evaluation(problem=p, schedule=dict(schedule))
    # settings
    if p.placement == EXACTLY_ONCE:
        insts = [Instance(ctx.placed(i), 0.0 if ctx.placed(i) else 1.0,
                          "" if ctx.placed(i) else f"{ctx.name(i)} is not placed", (i,)) for i in range(p.I)]
        ev.lines.append(RuleLine("placement", "each item placed exactly once", p.settings_refs.get("placement", "Settings"),
                                 True, DEFAULT_HARD_WEIGHT, _result(insts, DEFAULT_HARD_WEIGHT),
                                 softened="placement" in softened, live=True))
    insts = []
    for pl, place in enumerate(p.places):
        for s in range(p.S):
            at = [i for i in ctx.at[s] if ctx.place[i] == pl]
            if len(at) > place.capacity:
                insts.append(Instance(False, float(len(at) - place.capacity),
                                      f"{place.name} at {p.label(s)} holds {len(at)} items (at most "
                                      f"{place.capacity}): " + ", ".join(ctx.name(i) for i in at), tuple(at), (s,)))
    ev.lines.append(RuleLine("capacity", "items per place and slot at most the setting", p.settings_refs.get(
        "capacity", "Settings"), True, DEFAULT_HARD_WEIGHT, _result(insts, DEFAULT_HARD_WEIGHT), live=True))
    insts = []
    for i in range(p.I):
        if ctx.placed(i) and not p.fits_at(i, ctx.start[i]):
            insts.append(Instance(False, 1.0, f"{ctx.where(i)}: it is {p.items[i].length} slots long and a break, "
                                              "the end of a day or the last slot comes first", (i,)))
    ev.lines.append(RuleLine("breaks", "an item's slots run without a break or a day end", "Slots", True,
                             DEFAULT_HARD_WEIGHT, _result(insts, DEFAULT_HARD_WEIGHT)))
    for row in p.rules:
        res = row.rule.evaluate(ctx)
        ev.lines.append(RuleLine(row.row, row.text, row.ref, row.hard, row.weight, res,
                                 softened=row.row in softened, live=row.rule.live))
    return ev
