"""Result sheets of a talk schedule: grid, per-talk table, conflicts, misses, achievement, run.

Everything here is computed from an :class:`~.rules.Evaluation` (problem data + plain
schedule), never from solver variables, so a solved schedule and a hand-edited
"Talk Table" read back by ``check`` are shown the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import InputIssue
from ..plain_words import quality
from ..report import Block, Report, SheetReport, status_sheet
from .problem import TalkProblem
from .reader import minutes_of
from .rules import Evaluation

GRID, TABLE, CONFLICTS, PAIRS, MISSES, ACHIEVEMENT, RUN = (
    "Talk Grid", "Talk Table", "Talk Conflicts", "Talk Pairs", "Attendee Misses", "Achievement", "Run")
TABLE_HEADER = ["Title", "Speaker", "Track", "Venue", "Start", "End", "Timeslots", "Audience", "Capacity",
                "Seats short", "Parallel with", "Interest in parallel"]


def end_time(p: TalkProblem, i: int, s: int) -> dt.time:
    m = minutes_of(p.slots[s].time) + int(round(p.talks[i].minutes))
    return dt.time(m // 60 % 24, m % 60)


def slot_value(p: TalkProblem, s: int) -> Any:
    """A timeslot as a cell: a time of day (a number with a time format); with several days, "Day 1 09:30"."""
    if p.multi_day:
        return p.slot_label(s)
    m = minutes_of(p.slots[s].time)
    return dt.time(m // 60 % 24, m % 60)


def grid_sheet(ev: Evaluation) -> SheetReport:
    p = ev.problem
    head = ["Day", "Time"] if p.multi_day else ["Time"]
    rows: list[list[Any]] = [head + [v.name for v in p.venues] + ["Break after"]]
    cell: dict[tuple[int, int], str] = {}
    for i, vs in ev.schedule.items():
        if vs is None or not (0 <= vs[0] < p.V and 0 <= vs[1] < p.S):
            continue
        v, s = vs
        for k, c in enumerate(range(s, min(p.S, s + p.talks[i].slots))):
            title = p.talks[i].title
            cell[v, c] = title if k == 0 else f"{title} (cont.)"
    for s, slot in enumerate(p.slots):
        m = minutes_of(slot.time)
        lead = [slot.day, dt.time(m // 60 % 24, m % 60)] if p.multi_day else [dt.time(m // 60 % 24, m % 60)]
        rows.append(lead + [cell.get((v, s), "") for v in range(p.V)] + ["break" if slot.break_after else ""])
    widths = {j: 8 for j in range(len(head))}
    widths.update({len(head) + v: 42 for v in range(p.V)})
    return SheetReport(GRID, [Block("A2", rows, title="Talks by time and venue", column_widths=widths)], freeze="B3")


def table_rows(ev: Evaluation) -> list[list[Any]]:
    p = ev.problem
    partners: dict[int, list[int]] = {i: [] for i in range(p.T)}
    for i, j in ev.parallel_pairs:
        partners[i].append(j)
        partners[j].append(i)
    rows: list[list[Any]] = [list(TABLE_HEADER)]
    for i, t in enumerate(p.talks):
        vs = ev.schedule.get(i)
        ok = vs is not None and 0 <= vs[0] < p.V and 0 <= vs[1] < p.S
        v, s = vs if ok else (None, None)
        rows.append([
            t.title, t.speaker, t.track,
            p.venues[v].name if ok else None, slot_value(p, s) if ok else None, end_time(p, i, s) if ok else None,
            t.slots, p.audience[i], p.venues[v].capacity if ok else None,
            p.seats_short(i, v) if ok else None,
            "; ".join(p.talks[j].title for j in sorted(partners[i], key=lambda j: -p.interest_matrix[i][j])),
            sum(p.interest_matrix[i][j] for j in partners[i]),
        ])
    return rows


def table_sheet(ev: Evaluation) -> SheetReport:
    rows = table_rows(ev)
    n = len(rows)
    block = Block("A2", rows, title="One row per talk — edit Venue and Start, then run Check to re-score",
                  table_name="TalkTable", input_columns={3, 4},
                  column_widths={0: 50, 1: 18, 2: 12, 3: 12, 4: 12, 5: 8, 10: 60},
                  conditional=[(f"J3:J{n + 1}", "$J3>0", "F8CBAD")])
    return SheetReport(TABLE, [block], freeze="B3")


def conflicts_sheet(ev: Evaluation) -> SheetReport:
    p = ev.problem
    rows: list[list[Any]] = [["Attendee", "Lost pick", "Talk lost", "Because of", "Talk attended instead", "Time"]]
    for m in ev.misses:
        because = f"pick {m.because_rank}" if m.because_rank is not None else "giving own talk"
        rows.append([m.attendee, m.rank, p.talks[m.talk].title, because, p.talks[m.because].title,
                     slot_value(p, m.slot)])
    return SheetReport(CONFLICTS, [
        Block("A2", rows, title="Which attendees lose which pick to which parallel talk",
              column_widths={0: 20, 1: 9, 2: 48, 3: 16, 4: 48, 5: 10}, wrap={2, 4}),
    ], freeze="A3")


def pairs_sheet(ev: Evaluation) -> SheetReport:
    """Pairs of talks in parallel that someone wanted both of (its own sheet: one table per sheet)."""
    p = ev.problem
    hard = set(p.hard_pairs)
    pairs: list[list[Any]] = [["Talk", "Parallel talk", "Interest", "Hard pair"]]
    for i, j in sorted(ev.parallel_pairs, key=lambda pr: -p.interest.get(pr, 0.0)):
        x = p.interest.get((i, j), 0.0)
        if x > 0:
            pairs.append([p.talks[i].title, p.talks[j].title, x, "yes" if (i, j) in hard else None])
    return SheetReport(PAIRS, [Block("A2", pairs, title="Pairs of talks in parallel that someone wanted both of",
                                     column_widths={0: 48, 1: 48, 2: 9, 3: 9}, wrap={0, 1})], freeze="A3")


def misses_sheet(ev: Evaluation) -> SheetReport:
    p = ev.problem
    lost: dict[str, list] = {}
    for m in ev.misses:
        lost.setdefault(m.attendee, []).append(m)
    rows: list[list[Any]] = [["Name", "Picks", "You can attend", "You will miss", "Missed talks"]]
    for name, ranks in p.picks.items():
        n = sum(1 for r in ranks if r is not None)
        ms = lost.get(name, [])
        rows.append([name, n, n - len(ms), len(ms), "; ".join(f"pick {m.rank}: {p.talks[m.talk].title}" for m in ms)])
    return SheetReport(MISSES, [Block("A2", rows, title="Per attendee: picks they will miss",
                                      table_name="AttendeeMisses", column_widths={0: 22, 4: 90})], freeze="A3")


def achievement_sheet(ev: Evaluation, run: dict[str, Any] | None = None) -> SheetReport:
    p = ev.problem
    run = run or {}
    n_picks = sum(1 for ranks in p.picks.values() for r in ranks if r is not None)
    sched = p.T - len(ev.by_rule("once"))
    rows: list[list[Any]] = [["Term", "Achieved", "Target or proven bound", "Note"]]
    rows.append(["Talks scheduled", sched, p.T, "every talk exactly once (hard)"])
    for key, label in (("venue", "Venue double bookings"), ("consecutive", "Long talks across a break or day end"),
                       ("speaker", "Speakers in two places at once"), ("not_at", "Talks in their 'Not at' timeslots"),
                       ("required_venue", "Talks outside their required venue")):
        rows.append([label, len(ev.by_rule(key)), 0, "hard rule"])
    th = p.weights.threshold
    rows.append([f"Hard pairs in parallel (interest > {th:g})" if th is not None else "Hard pairs in parallel",
                 len(ev.hard_parallel), f"0 of {len(p.hard_pairs)}",
                 run.get("hard_note", "hard while a schedule keeps them all apart, else heavily weighted soft")])
    rows.append(["Conflict cost (interest of all pairs in parallel)", ev.conflict_cost,
                 run.get("conflict_reference"), run.get("conflict_note", "soft; lower is better")])
    rows.append(["Conflict cost of hard pairs in parallel", ev.hard_conflict_cost, 0, ""])
    rows.append(["Picks lost by attendees", len(ev.misses), f"of {n_picks} picks",
                 f"{len({m.attendee for m in ev.misses})} attendees lose at least one pick"])
    rows.append(["Talks over venue capacity", len(ev.over_capacity), 0, "estimated audience = number of picks"])
    rows.append(["Seats short (audience above capacity)", ev.seats_short, run.get("seats_reference"),
                 run.get("seats_note", "soft" if not p.article else "not in the article's objective")])
    rows.append([f"Talk-slots in a room big enough (of {ev.talk_slots})", ev.slots_big_enough,
                 run.get("article_reference"),
                 ("the article's objective (maximised); bound = most possible (proven)" if p.article else
                  "the article's objective, not optimised here (choose it with Objective = article on the Weights "
                  "sheet); bound = most possible (proven)")])
    if p.article:
        note = ("talk-slots in a room too small for the talk's audience (the article's count the other way round)"
                + (" + conflict weight × hard pair factor × interest of hard pairs in parallel" if p.hard_pairs else ""))
    else:
        note = ("conflict weight × (conflict cost + (hard pair factor − 1) × hard conflict cost) + capacity weight × "
                "seats short")
    bound = _useful_bound(run.get("bound"), ev.objective)
    rows.append(["Total cost (objective)", ev.objective, bound,
                 note + ("; bound = proven lower bound over every schedule the workbook allows" if bound is not None
                         else "" if run.get("bound") is None else
                         "; the solver proved no useful lower bound (a cost is never below 0)")])
    title = "How well each rule and term is met. " + quality(ev.objective, bound, str(run.get("status", "")))
    return SheetReport(ACHIEVEMENT, [Block("A2", rows, title=title, column_widths={0: 46, 1: 12, 2: 14, 3: 90},
                                           wrap={3})])


def _useful_bound(bound: Any, objective: float) -> float | None:
    """A lower bound worth showing: a number above 0 (costs are never negative) and not above the objective —
    or 0 itself when the schedule costs 0 (the bound then proves it optimal)."""
    if not isinstance(bound, (int, float)) or bound != bound or bound < 0:
        return None
    if bound == 0 and not (objective is not None and objective <= 1e-9):
        return None
    return min(float(bound), objective) if objective is not None else float(bound)


def run_sheet(info: dict[str, Any]) -> SheetReport:
    """Plain words first (how good the schedule is), then the solver detail; numbers stored as numbers."""
    from ..sheet_layout import item_rows

    rows, formats = item_rows(info)
    objective = info.get("Objective")
    bound = _useful_bound(info.get("Lower bound"), objective) if isinstance(objective, (int, float)) else None
    words = quality(objective if isinstance(objective, (int, float)) else None, bound, str(info.get("Status", "")))
    blocks = [Block("A2", [[words]], header=False, span=2, title="What this run found",
                    column_widths={0: 30, 1: 100}),
              Block("A6", rows, title="How this result was obtained", column_widths={0: 30, 1: 100}, wrap={1},
                    cell_formats=formats)]
    return SheetReport(RUN, blocks)


def violation_issues(ev: Evaluation, refs: dict[int, str] | None = None) -> list[InputIssue]:
    refs = refs or {}
    out = []
    for v in ev.violations:
        where = refs.get(v.talks[0], f"{TABLE}!A{3 + v.talks[0]}") if v.talks else TABLE
        out.append(InputIssue(where, v.message, "warning"))
    return out


def build_report(ev: Evaluation, status: str, summary: str, run: dict[str, Any], issues: list[InputIssue],
                 objective: float | None) -> Report:
    from ..publish.sheet import programme_sheet
    from .programme import talks_programme

    sheets = [grid_sheet(ev), programme_sheet(talks_programme(ev.problem, ev.schedule)), table_sheet(ev),
              conflicts_sheet(ev), pairs_sheet(ev), misses_sheet(ev),
              achievement_sheet(ev, run.get("_achievement")), run_sheet({k: v for k, v in run.items()
                                                                          if not k.startswith("_")})]
    sheets.append(status_sheet(issues, summary))
    return Report(kind="talks", sheets=sheets, status=status, objective=objective, summary=summary, issues=issues)
