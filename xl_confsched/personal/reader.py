"""Read a personalised-scheduling workbook into a :class:`Problem`.

Sheets: ``Talks`` (id, title, presenter[, topic]), ``Profiles`` (wide: one row per
participant, one column per talk id, 1/x where wanted — or long: participant, talk),
``Structure`` (day, date, block, start, timeslots, parallel rooms, minutes), ``Rooms``
(name, capacity; optional) and ``Availability`` (presenter × day or block, ``x`` where
the presenter cannot present; optional).  Every problem is collected and reported with
its cell; dummy talks are added when the talks do not fill the grid.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from .. import cells
from ..errors import InputIssue, IssueLog
from ..tables import Table, WorkbookData, is_blank
from .problem import BlockSlot, Participant, Problem, Room, Talk

TIMESLOTS_PER_BLOCK_MAX = 100
PARALLEL_ROOMS_MAX = 100
MINUTES_MAX = 24 * 60
PLACES_MAX = 10_000  # timeslots × parallel rooms: every place is a column of the attendance model
CAPACITY_MAX = 1_000_000


def _text(v: Any) -> str:
    return cells.text(v)


def _key(v: Any) -> str:
    return _text(v).casefold()


def _mark(v: Any) -> bool | None:
    """True / False for a tick cell, None when not understood."""
    try:
        return cells.flag(v, yes=("unavailable",))
    except cells.CellError:
        return None


def _col(table: Table, *labels: str) -> int | None:
    for lab in labels:
        j = table.column_index(lab)
        if j is not None:
            return j
    return None


def _int(v: Any) -> int | None:
    try:
        return cells.whole(v)
    except cells.CellError:
        return None


def _date(v: Any) -> date | None | str:
    if cells.blank(v):
        return None
    try:
        return cells.date(v)
    except cells.CellError:
        return "bad"


def _time(v: Any) -> time | None | str:
    if cells.blank(v):
        return None
    try:
        m = cells.time_of_day(v)
    except cells.CellError:
        return "bad"
    return time(m // 60, m % 60)


def _name_error(t: Table, i: int, j: int, what: str, log: IssueLog) -> bool:
    """Log an error when the cell holds an Excel error value (it is never a name); True if it did."""
    err = cells.excel_error(t.value(i, j))
    if err:
        log.error(t.ref(i, j), f"this {what} is the Excel error {err} (a formula that failed); fix the formula or "
                               f"type the {what}.")
    return bool(err)


def _need(data: WorkbookData, name: str, log: IssueLog) -> Table | None:
    t = data.get(name)
    if t is None:
        log.error(name, f"the sheet {name} is missing; start from `xl-confsched new --kind personal`.")
        return None
    if t.n_rows < 1:
        log.error(name, f"the sheet {name} is empty; it needs a header row and one row per entry.")
        return None
    return t


def read_talks(t: Table, log: IssueLog) -> list[Talk]:
    jid = _col(t, "id", "talk", "talk id")
    jtitle = _col(t, "title")
    jpres = _col(t, "presenter", "speaker")
    jtopic = _col(t, "topic", "track")
    if jid is None:
        log.error(t.ref(0, 0), "Talks needs a header cell 'id' (the talk's identifier used on the Profiles sheet).")
        return []
    if jpres is None:
        log.warn(t.ref(0, 0), "Talks has no 'presenter' column: presenter availability and chairs cannot use it.")
    talks: list[Talk] = []
    seen: dict[str, str] = {}
    for i, row in t.data_rows():
        v = t.value(i, jid)
        if is_blank(v):
            if any(not is_blank(x) for x in row):
                log.error(t.ref(i, jid), "this talk has no id; give every talk a unique id (e.g. T12).")
            continue
        if _name_error(t, i, jid, "talk id", log):
            continue
        if jpres is not None and _name_error(t, i, jpres, "presenter", log):
            continue
        tid = _text(v)
        if tid.casefold() in seen:
            log.error(t.ref(i, jid), f"talk id {tid} is used twice (first at {seen[tid.casefold()]}); ids must be unique.")
            continue
        seen[tid.casefold()] = t.ref(i, jid)
        talks.append(Talk(id=tid, title=_text(t.value(i, jtitle)) if jtitle is not None else "",
                          presenter=_text(t.value(i, jpres)) if jpres is not None else "",
                          topic=_text(t.value(i, jtopic)) if jtopic is not None else "", row=i))
    if not talks and not log.errors:
        log.error(t.ref(1, jid), "there are no talks; list one talk per row below the header.")
    return talks


def read_profiles(t: Table, talk_index: dict[str, int], log: IssueLog) -> list[Participant]:
    jp = _col(t, "participant", "name")
    jt = _col(t, "talk", "talk id")
    wanted: dict[str, set[int]] = {}
    names: dict[str, str] = {}
    if jp is not None and jt is not None and t.n_cols <= 3:  # long form
        for i, row in t.data_rows():
            p, x = t.value(i, jp), t.value(i, jt)
            if is_blank(p) and is_blank(x):
                continue
            if is_blank(p):
                log.error(t.ref(i, jp), "this row has a talk but no participant; fill in the participant's name.")
                continue
            if _name_error(t, i, jp, "participant", log):
                continue
            name = _text(p)
            names.setdefault(name.casefold(), name)
            w = wanted.setdefault(name.casefold(), set())
            if is_blank(x):
                continue  # a participant without ticks (a trivial profile)
            k = _key(x)
            if k not in talk_index:
                log.error(t.ref(i, jt), f"talk {_text(x)} is not on the Talks sheet; use a talk id from Talks.")
                continue
            w.add(talk_index[k])
    else:  # wide form: participant, one column per talk
        jp = 0 if jp is None else jp
        cols: dict[int, int] = {}
        seen_cols: dict[int, str] = {}
        for j, h in enumerate(t.header()):
            if j == jp or is_blank(h):
                continue
            k = _key(h)
            if k not in talk_index:
                log.error(t.ref(0, j), f"column header {_text(h)} is not a talk id from the Talks sheet; "
                                       "use the talk ids as column headers (or the long form: participant, talk).")
                continue
            if talk_index[k] in seen_cols:
                log.error(t.ref(0, j), f"talk {_text(h)} has two columns (also {seen_cols[talk_index[k]]}); keep one.")
                continue
            seen_cols[talk_index[k]] = t.ref(0, j)
            cols[j] = talk_index[k]
        for i, row in t.data_rows():
            p = t.value(i, jp)
            ticks = set()
            for j, x in cols.items():
                m = _mark(t.value(i, j))
                if m is None:
                    log.error(t.ref(i, j), f"'{_text(t.value(i, j))}' is not a tick; put 1 (or x) where the "
                                           "participant wants to attend, leave the cell empty otherwise.")
                elif m:
                    ticks.add(x)
            if is_blank(p):
                if ticks:
                    log.error(t.ref(i, jp), "this row has ticks but no participant name; fill it in.")
                continue
            if _name_error(t, i, jp, "participant", log):
                continue
            name = _text(p)
            if name.casefold() in wanted:
                log.warn(t.ref(i, jp), f"participant {name} has two rows; their ticks are merged.")
            names.setdefault(name.casefold(), name)
            wanted.setdefault(name.casefold(), set()).update(ticks)
    parts = [Participant(name=names[k], wanted=frozenset(w)) for k, w in wanted.items()]
    if not any(p.wanted for p in parts) and not log.errors:
        log.error(t.sheet, "no participant wants any talk; tick the talks each participant wants to attend.")
    return parts


def read_structure(t: Table, log: IssueLog) -> list[BlockSlot]:
    jday = _col(t, "day")
    jdate = _col(t, "date")
    jblock = _col(t, "block")
    jstart = _col(t, "start")
    jk = _col(t, "timeslots", "talks per session", "k")
    jn = _col(t, "parallel rooms", "parallel", "rooms", "n")
    jmin = _col(t, "minutes per talk", "minutes")
    for j, lab in ((jday, "Day"), (jk, "Timeslots"), (jn, "Parallel rooms")):
        if j is None:
            log.error(t.ref(0, 0), f"Structure needs a column '{lab}' (columns: Day, Date, Block, Start, "
                                   "Timeslots, Parallel rooms, Minutes per talk).")
    if jday is None or jk is None or jn is None:
        return []
    blocks: list[BlockSlot] = []
    names: dict[str, str] = {}
    first_n: tuple[int, str] | None = None
    first = 0
    for i, row in t.data_rows():
        if all(is_blank(v) for v in row):
            continue
        day = _text(t.value(i, jday))
        if not day:
            log.error(t.ref(i, jday), "this block has no day; fill in the day (e.g. Monday).")
        k, n = _int(t.value(i, jk)), _int(t.value(i, jn))
        if k is None or not 1 <= k <= TIMESLOTS_PER_BLOCK_MAX:
            log.error(t.ref(i, jk), "the number of consecutive timeslots must be a whole number from 1 to "
                                    f"{TIMESLOTS_PER_BLOCK_MAX}, found '{_text(t.value(i, jk))}'.")
            k = None
        if n is None or not 1 <= n <= PARALLEL_ROOMS_MAX:
            log.error(t.ref(i, jn), "the number of parallel rooms must be a whole number from 1 to "
                                    f"{PARALLEL_ROOMS_MAX}, found '{_text(t.value(i, jn))}'.")
            n = None
        elif first_n is None:
            first_n = (n, t.ref(i, jn))
        elif n != first_n[0]:
            log.error(t.ref(i, jn), f"every block must have the same number of parallel rooms ({first_n[0]} at "
                                    f"{first_n[1]}); the model groups talks into sets of that size.")
        d = _date(t.value(i, jdate)) if jdate is not None else None
        if d == "bad":
            log.error(t.ref(i, jdate), "not a date; enter a date such as 2015-06-08 (or leave it empty).")
            d = None
        st = _time(t.value(i, jstart)) if jstart is not None else None
        if st == "bad":
            log.error(t.ref(i, jstart), "not a time of day; enter a time such as 09:00 (or leave it empty).")
            st = None
        minutes = 30
        if jmin is not None and not is_blank(t.value(i, jmin)):
            m = _int(t.value(i, jmin))
            if m is None or not 1 <= m <= MINUTES_MAX:
                log.error(t.ref(i, jmin), f"minutes per talk must be a whole number from 1 to {MINUTES_MAX:,}, "
                                          f"found '{_text(t.value(i, jmin))}'.")
            else:
                minutes = m
        if isinstance(st, time) and k and k >= 1 and st.hour * 60 + st.minute + k * minutes > MINUTES_MAX:
            end = st.hour * 60 + st.minute + k * minutes
            log.error(t.ref(i, jmin if jmin is not None else jstart),
                      f"this block runs past midnight: it starts at {st.strftime('%H:%M')} and its {k} timeslots of "
                      f"{minutes} minutes end at {end // 60 % 24:02d}:{end % 60:02d} the next day. Start it earlier, "
                      "shorten it, or split it over two days.")
        name = _text(t.value(i, jblock)) if jblock is not None else ""
        name = name or f"{day} {sum(1 for b in blocks if b.day == day) + 1}"
        if name.casefold() in names:
            log.error(t.ref(i, jblock if jblock is not None else jday),
                      f"block name {name} is used twice (also {names[name.casefold()]}); block names must be unique.")
        names[name.casefold()] = t.ref(i, jblock if jblock is not None else jday)
        if k and k >= 1 and n and n >= 1 and day:
            blocks.append(BlockSlot(day=day, date=d, name=name, start=st, k=k, n=n, minutes=minutes, first=first))
            first += k
    if not blocks and not log.errors:
        log.error(t.sheet, "the Structure sheet lists no blocks; add one row per block of consecutive timeslots.")
    return blocks


def read_time_zone(t: Table, log: IssueLog) -> str | None:
    """The optional Time zone column of Structure (one zone for the whole conference), for the calendars."""
    from ..publish.calendars import parse_zone

    j = _col(t, "time zone", "timezone")
    if j is None:
        return None
    found: tuple[str, str] | None = None
    for i, _row in t.data_rows():
        v = _text(t.value(i, j))
        if not v:
            continue
        if parse_zone(v) is None:
            log.error(t.ref(i, j), f"cannot read the time zone '{v}'. Write a zone name such as Europe/Brussels, "
                                   "or UTC+2 / GMT-5.")
            continue
        if found is None:
            found = (v, t.ref(i, j))
        elif v != found[0]:
            log.error(t.ref(i, j), f"a second time zone '{v}' (also '{found[0]}' at {found[1]}); the conference "
                                   "has one time zone: use the same one on every row, or fill it in once.")
    return found[0] if found else None


def read_rooms(t: Table | None, n: int, log: IssueLog) -> list[Room]:
    if t is None:
        log.warn("Rooms", f"there is no Rooms sheet: {n} rooms named Room 1…{n} of unknown capacity are used.")
        return [Room(name=f"Room {r + 1}") for r in range(n)]
    jn = _col(t, "name", "room")
    jc = _col(t, "capacity", "seats")
    if jn is None:
        log.error(t.ref(0, 0), "Rooms needs a header cell 'name' (and 'capacity').")
        return []
    rooms: list[Room] = []
    seen = set()
    for i, row in t.data_rows():
        name = _text(t.value(i, jn))
        if not name:
            continue
        if name.casefold() in seen:
            log.error(t.ref(i, jn), f"room {name} is listed twice; room names must be unique.")
            continue
        seen.add(name.casefold())
        cap = None
        if jc is not None and not is_blank(t.value(i, jc)):
            cap = _int(t.value(i, jc))
            if cap is None or not 0 <= cap <= CAPACITY_MAX:
                log.error(t.ref(i, jc), f"the capacity must be a whole number of seats from 0 to {CAPACITY_MAX:,}.")
                cap = None
        rooms.append(Room(name=name, capacity=cap))
    if len(rooms) < n:
        log.error(t.sheet, f"{n} sessions run in parallel but only {len(rooms)} rooms are listed; add rooms.")
    return rooms


def read_availability(t: Table | None, talks: list[Talk], blocks: list[BlockSlot], log: IssueLog
                      ) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    if t is None or t.n_rows < 2:
        return out
    by_presenter: dict[str, list[int]] = {}
    for x, tk in enumerate(talks):
        if tk.presenter:
            by_presenter.setdefault(tk.presenter.casefold(), []).append(x)
    labels: dict[str, list[int]] = {}
    for b, bs in enumerate(blocks):
        labels.setdefault(bs.day.casefold(), []).append(b)
        labels.setdefault(bs.name.casefold(), []).append(b)
        if bs.date is not None:
            labels.setdefault(bs.date.isoformat(), []).append(b)
    jp = _col(t, "presenter", "speaker", "name")
    jp = 0 if jp is None else jp
    ju = _col(t, "unavailable")

    def mark(i: int, p: str, where: list[int]) -> None:
        talks_of = by_presenter.get(p.casefold())
        if not talks_of:
            log.warn(t.ref(i, jp), f"{p} presents no talk on the Talks sheet; this row is ignored.")
            return
        for x in talks_of:
            for b in where:
                out.add((x, b))

    if ju is not None:  # long form: presenter, unavailable (day or block)
        for i, row in t.data_rows():
            p, u = _text(t.value(i, jp)), t.value(i, ju)
            if not p and not is_blank(u):
                log.warn(t.ref(i, jp), "this availability row has no presenter and is ignored; type the presenter's "
                                       "name (as on the Talks sheet) or clear the row.")
                continue
            if not p or is_blank(u):
                continue
            where = labels.get(_key(u))
            if where is None:
                log.error(t.ref(i, ju), f"'{_text(u)}' is neither a day nor a block on the Structure sheet.")
                continue
            mark(i, p, where)
        return out
    cols: dict[int, list[int]] = {}
    for j, h in enumerate(t.header()):
        if j == jp or is_blank(h):
            continue
        where = labels.get(_key(h))
        if where is None:
            log.error(t.ref(0, j), f"column header '{_text(h)}' is neither a day nor a block name on the Structure sheet.")
            continue
        cols[j] = where
    for i, row in t.data_rows():
        p = _text(t.value(i, jp))
        if not p:
            if any(_mark(t.value(i, j)) for j in cols):
                log.warn(t.ref(i, jp), "this availability row has marks but no presenter and is ignored; type the "
                                       "presenter's name (as on the Talks sheet) or clear the row.")
            continue
        for j, where in cols.items():
            m = _mark(t.value(i, j))
            if m is None:
                log.error(t.ref(i, j), "put x where the presenter is unavailable and leave the cell empty otherwise.")
            elif m:
                mark(i, p, where)
    return out


def read_problem(data: WorkbookData) -> tuple[Problem, list[InputIssue]]:
    """The validated problem and the warnings; raises InputError with every error found."""
    log = IssueLog()
    tt = _need(data, "Talks", log)
    tp = _need(data, "Profiles", log)
    ts = _need(data, "Structure", log)
    talks = read_talks(tt, log) if tt else []
    talk_index = {t.id.casefold(): i for i, t in enumerate(talks)}
    participants = read_profiles(tp, talk_index, log) if tp and talks else []
    blocks = read_structure(ts, log) if ts else []
    n = blocks[0].n if blocks else 1
    rooms = read_rooms(data.get("Rooms"), n, log) if blocks else []
    capacity = sum(b.k * b.n for b in blocks)
    if capacity > PLACES_MAX:
        log.error(ts.sheet, f"the Structure sheet has {capacity:,} places (timeslots × parallel rooms); at most "
                            f"{PLACES_MAX:,} are supported. Check the Timeslots and Parallel rooms columns.")
        log.raise_if_errors()
    if blocks and talks and len(talks) > capacity:
        log.error(ts.sheet, f"{len(talks)} talks do not fit in the grid: the Structure sheet has room for "
                            f"{capacity} ({sum(b.k for b in blocks)} timeslots × {n} rooms); add blocks or rooms.")
    log.raise_if_errors()
    n_dummy = capacity - len(talks)
    if n_dummy:
        log.warn(ts.sheet, f"{n_dummy} empty slot{'s' if n_dummy != 1 else ''} (dummy talks) added: "
                           f"{len(talks)} talks for {capacity} places.")
    talks = talks + [Talk(id=f"(empty {d + 1})", dummy=True) for d in range(n_dummy)]
    unavailable = read_availability(data.get("Availability"), talks, blocks, log)
    zone = read_time_zone(ts, log) if ts else None
    log.raise_if_errors()
    problem = Problem(talks=talks, participants=participants, blocks=blocks, rooms=rooms, unavailable=unavailable,
                      time_zone=zone)
    return problem, log.warnings
