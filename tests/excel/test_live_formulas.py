"""Live checks: the native formulas, recalculated by LibreOffice, equal the independent evaluator.

On the solver's schedule and on schedules edited by hand in the Assignments table
(a swap of two talks, random moves, unscheduling, a double booking…), every term's
live amount and penalty, the objective, and every per-submission / per-track /
per-session flag must equal what ``csplib.evaluate`` says about the same table.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.lo_recalc import _PROFILE_XCU, require_soffice
from xl_confsched.csplib import live_formulas as lf
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.results import ASSIGNMENT_COLUMNS, SCHEDULE, assignment_table_column
from xl_confsched.csplib.terms import TERMS
from xl_confsched.csplib.workflow import schedule_in_workbook
from xl_confsched.errors import InputError
from xl_confsched.tables import load_workbook_data

BANNED = ("XLOOKUP", "FILTER(", "LET(", "LAMBDA", "SEQUENCE", "UNIQUE(", "MINIFS", "MAXIFS", "IFS(", "TEXTJOIN",
          "CONCAT(", "SWITCH(", "AGGREGATE")


def recalc_many(paths: list[Path], out_dir: Path) -> list[Path]:
    """One LibreOffice run recalculating several workbooks (saves ~2 s per file)."""
    exe = require_soffice()
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_XCU)
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir)]
                       + [str(p) for p in paths], check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [out_dir / p.name for p in paths]


# ----------------------------------------------------------------------------- edits

class Table:
    """The Assignments table of a written workbook, edited with openpyxl."""

    def __init__(self, problem, path: Path):
        self.p = problem
        self.wb = load_workbook(path)
        self.ws = self.wb[SCHEDULE]
        self.c0 = assignment_table_column(problem) + 1
        self.col = {name: self.c0 + j for j, name in enumerate(ASSIGNMENT_COLUMNS)}
        self.row = {self.ws.cell(r, self.c0).value: r for r in range(2, 2 + problem.N)}

    def get(self, ref):
        r = self.row[ref]
        return tuple(self.ws.cell(r, self.col[c]).value for c in ("Session", "Room", "Time slot"))

    def put(self, ref, where):
        r = self.row[ref]
        for c, v in zip(("Session", "Room", "Time slot"), where):
            self.ws.cell(r, self.col[c]).value = v

    def occupied(self, skip=None):
        used = set()
        for sub in self.p.submissions:
            if sub.ref == skip:
                continue
            s, room, t = self.get(sub.ref)
            if s:
                used |= {(s, room, tt) for tt in range(t, t + sub.required_slots)}
        return used

    def free_spots(self, ref):
        n = self.p.find_submission(ref)
        q = self.p.submissions[n].required_slots
        used = self.occupied(skip=ref)
        spots = []
        for sess in self.p.sessions:
            for room in self.p.rooms:
                for t in range(1, sess.slots - q + 2):
                    if all((sess.name, room, tt) not in used for tt in range(t, t + q)):
                        spots.append((sess.name, room, t))
        return spots

    def save(self, path):
        self.wb.save(path)
        return path


def _pair(problem, rel):
    return [(problem.submissions[a].ref, problem.submissions[b].ref) for a, b in sorted(rel)]


def scenarios(problem, solved_path: Path, d: Path) -> dict[str, Path]:
    out = {"solver": solved_path}
    p = problem
    refs = [s.ref for s in p.submissions]

    # the issue's case: two submissions of different tracks swapped by hand
    t = Table(p, solved_path)
    a = next(s for s in p.submissions if t.get(s.ref)[0])
    b = next(s for s in p.submissions if s.track != a.track and s.required_slots == a.required_slots and t.get(s.ref)[0])
    wa, wb = t.get(a.ref), t.get(b.ref)
    t.put(a.ref, wb)
    t.put(b.ref, wa)
    out["swap"] = t.save(d / "swap.xlsx")

    # presenter and attendee double bookings: partners side by side in one session (different rooms, same slot)
    t = Table(p, solved_path)
    for x, y in _pair(p, p.derived.presenter_conflicts)[:2] + _pair(p, p.derived.attendee_conflicts)[:1]:
        sx = t.get(x)
        for spot in t.free_spots(y):
            if spot[0] == sx[0] and spot[1] != sx[1]:
                t.put(y, spot)
                break
    out["double-booked"] = t.save(d / "double.xlsx")

    # a track split over rooms, run in parallel and with a gap; one talk unscheduled
    t = Table(p, solved_path)
    track0 = [s.ref for s in p.submissions if s.track == 0]
    spots = t.free_spots(track0[0])
    t.put(track0[0], spots[0])
    t.put(track0[1], spots[-1])
    home = t.get(track0[2])  # in parallel: same session, another room
    other_room = next(r for r in p.rooms if r != home[1])
    q = p.submissions[p.find_submission(track0[3])].required_slots
    first = min((x for x in [t.get(s.ref) + (s.ref, s.required_slots) for s in p.submissions]
                 if x[0] == home[0] and x[1] == other_room), key=lambda x: x[2], default=None)
    if first is not None and first[4] == q:
        mine = t.get(track0[3])
        t.put(track0[3], first[:3])  # the earliest talk of that room sets its track: track 0 twice in parallel
        t.put(first[3], mine)
    t.put(track0[-1], (None, None, None))
    out["split"] = t.save(d / "split.xlsx")

    # a gap in a track's sessions: the talks of two (session, room) cells swapped wholesale
    t = Table(p, solved_path)
    names = [x.name for x in p.sessions]
    cells = {}
    for x in p.submissions:
        w = t.get(x.ref)
        if w[0]:
            cells.setdefault((w[0], w[1]), []).append(x)

    def sessions_of(k, swap=None):
        out = set()
        for (sess, room), talks in cells.items():
            where = swap.get((sess, room), (sess, room)) if swap else (sess, room)
            if any(x.track == k for x in talks):
                out.add(names.index(where[0]))
        return out

    def gapped(q):
        return len(q) >= 2 and max(q) - min(q) + 1 != len(q)

    keys = sorted(cells)
    for c1 in keys:
        for c2 in keys:
            if c1[0] == c2[0] or p.sessions[names.index(c1[0])].slots != p.sessions[names.index(c2[0])].slots:
                continue
            swap = {c1: c2, c2: c1}
            ks = {x.track for x in cells[c1] + cells[c2]}
            if any(gapped(sessions_of(k, swap)) and not gapped(sessions_of(k)) for k in ks):
                for x in cells[c1]:
                    t.put(x.ref, (c2[0], c2[1], t.get(x.ref)[2]))
                for x in cells[c2]:
                    t.put(x.ref, (c1[0], c1[1], t.get(x.ref)[2]))
                break
        else:
            continue
        break
    out["gap"] = t.save(d / "gap.xlsx")

    # random valid moves (seeded)
    for seed in (1, 2):
        rng = random.Random(seed)
        t = Table(p, solved_path)
        for _ in range(12):
            ref = rng.choice(refs)
            spots = t.free_spots(ref)
            if spots:
                t.put(ref, rng.choice(spots))
        out[f"random-{seed}"] = t.save(d / f"random{seed}.xlsx")
    return out


# ----------------------------------------------------------------------------- comparisons

def live_values(ws, problem):
    lay = lf._Layout(problem)
    terms = {}
    for i, t in enumerate(TERMS):
        r = lay.terms_row + 1 + i
        terms[t.key] = (ws.cell(r, 3).value, ws.cell(r, 4).value)
    total = ws.cell(lay.total_row, 4).value
    subs = {}
    for n, sub in enumerate(problem.submissions):
        r = lay.sub_first + n
        subs[sub.ref] = {j: ws.cell(r, 1 + j).value for j in range(len(lf.SUB_HEADER))}
    tracks = {problem.tracks[k].name: (ws.cell(lay.track_first + k, 3).value, ws.cell(lay.track_first + k, 7).value)
              for k in range(problem.T)}
    sessions = {problem.sessions[s].name: [ws.cell(lay.sess_first + s, c).value for c in range(4, 10)]
                for s in range(problem.S)}
    return terms, total, subs, tracks, sessions


def assert_matches_evaluator(problem, edited: Path, recalculated: Path, name: str):
    data = load_workbook_data(edited)
    sched = schedule_in_workbook(problem, data)[0]
    ev = evaluate(problem, sched)
    ws = load_workbook(recalculated, data_only=True)[lf.LIVE]
    terms, total, subs, tracks, sessions = live_values(ws, problem)
    for t in TERMS:
        amount, penalty = terms[t.key]
        if t.key == "STRUCT":
            assert amount == lf.RECOMPUTED and ev.term("STRUCT").raw == 0, name
            continue
        tr = ev.term(t.key)
        assert amount == pytest.approx(tr.raw), f"{name}: {t.key} live {amount} vs evaluator {tr.raw}"
        assert penalty == pytest.approx(tr.penalty if tr.active else 0), f"{name}: {t.key} penalty"
    assert total == pytest.approx(ev.total), f"{name}: total"

    # per submission flags
    def per_ref(key):
        acc = {}
        for v in ev.term(key).violations:
            for ref in v.items:
                acc[ref] = acc.get(ref, 0) + v.amount
        return acc

    placed = {problem.submissions[n].ref for n in sched.cells.values()}
    misplaced = {m.split(" ", 1)[0] for m in ev.misplaced}
    for key, col in (("PC", lf.F_PC), ("AC", lf.F_AC), ("PCT", lf.F_PCT), ("ACT", lf.F_ACT), ("TZ", lf.F_TZ),
                     ("SS", lf.F_SS), ("SP", lf.F_SP), ("ORD", lf.F_ORD)):
        want = per_ref(key)
        for ref, row in subs.items():
            assert row[col] == pytest.approx(want.get(ref, 0)), f"{name}: {key} flag of {ref}"
    for ref, row in subs.items():
        assert row[lf.F_UNSCHED] == (0 if ref in placed else 1), f"{name}: unscheduled {ref}"
        assert row[lf.F_MISPLACED] == (1 if ref in misplaced else 0), f"{name}: misplaced {ref}"
        assert row[lf.F_OVERLAP] == 0 and row[lf.F_PASTEND] == 0
    # per track and per session
    for key, j in (("NR", 0), ("CONS", 1)):
        want = {v.items[0]: v.amount for v in ev.term(key).violations}
        for track, vals in tracks.items():
            assert vals[j] == want.get(track, 0), f"{name}: {key} of track {track}"
    for key, j in (("PAR", 0), ("SIM", 1), ("CC", 2), ("TS", 3), ("TR", 4), ("SR", 5)):
        want = {}
        for v in ev.term(key).violations:
            s = problem.sessions[v.cells[0][0]].name
            want[s] = want.get(s, 0) + v.amount
        for sess, vals in sessions.items():
            assert vals[j] == pytest.approx(want.get(sess, 0)), f"{name}: {key} of session {sess}"
    return ev


def test_live_formulas_equal_the_evaluator(solved, tmp_path):
    problem, path = solved
    files = scenarios(problem, path, tmp_path)
    rec = dict(zip(files, recalc_many(list(files.values()), tmp_path / "rc")))
    seen_terms = set()
    for name, edited in files.items():
        ev = assert_matches_evaluator(problem, edited, rec[name], name)
        seen_terms |= {t.key for t in ev.terms if t.violations}
        if name == "swap":
            assert ev.misplaced, "a swap across tracks puts talks in another track's room"
    # the edits exercised the kinds of violation the issue names
    assert {"PC", "AC", "NR", "PAR", "CONS"} <= seen_terms, seen_terms


def test_double_booked_room_is_flagged_and_check_names_the_cell(solved, tmp_path):
    problem, path = solved
    t = Table(problem, path)
    a, b = [s.ref for s in problem.submissions if t.get(s.ref)[0]][:2]
    t.put(b, t.get(a))  # same room, same slot
    edited = t.save(tmp_path / "overlap.xlsx")
    ws = load_workbook(recalc_many([edited], tmp_path / "rc")[0], data_only=True)[lf.LIVE]
    subs = live_values(ws, problem)[2]
    assert subs[a][lf.F_OVERLAP] >= 1 and subs[b][lf.F_OVERLAP] >= 1
    with pytest.raises(InputError) as err:
        schedule_in_workbook(problem, load_workbook_data(edited))
    assert any(i.where.startswith(f"{SCHEDULE}!") for i in err.value.issues)


def test_only_functions_of_excel_2016_and_libreoffice(solved):
    problem, _ = solved
    sheet = lf.live_checks_sheet(problem)
    formulas = [v for b in sheet.blocks for r in b.rows for v in r if isinstance(v, str) and v.startswith("=")]
    assert len(formulas) > problem.N * 10
    used = set()
    for f in formulas:
        for bad in BANNED:
            assert bad not in f.upper(), f
        used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", f))
    assert used <= {"SUM", "SUMPRODUCT", "COUNTIF", "INDEX", "MATCH", "IF", "IFERROR", "AND", "OR", "ABS", "MAX",
                    "SMALL", "ISNUMBER"}, used


# ----------------------------------------------------------------------------- issue 16: hand edits seen right

def test_a_talk_put_into_another_talks_slot_is_a_double_booking_and_nothing_else(solved, tmp_path):
    """The issue's case: HEA02 moved into HEA01's slot. Live checks say "double-booked", attribute the room to
    the track that is there (not the sum of two track numbers), and Check refuses the table naming the cell."""
    problem, path = solved
    t = Table(problem, path)
    a, b = "HEA01", "HEA02"
    before = t.get(a)
    t.put(b, before)
    edited = t.save(tmp_path / "hea.xlsx")
    ws = load_workbook(recalc_many([edited], tmp_path / "rc")[0], data_only=True)[lf.LIVE]
    _terms, _total, subs, tracks, _sessions = live_values(ws, problem)
    assert subs[a][lf.F_OVERLAP] >= 1 and subs[b][lf.F_OVERLAP] >= 1
    assert [r for r, row in subs.items() if row[lf.F_OVERLAP]] == [a, b] or \
        {r for r, row in subs.items() if row[lf.F_OVERLAP]} == {a, b}
    assert not [r for r, row in subs.items() if row[lf.F_MISPLACED]], "no room attributed to another track"
    hea = problem.tracks[problem.submissions[problem.find_submission(a)].track].name
    # the room's track is HEA's, as a name on the grid (never a track that is not there)
    lay = lf._Layout(problem)
    s = problem.session_index[before[0]]
    r = problem.room_index[before[1]]
    assert ws.cell(lay.grid_first + s, lay.names_col + r).value == hea
    assert ws.cell(lay.grid_first + s, lay.grid_col + r).value == problem.find_track(hea) + 1
    # Healthcare neither split over rooms nor run in parallel because of the double booking
    assert tracks[hea][0] == 0
    note = ws.cell(lay.notes_row + 2, 1).value
    assert note.startswith("2 talks share a time slot"), note
    with pytest.raises(InputError) as err:
        schedule_in_workbook(problem, load_workbook_data(edited))
    assert any(f"{a} and {b}" in i.message or f"{b} and {a}" in i.message for i in err.value.issues)


def test_live_checks_say_at_the_top_what_they_do_not_see(solved):
    problem, path = solved
    ws = load_workbook(path)[lf.LIVE]
    top = " ".join(str(ws.cell(r, 1).value or "") for r in range(1, 8))
    for word in ("do NOT see", "presenters", "co-presenters", "weights", "until you click Check"):
        assert word in top, word


def test_a_track_in_two_rooms_of_one_session_and_a_double_booked_presenter_match_the_evaluator(solved, tmp_path):
    """What the optimiser may now choose at the weights' price: a track in several rooms of one session, a
    presenter in two rooms at once. The live formulas must score those exactly as the evaluator does."""
    problem, path = solved
    t = Table(problem, path)
    length = {s.ref: s.required_slots for s in problem.submissions}

    def swap(a, b):
        wa, wb = t.get(a), t.get(b)
        t.put(a, wb)
        t.put(b, wa)

    # a track takes a second room of a session it uses: one of its talks swaps with the first talk of another
    # room of that session (same length), which then holds this track too
    done = False
    for k in range(problem.T):
        for m in [s.ref for s in problem.submissions if s.track == k]:
            sess, room, _slot = t.get(m)
            firsts = sorted((t.get(z.ref)[2], z.ref) for z in problem.submissions
                            if t.get(z.ref)[0] == sess and t.get(z.ref)[1] != room and z.track != k)
            for room2 in {t.get(z)[1] for _, z in firsts}:
                z = min((sl, ref) for sl, ref in firsts if t.get(ref)[1] == room2)[1]
                if length[z] == length[m]:
                    swap(m, z)
                    done = True
                    break
            if done:
                break
        if done:
            break
    assert done
    # a presenter in two rooms at the same time: the partner swaps with the talk beside the first one
    for x, y in _pair(problem, problem.derived.presenter_conflicts):
        sx = t.get(x)
        beside = [z.ref for z in problem.submissions if z.ref not in (x, y) and t.get(z.ref)[0] == sx[0]
                  and t.get(z.ref)[1] != sx[1] and t.get(z.ref)[2] == sx[2] and length[z.ref] == length[y]]
        if beside:
            swap(y, beside[0])
            break
    edited = t.save(tmp_path / "split_pc.xlsx")
    rec = recalc_many([edited], tmp_path / "rc")[0]
    ev = assert_matches_evaluator(problem, edited, rec, "two rooms + presenter")
    assert ev.term("PC").violations or ev.term("PCT").violations
    assert ev.term("NR").violations or ev.term("PAR").violations
