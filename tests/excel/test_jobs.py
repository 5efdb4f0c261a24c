"""Solve beside Excel: start, poll, cancel, collect — through xlwings' remote engine on real
workbooks, with a real worker process and a real solve cancelled half way.

The add-in's VBA does exactly what these tests do with the job folder: it passes a new folder to
``start_solve``, reads ``state.txt`` / ``progress.txt`` every second, creates ``cancel`` for
Cancel, and calls ``collect_job`` once the state is done or failed (see vba/ConfSched.bas).
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.excel.conftest import write_big_conference
from tests.excel.test_entry_points import BUDGET_EXAMPLE, open_remote, replay
from xl_confsched import excel, jobs
from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import read_problem
from xl_confsched.csplib.results import read_assignment_table
from xl_confsched.errors import IssueLog
from xl_confsched.tables import Table, load_workbook_data


def wait_for(job: Path, states=("done", "failed"), timeout: float = 120.0, until=None) -> jobs.JobState:
    t0 = time.time()
    while time.time() - t0 < timeout:
        st = jobs.read_state(job)
        if st.state in states or (until is not None and until(st)):
            return st
        time.sleep(0.2)
    raise AssertionError(f"job {job} still {jobs.read_state(job)} after {timeout} s")


def read_as_vba_does(path: Path) -> str:
    """VBA's Line Input: bytes in the ANSI code page, first line."""
    return path.read_bytes().decode("cp1252").splitlines()[0]


@pytest.fixture
def mid_conference(tmp_path) -> Path:
    return write_big_conference(tmp_path / "conference_80.xlsx", days=3, rooms=4, tracks=12, talks=80)


def test_start_returns_at_once_and_a_cancel_half_way_writes_the_best_schedule(remote_license, mid_conference,
                                                                               tmp_path):
    book, before = open_remote(mid_conference, {"xlcs_time_limit": '="60"'})
    job_dir = tmp_path / "jobs" / "job-1"
    t0 = time.time()
    job = excel.start_solve(str(job_dir), book)
    started = time.time() - t0
    assert job == job_dir and (job / jobs.STATE).exists()
    assert started < 20, f"start_solve took {started:.1f} s (it must only read the book and start the worker)"
    # the add-in polls the files: progress with the elapsed time and plain words, ASCII only
    st = wait_for(job, states=("done", "failed"), until=lambda s: "best so far" in s.progress)
    assert st.state == "running", st
    line = read_as_vba_does(job / jobs.PROGRESS)
    assert line.startswith("Solving the conference schedule") and " of 60 s" in line and "best so far" in line
    assert line.isascii() and "incumbent" not in line
    # Cancel (the VBA writes the file itself; cancel_job does the same)
    t_cancel = time.time()
    assert excel.cancel_job(str(job), book)
    assert (job / jobs.CANCEL).exists()
    st = wait_for(job, timeout=60)
    stopped = time.time() - t_cancel
    assert st.state == "done", (st, (job / jobs.LOG).read_text(errors="replace"))
    assert stopped < 40, f"the worker took {stopped:.1f} s to stop after Cancel"
    assert time.time() - t0 < 60  # well before its time limit
    # collect: the result sheets are written into the same book, as a solve in one call writes them
    report = excel.collect_job(str(job), book)
    assert report is not None and report.ok
    assert not job.exists()  # collected: the add-in stops polling when the folder is gone
    out = replay(book, before)
    assert out.sheets[:len(before)] == before and "Schedule" in out.added and "Status" in out.added
    assert all(name not in out.cells for name in before)  # inputs untouched
    assert out.alerts[-1].startswith("Cancelled after ") and "best schedule found so far" in out.alerts[-1]
    # the written schedule, scored by the evaluator, is the report's objective
    problem = read_problem(load_workbook_data(mid_conference))
    rows = out.rows("Schedule")
    log = IssueLog()
    got = read_assignment_table(problem, Table(sheet="Schedule", rows=[[None if v == "" else v for v in r]
                                                                      for r in rows]), log)
    assert got is not None and not log.errors, log.issues
    ev = evaluate(problem, got[0])
    assert ev.all_scheduled and ev.total == report.objective


def test_solve_beside_excel_gives_the_same_sheets_as_a_solve_in_one_call(remote_license, tmp_path):
    book, before = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="10"'})
    job = excel.start_solve(str(tmp_path / "job"), book)
    wait_for(job)
    report = excel.collect_job(str(job), book)
    beside = replay(book, before)
    book2, _ = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="10"'})
    direct = excel.solve(book2)
    one_call = replay(book2, before)
    assert report.ok and direct.ok
    assert beside.added == one_call.added
    for name in beside.added:
        if name in ("Run", "Status"):
            continue  # times and dates differ
        assert beside.rows(name) == one_call.rows(name), name
    assert beside.alerts[-1].split("\n")[0] == one_call.alerts[-1].split("\n")[0]


