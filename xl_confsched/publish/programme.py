"""A conference programme as plain data, from any kind's schedule.

Every kind that schedules talks turns its schedule into a :class:`Programme`: days,
sessions with their time slots (clock times), rooms, tracks and the talks placed in
them (title, presenters, track…).  The Programme sheet (:mod:`.sheet`), the web page
(:mod:`.html`) and the calendars (:mod:`.calendars`) are all drawn from it, so the three
always show the same schedule.

Times are the conference's local clock (minutes after midnight); ``Programme.utc_offset``
says how that clock relates to UTC when the workbook says so (``None``: unknown).
"""

from __future__ import annotations

import colorsys
import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# light colours (black text stays readable on every one), distinct for the first twelve tracks
PALETTE = ["A6CEE3", "B2DF8A", "FDBF6F", "CAB2D6", "FFFF99", "FB9A99", "8DD3C7", "BEBADA", "FCCDE5", "D9D9D9",
           "CCEBC5", "FFED6F"]


def track_colours(tracks: list[str]) -> dict[str, str]:
    """One light fill colour (hex ``RRGGBB``) per track, in the order given."""
    out = {}
    for i, name in enumerate(tracks):
        if i < len(PALETTE):
            out[name] = PALETTE[i]
        else:  # golden-angle hues, light and soft
            h = (i * 0.618033988749895) % 1.0
            r, g, b = colorsys.hls_to_rgb(h, 0.82, 0.55)
            out[name] = f"{round(r * 255):02X}{round(g * 255):02X}{round(b * 255):02X}"
    return out


def safe_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL, else None (no javascript:, data:, relative links)."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or any(ch.isspace() for ch in s) or any(ord(ch) < 32 for ch in s):
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return s


def clock(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def as_time(minutes: int) -> dt.time:
    return dt.time((minutes // 60) % 24, minutes % 60)


def day_label(day: dt.date | None, fallback: str = "") -> str:
    if day is None:
        return fallback
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


@dataclass(frozen=True)
class ProgrammeSession:
    """A session: a run of time slots on one day, the same in every room."""

    name: str
    day: dt.date | None
    day_name: str  # the day's label when there is no date (e.g. "Day 1"), else ""
    slots: tuple[tuple[int, int], ...]  # (start, end) minutes of each time slot
    labels: tuple[str, ...] = ()  # the slots' names when they have no clock times (then there are no calendars)

    def slot_label(self, t: int) -> str:
        if self.labels:
            return self.labels[t]
        a, b = self.slots[t]
        return f"{clock(a)}–{clock(b)}"

    @property
    def start(self) -> int:
        return self.slots[0][0]

    @property
    def end(self) -> int:
        return self.slots[-1][1]

    @property
    def day_key(self) -> str:
        return self.day.isoformat() if self.day else self.day_name

    @property
    def day_title(self) -> str:
        return day_label(self.day, self.day_name or "Programme")

    @property
    def times(self) -> str:
        if self.labels:
            return self.labels[0] if len(self.labels) == 1 else f"{self.labels[0]} to {self.labels[-1]}"
        return f"{clock(self.start)}–{clock(self.end)}"


@dataclass(frozen=True)
class ProgrammeTalk:
    """One talk placed in the programme."""

    uid: str  # stable and unique within the programme (built from the kind's internal id)
    reference: str  # the organiser's reference (or the title when the kind has none)
    title: str | None
    presenters: tuple[str, ...]
    track: str | None
    session: int  # index into Programme.sessions
    room: str
    first_slot: int  # 0-based time slot within the session
    slots: int = 1
    authors: str | None = None
    type: str | None = None
    abstract: str | None = None
    url: str | None = None  # http(s) only (see safe_url)

    @property
    def label(self) -> str:
        """What a reader calls the talk: its title, or its reference when there is none."""
        return self.title or self.reference


@dataclass
class Programme:
    name: str
    sessions: list[ProgrammeSession]
    rooms: list[str]
    tracks: list[str]
    talks: list[ProgrammeTalk]
    utc_offset: int | None = None  # minutes east of UTC of the conference clock; None: not known
    time_zone: str | None = None  # an IANA zone name, when the workbook gives one
    notes: list[str] = field(default_factory=list)  # e.g. talks that could not be placed

    # ------------------------------------------------------------------ times
    def start_of(self, talk: ProgrammeTalk) -> int:
        return self.sessions[talk.session].slots[talk.first_slot][0]

    def end_of(self, talk: ProgrammeTalk) -> int:
        sess = self.sessions[talk.session]
        return sess.slots[min(len(sess.slots) - 1, talk.first_slot + talk.slots - 1)][1]

    def local_span(self, talk: ProgrammeTalk) -> tuple[dt.datetime, dt.datetime] | None:
        """(start, end) as local date-times; the end is on the next day when the talk crosses midnight."""
        sess = self.sessions[talk.session]
        if sess.day is None or sess.labels:
            return None
        base = dt.datetime.combine(sess.day, dt.time(0))
        start = base + dt.timedelta(minutes=self.start_of(talk))
        end_minutes = self.end_of(talk)
        end = base + dt.timedelta(minutes=end_minutes)
        # a session that runs past midnight: the slot clock wraps round
        if sess.start > self.start_of(talk) % 1440 and sess.start > 0:
            start += dt.timedelta(days=1)
        while end <= start:
            end += dt.timedelta(days=1)
        return start, end

    def ordered(self) -> list[ProgrammeTalk]:
        """Talks in time order (session, slot, room)."""
        room_ix = {r: i for i, r in enumerate(self.rooms)}
        return sorted(self.talks, key=lambda t: (self.session_order[t.session], t.first_slot,
                                                 room_ix.get(t.room, len(room_ix)), t.reference))

    @property
    def session_order(self) -> list[int]:
        """Position of each session (by index) in time order."""
        first_seen: dict[str, int] = {}
        for i, sess in enumerate(self.sessions):
            first_seen.setdefault(sess.day_key, i)
        # dated days by date; days known only by name in the order they first appear (never alphabetically)
        order = sorted(range(len(self.sessions)), key=lambda s: (
            self.sessions[s].day or dt.date.min, first_seen[self.sessions[s].day_key],
            0 if self.sessions[s].labels else self.sessions[s].start, s))
        pos = [0] * len(self.sessions)
        for p, s in enumerate(order):
            pos[s] = p
        return pos

    def days(self) -> list[tuple[str, str, list[int]]]:
        """(key, title, session indices in time order) per day, in time order."""
        order = sorted(range(len(self.sessions)), key=lambda s: self.session_order[s])
        out: list[tuple[str, str, list[int]]] = []
        for s in order:
            key = self.sessions[s].day_key
            if out and out[-1][0] == key:
                out[-1][2].append(s)
            else:
                out.append((key, self.sessions[s].day_title, [s]))
        return out

    def colours(self) -> dict[str, str]:
        return track_colours(self.tracks)

    def talks_in(self, session: int) -> list[ProgrammeTalk]:
        return [t for t in self.talks if t.session == session]


def slug(text: str) -> str:
    """A readable ASCII fragment of a name (never used alone to make names unique)."""
    import unicodedata

    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()[:40] or "x"
