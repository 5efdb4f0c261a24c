"""The validated assignment problem: items placed into places × slots, with rules in words.

Built by :mod:`.reader` from the workbook.  Indices everywhere: item ``i`` is
``problem.items[i]``, place ``p`` is ``problem.places[p]``, slot ``s`` is
``problem.slots[s]`` in sheet order.  An item of length ``L`` placed at start slot ``s``
runs in slots ``s … s + L - 1`` of one place; it never runs across a break or the end
of a day (a *segment* is a run of slots without either).

A *schedule* is ``{item index: (place index, start slot index) or None}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

EXACTLY_ONCE, AT_MOST_ONCE = "exactly once", "at most once"


@dataclass(frozen=True)
class Column:
    """An attribute column of the Items, Places or Slots sheet."""

    sheet: str  # "Items" / "Places" / "Slots"
    header: str  # as written on the sheet
    ref: str  # cell of the header


@dataclass(frozen=True)
class Entity:
    """An item, place or slot: its name and attribute cells (by lower-case header)."""

    name: str
    ref: str  # cell of the name
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # header → lower-case values (comma lists split)
    raw: dict[str, Any] = field(default_factory=dict)  # header → the cell's value as read (numbers for numeric cells)
    refs: dict[str, str] = field(default_factory=dict)  # header → cell reference

    def number(self, header: str) -> float | None:
        v = self.raw.get(header.lower())
        if isinstance(v, bool):
            return None
        if isinstance(v, (int, float)):
            return float(v)
        if isinstance(v, str):
            try:
                return float(v.strip().replace(",", "."))
            except ValueError:
                return None
        return None


@dataclass(frozen=True)
class Item(Entity):
    length: int = 1


@dataclass(frozen=True)
class Place(Entity):
    capacity: int = 1  # items it holds per slot


@dataclass(frozen=True)
class Slot(Entity):
    day: str = ""
    break_after: bool = False


@dataclass
class RuleRow:
    """One row of the Rules sheet, before and after compiling its text."""

    row: int  # index of the rule (0-based, sheet order)
    text: str
    hard: bool
    weight: float
    note: str
    ref: str  # cell of the rule text
    weight_given: bool = True
    rule: Any = None  # the compiled rule (rules.atoms.Rule), set by the reader


@dataclass
class AssignmentProblem:
    items: list[Item]
    places: list[Place]
    slots: list[Slot]
    pairs: dict[tuple[int, int], float]  # (i, j) with i < j → pair weight
    rules: list[RuleRow]
    placement: str = EXACTLY_ONCE  # or AT_MOST_ONCE
    capacity_source: str = "1"  # the Settings value: a number or a Places column
    columns: dict[str, list[Column]] = field(default_factory=dict)  # sheet → attribute columns
    settings_refs: dict[str, str] = field(default_factory=dict)  # setting key → cell of its value

    @property
    def I(self) -> int:  # noqa: E743 - the item count, as in the maths
        return len(self.items)

    @property
    def P(self) -> int:
        return len(self.places)

    @property
    def S(self) -> int:
        return len(self.slots)

    @cached_property
    def multi_day(self) -> bool:
        return len({s.day for s in self.slots}) > 1

    @cached_property
    def segment_of(self) -> list[int]:
        seg, k = [], 0
        for s, slot in enumerate(self.slots):
            if s > 0 and (self.slots[s - 1].break_after or self.slots[s - 1].day != slot.day):
                k += 1
            seg.append(k)
        return seg

    @cached_property
    def day_of(self) -> list[int]:
        out, k = [], 0
        for s, slot in enumerate(self.slots):
            if s > 0 and self.slots[s - 1].day != slot.day:
                k += 1
            out.append(k)
        return out

    def fits_at(self, i: int, s: int) -> bool:
        L = self.items[i].length
        return 0 <= s and s + L <= self.S and self.segment_of[s] == self.segment_of[s + L - 1]

    @cached_property
    def starts(self) -> list[list[int]]:
        """Start slots at which each item fits (no break or day end inside it)."""
        return [[s for s in range(self.S) if self.fits_at(i, s)] for i in range(self.I)]

    def covered(self, i: int, s: int) -> range:
        return range(s, min(self.S, s + self.items[i].length))

    @cached_property
    def item_index(self) -> dict[str, int]:
        return {it.name.lower(): i for i, it in enumerate(self.items)}

    @cached_property
    def place_index(self) -> dict[str, int]:
        return {p.name.lower(): k for k, p in enumerate(self.places)}

    @cached_property
    def slot_index(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for s, slot in enumerate(self.slots):
            out.setdefault(slot.name.lower(), s)
        return out

    def label(self, s: int) -> str:
        return self.slots[s].name

    def pair_weight(self, i: int, j: int) -> float:
        return self.pairs.get((i, j) if i < j else (j, i), 0.0)
