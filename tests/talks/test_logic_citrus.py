"""``xl_confsched.logic`` against the citrus package itself (0.0.5, in its own virtual environment).

citrus 0.0.5 needs PuLP < 3, the project runs on PuLP 3, so citrus lives in a separate virtual
environment outside the repository: ``$XL_CONFSCHED_CITRUS_VENV`` or
``~/.cache/xl_confsched/citrus-0.0.5``, created here on first use (``pip install citrus==0.0.5
"pulp<3"``) and reused afterwards.  When it cannot be created (no network, no venv module) the
tests skip and say why.  The cases are written once in ``citrus_cases.py`` and run on both sides.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pulp
import pytest

from xl_confsched import logic
from xl_confsched.talks.generator import workbook_data
from xl_confsched.talks.reader import read_problem

from . import citrus_cases as cases
from .helpers import weights

HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("XL_CONFSCHED_CITRUS_VENV", Path.home() / ".cache" / "xl_confsched" / "citrus-0.0.5"))
PIP_SPEC = ["citrus==0.0.5", "pulp<3"]


def _venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _has_citrus(py: Path) -> bool:
    if not py.exists():
        return False
    r = subprocess.run([str(py), "-c", "import importlib.metadata as m, citrus; print(m.version('citrus'))"],
                       capture_output=True, text=True, timeout=60)
    return r.returncode == 0 and r.stdout.strip() == "0.0.5"


def _ensure_venv() -> Path:
    py = _venv_python()
    try:
        VENV.parent.mkdir(parents=True, exist_ok=True)
        lock = open(VENV.parent / f".{VENV.name}.lock", "w")
    except OSError as exc:
        pytest.skip(f"citrus 0.0.5 needs a virtual environment at {VENV}, which cannot be made: {exc}")
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build it once
        if _has_citrus(py):
            return py
        steps = [[sys.executable, "-m", "venv", "--clear", str(VENV)],
                 [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PIP_SPEC]]
        for cmd in steps:
            try:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            except (OSError, subprocess.TimeoutExpired) as exc:
                pytest.skip(f"citrus 0.0.5 could not be installed in {VENV}: {exc}")
            if r.returncode != 0:
                tail = (r.stderr or r.stdout).strip().splitlines()[-3:]
                pytest.skip(f"citrus 0.0.5 could not be installed in {VENV} ({' '.join(cmd[2:4])} failed: "
                            + " / ".join(tail) + ")")
        if not _has_citrus(py):
            pytest.skip(f"citrus 0.0.5 is not importable in {VENV} after installing it")
    return py


@pytest.fixture(scope="module")
def citrus_results() -> dict:
    py = _ensure_venv()
    r = subprocess.run([str(py), str(HERE / "citrus_cases.py")], capture_output=True, text=True, timeout=300,
                       cwd=str(HERE))
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert out["library"] == "citrus 0.0.5" and out["pulp"].startswith("2.")
    return out["results"]


def _ours(exact: bool = True) -> SimpleNamespace:
    kw = {} if exact else {"exact": False}
    return SimpleNamespace(
        Problem=logic.Problem,
        make_bool=lambda m, name: m.make_var(name, cat=pulp.LpBinary),
        # citrus / PuLP argument order: name, lowBound, upBound, cat
        make_int=lambda m, name, lo, hi: m.make_var(name, lo, hi, cat=pulp.LpInteger),
        make_real=lambda m, name, lo, hi: m.make_var(name, lo, hi, pulp.LpContinuous),
        # the article's own call: model.dicts(indices, cat=pulp.LpBinary)
        article_dicts=lambda m, idx: m.dicts(idx, cat=pulp.LpBinary),
        negate=logic.negate, logical_and=logic.logical_and, logical_or=logic.logical_or,
        logical_xor=logic.logical_xor, implies=logic.implies,
        minimum=lambda *a: logic.minimum(*a, **kw), maximum=lambda *a: logic.maximum(*a, **kw),
        abs_value=lambda x: logic.abs_value(x, **kw), prefer_between=lambda x, a, b: logic.prefer_between(x, a, b, **kw),
    )


@pytest.fixture(scope="module")
def our_results() -> dict:
    return cases.run_all(_ours())


def test_same_truth_tables(citrus_results, our_results):
    keys = [k for k in citrus_results if k.startswith("truth ")]
    assert len(keys) == 2 * len(cases._boolean_ops(_ours()))
    for k in keys:
        theirs, ours = citrus_results[k], our_results[k]
        assert theirs["status"] == ours["status"] == "Optimal", k
        # both exact: one value whichever way the objective pushes, the truth value
        assert ours["values"] == theirs["values"] == ours["truth"], k


def test_numeric_helpers_agree_where_citrus_is_meant_to_be_used(citrus_results, our_results):
    keys = [k for k in citrus_results if k.startswith("numeric ")]
    assert len(keys) == 2 * len(cases._numeric_ops(_ours()))
    for k in keys:
        theirs, ours = citrus_results[k], our_results[k]
        # ours is exact both ways
        assert ours["status"] == "Optimal" and ours["values"] == ours["truth"], k
        if theirs["intended"]:
            assert theirs["status"] == "Optimal" and theirs["values"] == ours["values"], k
        else:
            # citrus's one-sided forms: pushed the other way the result runs away (why ours is exact)
            assert theirs["status"] == "Unbounded", k
    assert citrus_results["citrus test_abs_value"]["values"] == our_results["citrus test_abs_value"]["values"] \
        == [10, 5]


def test_one_sided_forms_match_citrus():
    """``exact=False`` is citrus's cheaper form: the same values where citrus is meant to be used
    (the built-in ``abs()`` has no switch: it is always exact)."""
    one_sided = cases.numeric(_ours(exact=False))
    for k, r in one_sided.items():
        if r.get("intended", True) or k.startswith("numeric abs(x)"):
            assert r["status"] == "Optimal" and r["values"] == r["truth"], k
        else:
            assert r["status"] == "Unbounded", k


def test_article_model_same_results(citrus_results, our_results):
    keys = [k for k in citrus_results if k.startswith("article")]
    assert len(keys) == 6
    for k in keys:
        assert citrus_results[k] == our_results[k], k
    # the tiny survey makes the threshold matter: infeasible at 10, feasible above
    assert citrus_results["article threshold 10"]["status"] == "Infeasible"
    assert citrus_results["article threshold 60"]["status"] == "Optimal"
    assert all(s == "Optimal" for s, _ in citrus_results["article random objectives"]["values"])


def test_talks_kind_interest_is_the_articles_pairwise_popularity(citrus_results):
    """The talks kind's survey method gives the article's pairwise_popularity on the same survey."""
    rows = {
        "Talks": [["Title", "Speaker", "Duration (minutes)"]]
                 + [[f"T{t}", sp, 50 if d == "50m" else 20] for t, (sp, d) in cases.TALKS.items()],
        "Venues": [["Name", "Capacity"]] + [[f"V{v}", c] for v, c in cases.VENUES.items()],
        "Timeslots": [["Time"]] + [[f"{9 + s // 2:02d}:{30 * (s % 2):02d}"] for s in cases.TIMESLOTS],
        "Attendees": [["Name"]] + [[a] for a in cases.ATTENDEES],
        "Survey": [["Name"] + [f"pick {k}" for k in range(1, 6)]]
                  + [[a] + [None if p is None else f"T{p}" for p in picks] for a, picks in cases.FAVORITES.items()],
        "Weights": weights(None),
    }
    problem, _ = read_problem(workbook_data(rows))
    ours = sorted([i, j, x] for (i, j), x in problem.interest.items())
    assert ours == citrus_results["article pairwise popularity"]["values"]


def test_make_var_and_dicts_take_citrus_arguments():
    m = logic.Problem("args", pulp.LpMinimize)
    y = m.make_var("y", 0, 5)  # citrus / PuLP order: continuous 0..5
    assert (y.cat, y.lowBound, y.upBound) == (pulp.LpContinuous, 0, 5)
    n = m.make_var("n", 0, 5, pulp.LpInteger)
    assert (n.cat, n.lowBound, n.upBound) == (pulp.LpInteger, 0, 5)
    b = m.make_var("b", cat=pulp.LpBinary)
    assert isinstance(b, logic.BoolVar) and isinstance(m.make_var("c"), logic.BoolVar)
    with pytest.raises(TypeError, match="cat="):
        m.make_var("old", pulp.LpInteger, 0)  # the old (name, cat, ...) order is refused, not misread
    X = m.dicts("X", ["a", "b"], 0, 10, pulp.LpInteger)
    assert all(v.cat == pulp.LpInteger and v.upBound == 10 for v in X.values())
    Z = m.dicts("Z", (["a", "b"], [1, 2, 3]), cat=pulp.LpContinuous)  # nested, as pulp.LpVariable.dicts
    assert set(Z) == {"a", "b"} and set(Z["a"]) == {1, 2, 3} and Z["b"][3].cat == pulp.LpContinuous
    B = m.dicts([("t", 1), ("t", 2)], cat=pulp.LpBinary)  # the article's call
    assert all(isinstance(v, logic.BoolVar) for v in B.values())
    names = [v.name for v in m.dicts("w", [("a_b", "c"), ("a", "b_c")]).values()]
    assert len(set(names)) == 2  # indices that print alike still get distinct names


def test_exact_helpers_refuse_unbounded_operands_by_name():
    m = logic.Problem("unbounded", pulp.LpMinimize)
    free = m.make_var("free", None, None, pulp.LpContinuous)
    ok = m.make_var("ok", -3, 3, pulp.LpInteger)
    with pytest.raises(logic.UnboundedOperandError, match="'free'"):
        logic.abs_value(free - ok)
    with pytest.raises(logic.UnboundedOperandError, match="exact=False"):
        logic.minimum(free, ok)
    with pytest.raises(ValueError, match="empty"):
        logic.prefer_between(ok, 3, 1)
    assert isinstance(logic.abs_value(free, exact=False), logic.Var)  # citrus's one-sided form is available
