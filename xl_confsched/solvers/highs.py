"""HiGHS (highspy, in-process): interrupt callbacks for the watchdog, cancel and Ctrl-C; the true status."""

from __future__ import annotations

import functools
import math
import threading
import time
from typing import Callable

import pulp

from . import common
from .common import CancelToken, SolverRun, constant_of, current_cancel, progress_line, sense_of

@functools.lru_cache(maxsize=None)
def highs_version() -> str:
    try:
        import highspy

        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # noqa: BLE001
        return "?"


def highs_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("highspy") is not None


def solve_highs(prob: pulp.LpProblem, time_limit: float, seed: int = 0, threads: int | None = None,
                warm_start: bool = False, progress: Callable[[str], None] | None = None, verbose: bool = False,
                constant: float | None = None, gap_abs: float | None = None, gap_rel: float | None = None,
                max_nodes: int | None = None, mip: bool = True, cancel: CancelToken | None = None) -> SolverRun:
    """Run HiGHS on ``prob`` in a worker thread (highspy releases the GIL while it solves).

    The interrupt callbacks stop it — keeping its incumbent — on the cancel token, on Ctrl-C in the
    calling thread and a little after its time limit (HiGHS checks its own limit, this is the
    watchdog); the improving-solution callback feeds the progress lines.
    """
    cancel = current_cancel(cancel)
    sense = sense_of(prob)
    const = constant_of(prob, constant)
    run = SolverRun(solver="highs", sense=sense, version=highs_version())
    if cancel is not None and cancel.cancelled:
        run.cancelled = run.interrupted = True
        run.result = "cancelled before the start"
        prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        return run
    if not highs_available():
        raise RuntimeError("the solver HiGHS is not installed (pip install highspy); choose the solver cbc instead")
    import highspy

    options = {"random_seed": int(seed)}
    if max_nodes is not None:
        options["mip_max_nodes"] = int(max_nodes)
    cmd = pulp.HiGHS(mip=mip, msg=verbose, timeLimit=max(0.1, float(time_limit)), gapRel=gap_rel, gapAbs=gap_abs,
                     threads=threads if threads and threads > 1 else None, **options)
    cmd.createAndConfigureSolver(prob)
    cmd.buildSolverModel(prob)
    h = prob.solverModel
    if warm_start:
        _highs_set_start(h, prob)
    t0 = time.perf_counter()
    stop = threading.Event()
    state = {"last": time.monotonic()}

    def report(msg: str) -> None:
        if progress is not None:
            progress(msg)
            state["last"] = time.monotonic()

    def shown(v: float | None) -> float | None:
        return v + const if v is not None else None

    def finite(v: float) -> float | None:
        return float(v) if v is not None and math.isfinite(v) and abs(v) < 1e40 else None

    def on_solution(e) -> None:
        obj = finite(e.data_out.objective_function_value)
        if obj is None:
            return
        run.has_solution = True
        run.objective = sense * obj
        b = finite(e.data_out.mip_dual_bound)
        if b is not None:
            run.bound = sense * b
        report(progress_line(time.perf_counter() - t0, shown(run.objective), shown(run.bound), "HiGHS: new solution"))

    def on_interrupt(e) -> None:
        b = finite(getattr(e.data_out, "mip_dual_bound", None))
        if b is not None:
            run.bound = sense * b
        if stop.is_set():
            e.interrupt()
        elif progress is not None and time.monotonic() - state["last"] >= common.HEARTBEAT_SECONDS:
            report(progress_line(time.perf_counter() - t0, shown(run.objective) if run.has_solution else None,
                                 shown(run.bound), "HiGHS working"))

    h.cbMipImprovingSolution.subscribe(on_solution)
    for cb in (h.cbMipInterrupt, h.cbSimplexInterrupt, h.cbIpmInterrupt):
        cb.subscribe(on_interrupt)
    unsubscribe = cancel.on_cancel(stop.set) if cancel is not None else (lambda: None)
    outcome: dict[str, object] = {}

    finished = threading.Event()

    def work() -> None:
        try:
            outcome["status"] = h.run()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            outcome["error"] = exc
        finally:
            reset = getattr(highspy.Highs, "resetThreadScheduler", None)
            if reset is not None:  # as highspy's own threaded solve does (Windows deadlock)
                try:
                    reset(False)
                except Exception:  # noqa: BLE001
                    pass
            finished.set()

    worker = threading.Thread(target=work, daemon=True, name="xlcs-highs")
    grace = max(1.0, 0.05 * time_limit)
    worker.start()
    try:
        # an Event, not worker.join(): a KeyboardInterrupt during Thread.join can leave the thread
        # marked as stopped while it still runs (CPython 3.11)
        while not finished.is_set():
            try:
                finished.wait(common.WATCHDOG_POLL)
            except KeyboardInterrupt:
                run.interrupted = True
                stop.set()
                report("Interrupted: asking HiGHS to stop and return its best solution…")
                continue
            if cancel is not None and cancel.cancelled and not stop.is_set():
                stop.set()
            if not stop.is_set() and time.perf_counter() - t0 > time_limit + grace:
                run.timed_out = True
                stop.set()
    finally:
        unsubscribe()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    if cancel is not None and cancel.cancelled:
        run.cancelled = run.interrupted = True
    run.seconds = time.perf_counter() - t0
    _read_highs_solution(run, cmd, prob, h, mip)
    return run


def _highs_set_start(h, prob: pulp.LpProblem) -> None:
    import highspy

    values = [float(v.varValue) if v.varValue is not None else 0.0 for v in prob.variables()]
    sol = highspy.HighsSolution()
    sol.col_value = values
    sol.value_valid = True
    try:
        h.setSolution(sol)
    except Exception:  # noqa: BLE001 - a start HiGHS refuses is only a missed head start
        pass


def _read_highs_solution(run: SolverRun, cmd, prob: pulp.LpProblem, h, mip: bool) -> None:
    import highspy

    S = highspy.HighsModelStatus
    status = h.getModelStatus()
    info = h.getInfo()
    run.result = h.modelStatusToString(status)
    run.proven_optimal = status == S.kOptimal
    run.infeasible = status == S.kInfeasible
    run.unbounded = status in (S.kUnbounded, S.kUnboundedOrInfeasible)
    run.time_limit_reached = status == S.kTimeLimit
    run.node_limit_reached = status == S.kSolutionLimit or "node" in run.result.lower()
    feasible = int(getattr(info, "primal_solution_status", 0)) == 2  # kSolutionStatusFeasible
    if mip:
        bound = float(info.mip_dual_bound)
        if math.isfinite(bound) and abs(bound) < 1e40:
            run.bound = run.sense * bound
    if feasible and not run.infeasible and not run.unbounded:
        cmd.findSolutionValues(prob)
        for var in prob.variables():
            var.modified = False
            if run.sense < 0 and var.dj is not None:  # PuLP's HiGHS minimises −objective: duals as CBC's
                var.dj = -var.dj
        if run.sense < 0:
            for c in prob.constraints.values():
                if c.pi is not None:
                    c.pi = -c.pi
        run.has_solution = True
        run.objective = float(pulp.value(prob.objective) or 0.0) - constant_of(prob, None)
        if run.proven_optimal:
            prob.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
            run.bound = run.objective if (not mip or run.bound is None) else run.bound
        else:
            prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible)
    else:
        run.has_solution = False
        if run.infeasible:
            prob.assignStatus(pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible)
        elif run.unbounded:
            prob.assignStatus(pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded)
        else:
            prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
    if run.proven_optimal and not mip and run.objective is not None:
        run.bound = run.objective
