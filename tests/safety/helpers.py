"""Helpers of the data-safety tests: example workbooks, cell edits, the CLI run in-process or as a program."""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
KINDS = ("csplib", "talks", "personal", "budget", "assignment")
TEMPLATE = {k: f"xl_confsched.{k}.template" for k in KINDS}


def example(kind: str, folder: Path, name: str | None = None) -> Path:
    """The shipped example workbook of ``kind`` written into ``folder``."""
    mod = importlib.import_module(TEMPLATE[kind])
    path = Path(folder) / (name or f"{kind}.xlsx")
    mod.example_workbook(path)
    return path


def edit(path: Path, changes: dict[tuple[str, str], Any], out: Path | None = None) -> Path:
    """Set cells {(sheet, "B4"): value} with openpyxl (a value starting with '=' is a formula, as typed)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for (sheet, ref), value in changes.items():
        wb[sheet][ref] = value
    out = out or path
    wb.save(out)
    return out


def edit_text(path: Path, changes: dict[tuple[str, str], str], out: Path | None = None) -> Path:
    """Set cells to *text* values, whatever they start with (as a submission system's export can carry)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for (sheet, ref), value in changes.items():
        c = wb[sheet][ref]
        c.value = value
        c.data_type = "s"
    out = out or path
    wb.save(out)
    return out


@dataclass
class Run:
    code: int | str  # exit code, or "traceback" when an exception escaped
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def __str__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.out[-3000:]}\n--- stderr\n{self.err[-3000:]}"


def cli(*args: str | Path) -> Run:
    """``xl-confsched ARGS`` in this process (fast); an escaping exception is reported as a traceback."""
    from xl_confsched.cli import main

    out, err = io.StringIO(), io.StringIO()
    code: int | str
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
        except BaseException:  # noqa: BLE001 - the bug under test
            traceback.print_exc(file=err)
            code = "traceback"
    return Run(code, out.getvalue(), err.getvalue())


def program(*args: str | Path, cwd: Path | None = None, shell_prefix: str = "", timeout: float = 600) -> Run:
    """``xl-confsched ARGS`` as a separate program (``python -m xl_confsched.cli``), optionally after a
    shell prefix such as ``ulimit -f 10;``."""
    import shlex

    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = " ".join(shlex.quote(str(a)) for a in [sys.executable, "-m", "xl_confsched.cli", *args])
    r = subprocess.run(["bash", "-c", f"{shell_prefix} {cmd}"], capture_output=True, text=True, cwd=cwd,
                       env=env, timeout=timeout)
    return Run(r.returncode, r.stdout, r.stderr)


def digest(path: Path) -> str:
    """A fingerprint of a file or folder (names and bytes); "" when it does not exist."""
    path = Path(path)
    if not path.exists():
        return ""
    h = hashlib.sha256()
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            h.update(str(p.relative_to(path)).encode())
            if p.is_file():
                h.update(p.read_bytes())
    else:
        h.update(path.read_bytes())
    return h.hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry of ``folder`` with its fingerprint."""
    return {p.name: digest(p) for p in sorted(Path(folder).iterdir())}


def no_traceback(run: Run) -> None:
    assert run.code != "traceback" and "Traceback (most recent call last)" not in run.text, str(run)
    assert "Internal error" not in run.text, str(run)
