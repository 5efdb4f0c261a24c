"""Assignment workbooks benchmark: the rules compiler's model size, build time and solve, CBC.

    python bench/assignment.py [--time-limit 60] [--only baristas,students,talks,generated]

Instances: the three shipped examples (baristas to shifts, students to classes × periods,
the talk-survey article's problem written as rules) and a generated large case (200 items,
10 places, 40 slots, 30 rules of every kind; ``examples.generated``).  For each: the time
to read and compile the rules, to build the model, its size, and a whole Solve (the plan of
``optimise``: conflicts named and softened when the hard rules cannot all hold) with the
bundled CBC; the schedule is re-scored by the independent evaluator, and the gap is taken
against the lower bound CBC proved.  Targets (issue 15): build ≤ 2 s; the generated case to
a proven gap ≤ 5 % in 60 s.  Prints one table (and the machine load: timings on a shared
machine are not the machine's own).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from xl_confsched.assignment import examples as X  # noqa: E402
from xl_confsched.assignment.evaluate import evaluate  # noqa: E402
from xl_confsched.assignment.optimise import optimise  # noqa: E402
from xl_confsched.assignment.reader import read_problem  # noqa: E402
from xl_confsched.tables import Table, WorkbookData  # noqa: E402

CASES = {
    "baristas": X.baristas,
    "students": X.students,
    "talks": X.talks,
    "generated": X.generated,
}


def data_of(rows) -> WorkbookData:
    width = {k: max(len(r) for r in v) for k, v in rows.items()}
    return WorkbookData(tables={k: Table(k, [list(r) + [None] * (width[k] - len(r)) for r in v])
                                for k, v in rows.items()})


def run(name: str, time_limit: float, seed: int, solver: str = "cbc") -> dict:
    rows = CASES[name]()
    t0 = time.perf_counter()
    problem, _ = read_problem(data_of(rows))
    t_read = time.perf_counter() - t0
    out = optimise(problem, time_limit, seed=seed, solver=solver)
    m = out.model
    cost = bound = gap = None
    if out.schedule is not None:
        ev = evaluate(problem, out.schedule)
        cost = ev.cost
        bound = max(0.0, out.bound) if out.bound is not None else None
        if bound is not None:
            gap = 0.0 if cost <= 1e-9 else max(0.0, (cost - bound) / cost)
    return {"case": name, "size": f"{problem.I}×{problem.P}×{problem.S}, {len(problem.rules)} rules",
            "read": t_read, "build": m.build_seconds, "vars": m.n_variables, "rows": m.n_constraints,
            "status": out.status, "cost": cost, "bound": bound, "gap": gap, "seconds": out.seconds,
            "conflicts": len(out.conflicts)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", default=",".join(CASES))
    ap.add_argument("--solver", choices=["cbc", "highs"], default="cbc")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (cores: {os.cpu_count()})")
    head = ["case", "size", "read+compile s", "build s", "variables", "constraints", "status", "cost", "bound",
            "gap", "solve s", "conflicts"]
    print(" | ".join(head))
    for name in args.only.split(","):
        r = run(name.strip(), args.time_limit, args.seed, args.solver)
        fmt = lambda x, d=2: "—" if x is None else (f"{x:.{d}f}" if isinstance(x, float) else str(x))  # noqa: E731
        print(" | ".join([r["case"], r["size"], fmt(r["read"]), fmt(r["build"]), str(r["vars"]), str(r["rows"]),
                          r["status"], fmt(r["cost"], 1), fmt(r["bound"], 1),
                          "—" if r["gap"] is None else f"{100 * r['gap']:.1f}%", fmt(r["seconds"], 1),
                          str(r["conflicts"])]), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
