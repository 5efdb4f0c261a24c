"""Small random problems built directly (no workbook) for the model tests."""

from __future__ import annotations

import numpy as np

from xl_confsched.personal.problem import BlockSlot, Participant, Problem, Room, Talk


def random_problem(n_talks: int, n: int, ks: list[int], n_participants: int = 10, density: float = 0.35,
                   seed: int = 0, shared_presenters: int = 0, n_dummy: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    real = n_talks - n_dummy
    presenters = [f"S{x}" for x in range(real)]
    for i in range(shared_presenters):  # some presenters give two talks
        presenters[2 * i + 1] = presenters[2 * i]
    talks = [Talk(id=f"T{x}", title=f"talk {x}", presenter=presenters[x]) for x in range(real)]
    talks += [Talk(id=f"(empty {d + 1})", dummy=True) for d in range(n_dummy)]
    parts = []
    for p in range(n_participants):
        wanted = frozenset(int(x) for x in np.flatnonzero(rng.random(real) < density))
        parts.append(Participant(name=f"P{p}", wanted=wanted))
    blocks, first = [], 0
    for b, k in enumerate(ks):
        blocks.append(BlockSlot(day=f"D{b // 2}", name=f"B{b}", k=k, n=n, first=first))
        first += k
    assert first * n == n_talks, "the grid must hold exactly the talks"
    rooms = [Room(name=f"R{r}", capacity=[8, 5, 3, 2, 2][r % 5]) for r in range(n)]
    return Problem(talks=talks, participants=parts, blocks=blocks, rooms=rooms)
