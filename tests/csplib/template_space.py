"""Schedules of the template space, found without the optimiser's model.

The space (``xl_confsched/csplib/bounds.py``): every submission sits once, in Required
Timeslots consecutive slots of one session and room whose grid entry is its own track;
the grid is otherwise free — a track may use several rooms, several rooms of one
session, cells without talks; presenters may be double-booked.

``random_schedule(problem, rng, style)`` draws one schedule of that space: a random packing
of the tracks into cells (``pack``: one track per cell, talks laid out with random gaps,
backtracking so that tight instances such as N2OR, with no slot to spare, are packed too),
then random moves that stay in the space.  The styles bias the moves towards what the old
session model could not represent:

* ``compact`` — talks move between a track's own cells, cells swap places;
* ``spread`` — talks move to free cells anywhere (tracks in many rooms);
* ``parallel`` — talks move to free cells of sessions their track already holds (two rooms
  of one session);
* ``clash`` — a talk moves to the session of a talk of the same presenter, another room
  (double-booked presenters);
* ``empty`` — free cells get a track without any of its talks (and a cell emptied by a move
  often keeps its track);
* ``mixed`` — every move drawn from all of the above.

Multi-slot talks always stay in consecutive slots of one cell.
``template_space_errors`` says why a schedule is outside the space (empty: inside).
``all_schedules`` enumerates the whole space of a tiny instance.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Iterator

from xl_confsched.csplib.problem import Problem
from xl_confsched.csplib.schedule import Schedule

STYLES = ("compact", "spread", "parallel", "clash", "empty", "mixed")


def template_space_errors(problem: Problem, sched: Schedule) -> list[str]:
    """Why ``sched`` is not a schedule the template allows (empty list: it is one)."""
    out = []
    cells = defaultdict(list)
    for (s, r, t), n in sched.cells.items():
        cells[n].append((s, r, t))
    for n, sub in enumerate(problem.submissions):
        where = sorted(cells.get(n, []))
        if len(where) != sub.required_slots:
            out.append(f"{sub.ref}: {len(where)} slot(s), needs {sub.required_slots}")
            continue
        s, r, t0 = where[0]
        if where != [(s, r, t0 + i) for i in range(sub.required_slots)]:
            out.append(f"{sub.ref}: not consecutive slots of one session and room: {where}")
            continue
        if t0 + sub.required_slots > problem.sessions[s].slots:
            out.append(f"{sub.ref}: beyond the last slot of session {s}")
        if sched.grid.get((s, r)) != sub.track:
            out.append(f"{sub.ref}: in cell {(s, r)} whose grid entry is {sched.grid.get((s, r))}, not its track")
    for (s, r), k in sched.grid.items():
        if not (0 <= s < problem.S and 0 <= r < problem.R and 0 <= k < problem.T):
            out.append(f"grid entry {(s, r)} -> {k} out of range")
    return out


def _ffd(sizes: list[int], bins: list[int]) -> list[int] | None:
    """First-fit decreasing: for each size (in the given order) the bin it goes to, or None."""
    free = list(bins)
    out = []
    for q in sizes:
        for i, f in enumerate(free):
            if f >= q:
                free[i] -= q
                out.append(i)
                break
        else:
            return None
    return out


def pack(problem: Problem, rng: random.Random, cost=None, node_limit: int = 20000) -> Schedule:
    """A random complete schedule with one track per cell and every cell of a track holding talks.

    Tracks are taken longest talk first, then largest; each picks a combination of cell sizes
    that holds its talks (first-fit decreasing) without wasting more slots than the instance can
    spare, with backtracking (tight instances such as N2OR have no slot to spare at all), and
    then cells of those sizes: at random, or — with ``cost(k, s, r)`` — its cheapest free cells
    (rooms of one session included), the combination chosen by that cost first."""
    p = problem
    free: dict[int, list[tuple[int, int]]] = defaultdict(list)  # size -> free cells
    for s in range(p.S):
        for r in range(p.R):
            free[p.sessions[s].slots].append((s, r))
    for v in free.values():
        rng.shuffle(v)
    distinct = sorted(free)
    talks = {k: sorted((p.submissions[n].required_slots for n in p.submissions_of_track[k]), reverse=True)
             for k in range(p.T)}
    demand = {k: sum(v) for k, v in talks.items()}
    slack0 = sum(len(free[m]) * m for m in distinct) - sum(demand.values())
    longest = {k: (v[0] if v else 0) for k, v in talks.items()}
    tracks = sorted(range(p.T), key=lambda k: (-longest[k], -demand[k], rng.random()))
    nodes = 0

    def cells_for(k: int, cmb: dict[int, int]) -> list[tuple[int, int]]:
        out = []
        for m, c in cmb.items():
            pool = free[m] if cost is None else sorted(free[m], key=lambda sr: cost(k, *sr))
            out += pool[:c] if cost is not None else pool[-c:] if c else []
        return out

    def combos(k: int, slack: int) -> list[dict[int, int]]:
        """Cell-size counts that hold track k's talks, cheapest (with a cost) or least waste first."""
        need, q_max = demand[k], longest[k]
        waste_max = min(slack, 2 * distinct[-1])
        out = []

        def rec(i, counts, cap):
            if cap >= need:
                if cap - need <= waste_max:
                    out.append({m: c for m, c in counts.items() if c})
                return
            if i == len(distinct):
                return
            m = distinct[i]
            for c in range(0, len(free[m]) + 1):
                if cap + c * m > need + waste_max + m:
                    break
                counts[m] = c
                rec(i + 1, counts, cap + c * m)
            counts.pop(m, None)
        rec(0, {}, 0)
        good = []
        for cmb in out:
            bins = sorted((m for m, c in cmb.items() for _ in range(c)), reverse=True)
            if bins and bins[0] >= q_max and _ffd(talks[k], bins) is not None:
                waste = sum(m * c for m, c in cmb.items()) - need + rng.random() * 1.5
                price = sum(cost(k, *sr) for sr in cells_for(k, cmb)) if cost is not None else 0
                good.append(((price, waste), cmb))
        return [cmb for _, cmb in sorted(good, key=lambda x: x[0])]

    chosen: dict[int, list[tuple[int, int]]] = {}

    def dfs(i: int, slack: int) -> bool:
        nonlocal nodes
        if i == len(tracks):
            return True
        nodes += 1
        if nodes > node_limit:
            return False
        k = tracks[i]
        for cmb in combos(k, slack):
            cells = cells_for(k, cmb)
            for c in cells:
                free[p.sessions[c[0]].slots].remove(c)
            chosen[k] = cells
            if dfs(i + 1, slack - (sum(m * c for m, c in cmb.items()) - demand[k])):
                return True
            for c in cells:
                free[p.sessions[c[0]].slots].append(c)
        return False

    for _ in range(20):
        if dfs(0, slack0):
            break
        nodes = 0
        tracks.sort(key=lambda k: (-longest[k], -demand[k] + rng.random() * 4))
    else:
        raise RuntimeError(f"{problem.name}: no packing of the tracks into the cells found")
    sched = Schedule()
    for k in range(p.T):
        cells = sorted(chosen[k], key=lambda c: (-p.sessions[c[0]].slots, rng.random()))
        bins = [p.sessions[c[0]].slots for c in cells]
        subs = sorted(p.submissions_of_track[k], key=lambda n: (-p.submissions[n].required_slots, rng.random()))
        where = _ffd([p.submissions[n].required_slots for n in subs], bins)
        in_cell = defaultdict(list)
        for n, i in zip(subs, where):
            in_cell[i].append(n)
        for i, cell in enumerate(cells):
            sched.grid[cell] = k
            members = in_cell[i]
            rng.shuffle(members)
            _lay_out(p, sched, cell, members, rng)
    return sched


