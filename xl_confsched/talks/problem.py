"""The validated talk-scheduling problem and the numbers derived from the survey.

Built by :mod:`xl_confsched.talks.reader` from the workbook (or by the instance
generator).  Indices everywhere: talk ``i`` is ``problem.talks[i]``, venue ``v`` is
``problem.venues[v]``, timeslot ``s`` is ``problem.slots[s]`` in sheet order.

Two objectives (``Weights.objective``, the Weights sheet's "Objective" row):

``conflicts`` (the default)
    conflict weight × interest of every pair of talks in parallel (hard pairs × the hard
    pair factor if they cannot all be kept apart) + capacity weight × seats short (persons
    of estimated audience above the venue's capacity);
``article``
    the source article's: count the talk-slots (a 50-minute talk in two timeslots counts
    two) held in a room big enough for the talk's estimated audience — maximised; here its
    complement is minimised, the talk-slots in a room too small (:meth:`TalkProblem.venue_cost`),
    with the pairs above the threshold never in parallel and no cost for the other pairs.
    If the hard pairs cannot all be kept apart they cost conflict weight × hard pair factor
    × their interest, as in the default objective.

Pairwise interest follows the survey method of the source article exactly: for every
attendee and every *ordered* pair of two different picks (pick a, pick b) the product
of their pick weights is added to the pair — so an attendee whose pick 1 and pick 2
are talks A and B adds 2 × 5 × 4 = 40 to (A, B) with the default weights 5, 4, 3, 2, 1
— and a speaker who answered the survey adds ``speaker factor × weight of pick k``
(default 5 × …) between each of their own talks and their pick k.
"""

from __future__ import annotations

from functools import cached_property
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field


