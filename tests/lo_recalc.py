"""Recalculate a workbook's formulas with LibreOffice headless and read the values back.

Used by tests that check native Excel formulas against the Python evaluators.  A
private LibreOffice profile forces "always recalculate on load" for OOXML files, so
the values read back are LibreOffice's own, not cached ones.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed; scripts/test.sh installs it")
    return exe


def recalc(path: str | Path, out_dir: str | Path | None = None, timeout: float = 180) -> Path:
    """Open ``path`` in LibreOffice, recalculate everything, save as .xlsx; return the new path."""
    exe = require_soffice()
    path = Path(path)
    out_dir = Path(out_dir or tempfile.mkdtemp(prefix="recalc_"))
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_XCU)
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir), str(path)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    result = out_dir / (path.stem + ".xlsx")
    if not result.exists():
        raise RuntimeError(f"LibreOffice did not write {result}")
    return result


def recalculated_values(path: str | Path):
    """openpyxl workbook (data_only) of the recalculated copy of ``path``."""
    from openpyxl import load_workbook

    return load_workbook(recalc(path), data_only=True)