def _lay_out(p: Problem, sched: Schedule, cell: tuple[int, int], members: list[int], rng: random.Random) -> None:
    """Put ``members`` in this order into the cell, spare slots spread at random between them."""
    s, r = cell
    spare = p.sessions[s].slots - sum(p.submissions[n].required_slots for n in members)
    gaps = [0] * (len(members) + 1)
    for _ in range(spare):
        gaps[rng.randrange(len(gaps))] += 1
    t = 0
    for n, g in zip(members, gaps):
        t += g
        for i in range(p.submissions[n].required_slots):
            sched.cells[(s, r, t + i)] = n
        t += p.submissions[n].required_slots


class _Walk:
    """Random moves that keep a schedule inside the template space."""

    MOVES = {  # style -> move weights
        "compact": {"join": 3, "merge": 2, "swap_cells": 3, "relocate": 2, "shift": 2, "swap_talks": 2, "drop": 1},
        "spread": {"open": 6, "join": 1, "swap_cells": 2, "relocate": 1, "shift": 1},
        "parallel": {"twin": 6, "swap_cells": 2, "join": 1, "shift": 1},
        "clash": {"clash": 6, "swap_cells": 2, "shift": 1},
        "empty": {"open": 3, "empty": 3, "swap_cells": 1, "shift": 1},
    }

    def __init__(self, problem: Problem, sched: Schedule, rng: random.Random):
        self.p, self.s, self.rng = problem, sched, rng
        self.content: dict[tuple[int, int], list[int]] = defaultdict(list)
        for (s, r, t), n in sched.scan():
            if n not in self.content[(s, r)]:
                self.content[(s, r)].append(n)
        self.cell_of = {n: c for c, ns in self.content.items() for n in ns}
        self.partners: dict[int, list[int]] = defaultdict(list)
        for a, b in problem.derived.presenter_conflicts:
            self.partners[a].append(b)
            self.partners[b].append(a)

    def used(self, cell) -> int:
        return sum(self.p.submissions[n].required_slots for n in self.content.get(cell, []))

    def fits(self, cell, n) -> bool:
        return self.p.sessions[cell[0]].slots - self.used(cell) >= self.p.submissions[n].required_slots

    def relayout(self, cell) -> None:
        s, r = cell
        for t in range(self.p.sessions[s].slots):
            self.s.cells.pop((s, r, t), None)
        members = self.content.get(cell, [])
        if members:
            _lay_out(self.p, self.s, cell, members, self.rng)

    def move(self, n, dest) -> None:
        src = self.cell_of[n]
        k = self.p.submissions[n].track
        self.content[src].remove(n)
        if dest not in self.s.grid:
            self.s.grid[dest] = k
        self.content[dest].append(n)
        self.rng.shuffle(self.content[dest])
        self.cell_of[n] = dest
        if not self.content[src] and self.rng.random() < 0.5:
            del self.s.grid[src]  # else the track keeps a cell without talks
        self.relayout(src)
        self.relayout(dest)

    def free_cells(self, n):
        q = self.p.submissions[n].required_slots
        return [(s, r) for s in range(self.p.S) for r in range(self.p.R)
                if (s, r) not in self.s.grid and self.p.sessions[s].slots >= q]

    def step(self, kind: str) -> None:
        p, rng = self.p, self.rng
        n = rng.randrange(p.N)
        k = p.submissions[n].track
        if kind == "open":
            free = self.free_cells(n)
            if free:
                self.move(n, rng.choice(free))
        elif kind == "twin":
            held = {s for (s, r), kk in self.s.grid.items() if kk == k}
            free = [c for c in self.free_cells(n) if c[0] in held]
            if free:
                self.move(n, rng.choice(free))
        elif kind == "join":
            own = [c for c, kk in self.s.grid.items() if kk == k and c != self.cell_of[n] and self.fits(c, n)]
            if own:
                self.move(n, rng.choice(own))
        elif kind == "clash":
            if not self.partners.get(n):
                return
            m = rng.choice(self.partners[n])
            s_m, r_m = self.cell_of[m]
            options = [c for c in self.free_cells(n) if c[0] == s_m] + \
                [c for c, kk in self.s.grid.items() if kk == k and c[0] == s_m and c[1] != r_m
                 and c != self.cell_of[n] and self.fits(c, n)]
            if options:
                self.move(n, rng.choice(options))
        elif kind == "swap_cells":
            a = rng.choice(list(self.s.grid))
            b = (rng.randrange(p.S), rng.randrange(p.R))
            if a == b:
                return
            ca, cb = self.used(a), self.used(b)
            if ca > p.sessions[b[0]].slots or cb > p.sessions[a[0]].slots or \
                    any(p.submissions[x].required_slots > p.sessions[b[0]].slots for x in self.content.get(a, [])) or \
                    any(p.submissions[x].required_slots > p.sessions[a[0]].slots for x in self.content.get(b, [])):
                return
            ga, gb = self.s.grid.pop(a, None), self.s.grid.pop(b, None)
            if ga is not None:
                self.s.grid[b] = ga
            if gb is not None:
                self.s.grid[a] = gb
            self.content[a], self.content[b] = self.content.get(b, []), self.content.get(a, [])
            for x in self.content[a]:
                self.cell_of[x] = a
            for x in self.content[b]:
                self.cell_of[x] = b
            self.relayout(a)
            self.relayout(b)
        elif kind == "swap_talks":
            others = [m for m in p.submissions_of_track[k] if self.cell_of[m] != self.cell_of[n]
                      and p.submissions[m].required_slots == p.submissions[n].required_slots]
            if others:
                m = rng.choice(others)
                a, b = self.cell_of[n], self.cell_of[m]
                ia, ib = self.content[a].index(n), self.content[b].index(m)
                self.content[a][ia], self.content[b][ib] = m, n
                self.cell_of[n], self.cell_of[m] = b, a
                self.relayout(a)
                self.relayout(b)
        elif kind == "shift":
            c = rng.choice(list(self.content)) if self.content else None
            if c is not None:
                rng.shuffle(self.content[c])
                self.relayout(c)
        elif kind == "relocate":  # a whole cell to a free cell that holds it
            a = rng.choice(list(self.s.grid))
            free = [c for c in self.free_cells(n) if p.sessions[c[0]].slots >= self.used(a) and
                    all(p.sessions[c[0]].slots >= p.submissions[x].required_slots for x in self.content.get(a, []))]
            if free:
                b = rng.choice(free)
                self.s.grid[b] = self.s.grid.pop(a)
                self.content[b], self.content[a] = self.content.get(a, []), []
                for x in self.content[b]:
                    self.cell_of[x] = b
                self.relayout(a)
                self.relayout(b)
        elif kind == "merge":  # the talks of one of k's cells into another of its cells
            a = self.cell_of[n]
            own = [c for c, kk in self.s.grid.items() if kk == k and c != a and
                   p.sessions[c[0]].slots - self.used(c) >= self.used(a) and
                   all(p.sessions[c[0]].slots >= p.submissions[x].required_slots for x in self.content[a])]
            if own:
                b = rng.choice(own)
                for x in list(self.content[a]):
                    self.content[b].append(x)
                    self.cell_of[x] = b
                self.content[a] = []
                del self.s.grid[a]
                self.relayout(a)
                self.relayout(b)
        elif kind == "drop":  # a cell without talks loses its track
            idle = [c for c in self.s.grid if not self.content.get(c)]
            if idle:
                del self.s.grid[rng.choice(idle)]
        elif kind == "empty":
            free = [(s, r) for s in range(p.S) for r in range(p.R) if (s, r) not in self.s.grid]
            if free:
                self.s.grid[rng.choice(free)] = rng.randrange(p.T)


