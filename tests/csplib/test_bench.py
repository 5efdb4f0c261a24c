"""bench/csplib.py: its figures and targets, and one short run end to end (the real 60 s run is not a test)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.reader import load_problem
from xl_confsched.csplib.solution_io import load_solution

from ..conftest import REPO


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_csplib", REPO / "bench" / "csplib.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ours(*totals, bound=None, wall=10.0, hard=None):
    return [{"seed": i, "total": t, "complete": t is not None, "bound": bound, "wall": wall, "peak_mb": 100.0,
             "hard": hard or {"NR": 0, "PAR": 0, "PC": 0}} for i, t in enumerate(totals)]


def test_worst_median_ratio_and_default_targets(bench):
    peers = [{"method": "hyper", "total": 120_000, "complete": True},
             {"method": "math", "total": 90_152, "complete": True}]
    row = bench.summarise("GECCO19", _ours(80_000, 95_000, 85_000, bound=1_000), peers,
                          {"exact": 1_000_116}, "default", 60)
    assert (row["worst"], row["median"], row["better_peer"]) == (95_000, 85_000, 90_152)
    assert row["ratio"] == pytest.approx(95_000 / 90_152)
    assert row["gap"] == pytest.approx((95_000 - 1_000) / 95_000) and not row["false_bound"]
    holds = {t["target"]: t["holds"] for t in row["targets"]}
    assert holds == {"§2 ≤ 90,152": False, "stretch ≤ 10,660": False, "≤ peer": False, "≤ reference": True,
                     "time": True}
    row = bench.summarise("GECCO19", _ours(9_000, 10_000, bound=1_000), peers, {"exact": 1_000_116}, "default", 60)
    assert all(t["holds"] for t in row["targets"])


def test_a_seed_without_schedule_is_the_worst_and_a_bound_above_a_schedule_is_false(bench):
    ours = _ours(500, None, bound=300)
    row = bench.summarise("OR60F", ours, [{"method": "math", "total": 250, "complete": True}], {}, "default", 60)
    assert row["worst"] is None and row["median"] == 500
    assert row["false_bound"]  # 300 > the peer's 250
    assert not any(t["holds"] for t in row["targets"] if t["target"] != "time")
    assert "no schedule (1/2 seeds)" in bench.table_row(row, ["hyper", "math"])[1]


def test_hard_rules_all_targets_and_time(bench):
    row = bench.summarise("OR60F", _ours(433, 430, wall=70.0, hard={"NR": 1, "PAR": 0, "PC": 0}), [],
                          {"exact": 1_664, "extended": 433}, "all", 60)
    holds = {t["target"]: t["holds"] for t in row["targets"]}
    assert holds == {"§3 ≤ 433": True, "hard rules kept": False, "≤ reference": True, "time": False}


def test_euro_targets(bench):
    ours = _ours(34_000, wall=290.0)
    ours[0]["peak_mb"] = 5_000.0
    row = bench.summarise(bench.EURO, ours, [], {}, "default", 300, euro=True)
    assert {t["target"]: t["holds"] for t in row["targets"]} == {"complete": True, "≤ 5 min": True, "≤ 4 GB": False}


def test_reference_scores(bench, csplib_dir):
    refs = bench.reference_scores(csplib_dir)
    assert refs["GECCO19"] == {"exact": 1_000_116, "extended": 2_000_007}
    assert refs["OR60F"]["extended"] == 433


def test_measured_run_reports_wall_time_and_memory_of_the_process_tree(bench):
    import sys

    code = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'x = bytearray(200 * 2**20); " \
           "import time; time.sleep(1.5)'])"
    r = bench.run_measured([sys.executable, "-c", code])
    assert r["code"] == 0 and 1.4 < r["wall"] < 30
    assert r["peak_mb"] > 200  # the grandchild's 200 MB count
    r = bench.run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout=1)
    assert r["killed"] and r["wall"] < 20


def test_short_run_end_to_end(bench, csplib_dir, tmp_path):
    out = tmp_path / "bench.json"
    assert bench.main(["--time-limit", "3", "--seeds", "1", "--only", "N2OR", "--no-peers", "--json", str(out),
                       "--keep", str(tmp_path)]) == 0
    row = json.loads(out.read_text())["rows"][0]
    seed = row["ours"][0]
    assert row["instance"] == "N2OR" and seed["complete"] and seed["wall"] > 0 and seed["peak_mb"] > 10
    problem = load_problem(csplib_dir / "instances" / "N2OR.xlsx")
    ev = evaluate(problem, load_solution(problem, tmp_path / "N2OR_ours_seed0_sol.xlsx"))
    assert row["worst"] == ev.total  # scored by the evaluator, from the written file
    assert seed["bound"] is not None and seed["bound"] <= ev.total
    assert row["references"] == {"exact": 2, "extended": 2}
