"""One test per case reproduced in issue 17 (written before the fix, through the command line)."""

from __future__ import annotations

import os
import stat
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .helpers import cli, digest, edit, edit_text, example, no_traceback, program, snapshot

FAST = ["--time-limit", "5", "--quiet"]


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """Each kind's example, solved once (the 'previous results' a failing run must keep)."""
    folder = tmp_path_factory.mktemp("solved")
    out = {}
    for kind in ("csplib", "talks", "personal", "budget"):
        src = example(kind, folder)
        dst = folder / f"{kind}_out.xlsx"
        r = cli("solve", src, "-o", dst, *FAST)
        assert r.code == 0, str(r)
        out[kind] = (src, dst)
    return out


def copy_pair(solved, kind, tmp_path):
    import shutil

    src, dst = solved[kind]
    s2, d2 = tmp_path / src.name, tmp_path / dst.name
    shutil.copy2(src, s2)
    shutil.copy2(dst, d2)
    for side in dst.parent.glob(dst.stem + "_*"):
        target = tmp_path / side.name
        shutil.copytree(side, target) if side.is_dir() else shutil.copy2(side, target)
    return s2, d2


# ------------------------------------------------------------------------------------------ work lost

def test_failed_talks_solve_keeps_the_results_and_exits_non_zero(solved, tmp_path):
    """Weights!B2 = inf after a good solve: before, "no schedule", exit 0, and out.xlsx lost its result sheets."""
    src, out = copy_pair(solved, "talks", tmp_path)
    before = snapshot(tmp_path)
    edit(src, {("Weights", "B2"): "inf"})
    before[src.name] = digest(src)
    r = cli("solve", src, "-o", out, *FAST)
    no_traceback(r)
    assert r.code != 0
    assert "Weights!B2" in r.err
    assert snapshot(tmp_path) == before
    assert {"Talk Grid", "Talk Table", "Achievement"} <= set(load_workbook(out).sheetnames)


def test_talks_solve_that_finds_nothing_says_so_and_writes_nothing(tmp_path, monkeypatch):
    from xl_confsched.kinds import SolveSettings
    from xl_confsched.talks import workflow
    from xl_confsched.tables import load_workbook_data

    src = example("talks", tmp_path)
    monkeypatch.setattr(workflow, "local_search", lambda *a, **k: (None, float("inf")))
    monkeypatch.setattr(workflow, "_mip", lambda *a, **k: None)
    monkeypatch.setattr(workflow, "BackgroundSearch", None, raising=False)
    data = load_workbook_data(src)
    settings = SolveSettings(time_limit=5, background_search=False)

    class NoBlocks:
        def __init__(self, *a, **k):
            raise RuntimeError("no blocks")

    import xl_confsched.talks.blocks as blocks
    monkeypatch.setattr(blocks, "BlockModel", NoBlocks)
    report = workflow.solve(data, settings)
    assert report.ok is False, "a run without a schedule must not be written"


def test_clear_under_a_file_size_limit_keeps_the_workbook(solved, tmp_path):
    """`ulimit -f 10` (a full disk or quota): `clear` turned a 49 KB workbook into a 4.6 KB broken zip."""
    _src, out = copy_pair(solved, "csplib", tmp_path)
    before = snapshot(tmp_path)
    r = program("clear", out, shell_prefix="ulimit -f 10;")
    no_traceback(r)
    assert r.code == 4, str(r)
    assert "disk is full or a size limit" in r.err and "Nothing was changed" in r.err
    assert snapshot(tmp_path) == before


def test_solve_under_a_file_size_limit_writes_neither_file(solved, tmp_path):
    src, out = copy_pair(solved, "csplib", tmp_path)
    before = snapshot(tmp_path)
    r = program("solve", src, "-o", out, "--time-limit", "3", "--quiet", shell_prefix="ulimit -f 20;")
    no_traceback(r)
    assert r.code == 4, str(r)  # the solver's work files (CBC) or the result files hit the limit
    assert "disk is full or a" in r.err and ("Nothing was written" in r.err or "Nothing was changed" in r.err)
    assert snapshot(tmp_path) == before


