"""The conference schedule as a :class:`~xl_confsched.publish.programme.Programme`.

Sessions keep their date and clock times (each split evenly into its time slots, as on
the Assignments table); a talk's title is the optional Title column (else its reference).
The conference clock is ``parameters!B2`` (GMT±n), so calendars can be written in UTC.
"""

from __future__ import annotations

import datetime as dt

from ..publish.programme import Programme, ProgrammeSession, ProgrammeTalk, safe_url
from .problem import Problem
from .schedule import Schedule


def sessions_of(problem: Problem) -> list[ProgrammeSession]:
    out = []
    for sess in problem.sessions:
        day = dt.date.fromisoformat(sess.date) if sess.date else None
        slots = tuple(sess.slot_times(t) for t in range(sess.slots))
        out.append(ProgrammeSession(name=sess.name, day=day, day_name="" if day else "", slots=slots))
    return out


def conference_programme(problem: Problem, sched: Schedule, name: str = "") -> Programme:
    talks: list[ProgrammeTalk] = []
    notes: list[str] = []
    cells = sched.cells_of()
    for n, sub in enumerate(problem.submissions):
        where = cells.get(n)
        if not where:
            notes.append(f"{sub.ref} is not scheduled.")
            continue
        s, r, t = where[0]
        talks.append(ProgrammeTalk(
            uid=f"submission-{n + 1}-{sub.ref}", reference=sub.ref, title=sub.title, presenters=tuple(sub.presenters),
            track=problem.tracks[sub.track].name, session=s, room=problem.rooms[r], first_slot=t,
            slots=len([c for c in where if c[:2] == (s, r)]) or sub.required_slots,
            authors=sub.authors, type=sub.type, abstract=sub.abstract, url=safe_url(sub.url)))
    return Programme(name=name, sessions=sessions_of(problem), rooms=list(problem.rooms),
                     tracks=[t.name for t in problem.tracks], talks=talks,
                     utc_offset=60 * problem.parameters.local_timezone, notes=notes)
