"""One room per track (rooms per track) and the same track not in parallel."""

from __future__ import annotations

from collections import defaultdict

from .base import Rule, Violation


class RoomsPerTrack(Rule):
    """Raw = Σ_k max(0, distinct rooms of k − 1)."""

    key = "NR"

    def evaluate(self, problem, sched):
        rooms = defaultdict(set)
        for (s, r), k in sched.grid.items():
            rooms[k].add(r)
        out = []
        for k in sorted(rooms):
            if len(rooms[k]) > 1:
                names = ", ".join(problem.rooms[r] for r in sorted(rooms[k]))
                out.append(Violation(self.key, len(rooms[k]) - 1,
                                     f"track {problem.tracks[k].name} uses {len(rooms[k])} rooms: {names}",
                                     cells=[sr for sr in sorted(sched.grid) if sched.grid[sr] == k],
                                     items=[problem.tracks[k].name]))
        return out

    def build(self, ctx):
        """Raw = Σ_k (rooms used by k − 1); every track is scheduled, so it uses ≥ 1 room."""
        import pulp

        return pulp.lpSum(ctx.rooms_used(k) - 1 for k in range(ctx.problem.T))


class ParallelTracks(Rule):
    """Raw = Σ_{s,k} max(0, rooms of session s holding k − 1)."""

    key = "PAR"

    def evaluate(self, problem, sched):
        count = defaultdict(list)
        for (s, r), k in sorted(sched.grid.items()):
            count[(s, k)].append(r)
        out = []
        for (s, k), rs in sorted(count.items()):
            if len(rs) > 1:
                out.append(Violation(self.key, len(rs) - 1,
                                     f"track {problem.tracks[k].name} runs in {len(rs)} rooms at once in session "
                                     f"{problem.sessions[s].name}: {', '.join(problem.rooms[r] for r in rs)}",
                                     cells=[(s, r) for r in rs], items=[problem.tracks[k].name]))
        return out

    def build(self, ctx):
        """Raw = Σ_{s,k} (rooms of s holding k − 1)⁺; 0 for tracks kept in one room per session."""
        import pulp

        p = ctx.problem
        return pulp.lpSum(ctx.u(k, s) - ctx.in_session(k, s)
                          for k in range(p.T) if not ctx.standard(k) for s in range(p.S))
