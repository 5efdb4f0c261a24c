"""iCalendar files of the personalised itineraries, through the shared writer (:mod:`xl_confsched.publish.calendars`).

``itinerary_events(problem, ev)`` gives each participant's talks as events whose UIDs come
from internal ids (participant number, talk number, block and slot) — never from names, so
two participants whose names look alike never share or overwrite an event.  Times are
converted to UTC with the Structure sheet's time zone; a talk whose end clock is not after
its start (it crosses midnight) ends on the next day.
"""

from __future__ import annotations

import datetime as dt

from ..publish.calendars import Event, Zone, calendar
from .evaluate import Evaluation
from .problem import Problem


def _clock(t: dt.time | None, minutes: int) -> dt.time | None:
    if t is None:
        return None
    m = t.hour * 60 + t.minute + minutes
    return dt.time((m // 60) % 24, m % 60)


def itinerary_events(problem: Problem, ev: Evaluation) -> dict[int, list[Event]]:
    """Participant index → their itinerary's events (only blocks with a date and a start time)."""
    out: dict[int, list[Event]] = {}
    for v in ev.visits:
        bs = problem.blocks[v.block]
        if bs.date is None or bs.start is None:
            continue
        talk = problem.talks[v.talk]
        base = dt.datetime.combine(bs.date, bs.start)
        start = base + dt.timedelta(minutes=bs.minutes * v.slot)
        end = start + dt.timedelta(minutes=bs.minutes)
        room = problem.rooms[v.room].name
        summary = f"{talk.id}: {talk.title}" if talk.title else talk.id
        desc = [f"Room: {room}."]
        if v.hop:
            desc.append("Change rooms for this talk.")
        if talk.presenter:
            desc.append(f"Presenter: {talk.presenter}.")
        if v.missed:
            desc.append("Also wanted at this time: " + ", ".join(problem.talks[y].id for y in v.missed) + ".")
        out.setdefault(v.participant, []).append(Event(
            uid=f"participant-{v.participant + 1}.talk-{v.talk + 1}.block-{v.block + 1}-slot-{v.slot + 1}"
                f"@xl-confsched",
            start=start, end=end, summary=summary, location=room, description=" ".join(desc),
            categories=[talk.topic] if talk.topic else []))
    return out


def itinerary_calendars(problem: Problem, ev: Evaluation, zone: Zone,
                        dtstamp: dt.datetime | None = None) -> tuple[str, dict[str, str]]:
    """(one calendar with everyone's itinerary, participant name → their own calendar)."""
    per = itinerary_events(problem, ev)
    everyone: list[Event] = []
    own: dict[str, str] = {}
    for p in sorted(per):
        who = problem.participants[p].name
        own[who] = calendar(f"Itinerary of {who}", per[p], zone, dtstamp)
        for e in per[p]:
            everyone.append(Event(uid=e.uid, start=e.start, end=e.end, summary=f"{who} — {e.summary}",
                                  location=e.location, description=e.description, categories=[who]))
    return calendar("Conference itineraries", everyone, zone, dtstamp), own


def safe_filename(name: str) -> str:
    import re

    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "participant"
