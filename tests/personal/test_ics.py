"""The personal itineraries' calendars: UTC times from the Structure's time zone, UIDs from internal ids,
events that cross midnight end on the next day, file names that never collide; parsed by icalendar."""

from __future__ import annotations

import datetime as dt

import pytest

from xl_confsched.personal.evaluate import Evaluation, Visit
from xl_confsched.personal.ics import itinerary_calendars, itinerary_events
from xl_confsched.personal.problem import BlockSlot, Participant, Problem, Room, Talk
from xl_confsched.publish.calendars import Zone, file_names, parse_zone

icalendar = pytest.importorskip("icalendar")


def _problem(start=dt.time(9, 0), minutes=30, names=("Zoë Müller", "Zoé Müller")):
    talks = [Talk(id="T1", title="Scheduling, part 1; intro", presenter="Ann"), Talk(id="T2", title="Routing"),
             Talk(id="T3", title="A/B testing")]
    return Problem(talks=talks, participants=[Participant(name=n, wanted=frozenset({0, 1})) for n in names],
                   blocks=[BlockSlot(day="Monday", date=dt.date(2026, 3, 28), name="Night", start=start, k=2, n=1,
                                     minutes=minutes, first=0)],
                   rooms=[Room(name="Aula")], time_zone="Europe/Brussels")


def _ev(problem, visits):
    ev = Evaluation.__new__(Evaluation)
    ev.visits = visits
    return ev


def test_times_are_utc_from_the_zone_with_daylight_saving():
    p = _problem()
    ev = _ev(p, [Visit(participant=0, timeslot=0, block=0, slot=0, talk=0, room=0, hop=False),
                 Visit(participant=1, timeslot=1, block=0, slot=1, talk=1, room=0, hop=True)])
    everyone, per = itinerary_calendars(p, ev, parse_zone("Europe/Brussels"))
    assert set(per) == {"Zoë Müller", "Zoé Müller"}  # two people, two calendars
    cal = icalendar.Calendar.from_ical(per["Zoë Müller"])
    (e,) = cal.walk("VEVENT")
    assert e.decoded("DTSTART") == dt.datetime(2026, 3, 28, 8, 0, tzinfo=dt.timezone.utc)  # CET: UTC+1
    assert str(e["SUMMARY"]) == "T1: Scheduling, part 1; intro"
    # the day after the switch to summer time, the same clock is UTC+2
    p2 = _problem()
    p2.blocks[0] = p2.blocks[0].model_copy(update={"date": dt.date(2026, 3, 30)})
    _, per2 = itinerary_calendars(p2, ev, parse_zone("Europe/Brussels"))
    (e2,) = icalendar.Calendar.from_ical(per2["Zoë Müller"]).walk("VEVENT")
    assert e2.decoded("DTSTART") == dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.timezone.utc)
    all_events = list(icalendar.Calendar.from_ical(everyone).walk("VEVENT"))
    assert len(all_events) == 2 and len({str(x["UID"]) for x in all_events}) == 2


def test_uids_come_from_internal_ids_not_names():
    p = _problem(names=("A/B", "A B"))
    ev = _ev(p, [Visit(participant=0, timeslot=0, block=0, slot=0, talk=2, room=0, hop=False),
                 Visit(participant=1, timeslot=0, block=0, slot=0, talk=2, room=0, hop=False)])
    per = itinerary_events(p, ev)
    uids = [e.uid for evs in per.values() for e in evs]
    assert len(set(uids)) == 2 and all("participant-" in u for u in uids)
    assert itinerary_events(p, ev)[0][0].uid == uids[0]  # stable
    names = file_names(["A/B", "A B", "Zoë Müller", "Zoé Müller", "zoë müller"])
    assert len({n.lower() for n in names.values()}) == 5
    assert all(n.endswith(".ics") and "/" not in n for n in names.values())


def test_a_talk_that_crosses_midnight_ends_the_next_day():
    p = _problem(start=dt.time(23, 30), minutes=45)
    ev = _ev(p, [Visit(participant=0, timeslot=0, block=0, slot=0, talk=0, room=0, hop=False)])
    _, per = itinerary_calendars(p, ev, Zone(offset=0))
    (e,) = icalendar.Calendar.from_ical(per["Zoë Müller"]).walk("VEVENT")
    assert e.decoded("DTSTART") == dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.timezone.utc)
    assert e.decoded("DTEND") == dt.datetime(2026, 3, 29, 0, 15, tzinfo=dt.timezone.utc)


def test_zone_cells():
    assert parse_zone("GMT+2") == Zone(offset=120) and parse_zone("UTC-05:30") == Zone(offset=-330)
    assert parse_zone("utc") == Zone(offset=0) and parse_zone("Europe/Brussels") == Zone(name="Europe/Brussels")
    assert parse_zone("Mars/Olympus") is None and parse_zone("GMT+20") is None and parse_zone("") is None
