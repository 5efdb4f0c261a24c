"""The .ics export is a pure function of the Itineraries rows."""

from __future__ import annotations

from datetime import date, datetime

from xl_confsched.personal.ics import ics_by_participant, itinerary_ics

HEADER = ["Participant", "Day", "Date", "Block", "Slot", "Start", "End", "Talk", "Title", "Room", "Hop",
          "Also wanted (missed)"]
ROWS = [HEADER,
        ["Ann", "Monday", date(2015, 6, 8), "Mon AM", 1, "09:00", "09:30", "T1", "Scheduling, part 1; intro",
         "Aula", "", ""],
        ["Ann", "Monday", datetime(2015, 6, 8), "Mon AM", 2, "09:30", "10:00", "T7",
         "A very long title " * 6, "Salle B", "yes", "T4"],
        ["Bob", "Monday", date(2015, 6, 8), "Mon AM", 1, "09:00", "09:30", "T2", "Routing", "Salle C", "", ""]]


def unfold(text):
    return text.replace("\r\n ", "")


def test_one_calendar_with_everyone():
    text = itinerary_ics(ROWS, dtstamp=datetime(2015, 5, 1, 12, 0))
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3 == text.count("END:VEVENT")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    flat = unfold(text)
    assert "DTSTART:20150608T093000" in flat and "DTEND:20150608T100000" in flat
    assert "SUMMARY:Ann — T1: Scheduling\\, part 1\\; intro" in flat
    assert "LOCATION:Salle B" in flat and "Change rooms for this talk." in flat
    assert "DTSTAMP:20150501T120000Z" in flat
    uids = [l for l in flat.split("\r\n") if l.startswith("UID:")]
    assert len(set(uids)) == 3


def test_one_calendar_per_participant():
    cals = ics_by_participant(ROWS)
    assert set(cals) == {"Ann", "Bob"}
    assert cals["Ann"].count("BEGIN:VEVENT") == 2 and cals["Bob"].count("BEGIN:VEVENT") == 1
    assert "T2" not in unfold(cals["Ann"]).split("SUMMARY:")[1]


def test_rows_without_times_are_skipped():
    rows = [HEADER, ["Ann", "Monday", None, "Mon AM", 1, "", "", "T1", "x", "Aula", "", ""]]
    assert "BEGIN:VEVENT" not in itinerary_ics(rows)
