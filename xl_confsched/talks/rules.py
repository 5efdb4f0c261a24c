"""Every rule of a talk schedule, defined once: how to check it and how to model it.

A *plain schedule* is ``{talk index: (venue index, start timeslot index)}`` (a talk
missing from it, or mapped to ``None``, is not scheduled).  :func:`evaluate` recomputes
every rule and every cost term from the problem data and such a schedule, without
looking at any solver variable; it scores solver output in the tests, a hand-edited
"Talk Table" in ``check`` and the schedules of both formulations in ``bench/talks.py``.

Each rule object has ``check(ctx)`` (violations or cost on a plain schedule) and
``add(builder)`` (its constraints / objective terms, written against the small
:class:`Builder` interface that both formulations in :mod:`.model` implement).  A
rule whose meaning depends on the formulation (e.g. "a long talk takes consecutive
timeslots": implicit with start-time variables, the article's ``implies`` rule with
talk × venue × timeslot variables) asks the builder to express it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Protocol

from .problem import TalkProblem

Schedule = dict[int, "tuple[int, int] | None"]


@dataclass(frozen=True)
class Violation:
    rule: str
    talks: tuple[int, ...]
    message: str


class Builder(Protocol):
    """What a formulation offers the rules (see :mod:`.model`)."""

    problem: TalkProblem
    hard_pairs_mode: str  # "hard" (never in parallel) or "soft" (heavily weighted cost)

    def occupies(self, i: int, v: int, s: int): ...  # 0/1 expression: talk i is in venue v during timeslot s
    def running(self, i: int, s: int): ...  # 0/1 expression: talk i runs during timeslot s
    def in_venue(self, i: int, v: int): ...  # 0/1 expression: talk i is held in venue v
    def add(self, constraint, name: str) -> None: ...
    def add_cost(self, term: str, expr) -> None: ...
    def add_once(self, i: int) -> None: ...  # talk i scheduled exactly once
    def add_consecutive(self, i: int) -> None: ...  # its timeslots consecutive, one venue, no break crossed
    def add_pair_costs(self, weights: dict[tuple[int, int], float], forbidden: list[tuple[int, int]]) -> None: ...


# --------------------------------------------------------------------------------------
# evaluation context
# --------------------------------------------------------------------------------------

@dataclass
class Context:
    problem: TalkProblem
    schedule: Schedule
    occupancy: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (venue, slot) → talks
    covered: dict[int, range] = field(default_factory=dict)  # talk → timeslots it runs in
    valid: set[int] = field(default_factory=set)  # talks with a usable (venue, start)

    @classmethod
    def of(cls, p: TalkProblem, schedule: Schedule) -> "Context":
        ctx = cls(p, dict(schedule))
        for i in range(p.T):
            vs = schedule.get(i)
            if vs is None:
                continue
            v, s = vs
            if not (0 <= v < p.V and 0 <= s < p.S):
                continue
            ctx.valid.add(i)
            ctx.covered[i] = range(s, min(p.S, s + p.talks[i].slots))
            for c in ctx.covered[i]:
                ctx.occupancy.setdefault((v, c), []).append(i)
        return ctx

    def overlap(self, i: int, j: int) -> bool:
        a, b = self.covered.get(i), self.covered.get(j)
        return bool(a) and bool(b) and a.start < b.stop and b.start < a.stop

    @property
    def parallel_pairs(self) -> list[tuple[int, int]]:
        return [(i, j) for i, j in combinations(sorted(self.valid), 2) if self.overlap(i, j)]

    def name(self, i: int) -> str:
        return f"'{self.problem.talks[i].title}'"


# --------------------------------------------------------------------------------------
# rules
# --------------------------------------------------------------------------------------

class Rule:
    key = ""
    label = ""
    hard = True

    def check(self, ctx: Context) -> list[Violation]:
        raise NotImplementedError

    def add(self, b: Builder) -> None:
        raise NotImplementedError


class EveryTalkOnce(Rule):
    key, label = "once", "every talk scheduled exactly once"

    def check(self, ctx):
        p = ctx.problem
        out = []
        for i in range(p.T):
            if i not in ctx.valid:
                why = "has no venue and start time" if ctx.schedule.get(i) is None else "has an unknown venue or start time"
                out.append(Violation(self.key, (i,), f"talk {ctx.name(i)} {why}; every talk must be scheduled once."))
        return out

    def add(self, b):
        for i in range(b.problem.T):
            b.add_once(i)


class OneTalkPerVenue(Rule):
    key, label = "venue", "at most one talk per venue and timeslot"

    def check(self, ctx):
        p = ctx.problem
        return [Violation(self.key, tuple(ts), f"{p.venues[v].name} at {p.slot_label(s)} holds "
                          + " and ".join(ctx.name(i) for i in ts) + " at the same time.")
                for (v, s), ts in sorted(ctx.occupancy.items()) if len(ts) > 1]

    def add(self, b):
        p = b.problem
        for v in range(p.V):
            for s in range(p.S):
                b.add(sum(b.occupies(i, v, s) for i in range(p.T)) <= 1, f"one_talk_v{v}_s{s}")


class Consecutive(Rule):
    key, label = "consecutive", "long talks in consecutive timeslots without crossing a break or day end"

    def check(self, ctx):
        p = ctx.problem
        out = []
        for i in sorted(ctx.valid):
            v, s = ctx.schedule[i]
            if not p.fits_at(i, s):
                out.append(Violation(self.key, (i,), f"talk {ctx.name(i)} needs {p.talks[i].slots} timeslots from "
                                     f"{p.slot_label(s)} but a break, the end of the day or the end of the programme "
                                     "comes first."))
        return out

    def add(self, b):
        for i in range(b.problem.T):
            b.add_consecutive(i)


class SpeakerOnePlace(Rule):
    key, label = "speaker", "a speaker gives one talk at a time"

    def check(self, ctx):
        p = ctx.problem
        return [Violation(self.key, (i, j), f"{p.talks[i].speaker} would give {ctx.name(i)} and {ctx.name(j)} at "
                          "the same time.")
                for i, j in p.speaker_pairs if ctx.overlap(i, j)]

    def add(self, b):
        p = b.problem
        for speaker, own in p.speaker_talks.items():
            if len(own) < 2:
                continue
            for s in range(p.S):
                b.add(sum(b.running(i, s) for i in own) <= 1, f"speaker_{own[0]}_s{s}")


class NotAt(Rule):
    key, label = "not_at", "talks avoid their 'Not at' timeslots"

    def check(self, ctx):
        p = ctx.problem
        out = []
        for i in sorted(ctx.valid):
            bad = [s for s in ctx.covered[i] if s in p.talks[i].unavailable]
            if bad:
                out.append(Violation(self.key, (i,), f"talk {ctx.name(i)} runs at "
                                     + ", ".join(p.slot_label(s) for s in bad) + ", listed under 'Not at'."))
        return out

    def add(self, b):
        p = b.problem
        for i, t in enumerate(p.talks):
            for s in sorted(t.unavailable):
                b.add(b.running(i, s) == 0, f"not_at_{i}_s{s}")


class RequiredVenue(Rule):
    key, label = "required_venue", "talks in their required venue"

    def check(self, ctx):
        p = ctx.problem
        return [Violation(self.key, (i,), f"talk {ctx.name(i)} must be in {p.venues[p.talks[i].venue].name}, "
                          f"not {p.venues[ctx.schedule[i][0]].name}.")
                for i in sorted(ctx.valid) if p.talks[i].venue is not None and ctx.schedule[i][0] != p.talks[i].venue]

    def add(self, b):
        p = b.problem
        for i, t in enumerate(p.talks):
            if t.venue is not None:
                b.add(b.in_venue(i, t.venue) == 1, f"venue_{i}")


class HardPairsApart(Rule):
    """Pairs above the conflict threshold never in parallel (hard while it is possible)."""

    key, label = "hard_pairs", "pairs above the conflict threshold not in parallel"

    def check(self, ctx):
        p = ctx.problem
        return [Violation(self.key, (i, j), f"{ctx.name(i)} and {ctx.name(j)} run in parallel although their "
                          f"interest {p.interest[(i, j)]:g} is above the conflict threshold "
                          f"{p.weights.threshold:g}.")
                for i, j in p.hard_pairs if ctx.overlap(i, j)]

    def add(self, b):
        pass  # expressed together with the pair costs (ConflictCost.add), where the formulation needs both


class ConflictCost(Rule):
    """Soft: the interest of every pair of talks that run in parallel (hard pairs × factor when soft)."""

    key, label, hard = "conflict", "conflict cost (interest of talks in parallel)", False

    def check(self, ctx):
        return []

    def cost(self, ctx) -> tuple[float, float]:
        """(interest of all parallel pairs, interest of the hard pairs among them)."""
        p = ctx.problem
        hard = set(p.hard_pairs)
        total = hard_total = 0.0
        for pair in ctx.parallel_pairs:
            x = p.interest.get(pair, 0.0)
            total += x
            if pair in hard:
                hard_total += x
        return total, hard_total

    def add(self, b):
        p = b.problem
        hard_apart = b.hard_pairs_mode == "hard"
        forbidden = list(p.hard_pairs) if hard_apart else []
        b.add_pair_costs(p.pair_costs(hard_apart), forbidden)


class CapacityCost(Rule):
    """Soft: persons of estimated audience above the venue's capacity (default objective), or
    the talk-slots held in a room too small for the talk's audience (the article's objective)."""

    key, label, hard = "capacity", "audience above venue capacity", False

    def check(self, ctx):
        return []

    def cost(self, ctx) -> tuple[int, list[int]]:
        p = ctx.problem
        short = {i: p.seats_short(i, ctx.schedule[i][0]) for i in ctx.valid}
        return sum(short.values()), [i for i, x in short.items() if x > 0]

    def slots_in_small_rooms(self, ctx) -> int:
        """The article's measure, counted the other way round: talk-slots in a room too small."""
        p = ctx.problem
        return sum(p.talks[i].slots for i in ctx.valid if p.too_small(i, ctx.schedule[i][0]))

    def add(self, b):
        p = b.problem
        terms = [(p.venue_cost(i, v), i, v) for i in range(p.T) for v in p.venues_for(i)]
        if any(c > 0 for c, _, _ in terms):
            b.add_cost(self.key, sum(c * b.in_venue(i, v) for c, i, v in terms if c > 0))


