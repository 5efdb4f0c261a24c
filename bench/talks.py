"""Talk scheduling benchmark: the article's direct model vs start-time models, CBC, 2 cores.

    python bench/talks.py [--time-limit 60] [--seed 2024] [--only groups-soft,solve-soft,...]

Instance: the seed-fixed generator of the article's shape (32 talks, about a third of
50 minutes, 3 venues, 16 half-hour timeslots, 120 attendees x 5 picks, speakers with two
talks).  Every schedule is re-scored by the independent evaluation (rules.evaluate).
Runs: the article's direct talk x venue x slot model (implies-based consecutive rule)
and the start-time models (pairwise linearisation / parallel groups) with hard pairs at
thresholds 10 and 20, and with every pair as a soft cost, and the whole Solve of the
all-soft workbook (``solve-soft``: both cores, its Talk Table read back and re-scored).
Prints one table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xl_confsched.talks import model as M  # noqa: E402
from xl_confsched.talks.explain import apart_clique  # noqa: E402
from xl_confsched.talks.generator import generate_problem  # noqa: E402
from xl_confsched.talks.heuristic import local_search  # noqa: E402
from xl_confsched.talks.rules import evaluate  # noqa: E402

RUNS = [  # name, formulation, threshold, mode, warm start from local search
    ("direct-th10", "direct", 10, "hard", False),
    ("direct-th20", "direct", 20, "hard", False),
    ("pairs-th20", "pairs", 20, "hard", False),
    ("groups-th20", "groups", 20, "hard", False),
    ("direct-soft", "direct", None, "soft", False),
    ("pairs-soft", "pairs", None, "soft", False),
    ("groups-soft", "groups", None, "soft", False),
    ("groups-soft+LS", "groups", None, "soft", True),
    ("blocks-soft+LS", "blocks", None, "soft", True),  # block-decomposition bound (column generation)
    ("solve-soft", "solve", None, "soft", False),  # the whole Solve (both cores), as the organiser runs it
]


def _blocks_row(name, p, start, time_limit, note):
    """Lower bound of the block decomposition; schedule = best of local search and blocks' integer solve."""
    from xl_confsched.talks.blocks import BlockModel

    b = BlockModel(p).solve(time_limit=time_limit, start=[start])
    cands = [evaluate(p, s) for s in (start, b.schedule) if s]
    ev = min((e for e in cands if e.feasible), key=lambda e: e.objective)
    gap = f"{100 * max(0.0, ev.objective - b.bound) / ev.objective:.1f}%" if b.bound is not None else "-"
    return [name, "all soft", "converged" if b.converged else "not converged", f"{ev.objective:g}",
            f"{b.bound:g}" if b.bound is not None else "-", gap, f"{b.seconds:.1f}", "-", b.n_columns,
            f"{ev.conflict_cost:g}", f"{ev.seats_short}", "ok", note + f"; {b.iterations} pricing rounds"]


def _solve_row(name, seed, time_limit):
    """The whole Solve of a workbook (what the CLI and Excel run), its Talk Table read back and re-scored."""
    import tempfile

    from xl_confsched.kinds import SolveSettings, kind_by_name
    from xl_confsched.report import write_report_file
    from xl_confsched.tables import load_workbook_data
    from xl_confsched.talks.generator import generate
    from xl_confsched.talks.reader import read_problem
    from xl_confsched.talks.template import _write
    from xl_confsched.talks.workflow import read_schedule, solve

    with tempfile.TemporaryDirectory() as tmp:
        src = _write(Path(tmp) / "in.xlsx", generate(seed=seed, threshold=None))
        data = load_workbook_data(src)
        p, _ = read_problem(data)
        t0 = time.time()
        report = solve(data, SolveSettings(time_limit=time_limit, seed=0))
        wall = time.time() - t0
        out = write_report_file(src, report, Path(tmp) / "out.xlsx",
                                result_sheets=list(kind_by_name("talks").result_sheets))
        sched, _ = read_schedule(p, load_workbook_data(out))
    run = {r[0]: r[1] for sh in report.sheets if sh.name == "Run" for b in sh.blocks for r in b.rows if r}
    ev = evaluate(p, sched)
    return [name, "all soft", run.get("Status"), f"{ev.objective:g}", run.get("Lower bound"), run.get("Gap"),
            f"{wall:.1f}", "-", "-", f"{ev.conflict_cost:g}", f"{ev.seats_short}", "ok" if ev.feasible else "BROKEN",
            f"schedule from {run.get('Schedule from')}; blocks: {run.get('Block decomposition', '-')}"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    rows = []
    for name, form, th, mode, warm in RUNS:
        if only and name not in only:
            continue
        p = generate_problem(seed=args.seed, threshold=th)
        note = ""
        if mode == "hard":
            clique, need = apart_clique(p, seconds=5)
            note = f"{len(p.hard_pairs)} hard pairs; {len(clique)} mutually-apart talks need {need}/{p.S} slots"
        start = None
        if warm:
            start, c = local_search(p, seconds=5, seed=0)
            note = f"local search 5 s: {c:g}"
        if form == "solve":
            rows.append(_solve_row(name, args.seed, args.time_limit))
            print(" | ".join(str(x) for x in rows[-1]), flush=True)
            continue
        if form == "blocks":
            rows.append(_blocks_row(name, p, start, args.time_limit, note))
            print(" | ".join(str(x) for x in rows[-1]), flush=True)
            continue
        t0 = time.time()
        f = M.build(p, form, mode)
        build = time.time() - t0
        r = M.solve(f, args.time_limit, start=start, build_seconds=build)
        ev = evaluate(p, r.schedule) if r.schedule else None
        gap = f"{100 * r.gap:.1f}%" if r.gap is not None else "-"
        rows.append([name, th if th is not None else "all soft", r.status,
                     f"{r.objective:g}" if r.objective is not None else "-",
                     f"{r.bound:g}" if r.bound is not None else "-", gap,
                     f"{r.seconds:.1f}", f"{build:.1f}", len(f.prob.variables()),
                     f"{ev.conflict_cost:g}" if ev else "-", f"{ev.seats_short}" if ev else "-",
                     ("ok" if ev.feasible else "BROKEN") if ev else "-", note])
        print(" | ".join(str(x) for x in rows[-1]), flush=True)
    head = ["run", "threshold", "status", "objective", "bound", "gap", "solve s", "build s", "vars",
            "clash cost", "seats short", "rules", "note"]
    print()
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


if __name__ == "__main__":
    main()