def random_schedule(problem: Problem, rng: random.Random, style: str = "mixed", moves: int | None = None) -> Schedule:
    """One random schedule of the template space: a random packing, then ``moves`` random moves of
    ``style`` (default: a random number up to 3 per submission)."""
    sched = pack(problem, rng)
    walk = _Walk(problem, sched, rng)
    if moves is None:
        moves = rng.randrange(3 * problem.N + 1)
    for _ in range(moves):
        st = rng.choice(STYLES[:-1]) if style == "mixed" else style
        kinds, weights = zip(*_Walk.MOVES[st].items())
        walk.step(rng.choices(kinds, weights)[0])
    return sched


def all_schedules(problem: Problem) -> Iterator[Schedule]:
    """Every schedule of the template space of a tiny instance (grid cells without talks included)."""
    p = problem
    cells = [(s, r) for s in range(p.S) for r in range(p.R)]
    order = sorted(range(p.N), key=lambda n: -p.submissions[n].required_slots)

    def grids(i: int, grid: dict) -> Iterator[dict]:
        if i == len(cells):
            yield grid
            return
        for k in [None] + list(range(p.T)):
            if k is None:
                yield from grids(i + 1, grid)
            else:
                grid[cells[i]] = k
                yield from grids(i + 1, grid)
                del grid[cells[i]]

    for grid in grids(0, {}):
        by_track = defaultdict(list)
        for c, k in grid.items():
            by_track[k].append(c)
        if any(not by_track[p.submissions[n].track] for n in range(p.N)):
            continue
        free = {c: [True] * p.sessions[c[0]].slots for c in grid}
        placed: dict[tuple[int, int, int], int] = {}

        def talks(j: int) -> Iterator[dict]:
            if j == len(order):
                yield placed
                return
            n = order[j]
            q = p.submissions[n].required_slots
            for c in by_track[p.submissions[n].track]:
                f = free[c]
                for t0 in range(len(f) - q + 1):
                    if all(f[t0:t0 + q]):
                        for t in range(t0, t0 + q):
                            f[t] = False
                            placed[(c[0], c[1], t)] = n
                        yield from talks(j + 1)
                        for t in range(t0, t0 + q):
                            f[t] = True
                            del placed[(c[0], c[1], t)]

        for cells_now in talks(0):
            yield Schedule(grid=dict(grid), cells=dict(cells_now))


