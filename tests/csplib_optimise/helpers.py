"""Small generated instances and random schedules for the optimiser tests."""

from __future__ import annotations

import random

from xl_confsched.csplib.problem import Parameters, Problem, Session, Submission, Track
from xl_confsched.csplib.schedule import Schedule
from xl_confsched.csplib.terms import TERM_KEYS


def make_instance(seed: int = 0, S: int = 4, R: int = 3, T: int = 4, N: int = 16, slots=(3, 3, 2, 3),
                  weights: dict[str, int] | None = None, big_track: int | None = None) -> Problem:
    """A random small instance with every term switched on (weights 1..5).

    ``big_track``: give track 0 this many extra one-slot talks (more than one room can hold)."""
    rng = random.Random(seed)
    sessions = [Session(name=f"S{s + 1}", slots=slots[s % len(slots)], start=540 + 120 * s, end=540 + 120 * s + 90)
                for s in range(S)]
    rooms = [f"Room {chr(65 + r)}" for r in range(R)]
    people = [f"P{i}" for i in range(8)]
    tracks = [Track(name=f"Track{k + 1}", chairs=[rng.choice(people)] if rng.random() < 0.5 else []) for k in range(T)]
    subs = []
    per_track = [0] * T
    for n in range(N + (big_track or 0)):
        k = n % T if n < N else 0
        per_track[k] += 1
        subs.append(Submission(
            ref=f"N{n + 1}", track=k, required_slots=2 if rng.random() < 0.12 and n < N else 1,
            order=rng.choice([0, 0, per_track[k], per_track[k] + 1]) if rng.random() < 0.5 else 0,
            timezone=rng.choice([0, 0, 0, -5, 8]),
            presenters=[rng.choice(people)] if rng.random() < 0.6 else [],
            attendees=rng.sample(people, 2) if rng.random() < 0.3 else [],
            session_penalty={s: rng.choice([1, 10]) for s in range(S) if rng.random() < 0.15},
            room_penalty={r: rng.choice([1, 5]) for r in range(R) if rng.random() < 0.1}))
    w = {key: rng.randint(1, 5) for key in TERM_KEYS}
    if weights:
        w.update(weights)
    params = Parameters(local_timezone=0, suitable_from=570, suitable_to=1290, less_suitable_from=480,
                        less_suitable_to=1380, small_penalty=1, big_penalty=10, weights=w)
    ts = {(k, s): rng.choice([1, 10]) for k in range(T) for s in range(S) if rng.random() < 0.15}
    tr = {(k, r): rng.choice([1, 10]) for k in range(T) for r in range(R) if rng.random() < 0.15}
    sr = {(s, r): 5 for s in range(S) for r in range(R) if rng.random() < 0.1}
    sim = {}
    for a in range(T):
        for b in range(a + 1, T):
            if rng.random() < 0.3:
                v = rng.choice([1, 3])
                sim[(a, b)] = sim[(b, a)] = v
    return Problem(name=f"gen{seed}", sessions=sessions, rooms=rooms, tracks=tracks, submissions=subs,
                   parameters=params, track_session=ts, track_room=tr, session_room=sr, similar=sim)


def random_schedule(problem: Problem, seed: int = 0, parallel: float = 0.3, empty: float = 0.0,
                    tries: int = 500) -> Schedule:
    """A random schedule of the space the template allows: every talk once, in consecutive slots of
    one cell of its own track (packed from the first slot).  On purpose it has what the paper's hard
    rules forbid: with probability ``parallel`` a track takes a second room of a session it already
    holds, tracks wander over rooms, and with probability ``empty`` a track holds a cell without
    talks (presenters double-booked follow)."""
    rng = random.Random(seed)
    p = problem
    m = [s.slots for s in p.sessions]
    for _ in range(tries):
        free = {(s, r) for s in range(p.S) for r in range(p.R)}
        grid: dict[tuple[int, int], int] = {}
        left: dict[tuple[int, int], int] = {}
        place: dict[int, tuple[int, int, int]] = {}
        ok = True
        for k in rng.sample(range(p.T), p.T):
            talks = sorted(p.submissions_of_track[k], key=lambda n: -p.submissions[n].required_slots)
            mine: list[tuple[int, int]] = []
            for n in talks:
                q = p.submissions[n].required_slots
                fits = [c for c in mine if left[c] >= q]
                if fits and rng.random() < 0.75:
                    c = rng.choice(fits)
                else:
                    options = [c for c in free if m[c[0]] >= q]
                    if mine and rng.random() < parallel:  # a second room of a session the track holds
                        same = [c for c in options if c[0] in {s for s, _ in mine}]
                        options = same or options
                    if not options:
                        if not fits:
                            ok = False
                            break
                        c = rng.choice(fits)
                    else:
                        c = rng.choice(options)
                        free.discard(c)
                        grid[c] = k
                        left[c] = m[c[0]]
                        mine.append(c)
                s, r = c
                place[n] = (s, r, m[s] - left[c])
                left[c] -= q
            if not ok:
                break
            if free and rng.random() < empty:  # a cell without talks
                c = rng.choice(sorted(free))
                free.discard(c)
                grid[c] = k
                left[c] = m[c[0]]
        if ok and len(place) == p.N:
            return Schedule.from_assignment(p, [(k, s, r) for (s, r), k in grid.items()], place)
    raise RuntimeError("no random schedule found")
