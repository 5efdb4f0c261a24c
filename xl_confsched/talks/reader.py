"""Read the talk-survey workbook into a validated :class:`TalkProblem`.

Sheets (headers in row 1, one item a row from row 2; header names are matched without
regard to case, and extra columns are ignored):

* ``Talks``: Title, Speaker, Duration (minutes: ``50``, ``"50m"``, ``"50 min"``),
  optional Track, optional Venue (the talk must be in that venue), optional Not at
  (timeslots the talk may not use: times such as ``09:00, 13:30`` or day names,
  separated by commas);
* ``Venues``: Name, Capacity;
* ``Timeslots``: Time, optional Day (blank = the day above), optional Break after
  (``yes``/``x`` = a break follows, so no talk runs across it);
* ``Attendees``: Name (speakers listed here who answered the survey give the speaker
  bonus of the survey method);
* ``Survey``: Name, pick 1, pick 2, … (talk titles);
* ``Weights`` (optional, Setting | Value): Pick 1 weight … Pick 5 weight (5 4 3 2 1),
  Conflict threshold (10; blank = no hard pairs), Conflict weight (1), Capacity weight
  (1), Hard pair factor (10), Speaker factor (5), Slot minutes (blank = from the times),
  Objective ("conflicts and seats", the default; or "article": the source article's count
  of talk-slots held in a room big enough for the talk's audience).

Every problem is collected and reported with its cell and what to do.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from .. import cells
from ..errors import IssueLog
from ..tables import Table, WorkbookData, is_blank
from .problem import TalkProblem, Talk, Timeslot, Venue, Weights

SHEETS = ("Talks", "Venues", "Timeslots", "Attendees", "Survey", "Weights")

WEIGHT_KEYS = {
    "conflict threshold": "threshold",
    "conflict weight": "conflict_weight",
    "capacity weight": "capacity_weight",
    "hard pair factor": "hard_factor",
    "speaker factor": "speaker_factor",
    "slot minutes": "slot_minutes",
    "objective": "objective",
}
OBJECTIVE_WORDS = {  # what the Objective cell may say → Weights.objective
    "conflicts": "conflicts", "conflicts and seats": "conflicts", "conflict cost": "conflicts", "default": "conflicts",
    "cost": "conflicts", "conflicts and seats short": "conflicts",
    "article": "article", "the article's": "article", "the article": "article", "article's": "article",
    "big enough rooms": "article", "rooms big enough": "article", "talk-slots in a room big enough": "article",
}
_PICK_RE = re.compile(r"^\s*pick\s*(\d+)\s*$", re.I)
_PICK_WEIGHT_RE = re.compile(r"^\s*pick\s*(\d+)\s*weight\s*$", re.I)
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.h](\d{2})(?::\d{2})?\s*(am|pm)?\s*$", re.I)
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|mins|minutes|h|hr|hours?)?\s*$", re.I)


WEIGHT_MAX = 1e9  # weights and factors: beyond this the solver's arithmetic is not exact
CAPACITY_MAX = 1_000_000
MINUTES_MAX = 24 * 60


def text(value: Any) -> str:
    return cells.text(value)


def parse_time(value: Any) -> str | None:
    """``"HH:MM"`` from an Excel time, a fraction of a day or text; None if unreadable."""
    try:
        m = cells.time_of_day(value)
    except cells.CellError:
        return None
    return f"{m // 60:02d}:{m % 60:02d}"


def minutes_of(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def parse_duration(value: Any) -> float | None:
    """Minutes (more than 0, at most a day) from a number, a time, or text such as ``50m``, ``1h``, ``50 min``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.time):
        m = value.hour * 60 + value.minute
        return float(m) if m > 0 else None
    x: float | None = None
    if isinstance(value, str):
        m = _DURATION_RE.match(value)
        if m:
            x = float(m.group(1))
            if (m.group(2) or "").lower().startswith("h"):
                x *= 60
    else:
        x = parse_number(value)
    return x if x is not None and 0 < x <= MINUTES_MAX else None


