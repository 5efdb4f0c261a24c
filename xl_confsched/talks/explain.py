"""Why the hard pairs cannot all be kept apart, in the organiser's words.

Talks that must pairwise never run in parallel (hard pairs, and two talks of one
speaker) have to follow one another, so a set of such talks that needs more timeslots
than the programme has proves that no schedule exists.  :func:`apart_clique` finds the
set of mutually-apart talks needing the most timeslots (exact branch and bound on the
small talk graph).
"""

from __future__ import annotations

import time

from .problem import TalkProblem


def apart_clique(p: TalkProblem, seconds: float = 5.0) -> tuple[list[int], int]:
    """The mutually "never in parallel" talks with the most timeslots in total, and that total."""
    n = p.T
    adj = [0] * n
    for i, j in list(p.hard_pairs) + list(p.speaker_pairs):
        adj[i] |= 1 << j
        adj[j] |= 1 << i
    w = [t.slots for t in p.talks]
    best: list = [0, 0]  # weight, bitmask
    deadline = time.time() + seconds

    def bits(mask):
        while mask:
            low = mask & -mask
            yield low.bit_length() - 1
            mask ^= low

    def expand(cand: int, weight: int, chosen: int) -> None:
        if weight > best[0]:
            best[0], best[1] = weight, chosen
        if not cand or time.time() > deadline:
            return
        if weight + sum(w[k] for k in bits(cand)) <= best[0]:
            return
        order = sorted(bits(cand), key=lambda k: -(w[k] * 100 + bin(adj[k] & cand).count("1")))
        for k in order:
            if weight + sum(w[m] for m in bits(cand)) <= best[0]:
                return
            expand(cand & adj[k], weight + w[k], chosen | (1 << k))
            cand &= ~(1 << k)

    expand((1 << n) - 1, 0, 0)
    return sorted(bits(best[1])), best[0]


def infeasibility_message(p: TalkProblem, clique: list[int], need: int) -> str:
    titles = "; ".join(f"'{p.talks[i].title}'" for i in clique)
    th = p.weights.threshold
    return (f"The conflict threshold {th:g} makes {len(p.hard_pairs)} of {p.n_pairs} pairs of talks "
            f"'never in parallel', and they cannot all be kept apart: these {len(clique)} talks are each wanted "
            f"by the same attendees as all the others (or share a speaker), so they would have to run one after "
            f"another, needing {need} timeslots — the programme has {p.S}. The talks: {titles}. "
            "Raise the conflict threshold on the Weights sheet (or add timeslots) to keep more pairs apart; "
            "this run treats the hard pairs as heavily weighted soft pairs instead.")
