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

    hard_levels = ("all",)

    def lower_bound(self, problem, facts):
        """A room offers each session once: a track needs ⌈cells / sessions⌉ rooms and ⌈slots / one
        room's slots⌉ rooms at least."""
        from ..bounds import RawBound

        per_room = sum(s.slots for s in problem.sessions)
        lb = sum(max(0, max(-(-facts.min_cells[k] // problem.S), -(-facts.demand[k] // per_room)) - 1)
                 for k in range(problem.T))
        return RawBound(lb, "rooms the largest tracks need at least (one room offers each session once)")

    def build(self, ctx):
        """Raw = Σ_k (rooms used by k − 1); every track is scheduled, so it uses ≥ 1 room."""
        import pulp

        return pulp.lpSum(ctx.rooms_used(k) - 1 for k in range(ctx.problem.T))

    def build_hard(self, ctx, raw):
        """Hard for every track but those the capacity check proves need several rooms."""
        import pulp

        return pulp.lpSum(ctx.rooms_used(k) - 1 for k in range(ctx.problem.T) if k not in ctx.exempt)


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

    hard_levels = ("all",)

    def lower_bound(self, problem, facts):
        from ..bounds import RawBound

        lb = sum(max(0, facts.min_cells[k] - problem.S) for k in range(problem.T))
        return RawBound(lb, "cells beyond one per session that the largest tracks need at least")

    def build(self, ctx):
        """Raw = Σ_{s,k} (rooms of s holding k − 1)⁺ = Σ (u − a)."""
        import pulp

        p = ctx.problem
        return pulp.lpSum(ctx.extra_rooms(k, s) for k in range(p.T) for s in range(p.S))

    def build_hard(self, ctx, raw):
        import pulp

        p = ctx.problem
        return pulp.lpSum(ctx.extra_rooms(k, s) for k in range(p.T) if k not in ctx.exempt for s in range(p.S))
