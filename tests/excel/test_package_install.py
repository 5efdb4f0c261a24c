"""From a package, without a checkout: the wheel and the sdist carry everything the add-in needs;
installed into a fresh virtual environment outside the repository, `xl-confsched addin install`
builds the add-in against the installed xlwings into a temporary home, and olevba finds our macros
and the xlwings DLL name of the installed xlwings in it.

The fresh environment sees the machine's site packages (PuLP, pandas, xlwings… are not downloaded
again), but xl-confsched itself comes only from the wheel: the repository is not on its path and
the test checks where the package was imported from.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("build", reason="building the wheel needs the 'build' package (pip install -e .[test])")
from oletools.olevba import VBA_Parser  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
NEEDED = ["xl_confsched/vba/ConfSched.bas", "xl_confsched/vba/customUI14.xml", "xl_confsched/addin_build.py",
          "xl_confsched/jobs.py", "xl_confsched/solvers/__init__.py", "xl_confsched/udfs.py"]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out),
                           str(REPO)], capture_output=True, text=True, env=env, cwd=str(out), timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return out


def test_wheel_and_sdist_carry_the_vba_sources_and_the_ribbon(dist):
    wheel = next(dist.glob("xl_confsched-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(NEEDED) <= names, set(NEEDED) - names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Requires-Dist: ms-ovba" in meta  # building the add-in needs no extra
    sdist = next(dist.glob("xl_confsched-*.tar.gz"))
    with tarfile.open(sdist) as t:
        members = {m.name.split("/", 1)[1] for m in t.getmembers() if "/" in m.name}
    assert set(NEEDED) <= members, set(NEEDED) - members


def test_installed_from_the_wheel_addin_install_builds_a_matching_addin(dist, tmp_path):
    import xlwings

    wheel = next(dist.glob("xl_confsched-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HOME=str(home), USERPROFILE=str(home), PATH=str(bindir) + os.pathsep + env.get("PATH", ""))
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert done.returncode == 0, done.stderr
    where = subprocess.run([str(python), "-c", "import xl_confsched, xlwings; print(xl_confsched.__file__); "
                            "print(xlwings.__version__)"], capture_output=True, text=True, env=env,
                           cwd=str(tmp_path), timeout=120)
    assert where.returncode == 0, where.stderr
    module_file, xlw_version = where.stdout.split()
    assert Path(module_file).resolve().is_relative_to(venv.resolve()), module_file
    assert not Path(module_file).resolve().is_relative_to(REPO.resolve())
    startup = home / "XLSTART"
    done = subprocess.run([str(bindir / "xl-confsched"), "addin", "install", "--dir", str(startup)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Installed the Conference add-in: {startup / 'xl_confsched.xlam'}" in done.stdout
    assert f"xlwings {xlw_version}" in done.stdout
    addin = startup / "xl_confsched.xlam"
    parser = VBA_Parser(str(addin))
    try:
        assert parser.detect_vba_macros()
        modules = {name.rsplit(".", 1)[0]: code for (_f, _s, name, code) in parser.extract_macros()}
    finally:
        parser.close()
    assert {"ConfSched", "ConfSchedFunctions", "xlwings", "Dictionary"} <= set(modules)
    assert "Public Sub ConfSched_OnSolve(control As IRibbonControl)" in modules["ConfSched"]
    assert f'Lib "xlwings64-{xlw_version}.dll"' in modules["xlwings"]
    assert f'Lib "xlwings32-{xlw_version}.dll"' in modules["xlwings"]
    assert xlw_version == xlwings.__version__
    done = subprocess.run([str(bindir / "xl-confsched"), "addin", "remove", "--dir", str(startup)],
                          capture_output=True, text=True, env=env, cwd=str(tmp_path), timeout=120)
    assert done.returncode == 0 and "Removed the Conference add-in" in done.stdout and not addin.exists()
