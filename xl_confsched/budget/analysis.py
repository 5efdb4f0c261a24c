"""Everything a solve computes: fixed strategies, the integer programme and its LP relaxation,
the second stage, and every scenario next to the base case."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from .model import (Evaluation, Instance, Plan, SolveOptions, base_instance, evaluate, explain_infeasible,
                    scenario_instance, solve_instance)
from .problem import BudgetProblem, Scenario, Strategy


@dataclass
class StrategyResult:
    strategy: Strategy
    x: list[float]
    evaluation: Evaluation
    notes: list[str]


@dataclass
class CaseResult:
    """The integer programme for the base case or one scenario."""

    instance: Instance
    plan: Plan
    evaluation: Optional[Evaluation]  # of the plan, None when there is none
    explanation: str = ""  # why there is no plan, in words
    scenario: Optional[Scenario] = None

    @property
    def solved(self) -> bool:
        return self.plan.solved and self.evaluation is not None


@dataclass
class Analysis:
    problem: BudgetProblem
    base: CaseResult
    relaxation: Plan
    strategies: list[StrategyResult]
    scenarios: list[CaseResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def gap(self) -> Optional[float]:
        """Integrality gap: LP bound − integer objective (≥ 0 for a maximisation)."""
        if self.relaxation.objective is None or not self.base.solved:
            return None
        return self.relaxation.objective - self.base.evaluation.objective  # type: ignore[union-attr]

    @property
    def gap_relative(self) -> Optional[float]:
        g = self.gap
        if g is None or self.relaxation.objective in (None, 0):
            return None
        return g / abs(self.relaxation.objective)  # type: ignore[arg-type]

    @property
    def relaxation_integral(self) -> bool:
        x = self.relaxation.x
        return x is not None and all(abs(v - round(v)) < 1e-6 for v in x)


def evaluate_strategy(inst: Instance, s: Strategy) -> StrategyResult:
    x = [float(s.headcount)] * inst.n
    ev = evaluate(inst, x)
    notes = []
    if not ev.meets_seat_target:
        notes.append(f"{ev.attendees:g} seats vs the target of {inst.target_text()}")
    if not ev.within_bounds:
        rng = f"{inst.lo}–{inst.hi}" if inst.hi is not None else f"at least {inst.lo}"
        notes.append(f"{s.headcount} per flagship is outside the allowed {rng}")
    if not ev.within_budgets:
        notes.extend(p for p in ev.problems if "over the" in p)
    return StrategyResult(strategy=s, x=x, evaluation=ev, notes=notes)


def solve_case(inst: Instance, opts: SolveOptions, scenario: Scenario | None = None) -> CaseResult:
    plan = solve_instance(inst, opts)
    if plan.solved:
        return CaseResult(inst, plan, evaluate(inst, plan.x), scenario=scenario)  # type: ignore[arg-type]
    if plan.status == "infeasible":
        why = explain_infeasible(inst, opts)
    elif plan.status == "unbounded":
        why = "the model is unbounded: give a maximum per flagship or a budget."
    else:
        why = (f"the solver found no plan within the time limit of {opts.time_limit:g} s; "
               "raise the time limit and solve again.")
    return CaseResult(inst, plan, None, explanation=why, scenario=scenario)


def analyse(problem: BudgetProblem, opts: SolveOptions,
            progress: Callable[[str], None] | None = None) -> Analysis:
    import time

    t0 = time.perf_counter()
    say = progress or (lambda _m: None)
    inst = base_instance(problem)
    say(f"Base case: {inst.n} flagship conferences, {inst.target_text()}, solving the integer programme…")
    base = solve_case(inst, opts)
    relax = solve_instance(inst, opts, relaxed=True)
    strategies = [evaluate_strategy(inst, s) for s in problem.strategies]
    scenarios = []
    for sc in problem.scenarios:
        say(f"Scenario '{sc.name}'…")
        scenarios.append(solve_case(scenario_instance(inst, sc), opts, scenario=sc))
    return Analysis(problem=problem, base=base, relaxation=relax, strategies=strategies,
                    scenarios=scenarios, seconds=time.perf_counter() - t0)