HARD_RULES: list[Rule] = [EveryTalkOnce(), OneTalkPerVenue(), Consecutive(), SpeakerOnePlace(), NotAt(),
                          RequiredVenue(), HardPairsApart()]
SOFT_RULES: list[Rule] = [ConflictCost(), CapacityCost()]
ALL_RULES = HARD_RULES + SOFT_RULES


# --------------------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------------------

@dataclass
class Miss:
    attendee: str
    rank: int  # 1-based pick number lost
    talk: int
    because_rank: int | None  # pick number of the talk they attend instead (None: giving their own talk)
    because: int
    slot: int  # timeslot where the two meet


@dataclass
class Evaluation:
    problem: TalkProblem
    schedule: Schedule
    violations: list[Violation]
    conflict_cost: float
    hard_conflict_cost: float
    hard_parallel: list[tuple[int, int]]
    seats_short: int
    over_capacity: list[int]
    slots_too_small: int  # talk-slots held in a room too small for the talk's audience
    misses: list[Miss]
    parallel_pairs: list[tuple[int, int]]

    @property
    def feasible(self) -> bool:
        """No rule broken except possibly hard pairs (which may have fallen back to soft)."""
        return not [v for v in self.violations if v.rule != HardPairsApart.key]

    @property
    def all_hard_pairs_apart(self) -> bool:
        return not self.hard_parallel

    @property
    def objective(self) -> float:
        """The cost every formulation minimises: :meth:`TalkProblem.pair_cost` of the pairs in
        parallel (hard pairs × the hard pair factor) + :meth:`TalkProblem.venue_cost` of each talk."""
        p = self.problem
        pairs = sum(p.pair_cost(pair, hard_apart=False) for pair in self.parallel_pairs)
        venues = sum(p.venue_cost(i, vs[0]) for i, vs in self.schedule.items()
                     if vs is not None and 0 <= vs[0] < p.V and 0 <= vs[1] < p.S)
        return pairs + venues

    @property
    def talk_slots(self) -> int:
        return sum(t.slots for t in self.problem.talks)

    @property
    def slots_big_enough(self) -> int:
        """The article's objective: talk-slots held in a room big enough for the talk's audience."""
        p = self.problem
        return sum(p.talks[i].slots for i, vs in self.schedule.items()
                   if vs is not None and 0 <= vs[0] < p.V and 0 <= vs[1] < p.S and not p.too_small(i, vs[0]))

    def by_rule(self, key: str) -> list[Violation]:
        return [v for v in self.violations if v.rule == key]


