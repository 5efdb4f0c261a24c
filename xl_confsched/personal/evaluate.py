"""Score a complete timetable, independently of the models that built it.

Used for the result sheets, for ``check`` (a timetable edited by hand) and by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .hopping import hopping_path
from .problem import Problem, Schedule


@dataclass
class Visit:
    participant: int
    timeslot: int
    block: int
    slot: int  # within the block
    talk: int
    room: int
    hop: bool  # came from another room (within the block)
    missed: list[int] = field(default_factory=list)  # other wanted talks at the same time


@dataclass
class Evaluation:
    upper_bound: int
    attendance: int
    missed: int
    hops: int
    violations: int
    violation_list: list[tuple[int, int]]  # (talk, block)
    presenter_clashes: list[tuple[int, str]]  # (timeslot, presenter)
    visits: list[Visit]
    hops_by_participant: list[int]
    attendance_by_participant: list[int]
    audience: dict[int, int]  # talk → participants whose itinerary attends it
    overflow: int  # Σ over talks of max(0, audience − capacity)
    missing_talks: list[int]
    duplicate_talks: list[int]


def evaluate(problem: Problem, schedule: Schedule) -> Evaluation:
    grid = schedule.grid
    R = len(problem.rooms)
    where: dict[int, list[tuple[int, int]]] = {}
    for t, row in enumerate(grid):
        for r, x in enumerate(row):
            if x is not None:
                where.setdefault(x, []).append((t, r))
    missing = [x for x in range(problem.n_talks) if x not in where and not problem.talks[x].dummy]
    duplicate = [x for x, w in where.items() if len(w) > 1]
    missed = 0
    for row in grid:
        present = {x for x in row if x is not None}
        for part in problem.participants:
            c = len(part.wanted & present)
            missed += max(0, c - 1)
    visits: list[Visit] = []
    hops_by = [0] * len(problem.participants)
    att_by = [0] * len(problem.participants)
    audience: dict[int, int] = {}
    for p, part in enumerate(problem.participants):
        if not part.wanted:
            continue
        for b, bs in enumerate(problem.blocks):
            block = [list(grid[bs.first + s]) + [None] * (R - len(grid[bs.first + s])) for s in range(bs.k)]
            att, hops, path = hopping_path(block, part.wanted)
            hops_by[p] += hops
            att_by[p] += att
            prev = None
            for s, r in enumerate(path):
                if r is None:
                    continue
                x = block[s][r]
                others = [y for y in block[s] if y is not None and y != x and y in part.wanted]
                visits.append(Visit(p, bs.first + s, b, s, x, r, prev is not None and prev != r, others))
                audience[x] = audience.get(x, 0) + 1
                prev = r
    violation_list = []
    clashes = []
    for b, bs in enumerate(problem.blocks):
        for s in range(bs.k):
            seen: dict[str, int] = {}
            for x in grid[bs.first + s]:
                if x is None:
                    continue
                if (x, b) in problem.unavailable:
                    violation_list.append((x, b))
                tk = problem.talks[x]
                if tk.presenter and not tk.dummy:
                    key = tk.presenter.casefold()
                    if key in seen:
                        clashes.append((bs.first + s, tk.presenter))
                    seen[key] = x
    overflow = 0
    for x, a in audience.items():
        for t, r in where.get(x, [])[:1]:
            cap = problem.rooms[r].capacity
            if cap is not None:
                overflow += max(0, a - cap)
    attendance = sum(att_by)
    return Evaluation(problem.upper_bound, attendance, missed, sum(hops_by), len(violation_list), violation_list,
                      clashes, visits, hops_by, att_by, audience, overflow, missing, duplicate)
