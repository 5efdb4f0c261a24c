"""When the hard rules cannot all hold: the smallest set of them that cannot hold together.

Deletion filter over the hard rules (and the *each item placed exactly once* setting):
start from all of them, proven infeasible; for each rule in turn, solve a feasibility
problem without it (a short CBC run, no objective); if that is still infeasible, the
rule is not needed for the conflict and is dropped for good, otherwise it is kept.
What is left cannot hold together, and — when every check was decided — dropping any
one of its rules makes the rest feasible: an irreducible infeasible subset.  A check
that runs out of time keeps its rule (the set is then still infeasible, but perhaps
not irreducible: ``minimal`` is False).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from .model import AssignmentModel
from .solve import run_cbc


@dataclass
class Conflict:
    rules: list[int]  # rule indices (model.PLACEMENT for the setting)
    minimal: bool  # every deletion check was decided
    checks: int = 0
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


def feasible(model: AssignmentModel, enforced: set[int], seconds: float, seed: int = 0) -> bool | None:
    """True / False when CBC decides it within ``seconds``, else None."""
    model.enforce({r: (r in enforced) for r in model.amounts})
    model.set_objective(feasibility_only=True)
    run = run_cbc(model.prob, seconds, seed=seed, kill_after=2.0)
    if run.has_solution:
        return True
    if run.infeasible:
        return False
    return None


def find_conflict(model: AssignmentModel, hard: list[int], budget: float, seed: int = 0,
                  progress: Callable[[str], None] | None = None, label: Callable[[int], str] = str,
                  known_infeasible: bool = True) -> Conflict:
    """Deletion filter over ``hard`` (assumed infeasible together) within ``budget`` seconds."""
    t0 = time.perf_counter()
    keep = list(hard)
    minimal = True
    checks = 0
    log: list[str] = []
    # cheapest first: rules later in the list are tried first (often the specific ones)
    for r in list(reversed(hard)):
        left = budget - (time.perf_counter() - t0)
        if left < 0.5:
            minimal = False
            log.append("out of time: the remaining rules were kept without a check")
            break
        per = max(1.0, min(left, budget / max(1, len(hard)) * 2))
        trial = set(keep) - {r}
        res = feasible(model, trial, per, seed)
        checks += 1
        if res is False:
            keep.remove(r)
            log.append(f"without {label(r)}: still infeasible → not part of the conflict")
        elif res is True:
            log.append(f"without {label(r)}: feasible → part of the conflict")
        else:
            minimal = False
            log.append(f"without {label(r)}: undecided in {per:.1f} s → kept")
        if progress:
            progress(log[-1])
    return Conflict(rules=keep, minimal=minimal, checks=checks, seconds=time.perf_counter() - t0, log=log)


# ----------------------------------------------------------------------------- a quick proof

def apart_clique_conflict(problem, enforced: set[int], seconds: float = 2.0) -> tuple[list[int], list[int]] | None:
    """Items that must pairwise never share a slot and together need more slots than there are.

    The edges come from the enforced hard rules that keep items apart (``never together``,
    ``a person is never in two places at once``); with every item placed exactly once,
    such a set of items (a clique) proves that these rules cannot hold together.  Returns
    (the rules whose pairs the clique uses, the clique's items), or None.
    """
    from .model import PLACEMENT
    from .rules.atoms import OnePlace, Pairs

    if PLACEMENT not in enforced:
        return None
    p = problem
    edge_rules: dict[tuple[int, int], int] = {}
    for row in p.rules:
        if row.row not in enforced or row.rule is None:
            continue
        f = row.rule.formula
        if isinstance(f, Pairs):
            for i, j, _a, together in f.pairs:
                if not together:
                    edge_rules.setdefault((min(i, j), max(i, j)), row.row)
        elif isinstance(f, OnePlace):
            for _v, items in f.groups:
                for a in range(len(items)):
                    for b in range(a + 1, len(items)):
                        i, j = items[a], items[b]
                        edge_rules.setdefault((min(i, j), max(i, j)), row.row)
    if not edge_rules:
        return None
    n = p.I
    adj = [0] * n
    for i, j in edge_rules:
        adj[i] |= 1 << j
        adj[j] |= 1 << i
    w = [it.length for it in p.items]
    need = p.S  # a clique heavier than this proves the conflict
    best: list = [0, 0]
    deadline = time.perf_counter() + seconds

    def bits(mask):
        while mask:
            low = mask & -mask
            yield low.bit_length() - 1
            mask ^= low

    def expand(cand: int, weight: int, chosen: int) -> None:
        if weight > best[0]:
            best[0], best[1] = weight, chosen
        if best[0] > need or not cand or time.perf_counter() > deadline:
            return
        if weight + sum(w[k] for k in bits(cand)) <= max(best[0], need):
            return
        for k in sorted(bits(cand), key=lambda k: -(w[k] * 100 + bin(adj[k] & cand).count("1"))):
            if weight + sum(w[m] for m in bits(cand)) <= max(best[0], need):
                return
            expand(cand & adj[k], weight + w[k], chosen | (1 << k))
            cand &= ~(1 << k)
            if best[0] > need:
                return

    start = 0
    for i in range(n):
        if adj[i]:
            start |= 1 << i
    expand(start, 0, 0)
    if best[0] <= need:
        return None
    clique = sorted(bits(best[1]))
    rules = sorted({edge_rules[(min(a, b), max(a, b))] for x, a in enumerate(clique) for b in clique[x + 1:]})
    return rules + [PLACEMENT], clique