def attendee_misses(ctx: Context) -> list[Miss]:
    """Picks each attendee loses: going down their picks, a pick that overlaps a talk they
    already attend (a better pick, or their own talk as speaker) is lost to it."""
    p = ctx.problem
    out: list[Miss] = []
    for name, ranks in p.picks.items():
        attending: list[tuple[int | None, int]] = [(None, i) for i in p.speaker_talks.get(name, []) if i in ctx.valid]
        for r, i in enumerate(ranks):
            if i is None or i not in ctx.valid or any(i == j for _, j in attending):
                continue
            clash = next(((rr, j) for rr, j in attending if ctx.overlap(i, j)), None)
            if clash is None:
                attending.append((r + 1, i))
            else:
                rr, j = clash
                slot = max(ctx.covered[i].start, ctx.covered[j].start)
                out.append(Miss(name, r + 1, i, rr, j, slot))
    return out


def evaluate(problem: TalkProblem, schedule: Schedule) -> Evaluation:
    ctx = Context.of(problem, schedule)
    violations = [v for rule in HARD_RULES for v in rule.check(ctx)]
    conflict, hard_conflict = ConflictCost().cost(ctx)
    short, over = CapacityCost().cost(ctx)
    return Evaluation(
        problem=problem, schedule=dict(schedule), violations=violations,
        conflict_cost=conflict, hard_conflict_cost=hard_conflict,
        hard_parallel=[v.talks for v in violations if v.rule == HardPairsApart.key],
        seats_short=short, over_capacity=over, slots_too_small=CapacityCost().slots_in_small_rooms(ctx),
        misses=attendee_misses(ctx),
        parallel_pairs=ctx.parallel_pairs,
    )
