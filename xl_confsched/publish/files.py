"""What ``xl-confsched publish`` writes: the web page and the calendars, prepared as texts first.

``outputs(prog, zone)`` returns every file as (relative path → text): ``index.html``, the
whole programme as ``programme.ics`` and one calendar per room, per track and per presenter
(``rooms/…``, ``tracks/…``, ``presenters/…``); a kind may add its own groups (the personal
kind: ``participants/…``).  ``write_outputs`` puts them in place all together through
:mod:`xl_confsched.writing` (each calendar folder is replaced whole, so a calendar of an
earlier publish that no longer applies disappears).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from .calendars import Event, Zone, calendar, file_names
from .html import programme_html
from .programme import Programme, ProgrammeTalk


@dataclass
class Published:
    files: dict[str, str] = field(default_factory=dict)  # relative path -> text
    warnings: list[str] = field(default_factory=list)
    calendars: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # group -> (name, relative path)


def programme_id(prog: Programme) -> str:
    return hashlib.sha256((prog.name or "programme").encode("utf-8")).hexdigest()[:10]


def talk_event(prog: Programme, talk: ProgrammeTalk, pid: str) -> Event | None:
    span = prog.local_span(talk)
    if span is None:
        return None
    who = ", ".join(talk.presenters)
    desc = "\n".join(x for x in (
        f"Presenters: {who}" if who else "", f"Authors: {talk.authors}" if talk.authors else "",
        f"Track: {talk.track}" if talk.track else "", f"Session: {prog.sessions[talk.session].name}",
        f"Reference: {talk.reference}" if talk.title else "", talk.abstract or "") if x)
    return Event(uid=f"{talk.uid}.{pid}@xl-confsched", start=span[0], end=span[1], summary=talk.label,
                 location=talk.room, description=desc, categories=[talk.track] if talk.track else [], url=talk.url)


def outputs(prog: Programme, zone: Zone | None, extra: dict[str, dict[str, list[Event]]] | None = None,
            dtstamp: dt.datetime | None = None) -> Published:
    """Every file to publish, as texts. ``extra``: more calendar groups (group -> name -> events)."""
    pub = Published()
    pid = programme_id(prog)
    events = {t.uid: talk_event(prog, t, pid) for t in prog.talks}
    if zone is None:
        pub.warnings.append("No time zone is known for this programme, so no calendars were written. Give the "
                            "conference's time zone in the workbook (or --time-zone).")
    elif any(e is None for e in events.values()):
        pub.warnings.append("Some sessions have no date, so their talks are not in the calendars. Give every "
                            "session a date.")
    groups: dict[str, dict[str, list[Event]]] = {"rooms": {}, "tracks": {}, "presenters": {}}
    for t in prog.ordered():
        ev = events[t.uid]
        if ev is None:
            continue
        groups["rooms"].setdefault(t.room, []).append(ev)
        if t.track:
            groups["tracks"].setdefault(t.track, []).append(ev)
        for p in t.presenters:
            groups["presenters"].setdefault(p, []).append(ev)
    for g, per in (extra or {}).items():
        groups[g] = per
    heading = f"Programme of {prog.name}" if prog.name else "Programme"
    if zone is not None:
        everything = [events[t.uid] for t in prog.ordered() if events[t.uid] is not None]
        if everything:
            pub.files["programme.ics"] = calendar(heading, everything, zone, dtstamp)
            pub.calendars["programme"] = [("Whole programme", "programme.ics")]
        for g, per in groups.items():
            names = file_names(sorted(per))
            pub.calendars[g] = []
            for name in sorted(per):
                path = f"{g}/{names[name]}"
                pub.files[path] = calendar(f"{heading}: {name}", per[name], zone, dtstamp)
                pub.calendars[g].append((name, path))
    pub.files["index.html"] = programme_html(prog, heading, calendars_html=calendars_list(pub.calendars))
    return pub


def calendars_list(cals: dict[str, list[tuple[str, str]]]) -> str:
    """The page's list of calendar files (relative links: the page itself needs no network)."""
    if not cals:
        return ""
    titles = {"programme": "Everything", "rooms": "Per room", "tracks": "Per track", "presenters": "Per presenter",
              "participants": "Per participant"}
    parts = ['<section class="calendars"><h2>Calendars (.ics)</h2>']
    for g, items in cals.items():
        if not items:
            continue
        links = ", ".join(f'<a href="{escape(p, quote=True)}">{escape(n)}</a>' for n, p in items)
        parts.append(f"<p><b>{escape(titles.get(g, g))}:</b> {links}</p>")
    parts.append("</section>")
    return "".join(parts)


def write_outputs(out_dir: str | Path, files: dict[str, str]) -> list[Path]:
    """Write every file at once (``writing.Outputs``): all prepared beside their targets, then put in place
    together; a failure leaves the folder as it was."""
    from ..writing import Outputs

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    folders: dict[str, dict[str, str]] = {}
    with Outputs() as o:
        for rel, text in files.items():
            parts = Path(rel).parts
            if len(parts) == 1:
                o.write_text(out / rel, text)
            else:
                folders.setdefault(parts[0], {})[parts[1]] = text
        for name, content in folders.items():
            o.write_folder(out / name, content)
        return o.commit()
