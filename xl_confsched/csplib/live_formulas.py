"""The **Live checks** sheet: native Excel formulas that re-score the schedule as it is edited.

The organiser edits the Schedule sheet's ``Assignments`` table (Session, Room, Time
slot).  This sheet recomputes, with formulas only — COUNTIF(S), SUMPRODUCT, INDEX,
MATCH, IF(ERROR), ABS, SMALL, MAX, all in Excel 2016 and LibreOffice; no XLOOKUP,
FILTER or LET — per submission the flags (presenter / attendee double-booked, room
holding another track, overlapping another talk, running past the session's end, each
submission penalty) and per session / track the grid terms (similar tracks, chairs,
track split over rooms, same track in parallel, gaps, grid penalties), and totals every
term of the objective with its weight.  Conditional formatting paints what is broken.

Semantics are the evaluator's on a table-derived schedule (``results.read_assignment_table``):
a (session, room) holds the track of the talk in its earliest slot; the multi-slot
structure term cannot arise from the table (a talk always occupies consecutive slots
of one room), so it is marked "recomputed by Check" rather than approximated.

The instance data the formulas need (lists, penalty matrices, conflict relations,
weights) is copied at the bottom of the sheet when it is written: it reflects the
inputs at the last Solve/Check, and editing an input sheet needs Check to refresh it.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter as L

from ..report import Block, Formula, PrintSetup, SheetReport
from .evaluate import Evaluation
from .problem import Problem
from .results import ASSIGNMENT_COLUMNS, SCHEDULE, assignment_table_column
from .terms import TERMS

LIVE = "Live checks"
RECOMPUTED = "recomputed by Check"
SPARE_ROWS = 50  # the Assignments lookups reach this far below the table (rows added by hand)

FLAG_FILL = "F8CBAD"
PENALTY_FILL = "FCE4D6"


def _abs(col: int, row: int) -> str:
    return f"${L(col)}${row}"


def _rng(c1: int, r1: int, c2: int, r2: int, sheet: str | None = None) -> str:
    prefix = f"'{sheet}'!" if sheet else ""
    return f"{prefix}{_abs(c1, r1)}:{_abs(c2, r2)}"


def _n(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


class _Layout:
    """Where every block sits (1-based rows/cols) and the absolute ranges formulas use."""

    def __init__(self, problem: Problem):
        p = problem
        self.N, self.S, self.R, self.K = p.N, p.S, p.R, p.T
        # plain-words notes at the top (rows 2..), then the term totals
        self.notes_row = 2
        self.terms_row = self.notes_row + len(NOTES) + 2  # header; terms below
        self.total_row = self.terms_row + len(TERMS) + 1
        # per submission
        self.sub_row = self.total_row + 4  # header
        self.sub_first, self.sub_last = self.sub_row + 1, self.sub_row + max(1, self.N)
        # grid (track index per session × room), track names grid beside it
        self.grid_row = self.sub_last + 4
        self.grid_first = self.grid_row + 1
        self.grid_col = 2  # B: first room column (A: session names)
        self.names_col = self.grid_col + self.R + 1
        # per track
        self.track_row = self.grid_first + self.S + 3
        self.track_first = self.track_row + 1
        self.track_help_col = 9  # I: rooms-used helpers (R), then session helpers (S)
        # per session
        self.sess_row = self.track_first + self.K + 3
        self.sess_first = self.sess_row + 1
        self.sess_help_col = 11  # K: cnt (K) | simc (K) | ccc (K) | TS (R) | TR (R) | SR (R)
        # data
        self.data_row = self.sess_first + self.S + 4
        self._data_blocks()

    def _data_blocks(self) -> None:
        r = self.data_row + 1  # header row of the data: names listed down column A onwards
        self.d_sessions = r + 1  # A: session names, B: slots
        self.d_rooms = self.d_sessions + self.S + 2
        self.d_tracks = self.d_rooms + self.R + 2
        self.d_ts = self.d_tracks + self.K + 2  # K × S
        self.d_tr = self.d_ts + self.K + 2  # K × R
        self.d_sr = self.d_tr + self.K + 2  # S × R
        self.d_sim = self.d_sr + self.S + 2  # K × K
        self.d_cc = self.d_sim + self.K + 2  # K × K
        self.d_pc = self.d_cc + self.K + 2  # N × N
        self.d_ac = self.d_pc + self.N + 2  # N × N
        self.d_tz = self.d_ac + self.N + 2  # N × S
        self.d_ss = self.d_tz + self.N + 2  # N × S
        self.d_sp = self.d_ss + self.N + 2  # N × R

    # matrices start one column right of their row labels (col B)
    def mat(self, top: int, rows: int, cols: int) -> str:
        return _rng(2, top, 1 + max(1, cols), top + max(1, rows) - 1)

    def col(self, j: int) -> str:
        """Absolute range of per-submission column j (0-based) over all submissions."""
        return _rng(1 + j, self.sub_first, 1 + j, self.sub_last)


NOTES = [
    "These formulas re-score the Schedule sheet's Assignments table as you edit its Session, Room and Time slot "
    "columns (plain Excel formulas: no Python needed).",
    "They do NOT see edits of the input sheets — submissions (presenters, attendees, co-presenters, tracks, "
    "orders, time zones), tracks and chairs, sessions, rooms, penalties and weights — until you click Check: the "
    "data they use was copied from the inputs at the last Solve or Check (at the bottom of this sheet).",
    None,  # the double-booking line (a formula)
    "Conference ▸ Check scores the schedule with the full evaluator and rewrites the Schedule, Programme and this "
    "sheet from the Assignments table.",
]


def list_ranges(problem: Problem) -> tuple[str, str]:
    """Absolute ranges (on this sheet) of the session and room name lists, for drop-downs."""
    lay = _Layout(problem)
    return (_rng(1, lay.d_sessions, 1, lay.d_sessions + problem.S - 1),
            _rng(1, lay.d_rooms, 1, lay.d_rooms + problem.R - 1))


# per-submission columns (0-based)
REF, TRACK, TROW, SESS, ROOM, SLOT, SLOTS, S_IX, R_IX, ON, KEY, EARLY, GRIDK, OWNK = range(14)
F_MISPLACED, F_OVERLAP, F_PASTEND, F_PC, F_PCT, F_AC, F_ACT, F_TZ, F_SS, F_SP, POS, ORDER, F_ORD, F_UNSCHED = range(14, 28)
SUB_HEADER = ["Reference", "Track", "Row in Assignments", "Session", "Room", "Time slot", "Slots",
              "Session #", "Room #", "Scheduled", "Scan key", "Earliest in room", "Room's track #", "Track #",
              "Room holds another track", "Overlaps another talk (slots)", "Runs past session end",
              "Presenter double-booked (session)", "Presenter double-booked (time slot)",
              "Attendee double-booked (session)", "Attendee double-booked (time slot)",
              "Time-zone penalty", "Submission–session penalty", "Submission–room penalty",
              "Talk # in room's track", "Order", "Out of order", "Not scheduled"]
FLAG_COLS = [F_MISPLACED, F_OVERLAP, F_PASTEND, F_PC, F_PCT, F_AC, F_ACT, F_TZ, F_SS, F_SP, F_ORD, F_UNSCHED]


def live_checks_sheet(problem: Problem, ev: Evaluation | None = None) -> SheetReport:
    """The Live checks sheet for ``problem``'s Schedule sheet (``ev``: the evaluator's values to show beside)."""
    p = problem
    lay = _Layout(p)
    N, S, R, K = lay.N, lay.S, lay.R, lay.K

    # ---------------------------------------------------------------- Assignments columns
    a0 = assignment_table_column(p) + 1  # 1-based column of Reference on the Schedule sheet
    last = 1 + N + SPARE_ROWS

    def acol(name: str) -> str:
        j = ASSIGNMENT_COLUMNS.index(name)
        return _rng(a0 + j, 2, a0 + j, last, SCHEDULE)

    A_REF, A_SESS, A_ROOM, A_SLOT = acol("Reference"), acol("Session"), acol("Room"), acol("Time slot")

    sessions = _rng(1, lay.d_sessions, 1, lay.d_sessions + S - 1)
    slots_of = _rng(2, lay.d_sessions, 2, lay.d_sessions + S - 1)
    rooms = _rng(1, lay.d_rooms, 1, lay.d_rooms + R - 1)
    track_names = _rng(1, lay.d_tracks, 1, lay.d_tracks + K - 1)
    TSm, TRm, SRm = lay.mat(lay.d_ts, K, S), lay.mat(lay.d_tr, K, R), lay.mat(lay.d_sr, S, R)
    SIMm, CCm = lay.mat(lay.d_sim, K, K), lay.mat(lay.d_cc, K, K)
    PCm, ACm = lay.mat(lay.d_pc, N, N), lay.mat(lay.d_ac, N, N)
    TZm, SSm, SPm = lay.mat(lay.d_tz, N, S), lay.mat(lay.d_ss, N, S), lay.mat(lay.d_sp, N, R)
    GRID = _rng(lay.grid_col, lay.grid_first, lay.grid_col + R - 1, lay.grid_first + S - 1)

    c = lay.col
    ON_, SESSIX, ROOMIX, SLOT_, SLOTS_ = c(ON), c(S_IX), c(R_IX), c(SLOT), c(SLOTS)
    # sessions with the same name? impossible (the reader rejects them); a talk in a slot beyond the session is
    # flagged "Runs past session end"

    # ---------------------------------------------------------------- per submission
    sub_rows: list[list[Any]] = [list(SUB_HEADER)]
    for n, sub in enumerate(p.submissions):
        row = lay.sub_first + n
        x = {j: f"{L(1 + j)}{row}" for j in range(len(SUB_HEADER))}
        # overlap of this talk's slots with each row's: max(0, min(ends) - max(starts)), elementwise
        end_i, end_c = f"({x[SLOT]}+{x[SLOTS]})", f"({SLOT_}+{SLOTS_})"
        mn = f"(({end_i}+{end_c}-ABS({end_i}-{end_c}))/2)"
        mx = f"(({x[SLOT]}+{SLOT_}+ABS({x[SLOT]}-{SLOT_}))/2)"
        ov = f"(({mn}-{mx})+ABS({mn}-{mx}))/2"
        same_session = f"({SESSIX}={x[S_IX]})"
        on = x[ON]
        vals: list[Any] = [None] * len(SUB_HEADER)
        vals[REF] = sub.ref
        vals[TRACK] = p.tracks[sub.track].name
        vals[TROW] = Formula(f"=IFERROR(MATCH({x[REF]},{A_REF},0),0)")
        vals[SESS] = Formula(f'=IF({x[TROW]}=0,"",INDEX({A_SESS},{x[TROW]})&"")')
        vals[ROOM] = Formula(f'=IF({x[TROW]}=0,"",INDEX({A_ROOM},{x[TROW]})&"")')
        vals[SLOT] = Formula(f"=IF({x[TROW]}=0,0,IFERROR(INDEX({A_SLOT},{x[TROW]})*1,0))")
        vals[SLOTS] = sub.required_slots
        vals[S_IX] = Formula(f"=IFERROR(MATCH({x[SESS]},{sessions},0),0)")
        vals[R_IX] = Formula(f"=IFERROR(MATCH({x[ROOM]},{rooms},0),0)")
        vals[ON] = Formula(f"=IF(AND({x[S_IX]}>0,{x[R_IX]}>0,{x[SLOT]}>=1),1,0)")
        vals[KEY] = Formula(f"={on}*({x[S_IX]}*1000000+{x[R_IX]}*1000+{x[SLOT]})")
        # the earliest talk of its (session, room): ties (a double-booked first slot) go to the upper table row,
        # so a room always holds exactly one track, never the sum of two tracks' numbers
        vals[EARLY] = Formula(f"=IF({on}=0,0,IF(SUMPRODUCT({ON_}*{same_session}*({ROOMIX}={x[R_IX]})"
                              f"*(({SLOT_}<{x[SLOT]})+({SLOT_}={x[SLOT]})*({c(TROW)}<{x[TROW]})))=0,1,0))")
        vals[GRIDK] = Formula(f"=IF({on}=0,0,INDEX({GRID},{x[S_IX]},{x[R_IX]}))")
        vals[OWNK] = sub.track + 1
        vals[F_MISPLACED] = Formula(f"=IF({on}=0,0,IF({x[GRIDK]}<>{x[OWNK]},1,0))")
        vals[F_OVERLAP] = (Formula(f"=IF({on}=0,0,SUMPRODUCT({ON_}*{same_session}*({ROOMIX}={x[R_IX]})*{ov})"
                           f"-{x[SLOTS]})"))
        vals[F_PASTEND] = Formula(f"=IF({on}=0,0,IF({x[SLOT]}+{x[SLOTS]}-1>INDEX({slots_of},{x[S_IX]}),1,0))")
        col_n = n + 1
        for flag, mat in ((F_PC, PCm), (F_AC, ACm)):
            vals[flag] = (Formula(f"=IF({on}=0,0,SUMPRODUCT(INDEX({mat},0,{col_n})*{ON_}*{same_session}"
                          f"*({ROOMIX}<>{x[R_IX]})))"))
        for flag, mat in ((F_PCT, PCm), (F_ACT, ACm)):
            vals[flag] = Formula(f"=IF({on}=0,0,SUMPRODUCT(INDEX({mat},0,{col_n})*{ON_}*{same_session}*{ov}))")
        vals[F_TZ] = Formula(f"=IF({on}=0,0,INDEX({TZm},{col_n},{x[S_IX]})*{x[SLOTS]})")
        vals[F_SS] = Formula(f"=IF({on}=0,0,INDEX({SSm},{col_n},{x[S_IX]})*{x[SLOTS]})")
        vals[F_SP] = Formula(f"=IF({on}=0,0,INDEX({SPm},{col_n},{x[R_IX]})*{x[SLOTS]})")
        vals[POS] = Formula(f'=IF(OR({on}=0,{x[GRIDK]}=0),"",1+SUMPRODUCT({ON_}*({c(GRIDK)}={x[GRIDK]})*({c(KEY)}<{x[KEY]})))')
        vals[ORDER] = sub.order  # None: empty/text Order cell, always counted as out of order
        vals[F_ORD] = (Formula(f'=IF(OR({on}=0,{x[GRIDK]}=0),0,IF({x[ORDER]}="",1,'
                       f"IF(AND({x[ORDER]}<>0,{x[ORDER]}<>{x[POS]}),1,0)))"))
        vals[F_UNSCHED] = Formula(f"=1-{on}")
        sub_rows.append(vals)

    # ---------------------------------------------------------------- grid
    grid_rows: list[list[Any]] = [["Session \\ Room"] + list(p.rooms) + ["Session"] + list(p.rooms)]
    for s in range(S):
        row = lay.grid_first + s
        nums = [Formula(f"=SUMPRODUCT({c(OWNK)}*{c(EARLY)}*({SESSIX}={s + 1})*({ROOMIX}={r + 1}))") for r in range(R)]
        names = [Formula(f'=IF({L(lay.grid_col + r)}{row}=0,"",INDEX({track_names},{L(lay.grid_col + r)}{row}))')
                 for r in range(R)]
        grid_rows.append([p.sessions[s].name] + nums + [p.sessions[s].name] + names)

    def grid_row(s: int) -> str:  # 0-based session
        return _rng(lay.grid_col, lay.grid_first + s, lay.grid_col + R - 1, lay.grid_first + s)

    def grid_colr(r: int) -> str:
        return _rng(lay.grid_col + r, lay.grid_first, lay.grid_col + r, lay.grid_first + S - 1)

    # ---------------------------------------------------------------- per track
    h0 = lay.track_help_col
    track_rows: list[list[Any]] = [["Track", "Rooms used", "Track split over rooms", "Sessions used", "First session #",
                                    "Last session #", "Not consecutive", None]
                                   + [f"room {r}?" for r in p.rooms] + [f"in {s.name}" for s in p.sessions]]
    for k in range(K):
        row = lay.track_first + k
        rooms_help = _rng(h0, row, h0 + R - 1, row)
        sess_help = _rng(h0 + R, row, h0 + R + S - 1, row)
        vals = [p.tracks[k].name,
                Formula(f"=SUM({rooms_help})"),
                Formula(f"=MAX(0,B{row}-1)"),
                Formula(f'=COUNTIF({sess_help},">0")'),
                Formula(f"=IF(D{row}=0,0,SMALL({sess_help},COUNTIF({sess_help},0)+1))"),
                Formula(f"=MAX({sess_help})"),
                Formula(f"=IF(D{row}>=2,IF(F{row}-E{row}+1<>D{row},1,0),0)"),
                None]
        vals += [Formula(f"=IF(COUNTIF({grid_colr(r)},{k + 1})>0,1,0)") for r in range(R)]
        vals += [Formula(f"=IF(COUNTIF({grid_row(s)},{k + 1})>0,{s + 1},0)") for s in range(S)]
        track_rows.append(vals)

    # ---------------------------------------------------------------- per session
    g0 = lay.sess_help_col
    sess_rows: list[list[Any]] = [["Session", "Rooms used", "Distinct tracks", "Same track in parallel",
                                   "Similar tracks in parallel", "Chair conflicts", "Track–session penalty",
                                   "Track–room penalty", "Session–room penalty", None]
                                  + [f"# {t.name}" for t in p.tracks] + [f"sim {t.name}" for t in p.tracks]
                                  + [f"chair {t.name}" for t in p.tracks] + [f"TS {r}" for r in p.rooms]
                                  + [f"TR {r}" for r in p.rooms] + [f"SR {r}" for r in p.rooms]]
    for s in range(S):
        row = lay.sess_first + s
        cnt = _rng(g0, row, g0 + K - 1, row)
        simc = _rng(g0 + K, row, g0 + 2 * K - 1, row)
        ccc = _rng(g0 + 2 * K, row, g0 + 3 * K - 1, row)
        ts = _rng(g0 + 3 * K, row, g0 + 3 * K + R - 1, row)
        tr = _rng(g0 + 3 * K + R, row, g0 + 3 * K + 2 * R - 1, row)
        sr = _rng(g0 + 3 * K + 2 * R, row, g0 + 3 * K + 3 * R - 1, row)
        vals = [p.sessions[s].name, Formula(f'=COUNTIF({grid_row(s)},">0")'), Formula(f'=COUNTIF({cnt},">0")'), Formula(f"=B{row}-C{row}"),
                Formula(f"=SUM({simc})/2"), Formula(f"=SUM({ccc})/2"), Formula(f"=SUM({ts})"), Formula(f"=SUM({tr})"), Formula(f"=SUM({sr})"), None]
        vals += [Formula(f"=COUNTIF({grid_row(s)},{k + 1})") for k in range(K)]
        cnt_k = [f"{L(g0 + k)}{row}" for k in range(K)]
        vals += [Formula(f"={cnt_k[k]}*SUMPRODUCT(INDEX({SIMm},{k + 1},0),{cnt})") for k in range(K)]
        vals += [Formula(f"={cnt_k[k]}*SUMPRODUCT(INDEX({CCm},{k + 1},0),{cnt})") for k in range(K)]
        cell = [f"{L(lay.grid_col + r)}{lay.grid_first + s}" for r in range(R)]
        vals += [Formula(f"=IF({cell[r]}=0,0,INDEX({TSm},{cell[r]},{s + 1}))") for r in range(R)]
        vals += [Formula(f"=IF({cell[r]}=0,0,INDEX({TRm},{cell[r]},{r + 1}))") for r in range(R)]
        vals += [Formula(f"=IF({cell[r]}=0,0,INDEX({SRm},{s + 1},{r + 1}))") for r in range(R)]
        sess_rows.append(vals)

    # ---------------------------------------------------------------- term totals
    def sub_sum(j: int, half: bool = False) -> str:
        return Formula(f"=SUM({c(j)})" + ("/2" if half else ""))

    def sess_sum(j: int) -> str:
        return Formula(f"=SUM({_rng(1 + j, lay.sess_first, 1 + j, lay.sess_first + S - 1)})")

    def track_sum(j: int) -> str:
        return Formula(f"=SUM({_rng(1 + j, lay.track_first, 1 + j, lay.track_first + K - 1)})")

    amount = {"TS": sess_sum(6), "TR": sess_sum(7), "SR": sess_sum(8), "SIM": sess_sum(4), "NR": track_sum(2),
              "PAR": sess_sum(3), "CONS": track_sum(6), "TZ": sub_sum(F_TZ), "ORD": sub_sum(F_ORD),
              "SS": sub_sum(F_SS), "SP": sub_sum(F_SP), "PC": sub_sum(F_PC, True), "AC": sub_sum(F_AC, True),
              "CC": sess_sum(5), "PCT": sub_sum(F_PCT, True), "ACT": sub_sum(F_ACT, True), "STRUCT": RECOMPUTED}
    how = {"TS": "per room of each session", "TR": "per room of each session", "SR": "per room of each session",
           "SIM": "pairs of rooms per session", "NR": "per track", "PAR": "per session", "CONS": "per track",
           "TZ": "per submission × slots", "ORD": "per submission", "SS": "per submission × slots",
           "SP": "per submission × slots", "PC": "pairs per session", "AC": "pairs per session",
           "CC": "pairs of rooms per session", "PCT": "pairs per shared slot", "ACT": "pairs per shared slot",
           "STRUCT": "a table row is always one block of slots: Check recomputes it"}
    term_rows: list[list[Any]] = [["Term", "Weight", "Live amount", "Live penalty", "At last Solve/Check", "How"]]
    for i, t in enumerate(TERMS):
        row = lay.terms_row + 1 + i
        w = p.weight(t.key) if t.weight_cell else 1
        pen = Formula(f'=IF(ISNUMBER(C{row}),IF(B{row}>0,C{row}*B{row},0),"{RECOMPUTED}")')
        at_last = None
        if ev is not None:
            tr_ = ev.term(t.key)
            at_last = _n(tr_.penalty) if tr_.active else 0
        term_rows.append([t.name, w, amount[t.key], pen, at_last, how[t.key]])
    term_rows.append(["Total (objective)", None, None, Formula(f"=SUM(D{lay.terms_row + 1}:D{lay.total_row - 1})"),
                      _n(ev.total) if ev is not None else None,
                      f"plus the {TERMS[-1].name} term, {RECOMPUTED}"])

    # ---------------------------------------------------------------- data
    data_rows = _data_rows(p, lay)

    sub_first, sub_last = lay.sub_first, lay.sub_last
    ov_col = c(F_OVERLAP)
    past_col = c(F_PASTEND)
    double = Formula(f'=IF(SUMPRODUCT(({ov_col}>0)*1)+SUMPRODUCT(({past_col}>0)*1)=0,"No time slot holds two talks and '
              f'no talk runs past the end of its session.",IF(SUMPRODUCT(({ov_col}>0)*1)>0,'
              f'SUMPRODUCT(({ov_col}>0)*1)&" talks share a time slot with another talk (a double-booked slot: '
              f'see the column Overlaps another talk below). ","")&IF(SUMPRODUCT(({past_col}>0)*1)>0,'
              f'SUMPRODUCT(({past_col}>0)*1)&" talks run past the end of their session. ","")&"Move them: '
              f'until then the totals below are not a valid score, and Check will refuse the table.")')
    note_rows = [[double if n is None else n] for n in NOTES]
    flag_cf = [(f"{L(1 + j)}{sub_first}:{L(1 + j)}{sub_last}", f"{L(1 + j)}{sub_first}<>0", FLAG_FILL)
               for j in FLAG_COLS]
    blocks = [
        Block(anchor=f"A{lay.notes_row}", rows=note_rows, header=False, span=6,
              title="Live checks: the schedule re-scored as you edit it",
              conditional=[(f"A{lay.notes_row + 2}", f'LEFT($A${lay.notes_row + 2},2)<>"No"', FLAG_FILL)]),
        Block(anchor=f"A{lay.terms_row}", rows=term_rows, title="Objective, term by term",
              column_widths={0: 36, 1: 8, 2: 13, 3: 13, 4: 18, 5: 50},
              conditional=[(f"D{lay.terms_row + 1}:D{lay.total_row - 1}",
                            f"AND(ISNUMBER(D{lay.terms_row + 1}),D{lay.terms_row + 1}<>0)", PENALTY_FILL)]),
        Block(anchor=f"A{lay.sub_row}", rows=sub_rows, title="Per submission (a coloured cell is a violation)",
              conditional=flag_cf),
        Block(anchor=f"A{lay.grid_row}", rows=grid_rows,
              title="Each room's track (the track of its earliest talk), as numbers and names"),
        Block(anchor=f"A{lay.track_row}", rows=track_rows, title="Per track",
              conditional=[(f"C{lay.track_first}:C{lay.track_first + K - 1}", f"C{lay.track_first}<>0", FLAG_FILL),
                           (f"G{lay.track_first}:G{lay.track_first + K - 1}", f"G{lay.track_first}<>0", FLAG_FILL)]),
        Block(anchor=f"A{lay.sess_row}", rows=sess_rows, title="Per session",
              conditional=[(f"D{lay.sess_first}:I{lay.sess_first + S - 1}", f"D{lay.sess_first}<>0", FLAG_FILL)]),
        Block(anchor=f"A{lay.data_row}", rows=data_rows, header=False,
              title="Data copied from the input sheets at the last Solve/Check (click Check after editing the inputs)"),
    ]
    # the data matrices at the bottom are wide: print at natural size, not shrunk to one page width
    return SheetReport(name=LIVE, blocks=blocks, freeze=f"A{lay.terms_row + 1}",
                       print_setup=PrintSetup(landscape=True, fit_width=False))


def _data_rows(p: Problem, lay: _Layout) -> list[list[Any]]:
    """Data area rows from ``lay.data_row`` down (the block has no header row)."""
    rows: dict[int, list[Any]] = {}

    def put(r: int, values: list[Any]) -> None:
        rows[r] = values

    put(lay.data_row, ["(lists and matrices used by the formulas above)"])
    put(lay.d_sessions - 1, ["Sessions", "Slots"])
    for s, sess in enumerate(p.sessions):
        put(lay.d_sessions + s, [sess.name, sess.slots])
    put(lay.d_rooms - 1, ["Rooms"])
    for r, room in enumerate(p.rooms):
        put(lay.d_rooms + r, [room])
    put(lay.d_tracks - 1, ["Tracks"])
    for k, t in enumerate(p.tracks):
        put(lay.d_tracks + k, [t.name])

    def matrix(top: int, title: str, row_names: list[str], col_names: list[str], value) -> None:
        # a 0 is left empty (the formulas read an empty cell as 0): the conflict matrices are N × N
        # and mostly 0, and an empty cell costs nothing to write or to open
        put(top - 1, [title] + col_names)
        for i, name in enumerate(row_names):
            put(top + i, [name] + [_n(value(i, j)) or None for j in range(len(col_names))])

    tracks = [t.name for t in p.tracks]
    sessions = [s.name for s in p.sessions]
    refs = [s.ref for s in p.submissions]
    d = p.derived
    matrix(lay.d_ts, "Track–session penalty", tracks, sessions, lambda k, s: p.track_session.get((k, s), 0))
    matrix(lay.d_tr, "Track–room penalty", tracks, list(p.rooms), lambda k, r: p.track_room.get((k, r), 0))
    matrix(lay.d_sr, "Session–room penalty", sessions, list(p.rooms), lambda s, r: p.session_room.get((s, r), 0))
    matrix(lay.d_sim, "Similar tracks", tracks, tracks, lambda a, b: p.similar.get((a, b), 0) if a != b else 0)
    matrix(lay.d_cc, "Chairs shared", tracks, tracks,
           lambda a, b: 1 if a != b and (min(a, b), max(a, b)) in d.chair_conflicts else 0)
    matrix(lay.d_pc, "Presenter conflicts", refs, refs,
           lambda a, b: 1 if a != b and (min(a, b), max(a, b)) in d.presenter_conflicts else 0)
    matrix(lay.d_ac, "Attendee conflicts", refs, refs,
           lambda a, b: 1 if a != b and (min(a, b), max(a, b)) in d.attendee_conflicts else 0)
    matrix(lay.d_tz, "Time-zone penalty per slot", refs, sessions, lambda n, s: d.tz.get((n, s), 0))
    matrix(lay.d_ss, "Submission–session penalty per slot", refs, sessions,
           lambda n, s: p.submissions[n].session_penalty.get(s, 0))
    matrix(lay.d_sp, "Submission–room penalty per slot", refs, list(p.rooms),
           lambda n, r: p.submissions[n].room_penalty.get(r, 0))
    last = max(rows)
    return [rows.get(r, [None]) for r in range(lay.data_row, last + 1)]
