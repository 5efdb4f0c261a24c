"""Solve an assignment workbook: a small plan, then its run.

The plan (:func:`plan`) says how the time limit is shared: the main MIP with every hard
rule; if CBC proves that they cannot all hold, a conflict search (:mod:`.conflicts`)
within its budget, then the MIP again with the conflict's rules softened (they cost
their weight per unit broken) — repeated while another conflict remains; if the main
MIP finds no schedule in its time without proving anything, a relaxed MIP with every
hard rule softened.  Every schedule is scored by the independent evaluator.
"""

from __future__ import annotations

import time

import pulp
from dataclasses import dataclass, field
from typing import Any, Callable

from .conflicts import Conflict, apart_clique_conflict, find_conflict
from .evaluate import evaluate
from .model import PLACEMENT, AssignmentModel, build
from .problem import AssignmentProblem
from .solve import run_solver


@dataclass(frozen=True)
class Plan:
    time_limit: float
    reserve: float  # seconds kept for scoring and writing the result sheets
    conflict_share: float = 0.35  # of the time left when the hard rules are proven infeasible
    first_share: float = 0.6  # of the time for the MIP with every hard rule (the rest: a relaxed run)
    max_conflicts: int = 3

    @property
    def solve_seconds(self) -> float:
        return max(1.0, self.time_limit - self.reserve)


def plan(time_limit: float) -> Plan:
    t = max(2.0, float(time_limit))
    return Plan(time_limit=t, reserve=min(3.0, 0.08 * t))


@dataclass
class Outcome:
    schedule: dict[int, Any] | None
    status: str  # optimal | feasible | relaxed | no solution
    bound: float | None
    softened: set = field(default_factory=set)  # rule keys softened (PLACEMENT for the setting)
    conflicts: list[Conflict] = field(default_factory=list)
    relaxed_all: bool = False  # no schedule with every hard rule found in time (not proven impossible)
    model: AssignmentModel | None = None
    seconds: float = 0.0
    solver_runs: list[str] = field(default_factory=list)


