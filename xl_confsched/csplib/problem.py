"""The CSPLib conference-scheduling problem as validated data.

Indices follow the workbook's row order (sessions ``s``, rooms ``r``, tracks ``k``,
submissions ``n``), exactly as the benchmark's objective (OBJECTIVE.md) numbers them.
Everything derived from the input that the rules need — conflict relations, the
time-zone penalty table — is computed once here (:mod:`.derived`) and cached.
"""

from __future__ import annotations

from functools import cached_property
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field


class Session(BaseModel):
    name: str
    slots: int = Field(ge=1, description="Max Number of Timeslots")
    date: Optional[str] = None  # ISO date text; never used by the objective
    start: int  # minutes after midnight, local time
    end: int

    def slot_times(self, t: int, n: int = 1) -> tuple[int, int]:
        """Clock minutes (start, end) of slots t..t+n-1, the session split evenly."""
        length = (self.end - self.start) % 1440 or 1440
        per = length / self.slots
        return (round(self.start + t * per) % 1440, round(self.start + (t + n) * per) % 1440)


class Track(BaseModel):
    name: str
    chairs: list[str] = []


class Submission(BaseModel):
    ref: str
    track: int  # track index
    required_slots: int = Field(ge=1)
    order: Optional[int]  # None: empty or text Order cell (the benchmark counts it as always wrong)
    timezone: int  # hours east of Greenwich
    presenters: list[str] = []
    attendees: list[str] = []
    session_penalty: dict[int, float] = {}  # session index -> SS(n, s), non-zero entries only
    room_penalty: dict[int, float] = {}  # room index -> SP(n, r), non-zero entries only
    # optional descriptive columns (never used by the objective): Title, Authors, Abstract, Type, URL
    title: Optional[str] = None
    authors: Optional[str] = None
    abstract: Optional[str] = None
    type: Optional[str] = None
    url: Optional[str] = None


class Parameters(BaseModel):
    local_timezone: int
    suitable_from: int  # minutes
    suitable_to: int
    less_suitable_from: int
    less_suitable_to: int
    small_penalty: int
    big_penalty: int
    weights: dict[str, int]  # term key -> weight, see terms.TERM_KEYS


class Problem(BaseModel):
    """A validated CSPLib instance."""

    model_config = ConfigDict(frozen=False, arbitrary_types_allowed=True)

    name: str = "instance"
    sessions: list[Session]
    rooms: list[str]
    tracks: list[Track]
    submissions: list[Submission]
    parameters: Parameters
    track_session: dict[tuple[int, int], float] = {}  # (k, s) -> TS, non-zero only
    track_room: dict[tuple[int, int], float] = {}  # (k, r) -> TR
    session_room: dict[tuple[int, int], float] = {}  # (s, r) -> SR
    similar: dict[tuple[int, int], float] = {}  # (k, k') -> Sim, both orders stored, k != k'

    # ------------------------------------------------------------------ lookups
    @cached_property
    def session_index(self) -> dict[str, int]:
        return {s.name: i for i, s in enumerate(self.sessions)}

    @cached_property
    def room_index(self) -> dict[str, int]:
        return {r: i for i, r in enumerate(self.rooms)}

    @cached_property
    def track_index(self) -> dict[str, int]:
        return {t.name: i for i, t in enumerate(self.tracks)}

    @cached_property
    def submission_index(self) -> dict[str, int]:
        return {s.ref: i for i, s in enumerate(self.submissions)}

    @cached_property
    def submissions_of_track(self) -> list[list[int]]:
        out: list[list[int]] = [[] for _ in self.tracks]
        for n, sub in enumerate(self.submissions):
            out[sub.track].append(n)
        return out

    @property
    def S(self) -> int:
        return len(self.sessions)

    @property
    def R(self) -> int:
        return len(self.rooms)

    @property
    def T(self) -> int:
        return len(self.tracks)

    @property
    def N(self) -> int:
        return len(self.submissions)

    def weight(self, key: str) -> int:
        return self.parameters.weights.get(key, 0)

    def active(self, key: str) -> bool:
        """A weighted term counts only when its weight is > 0 (the benchmark's rule)."""
        return self.weight(key) > 0

    # ------------------------------------------------------------------ derived data
    @cached_property
    def derived(self):
        from .derived import Derived

        return Derived.build(self)

    def find_submission(self, name: str) -> int | None:
        """Submission index by reference; names are compared after trimming surrounding spaces."""
        return self.submission_index.get(name.strip())

    def find_track(self, name: str) -> int | None:
        return self.track_index.get(name.strip())
