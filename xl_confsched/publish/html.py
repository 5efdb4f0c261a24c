"""The programme as one self-contained static web page.

One HTML file, no network: the style sheet and the small filter script are inline and
pinned by a Content-Security-Policy (their hashes), so nothing else can run even if a
text slipped through — and every text from the workbook is HTML-escaped anyway.  Days are
sections (with a link bar), each session lists its time slots with one card per talk;
cards carry their track's colour.  A track filter and a search box narrow the cards;
without JavaScript everything stays visible.  Links only where the workbook gives an
http(s) URL.  Readable on a phone (the cards stack).
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from .programme import Programme, ProgrammeTalk, clock

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1b1b1b;
background:#fafafa;line-height:1.35;overflow-wrap:anywhere}
header{background:#1f3864;color:#fff;padding:12px 16px}
header h1{margin:0 0 4px;font-size:1.4rem}
header p{margin:0;font-size:.9rem;opacity:.9}
.controls{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;
display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.controls input,.controls select{font-size:1rem;padding:6px 8px;border:1px solid #999;border-radius:6px}
.controls input{flex:1 1 14rem;min-width:0}
#count{font-size:.85rem;color:#555}
nav.days{display:flex;flex-wrap:wrap;gap:6px;padding:8px 16px}
nav.days a{padding:4px 10px;border-radius:14px;background:#d9e1f2;color:#1f3864;text-decoration:none}
.legend{display:flex;flex-wrap:wrap;gap:6px;padding:0 16px 8px;margin:0;list-style:none}
.legend li{padding:2px 8px;border-radius:4px;font-size:.85rem}
main{padding:0 16px 24px}
section.day h2{margin:18px 0 6px;font-size:1.2rem;border-bottom:2px solid #8ea9db}
.session h3{margin:12px 0 4px;font-size:1rem;color:#1f3864}
.slot{display:grid;grid-template-columns:7.5rem 1fr;gap:8px;padding:4px 0;border-top:1px solid #eee}
.time{font-variant-numeric:tabular-nums;color:#444;font-size:.9rem;padding-top:6px}
.talks{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:6px}
.talk{border-radius:6px;padding:6px 8px;border:1px solid rgba(0,0,0,.12)}
.talk .title{font-weight:600}
.talk .meta{font-size:.85rem;color:#333}
.talk .ref{font-size:.75rem;color:#555}
.talk details{font-size:.85rem;margin-top:4px}
.talk a{color:#0b3d91}
.hidden{display:none!important}
section.calendars p{font-size:.85rem;margin:4px 0}
footer{padding:12px 16px;font-size:.8rem;color:#666}
@media (max-width:560px){.slot{grid-template-columns:1fr}.time{padding-top:0;font-weight:600}}
@media print{.controls,nav.days{display:none}}
"""

SCRIPT = """
(function(){
var q=document.getElementById('search'),tr=document.getElementById('track'),cnt=document.getElementById('count');
function norm(s){return s.toLowerCase().normalize('NFD').replace(/[\\u0300-\\u036f]/g,'');}
function apply(){
  var words=norm(q.value).split(/\\s+/).filter(Boolean),want=tr.value,shown=0;
  document.querySelectorAll('.talk').forEach(function(c){
    var t=c.getAttribute('data-search'),ok=(!want||c.getAttribute('data-track')===want);
    for(var i=0;ok&&i<words.length;i++){if(t.indexOf(words[i])<0)ok=false;}
    c.classList.toggle('hidden',!ok);if(ok)shown++;});
  document.querySelectorAll('.slot,.session,section.day').forEach(function(b){
    b.classList.toggle('hidden',!b.querySelector('.talk:not(.hidden)'));});
  cnt.textContent=shown+' of '+document.querySelectorAll('.talk').length+' talks';
}
q.addEventListener('input',apply);tr.addEventListener('change',apply);apply();
})();
"""


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _track_classes(prog: Programme) -> dict[str, str]:
    return {k: f"t{i}" for i, k in enumerate(prog.tracks)}


