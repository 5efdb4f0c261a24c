"""xl_confsched.writing: every output of a run is put in place together, or none is; text stays text."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xl_confsched.writing import (TEMP_MARK, Formula, OutputError, Outputs, carry_cached_values, check_output_path,
                                  live_value, needs_quote_prefix, put_cell, sweep_leftovers)

REPO = Path(__file__).resolve().parents[2]


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_commit_puts_every_file_in_place_and_leaves_nothing_else(tmp_path):
    with Outputs() as out:
        out.write_bytes(tmp_path / "a.bin", b"A" * 1000)
        out.write_text(tmp_path / "b.ics", "BEGIN\nEND\n", newline="\r\n")
        out.write_folder(tmp_path / "cal", {"ann.ics": "x", "bo.ics": b"y"})
        # nothing in place before the commit (a folder is prepared under a temporary name)
        assert all(n.startswith(TEMP_MARK) for n in listing(tmp_path))
        written = out.commit()
    assert [p.name for p in written] == ["a.bin", "b.ics", "cal"]
    assert (tmp_path / "a.bin").read_bytes() == b"A" * 1000
    assert (tmp_path / "b.ics").read_bytes() == b"BEGIN\r\nEND\r\n"
    assert listing(tmp_path / "cal") == ["ann.ics", "bo.ics"]
    assert listing(tmp_path) == ["a.bin", "b.ics", "cal"]


def test_an_exception_before_the_commit_changes_nothing(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"old a")
    (tmp_path / "cal").mkdir()
    (tmp_path / "cal" / "old.ics").write_text("old")
    with pytest.raises(RuntimeError):
        with Outputs() as out:
            out.write_bytes(tmp_path / "a.bin", b"new a")
            out.write_folder(tmp_path / "cal", {"new.ics": "new"})
            raise RuntimeError("the solver failed after preparing the files")
    assert (tmp_path / "a.bin").read_bytes() == b"old a"
    assert listing(tmp_path / "cal") == ["old.ics"]
    assert listing(tmp_path) == ["a.bin", "cal"]


def test_a_failing_rename_rolls_back_the_files_already_placed(tmp_path, monkeypatch):
    (tmp_path / "book.xlsx").write_bytes(b"old book")
    (tmp_path / "book_sol.xlsx").write_bytes(b"old sol")
    calls = {"n": 0}
    real = os.replace

    def flaky(a, b, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise PermissionError(13, "Permission denied")
        return real(a, b, **kw)

    with Outputs() as out:
        out.write_bytes(tmp_path / "book.xlsx", b"new book")
        out.write_bytes(tmp_path / "book_sol.xlsx", b"new sol")
        monkeypatch.setattr(os, "replace", flaky)
        with pytest.raises(OutputError) as exc:
            out.commit()
        monkeypatch.setattr(os, "replace", real)
    assert "Nothing was changed" in str(exc.value) and "permission denied" in str(exc.value)
    assert (tmp_path / "book.xlsx").read_bytes() == b"old book"
    assert (tmp_path / "book_sol.xlsx").read_bytes() == b"old sol"
    assert listing(tmp_path) == ["book.xlsx", "book_sol.xlsx"]


def test_a_new_file_that_cannot_be_placed_is_removed_again(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    real = os.replace
    calls = {"n": 0}

    def flaky(a, b, **kw):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(a, b, **kw)

    out = Outputs()
    out.write_bytes(tmp_path / "new1.txt", b"1")
    out.write_bytes(tmp_path / "new2.txt", b"2")
    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(OutputError, match="disk is full"):
        out.commit()
    assert listing(tmp_path) == ["sub"]


def test_permissions_of_a_replaced_file_are_kept(tmp_path):
    target = tmp_path / "shared.xlsx"
    for mode in (0o644, 0o640, 0o664):
        target.write_bytes(b"old")
        os.chmod(target, mode)
        with Outputs() as out:
            out.write_bytes(target, b"new")
            out.commit()
        assert stat.S_IMODE(os.stat(target).st_mode) == mode
        assert target.read_bytes() == b"new"


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_a_new_file_gets_the_usual_mode_for_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        with Outputs() as out:
            out.write_bytes(tmp_path / "new.xlsx", b"x")
            out.write_folder(tmp_path / "cal", {"a.ics": "x"})
            p = out.temp_path(tmp_path / "lib.xlsx")
            Path(p).write_bytes(b"written by a library")
            out.commit()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.xlsx").st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(os.stat(tmp_path / "lib.xlsx").st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(os.stat(tmp_path / "cal").st_mode) == 0o777 & ~umask
    assert stat.S_IMODE(os.stat(tmp_path / "cal" / "a.ics").st_mode) == 0o666 & ~umask


@contextlib.contextmanager
def unwritable(folder: Path):
    """Make ``folder`` unwritable for this process: chmod 555, and for root (who ignores modes)
    the immutable attribute; skip when neither works here."""
    os.chmod(folder, 0o555)
    immutable = False
    if os.access(folder, os.W_OK) and shutil.which("chattr"):
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    try:
        probe = folder / "probe"
        try:
            probe.write_bytes(b"")
            probe.unlink()
            pytest.skip("cannot make a folder unwritable here")
        except OSError:
            pass
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        os.chmod(folder, 0o755)


def test_unwritable_folder_is_one_sentence_and_leaves_nothing(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "book.xlsx").write_bytes(b"old")
    with unwritable(folder):
        assert "not writable (permission denied)" in check_output_path(folder / "book.xlsx")
        with pytest.raises(OutputError, match="permission denied") as exc:
            with Outputs() as out:
                out.write_bytes(folder / "book.xlsx", b"new")
                out.commit()
        assert "Nothing was changed" in str(exc.value)
        assert (folder / "book.xlsx").read_bytes() == b"old"
        assert listing(folder) == ["book.xlsx"]


def test_name_too_long_fails_before_anything_is_placed(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"old")
    with pytest.raises(OutputError, match="too long"):
        with Outputs() as out:
            out.write_bytes(tmp_path / "book.xlsx", b"new")
            out.write_folder(tmp_path / "cal", {"x" * 300 + ".ics": "calendar"})
            out.commit()
    assert (tmp_path / "book.xlsx").read_bytes() == b"old"
    assert listing(tmp_path) == ["book.xlsx"]


_WRITER = textwrap.dedent("""
    import sys, resource
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from xl_confsched.writing import Outputs, OutputError
    folder = Path(sys.argv[1])
    limit = int(sys.argv[2])
    if limit:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    rounds = int(sys.argv[3])
    for r in range(rounds):
        try:
            with Outputs() as out:
                out.write_bytes(folder / "book.xlsx", bytes([65 + r % 26]) * 200_000)
                out.write_bytes(folder / "book_sol.xlsx", bytes([97 + r % 26]) * 50_000)
                out.commit()
        except OutputError as e:
            print(e)
            sys.exit(4)
    print("done")