def test_sigkill_around_the_solve_write_leaves_whole_files_and_no_strays(solved, tmp_path):
    """13 SIGKILLs around the write: 2 truncated _sol.xlsx files, 2 stray tmpXXXX.xlsx files before."""
    import signal
    import subprocess
    import sys

    from xl_confsched.writing import sweep_leftovers

    src, out = copy_pair(solved, "csplib", tmp_path)
    sol = out.with_name(out.stem + "_sol.xlsx")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    cmd = [sys.executable, "-m", "xl_confsched.cli", "solve", str(src), "-o", str(out), "--time-limit", "1",
           "--quiet"]
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, timeout=300, check=True)
    full = time.perf_counter() - t0
    for k in range(8):
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(full * (0.55 + 0.06 * k))
        p.send_signal(signal.SIGKILL)
        p.wait()
        for f in (out, sol):
            with zipfile.ZipFile(f) as z:  # a complete workbook, old or new
                assert z.testzip() is None
            load_workbook(f)
        strays = [n.name for n in tmp_path.iterdir() if n.name.startswith(".~xlcs-")]
        sweep_leftovers(tmp_path)
        assert sorted(n.name for n in tmp_path.iterdir()) == sorted([src.name, out.name, sol.name]), strays


def test_personal_calendar_names_never_fail_after_the_workbook(tmp_path):
    """A participant name over 250 characters: OSError 'File name too long' after the workbook was replaced."""
    src = example("personal", tmp_path)
    long_name = "Participant " + "x" * 300
    wb = load_workbook(src)
    ws = wb["Profiles"]
    ws.cell(3, 1).value = long_name  # P002, who ticked talks
    wb.save(src)
    r = cli("solve", src, "-o", tmp_path / "out.xlsx", *FAST)
    no_traceback(r)
    assert r.code == 0, str(r)
    names = [p.name for p in (tmp_path / "out_itineraries").iterdir()]
    assert len(names) > 1 and all(len(n.encode()) <= 255 for n in names)
    assert any(n.lower().startswith("participant") and "xxxx" in n for n in names)  # the long name's calendar


def test_formula_input_is_read_again_after_solve(tmp_path):
    """Budget!B4 '=100000+70000' read as 170,000; after solve -o, check said 'T&E budget is empty'."""
    from tests.lo_recalc import recalc

    src = example("budget", tmp_path)
    wb = load_workbook(src)
    cell = next(c for row in wb["Budget"].iter_rows() for c in row if c.value == "T&E budget")
    ref = wb["Budget"].cell(cell.row, cell.column + 1).coordinate
    edit(src, {("Budget", ref): "=100000+70000"})
    src = recalc(src, tmp_path / "calc")  # as Excel saves it: the formula and its value
    from xl_confsched.budget.problem import read_problem
    from xl_confsched.tables import load_workbook_data

    def te_budget(path):
        return read_problem(load_workbook_data(path))[0].settings.te_budget

    assert te_budget(src) == 170000 and cli("check", src).code == 0
    out = tmp_path / "solved.xlsx"
    assert cli("solve", src, "-o", out, *FAST).code == 0
    again = cli("check", out)
    assert again.code == 0 and "empty" not in again.text, str(again)  # before: "T&E budget is empty"
    assert te_budget(out) == 170000
    assert cli("solve", out, "-o", tmp_path / "again.xlsx", *FAST).code == 0
    assert te_budget(tmp_path / "again.xlsx") == 170000
    assert load_workbook(out)["Budget"][ref].value == "=100000+70000"  # still the organiser's formula


def test_permissions_are_kept_and_new_files_get_the_usual_mode(solved, tmp_path):
    """solve turned a 0644 workbook into 0600 (mkstemp + replace)."""
    src, out = copy_pair(solved, "csplib", tmp_path)
    os.chmod(out, 0o664)
    sol = out.with_name(out.stem + "_sol.xlsx")
    os.chmod(sol, 0o644)
    old = os.umask(0o022)
    try:
        assert cli("solve", src, "-o", out, *FAST).code == 0
        assert cli("solve", src, "-o", tmp_path / "fresh.xlsx", *FAST).code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o664
    assert stat.S_IMODE(os.stat(sol).st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "fresh.xlsx").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "fresh_sol.xlsx").st_mode) == 0o644


