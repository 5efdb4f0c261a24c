"""The talk schedule as a :class:`~xl_confsched.publish.programme.Programme`.

Sessions are the runs of timeslots of one day between breaks ("Break after"); a slot ends
where the next one of its session starts (the last one after "Slot minutes"); venues are
the rooms; a talk's Track column is its track.
"""

from __future__ import annotations

import datetime as dt

from ..publish.programme import Programme, ProgrammeSession, ProgrammeTalk
from .problem import TalkProblem
from .reader import minutes_of


def _day(label: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date.fromisoformat(label.strip()[:10]), ""
    except ValueError:
        return None, label


def talks_programme(p: TalkProblem, schedule: dict, name: str = "") -> Programme:
    sessions: list[ProgrammeSession] = []
    where: dict[int, tuple[int, int]] = {}  # timeslot -> (session, slot in session)
    for i, run in enumerate(p.segments):  # runs of timeslots of one day between breaks
        times = []
        for k, s in enumerate(run):
            a = minutes_of(p.slots[s].time)
            b = minutes_of(p.slots[run[k + 1]].time) if k + 1 < len(run) else a + int(round(p.weights.slot_minutes))
            times.append((a, b))
            where[s] = (i, k)
        day, label = _day(p.slots[run[0]].day)
        sessions.append(ProgrammeSession(name=f"Session {i + 1}", day=day, day_name=label, slots=tuple(times)))
    talks = []
    for i, vs in schedule.items():
        if vs is None or not (0 <= vs[0] < p.V and 0 <= vs[1] < p.S):
            continue
        v, s = vs
        sess, k = where[s]
        t = p.talks[i]
        talks.append(ProgrammeTalk(uid=f"talk-{i + 1}", reference=t.title, title=t.title,
                                   presenters=tuple(x.strip() for x in t.speaker.split(",") if x.strip()),
                                   track=t.track or None, session=sess, room=p.venues[v].name, first_slot=k,
                                   slots=min(t.slots, len(sessions[sess].slots) - k)))
    tracks = list(dict.fromkeys(t.track for t in p.talks if t.track))
    return Programme(name=name, sessions=sessions, rooms=[v.name for v in p.venues], tracks=tracks, talks=talks)
