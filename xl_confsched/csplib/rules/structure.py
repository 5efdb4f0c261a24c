"""Multi-slot submissions: k consecutive slots of one session and room (OBJECTIVE.md §4.17).

Always on, no weight.  Part A: 10,000,000 per (session, room) cell group holding a
multi-slot submission a number of times other than its required slots.  Part B:
1,000,000,000 per multi-slot submission whose slot indices are not consecutive, and
1,000,000,000 for the first one not scheduled at all — after which the benchmark stops
checking Part B.  (The checker keys cell groups by joined decimal text, so (1,10) and
(11,0) merge; we key by the pair itself — see the README.)
"""

from __future__ import annotations

from collections import defaultdict

from ..terms import STRUCT_PART_A, STRUCT_PART_B
from .base import Rule, Violation, where


class MultiSlotStructure(Rule):
    key = "STRUCT"

    def lower_bound(self, problem, facts):
        from ..bounds import RawBound

        stuck = any(sub.required_slots >= 2 and not facts.placeable(n) for n, sub in enumerate(problem.submissions))
        return RawBound(STRUCT_PART_B if stuck else 0.0, "0 unless a multi-slot talk is longer than every session")

    def evaluate(self, problem, sched):
        multi = [n for n, sub in enumerate(problem.submissions) if sub.required_slots >= 2]
        if not multi:
            return []
        multi_set = set(multi)
        groups = defaultdict(lambda: defaultdict(int))  # (s, r) -> n -> count
        slots = defaultdict(list)  # n -> slot indices in scan order
        for (s, r, t), n in sched.scan():
            if n in multi_set:
                groups[(s, r)][n] += 1
                slots[n].append(t)
        out = []
        for (s, r) in sorted(groups):
            for n, c in sorted(groups[(s, r)].items()):
                req = problem.submissions[n].required_slots
                if c != req:
                    ref = problem.submissions[n].ref
                    out.append(Violation(self.key, STRUCT_PART_A,
                                         f"{ref} needs {req} consecutive slots in one room but has {c} in "
                                         f"{where(problem, s, r)}", cells=[(s, r)], items=[ref]))
        for n in multi:
            ref = problem.submissions[n].ref
            tau = slots.get(n, [])
            if not tau:
                out.append(Violation(self.key, STRUCT_PART_B,
                                     f"{ref} (needs {problem.submissions[n].required_slots} slots) is not scheduled; "
                                     f"the benchmark stops checking multi-slot submissions here", items=[ref]))
                break
            f, l = tau[0], tau[-1]
            if (sum(range(f, l + 1)) if l >= f else 0) != sum(tau):
                out.append(Violation(self.key, STRUCT_PART_B,
                                     f"{ref} occupies slots {', '.join(str(t + 1) for t in tau)}, which are not "
                                     f"consecutive", items=[ref]))
        return out

    def build(self, ctx):
        """0 by construction: the optimiser gives every talk req(n) consecutive slots of one
        session and room (capacity per session and room, contiguous placement in timeslots.py)."""
        return 0