def parse_number(value: Any) -> float | None:
    """A finite number (numeric text included, see :mod:`xl_confsched.cells`); None if it is not one."""
    try:
        return float(cells.number(value))
    except cells.CellError:
        return None


def parse_flag(value: Any) -> bool | None:
    try:
        return cells.flag(value, yes=("break", "lunch"))
    except cells.CellError:
        return None


class _Reader:
    def __init__(self, data: WorkbookData):
        self.data = data
        self.log = IssueLog()

    # ------------------------------------------------------------------ helpers
    def sheet(self, name: str, required: bool = True) -> Table | None:
        t = self.data.get(name)
        if t is None:
            if required:
                self.log.error(name, f"the sheet '{name}' is missing. Add a sheet named exactly '{name}' "
                                     "(see the talks template: xl-confsched new --kind talks).")
            return None
        if t.n_rows == 0:
            if required:
                self.log.error(name, f"the sheet '{name}' is empty. Put the column headers in row 1 "
                                     "and one entry per row from row 2.")
            return None
        return t

    def column(self, t: Table, label: str, *aliases: str, required: bool = True) -> int | None:
        for name in (label,) + aliases:
            j = t.column_index(name)
            if j is not None:
                return j
        # prefix match: "Duration (minutes)" → Duration
        for j, v in enumerate(t.header()):
            if isinstance(v, str) and any(v.strip().lower().startswith(n.lower()) for n in (label,) + aliases):
                return j
        if required:
            self.log.error(t.ref(0, t.n_cols), f"the column '{label}' is missing on sheet '{t.sheet}'. "
                                               f"Add a header '{label}' in row 1.")
        return None

    def names(self, t: Table, j: int, what: str) -> list[tuple[int, str]]:
        """(row, name) of a name column; blank names inside the list and duplicates are errors."""
        out, seen = [], {}
        for i, row in t.data_rows():
            err = cells.excel_error(t.value(i, j))
            if err:
                self.log.error(t.ref(i, j), f"this {what} is the Excel error {err} (a formula that failed). Fix the "
                                            f"formula or type the {what}.")
                continue
            name = text(t.value(i, j))
            if not name:
                if any(not is_blank(v) for v in row):
                    self.log.error(t.ref(i, j), f"this {what} row has no name. Type the {what} name or "
                                                "delete the row.")
                continue
            if name in seen:
                self.log.error(t.ref(i, j), f"duplicate {what} '{name}' (already at {seen[name]}). "
                                            f"Each {what} must appear once; rename or delete this row.")
                continue
            seen[name] = t.ref(i, j)
            out.append((i, name))
        return out

    # ------------------------------------------------------------------ sheets
    def weights(self) -> Weights:
        t = self.sheet("Weights", required=False)
        if t is None:
            self.log.warn("Weights", "no 'Weights' sheet: using the defaults (pick weights 5, 4, 3, 2, 1, "
                                     "conflict threshold 10, all term weights 1).")
            return Weights()
        values: dict[str, Any] = {}
        picks: dict[int, float] = {}
        reader = cells.CellReader(self.log)
        for i, row in enumerate(t.rows):
            key = text(t.value(i, 0))
            if not key:
                reader.label_without_value(t, i, 0, 1)
                continue
            if key.lower() in ("setting", "name", "weight"):
                continue
            raw = t.value(i, 1)
            m = _PICK_WEIGHT_RE.match(key)
            field = WEIGHT_KEYS.get(key.strip().lower())
            if m is None and field is None:
                self.log.warn(t.ref(i, 0), f"unknown setting '{key}' is ignored. Known settings: Pick 1 weight … "
                                           "Pick 5 weight, " + ", ".join(k.capitalize() for k in WEIGHT_KEYS) + ".")
                continue
            if is_blank(raw):
                if field == "threshold":
                    values["threshold"] = None
                continue
            if field == "objective":
                word = " ".join(text(raw).lower().replace("’", "'").split())
                if word not in OBJECTIVE_WORDS:
                    self.log.error(t.ref(i, 1), f"'{text(raw)}' is not an objective. Type 'conflicts and seats' "
                                                "(the default: interest of talks in parallel and seats short) or "
                                                "'article' (the article's: talk-slots in a room big enough for the "
                                                "talk's audience)" + _suggest(word, sorted(OBJECTIVE_WORDS)) + ".")
                    continue
                values["objective"] = OBJECTIVE_WORDS[word]
                continue
            x = parse_number(raw)
            if x is None or x < 0 or x > WEIGHT_MAX:
                self.log.error(t.ref(i, 1), f"'{text(raw)}' is not a valid value for '{key}'. "
                                            f"Type a number from 0 to {WEIGHT_MAX:,.0f}.")
                continue
            if m is not None:
                k = int(m.group(1))
                if k < 1:
                    self.log.error(t.ref(i, 0), f"'{key}': picks are numbered from 1.")
                    continue
                picks[k] = x
            else:
                if field == "hard_factor" and x < 1:
                    self.log.error(t.ref(i, 1), "the Hard pair factor must be 1 or more (a hard pair in "
                                                "parallel costs this many times its interest).")
                    continue
                if field == "slot_minutes" and not 0 < x <= MINUTES_MAX:
                    self.log.error(t.ref(i, 1), f"Slot minutes must be more than 0 and at most {MINUTES_MAX:,} "
                                                "(a day).")
                    continue
                values[field] = x
        self._pick_weights = picks
        return Weights(**values)

    def venues(self) -> list[Venue]:
        t = self.sheet("Venues")
        if t is None:
            return []
        jn, jc = self.column(t, "Name", "Venue"), self.column(t, "Capacity")
        if jn is None or jc is None:
            return []
        out = []
        for i, name in self.names(t, jn, "venue"):
            cap = parse_number(t.value(i, jc))
            if cap is None or cap < 0 or not float(cap).is_integer() or cap > CAPACITY_MAX:
                self.log.error(t.ref(i, jc), f"venue '{name}': the capacity '{text(t.value(i, jc))}' is not a "
                                             f"whole number of seats from 0 to {CAPACITY_MAX:,}. Type the number of "
                                             "seats, e.g. 40.")
                cap = 0
            out.append(Venue(name=name, capacity=int(cap), ref=t.ref(i, jn)))
        if not out:
            self.log.error(t.ref(1, jn), "no venues. List the venues from row 2 down.")
        return out

    def timeslots(self) -> list[Timeslot]:
        t = self.sheet("Timeslots")
        if t is None:
            return []
        jt = self.column(t, "Time", "Start")
        jd = self.column(t, "Day", "Date", required=False)
        jb = self.column(t, "Break after", "Break", required=False)
        if jt is None:
            return []
        out, day, seen = [], "", {}
        for i, row in t.data_rows():
            raw = t.value(i, jt)
            if is_blank(raw):
                if any(not is_blank(v) for v in row):
                    self.log.error(t.ref(i, jt), "this timeslot has no time. Type its start time, e.g. 09:30, "
                                                 "or delete the row.")
                continue
            hhmm = parse_time(raw)
            if hhmm is None:
                self.log.error(t.ref(i, jt), f"cannot read the time '{text(raw)}'. Type it as HH:MM, e.g. 09:30.")
                continue
            if jd is not None and not is_blank(t.value(i, jd)):
                day = text(t.value(i, jd))
            brk = False
            if jb is not None:
                f = parse_flag(t.value(i, jb))
                if f is None:
                    self.log.error(t.ref(i, jb), f"'{text(t.value(i, jb))}' is not yes or no. Type yes (or x) "
                                                 "when a break follows this timeslot, else leave it empty.")
                else:
                    brk = f
            key = (day, hhmm)
            if key in seen:
                self.log.error(t.ref(i, jt), f"the timeslot {day + ' ' if day else ''}{hhmm} is listed twice "
                                             f"(already at {seen[key]}). Delete one of the rows.")
                continue
            if out and out[-1].day == day and minutes_of(hhmm) <= minutes_of(out[-1].time):
                self.log.error(t.ref(i, jt), f"the timeslot {hhmm} comes before or at the same time as the one "
                                             f"above ({out[-1].time}) on the same day. List the timeslots of a day "
                                             "in time order, or give the new day in the Day column.")
            seen[key] = t.ref(i, jt)
            out.append(Timeslot(time=hhmm, day=day, break_after=brk, ref=t.ref(i, jt)))
        if not out:
            self.log.error(t.ref(1, jt), "no timeslots. List the timeslot start times from row 2 down.")
        return out

    def slot_minutes(self, w: Weights, slots: list[Timeslot], explicit: bool) -> float:
        if explicit:
            return w.slot_minutes
        gaps = [minutes_of(b.time) - minutes_of(a.time) for a, b in zip(slots, slots[1:])
                if a.day == b.day and not a.break_after]
        gaps = [g for g in gaps if g > 0]
        return float(min(gaps)) if gaps else 30.0

    def slot_lookup(self, slots: list[Timeslot]) -> dict[str, list[int]]:
        multi = len({s.day for s in slots}) > 1
        look: dict[str, list[int]] = {}
        for s, slot in enumerate(slots):
            for key in {slot.time, slot.label(multi), f"{slot.day} {slot.time}".strip()}:
                look.setdefault(key.lower(), []).append(s)
            if slot.day:
                look.setdefault(slot.day.lower(), []).append(s)
        return {k: sorted(set(v)) for k, v in look.items()}

    def talks(self, venues: list[Venue], slots: list[Timeslot], slot_minutes: float) -> list[Talk]:
        t = self.sheet("Talks")
        if t is None:
            return []
        jt, js = self.column(t, "Title", "Talk"), self.column(t, "Speaker")
        jdur = self.column(t, "Duration", "Minutes", "Length")
        jtr = self.column(t, "Track", required=False)
        jv = self.column(t, "Venue", "Required venue", required=False)
        jn = self.column(t, "Not at", "Unavailable", "Unavailable timeslots", required=False)
        if None in (jt, js, jdur):
            return []
        venue_idx = {v.name.lower(): k for k, v in enumerate(venues)}
        lookup = self.slot_lookup(slots)
        segments = _segments(slots)
        longest = max((len(r) for r in segments), default=0)
        out = []
        for i, title in self.names(t, jt, "talk"):
            speaker = text(t.value(i, js))
            if cells.excel_error(speaker):
                self.log.error(t.ref(i, js), f"talk '{title}': the speaker is the Excel error {cells.excel_error(speaker)} "
                                             "(a formula that failed). Fix the formula or type the speaker's name.")
                speaker = "?"
            if not speaker:
                self.log.error(t.ref(i, js), f"talk '{title}' has no speaker. Type the speaker's name "
                                             "(the same spelling for all their talks).")
            raw = t.value(i, jdur)
            minutes = parse_duration(raw)
            n = 1
            if minutes is None:
                self.log.error(t.ref(i, jdur), f"talk '{title}': cannot read the duration '{text(raw)}'. "
                                               f"Type the length in minutes, e.g. 50 (at most {MINUTES_MAX:,}).")
            else:
                n = max(1, math.ceil(minutes / slot_minutes - 1e-9))
                if slots and n > longest:
                    self.log.error(t.ref(i, jdur), f"talk '{title}' lasts {minutes:g} minutes = {n} timeslots of "
                                                   f"{slot_minutes:g} minutes, but the longest run of timeslots "
                                                   f"without a break is {longest}. Shorten the talk or remove a "
                                                   "break on the Timeslots sheet.")
            venue = None
            if jv is not None and not is_blank(t.value(i, jv)):
                name = text(t.value(i, jv))
                venue = venue_idx.get(name.lower())
                if venue is None:
                    self.log.error(t.ref(i, jv), f"talk '{title}': '{name}' is not a venue. Use a name from the "
                                                 "Venues sheet" + _suggest(name, [v.name for v in venues])
                                                 + " or leave the cell empty.")
            unavailable: set[int] = set()
            if jn is not None and not is_blank(t.value(i, jn)):
                raw_na = t.value(i, jn)
                parts = [raw_na] if isinstance(raw_na, (dt.time, dt.datetime, float, int)) else \
                    [p for p in re.split(r"[,;\n]", str(raw_na)) if p.strip()]
                for p in parts:
                    key = parse_time(p) if not isinstance(p, str) or parse_time(p) else p.strip()
                    key = key or text(p)
                    hit = lookup.get(key.lower())
                    if hit is None:
                        self.log.error(t.ref(i, jn), f"talk '{title}': '{text(p)}' in 'Not at' is not a timeslot "
                                                     "or day of the Timeslots sheet. List times such as 09:00 "
                                                     "(or day names), separated by commas.")
                    else:
                        unavailable.update(hit)
            out.append(Talk(title=title, speaker=speaker or "?", minutes=minutes or slot_minutes, slots=n,
                            track=text(t.value(i, jtr)) if jtr is not None else "", venue=venue,
                            unavailable=frozenset(unavailable), ref=t.ref(i, jt)))
        if not out:
            self.log.error(t.ref(1, jt), "no talks. List the talks from row 2 down.")
        return out

    def attendees(self) -> list[str]:
        t = self.sheet("Attendees")
        if t is None:
            return []
        j = self.column(t, "Name", "Attendee")
        if j is None:
            return []
        return [n for _, n in self.names(t, j, "attendee")]

    def survey(self, talks: list[Talk], attendees: list[str]) -> tuple[dict[str, tuple[int | None, ...]], int]:
        t = self.sheet("Survey")
        if t is None:
            return {}, 5
        jn = self.column(t, "Name", "Attendee")
        pick_cols = sorted((int(m.group(1)), j) for j, h in enumerate(t.header())
                           if isinstance(h, str) and (m := _PICK_RE.match(h)))
        if not pick_cols:
            self.log.error(t.ref(0, t.n_cols), "no pick columns on the Survey sheet. Add headers "
                                               "'pick 1', 'pick 2', … 'pick 5' in row 1.")
        ranks = [k for k, _ in pick_cols]
        if ranks and ranks != list(range(1, len(ranks) + 1)):
            self.log.error(t.ref(0, pick_cols[0][1]), f"the pick columns are numbered {', '.join(map(str, ranks))}; "
                                                      "number them pick 1, pick 2, … without gaps.")
        if jn is None or not pick_cols:
            return {}, len(pick_cols) or 5
        titles = {tk.title.lower(): k for k, tk in enumerate(talks)}
        known = set(attendees)
        out: dict[str, tuple[int | None, ...]] = {}
        for i, name in self.names(t, jn, "survey answer"):
            if attendees and name not in known:
                self.log.warn(t.ref(i, jn), f"'{name}' answered the survey but is not on the Attendees sheet; "
                                            "the answers are used. Add the name to Attendees (or fix the spelling).")
            row: list[int | None] = []
            for _, j in pick_cols:
                raw = t.value(i, j)
                if is_blank(raw):
                    row.append(None)
                    continue
                k = titles.get(text(raw).lower())
                if k is None:
                    self.log.error(t.ref(i, j), f"'{text(raw)}' is not a talk title of the Talks sheet"
                                                + _suggest(text(raw), [tk.title for tk in talks])
                                                + ". Copy the title exactly or leave the pick empty.")
                    row.append(None)
                    continue
                if k in row:
                    self.log.warn(t.ref(i, j), f"{name} picked '{talks[k].title}' twice; the repeated pick is ignored.")
                    row.append(None)
                    continue
                row.append(k)
            out[name] = tuple(row)
        if not out:
            self.log.warn("Survey", "the survey has no answers: every pair of talks has interest 0.")
        return out, len(pick_cols)

    # ------------------------------------------------------------------ whole problem
    def read(self) -> TalkProblem | None:
        w = self.weights()
        venues = self.venues()
        slots = self.timeslots()
        explicit = "slot_minutes" in w.model_fields_set
        smin = self.slot_minutes(w, slots, explicit)
        talks = self.talks(venues, slots, smin)
        attendees = self.attendees()
        picks, n_picks = self.survey(talks, attendees)
        pw = list(Weights().picks)
        pick_weights = []
        for k in range(1, n_picks + 1):
            if k in self._pick_weights:
                pick_weights.append(self._pick_weights[k])
            elif k <= len(pw):
                pick_weights.append(pw[k - 1])
            else:
                self.log.error("Weights", f"the survey has a 'pick {k}' column but the Weights sheet gives no "
                                          f"'Pick {k} weight'. Add a row 'Pick {k} weight' with its weight.")
                pick_weights.append(0.0)
        if self.log.errors:
            return None
        w = w.model_copy(update={"picks": tuple(pick_weights), "slot_minutes": smin})
        problem = TalkProblem(talks=tuple(talks), venues=tuple(venues), slots=tuple(slots),
                              attendees=tuple(attendees), picks=picks, weights=w)
        self.feasibility(problem)
        return problem

    def feasibility(self, p: TalkProblem) -> None:
        need = sum(t.slots for t in p.talks)
        have = p.V * p.S
        if need > have:
            self.log.error("Talks", f"the talks need {need} venue-timeslots but {p.V} venues × {p.S} timeslots "
                                    f"offer only {have}. Add timeslots or venues, or remove talks.")
        for i, t in enumerate(p.talks):
            if not p.starts[i]:
                self.log.error(t.ref, f"talk '{t.title}' ({t.slots} timeslot{'s' if t.slots > 1 else ''}) has no "
                                      "possible start: its 'Not at' timeslots and the breaks leave no run of "
                                      "free timeslots long enough. Allow more timeslots for it.")
        for speaker, own in p.speaker_talks.items():
            if len(own) > 1 and sum(p.talks[i].slots for i in own) > p.S:
                self.log.error(p.talks[own[0]].ref, f"speaker '{speaker}' gives {len(own)} talks needing "
                                                    f"{sum(p.talks[i].slots for i in own)} timeslots, more than the "
                                                    f"{p.S} timeslots of the programme.")
        for v in range(p.V):
            own = [i for i, t in enumerate(p.talks) if t.venue == v]
            if sum(p.talks[i].slots for i in own) > p.S:
                self.log.error(p.venues[v].ref, f"the talks required in venue '{p.venues[v].name}' need "
                                                f"{sum(p.talks[i].slots for i in own)} timeslots; it has {p.S}.")
        for i, t in enumerate(p.talks):
            if p.audience[i] > max((v.capacity for v in p.venues), default=0):
                self.log.warn(t.ref, f"talk '{t.title}' was picked by {p.audience[i]} attendees, more than the "
                                     "largest venue holds; it will be over capacity wherever it is.")


def _segments(slots: list[Timeslot]) -> list[list[int]]:
    out: list[list[int]] = []
    for s, slot in enumerate(slots):
        if s == 0 or slots[s - 1].break_after or slots[s - 1].day != slot.day:
            out.append([])
        out[-1].append(s)
    return out


def _suggest(name: str, options: list[str]) -> str:
    return cells.suggest(name, options)


def read_problem(data: WorkbookData) -> tuple[TalkProblem, IssueLog]:
    """Validated problem and the warnings; raises ``InputError`` with every problem found."""
    r = _Reader(data)
    r._pick_weights = {}
    problem = r.read()
    r.log.raise_if_errors()
    assert problem is not None
    return problem, r.log
