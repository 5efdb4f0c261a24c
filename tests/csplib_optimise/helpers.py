"""Small generated instances and random schedules for the optimiser tests."""

from __future__ import annotations

import random

from xl_confsched.csplib.problem import Parameters, Problem, Session, Submission, Track
from xl_confsched.csplib.schedule import Schedule
from xl_confsched.csplib.terms import TERM_KEYS


def make_instance(seed: int = 0, S: int = 4, R: int = 3, T: int = 4, N: int = 16, slots=(3, 3, 2, 3),
                  weights: dict[str, int] | None = None, big_track: int | None = None) -> Problem:
    """A random small instance with every term switched on (weights 1..5).

    ``big_track``: give track 0 this many extra one-slot talks (to force parallel rooms)."""
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


def random_schedule(problem: Problem, seed: int = 0, tries: int = 200) -> Schedule:
    """A random schedule the session model can represent: each track in at most one room per
    session, every talk in a cell of its track, talks packed from the first slot."""
    rng = random.Random(seed)
    p = problem
    for _ in range(tries):
        cells = [(s, r) for s in range(p.S) for r in range(p.R)]
        rng.shuffle(cells)
        free = set(cells)
        grid, place = {}, {}
        ok = True
        for k in rng.sample(range(p.T), p.T):
            todo = sorted(p.submissions_of_track[k], key=lambda n: -p.submissions[n].required_slots)
            rng.shuffle(todo)
            used_sessions = set()
            attempts = 0
            while todo and ok:
                attempts += 1
                if attempts > 50:
                    ok = False
                    break
                options = [c for c in cells if c in free and c[0] not in used_sessions]
                if not options:
                    ok = False
                    break
                s, r = rng.choice(options)
                left = p.sessions[s].slots
                t = 0
                put = []
                for n in list(todo):
                    q = p.submissions[n].required_slots
                    if q <= left and rng.random() < 0.8:
                        place[n] = (s, r, t)
                        t += q
                        left -= q
                        put.append(n)
                if not put:
                    continue
                for n in put:
                    todo.remove(n)
                free.discard((s, r))
                used_sessions.add(s)
                grid[(s, r)] = k
        if ok:
            return Schedule.from_assignment(p, [(k, s, r) for (s, r), k in grid.items()], place)
    raise RuntimeError("no random schedule found")


def random_model_schedule(problem: Problem, seed: int = 0) -> Schedule:
    """A random feasible assignment of the session model's variables (random objective),
    with its slots placed: for instances too tight for :func:`random_schedule`."""
    import pulp

    from xl_confsched.csplib.capacity import check_capacity
    from xl_confsched.solvers import solve_cbc
    from xl_confsched.csplib.model import build_model, session_solution
    from xl_confsched.csplib.timeslots import assign_timeslots

    rng = random.Random(seed)
    built = build_model(problem, "full", split=check_capacity(problem).must_split)
    ctx = built.ctx
    built.prob.setObjective(pulp.lpSum(rng.random() * v for v in list(ctx.y.values()) + list(ctx.x.values())))
    run = solve_cbc(built.prob, 20, seed=seed)
    assert run.has_solution
    grid, place = session_solution(built)
    return assign_timeslots(problem, grid, place, order_tracks=built.ctx.split).schedule
