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
from dataclasses import dataclass, field
from typing import Any, Callable

from .conflicts import Conflict, apart_clique_conflict, find_conflict
from .model import PLACEMENT, AssignmentModel, build
from .problem import AssignmentProblem
from .solve import run_cbc


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
             label: Callable[[int], str] = str, threads: int | None = None) -> Outcome:
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

    def solve(seconds: float, what: str, warm: bool = False):
        run = run_cbc(m.prob, seconds, seed=seed, progress=progress, verbose=verbose, threads=threads,
                      warm_start=warm)
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
    first = end - time.perf_counter()
    if len(hard_all) > (1 if PLACEMENT in hard_all else 0):
        first *= pl.first_share  # keep time for the relaxed run if this finds nothing
    start = greedy(problem)
    t_start = time.perf_counter()
    complete = m.complete_start(start, seconds=max(1.0, 0.1 * first))
    first -= time.perf_counter() - t_start
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
    if not run.has_solution and not run.infeasible and end - time.perf_counter() > 1.0:
        # undecided: no schedule keeping every hard rule within the time; relax them all
        out.relaxed_all = True
        softened = set(hard_all)
        m.enforce({r: False for r in m.amounts})
        m.complete_start(start, seconds=max(1.0, 0.1 * (end - time.perf_counter())))
        run = solve(end - time.perf_counter(), "every hard rule softened", warm=True)
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
    """A start: each item (longest first) at the first (start, place) that keeps the places' capacity,
    the hard placing rules of the item and the hard 'one place at a time' rules."""
    from .rules.atoms import OnePlace, Runs

    p = problem
    runs = [r.rule.formula for r in p.rules if r.hard and r.rule is not None and isinstance(r.rule.formula, Runs)]
    persons = [r.rule.formula for r in p.rules if r.hard and r.rule is not None
               and isinstance(r.rule.formula, OnePlace)]
    group_of: dict[int, list[tuple[int, str]]] = {}
    for k, a in enumerate(persons):
        for value, items in a.groups:
            for i in items:
                group_of.setdefault(i, []).append((k, value))
    busy: set = set()
    rules_of: dict[int, list] = {}
    for a in runs:
        for i in a.items:
            rules_of.setdefault(i, []).append(a)

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

    used: dict[tuple[int, int], int] = {}
    out: dict[int, Any] = {}
    for i in sorted(range(p.I), key=lambda i: (-p.items[i].length, -len(rules_of.get(i, ())))):
        out[i] = None
        best = None
        for s in p.starts[i]:
            for pl, place in enumerate(p.places):
                if all(used.get((pl, c), 0) < place.capacity for c in p.covered(i, s)):
                    if ok(i, pl, s):
                        best = (pl, s)
                        break
                    if best is None:
                        best = ("any", pl, s)
            if best is not None and best[0] != "any":
                break
        if best is None:
            continue
        pl, s = best[1:] if best[0] == "any" else best
        for c in p.covered(i, s):
            used[pl, c] = used.get((pl, c), 0) + 1
            for k, v in group_of.get(i, ()):
                busy.add((k, v, c))
        out[i] = (pl, s)
    return out


__all__ = ["Plan", "plan", "Outcome", "optimise", "PLACEMENT"]
