"""What every solver call shares: the cancel token, the typed options, the run's true status,
the wording of progress lines."""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterator, Literal

import pulp

SolverName = Literal["cbc", "highs"]
SOLVERS: tuple[str, ...] = ("cbc", "highs")

HEARTBEAT_SECONDS = 3.0  # a progress line at least this often while a solve with ``progress`` runs
WATCHDOG_POLL = 0.05


# --------------------------------------------------------------------------------------
# cancel token
# --------------------------------------------------------------------------------------

class Cancelled(Exception):
    """Raised by :meth:`CancelToken.raise_if_cancelled` at a check point between solver calls."""


class CancelToken:
    """Ask a running solve to stop and keep its best solution — from any thread.

    Pass it as ``cancel=`` (``SolverOptions.cancel``, ``SolveSettings.cancel``).  A solver call
    that sees it cancelled stops at once and returns its best solution so far; an optimiser made of
    several solver calls checks :attr:`cancelled` between them and returns its best schedule.
    Cancelling is one-way: a token never becomes un-cancelled.
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reason = ""
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    def cancel(self, reason: str = "cancelled by the user") -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._reason = reason
            self._event.set()
            callbacks = list(self._callbacks)
        for fn in callbacks:
            try:
                fn()
            except Exception:  # noqa: BLE001 - one listener's failure never stops the others
                pass

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    @property
    def reason(self) -> str:
        return self._reason

    def wait(self, timeout: float | None = None) -> bool:
        """Block until cancelled or ``timeout`` seconds passed; True if cancelled."""
        return self._event.wait(timeout)

    def on_cancel(self, fn: Callable[[], None]) -> Callable[[], None]:
        """Call ``fn`` (once) when cancelled — at once if it already is; returns an unsubscribe function."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(fn)
                return lambda: self._remove(fn)
        fn()
        return lambda: None

    def _remove(self, fn: Callable[[], None]) -> None:
        with self._lock:
            if fn in self._callbacks:
                self._callbacks.remove(fn)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled(self._reason)

    def __repr__(self) -> str:
        return f"CancelToken(cancelled={self.cancelled})"


_scope_lock = threading.Lock()
_scope: list[CancelToken] = []


@contextlib.contextmanager
def cancel_scope(token: CancelToken | None) -> Iterator[CancelToken | None]:
    """Within the block, solver calls made without ``cancel=`` — from any thread — honour ``token``.

    The Excel Solve runs a kind's whole solve inside one, so that Cancel stops every solver process
    even on a code path that does not pass the token down (yet).  One solve at a time per process
    uses it (Excel's job runner refuses a second one); an explicit ``cancel=`` always wins.
    """
    if token is None:
        yield None
        return
    with _scope_lock:
        _scope.append(token)
    try:
        yield token
    finally:
        with _scope_lock:
            _scope.remove(token)


def current_cancel(cancel: CancelToken | None = None) -> CancelToken | None:
    """``cancel`` if given, else the innermost :func:`cancel_scope`'s token (or None)."""
    if cancel is not None:
        return cancel
    with _scope_lock:
        return _scope[-1] if _scope else None


# --------------------------------------------------------------------------------------
# the result of one solver call
# --------------------------------------------------------------------------------------

@dataclass
class SolverRun:
    """What one solver call did.  ``objective`` and ``bound`` are in the problem's own sense
    (a maximisation reports its maximum and an upper bound) and *without* the objective constant."""

    result: str = ""  # the solver's own final words, e.g. CBC's "Result - ..." text
    has_solution: bool = False  # prob's variables hold the best solution found
    proven_optimal: bool = False
    infeasible: bool = False
    interrupted: bool = False  # stopped early by Ctrl-C or the cancel token
    timed_out: bool = False  # stopped by the watchdog after overrunning its time limit
    objective: float | None = None
    bound: float | None = None
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)
    version: str = ""
    solver: str = "cbc"
    cancelled: bool = False  # stopped by the cancel token (``interrupted`` is set too)
    killed: bool = False  # ignored the stop and was killed: its incumbent is lost
    unbounded: bool = False
    time_limit_reached: bool = False  # the solver stopped on its own time limit
    node_limit_reached: bool = False
    sense: int = 1  # 1 minimise, -1 maximise
    exit_code: int | None = None  # CBC's exit code (negative: ended by that signal)
    crashed: bool = False  # the solver ended by itself with an error (see ``result``)

    @property
    def status(self) -> str:
        """The true status in words: "optimal", "infeasible", "unbounded", "solver crashed", "cancelled",
        "interrupted", "time limit", "node limit", "gap limit" or "stopped" — with
        " (no solution)" appended when nothing was found; never "optimal" unless proven."""
        if self.proven_optimal:
            return "optimal"
        if self.infeasible:
            return "infeasible"
        if self.unbounded:
            return "unbounded"
        if self.crashed:  # its last words are in ``result``; a kept solution is the accepted MIP start
            return "solver crashed" if self.has_solution else "solver crashed (no solution)"
        if self.cancelled:
            word = "cancelled"
        elif self.interrupted:
            word = "interrupted"
        elif self.timed_out or self.time_limit_reached:
            word = "time limit"
        elif self.node_limit_reached:
            word = "node limit"
        elif "gap" in self.result.lower():
            word = "gap limit"
        else:
            word = "stopped"
        return word if self.has_solution else word + " (no solution)"

    @property
    def gap(self) -> float | None:
        """Relative gap |objective − bound| / max(1, |objective|), when both are known."""
        if self.objective is None or self.bound is None or not self.has_solution:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


CbcRun = SolverRun  # the name csplib's optimiser has used since the CBC-only runner


@dataclass
class SolverOptions:
    """Typed options of one solver call (see :func:`solve`)."""

    solver: str = "cbc"  # "cbc" or "highs"
    time_limit: float = 60.0
    seed: int = 0
    threads: int | None = None  # None or 1: one thread
    mip: bool = True  # False: solve the LP relaxation (duals are assigned: constraint.pi)
    warm_start: bool = False  # start from the variables' current values
    gap_rel: float | None = None
    gap_abs: float | None = None
    max_nodes: int | None = None  # a work limit (CBC: reproducible with one thread and a seed)
    progress: Callable[[str], None] | None = None
    verbose: bool = False  # echo the solver's own log
    constant: float | None = None  # added in progress lines; None: the objective's own constant
    cancel: CancelToken | None = None
    kill_after: float = 10.0  # CBC: seconds between the stop and the kill


def fmt_number(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-6 else f"{v:,.2f}"


def progress_line(elapsed: float, best: float | None, bound: float | None, what: str = "") -> str:
    """The one wording of a progress line: ``[  12.3s] best so far 1,234, bound 1,100 (gap 10.9 %)``."""
    parts = [f"[{elapsed:6.1f}s]"]
    if what:
        parts.append(what + ",")
    parts.append(f"best so far {fmt_number(best) if best is not None else 'none yet'}")
    text = " ".join(parts)
    if bound is not None:
        text += f", bound {fmt_number(bound)}"
        if best is not None:
            text += f" (gap {abs(best - bound) / max(1.0, abs(best)):.1%})"
    return text


def sense_of(prob: pulp.LpProblem) -> int:
    return -1 if prob.sense == pulp.LpMaximize else 1


def constant_of(prob: pulp.LpProblem, constant: float | None) -> float:
    if constant is not None:
        return float(constant)
    try:
        return float(prob.objective.constant or 0.0) if prob.objective is not None else 0.0
    except AttributeError:  # pragma: no cover - an objective without a constant
        return 0.0
