"""CBC — PuLP's bundled binary — run with a live log, a watchdog, cancel and the true status."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import tempfile
import time
from typing import Callable

import pulp

from . import processes
from .common import CancelToken, SolverRun, constant_of, current_cancel, progress_line, sense_of

_NUM = r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
RE_INCUMBENT = re.compile(r"Integer solution of " + _NUM + r".*\((" + r"\d+(?:\.\d+)?" + r") seconds\)")
RE_HEUR = re.compile(r"(?:Mini branch and bound improved solution from \S+ to|Solution found of|"
                     r"Rounding solution of|Freeing continuous variables gives a solution of) " + _NUM)
RE_NODES = re.compile(r"After (\d+) nodes, \d+ on tree, " + _NUM + r" best solution, best possible " + _NUM
                      + r" \((\d+(?:\.\d+)?) seconds\)")
RE_PARTIAL = re.compile(r"best objective " + _NUM + r" \(best possible " + _NUM + r"\)")
RE_BOUND = re.compile(r"^(?:Lower|Upper) bound:\s+" + _NUM)
RE_OBJ = re.compile(r"^Objective value:\s+" + _NUM)
RE_CONT = re.compile(r"Continuous objective value is " + _NUM)
RE_RESULT = re.compile(r"^Result - (.*)$")
RE_VERSION = re.compile(r"Version:\s*(\S+)")


def cbc_path() -> str:
    """PuLP's bundled CBC binary."""
    return pulp.PULP_CBC_CMD().path


@functools.lru_cache(maxsize=None)
def cbc_version() -> str:
    try:
        out = subprocess.run([cbc_path(), "-quit"], capture_output=True, text=True, timeout=10,
                             stdin=subprocess.DEVNULL, **processes.quiet_popen_kwargs()).stdout
        m = RE_VERSION.search(out)
        return m.group(1) if m else "?"
    except Exception:  # noqa: BLE001 - a version string is never worth a failed solve
        return "?"


def cbc_thread_args(threads: int | None) -> list[str]:
    """CBC's thread option: only for more than one thread (see the module docstring)."""
    return ["-threads", str(int(threads))] if threads and threads > 1 else []


def cbc_args(path: str, mps: str, sol: str, time_limit: float, *, mst: str | None = None, maximise: bool = False,
             threads: int | None = None, seed: int = 0, gap_abs: float | None = None, gap_rel: float | None = None,
             max_nodes: int | None = None, mip: bool = True) -> list[str]:
    """The CBC command line of one run."""
    args = [path, mps]
    if maximise:
        args.append("-max")
    if mst is not None:
        args += ["-mips", mst]
    args += ["-sec", f"{max(0.1, time_limit):.2f}", "-timeMode", "elapsed"]
    args += cbc_thread_args(threads)
    args += ["-randomSeed", str(seed + 1), "-randomCbcSeed", str(seed + 1)]
    if gap_abs is not None:
        args += ["-allow", str(gap_abs)]
    if gap_rel is not None:
        args += ["-ratio", str(gap_rel)]
    if max_nodes is not None:
        args += ["-maxNodes", str(int(max_nodes))]
    args += ["-solve" if mip else "-initialSolve", "-printingOptions", "all", "-solution", sol]
    return args


