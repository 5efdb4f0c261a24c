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
from ..tables import WorkbookData, is_blank
from . import model as M
from .explain import apart_clique, infeasibility_message
from .heuristic import PENALTY, BackgroundSearch, local_search
from .problem import TalkProblem
from .reader import parse_time, read_problem, text
from .results import TABLE, build_report
from .rules import Evaluation, Schedule, evaluate


MIP_MIN_SECONDS = 30.0  # less than this and CBC rarely gets past the big MIP's root in soft mode


def _best(p: TalkProblem, candidates: list[tuple[str, Schedule]]) -> Schedule:
    """The candidate schedule the evaluation scores lowest."""
    return min(candidates, key=lambda c: evaluate(p, c[1]).objective)[1]


def _progress(settings: SolveSettings, msg: str) -> None:
    if settings.progress:
        settings.progress(msg)


def _fmt(x: float | None) -> Any:
    return None if x is None else round(x, 2)


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
    run: dict[str, Any] = {"Kind": "talk schedule from an interest survey", "Model": formulation,
                           "Solver": settings.solver, "Time limit (s)": limit, "Seed": settings.seed,
                           "Talks / venues / timeslots": f"{p.T} / {p.V} / {p.S}",
                           "Survey answers": len(p.picks),
                           "Pairs with interest": f"{len(p.interest)} of {p.n_pairs}",
                           "Conflict threshold": p.weights.threshold,
                           "Hard pairs": len(p.hard_pairs)}
    mode = "hard" if p.hard_pairs else "soft"
    hard_note = "no pair above the threshold" if not p.hard_pairs else ""
    why_soft = ""
    if mode == "hard":
        clique, need = apart_clique(p, seconds=min(5.0, limit / 10))
        if need > p.S:
            why_soft = infeasibility_message(p, clique, need)
            issues.append(InputIssue("Weights", why_soft, "warning"))
            mode = "soft"
            _progress(settings, f"hard pairs cannot all be kept apart ({len(clique)} talks need {need} timeslots); "
                                "treating them as heavily weighted soft pairs")
    candidates: list[tuple[str, Schedule]] = []
    result: M.SolveResult | None = None
    if mode == "hard":
        ls_time = min(5.0, 0.15 * limit)
        sched, cost = local_search(p, seconds=ls_time, seed=settings.seed, hard=True)
        start = sched if sched is not None and cost < PENALTY else None
        if start:
            candidates.append(("local search", start))
        _progress(settings, f"local search (hard pairs apart): {'found' if start else 'no'} schedule")
        share = 1.0 if start else 0.5
        result = _mip(p, formulation, "hard", settings, (deadline - time.time()) * share, start, run)
        if result and result.schedule:
            candidates.append((f"MIP ({result.status})", result.schedule))
        if not candidates:
            why = "CBC proved that none exists" if result and result.status == "infeasible" else \
                f"none was found within {result.seconds if result else 0:.0f} s (not proved impossible)"
            why_soft = (f"No schedule keeps all {len(p.hard_pairs)} hard pairs (interest above "
                        f"{p.weights.threshold:g}) apart: {why}. The most demanding set of mutually-apart talks "
                        f"needs {need} of {p.S} timeslots: " + "; ".join(f"'{p.talks[i].title}'" for i in clique)
                        + ". Raise the conflict threshold on the Weights sheet to keep more pairs apart; this run "
                        "treats the hard pairs as heavily weighted soft pairs instead.")
            issues.append(InputIssue("Weights", why_soft, "warning"))
            mode = "soft"
    if mode == "soft":
        remaining = deadline - time.time()
        # a long local search on the second core while this one runs the models; its schedule
        # joins the candidates (and the MIP's start) before the MIP
        use_blocks = p.V <= 3 and formulation == "groups"
        # with the blocks' bound, CBC's root processing of the large MIP only pays when much time is
        # left after them; otherwise the rest of the time goes to local search from the best schedule
        mip_after = not use_blocks or 0.3 * remaining - 8.0 >= MIP_MIN_SECONDS
        background = None
        if remaining > 10 and (os.cpu_count() or 1) > 1 and not (settings.extra or {}).get("no_background"):
            bg_s = 0.72 * remaining if mip_after else remaining - 2.0
            background = BackgroundSearch(p, bg_s, seed=settings.seed, per_run=bg_s)
        ls_time = max(0.5, min(5.0, 0.15 * remaining))
        sched, cost = local_search(p, seconds=ls_time, seed=settings.seed, hard=False)
        if sched is not None:
            candidates.append(("local search", sched))
        _progress(settings, f"local search: cost {cost:g}")
        block_bound = None
        if use_blocks:
            # the block decomposition's column-generation bound is far stronger than the MIP's LP bound
            from .blocks import BlockModel

            share = (0.7 if mip_after else 0.82) * (deadline - time.time())
            int_s = min(6.0, share / 6)  # the integer solve over the generated blocks: often the best schedule
            try:
                # a pricing round can take seconds: stop starting new ones a little early
                b = BlockModel(p).solve(time_limit=0.9 * (share - int_s), start=[sched] if sched is not None else [],
                                        integer_seconds=int_s)
                block_bound = b.bound
                if b.schedule is not None:
                    candidates.append(("block decomposition", b.schedule))
                    # a short local search from the blocks' integer solution often improves it further
                    polish = min(3.0, 0.05 * limit, max(0.0, deadline - time.time() - 5.0))
                    if polish > 0.2:
                        s2, _ = local_search(p, seconds=polish, seed=settings.seed + 1, hard=False, start=b.schedule)
                        if s2 is not None:
                            candidates.append(("block decomposition + local search", s2))
                run["Block-decomposition bound"] = _fmt(b.bound)
                run["Block decomposition"] = (f"{b.iterations} pricing rounds, {b.n_columns} blocks, "
                                              f"{'converged' if b.converged else 'stopped at its time share'}, "
                                              f"{b.seconds:.1f} s")
                _progress(settings, f"block decomposition: bound {b.bound}")
            except Exception as exc:  # noqa: BLE001 - the bound is an extra; the MIP still runs
                run["Block decomposition"] = f"not available ({exc})"
        if not mip_after and block_bound is None:
            mip_after = True  # no bound from the blocks: the MIP gives one
        if not mip_after and candidates:
            left = deadline - time.time() - 2.0
            if left > 0.5:
                s3, _ = local_search(p, seconds=left, seed=settings.seed + 2, hard=False, start=_best(p, candidates))
                if s3 is not None:
                    candidates.append(("best schedule + local search", s3))
            run["MIP"] = (f"not run: the block decomposition's bound is the stronger one, and CBC's root processing "
                          f"of the large MIP does not fit in the time left (needs at least {MIP_MIN_SECONDS} s)")
        if background is not None:
            bg_sched, bg_cost = background.result(timeout=background.ends - time.time() + 2.0)
            if bg_sched is not None:
                candidates.append(("local search (second core)", bg_sched))
                _progress(settings, f"local search on the second core: cost {bg_cost:g}")
            elif background.error:
                run["Second-core search"] = f"not available ({background.error})"
        best_start = _best(p, candidates) if candidates else sched
        result = _mip(p, formulation, "soft", settings, max(1.0, deadline - time.time() - 2.0), best_start, run) \
            if mip_after else None
        if result and result.schedule:
            candidates.append((f"MIP ({result.status})", result.schedule))
        if block_bound is not None and result is not None:
            result.bound = block_bound if result.bound is None else max(result.bound, block_bound)
        elif block_bound is not None:
            result = M.SolveResult(formulation="blocks", hard_pairs_mode="soft", status="no solution", schedule=None,
                                   objective=None, bound=block_bound, seconds=0.0, build_seconds=0.0,
                                   n_variables=0, n_constraints=0)
    if why_soft:
        hard_note = "could not all be kept apart: treated as soft pairs × hard pair factor (see Status)"
    elif p.hard_pairs:
        hard_note = "all kept apart (hard)"
    run["Hard pairs handled as"] = "hard (never in parallel)" if mode == "hard" else \
        ("soft, × hard pair factor" if p.hard_pairs else "—")
    if why_soft:
        run["Why the hard pairs became soft"] = why_soft

    if not candidates:
        summary = "No schedule was found within the time limit. Give more time (--time-limit) or check the inputs."
        run["Status"] = "no solution"
        from ..report import status_sheet
        return Report(kind="talks", sheets=[status_sheet(issues, summary)], status="no solution",
                      objective=None, summary=summary, issues=issues, ok=False)

    scored = [(evaluate(p, s), origin) for origin, s in candidates]
    scored = [(ev, o) for ev, o in scored if ev.feasible and (mode == "soft" or ev.all_hard_pairs_apart)] or scored
    ev, origin = min(scored, key=lambda e: (not e[0].feasible, e[0].objective))
    bound = result.bound if result else None
    gap = None
    if bound is not None and ev.objective > 1e-9:
        gap = max(0.0, (ev.objective - bound) / ev.objective)
    status = "optimal" if gap is not None and gap <= 1e-6 else (f"feasible (gap {100 * gap:.1f}%)" if gap is not None
                                                                else "feasible (no bound)")
    run.update({"Schedule from": origin, "Status": status, "Objective": _fmt(ev.objective),
                "Lower bound": _fmt(bound), "Gap": None if gap is None else f"{100 * gap:.1f}%",
                "Seconds": round(time.time() - t_start, 1)})
    achievement = {"hard_note": hard_note, "bound": _fmt(bound),
                   "objective_note": "reference = lower bound proven by the solver for this objective"}
    run["_achievement"] = achievement
    issues += _violation_issues(ev)
    lost = len(ev.misses)
    summary = (f"Talk schedule {status}: {p.T - len(ev.by_rule('once'))} of {p.T} talks placed, conflict cost "
               f"{ev.conflict_cost:g}, {lost} picks lost by {len({m.attendee for m in ev.misses})} attendees, "
               f"{ev.seats_short} seats short"
               + (f"; {len(ev.hard_parallel)} of {len(p.hard_pairs)} hard pairs in parallel" if p.hard_pairs else "")
               + ("." if not why_soft else ". The hard pairs could not all be kept apart — see Status."))
    return build_report(ev, status, summary, run, issues, ev.objective)


def _mip(p: TalkProblem, formulation: str, mode: str, settings: SolveSettings, seconds: float,
         start: Schedule | None, run: dict[str, Any]) -> M.SolveResult | None:
    if seconds < 1.0:
        run["MIP"] = "skipped: no time left"
        return None
    t0 = time.time()
    if formulation == "groups":
        probe = M.StartTime.__new__(M.StartTime)  # count groups before building them
        probe.problem, probe.pair_model = p, "groups"
        probe._cover = {}
        for i in range(p.T):
            for s0 in p.starts[i]:
                for c in p.covered(i, s0):
                    probe._cover[i, c] = True
        n = probe.group_count(p.hard_pairs if mode == "hard" else [])
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
