"""Our VBA modules compile: LibreOffice (headless, VBA compatibility mode) loads them and compiles them.

LibreOffice Basic compiles a document's whole library before it runs anything in it; when any
module has a syntax error, every call into the library returns an empty value.  So each of our
modules, exactly as olevba extracts it from the built add-in and templates, goes into a check
workbook together with a probe function returning 1: the probe answers 1 only when the module
compiled.  A module with a syntax error is the control (the probe then answers 0).

xlwings' own module and its Dictionary class (unchanged third-party sources, compared with the
installed xlwings by test_addin_build) use Windows API declarations that LibreOffice cannot
compile, so they are not part of this check.  Runs with the Python that has LibreOffice's UNO
bridge (Debian: python3-uno); skipped without it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("ms_ovba", reason="building the add-in needs ms-ovba")
from xl_confsched import addin_build  # noqa: E402

from tests.excel.test_addin_build import extract  # noqa: E402

HERE = Path(__file__).resolve().parent
UNO_PYTHON = "/usr/bin/python3"
PROBE = addin_build.VbaModule("Probe", 'Attribute VB_Name = "Probe"\nPublic Function Ping() As Long\n'
                                       "    Ping = 1\nEnd Function\n")


def _uno_ready() -> bool:
    if shutil.which("soffice") is None or not Path(UNO_PYTHON).exists():
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(not _uno_ready(), reason="LibreOffice with python3-uno is needed (scripts/test.sh)")


def probe_answer(tmp_path: Path, module: addin_build.VbaModule) -> str:
    from openpyxl import Workbook

    wb = Workbook()
    codes = addin_build._set_code_names(wb)
    base = tmp_path / "base.xlsx"
    wb.save(base)
    book = tmp_path / f"check_{module.name}.xlsm"
    modules = addin_build.document_modules(codes) + [module, PROBE]
    addin_build.package_macro_workbook(base, book, addin_build.vba_project_bin(modules), None, "xlsm")
    done = subprocess.run([UNO_PYTHON, str(HERE / "lo_vba.py"), str(book), json.dumps([["Probe", "Ping", []]])],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    assert out["vba_mode"], "LibreOffice did not load the workbook in VBA compatibility mode"
    assert module.name in out["modules"][out["library"]]
    (call,) = out["calls"]
    assert call["ok"], call
    return call["result"]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("dist")
    return [addin_build.build_addin(d / addin_build.ADDIN_NAME),
            addin_build.build_template(Path(addin_build.__file__).resolve().parents[1] / "workbook_templates"
                                       / "budget_example.xlsx", d / "budget_example.xlsm")]


def test_a_syntax_error_is_caught_by_the_probe(tmp_path):
    broken = addin_build.VbaModule("Broken", 'Attribute VB_Name = "Broken"\nPublic Function G()\n'
                                             "    G = (1 +\nEnd Function\n")
    assert probe_answer(tmp_path, broken) == "0"


def test_our_modules_compile_in_libreoffice(built, tmp_path):
    ours = {addin_build.module_name(p.read_text(), p.stem) for p in addin_build.VBA_DIR.glob("*.bas")}
    ours.add(addin_build.UDF_VBA_MODULE)
    for path in built:
        modules = extract(path)
        for name in sorted(ours):
            folder = tmp_path / f"{path.stem}_{name}"
            folder.mkdir()
            code = modules[name]
            assert probe_answer(folder, addin_build.VbaModule(name, code)) == "1", f"{name} of {path.name}"
