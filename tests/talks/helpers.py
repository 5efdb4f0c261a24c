"""Small talk-survey instances for the tests (rows of the workbook sheets)."""

from __future__ import annotations

from xl_confsched.talks.generator import WEIGHT_ROWS, generate, workbook_data
from xl_confsched.talks.reader import read_problem


def weights(threshold=None, **overrides):
    rows = [["Setting", "Value", "Meaning"]]
    for name, value, meaning in WEIGHT_ROWS:
        if name == "Conflict threshold":
            value = threshold
        rows.append([name, overrides.get(name, value), meaning])
    return rows


def tiny_rows(threshold=None):
    """5 talks (one 50 min), 2 venues, 4 half-hour slots with a break after the 2nd."""
    return {
        "Talks": [["Title", "Speaker", "Duration (minutes)", "Track", "Venue", "Not at"],
                  ["A", "Ann", 20, "", None, None],
                  ["B", "Bob", 50, "", None, None],
                  ["C", "Cat", 20, "", None, None],
                  ["D", "Ann", 20, "", None, None],
                  ["E", "Eve", 20, "", None, "09:00"]],
        "Venues": [["Name", "Capacity"], ["Big", 4], ["Small", 2]],
        "Timeslots": [["Time", "Day", "Break after"], ["09:00", None, None], ["09:30", None, "yes"],
                      ["11:00", None, None], ["11:30", None, None]],
        "Attendees": [["Name"], ["Ann"], ["Pia"], ["Quin"], ["Rae"], ["Sol"]],
        "Survey": [["Name", "pick 1", "pick 2", "pick 3", "pick 4", "pick 5"],
                   ["Ann", "C", "B", None, None, None],
                   ["Pia", "A", "B", "C", None, None],
                   ["Quin", "B", "C", "E", None, None],
                   ["Rae", "A", "E", None, None, None],
                   ["Sol", "B", "A", "D", "E", None]],
        "Weights": weights(threshold),
    }


def tiny_problem(threshold=None):
    return read_problem(workbook_data(tiny_rows(threshold)))[0]


def small_rows(seed=7, threshold=None, **kw):
    args = dict(seed=seed, n_talks=9, n_venues=2, n_slots=6, n_attendees=30, two_talk_speakers=1,
                breaks_after=(2,), threshold=threshold)
    args.update(kw)
    return generate(**args)


def small_problem(**kw):
    return read_problem(workbook_data(small_rows(**kw)))[0]