class Talk(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str
    speaker: str
    minutes: float
    slots: int = Field(ge=1)  # number of consecutive timeslots the talk takes
    track: str = ""
    venue: int | None = None  # required venue (index), optional
    unavailable: frozenset[int] = frozenset()  # timeslot indices the talk may not use
    ref: str = ""  # cell of the title, for messages


class Venue(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    capacity: int = Field(ge=0)
    ref: str = ""


class Timeslot(BaseModel):
    model_config = ConfigDict(frozen=True)

    time: str  # "09:30"
    day: str = ""
    break_after: bool = False
    ref: str = ""

    def label(self, multi_day: bool) -> str:
        return f"{self.day} {self.time}" if multi_day and self.day else self.time


OBJECTIVES = ("conflicts", "article")


class Weights(BaseModel):
    model_config = ConfigDict(frozen=True)

    objective: str = "conflicts"  # "conflicts" (default) or "article" (see the module docstring)
    picks: tuple[float, ...] = (5, 4, 3, 2, 1)  # weight of pick 1, pick 2, …
    threshold: float | None = 10  # pairs with interest above it are hard "never in parallel"; None = no hard pairs
    conflict_weight: float = 1.0  # cost per unit of interest of two talks in parallel
    capacity_weight: float = 1.0  # cost per person of estimated audience above the venue capacity
    hard_factor: float = 10.0  # fallback: a hard pair in parallel costs this many times its interest
    speaker_factor: float = 5.0  # speakers' own picks opposite their talk: factor × pick weight
    slot_minutes: float = 30.0


class TalkProblem(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    talks: tuple[Talk, ...]
    venues: tuple[Venue, ...]
    slots: tuple[Timeslot, ...]
    attendees: tuple[str, ...]
    picks: dict[str, tuple[int | None, ...]]  # survey: attendee → talk index per pick rank (None = blank)
    weights: Weights = Weights()

    # ------------------------------------------------------------------ sizes and time
    @property
    def T(self) -> int:
        return len(self.talks)

    @property
    def V(self) -> int:
        return len(self.venues)

    @property
    def S(self) -> int:
        return len(self.slots)

    @cached_property
    def multi_day(self) -> bool:
        return len({s.day for s in self.slots}) > 1

    def slot_label(self, s: int) -> str:
        return self.slots[s].label(self.multi_day)

    @cached_property
    def segments(self) -> list[list[int]]:
        """Runs of consecutive timeslots: a day boundary or a break ends a run."""
        out: list[list[int]] = []
        for s, slot in enumerate(self.slots):
            if s == 0 or self.slots[s - 1].break_after or self.slots[s - 1].day != slot.day:
                out.append([])
            out[-1].append(s)
        return out

    @cached_property
    def segment_of(self) -> list[int]:
        seg = [0] * self.S
        for k, run in enumerate(self.segments):
            for s in run:
                seg[s] = k
        return seg

    def fits_at(self, i: int, s: int) -> bool:
        """Talk ``i`` can start at ``s`` without crossing a break/day end or running off the end."""
        d = self.talks[i].slots
        return s + d <= self.S and self.segment_of[s] == self.segment_of[s + d - 1]

    def covered(self, i: int, s: int) -> range:
        return range(s, s + self.talks[i].slots)

    @cached_property
    def starts(self) -> list[list[int]]:
        """Allowed start timeslots per talk (fits in a run, avoids its unavailable timeslots)."""
        out = []
        for i, t in enumerate(self.talks):
            out.append([s for s in range(self.S) if self.fits_at(i, s)
                        and not any(c in t.unavailable for c in self.covered(i, s))])
        return out

    def venues_for(self, i: int) -> list[int]:
        v = self.talks[i].venue
        return [v] if v is not None else list(range(self.V))

    # ------------------------------------------------------------------ survey numbers
    @cached_property
    def audience(self) -> list[int]:
        """Estimated audience per talk: the number of attendees who picked it."""
        n = [0] * self.T
        for ranks in self.picks.values():
            for i in {i for i in ranks if i is not None}:
                n[i] += 1
        return n

    def seats_short(self, i: int, v: int) -> int:
        return max(0, self.audience[i] - self.venues[v].capacity)

    def too_small(self, i: int, v: int) -> bool:
        """Venue ``v`` cannot seat talk ``i``'s estimated audience (the article: Capacity < attendance)."""
        return self.audience[i] > self.venues[v].capacity

    @property
    def article(self) -> bool:
        return self.weights.objective == "article"

    def venue_cost(self, i: int, v: int) -> float:
        """Objective cost of holding talk ``i`` in venue ``v``: capacity weight × seats short
        (default objective) or the talk's timeslots when the venue is too small (article)."""
        if self.article:
            return float(self.talks[i].slots) if self.too_small(i, v) else 0.0
        return self.weights.capacity_weight * self.seats_short(i, v)

    def pair_cost(self, pair: tuple[int, int], hard_apart: bool) -> float:
        """Objective cost of the two talks ``pair`` running in parallel.

        ``hard_apart``: the hard pairs are kept apart as a rule (their cost is then 0: they
        never run in parallel); otherwise a hard pair costs its interest × the hard pair factor."""
        w = self.weights
        x = self.interest.get(pair, 0.0)
        if not x:
            return 0.0
        if pair in self.hard_pair_set:
            return 0.0 if hard_apart else w.conflict_weight * w.hard_factor * x
        return 0.0 if self.article else w.conflict_weight * x

    def pair_costs(self, hard_apart: bool) -> dict[tuple[int, int], float]:
        """Every pair with a non-zero :meth:`pair_cost`."""
        out = {}
        for pair in self.interest:
            c = self.pair_cost(pair, hard_apart)
            if c > 0:
                out[pair] = c
        return out

    @cached_property
    def hard_pair_set(self) -> frozenset[tuple[int, int]]:
        return frozenset(self.hard_pairs)

    @cached_property
    def speaker_talks(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, t in enumerate(self.talks):
            out.setdefault(t.speaker, []).append(i)
        return out

    @cached_property
    def interest(self) -> dict[tuple[int, int], float]:
        """Pairwise interest ``{(i, j): value}`` with ``i < j`` (survey method of the article)."""
        w = self.weights.picks
        pair: dict[tuple[int, int], float] = {}

        def add(a: int, b: int, x: float) -> None:
            key = (a, b) if a < b else (b, a)
            pair[key] = pair.get(key, 0.0) + x

        for ranks in self.picks.values():
            for ra, a in enumerate(ranks):
                for rb, b in enumerate(ranks):
                    if a is None or b is None or a == b:
                        continue
                    add(a, b, w[ra] * w[rb])
        attendees = set(self.attendees)
        for speaker, own in self.speaker_talks.items():
            if speaker not in attendees or speaker not in self.picks:
                continue
            for r, p in enumerate(self.picks[speaker]):
                for t in own:
                    if p is None or p == t:
                        continue
                    add(t, p, self.weights.speaker_factor * w[r])
        return pair

    @cached_property
    def interest_matrix(self) -> list[list[float]]:
        m = [[0.0] * self.T for _ in range(self.T)]
        for (i, j), x in self.interest.items():
            m[i][j] = m[j][i] = x
        return m

    @cached_property
    def hard_pairs(self) -> list[tuple[int, int]]:
        """Pairs whose interest is above the conflict threshold, most interesting first."""
        th = self.weights.threshold
        if th is None:
            return []
        return sorted((p for p, x in self.interest.items() if x > th), key=lambda p: -self.interest[p])

    @cached_property
    def speaker_pairs(self) -> list[tuple[int, int]]:
        out = []
        for own in self.speaker_talks.values():
            out.extend(combinations(sorted(own), 2))
        return out

    @property
    def n_pairs(self) -> int:
        return self.T * (self.T - 1) // 2
