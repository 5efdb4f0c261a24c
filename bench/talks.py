"""Talk scheduling benchmark: the article's model vs our start-time models and the whole Solve, CBC, 2 cores.

    python bench/talks.py [--time-limit 60] [--seed 2024] [--seeds 0,1,2] [--only "the article's model",solve,...]

Instance: the shipped example (``workbook_templates/talks_example.xlsx``: the seed-fixed
generator of the article's shape — 32 talks, about a third of 50 minutes, 3 venues, 16
half-hour timeslots, 120 attendees x 5 picks, speakers with two talks — with conflict
threshold 20 and venues of 95 / 20 / 15 seats); rows at threshold 10 are the
``talks_hard_pairs_example.xlsx`` case, "all soft" has no threshold.  Every schedule is
re-scored by the independent evaluation (rules.evaluate).

Rows: **the article's model** (its talk x venue x slot binaries with the ``implies``
consecutive rule, pairs above the threshold never in parallel, and its objective: the
talk-slots held in a room big enough for the talk's audience, maximised); the article's
objective on our start-time model; our default objective (interest of talks in parallel +
seats short) on the direct / pairwise / group models and the block decomposition; and the
whole Solve as the organiser runs it (both cores, Talk Table read back and re-scored) for
the example with each objective and for the all-soft survey, once per ``--seeds`` seed
(the worst seed is printed last: results depend on the machine's load).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xl_confsched.talks import model as M  # noqa: E402
from xl_confsched.talks.explain import apart_clique  # noqa: E402
from xl_confsched.talks.generator import generate, workbook_data  # noqa: E402
from xl_confsched.talks.heuristic import local_search  # noqa: E402
from xl_confsched.talks.reader import read_problem  # noqa: E402
from xl_confsched.talks.rules import evaluate  # noqa: E402
from xl_confsched.talks.template import EXAMPLE_CAPACITIES  # noqa: E402

ARTICLE = "the article's model"
RUNS = [  # name, formulation, threshold, mode, warm start from local search, objective
    (ARTICLE, "direct", 20, "hard", False, "article"),
    ("article objective on groups", "groups", 20, "hard", False, "article"),
    ("direct-th10", "direct", 10, "hard", False, "conflicts"),
    ("direct-th20", "direct", 20, "hard", False, "conflicts"),
    ("pairs-th20", "pairs", 20, "hard", False, "conflicts"),
    ("groups-th20", "groups", 20, "hard", False, "conflicts"),
    ("direct-soft", "direct", None, "soft", False, "conflicts"),
    ("pairs-soft", "pairs", None, "soft", False, "conflicts"),
    ("groups-soft", "groups", None, "soft", False, "conflicts"),
    ("groups-soft+LS", "groups", None, "soft", True, "conflicts"),
    ("blocks-soft+LS", "blocks", None, "soft", True, "conflicts"),  # block-decomposition bound (column generation)
    ("solve-example", "solve", 20, "hard", False, "conflicts"),  # the whole Solve of the shipped example
    ("solve-example-article", "solve", 20, "hard", False, "article"),
    ("solve-soft", "solve", None, "soft", False, "conflicts"),  # the whole Solve, every pair soft
]


def instance_rows(seed: int, threshold, objective: str):
    return generate(seed=seed, threshold=threshold, capacities=EXAMPLE_CAPACITIES if threshold != 10 else None,
                    objective="article" if objective == "article" else "conflicts and seats")


def _problem(seed, threshold, objective):
    return read_problem(workbook_data(instance_rows(seed, threshold, objective)))[0]


def _blocks_row(name, p, start, time_limit, note):
    """Lower bound of the block decomposition; schedule = best of local search and blocks' integer solve."""
    from xl_confsched.talks.blocks import BlockModel

    b = BlockModel(p).solve(time_limit=time_limit, start=[start])
    cands = [evaluate(p, s) for s in (start, b.schedule) if s]
    ev = min((e for e in cands if e.feasible), key=lambda e: e.objective)
    gap = (f"{100 * max(0.0, ev.objective - b.bound) / ev.objective:.1f}%" if ev.objective else "0.0%") \
        if b.bound is not None else "-"
    return [name, "all soft", "converged" if b.converged else "not converged", f"{ev.objective:g}",
            f"{b.bound:g}" if b.bound is not None else "-", gap, f"{b.seconds:.1f}", "-", b.n_columns,
            f"{ev.conflict_cost:g}", f"{ev.seats_short}", "ok", note + f"; {b.iterations} pricing rounds"]