def descend(problem: Problem, sched: Schedule, rng: random.Random, key: str | tuple[str, ...],
            steps: int = 300) -> Schedule:
    """Random moves that do not raise term ``key`` (its rule alone is evaluated; several keys: the
    sum of their weighted penalties): a schedule of the template space where that term is low, to
    test that term's bound where it is tightest."""
    from xl_confsched.csplib.rules import RULE_BY_KEY

    keys = (key,) if isinstance(key, str) else tuple(key)
    rules = [(k, RULE_BY_KEY[k], 1 if len(keys) == 1 else RULE_BY_KEY[k].weight(problem)) for k in keys]

    def value(s: Schedule) -> float:
        total = 0.0
        for k, rule, w in rules:
            fast = _grid_amount(problem, s, k)
            total += w * (fast if fast is not None else sum(v.amount for v in rule.evaluate(problem, s)))
        return total

    walk = _Walk(problem, sched, rng)
    kinds = sorted({k for moves in _Walk.MOVES.values() for k in moves})
    best = value(walk.s)
    for _ in range(steps):
        if best <= 0 and not any(v < 0 for k in keys for v in _values_of(problem, k)):
            break
        saved = (dict(walk.s.grid), dict(walk.s.cells), {c: list(v) for c, v in walk.content.items()},
                 dict(walk.cell_of))
        walk.step(rng.choice(kinds))
        v = value(walk.s)
        if v <= best:
            best = v
        else:
            walk.s.grid, walk.s.cells = saved[0], saved[1]
            walk.content = defaultdict(list, saved[2])
            walk.cell_of = saved[3]
    return walk.s


