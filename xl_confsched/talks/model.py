"""Talk-scheduling formulations, all built from the rules in :mod:`.rules`.

``groups`` (default)
    Start-time variables ``x[talk, venue, start]`` (binary; only starts where the talk
    fits before a break or the end of the day, outside its 'Not at' timeslots) and,
    for every timeslot, one continuous variable per *group* of at most V talks that may
    run together (no hard pair, no two talks of one speaker): exactly one group runs in
    every timeslot, and a talk belongs to the running group exactly when it runs.
    A group's cost is the interest of its pairs, so the LP relaxation is a fractional
    partition into parallel groups — the formulation of phase 1 of the personalised
    scheduling model — whose bound is close to the optimum.  Two talks of 2+ timeslots
    that run side by side are in the same group twice; a continuous correction per
    pair and pair of adjacent timeslots removes the double count exactly.  Given
    integral x the group variables are integral (the running set is the only group of
    full size that covers it), so they need not be declared integer.
``pairs``
    The same start-time variables with the pairwise linearisation
    ``overlap[i, j] ≥ run[i, s] + run[j, s] − 1``: small, but its LP bound is 0.
``direct``
    The source article's model: ``X[talk, venue, timeslot]`` binaries, a 2-slot talk
    takes two timeslots with ``implies(X[t2], X[t1] | X[t3]) == 1`` (citrus style,
    :mod:`xl_confsched.logic`) — here the windows stop at breaks and day ends, so a
    talk cannot be split across them; exact for talks of up to 3 timeslots — and the
    same pairwise linearisation for soft pairs.

Every formulation minimises the same cost as :func:`rules.evaluate`'s ``objective``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable

import pulp

from .. import logic, solvers
from ..solvers import CancelToken
from .problem import TalkProblem
from .rules import ALL_RULES, Schedule

FORMULATIONS = ("groups", "pairs", "direct")
MAX_GROUP_COLUMNS = 250_000


class Formulation:
    name = ""

    def __init__(self, problem: TalkProblem, hard_pairs_mode: str = "soft"):
        assert hard_pairs_mode in ("hard", "soft")
        self.problem = problem
        self.hard_pairs_mode = hard_pairs_mode
        self.prob = logic.Problem(f"talks_{self.name}", pulp.LpMinimize)
        self.costs: dict[str, list] = {}
        self.n_constraints = 0
        self._make_variables()
        for rule in ALL_RULES:
            rule.add(self)
        self.prob.setObjective(pulp.lpSum(e for terms in self.costs.values() for e in terms))

    # -- Builder interface -------------------------------------------------------------
    def add(self, constraint, name: str) -> None:
        if isinstance(constraint, bool):  # an empty sum compared to a number
            if not constraint:
                raise ValueError(f"constraint {name} is trivially infeasible")
            return
        self.prob.addConstraint(constraint, name)
        self.n_constraints += 1

    def add_cost(self, term: str, expr) -> None:
        self.costs.setdefault(term, []).append(expr)

    # -- subclasses ----------------------------------------------------------------------
    def _make_variables(self) -> None:
        raise NotImplementedError

    def schedule(self) -> Schedule:
        raise NotImplementedError

    def set_start(self, schedule: Schedule) -> None:
        raise NotImplementedError

    def _pairwise(self, weights, forbidden) -> None:
        """``overlap[i,j] ≥ run[i,s] + run[j,s] − 1`` (soft) / ``run[i,s] + run[j,s] ≤ 1`` (hard)."""
        p = self.problem
        for i, j in forbidden:
            for s in range(p.S):
                if self.can_run(i, s) and self.can_run(j, s):
                    self.add(self.running(i, s) + self.running(j, s) <= 1, f"apart_{i}_{j}_s{s}")
        self.overlap = {}
        for (i, j), w in weights.items():
            if (i, j) in forbidden:
                continue
            both = [s for s in range(p.S) if self.can_run(i, s) and self.can_run(j, s)]
            if not both:
                continue
            o = self.prob.add_variable(f"overlap_{i}_{j}", 0, 1)
            self.overlap[i, j] = o
            for s in both:
                self.add(o >= self.running(i, s) + self.running(j, s) - 1, f"ov_{i}_{j}_s{s}")
            self.add_cost("conflict", w * o)


class StartTime(Formulation):
    """Start-time variables; pair costs by groups (``groups``) or pairwise (``pairs``)."""

    def __init__(self, problem: TalkProblem, hard_pairs_mode: str = "soft", pair_model: str = "groups"):
        self.pair_model = pair_model
        self.name = pair_model
        super().__init__(problem, hard_pairs_mode)

    def _make_variables(self):
        p = self.problem
        self.x: dict[tuple[int, int, int], pulp.LpVariable] = {}
        self._cover: dict[tuple[int, int], list] = {}  # (talk, slot) → [(venue, x)]
        for i in range(p.T):
            for v in p.venues_for(i):
                for s in p.starts[i]:
                    var = self.prob.add_variable(f"x_{i}_{v}_{s}", cat=pulp.LpBinary)
                    self.x[i, v, s] = var
                    for c in p.covered(i, s):
                        self._cover.setdefault((i, c), []).append((v, var))

    def can_run(self, i, s) -> bool:
        return (i, s) in self._cover

    def occupies(self, i, v, s):
        return pulp.lpSum(var for vv, var in self._cover.get((i, s), []) if vv == v)

    def running(self, i, s):
        return pulp.lpSum(var for _, var in self._cover.get((i, s), []))

    def in_venue(self, i, v):
        return pulp.lpSum(var for (ii, vv, s), var in self.x.items() if ii == i and vv == v)

    def add_once(self, i):
        self.add(pulp.lpSum(var for (ii, v, s), var in self.x.items() if ii == i) == 1, f"once_{i}")

    def add_consecutive(self, i):
        pass  # starts are restricted to positions where the talk fits (problem.starts)

    def add_pair_costs(self, weights, forbidden):
        if self.pair_model == "pairs":
            self._pairwise(weights, forbidden)
        else:
            self._groups(weights, forbidden)

    def group_count(self, forbidden) -> int:
        p = self.problem
        banned = set(forbidden) | set(p.speaker_pairs)
        total = 0
        for s in range(p.S):
            cand = [i for i in range(p.T) if self.can_run(i, s)]
            total += sum(1 for k in range(p.V + 1) for g in combinations(cand, k)
                         if not any(pair in banned for pair in combinations(g, 2)))
        return total

    def _groups(self, weights, forbidden):
        p = self.problem
        banned = set(forbidden) | set(p.speaker_pairs)
        self.groups: dict[int, list[tuple[tuple[int, ...], pulp.LpVariable]]] = {}
        together: dict[tuple[int, int, int], list] = {}  # (i, j, s) → group variables containing both
        for s in range(p.S):
            cand = [i for i in range(p.T) if self.can_run(i, s)]
            ok_pairs = {pr for pr in combinations(cand, 2) if pr not in banned}
            members: dict[int, list] = {i: [] for i in cand}
            gs = []
            k_max = min(p.V, len(cand))
            for k in range(k_max + 1):
                for g in combinations(cand, k):
                    if k >= 2 and not all(pr in ok_pairs for pr in combinations(g, 2)):
                        continue
                    var = self.prob.add_variable(f"g_{s}_{'_'.join(map(str, g)) or 'none'}", 0, 1)
                    gs.append((g, var))
                    for i in g:
                        members[i].append(var)
                    cost = sum(weights.get(pr, 0.0) for pr in combinations(g, 2))
                    if cost:
                        self.add_cost("conflict", cost * var)
                    for pr in combinations(g, 2):
                        together.setdefault((pr[0], pr[1], s), []).append(var)
            self.groups[s] = gs
            self.add(pulp.lpSum(var for _, var in gs) == 1, f"one_group_s{s}")
            for i in cand:
                self.add(pulp.LpAffineExpression([(var, 1) for var in members[i]]) - self.running(i, s) == 0,
                         f"group_link_{i}_s{s}")
        # remove the double count of two multi-slot talks side by side in adjacent timeslots
        for (i, j), w in weights.items():
            if p.talks[i].slots < 2 or p.talks[j].slots < 2:
                continue
            for s in range(p.S - 1):
                if p.segment_of[s] != p.segment_of[s + 1]:
                    continue
                a, b = together.get((i, j, s)), together.get((i, j, s + 1))
                if not a or not b:
                    continue
                d = self.prob.add_variable(f"twice_{i}_{j}_s{s}", 0, 1)
                self.add(d - pulp.lpSum(a) <= 0, f"twice_a_{i}_{j}_s{s}")
                self.add(d - pulp.lpSum(b) <= 0, f"twice_b_{i}_{j}_s{s}")
                self.add_cost("conflict", -w * d)

    def schedule(self) -> Schedule:
        out: Schedule = {}
        for (i, v, s), var in self.x.items():
            if var.varValue is not None and var.varValue > 0.5:
                out[i] = (v, s)
        return out

    def set_start(self, schedule: Schedule) -> None:
        for key, var in self.x.items():
            var.setInitialValue(1 if schedule.get(key[0]) == (key[1], key[2]) else 0)


class Direct(Formulation):
    """The article's talk × venue × timeslot model with the ``implies`` consecutive rule."""

    name = "direct"

    def _make_variables(self):
        p = self.problem
        self.X = self.prob.dicts("X", [(i, v, s) for i in range(p.T) for v in range(p.V) for s in range(p.S)])

    def can_run(self, i, s) -> bool:
        return True

    def occupies(self, i, v, s):
        return self.X[i, v, s]

    def running(self, i, s):
        return pulp.lpSum(self.X[i, v, s] for v in range(self.problem.V))

    def in_venue(self, i, v):
        d = self.problem.talks[i].slots
        return (1.0 / d) * pulp.lpSum(self.X[i, v, s] for s in range(self.problem.S))

    def add_once(self, i):
        p = self.problem
        self.add(pulp.lpSum(self.X[i, v, s] for v in range(p.V) for s in range(p.S)) == p.talks[i].slots,
                 f"once_{i}")

    def add_consecutive(self, i):
        p = self.problem
        if p.talks[i].slots < 2:
            return
        for v in range(p.V):
            for s in range(p.S):
                prev = self.X[i, v, s - 1] if s > 0 and p.segment_of[s - 1] == p.segment_of[s] else 0
                nxt = self.X[i, v, s + 1] if s + 1 < p.S and p.segment_of[s + 1] == p.segment_of[s] else 0
                self.add(logic.implies(self.X[i, v, s], logic.any_of(prev, nxt, model=self.prob)) == 1,
                         f"consecutive_{i}_{v}_s{s}")

    def add_pair_costs(self, weights, forbidden):
        self._pairwise(weights, forbidden)

    def schedule(self) -> Schedule:
        p = self.problem
        out: Schedule = {}
        for i in range(p.T):
            cells = sorted((s, v) for v in range(p.V) for s in range(p.S)
                           if self.X[i, v, s].varValue is not None and self.X[i, v, s].varValue > 0.5)
            if not cells:
                continue
            s0, v0 = cells[0]
            if cells == [(s0 + k, v0) for k in range(p.talks[i].slots)]:
                out[i] = (v0, s0)
            else:
                out[i] = None  # not a contiguous block in one venue: reported as not scheduled
        return out

    def set_start(self, schedule: Schedule) -> None:
        p = self.problem
        for (i, v, s), var in self.X.items():
            vs = schedule.get(i)
            var.setInitialValue(1 if vs and vs[0] == v and vs[1] <= s < vs[1] + p.talks[i].slots else 0)


