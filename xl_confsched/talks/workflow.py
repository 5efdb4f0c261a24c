"""Solve / Check for the talk-survey workbook (kind ``talks``).

``solve``: read and validate the workbook, decide whether the hard pairs (interest
above the conflict threshold) can be kept apart — if a set of mutually-apart talks
needs more timeslots than the programme has, say which, and fall back to treating
them as heavily weighted soft pairs — then run a local search for a start schedule
and the MIP (``--model groups|pairs|direct``, default groups) within the time limit,
keep the best schedule that :func:`rules.evaluate` scores, and write the result sheets.

``check``: validate the inputs and, when the workbook has a "Talk Table" (possibly
edited by hand: Venue and Start columns), re-score that schedule rule by rule.
"""

from __future__ import annotations

import os
import time
from typing import Any

from ..errors import InputError, InputIssue, IssueLog
from ..kinds import SolveSettings
from ..report import Report
from ..solvers import current_cancel
from ..tables import WorkbookData, is_blank
from . import model as M
from .explain import apart_clique, infeasibility_message
from .bounds import Bound, objective_floor, seats_short_best, slots_too_small_best, tidy
from .bounds import best as best_bound
from .heuristic import PENALTY, BackgroundSearch, best_venues, local_search
from .problem import TalkProblem
from .reader import parse_time, read_problem, text
from .results import TABLE, build_report
from .rules import Evaluation, Schedule, evaluate


MIP_MIN_SECONDS = 30.0
LP_MAX_GROUPS = 40_000  # the group model's LP relaxation is worth its seconds up to about this many groups  # less than this and CBC rarely gets past the big MIP's root in soft mode


def _best(p: TalkProblem, candidates: list[tuple[str, Schedule]]) -> Schedule:
    """The candidate schedule the evaluation scores lowest."""
    return min(candidates, key=lambda c: evaluate(p, c[1]).objective)[1]


def _progress(settings: SolveSettings, msg: str) -> None:
    if settings.progress:
        settings.progress(msg)


def _fmt(x: float | None) -> Any:
    return None if x is None else round(x, 2)


OBJECTIVE_LABELS = {
    "conflicts": "conflicts and seats (default): interest of talks in parallel + seats short",
    "article": "the article's: talk-slots in a room big enough for the talk's audience (maximised; shown as "
               "the talk-slots in a room too small, minimised)",
}


class _Incumbents:
    """The candidate schedules and the proven bounds of one Solve; knows when it is finished."""

    def __init__(self, p: TalkProblem, hard: bool):
        self.p = p
        self.hard = hard
        self.candidates: list[tuple[str, Schedule]] = []
        self.bounds: list[Bound] = []
        self._best: tuple[float, Schedule] | None = None

    def _allowed(self, ev: Evaluation) -> bool:
        return ev.feasible and (not self.hard or ev.all_hard_pairs_apart)

    def add(self, origin: str, schedule: Schedule | None, venues: bool = True) -> None:
        if schedule is None:
            return
        if venues:  # the same times in the cheapest venues (exact, milliseconds)
            better = best_venues(self.p, schedule)
            if better is not schedule:
                self.add(f"{origin}, venues reassigned", better, venues=False)
        self.candidates.append((origin, schedule))
        ev = evaluate(self.p, schedule)
        if self._allowed(ev) and (self._best is None or ev.objective < self._best[0] - 1e-9):
            self._best = (ev.objective, schedule)

    def score(self, schedule: Schedule) -> float | None:
        """The objective of ``schedule``, or None if it breaks a rule of this solve."""
        ev = evaluate(self.p, schedule)
        return ev.objective if self._allowed(ev) else None

    @property
    def best_cost(self) -> float | None:
        return self._best[0] if self._best else None

    @property
    def best_schedule(self) -> Schedule | None:
        return self._best[1] if self._best else None

    def add_bound(self, value: float | None, source: str) -> None:
        v = tidy(self.p, value, hard_apart=self.hard)
        if v is not None:
            self.bounds.append(Bound(v, source))

    @property
    def bound(self) -> Bound | None:
        return best_bound(self.bounds)

    @property
    def proven(self) -> bool:
        b = self.bound
        return b is not None and self.best_cost is not None and self.best_cost <= b.value + 1e-6