def _search_text(talk: ProgrammeTalk, room: str) -> str:
    import unicodedata

    parts = [talk.title or "", talk.reference, " ".join(talk.presenters), talk.track or "", room, talk.authors or "",
             talk.type or "", talk.abstract or ""]
    s = unicodedata.normalize("NFD", " ".join(parts).lower())
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def _card(prog: Programme, talk: ProgrammeTalk, cls: dict[str, str]) -> str:
    e = escape
    title = e(talk.label)
    if talk.url:
        title = f'<a href="{e(talk.url, quote=True)}" rel="noopener noreferrer">{title}</a>'
    meta = [e(", ".join(talk.presenters))] if talk.presenters else []
    sess = prog.sessions[talk.session]
    when = sess.slot_label(talk.first_slot) if sess.labels else f"{clock(prog.start_of(talk))}–{clock(prog.end_of(talk))}"
    meta.append(f"{e(talk.room)} · {e(when)}")
    if talk.track:
        meta.append(e(talk.track))
    bits = [f'<div class="title">{title}</div>', f'<div class="meta">{" · ".join(meta)}</div>']
    ref = talk.reference if talk.title else ""
    small = " · ".join(e(x) for x in (ref, talk.type or "") if x)
    if small:
        bits.append(f'<div class="ref">{small}</div>')
    if talk.authors:
        bits.append(f'<div class="meta">{e(talk.authors)}</div>')
    if talk.abstract:
        bits.append(f"<details><summary>Abstract</summary><p>{e(talk.abstract)}</p></details>")
    klass = f"talk {cls.get(talk.track or '', '')}".strip()
    return (f'<article class="{klass}" data-track="{e(talk.track or "", quote=True)}" '
            f'data-search="{e(_search_text(talk, talk.room), quote=True)}">' + "".join(bits) + "</article>")


def programme_html(prog: Programme, title: str | None = None, note: str = "", calendars_html: str = "") -> str:
    """The page's HTML text."""
    e = escape
    heading = title or (f"Programme of {prog.name}" if prog.name else "Programme")
    colours = prog.colours()
    cls = _track_classes(prog)
    css = CSS + "".join(f".{c}{{background:#{colours[k]}}}" for k, c in cls.items())
    room_ix = {r: i for i, r in enumerate(prog.rooms)}
    out: list[str] = []
    days = prog.days()
    out.append('<nav class="days" aria-label="Days">' + "".join(
        f'<a href="#day-{i + 1}">{e(title_)}</a>' for i, (_k, title_, _s) in enumerate(days)) + "</nav>")
    out.append('<ul class="legend" aria-label="Tracks">' + "".join(
        f'<li class="{cls[k]}">{e(k)}</li>' for k in prog.tracks) + "</ul>")
    out.append("<main>")
    for i, (_key, day_title, sessions) in enumerate(days):
        out.append(f'<section class="day" id="day-{i + 1}"><h2>{e(day_title)}</h2>')
        for s in sessions:
            sess = prog.sessions[s]
            out.append(f'<div class="session"><h3>{e(sess.name)} · {e(sess.times)}</h3>')
            talks = prog.talks_in(s)
            for t in range(len(sess.slots)):
                here = sorted((x for x in talks if x.first_slot == t), key=lambda x: room_ix.get(x.room, 0))
                if not here:
                    continue
                out.append(f'<div class="slot"><div class="time">{e(sess.slot_label(t))}</div><div class="talks">'
                           + "".join(_card(prog, x, cls) for x in here) + "</div></div>")
            out.append("</div>")
        out.append("</section>")
    if calendars_html:
        out.append(calendars_html)
    out.append("</main>")
    options = '<option value="">All tracks</option>' + "".join(
        f'<option value="{e(k, quote=True)}">{e(k)}</option>' for k in prog.tracks)
    controls = ('<div class="controls"><input id="search" type="search" placeholder="Search titles, presenters, '
                'rooms…" aria-label="Search"><select id="track" aria-label="Track">' + options +
                '</select><span id="count" aria-live="polite"></span></div>')
    csp = (f"default-src 'none'; style-src 'sha256-{_sha256(css)}'; script-src 'sha256-{_sha256(SCRIPT)}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    sub = e(note) if note else f"{len(prog.talks)} talks · {len(prog.rooms)} rooms · {len(prog.tracks)} tracks"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(heading)}</title><style>{css}</style></head><body>"
            f"<header><h1>{e(heading)}</h1><p>{sub}</p></header>{controls}" + "".join(out)
            + f"<footer>Made with xl_confsched. Times are local ({e(_zone_text(prog))}).</footer>"
            + f"<script>{SCRIPT}</script></body></html>\n")


def _zone_text(prog: Programme) -> str:
    if prog.time_zone:
        return prog.time_zone
    if prog.utc_offset is not None:
        h, m = divmod(abs(prog.utc_offset), 60)
        return f"UTC{'+' if prog.utc_offset >= 0 else '-'}{h:02d}:{m:02d}"
    return "the conference's clock"