def test_new_refuses_to_overwrite_without_force(solved, tmp_path):
    _src, out = copy_pair(solved, "csplib", tmp_path)
    before = digest(out)
    r = cli("new", out, "--kind", "talks")
    no_traceback(r)
    assert r.code == 2 and "already exists" in r.err and "--force" in r.err
    assert digest(out) == before
    r = cli("new", out, "--kind", "talks", "--force")
    assert r.code == 0
    assert "Talks" in load_workbook(out).sheetnames


# ------------------------------------------------------------------------------------------ nonsense accepted

def test_rows_typed_below_an_excel_table_are_read_with_a_warning(tmp_path):
    """A submission appended below the 'submissions' Table was never scheduled and check said '31 submissions'."""
    src = example("csplib", tmp_path)
    wb = load_workbook(src)
    ws = wb["submissions"]
    assert ws.tables["submissions"].ref.endswith("32")
    row = [c.value for c in ws[32]]
    row[0] = "NEW01"
    for j, v in enumerate(row, start=1):
        ws.cell(33, j).value = v
    wb.save(src)
    r = cli("check", src)
    assert r.code == 0, str(r)
    assert "32 submissions" in r.out
    assert "submissions!A33" in r.out and "below the Excel Table 'submissions'" in r.out


def test_excel_error_values_are_not_names(tmp_path):
    """#N/A or #REF! in Presenters or Chairs became a person '#N/A' presenting every such talk."""
    src = example("csplib", tmp_path)
    edit(src, {("submissions", "F3"): "#N/A", ("submissions", "F4"): "#N/A", ("tracks", "B2"): "#REF!"})
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2
    for ref in ("submissions!F3", "submissions!F4", "tracks!B2"):
        assert ref in r.err and "Excel error" in r.err


@pytest.mark.parametrize("kind,sheet,ref,value", [
    ("budget", "Flights", "B4", "inf"),  # OverflowError traceback before
    ("csplib", "tracks_sessions|penalty", "B2", "nan"),  # check exit 0, then PulpError at solve
    ("talks", "Weights", "B7", "nan"),  # the conflict threshold: ValueError traceback
    ("talks", "Weights", "B2", "inf"),  # a pick weight: 'no schedule within the time limit', exit 0
    ("budget", "Conferences", "D4", "1e309"),
])
def test_nan_inf_and_overflow_text_are_not_numbers(tmp_path, kind, sheet, ref, value):
    src = example(kind, tmp_path)
    wb = load_workbook(src)
    assert wb[sheet][ref].value is not None or kind == "csplib"
    edit_text(src, {(sheet, ref): value})
    for cmd in (["check", src], ["solve", src, "-o", tmp_path / "out.xlsx", *FAST]):
        r = cli(*cmd)
        no_traceback(r)
        assert r.code == 2, str(r)
        assert f"{sheet}!{ref}" in r.err, str(r)
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("value", [1e12, 2_000_000, 1_000_000])
def test_slots_per_session_have_an_upper_bound(tmp_path, value):
    """sessions!B2 = 1e12 hung; 2,000,000 failed after 20 s and 1.3 GB; 1,000,000 wrote a million-row sheet."""
    src = example("csplib", tmp_path)
    edit(src, {("sessions", "B2"): value})
    t0 = time.perf_counter()
    r = cli("solve", src, "-o", tmp_path / "out.xlsx", *FAST)
    assert time.perf_counter() - t0 < 60
    no_traceback(r)
    assert r.code == 2 and "sessions!B2" in r.err and "at most 1,000" in r.err, str(r)


@pytest.mark.parametrize("ref,needle", [("E2", "from 1 to 100"), ("G2", "from 1 to 1,440")])
def test_personal_structure_numbers_have_bounds(tmp_path, ref, needle):
    """Structure!E2 = 1e12: MemoryError in check; G2 = 1e12: OverflowError."""
    src = example("personal", tmp_path)
    wb = load_workbook(src)
    header = [c.value for c in wb["Structure"][1]]
    assert header[4].lower().startswith("timeslots") and header[6].lower().startswith("minutes")
    edit(src, {("Structure", ref): 1e12})
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2 and f"Structure!{ref}" in r.err and needle in r.err, str(r)