def solve(data: WorkbookData, settings: SolveSettings) -> Report:
    t_start = time.time()
    problem, log = read_problem(data)
    formulation = settings.model or "groups"
    if formulation not in M.FORMULATIONS:
        raise InputError([InputIssue("--model", f"unknown model '{formulation}' for a talk schedule. "
                                                f"Use one of: {', '.join(M.FORMULATIONS)}.")])
    issues: list[InputIssue] = list(log.warnings)
    p = problem
    limit = max(1.0, float(settings.time_limit))
    # leave time for scoring the candidates and building the result sheets
    deadline = t_start + limit - min(3.0, 0.05 * limit)
    run: dict[str, Any] = {"Kind": "talk schedule from an interest survey",
                           "Objective function": OBJECTIVE_LABELS[p.weights.objective],
                           "Model": formulation, "Solver": settings.solver, "Time limit (s)": limit,
                           "Seed": settings.seed, "Talks / venues / timeslots": f"{p.T} / {p.V} / {p.S}",
                           "Survey answers": len(p.picks),
                           "Pairs with interest": f"{len(p.interest)} of {p.n_pairs}",
                           "Conflict threshold": p.weights.threshold,
                           "Hard pairs": len(p.hard_pairs)}
    mode = "hard" if p.hard_pairs else "soft"
    hard_note = "no pair above the threshold" if not p.hard_pairs else ""
    why_soft = ""
    clique: list[int] = []
    need = 0
    if mode == "hard":
        clique, need = apart_clique(p, seconds=min(5.0, limit / 10))
        if need > p.S:
            why_soft = infeasibility_message(p, clique, need)
            issues.append(InputIssue("Weights", why_soft, "warning"))
            mode = "soft"
            _progress(settings, f"hard pairs cannot all be kept apart ({len(clique)} talks need {need} timeslots); "
                                "treating them as heavily weighted soft pairs")
    hard = mode == "hard"
    token = current_cancel(settings.cancel)

    def cancelled() -> bool:
        return token is not None and token.cancelled

    inc = _Incumbents(p, hard)
    inc.add_bound(objective_floor(p).value, "venue assignment (every talk in the cheapest venue that fits)")
    result: M.SolveResult | None = None
    background = None
    use_blocks = p.V <= 3 and formulation == "groups"
    remaining = deadline - time.time()
    # with the blocks' bound, CBC's root processing of the large MIP only pays when much time is
    # left after them; otherwise the rest of the time goes to local search from the best schedule
    mip_after = not use_blocks or 0.3 * remaining - 8.0 >= MIP_MIN_SECONDS
    if remaining > 10 and (os.cpu_count() or 1) > 1 and settings.background_search:
        # a long local search on the second core while this one runs the models
        bg_s = 0.72 * remaining if mip_after else remaining - 2.0
        background = BackgroundSearch(p, bg_s, seed=settings.seed, hard=hard, per_run=bg_s)
    unsubscribe = token.on_cancel(background.stop) if token is not None and background is not None else None
    try:
        ls_time = max(0.5, min(5.0, 0.15 * remaining))
        target = inc.bound.value if inc.bound else None
        sched, cost = local_search(p, seconds=ls_time, seed=settings.seed, hard=hard, target=target, stop=cancelled)
        if sched is not None and (not hard or cost < PENALTY):
            inc.add("local search", sched)
        _progress(settings, f"local search: {'cost ' + format(cost, 'g') if inc.best_cost is not None else 'no schedule'}")
        if hard and inc.best_cost is None:
            # no schedule with every hard pair apart yet: the MIP finds one or proves there is none
            result = _mip(p, formulation, "hard", settings, 0.5 * (deadline - time.time()), None, run)
            if result and result.schedule:
                inc.add(f"MIP ({result.status})", result.schedule)
            if result is not None and result.bound is not None:
                inc.add_bound(result.bound, "MIP (CBC)")
            if inc.best_cost is None:
                why = "CBC proved that none exists" if result and result.status == "infeasible" else \
                    f"none was found within {result.seconds if result else 0:.0f} s (not proved impossible)"
                why_soft = (f"No schedule keeps all {len(p.hard_pairs)} hard pairs (interest above "
                            f"{p.weights.threshold:g}) apart: {why}. The most demanding set of mutually-apart talks "
                            f"needs {need} of {p.S} timeslots: " + "; ".join(f"'{p.talks[i].title}'" for i in clique)
                            + ". Raise the conflict threshold on the Weights sheet to keep more pairs apart; this run "
                            "treats the hard pairs as heavily weighted soft pairs instead.")
                issues.append(InputIssue("Weights", why_soft, "warning"))
                mode, hard = "soft", False
                cands = inc.candidates
                inc = _Incumbents(p, False)
                inc.add_bound(objective_floor(p).value, "venue assignment (every talk in the cheapest venue that fits)")
                for origin, sc in cands:
                    inc.add(origin, sc)
                if background is not None:
                    background.stop()
                    background.result(timeout=2.0)
                    background = None
                result = None
                ls_time = max(0.5, min(5.0, 0.15 * (deadline - time.time())))
                sched, cost = local_search(p, seconds=ls_time, seed=settings.seed, hard=False)
                inc.add("local search", sched)
        left = deadline - time.time()
        if not inc.proven and use_blocks and hard and left > 20 and not cancelled() \
                and M.group_count(p, p.hard_pairs) <= LP_MAX_GROUPS:
            # the group model's LP relaxation: with the hard pairs apart (few groups) a true bound in
            # seconds, while the block decomposition's (stronger at convergence) is often still below 0
            # after a minute on a busy machine; with every pair soft its LP is large and weak (8.6 after
            # 39 s on the example's survey, against a best schedule of 78), so it is not run then
            t_lp = time.time()
            lp = M.lp_bound(p, "groups", mode, time_limit=min(15.0, 0.25 * left),
                            solver="highs" if settings.solver == "highs" else "cbc", cancel=token)
            inc.add_bound(lp, "LP relaxation of the group model")
            run["Group-model LP bound"] = (f"{_fmt(tidy(p, lp, hard))} in {time.time() - t_lp:.1f} s" if lp is not None
                                           else f"not solved in {time.time() - t_lp:.1f} s")
            _progress(settings, f"LP relaxation of the group model: bound {_fmt(tidy(p, lp, hard))}")
        if not inc.proven and use_blocks and deadline - time.time() > 1.0 and not cancelled():
            # the block decomposition's column-generation bound is far stronger than the MIP's LP bound
            from .blocks import BlockModel

            share = (0.7 if mip_after else 0.82) * (deadline - time.time())
            int_s = min(6.0, share / 6)  # the integer solve over the generated blocks: often the best schedule
            try:
                # a pricing round can take seconds: stop starting new ones a little early
                bm = BlockModel(p, mode)
                # Cancel also ends a pricing round under way (its bound is then not used)
                off = token.on_cancel(lambda: setattr(bm, "cancelled", True)) if token is not None else None
                try:
                    b = bm.solve(time_limit=0.9 * (share - int_s), integer_seconds=int_s,
                                 start=[inc.best_schedule] if inc.best_schedule else [],
                                 target=inc.best_cost, score=inc.score, stop=cancelled)
                finally:
                    if off is not None:
                        off()
                inc.add_bound(b.bound, "block decomposition (column generation)")
                inc.add("block decomposition", b.schedule)
                if b.schedule is not None and not inc.proven:
                    # a short local search from the blocks' integer solution often improves it further
                    polish = min(3.0, 0.05 * limit, max(0.0, deadline - time.time() - 5.0))
                    if polish > 0.2:
                        s2, _ = local_search(p, seconds=polish, seed=settings.seed + 1, hard=hard, start=b.schedule,
                                             target=inc.bound.value if inc.bound else None, stop=cancelled)
                        inc.add("block decomposition + local search", s2)
                run["Block-decomposition bound"] = _fmt(tidy(p, b.bound, hard))
                run["Block decomposition"] = (f"{b.iterations} pricing rounds, {b.n_columns} blocks, "
                                              + ("stopped: the bound proves the schedule optimal" if b.proves_target
                                                 else "converged" if b.converged else "stopped at its time share")
                                              + f", {b.seconds:.1f} s")
                _progress(settings, f"block decomposition: bound {_fmt(tidy(p, b.bound, hard))}")
            except Exception as exc:  # noqa: BLE001 - the bound is an extra; the MIP still runs
                run["Block decomposition"] = f"not available ({exc})"
                mip_after = True  # no bound from the blocks: the MIP gives one
        if not inc.proven and not mip_after and inc.best_schedule is not None and not cancelled():
            left = deadline - time.time() - 2.0
            if left > 0.5:
                s3, _ = local_search(p, seconds=left, seed=settings.seed + 2, hard=hard, start=inc.best_schedule,
                                     target=inc.bound.value if inc.bound else None, stop=cancelled)
                inc.add("best schedule + local search", s3)
            run["MIP"] = (f"not run: the block decomposition's bound is the stronger one, and CBC's root processing "
                          f"of the large MIP does not fit in the time left (needs at least {MIP_MIN_SECONDS} s)")
        if background is not None:
            if inc.proven:
                background.stop()
            bg_sched, bg_cost = background.result(timeout=background.ends - time.time() + 2.0)
            if bg_sched is not None and (not hard or bg_cost < PENALTY):
                inc.add("local search (second core)", bg_sched)
                _progress(settings, f"local search on the second core: cost {bg_cost:g}")
            elif background.error:
                run["Second-core search"] = f"not available ({background.error})"
            background = None
        if not inc.proven and mip_after and result is None and not cancelled():
            result = _mip(p, formulation, mode, settings, max(1.0, deadline - time.time() - 2.0), inc.best_schedule,
                          run)
            if result and result.schedule:
                inc.add(f"MIP ({result.status})", result.schedule)
            if result is not None and result.bound is not None:
                inc.add_bound(result.bound, f"MIP ({settings.solver.upper()})")
        elif inc.proven and result is None:
            run["MIP"] = "not needed: the bound proves the schedule optimal"
    finally:
        if unsubscribe is not None:
            unsubscribe()
        if background is not None:
            background.close()
    if cancelled():
        run["Cancelled"] = "yes: the best schedule found so far"
    if why_soft:
        hard_note = "could not all be kept apart: treated as soft pairs × hard pair factor (see Status)"
    elif p.hard_pairs:
        hard_note = "all kept apart (hard)"
    run["Hard pairs handled as"] = "hard (never in parallel)" if hard else \
        ("soft, × hard pair factor" if p.hard_pairs else "—")
    if why_soft:
        run["Why the hard pairs became soft"] = why_soft

    if not inc.candidates:
        summary = "No schedule was found within the time limit. Give more time (--time-limit) or check the inputs."
        run["Status"] = "no solution"
        from ..report import status_sheet
        return Report(kind="talks", sheets=[status_sheet(issues, summary)], status="no solution",
                      objective=None, summary=summary, issues=issues, ok=False)

    scored = [(evaluate(p, s), origin) for origin, s in inc.candidates]
    scored = [(ev, o) for ev, o in scored if ev.feasible and (not hard or ev.all_hard_pairs_apart)] or scored
    ev, origin = min(scored, key=lambda e: (not e[0].feasible, e[0].objective))
    bnd = inc.bound
    bound = bnd.value if bnd is not None else None
    if bound is not None and ev.feasible and bound > ev.objective + 1e-6:
        # a bound above a schedule's cost would be a bug somewhere: never show it
        run["Bound note"] = f"a bound of {bound:g} ({bnd.source}) exceeded the schedule's cost {ev.objective:g}: dropped"
        bound = None
    gap = None
    if bound is not None:
        gap = 0.0 if ev.objective <= bound + 1e-6 else (ev.objective - bound) / ev.objective
    status = "optimal" if gap is not None and gap <= 1e-6 else (f"feasible (gap {100 * gap:.1f}%)" if gap is not None
                                                                else "feasible (no bound)")
    run.update({"Schedule from": origin, "Status": status, "Objective": _fmt(ev.objective),
                "Lower bound": _fmt(bound), "Lower bound from": bnd.source if bound is not None else None,
                "Gap": None if gap is None else f"{100 * gap:.1f}%",
                "Seconds": round(time.time() - t_start, 1)})
    achievement = _achievement_references(p, hard, hard_note, bound)
    if p.article:
        best_count = achievement.get("article_reference")
        if bound is not None and (hard or not p.hard_pairs):  # the objective is then the talk-slots too small
            best_count = min(x for x in (best_count, ev.talk_slots - int(bound)) if x is not None)
            achievement["article_reference"] = best_count
        run["The article's count"] = (f"{ev.slots_big_enough} of {ev.talk_slots} talk-slots in a room big enough"
                                      + (f"; no schedule has more than {best_count}" if best_count is not None else ""))
    run["_achievement"] = achievement
    issues += _violation_issues(ev)
    lost = len(ev.misses)
    summary = (f"Talk schedule {status}: {p.T - len(ev.by_rule('once'))} of {p.T} talks placed, "
               + (f"{ev.slots_big_enough} of {ev.talk_slots} talk-slots in a room big enough (the article's "
                  "objective), " if p.article else "")
               + f"conflict cost {ev.conflict_cost:g}, {lost} picks lost by {len({m.attendee for m in ev.misses})} "
               f"attendees, {ev.seats_short} seats short"
               + (f"; {len(ev.hard_parallel)} of {len(p.hard_pairs)} hard pairs in parallel" if p.hard_pairs else "")
               + ("." if not why_soft else ". The hard pairs could not all be kept apart — see Status."))
    return build_report(ev, status, summary, run, issues, ev.objective)


