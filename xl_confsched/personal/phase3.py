"""Phase 3: blocks to block-timeslots (presenter availability), sessions to rooms, chairs.

* Blocks go to block-timeslots of the same length by the assignment model (7)-(10),
  minimising violated presenter availabilities; it is a linear assignment problem, solved
  exactly (Hungarian method, scipy) for each block length.
* Rooms: per block, the sessions go to rooms minimising the overflow (participants whose
  itinerary takes them to a talk beyond the room's capacity), and among those, the more
  wanted sessions to the larger rooms (the paper's rule).  Rooms and order do not change
  attendance or hops.
* Chairs: per session, a participant with the most wanted talks in it who does not present
  in a parallel session; one chair per participant per block, duties spread out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .hopping import hopping_path
from .problem import Problem, Schedule

BIG = 10 ** 6


@dataclass
class Phase3Result:
    schedule: Schedule
    violations: int
    block_of_slot: list[int]  # block-timeslot → phase-2 block
    chairs: dict[tuple[int, int], list[int]]  # (block-timeslot, room) → participants, best first
    seats_overflow: int


def assign_blocks(problem: Problem, blocks: list[list[list[int]]]) -> tuple[list[int], int]:
    """block_of_slot[b'] = index of the phase-2 block placed in block-timeslot b'."""
    out = [-1] * len(problem.blocks)
    total = 0
    for k in sorted({bs.k for bs in problem.blocks}):
        slots = [b for b, bs in enumerate(problem.blocks) if bs.k == k]
        cands = [i for i, lay in enumerate(blocks) if len(lay) == k]
        if len(slots) != len(cands):
            raise ValueError(f"{len(cands)} blocks of length {k} for {len(slots)} block-timeslots")
        cost = np.zeros((len(cands), len(slots)), dtype=np.int64)
        for a, i in enumerate(cands):
            talks = [x for row in blocks[i] for x in row]
            for c, b in enumerate(slots):
                cost[a, c] = sum((x, b) in problem.unavailable for x in talks)
        ra, ca = linear_sum_assignment(cost)
        for a, c in zip(ra, ca):
            out[slots[c]] = cands[a]
            total += int(cost[a, c])
    return out, total


def _audience(problem: Problem, layout: list[list[int]]) -> dict[int, int]:
    aud: dict[int, int] = {}
    for part in problem.participants:
        if not part.wanted:
            continue
        _, _, path = hopping_path(layout, part.wanted)
        for s, r in enumerate(path):
            if r is not None:
                x = layout[s][r]
                aud[x] = aud.get(x, 0) + 1
    return aud


def assign_rooms(problem: Problem, layout: list[list[int]]) -> tuple[list[int], int]:
    """room_of_session[c] for the sessions (columns) of one block, and its overflow."""
    n, R = len(layout[0]), len(problem.rooms)
    aud = _audience(problem, layout)
    a = problem.profile_matrix
    wanted = [int(sum(a[:, x].sum() for x in (row[c] for row in layout))) for c in range(n)]
    caps = [r.capacity for r in problem.rooms]
    known = [c for c in caps if c is not None]
    size = [c if c is not None else (max(known) if known else 0) for c in caps]
    rank = [0] * R  # 0 = largest room (ties: the room listed first)
    for i, r in enumerate(sorted(range(R), key=lambda r: (-size[r], r))):
        rank[r] = i
    overflow = np.zeros((n, R), dtype=np.int64)
    cost = np.zeros((n, R), dtype=float)
    for c in range(n):
        for r in range(R):
            if caps[r] is not None:
                overflow[c, r] = sum(max(0, aud.get(row[c], 0) - caps[r]) for row in layout)
            cost[c, r] = overflow[c, r] * BIG - wanted[c] * (R - rank[r])
    rows, cols = linear_sum_assignment(cost)
    room_of = [0] * n
    for c, r in zip(rows, cols):
        room_of[c] = int(r)
    return room_of, int(sum(overflow[c, room_of[c]] for c in range(n)))


def choose_chairs(problem: Problem, schedule: Schedule, per_session: int = 3) -> dict[tuple[int, int], list[int]]:
    names = {p.name.casefold(): i for i, p in enumerate(problem.participants)}
    duties = [0] * len(problem.participants)
    out: dict[tuple[int, int], list[int]] = {}
    a = problem.profile_matrix
    for b, bs in enumerate(problem.blocks):
        rows = [schedule.grid[bs.first + s] for s in range(bs.k)]
        rooms = [r for r in range(len(problem.rooms)) if any(row[r] is not None for row in rows)]
        presenter_room: dict[int, set[int]] = {}
        for r in rooms:
            for row in rows:
                x = row[r]
                if x is not None and not problem.talks[x].dummy and problem.talks[x].presenter:
                    p = names.get(problem.talks[x].presenter.casefold())
                    if p is not None:
                        presenter_room.setdefault(p, set()).add(r)
        P = len(problem.participants)
        score = np.zeros((len(rooms), P), dtype=float)
        for i, r in enumerate(rooms):
            talks = [row[r] for row in rows if row[r] is not None]
            w = a[:, talks].sum(axis=1).astype(float)
            for p in range(P):
                pres = presenter_room.get(p, set())
                if pres - {r}:
                    score[i, p] = -BIG  # presents in a parallel session
                elif w[p] > 0:
                    score[i, p] = w[p] * 1000 - (100 if r in pres else 0) - 10 * duties[p]
                else:
                    score[i, p] = -1
        if P == 0:
            continue
        ri, pi = linear_sum_assignment(-score)
        for i, p in zip(ri, pi):
            r = rooms[i]
            if score[i, p] <= 0:
                out[(b, r)] = []
                continue
            duties[p] += 1
            order = [int(q) for q in np.argsort(-score[i], kind="stable") if score[i, q] > 0 and q != p]
            out[(b, r)] = [int(p)] + order[:per_session - 1]
    return out


def solve_phase3(problem: Problem, blocks: list[list[list[int]]]) -> Phase3Result:
    block_of_slot, violations = assign_blocks(problem, blocks)
    R = len(problem.rooms)
    grid: list[list[int | None]] = [[None] * R for _ in range(problem.n_timeslots)]
    overflow = 0
    for b, bs in enumerate(problem.blocks):
        layout = blocks[block_of_slot[b]]
        room_of, ov = assign_rooms(problem, layout)
        overflow += ov
        for s, row in enumerate(layout):
            for c, x in enumerate(row):
                grid[bs.first + s][room_of[c]] = x
    schedule = Schedule(grid=grid)
    return Phase3Result(schedule, violations, block_of_slot, choose_chairs(problem, schedule), overflow)
