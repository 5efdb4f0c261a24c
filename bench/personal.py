"""Benchmark: personalised scheduling on MAPSP-2015-sized synthetic instances.

    python bench/personal.py              # 3 seeds, LP + reduced-cost fixing, full pipeline
    python bench/personal.py --plain      # also the plain set-partitioning model (slow)
    python bench/personal.py --seeds 5 --solver highs

Instance (``generator.mapsp_like``): 88 talks + 2 dummies in 30 timeslots × 3 rooms
(eight 3-blocks, three 2-blocks), 120 participants of whom 78 tick 1–43 talks,
1,576 ticks, clustered by topic.  Paper (CPLEX, 2015 laptop): phase 1 with 117,480
variables in < 8 s, phase 2 with 3,683 variables in 0.5 s.  Targets here (bundled CBC,
2 cores): phase 1 proven optimal in ≤ 10 s including model building, the whole pipeline
with itineraries in ≤ 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xl_confsched.kinds import SolveSettings  # noqa: E402
from xl_confsched.personal import workflow  # noqa: E402
from xl_confsched.personal.generator import mapsp_like  # noqa: E402
from xl_confsched.personal.phase1 import solve_set_partition  # noqa: E402
from xl_confsched.personal.phase2 import solve_phase2  # noqa: E402
from xl_confsched.personal.phase3 import solve_phase3  # noqa: E402
from xl_confsched.personal.reader import read_problem  # noqa: E402
from xl_confsched.personal.template import workbook_from_data  # noqa: E402
from xl_confsched.report import write_result_files  # noqa: E402
from xl_confsched.report_text import table_text  # noqa: E402
from xl_confsched.tables import load_workbook_data  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--solver", choices=["cbc", "highs"], default="cbc")
    ap.add_argument("--plain", action="store_true", help="also solve the full set-partitioning model")
    ap.add_argument("--time-limit", type=float, default=120.0)
    args = ap.parse_args()
    phases = [["seed", "ticks", "P1 groups", "P1 kept", "LP bound", "missed", "attended", "P1 proven", "P1 s",
               "P2 blocks", "hops", "P2 s", "P3 viol.", "P3 s"]]
    plain = [["seed", "model", "missed", "proven", "seconds"]]
    pipeline = [["seed", "read s", "solve s", "write xlsx+ics s", "total s", "status", "summary"]]
    for seed in range(args.seeds):
        data = mapsp_like(seed)
        problem, _ = read_problem(data)
        t0 = time.perf_counter()
        p1 = solve_set_partition(problem, solver=args.solver, time_limit=args.time_limit, seed=0)
        t1 = time.perf_counter()
        p2 = solve_phase2(problem, p1.tuples, solver=args.solver, time_limit=args.time_limit)
        t2 = time.perf_counter()
        p3 = solve_phase3(problem, p2.blocks)
        t3 = time.perf_counter()
        phases.append([seed, problem.upper_bound, p1.n_columns, p1.n_columns_final, round(p1.lower_bound, 2),
                       p1.missed, problem.upper_bound - p1.missed, "yes" if p1.optimal else "no",
                       round(t1 - t0, 2), p2.n_candidates, p2.hops, round(t2 - t1, 2), p3.violations,
                       round(t3 - t2, 2)])
        plain.append([seed, "LP + reduced-cost fixing", p1.missed, "yes" if p1.optimal else "no", round(t1 - t0, 2)])
        if args.plain:
            t = time.perf_counter()
            full = solve_set_partition(problem, solver=args.solver, time_limit=args.time_limit, plain=True)
            plain.append([seed, "full set partitioning", full.missed, "yes" if full.optimal else "no",
                          round(time.perf_counter() - t, 2)])
        # the whole pipeline from a workbook file, as the CLI runs it
        with tempfile.TemporaryDirectory() as d:
            src = workbook_from_data(data, Path(d) / "mapsp.xlsx")
            t = time.perf_counter()
            wb = load_workbook_data(src)
            tr = time.perf_counter()
            report = workflow.solve(wb, SolveSettings(time_limit=args.time_limit, solver=args.solver))
            ts = time.perf_counter()
            write_result_files(src, report, Path(d) / "mapsp_out.xlsx")
            tw = time.perf_counter()
        pipeline.append([seed, round(tr - t, 2), round(ts - tr, 2), round(tw - ts, 2), round(tw - t, 2),
                         report.status, report.summary.split(": ", 1)[1][:90]])
        print(f"seed {seed} done", file=sys.stderr, flush=True)
    print("Phases (solver: %s)" % args.solver)
    print(table_text(phases))
    print("\nPhase 1 models")
    print(table_text(plain))
    print("\nWhole pipeline (read workbook, three phases, rooms, chairs, itineraries, write workbook + .ics)")
    print(table_text(pipeline))


if __name__ == "__main__":
    main()
