"""A conference schedule: the tracks grid and the submission slot cells.

The representation is the benchmark's (OBJECTIVE.md §3) and enforces nothing: a
hand-edited schedule may put a submission in a foreign track's room, split it, or
leave it out — the rules say what each of those costs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .problem import Problem


@dataclass
class Schedule:
    grid: dict[tuple[int, int], int] = field(default_factory=dict)  # (s, r) -> track k
    cells: dict[tuple[int, int, int], int] = field(default_factory=dict)  # (s, r, t) -> submission n

    # ------------------------------------------------------------ building
    @classmethod
    def from_assignment(cls, problem: "Problem", tracks: Iterable[tuple[int, int, int]],
                        placements: dict[int, tuple[int, int, int]]) -> "Schedule":
        """``tracks``: (k, s, r) triples; ``placements``: n -> (s, r, first slot)."""
        sched = cls()
        for k, s, r in tracks:
            sched.grid[(s, r)] = k
        for n, (s, r, t0) in placements.items():
            for t in range(t0, t0 + problem.submissions[n].required_slots):
                sched.cells[(s, r, t)] = n
        return sched

    def copy(self) -> "Schedule":
        return Schedule(dict(self.grid), dict(self.cells))

    # ------------------------------------------------------------ views
    def scan(self) -> list[tuple[tuple[int, int, int], int]]:
        """Occupied cells in scan order: session, room, slot ascending."""
        return sorted(self.cells.items())

    def cells_of(self) -> dict[int, list[tuple[int, int, int]]]:
        out: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for key, n in self.scan():
            out[n].append(key)
        return out

    def placement(self, n: int) -> tuple[int, int, int] | None:
        """(s, r, first slot) of a submission that sits in one cell group, else None."""
        cells = self.cells_of().get(n)
        if not cells:
            return None
        s, r, t = cells[0]
        return (s, r, t)

    def tracks_in(self, k: int) -> list[tuple[int, int]]:
        return sorted(sr for sr, kk in self.grid.items() if kk == k)

    def is_complete(self, problem: "Problem") -> bool:
        counts = defaultdict(int)
        for n in self.cells.values():
            counts[n] += 1
        return all(counts[n] == sub.required_slots for n, sub in enumerate(problem.submissions))

    # ------------------------------------------------------------ names
    def describe_cell(self, problem: "Problem", s: int, r: int, t: int | None = None) -> str:
        where = f"{problem.sessions[s].name}/{problem.rooms[r]}"
        return where if t is None else f"{where} slot {t + 1}"