def test_odd_values_get_a_word(tmp_path):
    """Negative penalties, a session that ends before it starts, Order 1e12 — accepted without a word."""
    src = example("csplib", tmp_path)
    edit(src, {("tracks_rooms|penalty", "B2"): -50, ("sessions", "E3"): "08:00", ("submissions", "D5"): 1e12})
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2 and "submissions!D5" in r.err and "1,000,000" in r.err
    edit(src, {("submissions", "D5"): 1})
    r = cli("check", src)
    assert r.code == 0, str(r)
    assert "tracks_rooms|penalty!B2" in r.out and "negative" in r.out
    assert "sessions!E3" in r.out and "before it starts" in r.out


def test_budget_value_without_its_label_is_warned_about(tmp_path):
    src = example("budget", tmp_path)
    wb = load_workbook(src)
    ws = wb["Budget"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "Registration budget")
    cell.value = None
    wb.save(src)
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2  # the registration budget is now missing (an error) …
    assert f"Budget!{ws.cell(cell.row, cell.column + 1).coordinate}" in r.err  # … and its orphan value is named


def test_personal_availability_without_presenter_and_block_past_midnight(tmp_path):
    src = example("personal", tmp_path)
    wb = load_workbook(src)
    av = wb["Availability"]
    av.cell(2, 1).value = None  # a row of marks without its presenter
    wb.save(src)
    r = cli("check", src)
    assert r.code == 0 and "Availability!A2" in r.out and "no presenter" in r.out, str(r)
    edit(src, {("Structure", "D2"): "23:00"})
    r = cli("check", src)
    no_traceback(r)
    assert r.code == 2 and "past midnight" in r.err, str(r)


# ------------------------------------------------------------------------------------------ a way in

def test_a_presenter_name_starting_with_equals_is_text_in_the_results(tmp_path):
    """'=HYPERLINK(...)' as a presenter came out of solve as a formula in the Assignments table."""
    src = example("csplib", tmp_path)
    payload = '=HYPERLINK("http://example.com/x","click")'
    edit_text(src, {("submissions", "F2"): payload})
    out = tmp_path / "out.xlsx"
    r = cli("solve", src, "-o", out, *FAST)
    assert r.code == 0, str(r)
    ws = load_workbook(out)["Schedule"]
    hits = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hits, "the presenter is listed on the Schedule sheet"
    assert all(c.data_type == "s" for c in hits)


# ------------------------------------------------------------------------------------------ tracebacks

@pytest.fixture
def csplib_src(tmp_path):
    return example("csplib", tmp_path)


def quick(run, started: float, *needles: str) -> None:
    no_traceback(run)
    assert run.code == 2, str(run)
    assert time.perf_counter() - started < 60, "checked before the solve, not after the whole time limit"
    for n in needles:
        assert n in run.err, (n, str(run))


@pytest.mark.parametrize("flag", ["--fix", "--from"])
def test_missing_or_bad_solution_files_before_solving(csplib_src, tmp_path, flag):
    t0 = time.perf_counter()
    quick(cli("solve", csplib_src, flag, tmp_path / "nope.xlsx", "--time-limit", "600"), t0, "file not found")
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    t0 = time.perf_counter()
    quick(cli("solve", csplib_src, flag, tmp_path / "notes.xlsx", "--time-limit", "600"), t0, "not an Excel workbook")


def test_missing_solution_file_for_check(csplib_src, tmp_path):
    t0 = time.perf_counter()
    quick(cli("check", csplib_src, tmp_path / "sol.xlsx"), t0, "file not found")


@pytest.mark.parametrize("args,needle", [
    (["--model", "bogus"], "unknown model 'bogus'"),
    (["--time-limit", "nan"], "time limit"),
    (["--time-limit", "0"], "time limit"),
    (["--time-limit", "-1"], "time limit"),
    (["--time-limit", "inf"], "time limit"),
    (["--max-changes", "-1"], "--max-changes"),
    (["--work", "-2"], "--work"),
    (["--seed", "1e99"], "seed"),
])
def test_bad_arguments_before_solving(csplib_src, args, needle):
    t0 = time.perf_counter()
    quick(cli("solve", csplib_src, *args), t0, needle)


