"""Score any schedule term by term, as the CSPLib checker does (OBJECTIVE.md §4–5).

``evaluate(problem, schedule)`` runs every rule of :mod:`.rules` on the schedule and
returns an :class:`Evaluation`: per term its weight, whether it counts (weight > 0, or
always for the structural term), the raw amount, the weighted penalty and every
violation with the facts that broke it; the total; and the two flags the checker
reports beside the objective (all submissions scheduled, valid solution).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .problem import Problem
from .rules import RULES, Violation
from .schedule import Schedule
from .terms import TERM_BY_KEY, TermInfo


@dataclass
class TermResult:
    info: TermInfo
    weight: int
    active: bool
    raw: float
    violations: list[Violation] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def penalty(self) -> float:
        if not self.active:
            return 0
        return self.raw * (self.weight if self.info.weight_cell else 1)


@dataclass
class Evaluation:
    terms: list[TermResult]
    all_scheduled: bool
    valid: bool
    unscheduled: list[str]
    misplaced: list[str]

    @property
    def total(self) -> float:
        return sum(t.penalty for t in self.terms)

    def term(self, key: str) -> TermResult:
        for t in self.terms:
            if t.key == key:
                return t
        raise KeyError(key)

    @property
    def violations(self) -> list[Violation]:
        return [v for t in self.terms if t.active for v in t.violations]

    def by_label(self) -> dict[str, float]:
        """Per-term penalties under the checker's labels (active terms only)."""
        return {t.info.label: t.penalty for t in self.terms if t.active}


def evaluate(problem: Problem, sched: Schedule) -> Evaluation:
    terms = []
    for rule in RULES:
        violations = rule.evaluate(problem, sched)
        terms.append(TermResult(info=TERM_BY_KEY[rule.key], weight=rule.weight(problem), active=rule.active(problem),
                                raw=_num(sum(v.amount for v in violations)), violations=violations))
    counts = Counter(sched.cells.values())
    unscheduled = []
    for n, sub in enumerate(problem.submissions):
        if counts.get(n, 0) != sub.required_slots:
            unscheduled.append(f"{sub.ref} occupies {counts.get(n, 0)} slot(s), needs {sub.required_slots}")
    misplaced = []
    for (s, r, t), n in sched.scan():
        k = sched.grid.get((s, r))
        if k is not None and k != problem.submissions[n].track:
            misplaced.append(f"{problem.submissions[n].ref} (track {problem.tracks[problem.submissions[n].track].name})"
                             f" sits in {problem.sessions[s].name}/{problem.rooms[r]}, which holds track "
                             f"{problem.tracks[k].name}")
    return Evaluation(terms=terms, all_scheduled=not unscheduled, valid=not misplaced,
                      unscheduled=unscheduled, misplaced=sorted(set(misplaced)))


def _num(v: float):
    return int(v) if float(v).is_integer() else v


def term_table(problem: Problem, ev: Evaluation, include_inactive: bool = False) -> list[list[Any]]:
    """Rows: term, checker label, weight, violations, raw, penalty."""
    rows: list[list[Any]] = [["Term", "Checker label", "Weight", "Violations", "Raw amount", "Penalty"]]
    for t in ev.terms:
        if not t.active and not include_inactive:
            continue
        rows.append([t.info.name, t.info.label, t.weight if t.info.weight_cell else "always",
                     len(t.violations), _num(t.raw), _num(t.penalty) if t.active else "off"])
    rows.append(["Total", "", "", len(ev.violations), "", _num(ev.total)])
    return rows


VIOLATION_COLUMNS = [
    ("TS", "Evaluate Tracks|Sessions"), ("TR", "Evaluate Tracks|Rooms"), ("SR", "Evaluate Sessions|Rooms"),
    ("SIM", "Evaluate Similar Tracks"), ("NR", "Evaluate NumberOfRoomsPerTrack"),
    ("PAR", "Evaluate Parallel Tracks"), ("CONS", "Evaluate Consecutive Tracks"),
    ("TZ", "Evaluate Submissions|Timezones"), ("ORD", "Evaluate Submissions Order"),
    ("SS", "Evaluate Submissions|Sessions"), ("SP", "Evaluate Submissions|Rooms"),
    ("PC", "Evaluate Presenters Conflicts [S]"), ("AC", "Evaluate Attendees Conflicts [S]"),
    ("CC", "Evaluate Chairs Conflicts"), ("PCT", "Evaluate Presenters Conflicts [TS]"),
    ("ACT", "Evaluate Attendees Conflicts [TS]"),
]


def violations_sheet_rows(ev: Evaluation) -> list[list[Any]]:
    """The checker's ``violations`` sheet layout (§6.2), with each item's weighted value.

    Unlike the checker, the chair-conflict column uses the chair weight (E15).
    """
    cols: list[list[Any]] = []
    for key, title in VIOLATION_COLUMNS:
        t = ev.term(key)
        w = t.weight
        left = [title] + [v.facts for v in t.violations] + ["Total"]
        right = [None] + [_num(v.amount * w) for v in t.violations] + [_num(t.raw * w)]
        cols.extend([left, right])
    height = max(len(c) for c in cols)
    rows = []
    for i in range(max(height, 2)):
        first = "Obj" if i == 0 else (f"Final Objective = {_num(ev.total)}" if i == 1 else None)
        rows.append([first] + [c[i] if i < len(c) else None for c in cols])
    return rows
