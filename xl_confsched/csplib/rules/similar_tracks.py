"""Similar tracks in parallel: per session and room pair holding two different tracks."""

from __future__ import annotations

from .base import Rule, Violation, fmt


class SimilarTracks(Rule):
    key = "SIM"

    def lower_bound(self, problem, facts):
        """0, unless some similarity is negative (a reward): then as if those pairs met in every
        session in as many room pairs as a session holds."""
        from ..bounds import RawBound

        R = problem.R
        most = (R // 2) * (R - R // 2)
        lb = sum(v for (k1, k2), v in problem.similar.items() if k1 < k2 and v < 0) * problem.S * most
        return RawBound(lb, "0: can be met alone" if lb == 0 else "every rewarded pair in every session")

    def evaluate(self, problem, sched):
        out = []
        for s in range(problem.S):
            row = [(r, sched.grid[(s, r)]) for r in range(problem.R) if (s, r) in sched.grid]
            for a in range(len(row)):
                for b in range(a + 1, len(row)):
                    (r1, k1), (r2, k2) = row[a], row[b]
                    if k1 == k2:
                        continue
                    v = problem.similar.get((k1, k2), 0)
                    if v:
                        t1, t2 = problem.tracks[k1].name, problem.tracks[k2].name
                        out.append(Violation(self.key, v, f"similar tracks {t1} ({problem.rooms[r1]}) and {t2} "
                                             f"({problem.rooms[r2]}) both in session {problem.sessions[s].name}: "
                                             f"penalty {fmt(v)}", cells=[(s, r1), (s, r2)], items=[t1, t2]))
        return out

    def build(self, ctx):
        """Raw = Σ_s Σ_{k<k'} Sim(k,k')·(room pairs of s holding k and k')."""
        import pulp

        p = ctx.problem
        terms = []
        for (k1, k2), v in sorted(p.similar.items()):
            if k1 < k2 and v:
                for s in range(p.S):
                    terms.append(v * ctx.pair_count(k1, k2, s, sign=1 if v > 0 else -1))
        return pulp.lpSum(terms)
