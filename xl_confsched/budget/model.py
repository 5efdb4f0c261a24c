"""The allocation model: evaluate a plan, solve the integer programme and its LP relaxation,
and explain in words why a case cannot be solved.

    maximise    Σ_c demand_c · x_c
    subject to  Σ_c te_c · x_c  ≤ T&E budget
                Σ_c fee_c · x_c ≤ registration budget
                Σ_c x_c  (= | ≥ | ≤)  seat target          (when a target is given)
                min ≤ x_c ≤ max,  x_c integer               (LP relaxation: x_c real)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Optional

import pulp

from .. import solvers
from ..solvers import CancelToken
from .problem import BudgetProblem, Scenario, SeatRule

EPS = 1e-6


@dataclass(frozen=True)
class Instance:
    """One case to solve: the base plan or a scenario (numbers only, in flagship order)."""

    name: str
    names: tuple[str, ...]
    te_cost: tuple[float, ...]  # T&E per person
    fee: tuple[float, ...]  # registration fee per person
    demand: tuple[float, ...]
    lo: int
    hi: Optional[int]
    seat_target: Optional[int]
    seat_rule: SeatRule
    te_budget: float
    registration_budget: float
    non_flagship_seat_cost: Optional[float] = None

    @property
    def n(self) -> int:
        return len(self.names)

    def target_text(self) -> str:
        if self.seat_target is None:
            return "no seat target"
        return f"{self.seat_rule} {self.seat_target} seats"


def base_instance(p: BudgetProblem) -> Instance:
    s = p.settings
    return Instance(
        name="Base", names=tuple(c.name for c in p.flagships),
        te_cost=tuple(c.te_per_person for c in p.flagships),
        fee=tuple(c.registration_fee for c in p.flagships),
        demand=tuple(c.demand for c in p.flagships),
        lo=s.min_per_flagship, hi=s.max_per_flagship, seat_target=s.seat_target, seat_rule=s.seat_rule,
        te_budget=s.te_budget, registration_budget=s.registration_budget,
        non_flagship_seat_cost=s.non_flagship_seat_cost,
    )


def scenario_instance(base: Instance, sc: Scenario) -> Instance:
    demand = tuple(d + sc.demand_adjustments.get(nm, 0.0) for nm, d in zip(base.names, base.demand))
    return replace(
        base, name=sc.name, demand=demand,
        lo=base.lo if sc.min_per_flagship is None else sc.min_per_flagship,
        hi=base.hi if sc.max_per_flagship is None else sc.max_per_flagship,
        seat_target=base.seat_target if sc.seat_target is None else sc.seat_target,
        te_budget=base.te_budget if sc.te_budget is None else sc.te_budget,
        registration_budget=base.registration_budget if sc.registration_budget is None else sc.registration_budget,
        non_flagship_seat_cost=(base.non_flagship_seat_cost if sc.non_flagship_seat_cost is None
                                else sc.non_flagship_seat_cost),
    )


# --------------------------------------------------------------------------------------
# evaluation (plain arithmetic, independent of the solver)
# --------------------------------------------------------------------------------------

@dataclass
class Evaluation:
    attendees: float
    te_spend: float
    registration_spend: float
    remaining_te: float
    remaining_registration: float
    objective: float
    within_budgets: bool
    meets_seat_target: bool
    within_bounds: bool
    additional_seats: Optional[int]
    problems: list[str] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return self.within_budgets and self.meets_seat_target and self.within_bounds


def money(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 0.005 else f"{x:,.2f}"


def additional_seats(remaining_te: float, seat_cost: Optional[float]) -> Optional[int]:
    """Second stage: remaining T&E ÷ T&E cost of one non-flagship seat, rounded down (never below 0)."""
    if seat_cost is None or seat_cost <= 0:
        return None
    return max(0, math.floor(remaining_te / seat_cost + EPS))


def seats_ok(total: float, target: Optional[int], rule: SeatRule) -> bool:
    if target is None:
        return True
    if rule == "exactly":
        return abs(total - target) < EPS
    if rule == "at least":
        return total >= target - EPS
    return total <= target + EPS


def evaluate(inst: Instance, x: list[float] | tuple[float, ...]) -> Evaluation:
    te = sum(a * c for a, c in zip(x, inst.te_cost))
    reg = sum(a * c for a, c in zip(x, inst.fee))
    obj = sum(a * d for a, d in zip(x, inst.demand))
    total = sum(x)
    problems = []
    if te > inst.te_budget + EPS:
        problems.append(f"T&E spend {money(te)} is {money(te - inst.te_budget)} over the T&E budget of {money(inst.te_budget)}")
    if reg > inst.registration_budget + EPS:
        problems.append(f"registration spend {money(reg)} is {money(reg - inst.registration_budget)} over the "
                        f"registration budget of {money(inst.registration_budget)}")
    seat = seats_ok(total, inst.seat_target, inst.seat_rule)
    if not seat:
        problems.append(f"{total:g} flagship seats, but the seat target is {inst.target_text()}")
    bounds_ok = True
    for nm, a in zip(inst.names, x):
        if a < inst.lo - EPS or (inst.hi is not None and a > inst.hi + EPS):
            bounds_ok = False
            rng = f"{inst.lo}–{inst.hi}" if inst.hi is not None else f"at least {inst.lo}"
            problems.append(f"{nm}: {a:g} attendees, outside the allowed {rng} per flagship")
    return Evaluation(
        attendees=total, te_spend=te, registration_spend=reg,
        remaining_te=inst.te_budget - te, remaining_registration=inst.registration_budget - reg,
        objective=obj, within_budgets=te <= inst.te_budget + EPS and reg <= inst.registration_budget + EPS,
        meets_seat_target=seat, within_bounds=bounds_ok,
        additional_seats=additional_seats(inst.te_budget - te, inst.non_flagship_seat_cost),
        problems=problems,
    )


# --------------------------------------------------------------------------------------
# solving
# --------------------------------------------------------------------------------------

@dataclass
class SolveOptions:
    solver: str = "cbc"
    time_limit: float = 60.0
    seed: int = 0
    threads: int = 1
    verbose: bool = False
    cancel: CancelToken | None = None  # stops the solve; the best plan found so far is kept


@dataclass
class Plan:
    """Result of one solve (integer programme or LP relaxation)."""

    status: str  # "optimal", "feasible", "infeasible", "no solution", "unbounded"
    x: Optional[list[float]]
    objective: Optional[float]
    seconds: float
    relaxed: bool = False
    n_vars: int = 0
    n_constraints: int = 0

    @property
    def solved(self) -> bool:
        return self.x is not None and self.status in ("optimal", "feasible")


def _build(inst: Instance, objective: str, relaxed: bool, drop: tuple[str, ...] = ()):
    """The model; ``objective`` is "demand" (maximise) or "te"/"registration" (minimise that spend)."""
    sense = pulp.LpMaximize if objective == "demand" else pulp.LpMinimize
    prob = pulp.LpProblem(f"attendance_{objective}", sense)
    cat = pulp.LpContinuous if relaxed else pulp.LpInteger
    x = [pulp.LpVariable(f"attendees_{i}", lowBound=inst.lo, upBound=inst.hi, cat=cat) for i in range(inst.n)]
    if objective == "demand":
        prob += pulp.lpSum(d * v for d, v in zip(inst.demand, x))
    elif objective == "te":
        prob += pulp.lpSum(c * v for c, v in zip(inst.te_cost, x))
    else:
        prob += pulp.lpSum(c * v for c, v in zip(inst.fee, x))
    if "te" not in drop:
        prob += pulp.lpSum(c * v for c, v in zip(inst.te_cost, x)) <= inst.te_budget, "te_budget"
    if "registration" not in drop:
        prob += pulp.lpSum(c * v for c, v in zip(inst.fee, x)) <= inst.registration_budget, "registration_budget"
    if inst.seat_target is not None:
        total = pulp.lpSum(x)
        if inst.seat_rule == "exactly":
            prob += total == inst.seat_target, "seat_target"
        elif inst.seat_rule == "at least":
            prob += total >= inst.seat_target, "seat_target"
        else:
            prob += total <= inst.seat_target, "seat_target"
    return prob, x


def _run(prob, x, opts: SolveOptions, relaxed: bool) -> Plan:
    t0 = time.perf_counter()
    solvers.solve(prob, solvers.SolverOptions(solver=opts.solver, time_limit=opts.time_limit, seed=opts.seed,
                                              threads=opts.threads, mip=not relaxed, verbose=opts.verbose,
                                              cancel=opts.cancel))
    secs = time.perf_counter() - t0
    st = prob.status
    sol = prob.sol_status
    if st == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        status = "infeasible"
    elif st == pulp.LpStatusUnbounded or sol == pulp.LpSolutionUnbounded:
        status = "unbounded"
    elif sol == pulp.LpSolutionOptimal:
        status = "optimal"
    elif sol == pulp.LpSolutionIntegerFeasible:
        status = "feasible"
    else:
        status = "no solution"
    vals = None
    obj = None
    if status in ("optimal", "feasible"):
        vals = [float(v.value() or 0.0) for v in x]
        if not relaxed:
            vals = [float(round(v)) for v in vals]
        else:
            vals = [0.0 if abs(v) < 1e-9 else v for v in vals]
        obj = float(pulp.value(prob.objective) or 0.0)
    return Plan(status=status, x=vals, objective=obj, seconds=secs, relaxed=relaxed,
                n_vars=len(x), n_constraints=prob.numConstraints())


def solve_instance(inst: Instance, opts: SolveOptions, relaxed: bool = False) -> Plan:
    """Maximise Σ demand × attendees (the integer programme, or its LP relaxation)."""
    if inst.n == 0:
        return Plan(status="optimal", x=[], objective=0.0, seconds=0.0, relaxed=relaxed)
    prob, x = _build(inst, "demand", relaxed)
    plan = _run(prob, x, opts, relaxed)
    if plan.x is not None:
        plan.objective = sum(a * d for a, d in zip(plan.x, inst.demand))
    return plan


def min_spend(inst: Instance, which: str, opts: SolveOptions, keep_other_budget: bool) -> Optional[float]:
    """Least T&E (``which="te"``) or registration spend any integer plan with the seat target and the
    per-flagship bounds needs; with ``keep_other_budget`` the other budget must hold too.
    None when no such plan exists at all."""
    drop = ("te", "registration") if not keep_other_budget else (which,)
    prob, x = _build(inst, which, relaxed=False, drop=drop)
    plan = _run(prob, x, replace(opts, time_limit=min(opts.time_limit, 20.0)), relaxed=False)
    if plan.x is None:
        return None
    cost = inst.te_cost if which == "te" else inst.fee
    return sum(a * c for a, c in zip(plan.x, cost))


def explain_infeasible(inst: Instance, opts: SolveOptions) -> str:
    """Why no plan satisfies the case, in words: which limit binds and by how much."""
    n = inst.n
    lo_total = n * inst.lo
    hi_total = None if inst.hi is None else n * inst.hi
    t, rule = inst.seat_target, inst.seat_rule
    what = f"the {t}-seat target" if t is not None and rule == "exactly" else (
        f"the target of {rule} {t} seats" if t is not None else f"the minimum of {inst.lo} per flagship")
    reasons: list[str] = []
    if t is not None:
        if rule in ("exactly", "at most") and t < lo_total:
            reasons.append(f"{what} is below the {lo_total} seats that {n} flagships × at least {inst.lo} "
                           f"need; lower the minimum per flagship or raise the target")
        if rule in ("exactly", "at least") and hi_total is not None and t > hi_total:
            reasons.append(f"{what} is above the {hi_total} seats that {n} flagships × at most {inst.hi} "
                           f"allow; raise the maximum per flagship or lower the target")
    if reasons:
        return "; ".join(reasons) + "."
    te_min = min_spend(inst, "te", opts, keep_other_budget=False)
    reg_min = min_spend(inst, "registration", opts, keep_other_budget=False)
    if te_min is not None and te_min > inst.te_budget + EPS:
        reasons.append(f"{what} needs at least {money(te_min)} of T&E; the budget is {money(inst.te_budget)} "
                       f"({money(te_min - inst.te_budget)} short)")
    if reg_min is not None and reg_min > inst.registration_budget + EPS:
        reasons.append(f"{what} needs at least {money(reg_min)} of registration; the budget is "
                       f"{money(inst.registration_budget)} ({money(reg_min - inst.registration_budget)} short)")
    if reasons:
        return "; ".join(reasons) + "."
    # each budget alone would do, but not both together
    te_joint = min_spend(inst, "te", opts, keep_other_budget=True)
    if te_joint is not None:
        return (f"with registration kept within {money(inst.registration_budget)}, {what} needs at least "
                f"{money(te_joint)} of T&E; the budget is {money(inst.te_budget)} "
                f"({money(te_joint - inst.te_budget)} short).")
    reg_joint = min_spend(inst, "registration", opts, keep_other_budget=True)
    if reg_joint is not None:
        return (f"with T&E kept within {money(inst.te_budget)}, {what} needs at least {money(reg_joint)} of "
                f"registration; the budget is {money(inst.registration_budget)} "
                f"({money(reg_joint - inst.registration_budget)} short).")
    return (f"no whole-number allocation meets {what} within both budgets: the T&E budget "
            f"({money(inst.te_budget)}) and the registration budget ({money(inst.registration_budget)}) "
            "cannot both be kept at once; raise one of them or lower the target.")
