"""The personalised-scheduling problem (Vangerven et al., Omega 2018) as plain data.

Talks are indexed 0..X-1 (dummy talks, added to fill the grid, come last), participants
0..P-1.  The conference grid is a list of *block-timeslots*: ``k`` consecutive timeslots
during which ``n`` sessions run in parallel (the same ``n`` everywhere).
"""

from __future__ import annotations

from datetime import date as Date, datetime, time, timedelta
from functools import cached_property

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class Talk(BaseModel):
    id: str
    title: str = ""
    presenter: str = ""
    topic: str = ""
    dummy: bool = False
    row: int | None = None  # table row on the Talks sheet (for messages)

    @property
    def label(self) -> str:
        if self.dummy:
            return "(empty)"
        return f"{self.id} — {self.title}" if self.title else self.id


class Participant(BaseModel):
    name: str
    wanted: frozenset[int] = frozenset()


class BlockSlot(BaseModel):
    """One block-timeslot of the Structure sheet (e.g. Monday morning, a 3-block)."""

    day: str
    date: Date | None = None
    name: str
    start: time | None = None
    k: int = Field(ge=1)  # consecutive timeslots
    n: int = Field(ge=1)  # parallel sessions
    minutes: int = 30  # per timeslot (talk)
    first: int = 0  # global index of its first timeslot

    def slot_times(self, s: int) -> tuple[datetime | None, datetime | None]:
        if self.date is None or self.start is None:
            return None, None
        t0 = datetime.combine(self.date, self.start) + timedelta(minutes=self.minutes * s)
        return t0, t0 + timedelta(minutes=self.minutes)

    def slot_clock(self, s: int) -> tuple[str, str]:
        if self.start is None:
            return "", ""
        base = datetime.combine(Date(2000, 1, 1), self.start) + timedelta(minutes=self.minutes * s)
        return base.strftime("%H:%M"), (base + timedelta(minutes=self.minutes)).strftime("%H:%M")


class Room(BaseModel):
    name: str
    capacity: int | None = None


class Problem(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    talks: list[Talk]
    participants: list[Participant]
    blocks: list[BlockSlot]
    rooms: list[Room]
    # (talk index, block-slot index) pairs where the talk's presenter is unavailable
    unavailable: set[tuple[int, int]] = set()
    time_zone: str | None = None  # the Structure sheet's Time zone (e.g. Europe/Brussels), for the calendars

    @property
    def n(self) -> int:
        return self.blocks[0].n

    @property
    def n_talks(self) -> int:
        return len(self.talks)

    @property
    def n_timeslots(self) -> int:
        return sum(b.k for b in self.blocks)

    @cached_property
    def profile_matrix(self) -> np.ndarray:
        """P × X 0/1 matrix (uint8): 1 where the participant wants the talk."""
        a = np.zeros((len(self.participants), len(self.talks)), dtype=np.uint8)
        for p, part in enumerate(self.participants):
            for x in part.wanted:
                a[p, x] = 1
        return a

    @property
    def upper_bound(self) -> int:
        """Σ wanted: the attendance if no two wanted talks ran in parallel."""
        return int(sum(len(p.wanted) for p in self.participants))

    def presenter_keys(self) -> list[str]:
        """A key per talk; two talks with the same key may not run in parallel."""
        return [f"#dummy{i}" if t.dummy or not t.presenter.strip() else t.presenter.strip().casefold()
                for i, t in enumerate(self.talks)]

    def timeslot_block(self) -> list[tuple[int, int]]:
        """(block-slot index, slot within block) of every global timeslot."""
        out = []
        for b, bs in enumerate(self.blocks):
            out.extend((b, s) for s in range(bs.k))
        return out


class Schedule(BaseModel):
    """A complete timetable: ``grid[t][r]`` is the talk in room ``r`` at global timeslot ``t``
    (None when the room is not used in that block)."""

    grid: list[list[int | None]]

    def sessions(self, problem: Problem) -> list[tuple[int, int, list[int]]]:
        """(block-slot index, room index, talks in order) of every session."""
        out = []
        for b, bs in enumerate(problem.blocks):
            for r in range(len(problem.rooms)):
                talks = [self.grid[bs.first + s][r] for s in range(bs.k)]
                if any(t is not None for t in talks):
                    out.append((b, r, [t for t in talks if t is not None]))
        return out

    def position(self) -> dict[int, tuple[int, int]]:
        """talk → (timeslot, room)."""
        return {x: (t, r) for t, row in enumerate(self.grid) for r, x in enumerate(row) if x is not None}
