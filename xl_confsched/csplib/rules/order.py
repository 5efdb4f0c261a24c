"""Submission order within a track, numbered across the whole conference (OBJECTIVE.md §4.9)."""

from __future__ import annotations

from collections import defaultdict

from .base import Rule, Violation


def order_sequences(problem, sched) -> dict[int, list[tuple[int, tuple[int, int, int]]]]:
    """Track -> [(submission, first cell)] in scan order, by the room's track, skipping ∅ cells."""
    seq: dict[int, list] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for (s, r, t), n in sched.scan():
        k = sched.grid.get((s, r))
        if k is None or (k, n) in seen:
            continue
        seen.add((k, n))
        seq[k].append((n, (s, r, t)))
    return seq


class SubmissionOrder(Rule):
    key = "ORD"

    def lower_bound(self, problem, facts):
        """Talks whose Order can never hold: empty or text Order, a position beyond the track's
        size, and all but one of the talks sharing an Order value."""
        from collections import Counter

        from ..bounds import RawBound

        lb = 0
        for subs in problem.submissions_of_track:
            orders = Counter()
            for n in subs:
                o = problem.submissions[n].order
                if o is None or (o != 0 and o > len(subs)):
                    lb += 1
                elif o != 0:
                    orders[o] += 1
            lb += sum(c - 1 for c in orders.values())
        return RawBound(lb, "talks whose Order can never hold (empty/text, beyond the track's size, or shared)")

    def evaluate(self, problem, sched):
        out = []
        for k, items in sorted(order_sequences(problem, sched).items()):
            for pos, (n, cell) in enumerate(items, start=1):
                o = problem.submissions[n].order
                if o is None or (o != 0 and o != pos):
                    ref = problem.submissions[n].ref
                    want = "has no valid Order value" if o is None else f"has Order {o}"
                    out.append(Violation(self.key, 1, f"{ref} is talk {pos} of track {problem.tracks[k].name} "
                                                      f"but {want}", cells=[cell], items=[ref]))
        return out

    def build(self, ctx):
        """Raw = ordered talks not at their position; positions follow sessions, and the
        order inside a session is free (the time-slot phase puts each talk at its place)."""
        return ctx.order_cost()
