"""Data derived from the instance before any schedule is scored (OBJECTIVE.md §2).

* presenter / attendee conflicts between submissions and chair conflicts between tracks;
* the time-zone penalty ``TZ(n, s)`` of every submission in every session.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .problem import Problem


def _pairs_sharing(names_of: list[set[str]]) -> set[tuple[int, int]]:
    """Pairs (i < j) of items whose name sets intersect, via an inverted index."""
    holders: dict[str, list[int]] = defaultdict(list)
    for i, names in enumerate(names_of):
        for name in names:
            holders[name].append(i)
    out: set[tuple[int, int]] = set()
    for items in holders.values():
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                i, j = items[a], items[b]
                if i != j:
                    out.add((min(i, j), max(i, j)))
    return out


def _cross_pairs(left: list[set[str]], right: list[set[str]]) -> set[tuple[int, int]]:
    """Pairs (i, j), i != j, with left[i] ∩ right[j] non-empty, returned as (min, max)."""
    holders: dict[str, list[int]] = defaultdict(list)
    for j, names in enumerate(right):
        for name in names:
            holders[name].append(j)
    out: set[tuple[int, int]] = set()
    for i, names in enumerate(left):
        for name in names:
            for j in holders.get(name, ()):
                if i != j:
                    out.add((min(i, j), max(i, j)))
    return out


def tz_penalty(problem: "Problem", n: int, s: int) -> int:
    """TZ(n, s) of OBJECTIVE.md §2.2: the session converted to the presenter's clock, modulo 24 h."""
    p = problem.parameters
    sess = problem.sessions[s]
    shift = 60 * (problem.submissions[n].timezone - p.local_timezone)
    a = (sess.start + shift) % 1440
    b = (sess.end + shift) % 1440
    if a < p.less_suitable_from or b > p.less_suitable_to or b < p.less_suitable_from:
        return p.big_penalty
    if p.less_suitable_from <= a < p.suitable_from or p.suitable_to < b <= p.less_suitable_to:
        return p.small_penalty
    return 0


@dataclass
class Derived:
    presenter_conflicts: set[tuple[int, int]]  # submission pairs (n < n')
    attendee_conflicts: set[tuple[int, int]]
    chair_conflicts: set[tuple[int, int]]  # track pairs (k < k')
    tz: dict[tuple[int, int], int]  # (n, s) -> TZ, non-zero only
    why_presenter: dict[tuple[int, int], str]  # (n, n') -> the shared name(s), for messages
    why_attendee: dict[tuple[int, int], str]
    why_chair: dict[tuple[int, int], str]

    @classmethod
    def build(cls, problem: "Problem") -> "Derived":
        subs = problem.submissions
        P = [set(x for x in s.presenters if x) for s in subs]
        A = [set(x for x in s.attendees if x) for s in subs]
        C = [set(x for x in t.chairs if x) for t in problem.tracks]
        # chairs of the *other* track, expanded to submissions
        chair_of_sub = [C[s.track] for s in subs]

        def other_track(pairs):
            return {(i, j) for (i, j) in pairs if subs[i].track != subs[j].track}

        pc = _pairs_sharing(P) | other_track(_cross_pairs(P, chair_of_sub))
        ac = (_pairs_sharing(A) | _cross_pairs(A, P)
              | other_track(_cross_pairs(A, chair_of_sub)))
        cc = _pairs_sharing(C)

        why_p = {(i, j): ", ".join(sorted((P[i] & (P[j] | chair_of_sub[j])) | (P[j] & (P[i] | chair_of_sub[i]))))
                 for i, j in pc}
        why_a = {(i, j): ", ".join(sorted(((A[i] | P[i]) & (A[j] | P[j] | chair_of_sub[j]))
                                          | ((A[j] | P[j]) & (A[i] | P[i] | chair_of_sub[i]))))
                 for i, j in ac}
        why_c = {(i, j): ", ".join(sorted(C[i] & C[j])) for i, j in cc}
        tz = {}
        for n in range(len(subs)):
            for s in range(len(problem.sessions)):
                v = tz_penalty(problem, n, s)
                if v:
                    tz[(n, s)] = v
        return cls(pc, ac, cc, tz, why_p, why_a, why_c)

    def pc(self, i: int, j: int) -> bool:
        return (min(i, j), max(i, j)) in self.presenter_conflicts

    def ac(self, i: int, j: int) -> bool:
        return (min(i, j), max(i, j)) in self.attendee_conflicts

    def cc(self, i: int, j: int) -> bool:
        return (min(i, j), max(i, j)) in self.chair_conflicts

    @property
    def has_pc(self) -> set[int]:
        return {x for p in self.presenter_conflicts for x in p}

    @property
    def has_ac(self) -> set[int]:
        return {x for p in self.attendee_conflicts for x in p}

    @property
    def has_cc(self) -> set[int]:
        return {x for p in self.chair_conflicts for x in p}