def build(problem: TalkProblem, formulation: str = "groups", hard_pairs_mode: str = "soft") -> Formulation:
    if formulation == "direct":
        return Direct(problem, hard_pairs_mode)
    if formulation in ("groups", "pairs"):
        return StartTime(problem, hard_pairs_mode, formulation)
    raise ValueError(f"unknown talk-scheduling model '{formulation}'; use one of {', '.join(FORMULATIONS)}")


# --------------------------------------------------------------------------------------
# solving
# --------------------------------------------------------------------------------------

@dataclass
class SolveResult:
    formulation: str
    hard_pairs_mode: str
    status: str  # "optimal", "feasible", "infeasible", "no solution", "error"
    schedule: Schedule | None
    objective: float | None
    bound: float | None
    seconds: float
    build_seconds: float
    n_variables: int
    n_constraints: int
    log: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if abs(self.objective) < 1e-9:
            return 0.0 if abs(self.bound) < 1e-6 else None
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


def solve(f: Formulation, time_limit: float, solver: str = "cbc", seed: int = 0, threads: int | None = None,
          gap_rel: float | None = None, start: Schedule | None = None, verbose: bool = False,
          progress: Callable[[str], None] | None = None, build_seconds: float = 0.0,
          cancel: CancelToken | None = None) -> SolveResult:
    """Solve a built formulation; statuses follow ``prob.sol_status`` (never a relaxation).

    Through the shared solver layer (:mod:`xl_confsched.solvers`): CBC's watchdog stops its root
    processing on the large 'groups' model soon after the time limit, keeping its best schedule;
    ``cancel`` stops the solve and keeps the best schedule so far."""
    prob = f.prob
    t0 = time.time()
    if start:
        f.set_start(start)
    constant = float(prob.objective.constant or 0.0)
    r = solvers.solve(prob, solvers.SolverOptions(
        solver=solver, time_limit=time_limit, seed=seed, threads=threads or 1, warm_start=bool(start),
        gap_rel=gap_rel, verbose=verbose, progress=progress, constant=constant, cancel=cancel))
    _interrupted(r, cancel)
    log = "\n".join(r.log)
    bound = r.bound + constant if r.bound is not None else None
    if bound is not None:
        # every formulation's objective is a cost, never negative on a schedule (the groups model's
        # negative corrections only undo double counts): a bound below 0 says nothing and is not shown
        bound = max(0.0, bound)
    seconds = time.time() - t0
    sol = prob.sol_status
    n_vars = len(prob.variables())
    if sol in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        obj = pulp.value(prob.objective)
        obj = float(obj) if obj is not None else 0.0
        status = "optimal" if sol == pulp.LpSolutionOptimal and prob.status == pulp.LpStatusOptimal \
            and (bound is None or obj - bound <= 1e-6 * max(1.0, abs(obj))) else "feasible"
        if status == "optimal":
            bound = obj if bound is None else bound
        return SolveResult(f.name, f.hard_pairs_mode, status, f.schedule(), obj, bound, seconds, build_seconds,
                           n_vars, f.n_constraints, log)
    status = "infeasible" if prob.status == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible \
        else "no solution"
    return SolveResult(f.name, f.hard_pairs_mode, status, None, None, bound, seconds, build_seconds,
                       n_vars, f.n_constraints, log)