def optimise(problem: AssignmentProblem, time_limit: float, seed: int = 0,
             progress: Callable[[str], None] | None = None, verbose: bool = False,
             label: Callable[[int], str] = str, threads: int | None = None, solver: str = "cbc") -> Outcome:
    t0 = time.perf_counter()
    pl = plan(time_limit)
    end = t0 + pl.solve_seconds

    def say(msg: str) -> None:
        if progress:
            progress(msg)

    m = build(problem)
    say(f"model built in {m.build_seconds:.1f} s: {m.n_variables} variables, {m.n_constraints} constraints")
    hard_all = [r for r, h in m.hard.items() if h]
    out = Outcome(schedule=None, status="no solution", bound=None, model=m)

    overhead = 2.0 * m.build_seconds  # writing the model file and reading the solution, per CBC run

    def solve(seconds: float, what: str, warm: bool = False):
        seconds = max(1.0, seconds - overhead)
        run = run_solver(m.prob, seconds, solver=solver, seed=seed, progress=progress, verbose=verbose,
                         threads=threads, warm_start=warm, kill_after=5.0)
        out.solver_runs.append(f"{what}: {run.result or 'no result'} in {run.seconds:.1f} s")
        return run

    softened: set = set()
    proof = apart_clique_conflict(problem, set(hard_all), seconds=min(2.0, 0.05 * pl.time_limit))
    if proof is not None:
        rules, clique = proof
        say(f"{len(clique)} items must pairwise never share a slot and need more slots than there are")
        c = find_conflict(m, rules, budget=max(1.0, 0.2 * (end - time.perf_counter())), seed=seed,
                          progress=progress, label=label, known_infeasible=True)
        c.log.insert(0, "the items that cannot be kept apart: " + ", ".join(f"'{problem.items[i].name}'"
                                                                            for i in clique))
        out.conflicts.append(c)
        softened |= _to_soften(c.rules)
        m.enforce({r: (r in hard_all and r not in softened) for r in m.amounts})
    # a start: the greedy schedule, scored by the evaluator; when it keeps every enforced hard rule it
    # is also the fallback result, and the MIP needs no time kept back for a relaxed run
    start = greedy(problem)
    start_ev = evaluate(problem, start)
    enforced_keys = {("placement" if r == PLACEMENT else r) for r in hard_all if r not in softened}
    start_ok = all(line.result.holds for line in start_ev.lines if line.key in enforced_keys
                   or line.key in ("capacity", "breaks"))
    say(f"greedy start: cost {start_ev.cost:g}, {'keeps' if start_ok else 'breaks'} the hard rules")
    t_start = time.perf_counter()
    complete = m.complete_start(start, seconds=max(2.0, 0.25 * (end - t_start)))
    first = end - time.perf_counter()
    if not start_ok and len(hard_all) > (1 if PLACEMENT in hard_all else 0):
        first *= pl.first_share  # keep time for the relaxed run if this finds nothing
    run = solve(first, "all hard rules" if not softened else f"with {len(softened)} hard rules softened",
                warm=complete)
    rounds = 0
    while not run.has_solution and run.infeasible and rounds < pl.max_conflicts:
        rounds += 1
        left = end - time.perf_counter()
        enforced = [r for r in hard_all if r not in softened]
        say(f"the hard rules cannot all hold: looking for the smallest set that conflicts ({len(enforced)} rules)")
        c = find_conflict(m, enforced, budget=max(1.0, pl.conflict_share * left), seed=seed, progress=progress,
                          label=label, known_infeasible=True)
        out.conflicts.append(c)
        softened |= _to_soften(c.rules)
        m.enforce({r: (r in hard_all and r not in softened) for r in m.amounts})
        run = solve(end - time.perf_counter(), f"with {len(softened)} hard rules softened")
    if not run.has_solution and not run.infeasible and start_ok:
        # CBC found nothing in time, but the greedy start keeps every hard rule: it is the result
        # the solver's bound (its root relaxation, when it got that far) still bounds every schedule
        out.schedule, out.status, out.bound = start, "feasible (greedy start; the MIP found nothing better)", run.bound
        out.softened = softened
        out.seconds = time.perf_counter() - t0
        out.solver_runs.append("result: the greedy start (it keeps every hard rule)")
        return out
    if not run.has_solution and not run.infeasible and end - time.perf_counter() > 1.0:
        # undecided: no schedule keeping every hard rule within the time; relax them all
        out.relaxed_all = True
        softened = set(hard_all)
        m.enforce({r: False for r in m.amounts})
        warm = m.complete_start(start, seconds=max(2.0, 0.25 * (end - time.perf_counter())))
        run = solve(end - time.perf_counter(), "every hard rule softened", warm=warm)
        if not run.has_solution:  # the greedy start, every rule scored at its weight
            out.schedule, out.status, out.bound = start, "relaxed", None
            out.softened, out.seconds = softened, time.perf_counter() - t0
            out.solver_runs.append("result: the greedy start (the relaxed MIP found nothing in time)")
            return out
    left = end - time.perf_counter()
    if run.has_solution and not run.proven_optimal and left > max(10.0, 0.25 * pl.time_limit) + overhead:
        # the first run kept time back for a relaxed run it did not need: go on from its schedule
        best_obj, best_bound = run.objective, run.bound
        for v in m.prob.variables():
            if v.varValue is not None:
                v.setInitialValue(round(v.varValue) if v.cat == pulp.LpInteger else v.varValue, check=False)
        values = {v.name: v.varValue for v in m.prob.variables()}
        again = solve(left, "continued from the first run's schedule", warm=True)
        if again.has_solution and (best_obj is None or (again.objective or 0) <= best_obj + 1e-9):
            if best_bound is not None and again.bound is not None:
                again.bound = max(again.bound, best_bound)
            run = again
        else:  # keep the first run's schedule (and the better of the two bounds)
            for v in m.prob.variables():
                v.varValue = values.get(v.name)
            if again.bound is not None and (run.bound is None or again.bound > run.bound):
                run.bound = again.bound
    out.softened = softened
    out.seconds = time.perf_counter() - t0
    if run.has_solution:
        out.schedule = m.schedule()
        out.bound = run.bound
        out.status = ("relaxed" if softened else ("optimal" if run.proven_optimal else "feasible"))
    return out


