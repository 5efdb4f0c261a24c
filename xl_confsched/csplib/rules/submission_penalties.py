"""Per-slot submission penalties: presenter time zone, submission–session, submission–room.

Counted per occupied slot cell (a k-slot submission pays k times), whatever the grid.
"""

from __future__ import annotations

from collections import defaultdict

from .base import Rule, Violation, fmt


class _PerSlot(Rule):
    def value(self, problem, n: int, s: int, r: int) -> float:  # pragma: no cover
        raise NotImplementedError

    def what(self, problem, n, s, r) -> str:  # pragma: no cover
        raise NotImplementedError

    def evaluate(self, problem, sched):
        groups = defaultdict(list)  # (n, s, r) -> slots, so one line per placement
        for (s, r, t), n in sched.scan():
            groups[(n, s, r)].append(t)
        out = []
        for (n, s, r), ts in groups.items():
            v = self.value(problem, n, s, r)
            if v:
                ref = problem.submissions[n].ref
                out.append(Violation(self.key, v * len(ts), f"{ref} in {self.what(problem, n, s, r)}: penalty "
                                     f"{fmt(v)}" + (f" × {len(ts)} slots" if len(ts) > 1 else ""),
                                     cells=[(s, r, t) for t in ts], items=[ref]))
        return out

    room_dependent = False

    def lower_bound(self, problem, facts):
        """Every talk in its cheapest session (or room) that can hold it, per slot."""
        from ..bounds import RawBound

        lb = 0.0
        for n, sub in enumerate(problem.submissions):
            if not facts.placeable(n):
                continue
            places = range(problem.R) if self.room_dependent else facts.sessions_for(n)
            vals = [self.value(problem, n, 0, r) if self.room_dependent else self.value(problem, n, r, 0)
                    for r in places]
            lb += sub.required_slots * min(vals)
        where = "room" if self.room_dependent else "session that can hold it"
        return RawBound(lb, f"every talk in its cheapest {where}")

    def build(self, ctx):
        """Raw = Σ req(n)·value(n, s, r) over the placements (per slot, as evaluated)."""
        import pulp

        p = ctx.problem
        terms = []
        for n, sub in enumerate(p.submissions):
            for s in ctx.sessions_of(n):
                if self.room_dependent:
                    for r in range(p.R):
                        c = self.value(p, n, s, r)
                        if c:
                            terms.append(c * sub.required_slots * ctx.x_in_room(n, s, r, sign=1 if c > 0 else -1))
                else:
                    c = self.value(p, n, s, 0)
                    if c:
                        terms.append(c * sub.required_slots * ctx.xs(n, s))
        return pulp.lpSum(terms)


class SubmissionTimezone(_PerSlot):
    key = "TZ"

    def value(self, problem, n, s, r):
        return problem.derived.tz.get((n, s), 0)

    def what(self, problem, n, s, r):
        sub, sess = problem.submissions[n], problem.sessions[s]
        shift = 60 * (sub.timezone - problem.parameters.local_timezone)
        a, b = (sess.start + shift) % 1440, (sess.end + shift) % 1440
        tz = f"GMT{'+' if sub.timezone >= 0 else '-'}{abs(sub.timezone)}"
        return (f"session {sess.name}, which is {a // 60:02d}:{a % 60:02d}–{b // 60:02d}:{b % 60:02d} for the "
                f"presenter ({tz})")


class SubmissionSessionPenalty(_PerSlot):
    key = "SS"

    def value(self, problem, n, s, r):
        return problem.submissions[n].session_penalty.get(s, 0)

    def what(self, problem, n, s, r):
        return f"session {problem.sessions[s].name}"


class SubmissionRoomPenalty(_PerSlot):
    key = "SP"
    room_dependent = True

    def value(self, problem, n, s, r):
        return problem.submissions[n].room_penalty.get(r, 0)

    def what(self, problem, n, s, r):
        return f"room {problem.rooms[r]}"