def _achievement_references(p: TalkProblem, hard: bool, hard_note: str, bound: float | None) -> dict[str, Any]:
    """Proven references for the Achievement sheet: each term's best possible over every schedule
    the workbook allows (a relaxation, so a true bound), and the objective's proven bound."""
    out: dict[str, Any] = {"hard_note": hard_note, "bound": _fmt(bound)}
    try:
        out["seats_reference"] = _fmt(tidy(p, seats_short_best(p)))
        out["seats_note"] = "soft; reference = fewest seats short of any schedule (proven)"
        small = tidy(p, slots_too_small_best(p))
        out["article_reference"] = None if small is None else sum(t.slots for t in p.talks) - int(small)
    except Exception:  # noqa: BLE001 - references are extras; leave them blank rather than guess
        pass
    return out


def _mip(p: TalkProblem, formulation: str, mode: str, settings: SolveSettings, seconds: float,
         start: Schedule | None, run: dict[str, Any]) -> M.SolveResult | None:
    if seconds < 1.0:
        run["MIP"] = "skipped: no time left"
        return None
    t0 = time.time()
    if formulation == "groups":
        n = M.group_count(p, p.hard_pairs if mode == "hard" else [])  # count groups before building them
        if n > M.MAX_GROUP_COLUMNS:
            run["Model note"] = f"{n} group columns is too many; used the 'pairs' formulation"
            formulation = "pairs"
    _progress(settings, f"building the '{formulation}' model ({mode} hard pairs)")
    f = M.build(p, formulation, mode)
    build_s = time.time() - t0
    left = seconds - 2 * build_s  # writing the model and reading the solution take about as long as building
    if settings.solver != "highs":
        # CBC stops only between phases: after the watchdog's stop request it can run on for seconds
        left -= min(6.0, 0.25 * left)
    if left < 1.0:
        run["MIP"] = f"skipped: building took {build_s:.1f} s of the time limit"
        return None
    _progress(settings, f"solving with {settings.solver.upper()} for up to {left:.0f} s "
                        f"({len(f.prob.variables())} variables, {f.n_constraints} constraints)")
    r = M.solve(f, left, solver=settings.solver, seed=settings.seed, threads=settings.threads,
                start=start, verbose=settings.verbose, progress=settings.progress, build_seconds=build_s,
                cancel=settings.cancel)
    run.update({f"MIP ({mode} pairs)": f"{r.status}, objective {_fmt(r.objective)}, bound {_fmt(r.bound)}, "
                                       f"{r.seconds:.1f} s + {build_s:.1f} s to build",
                "Variables / constraints": f"{r.n_variables} / {r.n_constraints}"})
    return r