def solve_cbc(prob: pulp.LpProblem, time_limit: float, seed: int = 0, threads: int = 1,
              warm_start: bool = False, progress: Callable[[str], None] | None = None,
              verbose: bool = False, constant: float | None = None, gap_abs: float | None = None,
              max_nodes: int | None = None, kill_after: float = 10.0, cancel: CancelToken | None = None,
              gap_rel: float | None = None, mip: bool = True) -> SolverRun:
    """Run PuLP's bundled CBC on ``prob``; see the module docstring.

    ``kill_after``: seconds CBC gets to stop after the watchdog's (or the cancel's) stop request
    before it is killed (its incumbent is then lost: sub-problems of a search, whose caller keeps
    its own incumbent, pass a short one).  ``constant`` is added to the values of the progress
    lines (default: the objective's own constant); ``run.objective``/``run.bound`` never include it.
    """
    cancel = current_cancel(cancel)
    sense = sense_of(prob)
    const = constant_of(prob, constant)
    run = SolverRun(solver="cbc", sense=sense)
    if cancel is not None and cancel.cancelled:
        run.cancelled = run.interrupted = True
        run.result = "cancelled before the start"
        run.version = cbc_version()
        prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound)
        return run
    cmd = pulp.PULP_CBC_CMD(msg=False)
    tmp = tempfile.mkdtemp(prefix="xlcs_cbc_")
    mps, sol, mst = (os.path.join(tmp, f) for f in ("model.mps", "model.sol", "start.mst"))
    launched: processes.Launched | None = None
    watchdog: processes.Watchdog | None = None
    try:
        vs, vnames, cnames, _ = prob.writeMPS(mps, rename=1)
        if warm_start:
            cmd.writesol(mst, prob, vs, vnames, cnames)
        args = cbc_args(cmd.path, mps, sol, time_limit, mst=mst if warm_start else None,
                        maximise=sense < 0, threads=threads, seed=seed, gap_abs=gap_abs, gap_rel=gap_rel,
                        max_nodes=max_nodes, mip=mip)
        t0 = time.perf_counter()
        last_report = -1.0
        nodes_seen = [""]

        def report(msg: str) -> None:
            nonlocal last_report
            if progress is not None:
                progress(msg)
                last_report = time.perf_counter()
                if watchdog is not None:
                    watchdog.last_report = time.monotonic()

        def shown(v: float | None) -> float | None:
            return v + const if v is not None else None

        def heartbeat() -> None:
            best = run.objective if run.has_solution else None
            report(progress_line(time.perf_counter() - t0, shown(best), shown(run.bound),
                                 "CBC " + (f"at {nodes_seen[0]} nodes" if nodes_seen[0] else "working")))

        def handle(line: str) -> None:
            line = line.rstrip("\n")
            run.log.append(line)
            if verbose:
                print(line, flush=True)
            el = time.perf_counter() - t0
            m = RE_INCUMBENT.search(line)
            if m:
                run.has_solution = True
                run.objective = sense * float(m.group(1))
                report(progress_line(el, shown(run.objective), shown(run.bound), "CBC: new solution"))
                return
            m = RE_HEUR.search(line)
            if m:
                run.has_solution = True
                run.objective = sense * float(m.group(1))
                report(progress_line(el, shown(run.objective), shown(run.bound), "CBC heuristic: new solution"))
                return
            m = RE_NODES.search(line)
            if m:
                nodes_seen[0] = m.group(1)
                if abs(float(m.group(2))) < 1e40:
                    run.objective = sense * float(m.group(2))
                run.bound = sense * float(m.group(3))
                if time.perf_counter() - last_report > 2.0:
                    best = run.objective if run.has_solution else None
                    report(progress_line(el, shown(best), shown(run.bound), f"CBC at {m.group(1)} nodes"))
                return
            m = RE_CONT.search(line)
            if m:
                run.bound = float(m.group(1))  # CBC prints this one in the problem's own sense
                report(progress_line(el, shown(run.objective) if run.has_solution else None, shown(run.bound),
                                     "CBC: root relaxation solved"))
                return
            m = RE_PARTIAL.search(line)
            if m:
                run.bound = sense * float(m.group(2))
                return
            m = RE_BOUND.search(line)
            if m:
                run.bound = float(m.group(1))
                return
            m = RE_OBJ.search(line)
            if m:
                run.objective = float(m.group(1))
                return
            m = RE_RESULT.search(line)
            if m:
                # CBC 2.10 writes "User ctrl-cuser ctrl-c" after a SIGINT
                run.result = re.sub(r"(?i)(user ctrl-c)+", "User ctrl-c", m.group(1).strip())
                return
            m = RE_VERSION.search(line)
            if m and not run.version:
                run.version = m.group(1)

        launched = processes.launch(args)
        grace = max(1.0, 0.05 * time_limit)
        watchdog = processes.Watchdog(launched, run, time.monotonic() + time_limit + grace, kill_after, cancel,
                                      heartbeat if progress is not None else None).start()
        lines = processes.lines_until_exit(launched, on_interrupt=lambda: _interrupted(run, report, watchdog))
        while True:  # a Ctrl-C while a line is being handled (or reported) does not end the reading either
            try:
                for line in lines:
                    handle(line)
                break
            except KeyboardInterrupt:
                _interrupted(run, report, watchdog)
        run.exit_code = launched.proc.wait()
        watchdog.close()
        run.seconds = time.perf_counter() - t0
        _read_cbc_solution(run, prob, sol, vnames, cnames, mip)
        if run.exit_code != 0 and not run.killed:
            _crashed(run, prob, warm_start)
        return run
    finally:
        if watchdog is not None:
            watchdog.close()
        if launched is not None and launched.proc.poll() is None:  # only after an unexpected error
            processes.kill(launched.proc)
            launched.proc.wait()
        for f in (mps, sol, mst):
            if os.path.exists(f):
                os.unlink(f)
        try:
            os.rmdir(tmp)
        except OSError:  # pragma: no cover
            pass


