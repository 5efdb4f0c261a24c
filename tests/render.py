"""Render result sheets the way a person sees them: LibreOffice → PDF → text layer and PNG pages.

``render(path, sheets)`` keeps the named sheets visible (every other sheet hidden, so
formulas that read them still work), has LibreOffice headless recalculate and export the
workbook to PDF, and returns the PDF, its text layer (``pdftotext -raw``) and PNG pages
(``pdftoppm``).  Tests skip cleanly when LibreOffice or poppler-utils are missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.lo_recalc import _PROFILE_XCU, require_soffice


@dataclass
class Rendered:
    pdf: Path
    text: str
    pages: list[Path]


def require_poppler() -> None:
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        pytest.skip("poppler-utils (pdftotext, pdftoppm) are not installed; scripts/test.sh installs them")


def render(path: str | Path, sheets: list[str], out_dir: str | Path, dpi: int = 60,
           png: bool = True) -> Rendered:
    from openpyxl import load_workbook

    exe = require_soffice()
    require_poppler()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = load_workbook(path)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title in sheets else "hidden"
    wb.active = wb.sheetnames.index(sheets[0])
    stem = "_".join(s.replace(" ", "") for s in sheets)
    src = out_dir / f"{Path(path).stem}_{stem}.xlsx"
    wb.save(src)
    profile = Path(tempfile.mkdtemp(prefix="lo_profile_"))
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_XCU)
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(src)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = src.with_suffix(".pdf")
    # content-stream order: LibreOffice draws cell by cell, so a wrapped cell's lines stay together
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages: list[Path] = []
    if png:
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(out_dir / src.stem)], check=True,
                       capture_output=True)
        pages = sorted(out_dir.glob(f"{src.stem}*.png"))
    return Rendered(pdf=pdf, text=text, pages=pages)
