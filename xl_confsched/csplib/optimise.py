"""Optimise a CSPLib conference schedule: capacity check → session model → time slots.

``optimise(problem, settings, fixed=None, start=None, max_changes=None)`` returns a
:class:`SolveResult`.  The schedule in it is always integer-feasible (or None); its
score is the evaluator's (``evaluate.evaluate``).  ``objective`` is the model's own
value of that schedule (session model + time-slot phase), which the tests compare with
the evaluator's score.

Status, from the solver's own solution status and bound (never PuLP's "Optimal" for a
time-limited run):

* ``optimal`` — the session model was proven optimal and the time-slot phase had
  nothing left to trade off (or was solved to optimality with zero cost);
* ``feasible`` — a schedule with a gap (time limit, Ctrl-C, or slot phase cost);
* ``relaxed`` — a schedule that breaks a hard rule the instance cannot satisfy
  (tracks that must run in parallel rooms; in the paper models an elastic slack);
* ``no schedule`` — the solver found no integer solution in time.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pulp

from ..kinds import SolveSettings
from .capacity import CapacityReport, check_capacity, min_cells
from ..solvers import CbcRun, cbc_version, solve_cbc
from .model import BIG, DEFAULT_HARD_RULES, BuiltModel, build_model, room_classes, session_solution, set_start_values
from .plan import plan_start, prohibitive_cells
from .problem import Problem
from .rules import RULES
from .schedule import Schedule
from .search import apply_values, current_values, greedy_start, improve_parallel, model_value, split_tracks
from .timeslots import assign_timeslots

WORK_NODES = 60  # node limit of every CBC run in fixed-work mode (``--work``)
PLAN_RESTARTS = 200  # restarts of the track packing in fixed-work mode (time-bounded otherwise)
PHASE_A_SHARE = 0.6  # share of the neighbourhood search with one room per track only weighted
TWO_PHASE_MIN_VARIABLES = 3000  # below this CBC usually settles the model with the hard rule directly


def search_workers(settings: SolveSettings) -> int:
    """How many neighbourhood searches run side by side: one per core, at most 2.

    Fixed-work runs (``--work``) use one, so that the same seed gives the same schedule."""
    if (settings.extra or {}).get("work") is not None:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


@dataclass
class SolveResult:
    schedule: Schedule | None
    status: str  # "optimal" | "feasible" | "relaxed" | "no schedule"
    objective: float | None  # the model's value of the schedule (session model + slot phase)
    best_bound: float | None
    gap: float | None  # relative, (objective − bound) / |objective|
    build_seconds: float
    solve_seconds: float
    n_variables: int
    n_constraints: int
    solver: str
    solver_version: str
    model: str  # "full" | "exact" | "extended"
    time_limit: float
    relaxation_notes: list[str] = field(default_factory=list)
    capacity_messages: list[str] = field(default_factory=list)
    term_bounds: dict[str, float] = field(default_factory=dict)
    term_bound_method: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # scope of the model, warm start, interruptions
    interrupted: bool = False
    solver_status: str = ""  # the solver's own words, e.g. "Stopped on time limit"
    slot_objective: float = 0.0
    session_objective: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def optimise(problem: Problem, settings: SolveSettings, fixed: Schedule | None = None,
             start: Schedule | None = None, max_changes: int | None = None) -> SolveResult:
    mode = (settings.model or "full").lower()
    progress = settings.progress
    t_all = time.perf_counter()
    cap = check_capacity(problem)
    for msg in cap.messages:
        if progress:
            progress(f"capacity: {msg}")
    hard_rules = (settings.extra or {}).get("hard_rules", DEFAULT_HARD_RULES)
    built = build_model(problem, mode, split=cap.must_split, fixed=fixed, start=start, max_changes=max_changes,
                        hard_rules=hard_rules)
    if progress:
        progress(f"model ({mode}): {built.n_variables:,} variables, {built.n_constraints:,} constraints, "
                 f"built in {built.build_seconds:.1f}s")
    notes = list(built.ctx.notes)
    if mode == "full":
        notes.append("model scope: a track never runs in two rooms of one session (except tracks that must), and no "
                     "track is placed in a room and session without one of its talks; 'optimal' is within these rules.")
    warm = False
    if start is not None:
        set_start_values(built, start)
        warm = True
        notes.append("warm start from the given schedule")
    threads = settings.threads or 1
    # leave time for the time-slot phase
    # the whole run (build, search, time slots, bookkeeping) stays inside the time limit
    reserve = 1.0 + 0.015 * float(settings.time_limit)
    deadline = t_all + float(settings.time_limit) - reserve
    limit = max(1.0, deadline - time.perf_counter())
    t_solve0 = time.perf_counter()
    solver = (settings.solver or "cbc").lower()
    interrupted = False
    if solver == "highs":
        t0 = time.perf_counter()
        cmd = pulp.HiGHS(msg=settings.verbose, timeLimit=limit, threads=threads, warmStart=warm,
                         random_seed=settings.seed)
        try:
            built.prob.solve(cmd)
        except KeyboardInterrupt:  # HiGHS runs in-process; an interrupt loses its incumbent
            interrupted = True
        solve_s = time.perf_counter() - t0
        has = built.prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible) and not interrupted
        proven = built.prob.sol_status == pulp.LpSolutionOptimal and not interrupted
        bound = None
        try:
            info = built.prob.solverModel.getInfo()
            bound = float(info.mip_dual_bound)
            if not math.isfinite(bound):
                bound = None
        except Exception:
            pass
        version = _highs_version()
        solver_status = pulp.LpStatus[built.prob.status]
        if has and built.prob.status != pulp.LpStatusOptimal:
            solver_status = "time limit reached with a solution"
        if proven:
            try:
                hstat = str(built.prob.solverModel.getModelStatus())
                proven = "Optimal" in hstat or "kOptimal" in hstat
                solver_status = hstat
                if not proven:
                    has = has and built.prob.solverModel.getInfo().primal_solution_status == 2
            except Exception:
                pass
        obj_raw = pulp.value(built.prob.objective) if has else None
    else:
        # pooling identical rooms pays only when it removes many rooms (GECCO-like instances)
        work = (settings.extra or {}).get("work")  # a fixed amount of search: reproducible runs
        lns_ok = fixed is None and max_changes is None
        staged = (mode == "full" and not cap.must_split and lns_ok and start is None
                  and len(room_classes(problem)) <= 0.6 * problem.R and work is None)
        bound_a = None
        t_used = 0.0
        # one room per track as a hard rule: the pooled stages (which cannot see it) and the first part
        # of the search move with it weighted as the instance weighs it, then it is hard again and the
        # tracks left in several rooms are repaired one by one — on the pooled-room instances this
        # beats restoring it straight after the stages (GECCO19 1,000,031 / 1,000,049 against
        # 1,000,048 / 1,020,058; GECCO20 6,220 / 6,210 either way; recolouring every room at once
        # there gave 6,790 twice).  On large models the same two phases follow the greedy start;
        # small ones CBC settles directly with the rule hard.
        weighted_first = staged and "NR" in built.slack
        if staged:
            if weighted_first:
                built.set_slack_weight("NR", 0.0)
            bound_a, t_used = _stage_sessions_then_rooms(problem, built, limit, settings, progress, notes,
                                                         "presenters" if weighted_first else hard_rules)
            warm = bound_a is not None and any(v.varValue is not None for v in built.ctx.y.values())
        two_phase = weighted_first or (mode == "full" and not staged and lns_ok and "NR" in built.slack
                                       and built.n_variables >= TWO_PHASE_MIN_VARIABLES)
        if two_phase:
            built.set_slack_weight("NR", 0.0)
        greedy = None
        if not warm and fixed is None and start is None:
            greedy = greedy_start(built)
            start_note = "search: a greedy schedule (tracks packed into runs of sessions) as the start"
            if lns_ok and mode == "full" and prohibitive_cells(problem):
                # cells nobody should use: the track packing (tracks grid first, then the talks) when it
                # beats the greedy start (elsewhere the greedy start serves the search better: OR60F2
                # 72 against 194 from the packing)
                planned = plan_start(built, min(3.0, 0.05 * settings.time_limit), seed=settings.seed,
                                     submissions_seconds=min(10.0, 0.1 * settings.time_limit),
                                     max_restarts=PLAN_RESTARTS if work is not None else None)
                if planned is not None and (greedy is None or planned[1] < (model_value(built, greedy) or math.inf)):
                    greedy = planned[0]
                    start_note = (f"search: the track packing (tracks grid first, then the talks; model value "
                                  f"{planned[1]:,.0f}) as the start")
                    if two_phase and not split_tracks(built, greedy):
                        # it keeps every track in one room and out of the prohibitive cells: the
                        # search keeps the rule hard throughout (weighted first, ISF22 split 4 tracks,
                        # then repaired them into 3 × 100,000 cells: 301,541 instead of 1,121)
                        two_phase = False
                        built.set_slack_weight("NR", BIG)
            if greedy is not None:
                apply_values(built, greedy)
                warm = True
                notes.append(start_note)
        t_cbc = max(1.0, deadline - time.perf_counter())
        # with a start schedule, CBC gets part of the time (for its bound); the large neighbourhood
        # search around the incumbent gets the rest
        if lns_ok and warm and t_cbc > 8:
            # fixed work: the node limit ends the run; the share is only a safety cap
            # (its bound pays on the pooled-room instances; elsewhere it mostly proves small ones)
            t_cbc = max(4.0, (0.5 if work is not None else 0.25 if staged else 0.1) * t_cbc)
        # the neighbourhood search runs on one copy of the model per core; the copies are built
        # while CBC (a separate process) works on the whole model
        models = [built]
        n_workers = search_workers(settings) if lns_ok else 1
        copier = None
        # large models with a greedy start: CBC's run on the whole model (for the lower bound) goes
        # beside the search, on the second core, instead of before it
        bound_beside = (n_workers > 1 and greedy is not None and not staged and work is None
                        and built.n_variables >= TWO_PHASE_MIN_VARIABLES and deadline - time.perf_counter() > 8)
        beside: dict[str, CbcRun] = {}
        if n_workers > 1:
            def _copies():
                for _ in range(n_workers - 1):
                    c = build_model(problem, mode, split=cap.must_split, fixed=fixed, start=start,
                                    max_changes=max_changes, hard_rules=hard_rules)
                    models.append(c)

            copier = threading.Thread(target=_copies, daemon=True, name="xlcs-copy-model")
            copier.start()
        if bound_beside:
            run = CbcRun(result="", version=cbc_version())
        elif work is not None and greedy is not None:
            # fixed work: the greedy start and the node-limited neighbourhood search only (CBC's root
            # processing of the whole model is long and stopped by time, which would not repeat)
            run = CbcRun(result="not run (fixed work: neighbourhood search from the greedy start)",
                         version=cbc_version())
        else:
            run = solve_cbc(built.prob, t_cbc, seed=settings.seed, threads=threads,
                            warm_start=warm, progress=progress, verbose=settings.verbose, constant=built.constant,
                            max_nodes=WORK_NODES if work is not None else None)
        if copier is not None:
            copier.join()
            for c in models[1:]:
                for key, w in built.slack_weight.items():
                    c.set_slack_weight(key, w)

        def set_nr(weight: float) -> None:
            for b in models:
                b.set_slack_weight("NR", weight)

        def bound_run(copy: BuiltModel):
            """CBC on the whole model (a copy) from the greedy start: its bound, and any better schedule."""
            apply_values(copy, greedy)
            r = solve_cbc(copy.prob, t_cbc, seed=settings.seed, threads=threads, warm_start=True,
                          constant=copy.constant)
            beside["run"] = r
            vals = current_values(copy) if r.has_solution else None
            return (vals, float(pulp.value(copy.prob.objective))) if vals is not None else None

        solve_s = run.seconds + t_used
        has, proven, interrupted = run.has_solution, run.proven_optimal, run.interrupted
        bound = run.bound + built.constant if run.bound is not None else None
        if bound_a is not None:
            bound = max(bound, bound_a) if bound is not None else bound_a
        version = run.version or cbc_version()
        solver_status = run.result
        obj_raw = pulp.value(built.prob.objective) if has else None
        if has and bound is not None and obj_raw is not None and obj_raw <= bound + 1e-6:
            proven = True
        if two_phase and has and proven and split_tracks(built, current_values(built) or {}):
            proven = False  # optimal only with one room per track weighted: the hard phase follows
        if lns_ok and not proven and not interrupted and deadline - time.perf_counter() > 3:
            values = current_values(built) if has else None
            inc = obj_raw
            if values is None and greedy is not None:
                values = greedy
                inc = model_value(built, greedy)
            if values is not None and inc is not None:
                if progress:
                    progress(f"neighbourhood search from {inc:,.0f} until the time limit")
                # leave time for the exact model value of the result and the time-slot phase
                lns_deadline = deadline - 0.5 - built.n_variables / 40000 - min(10.0, settings.time_limit / 40)
                stats: dict = {}
                n_imp = n_sub = 0
                work_left = int(work) if work is not None else None
                if two_phase:
                    t_b = time.perf_counter() + PHASE_A_SHARE * (lns_deadline - time.perf_counter())
                    work_a = int(PHASE_A_SHARE * work) if work is not None else None
                    values, inc, n_imp, n_sub = improve_parallel(models, values, inc, t_b, seed=settings.seed,
                                                                 progress=progress, stats=stats, recolour_every=8,
                                                                 prelude=bound_run if bound_beside else None,
                                                                 max_iterations=work_a,
                                                                 max_nodes=WORK_NODES if work is not None else None)
                    if work_left is not None:
                        work_left -= work_a
                    set_nr(BIG)
                    inc = model_value(built, values) or inc
                    if progress:
                        progress(f"one room per track hard again from {inc:,.0f} "
                                 f"({len(split_tracks(built, values))} track(s) in several rooms to repair)")
                n_imp2 = n_sub2 = 0
                # pooled-room plans repair split tracks one by one; the last part of the search keeps a
                # reassignment of every room (sessions kept) for the tracks still split then (GECCO20 in
                # 15 s: one track left in two rooms otherwise)
                fallback = staged and "NR" in built.slack and work is None
                repair_deadline = lns_deadline - (min(2.0, 0.15 * settings.time_limit) if fallback else 0.0)
                if not stats.get("interrupted"):
                    values, inc, n_imp2, n_sub2 = improve_parallel(
                        models, values, inc, repair_deadline, seed=settings.seed + (1 if two_phase else 0),
                        progress=progress, stats=stats, repair="NR" in built.slack, max_iterations=work_left,
                        recolour_every=0 if staged else 8, max_nodes=WORK_NODES if work is not None else None,
                        recolour_first=not staged,
                        prelude=bound_run if bound_beside and not two_phase else None)
                if fallback and not stats.get("interrupted"):
                    values, inc, n_imp3, n_sub3 = improve_parallel(
                        models, values, inc, lns_deadline, seed=settings.seed + 2, progress=progress, stats=stats,
                        repair=True, recolour_first=True)
                    n_imp2, n_sub2 = n_imp2 + n_imp3, n_sub2 + n_sub3
                if work is not None:
                    notes.append(f"fixed work: {int(work)} neighbourhood sub-problems of at most {WORK_NODES} nodes "
                                 "each; the same seed gives the same schedule"
                                 + (" — but the time limit cut it short this time, so this run may not repeat"
                                    if stats.get("deadline_hit") or run.timed_out or
                                    (run.result or "").lower().startswith("stopped on time") else ""))
                n_imp, n_sub = n_imp + n_imp2, n_sub + n_sub2
                if beside.get("run") is not None:
                    r = beside["run"]
                    solver_status = r.result
                    if r.bound is not None:
                        bound = max(bound, r.bound + built.constant) if bound is not None else r.bound + built.constant
                    notes.append(f"CBC on the whole model ran beside the search for {r.seconds:.0f} s (lower bound)")
                interrupted = interrupted or bool(stats.get("interrupted"))
                apply_values(built, values)  # also the variables' current values
                has, obj_raw = True, inc
                notes.append(f"large neighbourhood search: {n_imp} improvement(s) in {n_sub} sub-problems"
                             + (f", {len(models)} searches side by side sharing the best schedule"
                                if len(models) > 1 else ""))
                if bound is not None and obj_raw <= bound + 1e-6:
                    proven = True
                else:
                    proven = False
                    solver_status = "best schedule of the neighbourhood search at the time limit"
        if two_phase and built.slack_weight.get("NR") != BIG:  # the search did not reach the hard phase
            set_nr(BIG)
            values = current_values(built) if has else None
            if values is not None:
                obj_raw = model_value(built, values) or obj_raw
                apply_values(built, values)
    result = SolveResult(schedule=None, status="no schedule", objective=None, best_bound=bound, gap=None,
                         build_seconds=built.build_seconds, solve_seconds=solve_s, n_variables=built.n_variables,
                         n_constraints=built.n_constraints, solver=solver, solver_version=version, model=mode,
                         time_limit=float(settings.time_limit), capacity_messages=list(cap.messages), notes=notes,
                         interrupted=interrupted, solver_status=solver_status)
    result.term_bounds, result.term_bound_method = term_bounds(problem, cap)
    if mode == "full":
        # every term is ≥ its own bound, so their sum bounds the total (and beats a weak LP bound)
        floor = sum(result.term_bounds.values())
        bound = floor if bound is None else max(bound, floor)
        result.best_bound = bound
    result.solve_seconds = time.perf_counter() - t_solve0
    if interrupted:
        notes.append("stopped by Ctrl-C: the best schedule found so far is returned")
    if not has:
        result.relaxation_notes = list(cap.messages)
        return result
    grid, place = session_solution(built)
    fixed_slots = {}
    if fixed is not None:
        for n, cells in fixed.cells_of().items():
            fixed_slots[n] = cells[0][2]
    slots = assign_timeslots(problem, grid, place, fixed_slots=fixed_slots,
                             time_limit=max(1.0, min(10.0, settings.time_limit / 20)), solver=solver,
                             seed=settings.seed, order_tracks=built.ctx.split if mode == "full" else ())
    notes.extend(slots.notes)
    result.schedule = slots.schedule
    result.session_objective = obj_raw
    result.slot_objective = slots.objective
    # the model's own value: session model (with its tight auxiliaries) + slot phase
    if mode == "full":
        # a time-limited incumbent may leave an auxiliary above its least value: re-solve with the
        # grid and the session choices fixed to get the schedule's exact model value
        values = current_values(built)
        tight = obj_raw if proven or values is None else (model_value(built, values) or obj_raw)
        apply_values(built, values or {})
        # the hard rules' elastic slack is not part of the evaluator's objective
        result.extra["elastic_penalty"] = built.slack_value()
        result.objective = tight - result.extra["elastic_penalty"] + slots.objective
    else:
        result.objective = obj_raw
    if bound is not None and result.objective is not None:
        if mode == "full":
            b = min(bound, result.objective)
            result.best_bound = b
            result.gap = (result.objective - b) / abs(result.objective) if result.objective else 0.0
        else:
            result.gap = (obj_raw - bound) / abs(obj_raw) if obj_raw else 0.0
    # status
    relaxed_items = _relaxation_notes(problem, built, cap, result.schedule)
    result.relaxation_notes = relaxed_items
    if relaxed_items:
        result.status = "relaxed"
    elif proven and not interrupted and slots.optimal and (slots.objective == 0 or mode != "full"):
        result.status = "optimal"
        if mode == "full":
            result.best_bound = result.objective
            result.gap = 0.0
    else:
        result.status = "feasible"
    result.solve_seconds = time.perf_counter() - t_solve0
    if progress:
        progress(f"done in {time.perf_counter() - t_all:.1f}s: {result.status}, objective {result.objective}")
    return result


def _stage_sessions_then_rooms(problem: Problem, built: BuiltModel, limit: float, settings: SolveSettings,
                               progress, notes: list[str], hard_rules: str) -> tuple[float | None, float]:
    """Search stage of the full model: sessions with pooled identical rooms, then rooms for that plan.

    Leaves the full model's variables at the staged schedule's values (a warm start) and
    returns (lower bound from the pooled model, seconds used).  The pooled model relaxes
    identical rooms (rooms per track counted per class of rooms), so its bound is a valid
    lower bound of the full model."""
    t0 = time.perf_counter()
    agg = build_model(problem, "full", aggregate=True, hard_rules=hard_rules)
    t_a = 0.25 * limit
    if progress:
        progress(f"stage 1: sessions with pooled rooms ({agg.n_variables:,} variables), up to {t_a:.0f}s")
    run_a = solve_cbc(agg.prob, t_a, seed=settings.seed, threads=settings.threads or 1,
                      progress=progress, constant=agg.constant)
    if not run_a.has_solution:
        return None, time.perf_counter() - t0
    bound_a = (run_a.bound + agg.constant) if run_a.bound is not None else None
    if run_a.proven_optimal:
        bound_a = pulp.value(agg.prob.objective)
    ctx, actx = built.ctx, agg.ctx
    classes = room_classes(problem)
    allowed = set()
    for (k, s, c), v in actx.y.items():
        if round(v.varValue or 0):
            allowed.update((k, s, r) for r in classes[c])
    saved = []
    for (n, s), v in ctx.x.items():
        saved.append((v, v.lowBound, v.upBound))
        val = round(actx.x[(n, s)].varValue or 0) if (n, s) in actx.x else 0
        v.lowBound = v.upBound = val
    for (k, s, r), v in ctx.y.items():
        if (k, s, r) not in allowed:
            saved.append((v, v.lowBound, v.upBound))
            v.upBound = 0
    t_b = max(2.0, 0.08 * limit)
    if progress:
        progress(f"stage 2: rooms for that session plan, up to {t_b:.0f}s")
    try:
        run_b = solve_cbc(built.prob, t_b, seed=settings.seed, threads=settings.threads or 1,
                          progress=progress, constant=built.constant)
    finally:
        for v, lo, hi in saved:
            v.lowBound, v.upBound = lo, hi
    if not run_b.has_solution:
        for v in built.prob.variables():
            v.varValue = None
        return bound_a, time.perf_counter() - t0
    for v in built.prob.variables():
        if v.varValue is not None:
            v.setInitialValue(v.varValue)
    notes.append("search: sessions with pooled rooms, then rooms, then the whole model from that schedule")
    return bound_a, time.perf_counter() - t0


def _highs_version() -> str:
    try:
        import highspy

        h = highspy.Highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:
        return "?"


# ====================================================================== relaxation in organiser's words

def _relaxation_notes(problem: Problem, built: BuiltModel, cap: CapacityReport, sched: Schedule) -> list[str]:
    from .evaluate import evaluate

    notes = []
    ev = evaluate(problem, sched)
    p = problem
    mode = built.ctx.mode
    for k in sorted(cap.must_split):
        rooms = sorted({r for (s, r), kk in sched.grid.items() if kk == k})
        par = [s for s in range(p.S) if sum(1 for (s2, r), kk in sched.grid.items() if kk == k and s2 == s) > 1]
        notes.append(
            f"track {p.tracks[k].name} needs {cap.track_demand[k]} slots but one room offers at most "
            f"{cap.room_capacity} over the {p.S} sessions: it uses {len(rooms)} rooms "
            f"({', '.join(p.rooms[r] for r in rooms)})"
            + (f" and runs in parallel rooms in {', '.join(p.sessions[s].name for s in par)}." if par else "."))
    for n in cap.unplaceable:
        notes.append(f"submission {p.submissions[n].ref} is longer than every session and was left out.")
    if mode in ("exact", "extended") or built.slack:
        if mode == "full":  # only the hard rules this run enforced (the rest are weighted terms)
            hard = [key for key in ("NR", "PAR", "PC") if key in built.slack]
        else:
            hard = ["NR", "PAR", "PC"] + (["AC", "CC", "SIM"] if mode == "extended" else [])
        for key in hard:
            t = ev.term(key)
            for v in t.violations:
                if key in ("NR", "PAR") and any(p.tracks[k].name in v.items for k in cap.must_split):
                    continue
                notes.append(f"could not satisfy the {t.info.name} rule: {v.facts}.")
    return notes


# ====================================================================== per-term lower bounds

def term_bounds(problem: Problem, cap: CapacityReport) -> tuple[dict[str, float], dict[str, str]]:
    """The least weighted penalty each active term could reach on its own (a lower bound)."""
    p = problem
    bounds: dict[str, float] = {}
    how: dict[str, str] = {}
    m = [s.slots for s in p.sessions]
    cells = {k: min_cells(p, k, 1) if k not in cap.min_rooms else min_cells(p, k, cap.min_rooms[k])
             for k in range(p.T)}
    for rule in RULES:
        key = rule.key
        if not rule.active(p):
            continue
        w = rule.weight(p)
        lb = 0.0
        method = "0: can be met alone"
        if key == "TS":
            lb = sum(sum(sorted(p.track_session.get((k, s), 0) for s in range(p.S))[:min(cells[k], p.S)])
                     for k in range(p.T))
            method = "combinatorial: each track's cheapest sessions, as many as it needs at least"
        elif key == "TR":
            lb = sum(cells[k] * min(p.track_room.get((k, r), 0) for r in range(p.R)) for k in range(p.T))
            method = "combinatorial: each track's fewest cells × its cheapest room"
        elif key == "SR":
            need = sum(cells.values())
            lb = sum(sorted(p.session_room.get((s, r), 0) for s in range(p.S) for r in range(p.R))[:need])
            method = "combinatorial: the cheapest session-room cells, as many as the tracks need at least"
        elif key in ("TZ", "SS"):
            for n, sub in enumerate(p.submissions):
                if n in cap.unplaceable:
                    continue
                vals = [(p.derived.tz.get((n, s), 0) if key == "TZ" else sub.session_penalty.get(s, 0))
                        for s in range(p.S) if m[s] >= sub.required_slots]
                lb += sub.required_slots * min(vals)
            method = "combinatorial: every talk in its cheapest session that can hold it"
        elif key == "SP":
            lb = sum(sub.required_slots * min(sub.room_penalty.get(r, 0) for r in range(p.R))
                     for sub in p.submissions)
            method = "combinatorial: every talk in its cheapest room"
        elif key == "NR":
            lb = sum(r - 1 for r in cap.min_rooms.values())
            method = "capacity check: rooms the largest tracks need at least"
        elif key == "PAR":
            lb = sum(max(0, cells[k] - p.S) for k in cap.min_rooms)
            method = "capacity check: cells beyond one per session for tracks that must run in parallel"
        elif key == "ORD":
            for k, subs in enumerate(p.submissions_of_track):
                for n in subs:
                    o = p.submissions[n].order
                    if o is None or (o != 0 and o > len(subs)):
                        lb += 1
            method = "count of talks whose Order can never hold (empty/text, or beyond the track's size)"
        elif key == "STRUCT":
            lb = 1_000_000_000 if any(p.submissions[n].required_slots >= 2 for n in cap.unplaceable) else 0
            method = "0 unless a multi-slot talk is longer than every session"
        bounds[key] = float(lb * (w if rule.info.weight_cell else 1))
        how[key] = method
    return bounds, how
