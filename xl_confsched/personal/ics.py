"""iCalendar (RFC 5545) files from the Itineraries sheet — pure functions of its rows.

``itinerary_ics(rows)`` makes one calendar with every participant's talks (each event's
summary starts with the participant's name and carries it as CATEGORIES);
``ics_by_participant(rows)`` makes one calendar per participant.  Times are floating
local times (the conference's own clock), which every calendar program accepts.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Sequence

COLUMNS = ("Participant", "Date", "Start", "End", "Talk", "Title", "Room", "Hop")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold at 75 octets (continuation lines start with a space)."""
    out, cur = [], b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(cur) + len(enc) > (75 if not out else 74):
            out.append(cur.decode("utf-8"))
            cur = b""
        cur += enc
    out.append(cur.decode("utf-8"))
    return "\r\n ".join(out)


def _as_date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str) and v.strip():
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            return None
    return None


def _as_time(v: Any) -> time | None:
    if isinstance(v, datetime):
        return v.time()
    if isinstance(v, time):
        return v
    if isinstance(v, (int, float)) and 0 <= v < 1:
        m = round(v * 1440)
        return time(m // 60, m % 60)
    if isinstance(v, str) and re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", v.strip()):
        return time.fromisoformat(v.strip().zfill(5) if len(v.strip()) <= 5 else v.strip())
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "x"


def _events(rows: Sequence[Sequence[Any]], dtstamp: datetime) -> list[tuple[str, list[str]]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    col = {h: header.index(h) for h in COLUMNS if h in header}
    missing = [h for h in ("Participant", "Date", "Start", "End", "Talk") if h not in col]
    if missing:
        raise ValueError(f"the itinerary table has no column {', '.join(missing)}")

    def get(row, h):
        j = col.get(h)
        return row[j] if j is not None and j < len(row) else None

    stamp = dtstamp.strftime("%Y%m%dT%H%M%SZ")
    out = []
    for row in rows[1:]:
        who, d = get(row, "Participant"), _as_date(get(row, "Date"))
        t0, t1 = _as_time(get(row, "Start")), _as_time(get(row, "End"))
        talk = get(row, "Talk")
        if not who or d is None or t0 is None or t1 is None or talk in (None, ""):
            continue
        title = str(get(row, "Title") or "")
        room = str(get(row, "Room") or "")
        hop = str(get(row, "Hop") or "").strip()
        summary = f"{talk}: {title}" if title else str(talk)
        desc = f"Room: {room}." + (" Change rooms for this talk." if hop.lower().startswith(("yes", "hop")) else "")
        start = datetime.combine(d, t0).strftime("%Y%m%dT%H%M%S")
        end = datetime.combine(d, t1).strftime("%Y%m%dT%H%M%S")
        lines = [
            "BEGIN:VEVENT",
            f"UID:{_slug(str(who))}-{_slug(str(talk))}-{start}@xl-confsched",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{_escape(summary)}",
            f"LOCATION:{_escape(room)}",
            f"DESCRIPTION:{_escape(desc)}",
            f"CATEGORIES:{_escape(str(who))}",
            "END:VEVENT",
        ]
        out.append((str(who), lines))
    return out


def _calendar(name: str, events: list[list[str]]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//xl_confsched//personalised itinerary//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}"]
    for ev in events:
        lines.extend(ev)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


def itinerary_ics(rows: Sequence[Sequence[Any]], name: str = "Conference itineraries",
                  dtstamp: datetime | None = None) -> str:
    """One calendar with every participant's itinerary (summaries prefixed by the name)."""
    dtstamp = dtstamp or datetime(2000, 1, 1)
    events = []
    for who, lines in _events(rows, dtstamp):
        lines = [f"SUMMARY:{_escape(who)} — " + l[len("SUMMARY:"):] if l.startswith("SUMMARY:") else l for l in lines]
        events.append(lines)
    return _calendar(name, events)


def ics_by_participant(rows: Sequence[Sequence[Any]], dtstamp: datetime | None = None) -> dict[str, str]:
    """One calendar per participant, keyed by the participant's name."""
    dtstamp = dtstamp or datetime(2000, 1, 1)
    per: dict[str, list[list[str]]] = {}
    for who, lines in _events(rows, dtstamp):
        per.setdefault(who, []).append(lines)
    return {who: _calendar(f"Itinerary of {who}", evs) for who, evs in per.items()}


def safe_filename(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "participant"
