"""Presenter, attendee and chair conflicts (OBJECTIVE.md §4.12–4.16).

* session level: two conflicting submissions in different rooms of the same session
  (once per pair and session; the same room is free, the talks run one after another);
* time-slot level: two conflicting submissions in the same slot of the same session;
* chairs: two tracks sharing a chair in the same session (once per pair of grid cells).

The conflict relations themselves (who conflicts with whom, and why) are in
``csplib/derived.py``.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Rule, Violation, where


class _SessionLevel(Rule):
    person = "presenter"

    def relation(self, problem) -> set[tuple[int, int]]:  # pragma: no cover
        raise NotImplementedError

    def why(self, problem) -> dict[tuple[int, int], str]:  # pragma: no cover
        raise NotImplementedError

    def evaluate(self, problem, sched):
        rel = self.relation(problem)
        involved = {x for p in rel for x in p}
        why = self.why(problem)
        entries = defaultdict(set)  # s -> {(n, r)}
        for (s, r, t), n in sched.scan():
            if n in involved:
                entries[s].add((n, r))
        out = []
        for s in sorted(entries):
            e = sorted(entries[s], key=lambda x: (x[1], x[0]))
            for a in range(len(e)):
                for b in range(a + 1, len(e)):
                    (n1, r1), (n2, r2) = e[a], e[b]
                    if r1 != r2 and (min(n1, n2), max(n1, n2)) in rel:
                        s1, s2 = problem.submissions[n1].ref, problem.submissions[n2].ref
                        out.append(Violation(
                            self.key, 1,
                            f"{self.person} {why.get((min(n1, n2), max(n1, n2)), '?')}: {s1} in "
                            f"{where(problem, s, r1)} and {s2} in {where(problem, s, r2)}",
                            cells=[(s, r1), (s, r2)], items=[s1, s2]))
        return out

    def build(self, ctx):
        """Raw = Σ_s [conflicting pair in session s, in different rooms]."""
        return ctx.conflict_pairs_cost(self.relation(ctx.problem))


class _SlotLevel(_SessionLevel):
    def evaluate(self, problem, sched):
        rel = self.relation(problem)
        involved = {x for p in rel for x in p}
        why = self.why(problem)
        at = defaultdict(dict)  # (s, t) -> {n: r}
        for (s, r, t), n in sched.scan():
            if n in involved:
                at[(s, t)].setdefault(n, r)
        out = []
        for (s, t) in sorted(at):
            subs = sorted(at[(s, t)])
            for a in range(len(subs)):
                for b in range(a + 1, len(subs)):
                    n1, n2 = subs[a], subs[b]
                    if (n1, n2) in rel:
                        r1, r2 = at[(s, t)][n1], at[(s, t)][n2]
                        s1, s2 = problem.submissions[n1].ref, problem.submissions[n2].ref
                        out.append(Violation(
                            self.key, 1,
                            f"{self.person} {why.get((n1, n2), '?')}: {s1} in {where(problem, s, r1)} and {s2} in "
                            f"{where(problem, s, r2)}, both in time slot {t + 1}",
                            cells=[(s, r1, t), (s, r2, t)], items=[s1, s2]))
        return out

    def build(self, ctx):
        """Raw = Σ_{s,t} conflicting pairs sharing slot t of session s (time-slot phase)."""
        return ctx.slot_conflicts(self.relation(ctx.problem))


class PresenterConflicts(_SessionLevel):
    key = "PC"
    person = "presenter"
    hard_levels = ("presenters", "all")  # no presenter in two places at once

    def relation(self, problem):
        return problem.derived.presenter_conflicts

    def why(self, problem):
        return problem.derived.why_presenter


class AttendeeConflicts(_SessionLevel):
    key = "AC"
    person = "attendee"

    def relation(self, problem):
        return problem.derived.attendee_conflicts

    def why(self, problem):
        return problem.derived.why_attendee


class PresenterConflictsTimeslot(_SlotLevel, PresenterConflicts):
    key = "PCT"
    hard_levels = ()


class AttendeeConflictsTimeslot(_SlotLevel, AttendeeConflicts):
    key = "ACT"


class ChairConflicts(Rule):
    key = "CC"

    def evaluate(self, problem, sched):
        d = problem.derived
        involved = d.has_cc
        out = []
        for s in range(problem.S):
            row = [(r, sched.grid[(s, r)]) for r in range(problem.R)
                   if (s, r) in sched.grid and sched.grid[(s, r)] in involved]
            for a in range(len(row)):
                for b in range(a + 1, len(row)):
                    (r1, k1), (r2, k2) = row[a], row[b]
                    pair = (min(k1, k2), max(k1, k2))
                    if k1 != k2 and pair in d.chair_conflicts:
                        t1, t2 = problem.tracks[k1].name, problem.tracks[k2].name
                        out.append(Violation(self.key, 1, f"chair {d.why_chair.get(pair, '?')}: track {t1} in "
                                                          f"{where(problem, s, r1)} and track {t2} in "
                                                          f"{where(problem, s, r2)}",
                                             cells=[(s, r1), (s, r2)], items=[t1, t2]))
        return out

    def build(self, ctx):
        """Raw = Σ_s Σ_{k<k' sharing a chair} (room pairs of s holding k and k')."""
        import pulp

        p = ctx.problem
        return pulp.lpSum(ctx.pair_count(k1, k2, s) for (k1, k2) in sorted(p.derived.chair_conflicts)
                          for s in range(p.S))