def test_bad_input_found_by_the_worker_goes_to_status(remote_license, tmp_path):
    from xl_confsched.csplib.template import example_workbook

    path = Path(example_workbook(tmp_path / "conf.xlsx"))
    wb = load_workbook(path)
    ws = wb["submissions"]
    ws["B3"] = "No Such Track"
    wb.save(path)
    book, before = open_remote(path)
    job = excel.start_solve(str(tmp_path / "job"), book)
    assert job is not None  # the kind was recognised; the reader runs in the worker
    wait_for(job)
    assert excel.collect_job(str(job), book) is None
    out = replay(book, before)
    assert out.added == ["Status"] and not out.deleted
    text = " ".join(str(v) for v in out.cells["Status"].values())
    assert "submissions!B3" in text and "No Such Track" in text
    assert "previous results were kept" in out.alerts[-1]


def test_unknown_workbook_is_said_at_once_without_a_job(remote_license, tmp_path):
    from openpyxl import Workbook as XLWorkbook

    wb = XLWorkbook()
    wb.active.title = "Talkz"
    wb.active["A1"] = "x"
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    book, before = open_remote(path)
    assert excel.start_solve(str(tmp_path / "job"), book) is None
    assert not (tmp_path / "job").exists()  # nothing for the add-in to poll
    out = replay(book, before)
    assert out.added == ["Status"] and "Conference > New workbook" in " ".join(map(str, out.cells["Status"].values()))


def test_a_failing_worker_is_said_in_words_with_the_details_in_the_log(remote_license, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    book, before = open_remote(BUDGET_EXAMPLE)
    job = excel.start_solve(str(tmp_path / "job"), book)
    # the worker reads its input first: a broken input file makes it fail (as a crash would)
    st = wait_for(job)
    assert st.state == "done"
    job2 = excel.start_solve(str(tmp_path / "job2"), book)
    wait_for(job2)
    (job2 / jobs.STATE).write_text("starting", encoding="ascii")
    (job2 / jobs.RESULT).unlink()
    (job2 / jobs.INPUT).write_bytes(pickle.dumps("not a job"))
    (job2 / jobs.ERROR).unlink(missing_ok=True)
    assert jobs.run_worker(job2) == 1  # the worker, run again on the broken folder
    assert jobs.read_state(job2).state == "failed"
    assert excel.collect_job(str(job2), book) is None
    msg = replay(book, before).alerts[-1]
    assert msg.startswith("Solve stopped because of an unexpected error") and "Traceback" not in msg
    log = tmp_path / "state" / "xl_confsched" / "errors.log"
    assert str(log) in msg and "Traceback" in log.read_text()
    assert not job2.exists()
    excel.collect_job(str(job), book)


def test_a_worker_that_died_silently_is_failed_after_a_while(tmp_path, monkeypatch):
    job = tmp_path / "job"
    job.mkdir()
    (job / jobs.META).write_text('{"book": "b.xlsx", "kind": "budget", "started": 0}')
    (job / jobs.STATE).write_text("running")
    (job / jobs.PROGRESS).write_text("Solving...")
    assert jobs.read_state(job).state == "running"
    monkeypatch.setattr(jobs, "STALE_SECONDS", 0.0)
    time.sleep(0.05)
    st = jobs.read_state(job)
    assert st.state == "failed" and st.finished
    out = jobs.collect(job)
    assert out.state == "failed" and "unexpectedly" in out.error


def test_old_job_folders_are_removed(tmp_path):
    import os

    old, new = tmp_path / "old", tmp_path / "new"
    for d in (old, new):
        d.mkdir()
        (d / jobs.META).write_text("{}")
    os.utime(old / jobs.META, (time.time() - 3 * 86400,) * 2)
    assert jobs.remove_stale(tmp_path) == [old]
    assert new.exists() and not old.exists()


def test_progress_words():
    assert jobs.plain_words("[  12.3s] neighbourhood search: incumbent 1,234 (freed rooms ×3)") == \
        "neighbourhood search: best so far 1,234 (freed rooms ×3)"
    assert jobs.ascii_line("best so far 1,234 (freed rooms ×3) — bound ≥ 5…") == \
        "best so far 1,234 (freed rooms x3) - bound >= 5..."
    assert len(jobs.ascii_line("x" * 500)) <= 230


def test_polling_through_python_collects_when_finished(remote_license, tmp_path):
    """For front ends that poll through Python (the add-in reads the files itself)."""
    book, before = open_remote(BUDGET_EXAMPLE, {"xlcs_time_limit": '="10"'})
    job = excel.start_solve(str(tmp_path / "job"), book)
    states = []
    t0 = time.time()
    while time.time() - t0 < 120:
        states.append(excel.poll_job(str(job), book))
        if states[-1] in ("done", "failed", "gone"):
            break
        time.sleep(0.3)
    assert states[-1] == "done", states
    assert not job.exists()  # collected by the last poll
    out = replay(book, before)
    assert "Allocation" in out.added or "Comparison" in out.added
    assert out.alerts[-1].startswith("Solve finished")
