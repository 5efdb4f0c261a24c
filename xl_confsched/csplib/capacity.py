"""Capacity check before solving, in the organiser's words.

A track kept in one room can hold at most the slots of all sessions in that room; a
multi-slot talk needs a session with enough slots.  When a demand cannot be met, the
check says which track (or talk), how many slots it needs, what one room offers, and
what the schedule will have to do instead (use more rooms, run in parallel).  The
optimiser lets exactly these tracks use parallel rooms (elastically, with a penalty).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .problem import Problem


@dataclass
class CapacityReport:
    messages: list[str] = field(default_factory=list)  # organiser-worded findings (problems only)
    min_rooms: dict[int, int] = field(default_factory=dict)  # track -> rooms it needs at least (when > 1)
    unplaceable: list[int] = field(default_factory=list)  # submissions longer than every session
    track_demand: dict[int, int] = field(default_factory=dict)
    room_capacity: int = 0  # slots one room offers over all sessions
    total_demand: int = 0
    total_capacity: int = 0

    @property
    def must_split(self) -> set[int]:
        return set(self.min_rooms)

    @property
    def ok(self) -> bool:
        return not self.messages


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _fits(sizes: list[int], bins: list[int]) -> bool:
    """First-fit decreasing of talk lengths into session capacities (one room per copy)."""
    free = sorted(bins, reverse=True)
    for q in sorted(sizes, reverse=True):
        for i, f in enumerate(free):
            if f >= q:
                free[i] = f - q
                break
        else:
            return False
    return True


def check_capacity(problem: Problem) -> CapacityReport:
    p = problem
    m = [s.slots for s in p.sessions]
    rep = CapacityReport(room_capacity=sum(m), total_capacity=sum(m) * p.R,
                         total_demand=sum(s.required_slots for s in p.submissions))
    longest = max(m)
    for n, sub in enumerate(p.submissions):
        if sub.required_slots > longest:
            rep.unplaceable.append(n)
            rep.messages.append(
                f"submission {sub.ref} needs {_plural(sub.required_slots, 'slot')} in one session, but the longest "
                f"session has {longest}: it cannot be scheduled as one talk. Lengthen a session or shorten the talk.")
    if rep.total_demand > rep.total_capacity:
        rep.messages.append(
            f"the submissions need {rep.total_demand} slots in all; {p.R} rooms over {p.S} sessions offer "
            f"{rep.total_capacity}: add sessions or rooms, or remove talks.")
    for k, subs in enumerate(p.submissions_of_track):
        sizes = [p.submissions[n].required_slots for n in subs if n not in rep.unplaceable]
        demand = sum(sizes)
        rep.track_demand[k] = demand
        if not sizes:
            continue
        rooms = 1
        while rooms <= p.R and not _fits(sizes, m * rooms):
            rooms += 1
        if rooms > 1:
            rep.min_rooms[k] = rooms
            name = p.tracks[k].name
            why = (f"one room offers at most {rep.room_capacity} over the {p.S} sessions"
                   if demand > rep.room_capacity else
                   f"its talks of {', '.join(str(q) for q in sorted(set(sizes), reverse=True))} slots do not pack "
                   f"into the sessions of one room ({rep.room_capacity} slots)")
            rep.messages.append(
                f"track {name} needs {demand} slots; {why}: it has to use {_WORDS.get(rooms, rooms)} rooms, "
                f"running in parallel rooms in some sessions.")
    # cells: every track takes whole session-room cells
    cells_needed = 0
    for k, demand in rep.track_demand.items():
        acc, c = 0, 0
        for cap in sorted(m, reverse=True) * max(1, rep.min_rooms.get(k, 1)):
            if acc >= demand:
                break
            acc += cap
            c += 1
        cells_needed += c
    if cells_needed > p.S * p.R:
        rep.messages.append(
            f"the tracks need at least {cells_needed} session-room cells (one track per room and session) but there "
            f"are {p.S * p.R}: add rooms or sessions, or merge small tracks.")
    # a presenter with talks in more tracks than there are sessions cannot avoid a clash
    tracks_of = defaultdict(set)
    for sub in p.submissions:
        for name in sub.presenters:
            if name:
                tracks_of[name].add(sub.track)
    for name, ks in sorted(tracks_of.items()):
        if len(ks) > p.S:
            rep.messages.append(
                f"presenter {name} presents in {len(ks)} tracks but there are only {p.S} sessions: two of their talks "
                f"will run at the same time.")
    return rep


def min_cells(problem: Problem, k: int, rooms: int | None = None) -> int:
    """Fewest session-room cells track k can use: its talks' slots, largest cells first.

    ``rooms``: how many rooms of one session the track may hold (default all of them — any
    schedule the template allows)."""
    per_session = problem.R if rooms is None else rooms
    m = sorted([s.slots for s in problem.sessions] * per_session, reverse=True)
    longest = max(s.slots for s in problem.sessions)
    demand = sum(problem.submissions[n].required_slots for n in problem.submissions_of_track[k]
                 if problem.submissions[n].required_slots <= longest)
    acc, c = 0, 0
    for cap in m:
        if acc >= demand:
            break
        acc += cap
        c += 1
    return c