def _violation_issues(ev: Evaluation, refs: dict[int, str] | None = None) -> list[InputIssue]:
    refs = refs or {}
    return [InputIssue(refs.get(v.talks[0], ev.problem.talks[v.talks[0]].ref) if v.talks else TABLE,
                       v.message + (" (soft: the hard pairs could not all be kept apart)" if v.rule == "hard_pairs" else ""),
                       "warning") for v in ev.violations]


# --------------------------------------------------------------------------------------
# check
# --------------------------------------------------------------------------------------

def read_schedule(problem: TalkProblem, data: WorkbookData) -> tuple[Schedule, dict[int, str]]:
    """The (possibly hand-edited) "Talk Table" as a plain schedule; cell-naming errors."""
    t = data.get(TABLE)
    log = IssueLog()
    assert t is not None
    # the table has a title row above its header: find the header row
    h = next((i for i in range(min(5, t.n_rows)) if any(text(v).lower() == "title" for v in t.rows[i])), None)
    if h is None:
        log.error(f"{TABLE}!A1", "cannot find the header row (Title, …, Venue, Start) of the Talk Table. "
                                 "Solve again to rewrite it.")
        log.raise_if_errors()
    header = [text(v).lower() for v in t.rows[h]]
    jt, jv, js = (header.index(k) if k in header else None for k in ("title", "venue", "start"))
    if None in (jt, jv, js):
        log.error(t.ref(h, 0), "the Talk Table needs the columns Title, Venue and Start. Solve again to rewrite it.")
        log.raise_if_errors()
    titles = {tk.title.lower(): i for i, tk in enumerate(problem.talks)}
    venues = {v.name.lower(): k for k, v in enumerate(problem.venues)}
    slots: dict[str, int] = {}
    for s in range(problem.S):
        slots.setdefault(problem.slot_label(s).lower(), s)
        slots.setdefault(f"{problem.slots[s].day} {problem.slots[s].time}".strip().lower(), s)
        if not problem.multi_day:
            slots.setdefault(problem.slots[s].time, s)
    schedule: Schedule = {}
    refs: dict[int, str] = {}
    for i in range(h + 1, t.n_rows):
        title = text(t.value(i, jt))
        if not title:
            continue
        k = titles.get(title.lower())
        if k is None:
            log.error(t.ref(i, jt), f"'{title}' is not a talk of the Talks sheet. Do not rename talks in the "
                                    "Talk Table; change the Talks sheet and solve again.")
            continue
        if k in schedule or k in refs:
            log.error(t.ref(i, jt), f"talk '{title}' is listed twice in the Talk Table. Delete one of the rows.")
            continue
        refs[k] = t.ref(i, jt)
        rv, rs = t.value(i, jv), t.value(i, js)
        if is_blank(rv) and is_blank(rs):
            schedule[k] = None
            continue
        v = venues.get(text(rv).lower())
        if v is None:
            log.error(t.ref(i, jv), f"'{text(rv)}' is not a venue. Use a name from the Venues sheet.")
        key = parse_time(rs) if not isinstance(rs, str) else rs.strip().lower()
        s = slots.get(key or "") if key else None
        if s is None and isinstance(rs, str) and parse_time(rs):
            s = slots.get(parse_time(rs))
        if s is None:
            log.error(t.ref(i, js), f"'{text(rs)}' is not a timeslot. Use a start time from the Timeslots sheet"
                                    + (" with its day, e.g. 'Day 1 09:30'" if problem.multi_day else ", e.g. 09:30") + ".")
        if v is not None and s is not None:
            schedule[k] = (v, s)
    log.raise_if_errors()
    return schedule, refs