def test_bad_output_paths_before_solving(csplib_src, tmp_path):
    from .test_writing import unwritable

    t0 = time.perf_counter()
    quick(cli("solve", csplib_src, "-o", tmp_path / "missing" / "out.xlsx", "--time-limit", "600"), t0,
          "does not exist")
    quick(cli("solve", csplib_src, "-o", tmp_path, "--time-limit", "600"), t0, "is a folder")
    ro = tmp_path / "ro"
    ro.mkdir()
    with unwritable(ro):
        quick(cli("solve", csplib_src, "-o", ro / "out.xlsx", "--time-limit", "600"), t0, "not writable")
    import shutil
    import subprocess

    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"previous")
    os.chmod(locked, 0o444)
    immutable = False
    if os.access(locked, os.W_OK) and shutil.which("chattr"):  # root ignores modes: the immutable attribute
        immutable = subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode == 0
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("cannot make a file read-only here")
        quick(cli("solve", csplib_src, "-o", locked, "--time-limit", "600"), t0, "read-only")
        assert locked.read_bytes() == b"previous"
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(locked)], capture_output=True)


def test_password_protected_workbook(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    src = example("csplib", tmp_path)
    enc = tmp_path / "locked.xlsx"
    with open(src, "rb") as fi, open(enc, "wb") as fo:
        OOXMLFile(fi).encrypt("secret", fo)
    r = cli("check", enc)
    no_traceback(r)
    assert r.code == 2 and "password-protected" in r.err, str(r)
    assert "zip" not in r.err.lower()


def test_old_xls_file_gets_our_words_not_openpyxls(tmp_path):
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    r = cli("check", xls)
    no_traceback(r)
    assert r.code == 2 and "97–2003" in r.err and "xlrd" not in r.err, str(r)


def _as_xlsm(src: Path, dst: Path) -> Path:
    """A macro-enabled copy of ``src`` (content type and a vbaProject part, as Excel saves .xlsm)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", b'<Default Extension="bin" ContentType="application/'
                                                 b'vnd.ms-office.vbaProject"/></Types>')
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft'
                                                         b'.com/office/2006/relationships/vbaProject" '
                                                         b'Target="vbaProject.bin"/></Relationships>')
            zout.writestr(info, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    return dst


def test_xlsm_to_xlsx_gets_the_xlsx_content_type(tmp_path):
    """solve x.xlsm -o y.xlsx wrote an .xlsx with a macro content type (Excel refuses such files)."""
    src = _as_xlsm(example("budget", tmp_path), tmp_path / "book.xlsm")
    assert cli("solve", src, "-o", tmp_path / "y.xlsx", *FAST).code == 0
    with zipfile.ZipFile(tmp_path / "y.xlsx") as z:
        types = z.read("[Content_Types].xml")
        assert b"macroEnabled" not in types and b"spreadsheetml.sheet.main+xml" in types
        assert "xl/vbaProject.bin" not in z.namelist()
    assert cli("solve", src, *FAST).code == 0  # default output next to it: book_solved.xlsm keeps the macros
    with zipfile.ZipFile(tmp_path / "book_solved.xlsm") as z:
        assert b"macroEnabled" in z.read("[Content_Types].xml") and "xl/vbaProject.bin" in z.namelist()
    r = cli("solve", example("budget", tmp_path, "plain.xlsx"), "-o", tmp_path / "z.xlsm", *FAST)
    assert r.code == 2 and "macro-enabled" in r.err


def test_sheet_names_are_matched_without_regard_to_case(tmp_path):
    """Renaming Conferences → CONFERENCES made the kind unrecognisable."""
    src = example("budget", tmp_path)
    wb = load_workbook(src)
    for old, new in (("Conferences", "CONFERENCES"), ("Budget", "budget")):
        wb[old].title = "tmp"  # (openpyxl compares titles without regard to case too)
        wb["tmp"].title = new
    wb.save(src)
    assert {"CONFERENCES", "budget"} <= set(load_workbook(src).sheetnames)
    r = cli("check", src)
    assert r.code == 0, str(r)
    r = cli("solve", src, "-o", tmp_path / "out.xlsx", *FAST)
    assert r.code == 0, str(r)
    out = load_workbook(tmp_path / "out.xlsx")
    assert "CONFERENCES" in out.sheetnames and "Allocation" in out.sheetnames