def _interrupted(run: SolverRun, report: Callable[[str], None], watchdog: processes.Watchdog) -> None:
    """Ctrl-C in the solving thread: ask CBC to stop; it writes its best solution."""
    run.interrupted = True
    report("Interrupted: asking CBC to stop and return its best solution…")
    watchdog.request_stop()


def _crashed(run: SolverRun, prob: pulp.LpProblem, warm_start: bool) -> None:
    """CBC ended by itself with an error (CBC 2.10 now and then segfaults when its time limit hits
    right after it accepted a MIP start, before writing its solution): say so; when it had
    accepted the start ("MIPStart provided solution"), that start — still in the variables — is a
    solution CBC checked, so it is kept."""
    run.crashed = True
    code = run.exit_code
    how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
    run.result = f"CBC ended unexpectedly ({how}) after: {run.result or 'no result line'}"
    if run.has_solution or not warm_start or not any("MIPStart provided solution" in line for line in run.log):
        return
    if any(v.varValue is None for v in prob.variables()):
        return
    run.has_solution = True
    run.objective = float(pulp.value(prob.objective) or 0.0) - constant_of(prob, None)
    prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible)


def _read_cbc_solution(run: SolverRun, prob: pulp.LpProblem, sol: str, vnames, cnames, mip: bool) -> None:
    """Read CBC's solution file into ``prob`` and set the run's true status."""
    res = run.result.lower()
    first = ""
    if os.path.exists(sol):
        with open(sol) as f:
            first = f.readline().strip()
    head = first.lower()
    if not run.result:  # an LP, or a MIP that CBC's presolve settled ("Problem is infeasible")
        run.result = first.split(" - objective value")[0] if first else ""
        res = run.result.lower()
    run.proven_optimal = (res.startswith("optimal") and "gap" not in res) or (not mip and head.startswith("optimal"))
    run.infeasible = "infeasible" in res or head.startswith("infeasible")
    run.unbounded = "unbounded" in res or head.startswith("unbounded")
    run.time_limit_reached = "time" in res and not run.timed_out
    run.node_limit_reached = "node" in res
    values = None
    if first:
        # "Optimal - objective value 433", "Stopped on time - objective value 433",
        # "Stopped on ctrl-c - objective value ..." (a solution), "Stopped on time (no integer solution…",
        # "Infeasible - objective value …" (none)
        usable = "objective value" in head and not head.startswith("infeasible") \
            and not head.startswith("unbounded") and "no integer solution" not in head
        if not mip:
            usable = head.startswith("optimal")
        read = read_sol_file(sol, vnames, cnames) if usable else None
        if read is not None:
            values, reduced, shadow, slacks = read
    if values is not None:  # the status line says there is a solution, and the file is complete
        prob.assignVarsVals(values)
        if not mip:
            prob.assignVarsDj(reduced)
            prob.assignConsPi(shadow)
            prob.assignConsSlack(slacks, activity=True)
        run.has_solution = True
        if run.proven_optimal:
            prob.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
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
    if run.has_solution:
        try:
            run.objective = float(pulp.value(prob.objective)) - constant_of(prob, None)
        except (TypeError, ValueError):  # pragma: no cover - an empty objective
            pass
    if run.proven_optimal and run.objective is not None:
        run.bound = run.objective
    if not run.version:
        run.version = cbc_version()


def read_sol_file(path: str, vnames: dict[str, str], cnames: dict[str, str]):
    """Values, reduced costs, shadow prices and row activities of a CBC solution file written with
    ``-printingOptions all`` — or None when the file is incomplete (CBC killed while writing it):
    a variable missing from a truncated file would otherwise read as 0."""
    by_var = {v: k for k, v in vnames.items()}
    by_row = {v: k for k, v in cnames.items()}
    values: dict[str, float] = {}
    reduced: dict[str, float] = {}
    shadow: dict[str, float] = {}
    slacks: dict[str, float] = {}
    try:
        with open(path) as f:
            f.readline()  # the status line
            for raw in f:
                if len(raw) <= 2:
                    break
                parts = raw.split()
                if parts and parts[0] == "**":  # an infeasible row or column
                    parts = parts[1:]
                if len(parts) < 4:
                    return None
                name, val, dual = parts[1], float(parts[2]), float(parts[3])
                if name in by_var:
                    values[by_var[name]] = val
                    reduced[by_var[name]] = dual
                elif name in by_row:
                    slacks[by_row[name]] = val
                    shadow[by_row[name]] = dual
    except (OSError, ValueError):
        return None
    if len(values) != len(by_var) or len(shadow) != len(by_row):
        return None
    return values, reduced, shadow, slacks
