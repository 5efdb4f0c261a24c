"""The objective's terms: key, the checker's label, the weight cell on `parameters`.

The order is the CSPLib checker's reporting order (OBJECTIVE.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TermInfo:
    key: str
    label: str  # the CSPLib checker's label, as printed by its per-term breakdown
    name: str  # organiser's wording, used on sheets and in the CLI table
    weight_cell: str | None  # parameters!E.. ; None: always on (structural term)
    hard: bool = False  # a hard rule of the paper's models (elastic in ours)


TERMS: list[TermInfo] = [
    TermInfo("TS", "Tracks_Sessions|Penalty:", "track–session penalties", "E2"),
    TermInfo("TR", "Tracks_Rooms|Penalty:", "track–room penalties", "E3"),
    TermInfo("SR", "Sessions_Rooms|Penalty", "session–room penalties", "E4"),
    TermInfo("SIM", "Similar Tracks:", "similar tracks in parallel", "E5"),
    TermInfo("NR", "Number of rooms per track:", "tracks using more than one room", "E6", hard=True),
    TermInfo("PAR", "Parallel tracks:", "same track in parallel rooms", "E7", hard=True),
    TermInfo("CONS", "Consecutive tracks:", "tracks not in consecutive sessions", "E8"),
    TermInfo("TZ", "Submissions timezones:", "presenter time zones", "E9"),
    TermInfo("ORD", "Submissions order:", "submission order within tracks", "E10"),
    TermInfo("SS", "Submissions_Sessions|Penalty:", "submission–session penalties", "E11"),
    TermInfo("SP", "Submissions_Rooms|Penalty:", "submission–room penalties", "E12"),
    TermInfo("PC", "Presenters conflicts [Session Level]:", "presenter conflicts (session)", "E13", hard=True),
    TermInfo("AC", "Attendees conflicts [Session Level]:", "attendee conflicts (session)", "E14"),
    TermInfo("CC", "Chairs conflicts:", "chair conflicts", "E15"),
    TermInfo("PCT", "Presenters conflicts [Timeslot Level]:", "presenter conflicts (time slot)", "E16"),
    TermInfo("ACT", "Attendees conflicts [Timeslot Level]:", "attendee conflicts (time slot)", "E17"),
    TermInfo("STRUCT", "Submissions with multiple timeslots in different sessions:",
             "multi-slot submissions split or gapped", None, hard=True),
]

TERM_KEYS = [t.key for t in TERMS if t.weight_cell]
TERM_BY_KEY = {t.key: t for t in TERMS}
TERM_BY_LABEL = {t.label.rstrip(":").strip().lower(): t for t in TERMS}

STRUCT_PART_A = 10_000_000
STRUCT_PART_B = 1_000_000_000


def find_term(text: str) -> TermInfo | None:
    """A term by key, checker label or organiser's name (case-insensitive)."""
    t = text.strip()
    if t.upper() in TERM_BY_KEY:
        return TERM_BY_KEY[t.upper()]
    low = t.rstrip(":").strip().lower()
    if low in TERM_BY_LABEL:
        return TERM_BY_LABEL[low]
    for term in TERMS:
        if term.name.lower() == low or term.name.lower().replace("–", "-") == low:
            return term
    for term in TERMS:
        if low and low in term.name.lower():
            return term
    return None
