"""iCalendar (RFC 5545) files: one event per talk, times in UTC, stable unique UIDs.

* **Times.** Every DTSTART/DTEND is written in UTC (``…Z``), converted from the
  conference clock with the workbook's time zone (a fixed offset such as GMT+1, or an IANA
  zone such as Europe/Brussels, daylight saving included) — never floating local time.
  An event whose end clock is not after its start (it crosses midnight) ends on the next day.
* **UIDs** are built from the kind's internal ids (never from display names alone), so they
  are unique within a calendar and the same event keeps its UID between runs.
* **File names** are a readable slug of the name plus a short hash of the exact name, so two
  names that slug alike ("Zoë Müller" / "Zoé Müller", "A/B" / "A B") never share a file, on
  case-insensitive disks too.
* Text is escaped (``\\``, ``;``, ``,``, newlines) and lines are folded at 75 octets.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Iterable

PRODID = "-//xl_confsched//programme//EN"


@dataclass(frozen=True)
class Zone:
    """How the conference clock maps to UTC: a fixed offset (minutes east) or an IANA zone name."""

    offset: int | None = None
    name: str | None = None
    machine: bool = False  # the zone of the computer that writes the files (when the workbook gives none)

    def to_utc(self, local: dt.datetime) -> dt.datetime:
        if self.machine:
            return local.astimezone(dt.timezone.utc).replace(tzinfo=None)
        if self.name:
            from zoneinfo import ZoneInfo

            aware = local.replace(tzinfo=ZoneInfo(self.name))
            return aware.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return local - dt.timedelta(minutes=self.offset or 0)

    @property
    def label(self) -> str:
        if self.machine:
            return "this computer's time zone"
        if self.name:
            return self.name
        h, m = divmod(abs(self.offset or 0), 60)
        return f"UTC{'+' if (self.offset or 0) >= 0 else '-'}{h:02d}:{m:02d}"


def parse_zone(value: object) -> Zone | None:
    """A zone from a cell: ``Europe/Brussels``, ``UTC``, ``GMT+2``, ``UTC-05:30``; None if unreadable."""
    if value is None:
        return None
    s = str(value).strip()
    if not s:
        return None
    m = re.fullmatch(r"(?i)(?:UTC|GMT)\s*(?:([+-])\s*(\d{1,2})(?::?(\d{2}))?)?", s)
    if m:
        if not m.group(1):
            return Zone(offset=0)
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return Zone(offset=minutes if m.group(1) == "+" else -minutes)
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(s)
    except Exception:  # noqa: BLE001 - unknown zone name, bad characters
        return None
    return Zone(name=s)


@dataclass
class Event:
    uid: str
    start: dt.datetime  # local (conference clock), naive
    end: dt.datetime  # local, naive; moved to the next day when not after start
    summary: str
    location: str = ""
    description: str = ""
    categories: list[str] = field(default_factory=list)
    url: str | None = None


def escape(text: str) -> str:
    return (str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold at 75 octets (continuation lines start with a space), never inside a UTF-8 character."""
    out, cur = [], b""
    for ch in line:
        enc = ch.encode("utf-8")
        if len(cur) + len(enc) > (75 if not out else 74):
            out.append(cur.decode("utf-8"))
            cur = b""
        cur += enc
    out.append(cur.decode("utf-8"))
    return "\r\n ".join(out)


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y%m%dT%H%M%SZ")


def uid_safe(text: str) -> str:
    """UID text: printable ASCII without spaces (other characters percent-encoded)."""
    return "".join(ch if 33 <= ord(ch) < 127 and ch not in "%;,\\" else
                   "".join(f"%{b:02X}" for b in ch.encode("utf-8")) for ch in text)


def calendar(name: str, events: Iterable[Event], zone: Zone, dtstamp: dt.datetime | None = None) -> str:
    """The text of one VCALENDAR holding ``events`` (CRLF line ends, folded)."""
    stamp = _stamp(dtstamp or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(name)}"]
    if zone.name:  # calendar programs show the events in this zone; the times themselves are UTC
        lines.append(f"X-WR-TIMEZONE:{escape(zone.name)}")
    seen: set[str] = set()
    for ev in events:
        uid = uid_safe(ev.uid)
        if uid in seen:
            continue
        seen.add(uid)
        end = ev.end
        while end <= ev.start:  # crosses midnight: ends on the next day
            end += dt.timedelta(days=1)
        lines += ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", f"DTSTART:{_stamp(zone.to_utc(ev.start))}",
                  f"DTEND:{_stamp(zone.to_utc(end))}", f"SUMMARY:{escape(ev.summary)}"]
        if ev.location:
            lines.append(f"LOCATION:{escape(ev.location)}")
        if ev.description:
            lines.append(f"DESCRIPTION:{escape(ev.description)}")
        if ev.categories:
            lines.append("CATEGORIES:" + ",".join(escape(c) for c in ev.categories))
        if ev.url:
            lines.append(f"URL:{ev.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _ascii_slug(text: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()[:40] or "x"


def file_names(names: Iterable[str], prefix: str = "") -> dict[str, str]:
    """A file name per distinct name: ``<prefix><slug>-<hash>.ics``, unique even ignoring case."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for name in dict.fromkeys(names):
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
        k = 8
        while True:
            candidate = f"{prefix}{_ascii_slug(name)}-{digest[:k]}.ics"
            if candidate.lower() not in used:
                break
            k += 4
        used.add(candidate.lower())
        out[name] = candidate
    return out
