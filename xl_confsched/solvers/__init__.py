"""One solver layer for every kind: CBC (PuLP's bundled binary) and HiGHS (highspy, in-process).

    from xl_confsched.solvers import CancelToken, SolverOptions, solve

    token = CancelToken()                       # token.cancel() from any thread stops the solve
    run = solve(prob, SolverOptions(solver="cbc", time_limit=30, cancel=token, progress=print))
    run.status        # the true status: "optimal", "time limit", "cancelled", "interrupted", ...
    run.has_solution  # the best solution found is in prob's variables, whatever stopped the run

What every run gets, whichever solver:

* **a time limit with a watchdog.**  CBC checks its limit only between phases (its root
  processing of a large model can run far past it): a little after the limit the watchdog asks it
  to stop — CBC then keeps and writes its best solution — and kills it ``kill_after`` seconds
  later if it still runs (its incumbent is then lost: ``run.killed``).  HiGHS is interrupted
  through its interrupt callback, which keeps its incumbent.
* **progress lines** — elapsed time, best objective so far, bound — through ``progress``, as the
  solver reports them.  Without a pseudo-terminal (Windows; CBC's log then arrives through a
  block-buffered pipe, in bursts) a heartbeat line with the last known values is sent every few
  seconds, so progress never stalls for long.
* **Ctrl-C and a cancel token.**  A KeyboardInterrupt in the thread that runs the solve, or
  :meth:`CancelToken.cancel` from any thread (Excel's Cancel button), asks the solver to stop and
  returns its best solution so far (``run.interrupted``; ``run.cancelled`` for the token).
* **the true status.**  PuLP calls a time-limited run that has a solution "Optimal"; here only a
  run whose bound proves it is ``proven_optimal`` (see :attr:`SolverRun.status`).
* **CBC's thread option in one place**: ``-threads 1`` is never passed (it switches CBC's
  parallel code on with one thread, which now and then stalls for seconds past its limit,
  coin-or/Cbc#640); one thread is CBC's default anyway.

Modules: :mod:`.common` (token, options, run), :mod:`.cbc`, :mod:`.highs`, :mod:`.processes`
(the platform branches).  Platform branches, each a small function:

* starting CBC — :func:`processes.launch_pty` (POSIX: a pseudo-terminal makes CBC's log line-buffered),
  :func:`processes.launch_pipe` (no pty: a pipe, plus the heartbeat), :func:`processes.windows_popen_kwargs`
  (Windows: CBC in its own hidden console, so that a console control event can reach it alone);
* stopping CBC so that it keeps its incumbent — :func:`processes.stop_posix` (SIGINT to CBC's own session),
  :func:`processes.stop_windows` (a Ctrl-C event sent to CBC's console by a small helper process: CBC
  handles only SIGINT, which the C runtime raises for CTRL_C_EVENT; CTRL_BREAK_EVENT would raise
  SIGBREAK, which CBC does not handle, and so would end CBC without its incumbent;
  ``Popen.send_signal(SIGINT)`` raises ValueError on Windows);
* :func:`processes.kill` — the last resort on every platform.

The core never imports xlwings; this module imports highspy only when HiGHS is used.
"""

from __future__ import annotations

import pulp

from .cbc import RE_VERSION, cbc_args, cbc_path, cbc_thread_args, cbc_version, read_sol_file, solve_cbc
from .common import (HEARTBEAT_SECONDS, SOLVERS, CancelToken, Cancelled, CbcRun, SolverName, SolverOptions, SolverRun,
                     cancel_scope, current_cancel, fmt_number, progress_line)
from .highs import highs_available, highs_version, solve_highs


def solve(prob: pulp.LpProblem, options: SolverOptions | None = None) -> SolverRun:
    """Solve ``prob`` with the chosen solver; the best solution found is left in its variables."""
    o = options or SolverOptions()
    solver = (o.solver or "cbc").lower()
    if solver == "highs":
        return solve_highs(prob, o.time_limit, seed=o.seed, threads=o.threads, warm_start=o.warm_start,
                           progress=o.progress, verbose=o.verbose, constant=o.constant, gap_abs=o.gap_abs,
                           gap_rel=o.gap_rel, max_nodes=o.max_nodes, mip=o.mip, cancel=o.cancel)
    if solver != "cbc":
        raise ValueError(f"unknown solver {o.solver!r}: use one of {', '.join(SOLVERS)}")
    return solve_cbc(prob, o.time_limit, seed=o.seed, threads=o.threads or 1, warm_start=o.warm_start,
                     progress=o.progress, verbose=o.verbose, constant=o.constant, gap_abs=o.gap_abs,
                     max_nodes=o.max_nodes, kill_after=o.kill_after, cancel=o.cancel, gap_rel=o.gap_rel,
                     mip=o.mip)


def versions() -> dict[str, str]:
    """Solver versions for the Run sheets."""
    return {"cbc": cbc_version(), "highs": highs_version() if highs_available() else "not installed"}


def describe(run: SolverRun, constant: float = 0.0) -> str:
    """One sentence for a Run sheet: status, objective and bound (with the constant), time."""
    parts = [f"{run.solver.upper()} {run.version}: {run.status}"]
    if run.has_solution and run.objective is not None:
        parts.append(f"objective {fmt_number(run.objective + constant)}")
    if run.bound is not None:
        parts.append(f"bound {fmt_number(run.bound + constant)}")
    parts.append(f"{run.seconds:.1f} s")
    return ", ".join(parts)


__all__ = [
    "CancelToken", "Cancelled", "cancel_scope", "current_cancel", "SolverRun", "CbcRun", "SolverOptions", "SolverName",
    "SOLVERS", "HEARTBEAT_SECONDS", "solve", "solve_cbc", "solve_highs", "cbc_version", "highs_version", "highs_available",
    "cbc_path", "cbc_args", "cbc_thread_args", "read_sol_file", "RE_VERSION", "progress_line", "fmt_number", "describe",
    "versions",
]
