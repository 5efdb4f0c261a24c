"""The core never imports xlwings: only xl_confsched.excel and xl_confsched.udfs do."""

import pkgutil
import subprocess
import sys

import xl_confsched

EDGE = {"xl_confsched.excel", "xl_confsched.udfs", "xl_confsched.addin_build"}


def core_modules():
    return sorted(m.name for m in pkgutil.walk_packages(xl_confsched.__path__, "xl_confsched.")
                  if m.name not in EDGE)


def test_core_modules_do_not_import_xlwings():
    mods = core_modules()
    assert "xl_confsched.csplib.evaluate" in mods
    code = ("import importlib, sys\n"
            f"for m in {mods!r}:\n"
            "    importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m == 'xlwings' or m.startswith('xlwings.')]\n"
            "print(','.join(bad))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"xlwings imported by the core: {proc.stdout}"
