"""A cancelled solve of any kind exits non-zero and changes nothing (issue 17 §1)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import REPO, cli, example, snapshot


def _start(src: Path, out: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen([sys.executable, "-m", "xl_confsched.cli", "solve", str(src), "-o", str(out),
                             "--time-limit", "120"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _wait_for_solving(p: subprocess.Popen, seconds: float = 60.0) -> bytes:
    """Until the solve has started (its first progress line), so the signal lands inside the solver."""
    t0 = time.monotonic()
    fd = p.stderr.fileno()
    os.set_blocking(fd, False)
    seen = b""
    while time.monotonic() - t0 < seconds:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            chunk = b""
        seen += chunk
        if seen.strip():
            time.sleep(1.0)
            break
        if p.poll() is not None:
            break
        time.sleep(0.1)
    os.set_blocking(fd, True)
    return seen


@pytest.mark.parametrize("kind,sig", [("csplib", signal.SIGTERM), ("talks", signal.SIGTERM),
                                      ("talks", signal.SIGINT), ("personal", signal.SIGTERM)])
def test_cancelled_solve_exits_non_zero_and_changes_nothing(tmp_path, kind, sig):
    if kind == "personal":  # the example solves in a second: a MAPSP-sized instance is caught in the middle
        from xl_confsched.personal.generator import mapsp_like
        from xl_confsched.personal.template import workbook_from_data

        src = workbook_from_data(mapsp_like(0), tmp_path / "personal.xlsx")
    else:
        src = example(kind, tmp_path)
    out = tmp_path / "out.xlsx"
    assert cli("solve", src, "-o", out, "--time-limit", "3", "--quiet").code == 0
    before = snapshot(tmp_path)
    p = _start(src, out)
    early = _wait_for_solving(p)
    if p.poll() is not None:
        pytest.skip(f"the {kind} solve finished before it could be cancelled")
    os.killpg(p.pid, sig) if sig == signal.SIGINT else p.send_signal(sig)
    try:
        _out, err = p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        raise AssertionError("the cancelled solve did not stop within 60 s")
    err = (early + (err or b"")).decode("utf-8", "replace")
    assert p.returncode == 130, (p.returncode, err[-2000:])
    assert "Traceback" not in err and "Cancelled" in err
    assert snapshot(tmp_path) == before
    # no solver left running in the cancelled run's process group
    time.sleep(0.5)
    alive = subprocess.run(["pgrep", "-g", str(p.pid)], capture_output=True, text=True).stdout.split()
    assert not alive, f"solver processes left running: {alive}"
