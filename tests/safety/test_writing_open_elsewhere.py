"""A target that another program has open (Windows refuses to replace it): said in words, nothing
replaced, and the prepared results kept beside it under a visible name.

The refusal itself only happens on Windows; here ``os.replace`` raises what Windows raises for
that one target (PermissionError, winerror 32), and the branch that handles it runs for real.
"""

from __future__ import annotations

import os

import pytest

from xl_confsched import writing
from xl_confsched.writing import OutputError, Outputs, kept_name, open_elsewhere


def windows_refusal(errno_code=13, winerror=32):
    exc = PermissionError(errno_code, "The process cannot access the file because it is being used by another process")
    exc.winerror = winerror  # set by Python on Windows only
    return exc


def test_open_elsewhere_is_recognised(tmp_path):
    target = tmp_path / "conference_solved_sol.xlsx"
    target.write_bytes(b"old")
    assert open_elsewhere(windows_refusal(winerror=32), target)
    assert open_elsewhere(windows_refusal(winerror=33), target)
    assert open_elsewhere(windows_refusal(winerror=5), target)
    assert not open_elsewhere(PermissionError(13, "Permission denied"), target)  # POSIX: a real permission problem
    assert not open_elsewhere(windows_refusal(), tmp_path / "missing.xlsx")
    assert not open_elsewhere(OSError(28, "No space left on device"), target)


def test_kept_names_never_overwrite(tmp_path):
    target = tmp_path / "book_solved_sol.xlsx"
    assert kept_name(target).name == "book_solved_sol (new).xlsx"
    (tmp_path / "book_solved_sol (new).xlsx").write_bytes(b"x")
    assert kept_name(target).name == "book_solved_sol (new 2).xlsx"


def test_a_refused_replacement_keeps_the_new_files_and_says_so(tmp_path, monkeypatch):
    locked = tmp_path / "conference_solved_sol.xlsx"
    other = tmp_path / "conference_solved.ics"
    locked.write_bytes(b"old solution")
    other.write_bytes(b"old calendar")
    real_replace = os.replace

    def replace(src, dst, *a, **k):
        if os.fspath(dst) == os.fspath(locked):
            raise windows_refusal()
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(writing.os, "replace", replace)
    with Outputs() as out:
        out.write_bytes(other, b"new calendar")
        out.write_bytes(locked, b"new solution")
        with pytest.raises(OutputError) as err:
            out.commit()
    msg = str(err.value)
    assert msg.startswith("conference_solved_sol.xlsx is open in another program")
    assert "nothing was changed" in msg and "conference_solved_sol (new).xlsx" in msg
    # nothing replaced: both old files as they were (the calendar placed first was rolled back)
    assert locked.read_bytes() == b"old solution" and other.read_bytes() == b"old calendar"
    # the new results kept beside them, no temporary file left
    assert (tmp_path / "conference_solved_sol (new).xlsx").read_bytes() == b"new solution"
    assert (tmp_path / "conference_solved (new).ics").read_bytes() == b"new calendar"
    assert "conference_solved (new).ics" in msg
    names = sorted(p.name for p in tmp_path.iterdir())
    assert not [n for n in names if n.startswith(writing.TEMP_MARK)], names
