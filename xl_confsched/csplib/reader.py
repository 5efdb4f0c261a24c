"""Read the CSPLib workbook template into a validated :class:`Problem`.

Layout and semantics follow the public instances and OBJECTIVE.md §1.  Every problem
found is collected (not just the first) and reported with the sheet, the cell and
what to do.  Where we deliberately differ from the CSPLib checker:

* names (references, tracks, sessions, rooms, people) are compared after trimming
  surrounding spaces — the checker does not trim, which makes it reject the public
  N2OR reference solutions;
* name lists are split on commas and each name trimmed (the checker splits on the
  exact text ", "); a cell such as ``"A,B"`` gives two names here, one name there —
  we warn when a cell would read differently;
* pairwise tables are keyed by index pairs, so the checker's joined-name key clashes
  (OBJECTIVE.md §1.11) cannot happen here.

Benchmark rules that may surprise an organiser are kept, with a warning naming the
cell: values below the diagonal of ``similar tracks`` are ignored, an empty or text
Order cell counts as out of order, a weight ≤ 0 switches its term off.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .. import cells
from ..errors import IssueLog
from ..tables import Table, WorkbookData, is_blank
from .problem import Parameters, Problem, Session, Submission, Track
from .terms import TERMS

SHEETS = ["submissions", "tracks", "sessions", "rooms", "parameters", "tracks_sessions|penalty",
          "tracks_rooms|penalty", "similar tracks", "sessions_rooms|penalty"]

# optional sheet with the descriptive columns, keyed by Reference (instead of, or besides, the submissions sheet)
DETAILS_SHEET = "submission details"
OPTIONAL_SHEETS = [DETAILS_SHEET]
# optional descriptive columns: header (lower case) -> Submission field
DESCRIPTIVE = {"title": "title", "authors": "authors", "author": "authors", "abstract": "abstract",
               "type": "type", "url": "url", "link": "url"}
DESCRIPTIVE_NAMES = "Title, Authors, Abstract, Type, URL"

_TZ_RE = re.compile(r"^GMT([+-])(0|[1-9]|1[0-2])$")


# ----------------------------------------------------------------------------- cell parsers
# (the vocabulary is xl_confsched.cells; these keep the CSPLib reader's small return conventions)

PENALTY_MAX = 1e9  # penalties and weights: beyond this the solver's arithmetic is not exact
SLOTS_PER_SESSION_MAX = 1000
ORDER_MAX = 1_000_000
SCHEDULE_ROWS_MAX = 1_000_000  # Excel's sheets end at row 1,048,576
NEGATIVE_PENALTY = ("a negative penalty is a reward: the schedule will seek this placement. Enter 0 or a positive "
                    "penalty if that is not meant.")


def text(value: Any) -> str:
    return cells.text(value)


def parse_int(value: Any) -> int | None:
    """Whole number from a number cell or integer text (``"3"``, ``"3.0"``, ``"3: …"``); None if it is not one."""
    if isinstance(value, str) and ":" in value:
        value = value.split(":", 1)[0]
    try:
        return cells.whole(value)
    except cells.CellError:
        return None


def parse_number(value: Any) -> float | None:
    """Penalty value: empty → 0; a finite number or numeric text; otherwise None (invalid)."""
    try:
        return float(cells.number(value, blank_value=0.0))
    except cells.CellError:
        return None


def as_number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else v


def parse_time(value: Any) -> int | None:
    """Minutes after midnight from an Excel time, a fraction of a day or ``H:MM[:SS]`` text
    (a date-time on a real day is not a time here)."""
    if isinstance(value, dt.datetime) and value.date() not in (dt.date(1899, 12, 30), dt.date(1899, 12, 31),
                                                                 dt.date(1900, 1, 1)):
        return None
    try:
        return cells.time_of_day(value)
    except cells.CellError:
        return None


def parse_timezone(value: Any) -> int | None:
    s = text(value)
    m = _TZ_RE.match(s)
    if m:
        return int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    if s in ("GMT", "GMT0", "GMT-0", "UTC"):
        return 0
    return None


def parse_date(value: Any) -> str | None | bool:
    """ISO date text; None for an empty cell; False when unparseable."""
    if cells.blank(value):
        return None
    try:
        return cells.date(value).isoformat()
    except cells.CellError:
        return False


def split_names(value: Any) -> list[str]:
    try:
        return cells.name_list(value)
    except cells.CellError:
        return []


# ----------------------------------------------------------------------------- the reader

class _Reader:
    def __init__(self, data: WorkbookData):
        self.data = data
        self.log = IssueLog()
        self._track_rows: list[tuple[int, str]] = []
        self._detail_cells: dict[str, dict[str, str]] = {}  # ref -> field -> cell, for messages

    # helpers ---------------------------------------------------------------
    def sheet(self, name: str) -> Table | None:
        t = self.data.get(name)
        if t is None:
            self.log.error(name, f"the sheet '{name}' is missing. Add a sheet named exactly '{name}' "
                                 f"laid out as in the CSPLib template (xl-confsched new --kind csplib).")
            return None
        if t.n_rows == 0:
            self.log.error(name, f"the sheet '{name}' is empty. Fill it in as in the CSPLib template.")
            return None
        return t

    def expect_header(self, t: Table, j: int, label: str) -> bool:
        got = text(t.value(0, j))
        if got.lower() != label.lower():
            self.log.error(t.ref(0, j), f"expected the column header '{label}' here, found "
                                        f"'{got}'. Put the {label} column in this position.")
            return False
        return True

    def find(self, idx: dict[str, int], label: str, ref: str, what: str) -> int | None:
        """Index of the name ``label`` in ``idx``: the exact name, else the only one equal up to case
        (with a warning: the CSPLib checker compares names exactly)."""
        if label in idx:
            return idx[label]
        hits = [n for n in idx if n.casefold() == label.casefold()]
        if len(hits) == 1:
            self.log.warn(ref, f"'{label}' is read as the {what} '{hits[0]}' (the case differs); the CSPLib checker "
                               f"compares names exactly, so write '{hits[0]}'.")
            return idx[hits[0]]
        return None

    def names_in(self, t: Table, i: int, j: int, what: str) -> list[str]:
        """The names of a list cell (comma-separated); an Excel error value is an error, never a name."""
        try:
            return cells.name_list(t.value(i, j), what=what)
        except cells.CellError as e:
            self.log.error(t.ref(i, j), e.reason[0].upper() + e.reason[1:])
            return []

    def penalty(self, t: Table, i: int, j: int, what: str) -> float | None:
        """A penalty cell: empty = 0; finite, at most PENALTY_MAX in size; a negative one is warned about."""
        v = t.value(i, j)
        try:
            x = float(cells.number(v, blank_value=0.0, lo=-PENALTY_MAX, hi=PENALTY_MAX))
        except cells.CellError as e:
            if parse_number(v) is None:
                self.log.error(t.ref(i, j), f"{what}'{text(v)}' is not a number ({e.reason.split(';')[0]}). "
                                            "Enter a number or leave the cell empty (0).")
            else:
                self.log.error(t.ref(i, j), f"{what}{e.reason[0].upper() + e.reason[1:]}")
            return None
        if x < 0:
            self.log.warn(t.ref(i, j), f"{what}the penalty {as_number(x)} is negative: {NEGATIVE_PENALTY}")
        return x

    def name_column(self, t: Table, what: str) -> list[tuple[int, str]]:
        """(row, name) of the data rows in column A; reports blanks, Excel errors and duplicates."""
        seen: dict[str, str] = {}
        out = []
        for i, row in t.data_rows():
            err = cells.excel_error(t.value(i, 0))
            if err:
                self.log.error(t.ref(i, 0), f"this {what} name is the Excel error {err} (a formula that failed). "
                                            f"Fix the formula or type the {what} name.")
                continue
            name = text(t.value(i, 0))
            if not name:
                if any(not is_blank(v) for v in row):
                    self.log.error(t.ref(i, 0), f"this {what} row has no name. Type the {what} name, "
                                                f"or delete the row.")
                else:
                    self.log.error(t.ref(i, 0), f"blank row inside the {what} list. Delete the empty row.")
                continue
            if name in seen:
                self.log.error(t.ref(i, 0), f"duplicate {what} '{name}' (already at {seen[name]}). "
                                            f"Each {what} must appear once: rename or delete one of them.")
                continue
            seen[name] = t.ref(i, 0)
            out.append((i, name))
        return out

    # sheets ----------------------------------------------------------------
    def read(self) -> Problem | None:
        tables = {name: self.sheet(name) for name in SHEETS}
        sessions = self.read_sessions(tables["sessions"]) if tables["sessions"] else None
        rooms = self.read_rooms(tables["rooms"]) if tables["rooms"] else None
        tracks = self.read_tracks(tables["tracks"]) if tables["tracks"] else None
        params = self.read_parameters(tables["parameters"]) if tables["parameters"] else None
        if sessions is None or rooms is None or tracks is None:
            return None
        s_idx = {s.name: i for i, s in enumerate(sessions)}
        r_idx = {r: i for i, r in enumerate(rooms)}
        k_idx = {t.name: i for i, t in enumerate(tracks)}
        subs = self.read_submissions(tables["submissions"], s_idx, r_idx, k_idx, sessions) \
            if tables["submissions"] else None
        if subs is not None and self.data.get(DETAILS_SHEET) is not None:
            subs = self.read_details(self.data.get(DETAILS_SHEET), subs)
        ts = self.read_matrix(tables["tracks_sessions|penalty"], k_idx, s_idx, "track", "session")
        tr = self.read_matrix(tables["tracks_rooms|penalty"], k_idx, r_idx, "track", "room")
        sr = self.read_matrix(tables["sessions_rooms|penalty"], s_idx, r_idx, "session", "room")
        sim = self.read_similar(tables["similar tracks"], k_idx)
        if subs is not None:
            used = {s.track for s in subs}
            t_tab = tables["tracks"]
            for i, name in self._track_rows:
                if k_idx[name] not in used:
                    self.log.error(t_tab.ref(i, 0), f"track '{name}' has no submissions. Give it at least one "
                                                    f"submission on the submissions sheet, or delete the track.")
            rows = sum(s.slots for s in sessions) + len(sessions) + 2
            if rows > SCHEDULE_ROWS_MAX:
                self.log.error("sessions", f"the sessions have {sum(s.slots for s in sessions):,} time slots in "
                                           f"all; the Schedule sheet has a row per time slot and holds at most "
                                           f"{SCHEDULE_ROWS_MAX:,}. Lower Max Number of Timeslots.")
            need = sum(s.required_slots for s in subs)
            have = sum(s.slots for s in sessions) * len(rooms)
            if need > have:
                self.log.error("sessions", f"the submissions need {need} time slots but the sessions offer "
                                           f"{sum(s.slots for s in sessions)} slots × {len(rooms)} rooms = {have}. "
                                           f"Add sessions, rooms or time slots, or remove submissions.")
        if self.log.errors or params is None or subs is None or None in (ts, tr, sr, sim):
            return None
        return Problem(name=self.data.source, sessions=sessions, rooms=rooms, tracks=tracks, submissions=subs,
                       parameters=params, track_session=ts, track_room=tr, session_room=sr, similar=sim)

    def read_sessions(self, t: Table) -> list[Session] | None:
        self.expect_header(t, 0, "Sessions")
        out = []
        for i, name in self.name_column(t, "session"):
            slots = parse_int(t.value(i, 1))
            if slots is None or slots < 1:
                self.log.error(t.ref(i, 1), f"session '{name}': Max Number of Timeslots must be a whole number "
                                            f"of at least 1, found '{text(t.value(i, 1))}'.")
                slots = 1
            elif slots > SLOTS_PER_SESSION_MAX:
                self.log.error(t.ref(i, 1), f"session '{name}': Max Number of Timeslots is {slots:,}; at most "
                                            f"{SLOTS_PER_SESSION_MAX:,} time slots per session are supported (the "
                                            f"schedule has one row per time slot). Enter the real number of talks "
                                            f"the session holds.")
                slots = 1
            date = parse_date(t.value(i, 2))
            if date is False:
                self.log.error(t.ref(i, 2), f"session '{name}': cannot read the date '{text(t.value(i, 2))}'. "
                                            f"Enter an Excel date or MM/DD/YYYY.")
                date = None
            start = parse_time(t.value(i, 3))
            end = parse_time(t.value(i, 4))
            for j, v, val in ((3, "start", start), (4, "end", end)):
                if val is None:
                    self.log.error(t.ref(i, j), f"session '{name}': cannot read the {v} time "
                                                f"'{text(t.value(i, j))}'. Enter a time such as 09:30.")
            if start is not None and end is not None and end <= start:
                hm = lambda m: f"{m // 60:02d}:{m % 60:02d}"  # noqa: E731
                self.log.warn(t.ref(i, 4), f"session '{name}' ends at {hm(end)}, "
                                           f"{'when' if end == start else 'before'} it starts ({hm(start)}): it is "
                                           f"read as running past midnight ({((end - start) % 1440 or 1440) / 60:g} "
                                           f"hours). Correct the times if that is not meant.")
            out.append(Session(name=name, slots=slots, date=date, start=start or 0, end=end or 0))
        if not out:
            self.log.error(t.ref(1, 0), "no sessions. List the sessions from row 2 down.")
        return out

    def read_rooms(self, t: Table) -> list[str]:
        self.expect_header(t, 0, "Rooms")
        out = [name for _, name in self.name_column(t, "room")]
        if not out:
            self.log.error(t.ref(1, 0), "no rooms. List the rooms from row 2 down.")
        return out

    def read_tracks(self, t: Table) -> list[Track]:
        self.expect_header(t, 0, "Tracks")
        if t.n_cols < 2:
            self.log.error(t.ref(0, 1), "the Chairs column is missing. Add a column 'Chairs' (it may stay empty).")
        rows = self.name_column(t, "track")
        self._track_rows = rows
        out = []
        for i, name in rows:
            self._warn_list_separators(t, i, 1)
            out.append(Track(name=name, chairs=self.names_in(t, i, 1, "chair")))
        if not out:
            self.log.error(t.ref(1, 0), "no tracks. List the tracks from row 2 down.")
        return out

    def _warn_list_separators(self, t: Table, i: int, j: int) -> None:
        v = t.value(i, j)
        if isinstance(v, str) and v.strip():
            checker = [p for p in v.split(", ")]
            ours = split_names(v)
            if checker != ours and [p.strip() for p in checker if p.strip()] != ours:
                self.log.warn(t.ref(i, j), f"the names '{v}' are read as {ours}; the CSPLib checker splits only "
                                           f"on ', ' and reads {checker}. Separate names with a comma and a space.")

    def read_submissions(self, t: Table, s_idx, r_idx, k_idx, sessions) -> list[Submission] | None:
        for j, label in ((1, "Track"), (4, "Time Zone")):
            self.expect_header(t, j, label)
        header = [text(v) for v in t.header()]
        # penalty columns: session and room names, matched by label; then the optional descriptive
        # columns (Title, Authors, ...) by their header, anywhere from column H on
        s_cols: dict[int, int] = {}
        r_cols: dict[int, int] = {}
        d_cols: dict[int, str] = {}
        unknown: list[int] = []
        for j in range(7, len(header)):
            label = header[j]
            if not label:
                continue
            s_hit = self.find(s_idx, label, t.ref(0, j), "session")
            r_hit = self.find(r_idx, label, t.ref(0, j), "room") if s_hit is None else None
            if s_hit is not None and s_hit not in s_cols.values():
                s_cols[j] = s_hit
            elif r_hit is not None and r_hit not in r_cols.values():
                r_cols[j] = r_hit
            elif s_hit is not None or r_hit is not None:
                self.log.error(t.ref(0, j), f"duplicate penalty column '{label}'. Keep one column per session "
                                            f"and per room.")
            elif label.lower() in DESCRIPTIVE and DESCRIPTIVE[label.lower()] not in d_cols.values():
                d_cols[j] = DESCRIPTIVE[label.lower()]
            elif label.lower() in DESCRIPTIVE:
                self.log.error(t.ref(0, j), f"a second '{label}' column. Keep one {label} column.")
            else:
                unknown.append(j)
        missing = [s.name for s in sessions if s_idx[s.name] not in s_cols.values()] + \
                  [r for r in r_idx if r_idx[r] not in r_cols.values()]
        for j in unknown:
            if missing:
                self.log.error(t.ref(0, j), f"'{header[j]}' is neither a session nor a room. Penalty columns from "
                                            f"H on must be headed by the session names, then the room names; "
                                            f"optional columns may be headed {DESCRIPTIVE_NAMES}.")
            else:
                self.log.warn(t.ref(0, j), f"the column '{header[j]}' is not used (it is not a session, a room or "
                                           f"one of the optional columns {DESCRIPTIVE_NAMES}).")
        last_penalty = max(list(s_cols) + list(r_cols), default=6)
        early = [j for j in d_cols if j < last_penalty]
        if early:
            self.log.warn(t.ref(0, early[0]), f"the column '{header[early[0]]}' stands among the penalty columns. "
                                              f"It is read here, but the CSPLib checker reads the penalty columns "
                                              f"by position: move the descriptive columns after the last room "
                                              f"column.")
        max_slots = max((s.slots for s in sessions), default=0)
        out: list[Submission] = []
        seen: dict[str, str] = {}
        for i, row in t.data_rows():
            err = cells.excel_error(t.value(i, 0))
            if err:
                self.log.error(t.ref(i, 0), f"this submission's Reference is the Excel error {err}. Fix the formula "
                                            "or type a unique reference.")
                continue
            ref = text(t.value(i, 0))
            if not ref:
                self.log.error(t.ref(i, 0), "this submission has no Reference. Type a unique reference, "
                                            "or delete the row if it is empty.")
                continue
            if ref in seen:
                self.log.error(t.ref(i, 0), f"duplicate reference '{ref}' (already at {seen[ref]}). "
                                            f"Give each submission its own reference.")
                continue
            seen[ref] = t.ref(i, 0)
            track_name = text(t.value(i, 1))
            k = self.find(k_idx, track_name, t.ref(i, 1), "track")
            if k is None:
                self.log.error(t.ref(i, 1), f"submission '{ref}': unknown track '{track_name}'"
                                            f"{cells.suggest(track_name, k_idx)}. Use a name "
                                            f"from the tracks sheet (or add the track there).")
            req_raw = t.value(i, 2)
            req = parse_int(req_raw)
            if req is None or req < 1:
                self.log.error(t.ref(i, 2), f"submission '{ref}': Required Timeslots must be a whole number of "
                                            f"at least 1, found '{text(req_raw)}'.")
                req = 1
            elif req > max_slots:
                self.log.error(t.ref(i, 2), f"submission '{ref}' needs {req} time slots but the longest session "
                                            f"has {max_slots}. Lower the number or lengthen a session.")
            order_raw = t.value(i, 3)
            order = parse_int(order_raw) if not isinstance(order_raw, str) else None
            if is_blank(order_raw):
                self.log.warn(t.ref(i, 3), f"submission '{ref}': the Order cell is empty; the benchmark counts "
                                           f"it as out of order wherever the order term applies. Enter 0 for "
                                           f"'no order'.")
            elif order is None:
                self.log.warn(t.ref(i, 3), f"submission '{ref}': Order '{text(order_raw)}' is not a number; the "
                                           f"benchmark counts it as out of order. Enter a whole number "
                                           f"(0 = no order).")
            elif order < 0 or order > ORDER_MAX:
                self.log.error(t.ref(i, 3), f"submission '{ref}': Order must be 0 (no order) or a position "
                                            f"1, 2, … up to {ORDER_MAX:,}, found {order:,}.")
            tz = parse_timezone(t.value(i, 4))
            if tz is None:
                self.log.error(t.ref(i, 4), f"submission '{ref}': cannot read the time zone "
                                            f"'{text(t.value(i, 4))}'. Write GMT+n or GMT-n (n from 0 to 12, "
                                            f"e.g. GMT+1, GMT-5).")
            people: dict[int, list[str]] = {}
            for j in (5, 6):
                v = t.value(i, j)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    self.log.error(t.ref(i, j), f"submission '{ref}': expected a list of names, found the number "
                                                f"{v}. Write names separated by commas.")
                self._warn_list_separators(t, i, j)
                people[j] = self.names_in(t, i, j, "presenter" if j == 5 else "attendee")
            sp: dict[int, float] = {}
            rp: dict[int, float] = {}
            for cols, target in ((s_cols, sp), (r_cols, rp)):
                for j, idx in cols.items():
                    v = self.penalty(t, i, j, f"submission '{ref}': penalty ")
                    if v:
                        target[idx] = as_number(v)
            if k is None:
                continue
            details = {f: text(t.value(i, j)) or None for j, f in d_cols.items()}
            out.append(Submission(ref=ref, track=k, required_slots=req, order=order, timezone=tz or 0,
                                  presenters=people[5], attendees=people[6],
                                  session_penalty=sp, room_penalty=rp, **details))
            self._detail_cells[ref] = {f: t.ref(i, j) for j, f in d_cols.items() if details.get(f)}
        if not seen:
            self.log.error(t.ref(1, 0), "no submissions. List the submissions from row 2 down.")
        return out

    def read_details(self, t: Table, subs: list[Submission]) -> list[Submission]:
        """The optional sheet of descriptive columns keyed by Reference; fills what the submissions sheet leaves empty."""
        header = [text(v) for v in t.header()]
        if not header or header[0].lower() != "reference":
            self.log.error(t.ref(0, 0), f"the sheet '{t.sheet}' must start with a 'Reference' column, then any of "
                                        f"{DESCRIPTIVE_NAMES}. Put the header 'Reference' here.")
            return subs
        cols: dict[int, str] = {}
        for j, label in enumerate(header[1:], start=1):
            if not label:
                continue
            field_ = DESCRIPTIVE.get(label.lower())
            if field_ is None or field_ in cols.values():
                self.log.warn(t.ref(0, j), f"the column '{label}' is not used (the optional columns are "
                                           f"{DESCRIPTIVE_NAMES}, once each).")
                continue
            cols[j] = field_
        by_ref = {s.ref: n for n, s in enumerate(subs)}
        out = list(subs)
        for i, _row in t.data_rows():
            ref = text(t.value(i, 0))
            if not ref:
                continue
            n = by_ref.get(ref)
            if n is None:
                self.log.error(t.ref(i, 0), f"'{ref}' is not a submission reference. Use a reference from the "
                                            f"submissions sheet, or delete the row.")
                continue
            update = {}
            for j, f in cols.items():
                v = text(t.value(i, j))
                if not v:
                    continue
                have = getattr(out[n], f)
                if have and have != v:
                    self.log.warn(t.ref(i, j), f"{ref}: the {f} here differs from the one on the submissions sheet "
                                               f"({self._detail_cells.get(ref, {}).get(f, 'submissions')}); the "
                                               f"submissions sheet's is used.")
                    continue
                update[f] = v
            if update:
                out[n] = out[n].model_copy(update=update)
        return out

    def read_matrix(self, t: Table | None, rows_idx: dict[str, int], cols_idx: dict[str, int],
                    row_what: str, col_what: str) -> dict[tuple[int, int], float] | None:
        if t is None:
            return None
        if not is_blank(t.value(0, 0)):
            self.log.error(t.ref(0, 0), f"cell A1 of '{t.sheet}' must be empty (row labels below, column labels "
                                        f"to the right). Clear it.")
        cols: dict[int, int] = {}
        for j in range(1, t.n_cols):
            label = text(t.value(0, j))
            if not label:
                continue
            hit = self.find(cols_idx, label, t.ref(0, j), col_what)
            if hit is None:
                self.log.error(t.ref(0, j), f"'{label}' is not a {col_what} name{cells.suggest(label, cols_idx)}. "
                                            f"Use the names from the {col_what}s sheet as column labels.")
            elif hit in cols.values():
                self.log.error(t.ref(0, j), f"duplicate column '{label}'. Keep one column per {col_what}.")
            else:
                cols[j] = hit
        missing = [n for n, c in cols_idx.items() if c not in cols.values()]
        if missing:
            self.log.error(t.ref(0, t.n_cols), f"missing column(s) for {col_what}(s) {', '.join(missing)}. "
                                               f"Add one column per {col_what}.")
        out: dict[tuple[int, int], float] = {}
        for i, a in self.row_labels(t, rows_idx, row_what):
            for j, c in cols.items():
                v = self.penalty(t, i, j, "")
                if v:
                    out[(a, c)] = as_number(v)
        return out

    def row_labels(self, t: Table, idx: dict[str, int], what: str) -> list[tuple[int, int]]:
        """(table row, index) of a matrix sheet's row labels; unknown, duplicate and missing ones reported."""
        seen: set[int] = set()
        rows: list[tuple[int, int]] = []
        for i, _row in t.data_rows():
            label = text(t.value(i, 0))
            hit = self.find(idx, label, t.ref(i, 0), what)
            if hit is None:
                self.log.error(t.ref(i, 0), f"'{label}' is not a {what} name{cells.suggest(label, idx)}. Use the "
                                            f"names from the {what}s sheet as row labels.")
                continue
            if hit in seen:
                self.log.error(t.ref(i, 0), f"duplicate row '{label}'. Keep one row per {what}.")
                continue
            seen.add(hit)
            rows.append((i, hit))
        missing = [n for n, k in idx.items() if k not in seen]
        if missing:
            self.log.error(t.ref(t.n_rows, 0), f"missing row(s) for {what}(s) {', '.join(missing)}. "
                                               f"Add one row per {what}.")
        return rows

    def read_similar(self, t: Table | None, k_idx: dict[str, int]) -> dict[tuple[int, int], float] | None:
        """Upper triangle only, in this sheet's own row order; column headers are not used (§1.7)."""
        if t is None:
            return None
        rows = self.row_labels(t, k_idx, "track")  # (table row, track index)
        out: dict[tuple[int, int], float] = {}
        for a, (i, ka) in enumerate(rows):
            for b in range(len(rows)):
                j = 1 + b
                v = self.penalty(t, i, j, "")
                if v is None:
                    continue
                if not v:
                    continue
                if b <= a:
                    where = "on the diagonal" if a == b else "below the diagonal"
                    self.log.warn(t.ref(i, j), f"the value {as_number(v)} is {where} and is ignored (the benchmark "
                                               f"reads only the upper triangle). Move it above the diagonal "
                                               f"(row of the earlier track, column of the later one).")
                    continue
                kb = rows[b][1]
                header = text(t.value(0, j))
                if header and header.casefold() != text(t.value(rows[b][0], 0)).casefold():
                    self.log.warn(t.ref(0, j), f"column header '{header}' differs from the track in data row "
                                               f"{b + 1} ('{text(t.value(rows[b][0], 0))}'); the column is read "
                                               f"as that row's track.")
                out[(ka, kb)] = as_number(v)
                out[(kb, ka)] = as_number(v)
        return out

    def read_parameters(self, t: Table) -> Parameters | None:
        def cell(addr: str) -> tuple[int, int]:
            col = ord(addr[0]) - ord("A")
            return int(addr[1:]) - 1 - (t.origin_row - 1), col - (t.origin_col - 1)

        ok = True

        def get_int(addr: str, what: str) -> int:
            nonlocal ok
            i, j = cell(addr)
            v = parse_int(t.value(i, j))
            if v is None:
                ok = False
                self.log.error(t.ref(i, j), f"{what}: expected a whole number, found '{text(t.value(i, j))}'. "
                                            f"Enter a whole number (0 switches the term off).")
                return 0
            if abs(v) > PENALTY_MAX:
                ok = False
                self.log.error(t.ref(i, j), f"{what}: {v:,} is too large; enter a whole number of at most "
                                            f"{PENALTY_MAX:,.0f} (0 switches the term off).")
                return 0
            return v

        def get_time(addr: str, what: str) -> int:
            nonlocal ok
            i, j = cell(addr)
            v = parse_time(t.value(i, j))
            if v is None:
                ok = False
                self.log.error(t.ref(i, j), f"{what}: cannot read the time '{text(t.value(i, j))}'. Enter a time "
                                            f"such as 09:30.")
                return 0
            return v

        i, j = cell("B2")
        local = parse_timezone(t.value(i, j))
        if local is None:
            ok = False
            self.log.error(t.ref(i, j), f"local time zone: cannot read '{text(t.value(i, j))}'. Write GMT+n or "
                                        f"GMT-n (n from 0 to 12).")
        windows = [get_time("B4", "suitable times, From"), get_time("B5", "suitable times, To"),
                   get_time("B7", "less suitable times, From"), get_time("B8", "less suitable times, To")]
        small = get_int("B9", "less suitable time-zone penalty")
        big = get_int("B11", "unsuitable time-zone penalty")
        for addr, what, v in (("B9", "less suitable time-zone penalty", small), ("B11", "unsuitable time-zone penalty", big)):
            if v < 0:
                i, j = cell(addr)
                self.log.warn(t.ref(i, j), f"the {what} is negative ({v}): {NEGATIVE_PENALTY}")
        weights: dict[str, int] = {}
        for term in TERMS:
            if term.weight_cell is None:
                continue
            w = get_int(term.weight_cell, f"weight of {term.name}")
            if w < 0:
                i, j = cell(term.weight_cell)
                self.log.warn(t.ref(i, j), f"the weight of {term.name} is negative ({w}); the benchmark treats "
                                           f"it as 0 and switches the term off (it is not a reward). Enter 0 to "
                                           f"say so, or a positive weight.")
            weights[term.key] = w
        if not ok:
            return None
        return Parameters(local_timezone=local, suitable_from=windows[0], suitable_to=windows[1],
                          less_suitable_from=windows[2], less_suitable_to=windows[3], small_penalty=small,
                          big_penalty=big, weights=weights)


def read_problem_with_warnings(data: WorkbookData):
    """(problem, warnings); raises InputError with every error found."""
    r = _Reader(data)
    problem = r.read()
    r.log.raise_if_errors()
    assert problem is not None
    return problem, r.log.warnings


def read_problem(data: WorkbookData) -> Problem:
    return read_problem_with_warnings(data)[0]


def load_problem(path) -> Problem:
    from ..tables import load_workbook_data

    return read_problem(load_workbook_data(path))