def _to_soften(rules: list[int]) -> set[int]:
    """The rules of a conflict to soften: its Rules-sheet rules; the placement setting only if alone."""
    own = {r for r in rules if r != PLACEMENT}
    return own or set(rules)


def greedy(problem: AssignmentProblem) -> dict[int, Any]:
    """A start: each item at the first (start, place) that keeps the places' capacity and the hard
    rules a greedy can see — the item's placing rules, 'one place at a time', and the orders (items
    are placed after the items they must follow, from the slot after those end)."""
    from .rules.atoms import OnePlace, Order, Runs

    p = problem
    hard = [r.rule.formula for r in p.rules if r.hard and r.rule is not None]
    runs = [a for a in hard if isinstance(a, Runs)]
    persons = [a for a in hard if isinstance(a, OnePlace)]
    after: dict[int, list[tuple[int, bool]]] = {}  # item → [(item it must follow, right after?)]
    for a in hard:
        if isinstance(a, Order):
            for first, second in a.pairs:
                after.setdefault(second, []).append((first, a.immediate))
    group_of: dict[int, list[tuple[int, str]]] = {}
    for k, a in enumerate(persons):
        for value, items in a.groups:
            for i in items:
                group_of.setdefault(i, []).append((k, value))
    rules_of: dict[int, list] = {}
    for a in runs:
        for i in a.items:
            rules_of.setdefault(i, []).append(a)
    busy: set = set()

    def ok(i: int, pl: int, s: int) -> bool:
        cover = p.covered(i, s)
        for a in rules_of.get(i, ()):
            P, S = a.targets(i)
            if a.starts:
                inside = (P is None or pl in P) and (S is None or s in S)
            else:
                inside = (P is None or pl in P) and (S is None or any(c in S for c in cover))
            if inside == a.negate:
                return False
        return all((k, v, c) not in busy for k, v in group_of.get(i, ()) for c in cover)

    # items that others must follow first (a topological order where the orders allow one)
    order: list[int] = []
    seen: set[int] = set()

    def visit(i: int, path: set[int]) -> None:
        if i in seen or i in path:
            return
        path.add(i)
        for j, _ in after.get(i, ()):
            visit(j, path)
        path.discard(i)
        seen.add(i)
        order.append(i)

    for i in sorted(range(p.I), key=lambda i: (-len(rules_of.get(i, ())) - len(after.get(i, ())),
                                               -p.items[i].length)):
        visit(i, set())
    used: dict[tuple[int, int], int] = {}
    out: dict[int, Any] = {i: None for i in range(p.I)}
    for i in order:
        earliest, exact = 0, None
        for j, immediate in after.get(i, ()):
            if out.get(j) is None:
                continue
            end_j = out[j][1] + p.items[j].length
            earliest = max(earliest, end_j)
            if immediate:
                exact = end_j
        best = None
        for s in p.starts[i]:
            if s < earliest or (exact is not None and s != exact):
                continue
            for pl, place in enumerate(p.places):
                if all(used.get((pl, c), 0) < place.capacity for c in p.covered(i, s)):
                    if ok(i, pl, s):
                        best = (pl, s)
                        break
            if best is not None:
                break
        if best is None:  # nothing keeps every rule the greedy sees: the first free spot
            best = next(((pl, s) for s in p.starts[i] for pl, place in enumerate(p.places)
                         if all(used.get((pl, c), 0) < place.capacity for c in p.covered(i, s))), None)
        if best is None:
            continue
        pl, s = best
        for c in p.covered(i, s):
            used[pl, c] = used.get((pl, c), 0) + 1
            for k, v in group_of.get(i, ()):
                busy.add((k, v, c))
        out[i] = (pl, s)
    return out


__all__ = ["Plan", "plan", "Outcome", "optimise", "PLACEMENT"]