def _solve_row(name, rows, solve_seed, time_limit):
    """The whole Solve of a workbook (what the CLI and Excel run), its Talk Table read back and re-scored."""
    import tempfile

    from xl_confsched.kinds import SolveSettings, kind_by_name
    from xl_confsched.report import write_report_file
    from xl_confsched.tables import load_workbook_data
    from xl_confsched.talks.template import _write
    from xl_confsched.talks.workflow import read_schedule, solve

    with tempfile.TemporaryDirectory() as tmp:
        src = _write(Path(tmp) / "in.xlsx", rows)
        data = load_workbook_data(src)
        p, _ = read_problem(data)
        t0 = time.time()
        report = solve(data, SolveSettings(time_limit=time_limit, seed=solve_seed))
        wall = time.time() - t0
        out = write_report_file(src, report, Path(tmp) / "out.xlsx",
                                result_sheets=list(kind_by_name("talks").result_sheets))
        sched, _ = read_schedule(p, load_workbook_data(out))
    run = {r[0]: r[1] for sh in report.sheets if sh.name == "Run" for b in sh.blocks for r in b.rows
           if len(r) >= 2}  # the plain-words block has one column
    ev = evaluate(p, sched)
    gap = run.get("Gap")
    gap = f"{100 * gap:.1f}%" if isinstance(gap, (int, float)) else gap  # the Run sheet stores a fraction
    return [f"{name} (seed {solve_seed})", _threshold(p), run.get("Status"), _objective(p, ev),
            run.get("Lower bound"), gap, f"{wall:.1f}", "-", "-", f"{ev.conflict_cost:g}",
            f"{ev.seats_short}", "ok" if ev.feasible and (not p.hard_pairs or ev.all_hard_pairs_apart
                                                          or "soft" in str(run.get("Hard pairs handled as"))) else "BROKEN",
            f"schedule from {run.get('Schedule from')}; bound from {run.get('Lower bound from')}; "
            f"blocks: {run.get('Block decomposition', '-')}"], ev.objective


def _threshold(p):
    return p.weights.threshold if p.weights.threshold is not None else "all soft"


def _objective(p, ev):
    """The cost minimised, and for the article's objective its own count as well."""
    if p.article:
        return f"{ev.objective:g} ({ev.slots_big_enough}/{ev.talk_slots} talk-slots big enough)"
    return f"{ev.objective:g}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=60)
    ap.add_argument("--seed", type=int, default=2024, help="the instance generator's seed (2024 = the example)")
    ap.add_argument("--seeds", default="0", help="solver seeds of the whole-Solve rows, e.g. 0,1,2")
    ap.add_argument("--only", default="", help="comma-separated row names")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    seeds = [int(x) for x in args.seeds.split(",") if x.strip()]
    print(f"load average at start: {' / '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    rows = []
    for name, form, th, mode, warm, objective in RUNS:
        if only and name not in only:
            continue
        p = _problem(args.seed, th, objective)
        note = ""
        if mode == "hard":
            clique, need = apart_clique(p, seconds=5)
            note = f"{len(p.hard_pairs)} hard pairs; {len(clique)} mutually-apart talks need {need}/{p.S} slots"
        start = None
        if warm:
            start, c = local_search(p, seconds=5, seed=0)
            note = f"local search 5 s: {c:g}"
        if form == "solve":
            costs = []
            for sd in seeds:
                row, cost = _solve_row(name, instance_rows(args.seed, th, objective), sd, args.time_limit)
                rows.append(row)
                costs.append(cost)
                print(" | ".join(str(x) for x in rows[-1]), flush=True)
            if len(seeds) > 1:
                rows.append([f"{name}: worst of {len(seeds)} seeds", _threshold(p), "-", f"{max(costs):g}", "-", "-",
                             "-", "-", "-", "-", "-", "-", "median " + f"{sorted(costs)[len(costs) // 2]:g}"])
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
        bound = max(0.0, r.bound) if r.bound is not None else None  # a cost is never below 0
        gap = "-"
        if ev is not None and bound is not None:
            gap = f"{100 * (0.0 if ev.objective <= bound else (ev.objective - bound) / ev.objective):.1f}%"
        rows.append([name, _threshold(p), r.status, _objective(p, ev) if ev else "-",
                     f"{bound:g}" if bound is not None else "-", gap,
                     f"{r.seconds:.1f}", f"{build:.1f}", len(f.prob.variables()),
                     f"{ev.conflict_cost:g}" if ev else "-", f"{ev.seats_short}" if ev else "-",
                     ("ok" if ev.feasible and (mode == "soft" or ev.all_hard_pairs_apart) else "BROKEN") if ev else "-",
                     note])
        print(" | ".join(str(x) for x in rows[-1]), flush=True)
    head = ["run", "threshold", "status", "objective", "bound", "gap", "solve s", "build s", "vars",
            "clash cost", "seats short", "rules", "note"]
    print()
    print(f"load average at end: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


if __name__ == "__main__":
    main()
