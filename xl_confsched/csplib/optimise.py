"""Optimise a CSPLib conference schedule: a plan (what runs, for how long), then its execution.

``make_plan(...)`` decides, from the model's size, the machine's cores and the organiser's
options, which phases run and how much of the time limit each gets — a small value a unit
test can check.  ``optimise(problem, settings, ...)`` builds the master model
(:mod:`.model`), runs the plan and returns a :class:`SolveResult`:

1. **start** — a complete plan of the grid and the talks' sessions: the given schedule, or the
   track packing of :mod:`.plan` with the talks placed by HiGHS on that grid;
2. **search** — large neighbourhood searches on the master model (:mod:`.search`), one per core,
   sharing the best plan; on small models the second core runs branch and bound on the whole
   master model instead, trading schedules with the search and raising the lower bound (on
   medium ones only once the search has stalled, in its last quarter); beside them the LP
   relaxation (a bound, and the guide of the search's "relaxation" neighbourhood) and the tracks
   one by one (a bound); everything stops as soon as the bound proves the best plan optimal;
3. **rooms and slots** — per session (:mod:`.timeslots`), where room- and slot-level terms are
   exact.

The schedule returned is always complete (or None); its score is the evaluator's.  The master
model is a relaxation of every schedule the template allows, so its bound is a true lower
bound, and so is the sum of the rules' own bounds (:mod:`.bounds`); the larger is reported.

Status: ``optimal`` (the bound meets the master value and the rooms-and-slots phase added
nothing), ``feasible`` (with its gap), ``relaxed`` (a hard rule the organiser chose could not
be kept, or a track the capacity check proves cannot keep one room), ``no schedule``.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from ..kinds import SolveSettings
from ..solvers import current_cancel
from .bounds import term_bounds as rule_bounds
from .bounds import tracks_alone_bound
from .capacity import CapacityReport, check_capacity
from .evaluate import evaluate
from .model import BIG, DEFAULT_HARD_RULES, BuiltModel, build_model, hard_keys
from .persistent import MatrixModel, PersistentModel
from .plan import plan_grid
from .problem import Problem
from .rules import RULE_BY_KEY, RULES
from .schedule import Schedule
from .search import ANY_GAIN, Columns, SearchStats, SharedIncumbent, evaluate_plan, improve
from .timeslots import assign_timeslots

# the whole-model branch and bound runs beside the search on models up to this many columns (above,
# its root alone outlasts a one-minute run and a second search does more)
BRANCH_AND_BOUND_MAX_COLUMNS = 25_000
# up to this size it keeps the second core for the whole search (it proves such models optimal in
# seconds); above, a second search has that core until the search stalls, then branch and bound takes
# it for the bound.  Measured at 60 s, 2 cores: two searches side by side, one incumbent, reach what
# branch and bound beside one search reaches only on some seeds (GECCO20 --hard-rules all 6,210–6,220 on
# 4 of 4 seeds against 6,210–7,090; GECCO22 1,496–1,499 on 6 of 6 against 1,500–1,697)
BRANCH_AND_BOUND_WHOLE_COLUMNS = 2_000
STALL_SECONDS = 8.0  # the search has stalled: no better schedule for this long …
STALL_SHARE = 0.5  # … and for this share of the search so far
BRANCH_AND_BOUND_MIN_SECONDS = 4.0  # it joins a stalled search only with this much time left …
BRANCH_AND_BOUND_LAST_SHARE = 0.25  # … and only in this last share of the search (a stalled search may still
# escape: GECCO20 --hard-rules all left 6,770 for 6,210 after 35 s and 47 s)
LP_MAX_COLUMNS = 30_000  # the LP bound of larger models takes longer than a one-minute run
TRACKS_ALONE_SECONDS = 20.0  # at most this for the tracks-one-by-one bound
WORK_NODES = 60  # node limit of every sub-problem in fixed-work mode (``--work``)


# ====================================================================== the plan

@dataclass(frozen=True)
class Phase:
    name: str  # "start" | "search" | "branch and bound" | "rooms and slots"
    seconds: float  # its time (``upto``: at most this)
    note: str = ""
    upto: bool = False


@dataclass(frozen=True)
class SolvePlan:
    """What runs, for how long.  Built by :func:`make_plan`, run by :func:`optimise`."""

    phases: tuple[Phase, ...]
    searches: int  # neighbourhood searches side by side
    branch_and_bound: bool  # the whole-model branch and bound beside the search
    start: str  # "given" | "packing"
    fixed_steps: int | None = None  # --work: a fixed number of node-limited sub-problems, one search
    # branch and bound takes the second core only once the search has stalled (a second search has it
    # until then)
    branch_and_bound_when_stalled: bool = False
    stop_when_proven: bool = True
    # the first part of the search prices a track in parallel rooms as a hard rule (a smaller space the
    # sub-problems settle fast); the rest of it uses the weights alone
    discourage_parallel: float = 0.5  # share of the search

    def seconds(self, name: str) -> float:
        return sum(p.seconds for p in self.phases if p.name == name)

    def describe(self) -> str:
        parts = [f"{p.name} {'up to ' if p.upto else ''}{p.seconds:.0f} s" + (f" ({p.note})" if p.note else "")
                 for p in self.phases]
        return "; ".join(parts)


def make_plan(columns: int, seconds: float, cores: int, has_start: bool, work: int | None = None,
              pinned: bool = False) -> SolvePlan:
    """The plan for a model of ``columns`` columns and ``seconds`` left after building it.

    * start: the given schedule, or the track packing (at most 10 % of the time);
    * rooms and slots: a short last phase (at most 5 % of the time, 1–8 s);
    * search: the rest, one neighbourhood search per core, sharing one incumbent;
    * branch and bound on the whole model (up to ``BRANCH_AND_BOUND_MAX_COLUMNS`` columns, where its
      root finishes in time): on small models (``BRANCH_AND_BOUND_WHOLE_COLUMNS``) it has the second
      core for the whole search — it proves them optimal; on larger ones the second core searches
      until the search stalls, then branch and bound takes it for the bound (and any better schedule);
    * ``work``: a reproducible run — one search, ``work`` node-limited sub-problems, no branch and
      bound (whose progress depends on the clock); the time limit only a safety cap.
    """
    seconds = max(1.0, seconds)
    slots = min(8.0, max(1.0, 0.05 * seconds))
    start = 0.0 if has_start else min(max(1.0, 0.1 * seconds), 12.0)
    search = max(0.5, seconds - slots - start)
    if work is not None:
        return SolvePlan(phases=(Phase("start", start, "track packing" if not has_start else "given"),
                                 Phase("search", search, f"{work} sub-problems of at most {WORK_NODES} nodes"),
                                 Phase("rooms and slots", slots)),
                         searches=1, branch_and_bound=False, start="given" if has_start else "packing",
                         fixed_steps=work)
    bb = cores >= 2 and columns <= BRANCH_AND_BOUND_MAX_COLUMNS and not pinned
    whole = bb and columns <= BRANCH_AND_BOUND_WHOLE_COLUMNS
    searches = max(1, min(2, cores) - (1 if whole else 0))
    phases = [Phase("start", start, "given schedule" if has_start else "track packing, then the talks")]
    phases.append(Phase("search", search, f"{searches} neighbourhood search(es) side by side"))
    if whole:
        phases.append(Phase("branch and bound", search, "beside the search, on the second core"))
    elif bb:
        phases.append(Phase("branch and bound", BRANCH_AND_BOUND_LAST_SHARE * search,
                            f"on the second core in the last {BRANCH_AND_BOUND_LAST_SHARE:.0%} of the search, once the "
                            f"search stalls (no better schedule for {STALL_SECONDS:g} s and "
                            f"{STALL_SHARE:.0%} of the search so far)", upto=True))
    phases.append(Phase("rooms and slots", slots))
    return SolvePlan(phases=tuple(phases), searches=searches, branch_and_bound=bb,
                     branch_and_bound_when_stalled=bb and not whole,
                     start="given" if has_start else "packing")


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


# ====================================================================== the result

@dataclass
class SolveResult:
    schedule: Schedule | None
    status: str  # "optimal" | "feasible" | "relaxed" | "no schedule"
    objective: float | None  # the evaluator's score of the schedule (paper models: their own objective)
    best_bound: float | None  # a true lower bound (see the module doc)
    gap: float | None  # relative, (objective − bound) / |objective|
    build_seconds: float
    solve_seconds: float
    n_variables: int
    n_constraints: int
    solver: str
    solver_version: str
    model: str  # "full" | "exact" | "extended"
    time_limit: float
    hard_rules: str = DEFAULT_HARD_RULES
    relaxation_notes: list[str] = field(default_factory=list)
    capacity_messages: list[str] = field(default_factory=list)
    term_bounds: dict[str, float] = field(default_factory=dict)
    term_bound_method: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # the plan, the search, warm start, interruptions
    interrupted: bool = False
    solver_status: str = ""
    slot_objective: float = 0.0  # what the rooms-and-slots phase added to the master value
    session_objective: float | None = None  # the master model's value of the schedule (hard rules' elastic part out)
    plan: SolvePlan | None = None
    search: SearchStats | None = None


# ====================================================================== execution

class _Clock:
    """The answer is due ``time_limit`` seconds after the command started (reading and writing
    included): ``settings.started`` when the caller gives it, else now."""

    def __init__(self, settings: SolveSettings, problem: Problem):
        self.t0 = settings.started if settings.started is not None else time.perf_counter()
        # what is left after the search: scoring, result sheets and the files (measured: about 1 s + 4 ms a
        # submission for the public instances, and 16 s for 1,850 submissions, whose Live checks and
        # Violations grow with the pairs of talks: the N² term)
        n = problem.N
        self.reserve = 1.0 + 0.004 * n + 3e-6 * n * n + 0.01 * float(settings.time_limit)
        self.deadline = self.t0 + float(settings.time_limit) - self.reserve

    def left(self) -> float:
        return self.deadline - time.perf_counter()


class _Bound:
    """The best lower bound seen so far (shared between threads)."""

    def __init__(self, value: float | None = None):
        self._lock = threading.Lock()
        self.value = value

    def raise_to(self, b: float | None) -> None:
        if b is None or not math.isfinite(b):
            return
        with self._lock:
            if self.value is None or b > self.value:
                self.value = b


def _integral(problem: Problem) -> bool:
    """Whether every objective value is a whole number (all weights and penalties integers)."""
    vals = list(problem.parameters.weights.values()) + list(problem.track_session.values()) \
        + list(problem.track_room.values()) + list(problem.session_room.values()) + list(problem.similar.values())
    for sub in problem.submissions:
        vals += list(sub.session_penalty.values()) + list(sub.room_penalty.values())
    vals += [problem.parameters.small_penalty, problem.parameters.big_penalty]
    return all(float(v).is_integer() for v in vals)


def _proven(objective: float, bound: float | None, integral: bool) -> bool:
    if bound is None:
        return False
    if integral:
        return math.ceil(bound - 1e-6) >= objective - 1e-6
    return bound >= objective - 1e-6 * max(1.0, abs(objective))


def optimise(problem: Problem, settings: SolveSettings, fixed: Schedule | None = None,
             start: Schedule | None = None, max_changes: int | None = None) -> SolveResult:
    mode = (settings.model or "full").lower()
    hard_rules = settings.hard_rules or DEFAULT_HARD_RULES
    progress = settings.progress
    clock = _Clock(settings, problem)
    t_all = time.perf_counter()
    cap = check_capacity(problem)
    for msg in cap.messages:
        if progress:
            progress(f"capacity: {msg}")
    exempt = cap.must_split
    built = build_model(problem, mode, fixed=fixed, start=start, max_changes=max_changes, hard_rules=hard_rules,
                        exempt=exempt)
    mm = MatrixModel(built.prob)
    pm = PersistentModel(mm, seed=settings.seed)
    cols = Columns(built, mm)
    mm.set_structural(cols.structural)
    if progress:
        progress(f"model ({mode}): {built.n_variables:,} variables, {built.n_constraints:,} constraints, "
                 f"built in {time.perf_counter() - t_all:.1f}s")
    plan = make_plan(built.n_variables, clock.left(), available_cores(), has_start=start is not None,
                     work=settings.work, pinned=fixed is not None or max_changes is not None)
    notes = [f"plan: {plan.describe()}"]
    integral = _integral(problem)
    bound = _Bound()
    stats = SearchStats()
    token = current_cancel(settings.cancel)  # the Cancel button (or a cancel scope around the solve)

    def cancelled() -> bool:
        return token is not None and token.cancelled

    interrupted = False
    t_solve0 = time.perf_counter()

    # ---- 1. start
    values, value = None, None
    try:
        values, value = _start(problem, built, pm, cols, plan, start, settings, clock, notes, progress)
    except KeyboardInterrupt:
        interrupted = True
    if values is None:
        return _no_schedule(problem, built, cap, settings, mode, hard_rules, plan, notes, t_solve0, interrupted)
    if progress:
        progress(f"start: a complete schedule, model value {value:,.0f}")

    # ---- 2. search (and branch and bound beside it)
    shared = SharedIncumbent(values, value, min_gain=0.5 if integral else ANY_GAIN)
    if not interrupted:
        values, value, interrupted, bb_note = _search(problem, built, mm, cols, plan, shared, bound, stats,
                                                      settings, clock, integral, cancelled, progress)
        if bb_note:
            notes.append(bb_note)
    notes.append(f"search: {stats.improvements} better schedule(s) in {stats.steps} sub-problems"
                 + (f" ({', '.join(f'{k} {a}/{b}' for k, (a, b) in sorted(stats.by_kind.items()))} tried/better)"
                    if stats.by_kind else "")
                 + (f"; {stats.sideways} step(s) to another schedule of the same score, walking the plateau of a "
                    "stuck search" if stats.sideways else ""))
    interrupted = interrupted or stats.interrupted or cancelled()

    # ---- 3. rooms and slots
    grid, sessions = cols.grid_of(values), cols.sessions_of(values)
    fixed_slots = {}
    if start is not None and max_changes is not None:
        # a talk that keeps its session, whose room its track still holds, keeps its room and slots too
        # (the change limit counts sessions and rooms)
        for n, cells in start.cells_of().items():
            s0, r0, t0 = cells[0]
            if sessions.get(n) == s0 and grid.get((s0, r0)) == problem.submissions[n].track:
                fixed_slots[n] = (r0, t0)
    if fixed is not None:
        for n, cells in fixed.cells_of().items():
            fixed_slots[n] = (cells[0][1], cells[0][2])
    slot_limit = max(1.0, min(10.0, settings.time_limit / 20))
    slots = assign_timeslots(problem, grid, sessions, fixed=fixed_slots, time_limit=slot_limit, seed=settings.seed,
                             hard_weights={k: BIG for k in built.hard if built.hard_weight.get(k)})
    if slots.unpacked:
        values, value, slots = _repair_unpacked(problem, built, pm, cols, values, value, slots, fixed_slots,
                                                slot_limit, settings, notes)
    sched = slots.schedule
    for v, val in zip(pm.variables, values):  # the master's own values of the final plan
        v.varValue = val
    elastic = built.elastic_value()

    # ---- result
    result = SolveResult(schedule=sched, status="feasible", objective=None, best_bound=None, gap=None,
                         build_seconds=built.build_seconds, solve_seconds=0.0, n_variables=built.n_variables,
                         n_constraints=built.n_constraints, solver="highs", solver_version=_highs_version(),
                         model=mode, time_limit=float(settings.time_limit), hard_rules=hard_rules,
                         capacity_messages=list(cap.messages), notes=notes, interrupted=interrupted,
                         plan=plan, search=stats)
    tb = rule_bounds(problem)
    result.term_bounds = {k: b.value for k, b in tb.items()}
    result.term_bound_method = {k: b.how for k, b in tb.items()}
    ev = evaluate(problem, sched)
    result.session_objective = value - elastic
    result.slot_objective = slots.objective
    if mode == "full":
        result.objective = float(ev.total)
        floor = sum(result.term_bounds.values())
        b = bound.value
        if b is not None and elastic > 0.5 * BIG:
            b = None  # the master's bound counts the hard rules' price: not a bound of the weights alone
        best = max(floor, b) if b is not None else floor
        result.best_bound = min(best, result.objective)
        proven = (not interrupted and _proven(value, bound.value, integral)
                  and abs(result.objective - result.session_objective) < 1e-6)
    else:
        result.objective = value - elastic
        result.best_bound = min(bound.value, result.objective) if bound.value is not None else None
        proven = not interrupted and _proven(value, bound.value, integral)
    if result.best_bound is not None and result.objective is not None:
        result.gap = ((result.objective - result.best_bound) / abs(result.objective)) if result.objective else 0.0
    result.relaxation_notes = relaxation_notes(problem, built, cap, sched)
    if result.relaxation_notes:
        result.status = "relaxed"
    elif proven:
        result.status = "optimal"
        result.best_bound, result.gap = result.objective, 0.0
    else:
        result.status = "feasible"
    result.solver_status = ("proven optimal" if proven else
                            "stopped by the organiser" if interrupted else "time limit reached")
    if interrupted:
        notes.append("stopped on request: the best schedule found so far is returned")
    result.solve_seconds = time.perf_counter() - t_solve0
    if progress:
        progress(f"done in {time.perf_counter() - t_all:.1f}s: {result.status}, objective {result.objective:,.0f}")
    return result


def _start(problem, built, pm, cols, plan, start, settings, clock, notes, progress):
    """The start plan as a column vector and its master value, or (None, None)."""
    if start is not None:
        placed = {n: cells[0][0] for n, cells in start.cells_of().items()}
        vec = cols.vector(start.grid, placed)
        values, value = evaluate_plan(pm, cols, vec, time_limit=max(1.0, clock.left()))
        if values is not None:
            notes.append("warm start from the given schedule")
            return values, value
        notes.append("the given schedule does not fit the pinned cells or the change limit: started afresh")
    budget = plan.seconds("start") or min(12.0, 0.1 * max(1.0, clock.left()))
    best = None
    # two packings: tightest first (instances whose talks barely fit), cheapest first (instances whose
    # talks can go to few sessions); the talks placed on each grid by HiGHS, the better kept
    for prefer in ("tight", "cheap"):
        grid = plan_grid(built, min(1.5, 0.2 * budget), seed=settings.seed,
                         max_restarts=100 if settings.work is not None else None, prefer=prefer)
        if grid is None:
            continue
        lo, hi = pm.lo0.copy(), pm.hi0.copy()
        vec = cols.vector(grid, {})
        ys = np.fromiter(cols.y.values(), dtype=np.int64)
        lo[ys] = hi[ys] = vec[ys]
        pm.set_bounds(lo, hi)
        try:
            res = pm.solve(max(0.5, min(0.3 * budget, clock.left())),
                           node_limit=WORK_NODES if settings.work is not None else None)
        finally:
            pm.reset_bounds()
        if res.values is not None and (best is None or res.objective < best[1]):
            best = (res.values, res.objective, prefer)
    if best is not None:
        notes.append(f"start: the track packing ({'tightest' if best[2] == 'tight' else 'cheapest'} cells first), "
                     "the talks placed on it by HiGHS")
        return best[0], best[1]
    # no packing: HiGHS on the whole model for a first schedule
    res = pm.solve(max(1.0, clock.left() * 0.5))
    if res.values is not None:
        notes.append("start: HiGHS's first schedule on the whole model")
        return res.values, res.objective
    return None, None


def _search(problem, built, mm, cols, plan, shared, bound, stats, settings, clock, integral, cancelled, progress):
    """Run the neighbourhood search(es) and, where planned, branch and bound beside them."""
    interrupted = False
    note = ""
    t_search = time.perf_counter()
    deadline = t_search + max(0.0, clock.left() - plan.seconds("rooms and slots"))

    def proven_now() -> bool:
        return plan.stop_when_proven and _proven(shared.objective, bound.value, integral)

    def should_stop() -> bool:
        return cancelled() or proven_now() or shared.stop

    helpers: list[threading.Thread] = []
    bb_result: dict = {}

    def lp_bound(pm: PersistentModel) -> None:
        """The whole model's LP relaxation on ``pm``: its value, when optimal, is a true bound, and its
        solution guides the search (the "relaxation" neighbourhood)."""
        try:
            r = pm.solve(max(0.5, deadline - time.perf_counter()), lp_only=True)
            if r.status == "optimal":
                bound.raise_to(r.objective)
                shared.relaxation = r.values
        except Exception as exc:  # noqa: BLE001
            bb_result["error"] = exc

    def tracks_alone() -> None:
        """The tracks one by one (bounds.tracks_alone_bound): a true bound in seconds where the LP of the
        whole model takes minutes."""
        if built.n_variables <= BRANCH_AND_BOUND_WHOLE_COLUMNS or plan.fixed_steps is not None or built.mode != "full":
            return
        try:
            got = tracks_alone_bound(problem, min(TRACKS_ALONE_SECONDS, 0.3 * plan.seconds("search")),
                                     should_stop=lambda: cancelled() or shared.stop)
            if got is not None:
                bound.raise_to(got[0])
                bb_result["tracks alone"] = got
        except Exception as exc:  # noqa: BLE001
            bb_result["error"] = exc

    def branch_and_bound() -> None:
        """HiGHS on the whole model until the search's deadline, trading schedules with the searches; its
        final bound (or its optimum) is a true bound."""
        def incumbent():
            v, o, _ = shared.best()
            return o, v

        bb_pm = PersistentModel(mm, seed=settings.seed)
        try:
            r = bb_pm.solve_exchanging(max(0.5, deadline - time.perf_counter()), start=shared.best()[0],
                                       incumbent=incumbent, on_solution=lambda v, o: shared.offer(v, o),
                                       on_bound=lambda b: None,
                                       should_stop=lambda: cancelled() or shared.stop or proven_now())
            bb_result["run"] = r
            if r.values is not None:
                shared.offer(r.values, r.objective)
            if r.status == "optimal" and r.objective is not None:
                bound.raise_to(r.objective)
            else:
                bound.raise_to(r.bound)
        except Exception as exc:  # noqa: BLE001 - the search goes on without it
            bb_result["error"] = exc

    if plan.branch_and_bound and not plan.branch_and_bound_when_stalled:
        # small models: branch and bound has the second core for the whole search
        helpers.append(threading.Thread(target=branch_and_bound, daemon=True, name="xlcs-branch-and-bound"))
    elif plan.fixed_steps is None:
        # the bound beside the searches: the tracks one by one, then the LP relaxation (on a copy, only where
        # it runs in time: a larger model's LP takes minutes, OR60F2: 90 s)
        lp_pm = PersistentModel(mm, seed=settings.seed) if built.n_variables <= LP_MAX_COLUMNS else None

        def lp() -> None:
            if lp_pm is not None:  # first: its solution guides the search
                lp_bound(lp_pm)
            tracks_alone()

        helpers.append(threading.Thread(target=lp, daemon=True, name="xlcs-lp-bound"))
    # the first part of the search prices parallel rooms as a hard rule would (see SolvePlan)
    par = None
    if plan.discourage_parallel > 0 and "PAR" in built.hard and not built.hard_weight.get("PAR"):
        vec, const = mm.vector_of(built.hard["PAR"])
        par = (mm.cost + BIG * vec, mm.constant + BIG * const)
    t_switch = time.perf_counter() + plan.discourage_parallel * max(0.0, deadline - time.perf_counter())
    steps_a = int(plan.discourage_parallel * plan.fixed_steps) if plan.fixed_steps is not None else None

    def run_search(seed, st, progress_=None, stop=should_stop):
        v, o, _ = shared.best()
        node_limit = WORK_NODES if plan.fixed_steps is not None else None
        if par is not None:
            improve(mm, cols, v, o, t_switch if steps_a is None else deadline, seed=seed, shared=shared,
                    stats=st, progress=progress_, should_stop=stop, max_steps=steps_a,
                    node_limit=node_limit, cost=par)
            v, o, _ = shared.best()
        rest = None if plan.fixed_steps is None else plan.fixed_steps - (steps_a or 0)
        improve(mm, cols, v, o, deadline, seed=seed + 1, shared=shared, stats=st, progress=progress_,
                should_stop=stop, max_steps=rest, node_limit=node_limit)

    def stalled() -> bool:
        return (deadline - time.perf_counter() <= BRANCH_AND_BOUND_LAST_SHARE * (deadline - t_search)
                and shared.stalled(t_search, STALL_SECONDS, STALL_SHARE))

    def search_worker(i: int) -> None:
        try:
            if i == 1 and plan.branch_and_bound_when_stalled:
                # the second core searches until the search stalls, then works on the bound
                run_search(settings.seed + 7919 * i, helper_stats[i - 1], stop=lambda: should_stop() or stalled())
                if not should_stop() and deadline - time.perf_counter() >= BRANCH_AND_BOUND_MIN_SECONDS:
                    bb_result["joined"] = time.perf_counter() - t_search
                    branch_and_bound()
            else:
                run_search(settings.seed + 7919 * i, helper_stats[i - 1])
        except Exception:  # noqa: BLE001
            pass

    helper_stats = [SearchStats() for _ in range(1, plan.searches)]
    for i in range(1, plan.searches):
        helpers.append(threading.Thread(target=search_worker, args=(i,), daemon=True, name=f"xlcs-search-{i}"))
    for t in helpers:
        t.start()
    try:
        run_search(settings.seed, stats, progress)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # the first search is done: a branch and bound that has the second core for the whole search may
        # still prove the model optimal before the deadline; then every helper stops (branch and bound at
        # its next callback)
        while True:
            if proven_now() or cancelled() or time.perf_counter() >= deadline or plan.fixed_steps is not None \
                    or not any(t.is_alive() for t in helpers if t.name == "xlcs-branch-and-bound"):
                break
            time.sleep(0.05)
        shared.stop = True
        for t in helpers:
            while t.is_alive():
                try:
                    t.join(0.2)
                except KeyboardInterrupt:
                    interrupted = True
                    shared.stop = True
    for hs in helper_stats:
        stats.steps += hs.steps
        stats.improvements += hs.improvements
        stats.sideways += hs.sideways
        for k, (a, b) in hs.by_kind.items():
            stats.by_kind[k][0] += a
            stats.by_kind[k][1] += b
    if "run" in bb_result:
        r = bb_result["run"]
        where = (f"on the second core from {bb_result['joined']:.0f} s, when the search had stalled"
                 if "joined" in bb_result else "beside the search")
        note = (f"branch and bound on the whole model {where}: {r.status}, {r.seconds:.0f} s"
                + (f", bound {bound.value:,.1f}" if bound.value is not None else ""))
    if "tracks alone" in bb_result:
        b, n = bb_result["tracks alone"]
        note = (note + "; " if note else "") + (f"bound from the tracks one by one: {b:,.1f} ({n} of {problem.T} "
                                                 "tracks settled exactly)")
    if "error" in bb_result:
        note = (note + "; " if note else "") + f"the bound's solver failed: {bb_result['error']!r}"
    values, value, _ = shared.best()
    return values, value, interrupted, note


def _repair_unpacked(problem, built, pm, cols, values, value, slots, fixed_slots, slot_limit, settings, notes):
    """Talks that do not pack into their track's rooms of a session (the master counts slots, not
    rooms): forbid the longest of them there, let its track re-plan, and place the slots again."""
    lo, hi = pm.lo0.copy(), pm.hi0.copy()
    for _ in range(10):
        if not slots.unpacked:
            break
        sessions = cols.sessions_of(values)
        free = set()
        for k, s in slots.unpacked:
            talks = [n for n, ss in sessions.items() if ss == s and problem.submissions[n].track == k]
            if talks:
                n = max(talks, key=lambda n: problem.submissions[n].required_slots)
                i = cols.x.get((n, s))
                if i is not None:
                    hi[i] = 0
            free.update(cols.y_of_track[k])
            for n in problem.submissions_of_track[k]:
                free.update(cols.x_of_talk[n].values())
        st = cols.structural
        fixed = np.setdiff1d(st, np.fromiter(free, dtype=np.int64, count=len(free)))
        lo2, hi2 = lo.copy(), hi.copy()
        lo2[fixed] = hi2[fixed] = np.round(values[fixed])
        hi2 = np.minimum(hi2, hi)
        pm.set_bounds(lo2, hi2)
        try:
            res = pm.solve(max(1.0, slot_limit), start=None)
        finally:
            pm.reset_bounds()
        if res.values is None:
            break
        values, value = res.values, res.objective
        slots = assign_timeslots(problem, cols.grid_of(values), cols.sessions_of(values), fixed=fixed_slots,
                                 time_limit=slot_limit, seed=settings.seed,
                                 hard_weights={k: BIG for k in built.hard if built.hard_weight.get(k)})
        notes.append("rooms and slots: talks that did not pack into their track's rooms were moved")
    return values, value, slots


def _no_schedule(problem, built, cap, settings, mode, hard_rules, plan, notes, t0, interrupted) -> SolveResult:
    return SolveResult(schedule=None, status="no schedule", objective=None, best_bound=None, gap=None,
                       build_seconds=built.build_seconds, solve_seconds=time.perf_counter() - t0,
                       n_variables=built.n_variables, n_constraints=built.n_constraints, solver="highs",
                       solver_version=_highs_version(), model=mode, time_limit=float(settings.time_limit),
                       hard_rules=hard_rules, capacity_messages=list(cap.messages),
                       relaxation_notes=list(cap.messages), notes=notes, interrupted=interrupted, plan=plan,
                       solver_status="no schedule found")


def _highs_version() -> str:
    try:
        from .persistent import quiet_highs

        h = quiet_highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
    except Exception:  # noqa: BLE001
        return "?"


# ====================================================================== what the schedule gives up, in words

def relaxation_notes(problem: Problem, built: BuiltModel, cap: CapacityReport, sched: Schedule) -> list[str]:
    """Hard rules the schedule breaks (the organiser chose them, or the paper's model), and the tracks
    the capacity check proves cannot keep one room — in the organiser's words."""
    p = problem
    notes = []
    ev = evaluate(p, sched)
    one_room = "NR" in hard_keys(built.mode, built.hard_rules)
    for k in sorted(cap.must_split) if one_room else ():
        rooms = sorted({r for (s, r), kk in sched.grid.items() if kk == k})
        par = [s for s in range(p.S) if sum(1 for (s2, r), kk in sched.grid.items() if kk == k and s2 == s) > 1]
        notes.append(
            f"track {p.tracks[k].name} needs {cap.track_demand[k]} slots but one room offers at most "
            f"{cap.room_capacity} over the {p.S} sessions: it uses {len(rooms)} rooms "
            f"({', '.join(p.rooms[r] for r in rooms)})"
            + (f" and runs in parallel rooms in {', '.join(p.sessions[s].name for s in par)}." if par else "."))
    for n in cap.unplaceable:
        notes.append(f"submission {p.submissions[n].ref} is longer than every session and was left out.")
    exempt_names = {p.tracks[k].name for k in cap.must_split}
    for key in hard_keys(built.mode, built.hard_rules):
        t = ev.term(key)
        for v in t.violations:
            if key in ("NR", "PAR") and exempt_names & set(v.items):
                continue
            notes.append(f"could not keep the hard rule '{t.info.name}': {v.facts}.")
    return notes


def weight_explanations(problem: Problem, sched: Schedule, hard_rules: str) -> list[str]:
    """Where the chosen schedule uses what the weights allow but the paper's hard rules forbid — a
    track in several rooms, a track in parallel rooms, a presenter in two places at once — each in
    words with the weight's cell, so the organiser can raise it or choose the hard rules."""
    p = problem
    ev = evaluate(p, sched)
    out = []
    for key in ("NR", "PAR", "PC"):
        rule = RULE_BY_KEY[key]
        if rule.hard_in(hard_rules):
            continue
        t = ev.term(key)
        if not t.active or not t.violations:
            continue
        cell = f"parameters!{t.info.weight_cell}"
        stronger = "presenters" if key == "PC" else "all"
        for v in t.violations:
            out.append(f"{v.facts[0].upper()}{v.facts[1:]}: allowed because {cell} weighs '{t.info.name}' at "
                       f"{t.weight:g} a unit ({v.amount * t.weight:g} here); raise {cell} or choose hard rules "
                       f"'{stronger}' to forbid it.")
    return out


__all__ = ["optimise", "make_plan", "SolvePlan", "Phase", "SolveResult", "relaxation_notes", "weight_explanations",
           "RULES"]
