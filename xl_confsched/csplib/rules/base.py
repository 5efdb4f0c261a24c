"""Rule and Violation types shared by every rule module."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..terms import TERM_BY_KEY, TermInfo

if TYPE_CHECKING:  # pragma: no cover
    from ..problem import Problem
    from ..schedule import Schedule


@dataclass
class Violation:
    """One broken rule: its raw amount (weight not applied) and the facts that broke it."""

    term: str  # term key
    amount: float  # raw count or penalty sum
    facts: str  # e.g. "presenter P4: NEW19A3731 in Wed1/Stafford 1 and NEW19A3745 in Wed1/Stafford 2"
    cells: list[tuple[int, ...]] = field(default_factory=list)  # (s, r) or (s, r, t) where it happens
    items: list[str] = field(default_factory=list)  # names involved (tracks, submissions, people)


class Rule:
    key: str = ""

    @property
    def info(self) -> TermInfo:
        return TERM_BY_KEY[self.key]

    def weight(self, problem: "Problem") -> int:
        """The term's weight; the structural term is always on with factor 1."""
        return 1 if self.info.weight_cell is None else problem.weight(self.key)

    def active(self, problem: "Problem") -> bool:
        return self.info.weight_cell is None or problem.weight(self.key) > 0

    def evaluate(self, problem: "Problem", sched: "Schedule") -> list[Violation]:  # pragma: no cover
        raise NotImplementedError

    def build(self, ctx: Any):  # pragma: no cover - provided by the optimiser
        """Raw amount as a PuLP expression over ``ctx``'s variables (see csplib.model)."""
        raise NotImplementedError(f"rule {self.key} has no model term")

    # ------------------------------------------------------------------ lower bound
    def lower_bound(self, problem: "Problem", facts: Any) -> Any:
        """A lower bound of the raw amount over every schedule the template allows
        (``bounds.BoundFacts``: facts every rule may use).  Default: 0, met alone."""
        from ..bounds import RawBound

        return RawBound(0.0, "0: can be met alone")

    # ------------------------------------------------------------------ hard or soft
    #: the ``--hard-rules`` choices under which this rule is hard (elastic, ``model.BIG`` a unit on
    #: top of its weight); by default every rule is only its weighted term
    hard_levels: tuple[str, ...] = ()

    def hard_in(self, hard_rules: str) -> bool:
        """Whether this rule is hard under the organiser's choice of hard rules."""
        return hard_rules in self.hard_levels

    def build_hard(self, ctx: Any, raw: Any):
        """The part of the raw amount that is hard (default: all of it)."""
        return raw

    def allowed_because(self, problem: "Problem", hard_rules: str) -> str | None:
        """Why a schedule may break this rule although the paper makes it hard: the weight allows
        it (in words, with the weight's cell).  None for rules the paper keeps soft, or when hard."""
        if not self.hard_levels or self.hard_in(hard_rules) or self.info.weight_cell is None:
            return None
        cell = f"parameters!{self.info.weight_cell}"
        stronger = min(self.hard_levels, key=lambda h: ("presenters", "all").index(h))
        return (f"allowed because {cell} weighs '{self.info.name}' at {self.weight(problem):g} a unit; raise "
                f"{cell} or choose hard rules '{stronger}' to forbid it")


def where(problem: "Problem", s: int, r: int) -> str:
    return f"{problem.sessions[s].name}/{problem.rooms[r]}"


def fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
