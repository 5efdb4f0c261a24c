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


def where(problem: "Problem", s: int, r: int) -> str:
    return f"{problem.sessions[s].name}/{problem.rooms[r]}"


def fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
