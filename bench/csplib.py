"""Benchmark: solve every shared CSPLib instance and print one table.

    python bench/csplib.py [--time-limit 60] [--model full|exact|extended] [--solver cbc|highs]
                           [--hard-rules all|presenters|none] [--seed N]
                           [--only N2OR,GECCO20] [--data ../shared/data/csplib]

Columns: instance, model, our objective (the evaluator's score of the schedule we
return), the reference solutions' objective (``reference_scores.md``, best of exact /
extended), the paper's objective (its own model objective, Tables 3 and 6, exact /
extended), the best known score under the instance's weights (the issue's targets),
build and solve seconds, gap, status and peak memory (this process + CBC).  Each
instance runs in a fresh subprocess so the memory column is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "csplib"
ORDER = ["N2OR", "GECCO19", "GECCO20", "GECCO22", "ISF22", "OR60F", "OR60F2", "OR60"]
# the paper's own objective values (Pylyavskyy et al., Tables 3 and 6): exact / extended
PAPER = {"N2OR": "0 / 1", "GECCO19": "1,000,010 / 2,000,070", "GECCO20": "6,110 / 7,750",
         "OR60": "infeasible / infeasible", "OR60F": "424 / 433", "OR60F2": "10 / unknown"}
# best known under each instance's own weights (CSPLib checker), from the issue
BEST_KNOWN = {"N2OR": 1, "GECCO19": 1_000_116, "GECCO20": 6_289, "OR60F": 433, "OR60F2": 1_660}


def reference_scores(data: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    path = data / "reference_scores.md"
    if not path.exists():
        return out
    current = None
    for line in path.read_text().splitlines():
        m = re.match(r"^## (\w+)/(\w+)", line)
        if m:
            current = m.group(2)
            continue
        m = re.match(r"^- total: (\d+)", line)
        if m and current:
            v = int(m.group(1))
            out[current] = min(v, out.get(current, v))
    return out


def run_one(name: str, data: Path, model: str, time_limit: float, solver: str, hard_rules: str = "all",
            seed: int = 0) -> dict:
    import resource

    sys.path.insert(0, str(REPO))
    from xl_confsched.csplib.evaluate import evaluate
    from xl_confsched.csplib.optimise import optimise
    from xl_confsched.csplib.reader import load_problem
    from xl_confsched.kinds import SolveSettings

    problem = load_problem(data / "instances" / f"{name}.xlsx")
    res = optimise(problem, SolveSettings(model=model, time_limit=time_limit, solver=solver, seed=seed,
                                          extra={"hard_rules": hard_rules}))
    row = {"instance": name, "model": model, "status": res.status, "build": res.build_seconds,
           "solve": res.solve_seconds, "gap": res.gap, "objective": None, "hard": None,
           "model_objective": res.objective, "notes": res.relaxation_notes[:3]}
    if res.schedule is not None:
        ev = evaluate(problem, res.schedule)
        row["objective"] = ev.total
        row["complete"] = ev.all_scheduled and ev.valid
        row["hard"] = sum(len(ev.term(k).violations) for k in ("NR", "PAR", "PC", "STRUCT"))
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    row["peak_mb"] = peak / 1024
    return row


def fmt(v, digits=0) -> str:
    if v is None:
        return "–"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.{digits}f}" if digits else f"{v:,.1f}"
    return f"{int(v):,}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--model", default="full")
    ap.add_argument("--solver", default="cbc")
    ap.add_argument("--only", default="")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--hard-rules", default="all", choices=["presenters", "all", "none"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data = Path(args.data)
    if args.one:
        print("JSON " + json.dumps(run_one(args.one, data, args.model, args.time_limit, args.solver,
                                           args.hard_rules, args.seed)))
        return 0
    if not (data / "instances").is_dir():
        print(f"no instances under {data}; pass --data", file=sys.stderr)
        return 1
    names = [n for n in ORDER if (data / "instances" / f"{n}.xlsx").exists()]
    names += sorted(p.stem for p in (data / "instances").glob("*.xlsx") if p.stem not in names)
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    refs = reference_scores(data)
    header = ["instance", "model", "ours (evaluator)", "reference", "paper exact / ext.", "best known", "target",
              "build s", "solve s", "gap", "status", "hard-rule violations", "peak MB"]
    rows = []
    for name in names:
        out = subprocess.run([sys.executable, __file__, "--one", name, "--data", str(data), "--model", args.model,
                              "--time-limit", str(args.time_limit), "--solver", args.solver,
                              "--hard-rules", args.hard_rules, "--seed", str(args.seed)],
                             capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
        line = next((ln for ln in out.stdout.splitlines() if ln.startswith("JSON ")), None)
        if line is None:
            print(f"{name}: failed\n{out.stderr[-2000:]}", file=sys.stderr)
            continue
        r = json.loads(line[5:])
        best = BEST_KNOWN.get(name)
        total_s = r["build"] + r["solve"]
        if best is not None:
            met = r["objective"] is not None and r["objective"] <= best and total_s <= 60.5
            target = "met" if met else "MISSED"
        elif name == "OR60":
            target = "met" if r["objective"] is not None and r.get("complete") else "MISSED"
        else:
            target = "met" if r["objective"] is not None and r.get("complete") and not r["hard"] else "MISSED"
        rows.append([name, r["model"], fmt(r["objective"]), fmt(refs.get(name)), PAPER.get(name, "–"), fmt(best),
                     target, f"{r['build']:.1f}", f"{r['solve']:.1f}",
                     "–" if r["gap"] is None else f"{100 * r['gap']:.2f}%", r["status"], fmt(r["hard"]),
                     f"{r['peak_mb']:.0f}"])
        print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
