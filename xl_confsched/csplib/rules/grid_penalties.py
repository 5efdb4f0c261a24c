"""Track–session, track–room and session–room penalties: per grid cell holding a track."""

from __future__ import annotations

from .base import Rule, Violation, fmt, where


class _GridPenalty(Rule):
    def value(self, problem, k: int, s: int, r: int) -> float:  # pragma: no cover
        raise NotImplementedError

    def evaluate(self, problem, sched):
        out = []
        for (s, r), k in sorted(sched.grid.items()):
            v = self.value(problem, k, s, r)
            if v:
                out.append(Violation(self.key, v, self.describe(problem, k, s, r, v), cells=[(s, r)],
                                     items=[problem.tracks[k].name]))
        return out

    def describe(self, problem, k, s, r, v):
        return f"track {problem.tracks[k].name} in {where(problem, s, r)}: penalty {fmt(v)}"

    def build(self, ctx):
        """Raw = Σ value(k, s, r)·y[k,s,r] over the grid variables."""
        terms = []
        for (k, s, r), v in ctx.y_items():
            c = ctx.cell_value(self.value, k, s, r)
            if c:
                terms.append(c * v)
        return _sum(terms)


class TrackSessionPenalty(_GridPenalty):
    key = "TS"

    def lower_bound(self, problem, facts):
        from ..bounds import RawBound

        lb = sum(facts.cheapest_cover(k, lambda s, k=k: problem.track_session.get((k, s), 0))
                 for k in range(problem.T))
        return RawBound(lb, "each track's cheapest cells that hold its talks (several rooms of a session allowed)")

    def value(self, problem, k, s, r):
        return problem.track_session.get((k, s), 0)

    def describe(self, problem, k, s, r, v):
        return f"track {problem.tracks[k].name} in session {problem.sessions[s].name} (room {problem.rooms[r]}): penalty {fmt(v)}"


class TrackRoomPenalty(_GridPenalty):
    key = "TR"

    def lower_bound(self, problem, facts):
        from ..bounds import RawBound

        lb = 0.0
        for k in range(problem.T):
            values = [problem.track_room.get((k, r), 0) for r in range(problem.R)]
            if min(values) >= 0:
                lb += facts.min_cells[k] * min(values)
            else:  # a reward (negative penalty): the track could take every such cell
                lb += problem.S * sum(v for v in values if v < 0)
        return RawBound(lb, "each track's fewest cells × its cheapest room")

    def value(self, problem, k, s, r):
        return problem.track_room.get((k, r), 0)

    def describe(self, problem, k, s, r, v):
        return f"track {problem.tracks[k].name} in room {problem.rooms[r]} (session {problem.sessions[s].name}): penalty {fmt(v)}"


class SessionRoomPenalty(_GridPenalty):
    key = "SR"

    def lower_bound(self, problem, facts):
        from ..bounds import RawBound

        need = sum(facts.min_cells)
        values = sorted(problem.session_room.get((s, r), 0) for s in range(problem.S) for r in range(problem.R))
        # the cheapest cells the tracks need, and every other cell that would be a reward
        lb = sum(values[:need]) + sum(v for v in values[need:] if v < 0)
        return RawBound(lb, "the cheapest session–room cells, as many as the tracks need at least")

    def value(self, problem, k, s, r):
        return problem.session_room.get((s, r), 0)

    def describe(self, problem, k, s, r, v):
        return f"room {problem.rooms[r]} used in session {problem.sessions[s].name} (track {problem.tracks[k].name}): penalty {fmt(v)}"


def _sum(terms):
    import pulp

    return pulp.lpSum(terms)
