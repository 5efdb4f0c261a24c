"""Run the bundled CBC on a PuLP problem with a live log, a true status and Ctrl-C.

PuLP's own ``PULP_CBC_CMD`` waits silently and reports a time-limited run *with* an
incumbent as "Optimal".  This runner

* streams CBC's log and calls ``progress(line)`` with "elapsed, incumbent, bound"
  whenever CBC reports a new incumbent or a node summary;
* reads the best bound and the final result line ("Optimal solution found",
  "Stopped on time limit", "User ctrl-c", "Problem proven infeasible") from the log;
* on KeyboardInterrupt sends CBC one SIGINT, lets it stop and write its best solution,
  and returns that solution (``interrupted=True``).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import pulp

_NUM = r"(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)"
RE_INCUMBENT = re.compile(r"Integer solution of " + _NUM + r".*\((" + r"\d+(?:\.\d+)?" + r") seconds\)")
RE_HEUR = re.compile(r"(?:Mini branch and bound improved solution from \S+ to|Solution found of|"
                     r"Rounding solution of|Freeing continuous variables gives a solution of) " + _NUM)
RE_NODES = re.compile(r"After (\d+) nodes, \d+ on tree, " + _NUM + r" best solution, best possible " + _NUM
                      + r" \((\d+(?:\.\d+)?) seconds\)")
RE_PARTIAL = re.compile(r"best objective " + _NUM + r" \(best possible " + _NUM + r"\)")
RE_COMPLETED = re.compile(r"Search completed - best objective " + _NUM)
RE_LOWER = re.compile(r"^Lower bound:\s+" + _NUM)
RE_OBJ = re.compile(r"^Objective value:\s+" + _NUM)
RE_CONT = re.compile(r"Continuous objective value is " + _NUM)
RE_RESULT = re.compile(r"^Result - (.*)$")


@dataclass
class CbcRun:
    result: str = ""  # CBC's "Result - ..." text
    has_solution: bool = False
    proven_optimal: bool = False
    infeasible: bool = False
    interrupted: bool = False
    timed_out: bool = False  # stopped by the watchdog after overrunning its time limit
    objective: float | None = None  # without the objective constant
    bound: float | None = None
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)
    version: str = ""


def cbc_version() -> str:
    path = pulp.PULP_CBC_CMD().path
    try:
        out = subprocess.run([path, "-quit"], capture_output=True, text=True, timeout=10).stdout
        m = re.search(r"Version:\s*(\S+)", out)
        return m.group(1) if m else "?"
    except Exception:  # pragma: no cover
        return "?"


def solve_cbc(prob: pulp.LpProblem, time_limit: float, seed: int = 0, threads: int = 1,
              warm_start: bool = False, progress: Callable[[str], None] | None = None,
              verbose: bool = False, constant: float = 0.0, gap_abs: float | None = None,
              max_nodes: int | None = None, kill_after: float = 10.0) -> CbcRun:
    """Run CBC on ``prob``; see the module docstring.

    ``kill_after``: seconds CBC gets to stop after the watchdog's SIGINT before it is killed
    (its incumbent is then lost: sub-problems of a search, whose caller keeps its own
    incumbent, pass a short one)."""
    cmd = pulp.PULP_CBC_CMD(msg=False)
    path = cmd.path
    tmp = tempfile.mkdtemp(prefix="xlcs_cbc_")
    mps, sol, mst = (os.path.join(tmp, f) for f in ("model.mps", "model.sol", "start.mst"))
    vs, vnames, cnames, _ = prob.writeMPS(mps, rename=1)
    args = [path, mps]
    if warm_start:
        cmd.writesol(mst, prob, vs, vnames, cnames)
        args += ["-mips", mst]
    args += ["-sec", f"{max(0.1, time_limit):.2f}", "-timeMode", "elapsed"]
    if threads and threads > 1:
        # "-threads 1" switches CBC's parallel mode on with one thread, which now and then stalls
        # for seconds past its time limit (coin-or/Cbc#640); one thread is CBC's default anyway
        args += ["-threads", str(threads)]
    args += ["-randomSeed", str(seed + 1), "-randomCbcSeed", str(seed + 1)]
    if gap_abs is not None:
        args += ["-allow", str(gap_abs)]
    if max_nodes is not None:  # a work limit: with one thread and a seed, the run is reproducible
        args += ["-maxNodes", str(int(max_nodes))]
    args += ["-solve", "-printingOptions", "all", "-solution", sol]
    run = CbcRun()
    t0 = time.perf_counter()
    # CBC buffers its log when writing to a pipe; a pseudo-terminal makes it line by line
    try:
        import pty

        master, slave = pty.openpty()
        proc = subprocess.Popen(args, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL, start_new_session=True)
        os.close(slave)
        stream = _pty_lines(master)
    except (ImportError, OSError):  # pragma: no cover - no pty (Windows)
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, bufsize=1, start_new_session=True)
        stream = proc.stdout
    last_report = -1.0
    # CBC checks its time limit only between phases: on large models its root processing can run
    # far past it.  A watchdog asks it to stop (SIGINT: it keeps and writes its best solution) a
    # little after the limit, and kills it if it still does not stop.
    grace = max(1.0, 0.05 * time_limit)

    def _stop():
        if proc.poll() is None:
            run.timed_out = True
            try:
                proc.send_signal(signal.SIGINT)
            except ProcessLookupError:  # pragma: no cover
                pass

    def _kill():
        if proc.poll() is None:
            proc.kill()

    watchdogs = [threading.Timer(time_limit + grace, _stop), threading.Timer(time_limit + grace + kill_after, _kill)]
    for w in watchdogs:
        w.daemon = True
        w.start()

    def report(msg: str) -> None:
        nonlocal last_report
        if progress is not None:
            progress(msg)
            last_report = time.perf_counter()

    def handle(line: str) -> None:
        line = line.rstrip("\n")
        run.log.append(line)
        if verbose:
            print(line, flush=True)
        el = time.perf_counter() - t0
        m = RE_INCUMBENT.search(line)
        if m:
            run.has_solution = True
            run.objective = float(m.group(1))
            report(f"[{el:6.1f}s] incumbent {_fmt(run.objective + constant)}, bound "
                   f"{_fmt(run.bound + constant) if run.bound is not None else '?'}")
            return
        m = RE_HEUR.search(line)
        if m:
            run.has_solution = True
            run.objective = float(m.group(1))
            report(f"[{el:6.1f}s] incumbent {_fmt(run.objective + constant)} (heuristic), bound "
                   f"{_fmt(run.bound + constant) if run.bound is not None else '?'}")
            return
        m = RE_NODES.search(line)
        if m:
            run.objective = float(m.group(2)) if float(m.group(2)) < 1e40 else run.objective
            run.bound = float(m.group(3))
            if time.perf_counter() - last_report > 2.0:
                inc = _fmt(run.objective + constant) if run.has_solution and run.objective is not None else "none"
                report(f"[{el:6.1f}s] nodes {m.group(1)}, incumbent {inc}, bound {_fmt(run.bound + constant)}")
            return
        m = RE_CONT.search(line)
        if m:
            run.bound = float(m.group(1))
            report(f"[{el:6.1f}s] root relaxation bound {_fmt(run.bound + constant)}")
            return
        m = RE_PARTIAL.search(line)
        if m:
            run.bound = float(m.group(2))
            return
        m = RE_LOWER.search(line)
        if m:
            run.bound = float(m.group(1))
            return
        m = RE_OBJ.search(line)
        if m:
            run.objective = float(m.group(1))
            return
        m = RE_RESULT.search(line)
        if m:
            run.result = m.group(1).strip()
            return
        m = re.search(r"Version:\s*(\S+)", line)
        if m and not run.version:
            run.version = m.group(1)

    try:
        try:
            for line in stream:
                handle(line)
        except KeyboardInterrupt:
            run.interrupted = True
            report("Interrupted: asking CBC to stop and return its best schedule…")
            try:
                proc.send_signal(signal.SIGINT)
            except ProcessLookupError:  # pragma: no cover
                pass
            for line in stream:
                handle(line)
        proc.wait()
        run.seconds = time.perf_counter() - t0
        res = run.result.lower()
        run.proven_optimal = res.startswith("optimal")
        run.infeasible = "infeasible" in res
        values = None
        if os.path.exists(sol):
            status, values, *_rest, sol_status = cmd.readsol_MPS(sol, prob, vs, vnames, cnames)
            with open(sol) as f:
                first = f.readline()
            # "Optimal - objective value 433", "Stopped on time - objective value 433",
            # "Stopped on ctrl-c - objective value ..." (solution), "Stopped on time (no integer solution)…"
            has = ("objective value" in first) and not first.lower().startswith("infeasible") \
                and "no integer solution" not in first.lower()
            if not has:
                values = None
        if values is not None and (run.has_solution or run.proven_optimal):
            prob.assignVarsVals(values)
            run.has_solution = True
            if run.proven_optimal:
                prob.assignStatus(pulp.LpStatusOptimal, pulp.LpSolutionOptimal)
            else:
                prob.assignStatus(pulp.LpStatusNotSolved, pulp.LpSolutionIntegerFeasible)
        else:
            run.has_solution = False
            prob.assignStatus(pulp.LpStatusInfeasible if run.infeasible else pulp.LpStatusNotSolved,
                              pulp.LpSolutionInfeasible if run.infeasible else pulp.LpSolutionNoSolutionFound)
        if run.proven_optimal and run.objective is not None:
            run.bound = run.objective
        return run
    finally:
        for w in watchdogs:
            w.cancel()
        if proc.poll() is None:  # pragma: no cover - only after an unexpected error
            proc.kill()
        for f in (mps, sol, mst):
            if os.path.exists(f):
                os.unlink(f)
        try:
            os.rmdir(tmp)
        except OSError:  # pragma: no cover
            pass


def _pty_lines(fd: int):
    """Lines read from a pty master until the child closes it."""
    buf = b""
    try:
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child has exited
                break
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line.decode("utf-8", "replace").rstrip("\r") + "\n"
        if buf:
            yield buf.decode("utf-8", "replace")
    finally:
        os.close(fd)


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-6 else f"{v:,.2f}"
