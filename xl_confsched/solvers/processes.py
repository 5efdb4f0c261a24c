"""Starting, stopping and killing a solver process: the platform branches, each a small function.

* :func:`launch_pty` (POSIX) — CBC's output on a pseudo-terminal, so its C runtime writes it line
  by line; :func:`launch_pipe` (no pty, and Windows) — a pipe, through which CBC's log arrives in
  bursts (the watchdog's heartbeat fills the gaps); :func:`windows_popen_kwargs` — on Windows CBC
  runs in its own hidden console, so that a console control event can reach it alone.
* :func:`stop_posix` — SIGINT to CBC (in its own session); :func:`stop_windows` — a CTRL_C_EVENT
  in CBC's console, raised by a small helper process attached to it (CBC handles only SIGINT,
  which the C runtime raises for CTRL_C_EVENT; CTRL_BREAK_EVENT raises SIGBREAK, which CBC does
  not handle, so CBC would end without writing its incumbent; ``Popen.send_signal(SIGINT)``
  raises ValueError on Windows).
* :func:`kill` — the last resort everywhere (the incumbent is lost).
* :class:`Watchdog` — stops a process after its time limit or on cancel, kills it when it ignores
  the stop, sends heartbeats; :func:`lines_until_exit` — the log read by a thread, so that Ctrl-C
  only interrupts the wait for the next line.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator

from . import common
from .common import CancelToken, SolverRun

@dataclass
class Launched:
    """A started CBC: the process and an iterator over its log lines."""

    proc: subprocess.Popen
    lines: Iterator[str]
    line_buffered: bool  # False: the log arrives in bursts (a pipe), the heartbeat fills the gaps


def quiet_popen_kwargs() -> dict:
    """No console window flashing up when a console program runs under Excel (Windows)."""
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0x08000000)}
    return {}


def windows_popen_kwargs() -> dict:  # pragma: no cover - Windows only (not exercised here)
    """CBC in its own hidden console: a Ctrl-C event sent to that console reaches CBC alone
    (a console control event goes to every process of a console, and one in a new process group
    ignores Ctrl-C)."""
    startupinfo = subprocess.STARTUPINFO()
    startupinfo.dwFlags |= subprocess.STARTF_USESHOWWINDOW
    startupinfo.wShowWindow = 0  # SW_HIDE
    return {"creationflags": subprocess.CREATE_NEW_CONSOLE, "startupinfo": startupinfo}


def launch_pty(args: list[str]) -> Launched:
    """POSIX: CBC's output on a pseudo-terminal, so that its C runtime writes it line by line."""
    import pty

    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(args, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, start_new_session=True)
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)
    return Launched(proc, pty_lines(master), True)


def launch_pipe(args: list[str]) -> Launched:
    """Any platform without a pty: CBC's log through a pipe (buffered by CBC: it comes in bursts)."""
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only
        kwargs = windows_popen_kwargs()
    else:
        kwargs = {"start_new_session": True}  # the terminal's Ctrl-C reaches Python, which stops CBC
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, encoding="utf-8", errors="replace", bufsize=1, **kwargs)
    assert proc.stdout is not None
    return Launched(proc, iter(proc.stdout), False)


def launch(args: list[str]) -> Launched:
    """The platform's way to start CBC (tests replace it with one branch)."""
    if os.name == "posix":
        try:
            return launch_pty(args)
        except (ImportError, OSError):  # no pty devices left (containers): a pipe still works
            pass
    return launch_pipe(args)


def stop_posix(proc: subprocess.Popen) -> bool:
    """Ask CBC to stop and write its best solution (its SIGINT handler)."""
    try:
        proc.send_signal(signal.SIGINT)
        return True
    except (ProcessLookupError, OSError):
        return False