""")


def test_full_disk_ulimit_leaves_previous_files_and_no_temp(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"old book" * 10)
    (tmp_path / "book_sol.xlsx").write_bytes(b"old sol" * 10)
    r = subprocess.run([sys.executable, "-c", _WRITER.format(repo=str(REPO)), str(tmp_path), str(10 * 1024), "1"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 4, r.stderr
    assert "disk is full or a size limit" in r.stdout and "Traceback" not in r.stderr
    assert (tmp_path / "book.xlsx").read_bytes() == b"old book" * 10
    assert (tmp_path / "book_sol.xlsx").read_bytes() == b"old sol" * 10
    assert listing(tmp_path) == ["book.xlsx", "book_sol.xlsx"]


def test_sigkill_around_the_write_never_leaves_a_truncated_or_stray_file(tmp_path):
    """Kill a process that rewrites a pair of files in a loop, at many moments: every file is
    always one complete version, and the next write cleans up whatever a kill left."""
    (tmp_path / "book.xlsx").write_bytes(b"Z" * 200_000)
    (tmp_path / "book_sol.xlsx").write_bytes(b"z" * 50_000)
    for k in range(15):
        p = subprocess.Popen([sys.executable, "-c", _WRITER.format(repo=str(REPO)), str(tmp_path), "0", "100000"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.25 + 0.03 * k)
        p.send_signal(signal.SIGKILL)
        p.wait()
        book, sol = (tmp_path / "book.xlsx").read_bytes(), (tmp_path / "book_sol.xlsx").read_bytes()
        assert len(book) == 200_000 and len(set(book)) == 1, "book.xlsx is not one complete version"
        assert len(sol) == 50_000 and len(set(sol)) == 1, "book_sol.xlsx is not one complete version"
        strays = [n for n in listing(tmp_path) if n not in ("book.xlsx", "book_sol.xlsx")]
        assert all(n.startswith(TEMP_MARK) for n in strays), strays
        sweep_leftovers(tmp_path)
        assert listing(tmp_path) == ["book.xlsx", "book_sol.xlsx"]


def test_sweep_removes_only_leftovers_of_dead_processes(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f"{TEMP_MARK}{dead.pid}-abcd1234.tmp").write_bytes(b"x")
    (tmp_path / f"{TEMP_MARK}{dead.pid}-abcd1235.tmp.xlsx").write_bytes(b"x")
    (tmp_path / f"{TEMP_MARK}{os.getpid()}-abcd1236.tmp").write_bytes(b"mine, in progress")
    (tmp_path / "notes.tmp").write_bytes(b"the organiser's own file")
    # a folder a killed commit had moved aside: restored under its name
    bak = tmp_path / f"{TEMP_MARK}{dead.pid}-abcd1237.bak"
    bak.mkdir()
    (bak / "ann.ics").write_text("old calendar")
    (bak / ".~xlcs-target").write_text("out_itineraries")
    sweep_leftovers(tmp_path)
    assert listing(tmp_path) == sorted([f"{TEMP_MARK}{os.getpid()}-abcd1236.tmp", "notes.tmp", "out_itineraries"])
    assert listing(tmp_path / "out_itineraries") == ["ann.ics"]


def test_check_output_path_says_why_in_one_sentence(tmp_path):
    assert check_output_path(tmp_path / "ok.xlsx", suffixes=[".xlsx"]) is None
    assert "does not exist" in check_output_path(tmp_path / "missing" / "x.xlsx")
    assert "is a folder" in check_output_path(tmp_path)
    assert "must end in .xlsx" in check_output_path(tmp_path / "x.csv", suffixes=[".xlsx"])
    (tmp_path / "file").write_text("x")
    assert "not a folder" in check_output_path(tmp_path / "file" / "x.xlsx")


# ------------------------------------------------------------------------------------------ inert text

HOSTILE = ['=HYPERLINK("http://example.com","click")', "+1+2", "-3+4", "@SUM(A1)", "=1+1", "\t=cmd", "\r=x",
           "＝1+1", "'quoted", "Ann\x01Lee\x0b", "=WEBSERVICE(\"http://x\")"]


def test_put_cell_writes_input_text_as_text_and_formulas_only_when_marked(tmp_path):
    wb = Workbook()
    ws = wb.active
    for i, s in enumerate(HOSTILE, start=1):
        put_cell(ws, i, 1, s)
    put_cell(ws, 1, 2, Formula("=SUM(1,2)"))
    put_cell(ws, 2, 2, Formula("1+1"))
    put_cell(ws, 3, 2, float("nan"))
    wb.save(tmp_path / "x.xlsx")
    back = load_workbook(tmp_path / "x.xlsx")
    ws = back.active
    for i, s in enumerate(HOSTILE, start=1):
        c = ws.cell(i, 1)
        assert c.data_type == "s", (s, c.data_type)
        # (XML reads a carriage return back as a line feed)
        assert c.value == s.replace("\x01", "").replace("\x0b", "").replace("\r", "\n")
        assert c.quotePrefix == needs_quote_prefix(c.value)
    assert ws["B1"].data_type == "f" and ws["B1"].value == "=SUM(1,2)"
    assert ws["B2"].value == "=1+1"
    assert ws["B3"].value is None
    xml = zipfile.ZipFile(tmp_path / "x.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<f>") == 2  # only our two formulas


def test_live_value_prefixes_text_excel_would_reinterpret():
    assert live_value(Formula("=A1")) == "=A1"
    for s in HOSTILE[:8] + ["007", "1/2", "TRUE", "#N/A", "12%", "2025-01-01"]:
        assert live_value(s).startswith("'"), s
    assert live_value("Ann Lee") == "Ann Lee"
    assert live_value(3) == 3 and live_value(None) is None


# ------------------------------------------------------------------------------------------ cached values

def test_cached_values_are_carried_over_to_the_input_sheets(tmp_path):
    from tests.lo_recalc import recalc

    wb = Workbook()
    ws = wb.active
    ws.title = "Budget"
    ws["A1"], ws["B1"] = "T&E budget", "=100000+70000"
    ws["A2"], ws["B2"] = "Label", '="a"&"<b>"'
    ws["A3"], ws["B3"] = "Flag", "=1=1"
    ws["A4"], ws["B4"] = "Err", "=1/0"
    wb.create_sheet("Result")["A1"] = "=1+1"
    wb.save(tmp_path / "src.xlsx")
    src = recalc(tmp_path / "src.xlsx", tmp_path / "lo")
    values = load_workbook(src, data_only=True)["Budget"]
    assert values["B1"].value == 170000  # LibreOffice stored the values, as Excel does
    # an openpyxl round trip drops them …
    wb2 = load_workbook(src)
    wb2.save(tmp_path / "plain.xlsx")
    assert load_workbook(tmp_path / "plain.xlsx", data_only=True)["Budget"]["B1"].value is None
    # … carry_cached_values brings them back, for the kept sheets only
    import io
    buf = io.BytesIO()
    wb2.save(buf)
    patched = carry_cached_values(src, buf.getvalue(), ["Budget"])
    (tmp_path / "patched.xlsx").write_bytes(patched)
    back = load_workbook(tmp_path / "patched.xlsx", data_only=True)
    assert [back["Budget"][c].value for c in ("B1", "B2", "B3", "B4")] == [170000, "a<b>", True, "#DIV/0!"]
    assert back["Result"]["A1"].value is None  # not a kept sheet: Excel recalculates it
    formulas = load_workbook(tmp_path / "patched.xlsx")["Budget"]
    assert formulas["B1"].value == "=100000+70000"  # still the organiser's formula
