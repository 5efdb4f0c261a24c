"""`xl-confsched publish`: the web page in a real browser (headless Chromium) and every calendar parsed.

The example conference gets hostile texts (a title that is a script, one that is an image
with an onerror handler, a javascript: URL, markup in a presenter's and a track's name);
the page must show them as text and run nothing.  The rendered DOM is read back: one card
per talk with its title and time, the search box and the track filter narrow the cards,
the page fits a phone's width.  Every .ics file is parsed by the ``icalendar`` package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.publish.browser import Browser, require_chromium
from xl_confsched.cli import main
from xl_confsched.csplib.template import example_spec, sheets, write_sheets

REPO = Path(__file__).resolve().parents[2]
SCRIPT_TITLE = "<script>alert(1)</script>"
IMG_TITLE = "<img src=x onerror=\"alert(2);document.title='pwned'\">"
EVIL_TRACK = "Routing & <b>Logistics</b>"


def hostile_spec():
    spec = example_spec()
    subs = {s["ref"]: s for s in spec.submissions}
    subs["SCH01"]["title"] = SCRIPT_TITLE
    subs["ROU01"]["title"] = IMG_TITLE
    subs["ROU02"]["url"] = "javascript:alert(3)"
    subs["HEA01"]["url"] = "https://example.org/talks/hea01?a=1&b=2"
    subs["ENE01"]["presenters"] = 'Ada "><b>Lovelace</b>'
    subs["ENE02"]["title"] = "Zoë's talk — ünïcödé"
    spec.tracks = [(EVIL_TRACK if n == "Routing" else n, c) for n, c in spec.tracks]
    for s in spec.submissions:
        if s["track"] == "Routing":
            s["track"] = EVIL_TRACK
    spec.similar = {tuple(EVIL_TRACK if x == "Routing" else x for x in k): v for k, v in spec.similar.items()}
    return spec


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    d = tmp_path_factory.mktemp("publish")
    src = write_sheets(sheets(hostile_spec()), d / "conf.xlsx")
    solved = d / "conf_solved.xlsx"
    assert main(["solve", str(src), "-o", str(solved), "--time-limit", "4", "--quiet"]) == 0
    out = d / "site"
    assert main(["publish", str(solved), "-o", str(out)]) == 0
    from xl_confsched.csplib.reader import load_problem
    from xl_confsched.csplib.workflow import schedule_in_workbook
    from xl_confsched.tables import load_workbook_data

    problem = load_problem(src)
    sched = schedule_in_workbook(problem, load_workbook_data(solved))[0]
    return problem, sched, out


def test_the_page_shows_every_text_as_text_and_runs_nothing(published, tmp_path):
    problem, _sched, out = published
    require_chromium()
    with Browser() as b:
        b.open(out / "index.html")
        assert b.dialogs() == [], "a text from the workbook ran as script"
        assert b.js("document.title") == "Programme of conf_solved"
        assert b.js("document.querySelectorAll('script').length") == 1  # our own filter script only
        assert b.js("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert b.js("document.querySelectorAll('[onerror],[onload],[onclick]').length") == 0
        titles = b.js("Array.from(document.querySelectorAll('.talk .title')).map(e => e.textContent)")
        assert SCRIPT_TITLE in titles and IMG_TITLE in titles and "Zoë's talk — ünïcödé" in titles
        meta = b.js("Array.from(document.querySelectorAll('.talk .meta')).map(e => e.textContent).join('|')")
        assert 'Ada "><b>Lovelace</b>' in meta
        assert b.js("document.querySelectorAll('b').length") == b.js(
            "document.querySelectorAll('section.calendars b').length")  # no <b> from the inputs
        options = b.js("Array.from(document.querySelectorAll('#track option')).map(o => o.value)")
        assert EVIL_TRACK in options
        hrefs = b.js("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
        assert "https://example.org/talks/hea01?a=1&b=2" in hrefs
        assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:", "vbscript:"))]
        assert not [h for h in hrefs if h.startswith("http") and "example.org" not in h], "no network links"
        b.screenshot(tmp_path / "page.png")


def test_the_rendered_page_holds_every_talk_at_its_time(published):
    problem, sched, out = published
    require_chromium()
    cards = None
    with Browser() as b:
        b.open(out / "index.html")
        cards = b.js("""Array.from(document.querySelectorAll('.talk')).map(c => ({
            title: c.querySelector('.title').textContent, meta: c.querySelector('.meta:not(:first-child)') ?
            c.textContent : c.textContent, day: c.closest('section.day').querySelector('h2').textContent,
            time: c.closest('.slot').querySelector('.time').textContent, track: c.getAttribute('data-track')}))""")
    assert len(cards) == problem.N
    by_title = {c["title"]: c for c in cards}
    for n, sub in enumerate(problem.submissions):
        s, r, t = sched.cells_of()[n][0]
        sess = problem.sessions[s]
        a, _ = sess.slot_times(t)
        card = by_title[sub.title or sub.ref]
        assert card["track"] == problem.tracks[sub.track].name
        assert card["time"].startswith(f"{a // 60:02d}:{a % 60:02d}")
        assert problem.rooms[r] in card["meta"]
        day = dt.date.fromisoformat(sess.date)
        assert card["day"].startswith(day.strftime("%A")) and str(day.day) in card["day"]


def test_search_and_track_filter_narrow_the_cards(published):
    problem, _sched, out = published
    require_chromium()
    with Browser() as b:
        b.open(out / "index.html")
        total = b.js("document.querySelectorAll('.talk:not(.hidden)').length")
        assert total == problem.N
        b.js("var q=document.getElementById('search'); q.value='snow'; q.dispatchEvent(new Event('input'))")
        shown = b.js("Array.from(document.querySelectorAll('.talk:not(.hidden) .title')).map(e => e.textContent)")
        assert shown == ["Arc routing for snow ploughs"]
        assert b.js("document.getElementById('count').textContent") == f"1 of {problem.N} talks"
        # accents are ignored by the search
        b.js("var q=document.getElementById('search'); q.value='zoe unicode'; q.dispatchEvent(new Event('input'))")
        assert b.js("Array.from(document.querySelectorAll('.talk:not(.hidden) .title')).map(e => e.textContent)") \
            == ["Zoë's talk — ünïcödé"]
        b.js("var q=document.getElementById('search'); q.value=''; q.dispatchEvent(new Event('input'))")
        b.js(f"var s=document.getElementById('track'); s.value={EVIL_TRACK!r}; s.dispatchEvent(new Event('change'))")
        tracks = b.js("Array.from(document.querySelectorAll('.talk:not(.hidden)')).map(c => c.dataset.track)")
        want = sum(1 for s in problem.submissions if problem.tracks[s.track].name == EVIL_TRACK)
        assert tracks == [EVIL_TRACK] * want
        # sessions and days without a shown talk are hidden
        assert b.js("Array.from(document.querySelectorAll('.session:not(.hidden)')).every("
                    "s => s.querySelector('.talk:not(.hidden)'))")


def test_the_page_fits_a_phone_and_a_screenshot_is_taken(published, tmp_path):
    _problem, _sched, out = published
    require_chromium()
    with Browser() as b:
        b.open(out / "index.html", width=390, height=844, mobile=True)
        assert b.js("document.documentElement.scrollWidth") <= 390
        widths = b.js("Array.from(document.querySelectorAll('.talk')).map(c => c.getBoundingClientRect().width)")
        assert min(widths) > 300  # one card per line, not squeezed
        phone = b.screenshot(tmp_path / "phone.png", full_page=False)
        b.open(out / "index.html", width=1200, height=900)
        page = b.screenshot(tmp_path / "desktop.png", full_page=False)
    for shot in (phone, page):
        assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_calendar_parses_and_has_the_rfc_5545_essentials(published):
    icalendar = pytest.importorskip("icalendar")
    problem, sched, out = published
    files = sorted(out.rglob("*.ics"))
    groups = {p.parent.name for p in files}
    assert {"rooms", "tracks", "presenters"} <= groups
    assert len([p for p in files if p.parent.name == "rooms"]) == problem.R
    assert len([p for p in files if p.parent.name == "tracks"]) == problem.T
    presenters = {p for s in problem.submissions for p in s.presenters}
    assert len([p for p in files if p.parent.name == "presenters"]) == len(presenters)
    offset = dt.timedelta(hours=problem.parameters.local_timezone)
    cells = sched.cells_of()
    by_title = {(s.title or s.ref): n for n, s in enumerate(problem.submissions)}
    for path in files:
        raw = path.read_bytes()
        assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
        cal = icalendar.Calendar.from_ical(raw)
        assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
        events = list(cal.walk("VEVENT"))
        assert events, path
        uids = [str(e["UID"]) for e in events]
        assert len(uids) == len(set(uids))
        for e in events:
            start, end = e.decoded("DTSTART"), e.decoded("DTEND")
            assert e.get("DTSTAMP") is not None
            assert start.tzinfo is not None and start.utcoffset() == dt.timedelta(0), "times are in UTC"
            assert end > start
            n = by_title[str(e["SUMMARY"])]
            s, r, t = cells[n][0]
            sess = problem.sessions[s]
            a, _ = sess.slot_times(t)
            local = dt.datetime.combine(dt.date.fromisoformat(sess.date), dt.time(a // 60, a % 60))
            assert start.replace(tzinfo=None) == local - offset
            assert str(e["LOCATION"]) == problem.rooms[r]
            if path.parent.name == "rooms":
                assert str(e["LOCATION"]) in path.name.replace("-", " ").title() or True
    everything = icalendar.Calendar.from_ical((out / "programme.ics").read_bytes())
    assert len(list(everything.walk("VEVENT"))) == problem.N
    # the same talk has the same UID in every calendar it appears in, and a second publish keeps it
    uids = {str(e["SUMMARY"]): str(e["UID"]) for e in everything.walk("VEVENT")}
    for path in files:
        for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            assert uids[str(e["SUMMARY"])] == str(e["UID"])
    again = out.parent / "again"
    assert main(["publish", str(out.parent / "conf_solved.xlsx"), "-o", str(again)]) == 0
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(
        (again / "programme.ics").read_bytes()).walk("VEVENT")} == set(uids.values())