def _grid_amount(problem: Problem, sched: Schedule, key: str) -> float | None:
    """The raw amount of a term that depends on the grid alone, computed without the facts (only to
    steer :func:`descend`; every schedule is scored by the evaluator afterwards). None: not such a term."""
    p, g = problem, sched.grid
    if key == "TS":
        return sum(p.track_session.get((k, s), 0) for (s, r), k in g.items())
    if key == "TR":
        return sum(p.track_room.get((k, r), 0) for (s, r), k in g.items())
    if key == "SR":
        return sum(p.session_room.get((s, r), 0) for (s, r) in g)
    if key in ("NR", "PAR", "CONS"):
        rooms, per_session, sessions = defaultdict(set), defaultdict(int), defaultdict(set)
        for (s, r), k in g.items():
            rooms[k].add(r)
            per_session[(s, k)] += 1
            sessions[k].add(s)
        if key == "NR":
            return sum(len(v) - 1 for v in rooms.values())
        if key == "PAR":
            return sum(c - 1 for c in per_session.values())
        return sum(1 for q in sessions.values() if len(q) >= 2 and max(q) - min(q) + 1 != len(q))
    return None


def _values_of(problem: Problem, key: str):
    """The raw penalty values a term can pick up (to know whether 0 is its floor)."""
    p = problem
    if key == "TS":
        return p.track_session.values()
    if key == "TR":
        return p.track_room.values()
    if key == "SR":
        return p.session_room.values()
    if key == "SIM":
        return p.similar.values()
    if key == "SS":
        return [v for sub in p.submissions for v in sub.session_penalty.values()]
    if key == "SP":
        return [v for sub in p.submissions for v in sub.room_penalty.values()]
    return [0]