def check(data: WorkbookData) -> Report:
    problem, log = read_problem(data)
    p = problem
    issues = list(log.warnings)
    if TABLE not in data:
        msg = (f"Inputs are valid: {p.T} talks ({sum(t.slots for t in p.talks)} venue-timeslots), {p.V} venues × "
               f"{p.S} timeslots, {len(p.picks)} survey answers; {len(p.interest)} of {p.n_pairs} pairs of talks "
               f"share interest, {len(p.hard_pairs)} are above the conflict threshold.")
        if p.hard_pairs:
            clique, need = apart_clique(p, seconds=3.0)
            if need > p.S:
                issues.append(InputIssue("Weights", infeasibility_message(p, clique, need), "warning"))
                msg += " They cannot all be kept apart (see Status)."
        from ..report import status_sheet
        return Report(kind="talks", sheets=[status_sheet(issues, msg)], status="checked", objective=None,
                      summary=msg, issues=issues)
    schedule, refs = read_schedule(p, data)
    ev = evaluate(p, schedule)
    issues += _violation_issues(ev, refs)
    broken = [v for v in ev.violations if v.rule != "hard_pairs"]
    status = "checked" if not broken else f"checked: {len(broken)} rule{'s' if len(broken) != 1 else ''} broken"
    summary = (f"Checked the Talk Table: {len(broken)} hard rule violation{'s' if len(broken) != 1 else ''}, "
               f"{len(ev.hard_parallel)} hard pairs in parallel, conflict cost {ev.conflict_cost:g}, "
               f"{len(ev.misses)} picks lost, {ev.seats_short} seats short, total cost {ev.objective:g}.")
    run = {"Kind": "talk schedule from an interest survey", "Status": status, "Objective": _fmt(ev.objective),
           "Schedule from": "Talk Table (checked)",
           "_achievement": {"hard_note": "checked on the given schedule"}}
    return build_report(ev, status, summary, run, issues, ev.objective)


def programme(data: WorkbookData):
    """The programme of the Talk Table (for publishing). Timeslots carry no dates, so there are no calendars
    unless the Day column holds dates (then times are the conference's clock, zone from --time-zone)."""
    from pathlib import Path

    from .programme import talks_programme

    problem, log = read_problem(data)
    if TABLE not in data:
        raise InputError([InputIssue(TABLE, "the workbook holds no schedule yet. Solve first, then publish.")])
    schedule, _refs = read_schedule(problem, data)
    prog = talks_programme(problem, schedule, Path(data.source).stem if data.source else "")
    return prog, None, {}, [str(w) for w in log.warnings]
