"""An assignment schedule as a :class:`~xl_confsched.publish.programme.Programme` (issue 16).

Items are the talks (their names the titles), places the rooms, slots the time slots;
sessions are the runs of slots of one day between breaks.  Slot names that are clock times
(09:00) give the slots their times (a slot ends where the next one of its session starts);
other names are shown as they are (and then no calendar can be made).  Presenters come from
an item column headed Presenter(s), Speaker(s), Person or People; the track from one headed
Track, Topic or Group.
"""

from __future__ import annotations

import datetime as dt
import statistics

from ..publish.programme import Programme, ProgrammeSession, ProgrammeTalk
from .problem import AssignmentProblem

PRESENTER_HEADERS = ("presenters", "presenter", "speakers", "speaker", "person", "people")
TRACK_HEADERS = ("track", "topic", "group")


def _minutes(v) -> int | None:
    from .. import cells

    try:
        return cells.time_of_day(v)
    except Exception:  # noqa: BLE001 - not a time: the slot keeps its name
        return None


def _day(label: str) -> tuple[dt.date | None, str]:
    try:
        return dt.date.fromisoformat(str(label).strip()[:10]), ""
    except ValueError:
        return None, str(label or "")


def _column(item, headers: tuple[str, ...]) -> str | None:
    for h in headers:
        v = item.raw.get(h)
        if v not in (None, ""):
            return str(v).strip()
    return None


def assignment_programme(p: AssignmentProblem, schedule: dict, name: str = "") -> Programme:
    runs: list[list[int]] = []
    for s in range(p.S):
        if runs and p.segment_of[runs[-1][-1]] == p.segment_of[s]:
            runs[-1].append(s)
        else:
            runs.append([s])
    starts = [_minutes(p.slots[s].raw.get("time", p.slots[s].name)) for s in range(p.S)]
    gaps = [b - a for a, b in zip(starts, starts[1:]) if a is not None and b is not None and b > a]
    step = int(statistics.median(gaps)) if gaps else 60
    sessions: list[ProgrammeSession] = []
    where: dict[int, tuple[int, int]] = {}
    for i, run in enumerate(runs):
        day, label = _day(p.slots[run[0]].day)
        if all(starts[s] is not None for s in run):
            times = tuple((starts[s], starts[run[k + 1]] if k + 1 < len(run) else starts[s] + step)
                          for k, s in enumerate(run))
            labels: tuple[str, ...] = ()
        else:
            times = tuple((0, 0) for _ in run)
            labels = tuple(p.slots[s].name for s in run)
        sessions.append(ProgrammeSession(name=f"Session {i + 1}", day=day, day_name=label, slots=times,
                                         labels=labels))
        for k, s in enumerate(run):
            where[s] = (i, k)
    talks = []
    for i, placed in schedule.items():
        if placed is None:
            continue
        place, s = placed
        sess, k = where[s]
        item = p.items[i]
        who = _column(item, PRESENTER_HEADERS)
        talks.append(ProgrammeTalk(uid=f"item-{i + 1}", reference=item.name, title=item.name,
                                   presenters=tuple(x.strip() for x in (who or "").split(",") if x.strip()),
                                   track=_column(item, TRACK_HEADERS), session=sess, room=p.places[place].name,
                                   first_slot=k, slots=min(item.length, len(sessions[sess].slots) - k)))
    tracks = list(dict.fromkeys(t.track for t in talks if t.track))
    return Programme(name=name, sessions=sessions, rooms=[pl.name for pl in p.places], tracks=tracks, talks=talks)