def _interrupted(run, cancel: CancelToken | None) -> None:
    """Ctrl-C reached the solver, which stopped and kept its best solution: the talk Solve stops as a
    whole (it writes nothing on Ctrl-C), so the interrupt goes on up instead of into the next phase."""
    if run.interrupted and not (cancel is not None and cancel.cancelled):
        raise KeyboardInterrupt


def lp_bound(problem: TalkProblem, formulation: str = "groups", hard_pairs_mode: str = "soft",
             time_limit: float = 600.0, solver: str = "cbc", cancel: CancelToken | None = None) -> float | None:
    """Value of the LP relaxation (a lower bound on the cost of every schedule), or None when the
    LP was not solved to optimality within ``time_limit``."""
    f = build(problem, formulation, hard_pairs_mode)
    run = solvers.solve(f.prob, solvers.SolverOptions(solver=solver, mip=False, time_limit=time_limit,
                                                      cancel=cancel))
    _interrupted(run, cancel)
    if not run.proven_optimal:
        return None
    return float(pulp.value(f.prob.objective) or 0.0)


def group_count(problem: TalkProblem, forbidden) -> int:
    """Number of group columns the 'groups' formulation would have (without building it)."""
    probe = StartTime.__new__(StartTime)
    probe.problem, probe.pair_model = problem, "groups"
    probe._cover = {}
    for i in range(problem.T):
        for s0 in problem.starts[i]:
            for c in problem.covered(i, s0):
                probe._cover[i, c] = True
    return probe.group_count(forbidden)