WINDOWS_CTRL_C = """\
import ctypes, sys
k = ctypes.WinDLL("kernel32", use_last_error=True)
k.FreeConsole()
if not k.AttachConsole(int(sys.argv[1])):
    sys.exit(3)
k.SetConsoleCtrlHandler(None, True)  # this helper ignores the event itself
sys.exit(0 if k.GenerateConsoleCtrlEvent(0, 0) else 4)  # 0 = CTRL_C_EVENT, 0 = the whole console
"""


def stop_windows(proc: subprocess.Popen) -> bool:  # pragma: no cover - Windows only (not exercised here)
    """Ask CBC to stop and write its best solution: a CTRL_C_EVENT in CBC's own console, sent by a
    helper process (a process can send console events only to a console it is attached to)."""
    try:
        done = subprocess.run([sys.executable, "-c", WINDOWS_CTRL_C, str(proc.pid)], timeout=10,
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              creationflags=getattr(subprocess, "DETACHED_PROCESS", 0x00000008))
        return done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def stop(proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        return False
    if sys.platform.startswith("win"):  # pragma: no cover - Windows only
        return stop_windows(proc)
    return stop_posix(proc)


def kill(proc: subprocess.Popen) -> None:
    """The last resort (SIGKILL / TerminateProcess): the run's incumbent is lost."""
    try:
        if proc.poll() is None:
            proc.kill()
    except OSError:  # pragma: no cover - already gone
        pass


class Watchdog:
    """Stops CBC after its time limit or on cancel, kills it if it ignores the stop, and sends a
    heartbeat progress line when the log has been silent for a while."""

    def __init__(self, launched: Launched, run: SolverRun, stop_at: float, kill_after: float,
                 cancel: CancelToken | None, heartbeat: Callable[[], None] | None):
        self.launched, self.run = launched, run
        self.stop_at, self.kill_after = stop_at, kill_after
        self.cancel, self.heartbeat = cancel, heartbeat
        self.stopped_at: float | None = None
        self.last_report = time.monotonic()
        self.done = threading.Event()
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, daemon=True, name="xlcs-solver-watchdog")

    def start(self) -> "Watchdog":
        self.thread.start()
        return self

    def request_stop(self) -> None:
        with self._lock:
            if self.stopped_at is not None:
                return
            self.stopped_at = time.monotonic()
        stop(self.launched.proc)

    def _loop(self) -> None:
        proc = self.launched.proc
        while not self.done.wait(common.WATCHDOG_POLL):
            if proc.poll() is not None:
                return
            now = time.monotonic()
            if self.stopped_at is None:
                if self.cancel is not None and self.cancel.cancelled:
                    self.run.cancelled = self.run.interrupted = True
                    self.request_stop()
                elif now >= self.stop_at:
                    self.run.timed_out = True
                    self.request_stop()
            elif now - self.stopped_at >= self.kill_after:
                self.run.killed = True
                kill(proc)
                return
            if self.heartbeat is not None and now - self.last_report >= common.HEARTBEAT_SECONDS:
                self.last_report = now
                self.heartbeat()

    def close(self) -> None:
        self.done.set()


def lines_until_exit(launched: Launched, on_interrupt: Callable[[], None]) -> Iterator[str]:
    """CBC's log lines, read by a thread into a queue: a KeyboardInterrupt in the caller only
    interrupts the wait for the next line (``on_interrupt``), never the reading itself."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        try:
            for line in launched.lines:
                lines.put(line)
        finally:
            lines.put(None)

    reader = threading.Thread(target=read, daemon=True, name="xlcs-cbc-log")
    reader.start()
    while True:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        except KeyboardInterrupt:
            on_interrupt()
            continue
        if line is None:
            return
        yield line


def pty_lines(fd: int) -> Iterator[str]:
    """Lines read from a pty master until the child closes it."""
    buf = b""
    try:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child has exited
                break
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line.decode("utf-8", "replace").rstrip("\r") + "\n"
        if buf:
            yield buf.decode("utf-8", "replace")
    finally:
        os.close(fd)
