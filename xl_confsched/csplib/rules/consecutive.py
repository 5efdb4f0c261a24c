"""Consecutive tracks: a track's sessions should form one unbroken run (1 per track otherwise)."""

from __future__ import annotations

from collections import defaultdict

from .base import Rule, Violation


class ConsecutiveTracks(Rule):
    key = "CONS"

    def evaluate(self, problem, sched):
        sessions = defaultdict(set)
        for (s, r), k in sched.grid.items():
            sessions[k].add(s)
        out = []
        for k in sorted(sessions):
            q = sessions[k]
            if len(q) >= 2 and max(q) - min(q) + 1 != len(q):
                names = ", ".join(problem.sessions[s].name for s in sorted(q))
                gaps = ", ".join(problem.sessions[s].name for s in range(min(q), max(q)) if s not in q)
                out.append(Violation(self.key, 1, f"track {problem.tracks[k].name} is in sessions {names}, "
                                                  f"not consecutive (gap: {gaps})",
                                     cells=[sr for sr in sorted(sched.grid) if sched.grid[sr] == k],
                                     items=[problem.tracks[k].name]))
        return out

    def build(self, ctx):
        """Raw = Σ_k [k's sessions are not one unbroken run]."""
        import pulp

        return pulp.lpSum(ctx.consecutive_cost(k) for k in range(ctx.problem.T))
