"""The shared solver layer (xl_confsched/solvers.py), run for real on CBC and HiGHS.

Every solution a test accepts is checked without the solver (tests/solvers/models.py:
constraints and objective recomputed from the variables' values).  Cancel, Ctrl-C and the
watchdog are exercised on real solver processes; the times asserted are generous (the machine
is shared): "returned long before the time limit", never a speed target.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pulp
import pytest

from tests.solvers.models import brute_force_knapsack, check_solution, knapsack
from xl_confsched import solvers as S
from xl_confsched.solvers import common, processes as P

BOTH = pytest.mark.parametrize("solver", ["cbc", "highs"])
LONG = 120.0  # a time limit no test waits for


@BOTH
@pytest.mark.parametrize("maximise", [False, True], ids=["min", "max"])
def test_small_problem_is_proven_optimal_and_matches_enumeration(solver, maximise):
    prob, _x, value, rows = knapsack(n=14, m=3, seed=4, maximise=maximise, constant=7)
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=30))
    assert run.status == "optimal" and run.proven_optimal and run.has_solution
    assert prob.status == pulp.LpStatusOptimal
    best = brute_force_knapsack(value, rows, maximise, constant=7)
    assert check_solution(prob) == pytest.approx(best)
    # objective and bound are in the problem's own sense, without the constant
    assert run.objective == pytest.approx(best - 7)
    assert run.bound == pytest.approx(best - 7)


@BOTH
def test_time_limited_run_is_never_called_optimal(solver):
    prob, *_ = knapsack()
    t0 = time.perf_counter()
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=1.5))
    assert time.perf_counter() - t0 < 30
    assert run.has_solution and not run.proven_optimal
    assert run.status == "time limit"
    assert prob.status != pulp.LpStatusOptimal and prob.sol_status == pulp.LpSolutionIntegerFeasible
    obj = check_solution(prob)
    assert run.objective == pytest.approx(obj - 5000)
    assert run.bound is not None and run.bound <= run.objective + 1e-6  # a minimisation's lower bound
    assert run.gap is not None and run.gap > 0


def cancel_after_solutions(token: S.CancelToken, n: int = 1, lines: list[str] | None = None):
    """A progress callback that cancels once the solver has reported ``n`` solutions (load-proof:
    no fixed sleep that a busy machine could outrun)."""
    seen = []

    def progress(line: str) -> None:
        if lines is not None:
            lines.append(line)
        if "new solution" in line:
            seen.append(line)
            if len(seen) >= n:
                token.cancel()
    return progress


@BOTH
def test_cancel_half_way_returns_the_best_solution_so_far(solver):
    prob, *_ = knapsack()
    token = S.CancelToken()
    lines: list[str] = []
    t0 = time.perf_counter()
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=LONG, cancel=token,
                                        progress=cancel_after_solutions(token, 2, lines)))
    took = time.perf_counter() - t0
    assert took < LONG / 4, f"the cancel took {took:.1f} s to stop {solver}"
    assert run.cancelled and run.interrupted and not run.killed
    assert run.status == "cancelled" and run.has_solution
    assert run.objective == pytest.approx(check_solution(prob) - 5000)
    assert lines and all(line.startswith("[") and "best so far" in line for line in lines if "Interrupted" not in line)


@BOTH
def test_cancelled_token_stops_before_starting(solver):
    prob, *_ = knapsack()
    token = S.CancelToken()
    token.cancel("the organiser clicked Cancel")
    t0 = time.perf_counter()
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=LONG, cancel=token))
    assert time.perf_counter() - t0 < 5
    assert run.cancelled and not run.has_solution and run.status == "cancelled (no solution)"
    assert prob.sol_status == pulp.LpSolutionNoSolutionFound
    assert token.reason == "the organiser clicked Cancel"


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to this process")
@BOTH
def test_ctrl_c_returns_the_best_solution_so_far(solver):
    prob, *_ = knapsack()
    sent = []

    def progress(line):  # Ctrl-C once a solution is known (from the solver's own thread: the signal
        if "new solution" in line and not sent:  # reaches the main thread, which runs the solve)
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)
    t0 = time.perf_counter()
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=LONG, progress=progress))
    assert time.perf_counter() - t0 < LONG / 4
    assert run.interrupted and not run.cancelled and run.status == "interrupted"
    assert run.has_solution and run.objective == pytest.approx(check_solution(prob) - 5000)


def test_one_token_cancels_parallel_solves():
    token = S.CancelToken()
    runs: dict[str, S.SolverRun] = {}
    probs = {s: knapsack(seed=2 + i)[0] for i, s in enumerate(["cbc", "highs", "cbc2"])}
    found = {k: threading.Event() for k in probs}

    def go(key):
        def progress(line):
            if "new solution" in line:
                found[key].set()
        runs[key] = S.solve(probs[key], S.SolverOptions(solver=key[:-1] if key == "cbc2" else key,
                                                        time_limit=LONG, cancel=token, progress=progress))

    threads = [threading.Thread(target=go, args=(k,)) for k in probs]
    for t in threads:
        t.start()
    for e in found.values():
        assert e.wait(LONG / 4), "a solver found no solution"
    t0 = time.perf_counter()
    token.cancel()
    for t in threads:
        t.join(LONG / 4)
    assert time.perf_counter() - t0 < LONG / 4
    assert set(runs) == set(probs)
    for key, run in runs.items():
        assert run.cancelled and run.has_solution, key
        check_solution(probs[key])


@BOTH
def test_infeasible(solver):
    prob = pulp.LpProblem("infeasible", pulp.LpMinimize)
    z = pulp.LpVariable("z", 0, 1, cat="Integer")
    prob += z
    prob += z >= 2
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=10))
    assert run.status == "infeasible" and not run.has_solution
    assert prob.status == pulp.LpStatusInfeasible


@pytest.mark.parametrize("sense", [pulp.LpMinimize, pulp.LpMaximize], ids=["min", "max"])
def test_lp_relaxation_values_and_duals_agree_between_solvers(sense):
    def lp():
        prob = pulp.LpProblem("lp", sense)
        x = pulp.LpVariable("x", 0, 10)
        y = pulp.LpVariable("y", 0, 10)
        if sense == pulp.LpMaximize:
            prob += 3 * x + 2 * y + 5
            prob += x + y <= 7.5, "c1"
            prob += x - y <= 2, "c2"
        else:
            prob += 3 * x + 2 * y + 5
            prob += x + y >= 7.5, "c1"
            prob += x - 2 * y >= -6, "c2"
        return prob

    got = {}
    for solver in ("cbc", "highs"):
        prob = lp()
        run = S.solve(prob, S.SolverOptions(solver=solver, mip=False, time_limit=10))
        assert run.status == "optimal"
        obj = check_solution(prob)
        got[solver] = (obj, {n: c.pi for n, c in prob.constraints.items()})
    assert got["cbc"][0] == pytest.approx(got["highs"][0])
    for name in ("c1", "c2"):
        assert got["cbc"][1][name] == pytest.approx(got["highs"][1][name], abs=1e-7), name
    # the dual of a binding constraint: moving c1's right-hand side by 1 moves the optimum by pi
    obj, pis = got["cbc"]
    prob = lp()
    prob.constraints["c1"].constant -= 1  # rhs + 1
    S.solve(prob, S.SolverOptions(solver="cbc", mip=False))
    assert check_solution(prob) - obj == pytest.approx(pis["c1"])


@BOTH
def test_warm_start_keeps_the_start_when_there_is_no_time(solver):
    prob, x, value, rows = knapsack(n=200, m=20, seed=3)
    # a feasible start: the items by value per weight while everything fits
    chosen = set()
    for i in sorted(range(len(x)), key=lambda i: -value[i]):
        if all(sum(w[j] for j in chosen | {i}) <= cap for w, cap in rows):
            chosen.add(i)
    for i, v in enumerate(x):
        v.setInitialValue(1 if i in chosen else 0)
    start = 5000 - sum(value[i] for i in chosen)
    run = S.solve(prob, S.SolverOptions(solver=solver, time_limit=0.5, warm_start=True))
    assert run.has_solution
    assert check_solution(prob) <= start + 1e-6


def test_node_limit_is_its_own_status():
    prob, *_ = knapsack()
    run = S.solve(prob, S.SolverOptions(solver="cbc", time_limit=LONG, max_nodes=50, seed=1))
    assert run.has_solution and not run.proven_optimal
    assert run.status == "node limit", run.result
    check_solution(prob)


# ----------------------------------------------------------------------------- platform branches

def test_pipe_branch_solves_and_its_heartbeat_reports_while_the_log_is_buffered(monkeypatch):
    """Without a pty CBC's log arrives in bursts through a pipe: the heartbeat keeps the progress
    lines coming (elapsed time and the last known values) while it is silent."""
    monkeypatch.setattr(P, "launch", P.launch_pipe)
    monkeypatch.setattr(common, "HEARTBEAT_SECONDS", 1.0)
    prob, *_ = knapsack(n=500, m=30)
    stamps: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    run = S.solve(prob, S.SolverOptions(solver="cbc", time_limit=5,
                                        progress=lambda m: stamps.append((time.perf_counter() - t0, m))))
    assert run.status == "time limit" and run.has_solution
    assert run.objective == pytest.approx(check_solution(prob) - 5000)
    beats = [t for t, m in stamps if "CBC working" in m or "CBC at" in m]
    assert len(beats) >= 2, stamps
    assert max(t for t, _ in stamps) - min(t for t, _ in stamps) >= 2.0  # spread over the run, not one burst
    assert any(line.startswith("Result - ") for line in run.log)


def test_pipe_branch_stops_cbc_and_keeps_its_incumbent(monkeypatch):
    monkeypatch.setattr(P, "launch", P.launch_pipe)
    prob, *_ = knapsack()
    token = S.CancelToken()
    threading.Timer(3.0, token.cancel).start()  # the pipe's log comes late: cancel by time
    run = S.solve(prob, S.SolverOptions(solver="cbc", time_limit=LONG, cancel=token))
    assert run.cancelled and not run.killed
    assert run.has_solution  # CBC writes the incumbent it had (the MIP start of a knapsack comes at once)
    check_solution(prob)


@pytest.mark.skipif(os.name != "posix", reason="POSIX pseudo-terminal")
def test_pty_branch_gives_cbc_lines():
    launched = P.launch_pty([S.cbc_path(), "-quit"])
    lines = list(launched.lines)
    assert launched.proc.wait(10) == 0
    assert launched.line_buffered
    assert any(S.RE_VERSION.search(line) for line in lines)


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_stop_posix_makes_cbc_write_its_solution():
    prob, *_ = knapsack()
    import tempfile

    d = tempfile.mkdtemp()
    mps, sol = os.path.join(d, "m.mps"), os.path.join(d, "m.sol")
    prob.writeMPS(mps, rename=1)
    launched = P.launch_pipe(S.cbc_args(S.cbc_path(), mps, sol, LONG))
    time.sleep(1.5)
    assert P.stop_posix(launched.proc)
    out = "".join(launched.lines)
    assert launched.proc.wait(30) == 0
    assert "ctrl-c" in out.lower()
    with open(sol) as f:
        assert "objective value" in f.readline()


def test_watchdog_kills_a_process_that_ignores_the_stop():
    ignoring = [sys.executable, "-c",
                "import signal, sys, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "print('ready', flush=True); time.sleep(120)"]
    launched = P.launch_pipe(ignoring)
    assert next(launched.lines).strip() == "ready"
    run = S.SolverRun()
    beats: list[float] = []
    dog = P.Watchdog(launched, run, stop_at=time.monotonic() + 0.3, kill_after=0.5, cancel=None,
                      heartbeat=lambda: beats.append(time.monotonic())).start()
    t0 = time.monotonic()
    launched.proc.wait(30)
    dog.close()
    assert time.monotonic() - t0 < 30
    assert run.timed_out and run.killed
    assert launched.proc.returncode != 0


def test_watchdog_stops_on_cancel_before_the_limit():
    launched = P.launch_pipe([sys.executable, "-c", "import time; print('ready', flush=True); time.sleep(120)"])
    assert next(launched.lines).strip() == "ready"
    token = S.CancelToken()
    run = S.SolverRun()
    dog = P.Watchdog(launched, run, stop_at=time.monotonic() + LONG, kill_after=LONG, cancel=token,
                      heartbeat=None).start()
    token.cancel()
    launched.proc.wait(30)  # Python's default SIGINT handler ends the sleeper
    dog.close()
    assert run.cancelled and run.interrupted and not run.timed_out and not run.killed


def test_windows_ctrl_c_helper_is_valid_python():
    # it can only run on Windows (ctypes.WinDLL); here at least it must compile
    compile(P.WINDOWS_CTRL_C, "<windows ctrl-c helper>", "exec")
    assert "GenerateConsoleCtrlEvent(0, 0)" in P.WINDOWS_CTRL_C  # CTRL_C_EVENT: CBC handles SIGINT only


def test_thread_option_is_passed_only_for_more_than_one_thread():
    assert S.cbc_thread_args(None) == [] and S.cbc_thread_args(1) == []
    assert S.cbc_thread_args(2) == ["-threads", "2"]
    args = S.cbc_args("cbc", "m.mps", "m.sol", 10, threads=1)
    assert "-threads" not in args


# ----------------------------------------------------------------------------- pieces

def test_cancel_token():
    token = S.CancelToken()
    seen: list[str] = []
    unsubscribe = token.on_cancel(lambda: seen.append("a"))
    token.on_cancel(lambda: seen.append("b"))
    unsubscribe()
    assert not token.cancelled and not token.wait(0.01)
    token.raise_if_cancelled()
    token.cancel("why")
    token.cancel("again")  # one-way, the first reason stays
    assert token.cancelled and token.wait(0) and token.reason == "why" and seen == ["b"]
    token.on_cancel(lambda: seen.append("late"))  # called at once
    assert seen == ["b", "late"]
    with pytest.raises(S.Cancelled):
        token.raise_if_cancelled()


def test_progress_line_wording():
    assert S.progress_line(12.34, 1234, 1100) == "[  12.3s] best so far 1,234, bound 1,100 (gap 10.9%)"
    assert S.progress_line(0.5, None, None, "CBC working") == "[   0.5s] CBC working, best so far none yet"


def test_unknown_solver_is_refused():
    with pytest.raises(ValueError, match="cbc, highs"):
        S.solve(pulp.LpProblem("p"), S.SolverOptions(solver="gurobi"))


def test_versions():
    v = S.versions()
    assert v["cbc"][0].isdigit() and v["highs"][0].isdigit()


def test_cbc_runs_without_a_console_window_flag_here():
    # the quiet flags are Windows-only; elsewhere nothing is added to Popen
    if not sys.platform.startswith("win"):
        assert P.quiet_popen_kwargs() == {}
    out = subprocess.run([S.cbc_path(), "-quit"], capture_output=True, text=True, **P.quiet_popen_kwargs())
    assert "Version" in out.stdout


def test_cancel_scope_reaches_solves_that_were_not_given_the_token():
    token = S.CancelToken()
    runs = []

    def helper():  # a solve in another thread, as an optimiser's helper search runs
        runs.append(S.solve(knapsack(seed=5)[0], S.SolverOptions(solver="cbc", time_limit=LONG)))

    with S.cancel_scope(token):
        assert S.current_cancel() is token
        t = threading.Thread(target=helper)
        t.start()
        runs.append(S.solve(knapsack(seed=6)[0], S.SolverOptions(solver="highs", time_limit=LONG,
                                                                 progress=cancel_after_solutions(token, 2))))
        t.join(LONG / 4)
    assert S.current_cancel() is None
    assert len(runs) == 2 and all(r.cancelled and r.has_solution for r in runs)
    other = S.CancelToken()
    with S.cancel_scope(token):
        assert S.current_cancel(other) is other  # an explicit token wins


def test_a_truncated_solution_file_is_no_solution(tmp_path):
    """CBC killed while writing its solution: the half-written file must not read as a schedule
    whose missing variables are 0."""
    prob, *_ = knapsack(n=30, m=3)
    mps, sol = str(tmp_path / "m.mps"), str(tmp_path / "m.sol")
    _vs, vnames, cnames, _ = prob.writeMPS(mps, rename=1)
    subprocess.run(S.cbc_args(S.cbc_path(), mps, sol, 20), capture_output=True, check=True)
    full = S.read_sol_file(sol, vnames, cnames)
    assert full is not None and len(full[0]) == 30
    text = open(sol).read()
    cut = tmp_path / "cut.sol"
    cut.write_text(text[: len(text) // 2])
    assert S.read_sol_file(str(cut), vnames, cnames) is None
    cut.write_text(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n")  # cut at a line end
    assert S.read_sol_file(str(cut), vnames, cnames) is None


FAKE_CRASHING_CBC = """
import os, signal, sys
print("Cbc0045I MIPStart provided solution with cost 5", flush=True)
print("Cbc0020I Exiting on maximum time", flush=True)
if sys.argv[1] == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
sys.exit(3)
"""


@pytest.mark.skipif(os.name != "posix", reason="a process ended by SIGSEGV")
@pytest.mark.parametrize("how", ["crash", "exit"])
def test_a_crashed_cbc_is_said_so_and_keeps_the_accepted_start(monkeypatch, how):
    """CBC 2.10 now and then segfaults when its time limit hits right after it accepted a MIP start
    (seen on GECCO20): the status says so, and the start it accepted is kept."""
    script = [sys.executable, "-c", FAKE_CRASHING_CBC, how]
    monkeypatch.setattr(P, "launch", lambda args: P.launch_pipe(script))
    prob = pulp.LpProblem("p", pulp.LpMinimize)
    x = pulp.LpVariable("x", 0, 10, cat="Integer")
    prob += x
    prob += x >= 5
    x.setInitialValue(5)
    run = S.solve(prob, S.SolverOptions(time_limit=5, warm_start=True))
    assert run.crashed and run.has_solution and run.status == "solver crashed"
    assert ("signal 11" if how == "crash" else "exit code 3") in run.result
    assert x.varValue == 5 and run.objective == 5 and prob.sol_status == pulp.LpSolutionIntegerFeasible
    x.varValue = None
    cold = S.solve(prob, S.SolverOptions(time_limit=5))  # no start: nothing to keep
    assert cold.crashed and not cold.has_solution and cold.status == "solver crashed (no solution)"
