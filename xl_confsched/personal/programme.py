"""The personalised schedule as a :class:`~xl_confsched.publish.programme.Programme`.

Blocks are the sessions (their time slots of "Minutes per talk" from the block's start),
rooms are the Rooms sheet's, a talk's topic is its track.  Empty places (dummy talks) are
left out.
"""

from __future__ import annotations

from ..publish.programme import Programme, ProgrammeSession, ProgrammeTalk
from .problem import Problem, Schedule


def personal_programme(problem: Problem, schedule: Schedule, name: str = "") -> Programme:
    sessions = []
    for bs in problem.blocks:
        base = bs.start.hour * 60 + bs.start.minute if bs.start is not None else 0
        slots = tuple((base + s * bs.minutes, base + (s + 1) * bs.minutes) for s in range(bs.k))
        sessions.append(ProgrammeSession(name=bs.name, day=bs.date, day_name="" if bs.date else bs.day, slots=slots))
    tb = problem.timeslot_block()
    talks = []
    for x, (t, r) in schedule.position().items():
        tk = problem.talks[x]
        if tk.dummy:
            continue
        b, s = tb[t]
        talks.append(ProgrammeTalk(uid=f"talk-{x + 1}", reference=tk.id, title=tk.title or None,
                                   presenters=tuple(p.strip() for p in tk.presenter.split(",") if p.strip()),
                                   track=tk.topic or None, session=b, room=problem.rooms[r].name, first_slot=s))
    tracks = list(dict.fromkeys(t.topic for t in problem.talks if t.topic and not t.dummy))
    notes = [] if all(b.start is not None for b in problem.blocks) else [
        "Some blocks have no start time on the Structure sheet: their clock times are counted from 00:00."]
    return Programme(name=name, sessions=sessions, rooms=[r.name for r in problem.rooms], tracks=tracks,
                     talks=talks, time_zone=problem.time_zone, notes=notes)
