"""A solve that runs beside Excel: started, polled, cancelled and collected through a job folder.

A RunPython call that solves keeps Excel frozen for the whole time limit.  So the ribbon's Solve
only *starts* a job — the workbook's tables go to a worker process — and returns at once; a timer
in the add-in then polls the job, and one more short call writes the results into the book:

    start(job_dir, data, kind, settings, book_name=…)   # Solve: a worker process starts solving
    read_state(job_dir) -> JobState                      # the timer: state and one progress line
    cancel(job_dir)                                      # Cancel: the worker stops, keeping its best
    collect(job_dir) -> JobOutcome                       # the results (report, side files) to write

The job folder *is* the protocol, in plain files that the add-in's VBA reads and writes itself
(so a poll starts no Python process):

    state.txt      one word: ``starting``, ``running``, ``done`` or ``failed``
    progress.txt   one ASCII line for the status bar, rewritten every second while the worker lives
    cancel         created by Cancel; the worker sees it within a fraction of a second
    meta.json      who started it: book, kind, action, time limit, start time
    input.pickle   the workbook's tables, the kind, the settings, the settings' warnings
    result.pickle  what the worker produced (a :class:`~xl_confsched.report.Report` without its
                   side-file callables; the side files themselves prepared in ``files/``)
    error.txt      the traceback, when the worker failed
    worker.log     the worker's own output

The worker is ``python -m xl_confsched.jobs JOB_DIR``, started detached (its own session; on
Windows without a console window), so it lives on when the RunPython process that started it
exits.  A worker that dies without a word stops rewriting progress.txt: :func:`read_state` then
says ``failed`` (:data:`STALE_SECONDS`).  The core never imports xlwings; this module neither.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import InputError, InputIssue
from .kinds import SolveSettings, kind_by_name
from .report import Report
from .tables import WorkbookData

STATE, PROGRESS, CANCEL, META = "state.txt", "progress.txt", "cancel", "meta.json"
INPUT, RESULT, ERROR, LOG, FILES = "input.pickle", "result.pickle", "error.txt", "worker.log", "files"
STALE_SECONDS = 30.0  # progress.txt older than this while "running": the worker is gone
BEAT_SECONDS = 1.0
KEEP_DAYS = 2.0  # job folders nobody collected are removed after this

# settings that travel to the worker (callables and the token are made there)
_SETTING_FIELDS = ("model", "time_limit", "solver", "seed", "threads", "verbose", "extra")


def default_root() -> Path:
    """Where job folders live: the temporary folder (what the add-in's VBA also uses, Environ("TEMP"))."""
    return Path(os.environ.get("XL_CONFSCHED_JOBS") or Path(tempfile.gettempdir()) / "xl_confsched_jobs")


@dataclass
class JobInput:
    kind: str
    action: str  # "solve" or "check"
    data: WorkbookData
    settings: dict[str, Any]
    issues: list[InputIssue] = field(default_factory=list)  # the settings' warnings, shown with the result


@dataclass
class JobState:
    state: str  # starting | running | done | failed | gone
    progress: str
    seconds: float  # since the start
    cancel_requested: bool

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed", "gone")


@dataclass
class JobOutcome:
    """What :func:`collect` found."""

    state: str
    meta: dict[str, Any]
    report: Report | None = None
    input_error: InputError | None = None
    error: str = ""  # one sentence when the worker failed
    details: str = ""  # the traceback / log of a failure
    cancelled: bool = False
    seconds: float = 0.0
    issues: list[InputIssue] = field(default_factory=list)  # the settings' warnings
    files: list[Path] = field(default_factory=list)  # side files prepared by the worker (in files/)
    staged_target: Path | None = None  # the "<book>_solved.xlsx" the side files were named after


# --------------------------------------------------------------------------------------
# small file helpers (every file the add-in reads is replaced in one step)
# --------------------------------------------------------------------------------------

def _put(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    for _ in range(20):  # Windows: the add-in may have the file open for a moment
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            time.sleep(0.05)
    tmp.unlink(missing_ok=True)


def _put_text(path: Path, text: str) -> None:
    _put(path, text.encode("ascii", "replace"))


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


_ASCII = {"…": "...", "—": "-", "–": "-", "×": "x", "≥": ">=", "≤": "<=", "→": "->", "·": "-", "’": "'",
          "‘": "'", "“": '"', "”": '"', "▸": ">", "\u00a0": " "}


def ascii_line(text: str, limit: int = 230) -> str:
    """One line the status bar of any Excel shows (VBA reads the file in the ANSI code page)."""
    text = " ".join(str(text).split())
    text = "".join(_ASCII.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def plain_words(line: str) -> str:
    """A solver's progress line for an organiser: no "[  12.3s]" prefix (the elapsed time is shown
    anyway), "incumbent" said as "best so far"."""
    line = line.strip()
    if line.startswith("[") and "s]" in line[:12]:
        line = line[line.index("s]") + 2:].strip()
    return line.replace("incumbent", "best so far")


# --------------------------------------------------------------------------------------
# the Excel side: start, read, cancel, collect
# --------------------------------------------------------------------------------------

def start(job_dir: str | Path, data: WorkbookData, kind: str, settings: SolveSettings, *, book_name: str,
          book_path: str | None = None, action: str = "solve", issues: list[InputIssue] | None = None,
          python: str | None = None) -> Path:
    """Write the job folder and start its worker process; returns at once."""
    job = Path(job_dir)
    remove_stale(job.parent)
    if job.exists():
        shutil.rmtree(job, ignore_errors=True)
    job.mkdir(parents=True)
    k = kind_by_name(kind)
    meta = {"book": book_name, "book_path": book_path, "kind": k.name, "kind_title": k.title, "action": action,
            "time_limit": float(settings.time_limit), "started": time.time()}
    (job / META).write_text(json.dumps(meta), encoding="utf-8")
    values = {name: getattr(settings, name) for name in _SETTING_FIELDS}
    (job / INPUT).write_bytes(pickle.dumps(JobInput(k.name, action, data, values, list(issues or []))))
    _put_text(job / STATE, "starting")
    verb = "Solving" if action == "solve" else "Checking"
    _put_text(job / PROGRESS, ascii_line(f"{verb} the {k.title}: starting..."))
    with open(job / LOG, "wb") as log:
        subprocess.Popen([python or sys.executable, "-m", "xl_confsched.jobs", str(job)], stdin=subprocess.DEVNULL,
                         stdout=log, stderr=subprocess.STDOUT, cwd=str(job.parent), **_detached())
    return job


def _detached() -> dict:
    """The worker outlives the RunPython process that starts it, and never opens a window."""
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only (not exercised here)
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP",
                                                                              0x00000200)
        return {"creationflags": flags, "close_fds": True}
    return {"start_new_session": True, "close_fds": True}


def read_meta(job_dir: str | Path) -> dict[str, Any]:
    try:
        return json.loads((Path(job_dir) / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def read_state(job_dir: str | Path) -> JobState:
    """The job's state as the add-in sees it; a worker that stopped writing progress is "failed"."""
    job = Path(job_dir)
    meta = read_meta(job)
    seconds = time.time() - float(meta.get("started", time.time()))
    if not (job / STATE).exists():
        return JobState("gone", "", seconds, False)
    state = _read_text(job / STATE) or "starting"
    progress = _read_text(job / PROGRESS)
    if state in ("starting", "running"):
        try:
            age = time.time() - (job / PROGRESS).stat().st_mtime
        except OSError:
            age = 0.0
        if age > STALE_SECONDS:
            state = "failed"
    return JobState(state, progress, seconds, (job / CANCEL).exists())


def cancel(job_dir: str | Path) -> bool:
    """Ask the worker to stop and keep its best schedule (what the Cancel button does)."""
    job = Path(job_dir)
    if not job.is_dir():
        return False
    (job / CANCEL).write_text("cancel\n", encoding="ascii")
    return True


def collect(job_dir: str | Path) -> JobOutcome:
    """What a finished job produced (raises RuntimeError while it still runs)."""
    job = Path(job_dir)
    st = read_state(job)
    meta = read_meta(job)
    if not st.finished:
        raise RuntimeError(f"the job in {job} is still {st.state}")
    out = JobOutcome(state=st.state, meta=meta, seconds=st.seconds)
    if st.state == "gone":
        out.error = "the solve's working folder has disappeared"
        return out
    if (job / RESULT).exists() and st.state == "done":
        with open(job / RESULT, "rb") as f:
            saved = pickle.load(f)
        out.report = saved.get("report")
        if saved.get("input_issues") is not None:
            out.input_error = InputError(saved["input_issues"])
        out.cancelled, out.issues = saved.get("cancelled", False), saved.get("issues", [])
        out.seconds = saved.get("seconds", st.seconds)
        out.files = [job / FILES / name for name in saved.get("files", [])]
        out.staged_target = job / FILES / saved["staged_target"] if saved.get("staged_target") else None
        return out
    out.state = "failed"
    details = _read_text_utf8(job / ERROR) or _read_text_utf8(job / LOG)
    out.details = details
    last = [line for line in details.strip().splitlines() if line.strip()]
    out.error = (last[-1] if last else "the solver process ended without a word") \
        if (job / ERROR).exists() else "the solver process ended unexpectedly (see the details)"
    return out


def _read_text_utf8(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def remove(job_dir: str | Path) -> None:
    """Remove a collected job (on Windows the worker may hold its log open for a moment longer)."""
    job = Path(job_dir)
    for _ in range(20):
        shutil.rmtree(job, ignore_errors=True)
        if not job.exists():
            return
        time.sleep(0.1)


def remove_stale(root: str | Path, older_than_days: float = KEEP_DAYS) -> list[Path]:
    """Job folders nobody collected (Excel was closed), older than ``older_than_days``."""
    root = Path(root)
    gone = []
    if not root.is_dir():
        return gone
    limit = time.time() - older_than_days * 86400
    for d in root.iterdir():
        try:
            if d.is_dir() and (d / META).exists() and (d / META).stat().st_mtime < limit:
                shutil.rmtree(d, ignore_errors=True)
                gone.append(d)
        except OSError:
            continue
    return gone


# --------------------------------------------------------------------------------------
# the worker process
# --------------------------------------------------------------------------------------

class _Progress:
    """progress.txt: the latest solver line, with the elapsed time, rewritten every second."""

    def __init__(self, job: Path, meta: dict[str, Any]):
        self.job = job
        self.t0 = float(meta.get("started", time.time()))
        self.limit = float(meta.get("time_limit", 0) or 0)
        self.verb = "Solving" if meta.get("action", "solve") == "solve" else "Checking"
        self.what = meta.get("kind_title", "workbook")
        self.last = "reading the workbook"
        self.cancelling = False
        self._lock = threading.Lock()

    def line(self, msg: str) -> None:
        with self._lock:
            self.last = plain_words(msg)

    def text(self) -> str:
        elapsed = time.time() - self.t0
        clock = f"{elapsed:.0f} s" + (f" of {self.limit:g} s" if self.limit and self.verb == "Solving" else "")
        if self.cancelling:
            return ascii_line(f"Cancelling ({clock}): keeping the best schedule found so far - {self.last}")
        tail = " - Conference > Cancel stops and keeps the best schedule" if self.verb == "Solving" else ""
        return ascii_line(f"{self.verb} the {self.what} ({clock}): {self.last}{tail}")

    def beat(self) -> None:
        _put_text(self.job / PROGRESS, self.text())


def run_worker(job_dir: str | Path) -> int:
    """The worker: solve (or check) the job's workbook, leave the result in the folder."""
    from .solvers import CancelToken

    job = Path(job_dir)
    meta = read_meta(job)
    progress = _Progress(job, meta)
    token = CancelToken()
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.2):
            if not token.cancelled and (job / CANCEL).exists():
                progress.cancelling = True
                token.cancel("cancelled by the organiser")
            progress.beat()

    _put_text(job / STATE, "running")
    progress.beat()
    watcher = threading.Thread(target=watch, daemon=True, name="xlcs-job-watch")
    watcher.start()
    t0 = time.time()
    try:
        with open(job / INPUT, "rb") as f:
            inp: JobInput = pickle.load(f)
        saved: dict[str, Any] = {"issues": inp.issues}
        kind = kind_by_name(inp.kind)
        try:
            if inp.action == "check":
                report = kind.check(inp.data)
            else:
                known = {f.name for f in fields(SolveSettings)}
                settings = SolveSettings(**{k: v for k, v in inp.settings.items() if k in known},
                                         progress=progress.line, cancel=token)
                report = kind.solve(inp.data, settings)
            saved.update(_stage_side_files(job, report, meta))
            report.side_files = []
            saved["report"] = report
        except InputError as err:  # (an exception's pickle keeps only its message: keep the issues)
            saved["input_issues"] = list(err.issues)
        saved["cancelled"] = token.cancelled
        saved["seconds"] = time.time() - t0
        _put(job / RESULT, pickle.dumps(saved))
        stop.set()
        watcher.join(2)
        _put_text(job / PROGRESS, ascii_line(f"{progress.verb} finished: writing the results..."))
        _put_text(job / STATE, "done")
        return 0
    except BaseException:  # noqa: BLE001 - everything goes to error.txt; the add-in says it in words
        stop.set()
        (job / ERROR).write_text(traceback.format_exc(), encoding="utf-8")
        _put_text(job / STATE, "failed")
        return 1


def _stage_side_files(job: Path, report: Report, meta: dict[str, Any]) -> dict[str, Any]:
    """Prepare the report's side files (CSPLib solution file, calendars…) in files/, named after the
    book's "<name>_solved" file; :func:`collect`'s caller puts them next to the workbook."""
    if not report.side_files or not report.ok:
        return {}
    from .writing import Outputs

    name = Path(meta.get("book_path") or meta.get("book") or "workbook.xlsx")
    staged = job / FILES
    staged.mkdir(exist_ok=True)
    target = staged / (name.stem + "_solved" + (name.suffix or ".xlsx"))
    with Outputs() as files:
        for write in report.side_files:
            write(target, files)
        files.commit()
    return {"files": sorted(p.name for p in staged.iterdir()), "staged_target": target.name}


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - run as a process by the tests
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m xl_confsched.jobs JOB_DIR", file=sys.stderr)
        return 2
    return run_worker(args[0])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
