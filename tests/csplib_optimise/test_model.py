"""The master model against the evaluator, term by term, on random schedules of the whole space
the optimiser searches (tracks in several rooms and in parallel rooms, double-booked presenters;
every room a track holds has one of its talks, as the Assignments table can show).

For every term the master model is either exact or a relaxation that never counts more than the
evaluator (what makes its bound a true bound): exact for the grid terms, rooms per track,
parallel tracks, consecutive tracks, time zones and submission–session penalties, and for
similar tracks / chair conflicts / session-level conflicts wherever the model's linearisation is
exact (see ``ModelContext.pair_count`` and ``conflict_pairs_cost``); below or equal for the order
and room-penalty terms, whose exact value needs the rooms and slots.
"""

from __future__ import annotations

from collections import Counter

import pytest

from xl_confsched.csplib.evaluate import evaluate
from xl_confsched.csplib.model import build_model
from xl_confsched.csplib.search import term_values_of

from .helpers import make_instance, random_schedule

ALWAYS_EXACT = ("TS", "TR", "SR", "NR", "PAR", "CONS", "TZ", "SS", "STRUCT")
NEVER_ABOVE = ("ORD", "SP")


def _doubled_pairs(p, sched) -> bool:
    """Whether two different tracks each hold two or more rooms of one session (the one case where
    the pair terms are below the evaluator's)."""
    per = Counter((s, k) for (s, r), k in sched.grid.items())
    for s in range(p.S):
        if sum(1 for (ss, k), c in per.items() if ss == s and c > 1) > 1:
            return True
    return False


def _same_track_conflicts(p, sched, relation) -> int:
    """Conflicting talks of one track in different rooms of one session (settled by the rooms phase)."""
    where = {n: cells[0][:2] for n, cells in sched.cells_of().items()}
    return sum(1 for a, b in relation if p.submissions[a].track == p.submissions[b].track
               and where[a][0] == where[b][0] and where[a][1] != where[b][1])


@pytest.mark.parametrize("seed", range(6))
def test_master_terms_exact_or_below_on_random_schedules(seed):
    p = make_instance(seed, S=4, R=3, T=4, N=16)
    built = build_model(p, "full")
    for j in range(3):
        sched = random_schedule(p, seed=100 * seed + j)
        ev = evaluate(p, sched)
        assert ev.all_scheduled and ev.valid and ev.term("STRUCT").raw == 0
        got = term_values_of(built, sched)
        assert got is not None, "a schedule the template allows must be a point of the master model"
        for key, value in got.items():
            true = ev.term(key).raw
            if key in ALWAYS_EXACT:
                assert value == pytest.approx(true, abs=1e-6), key
            elif key in NEVER_ABOVE:
                assert value <= true + 1e-6, key
            elif key in ("SIM", "CC"):
                if _doubled_pairs(p, sched):
                    assert value <= true + 1e-6, key
                else:
                    assert value == pytest.approx(true, abs=1e-6), key
            elif key in ("PC", "AC"):
                rel = p.derived.presenter_conflicts if key == "PC" else p.derived.attendee_conflicts
                assert value == pytest.approx(true - _same_track_conflicts(p, sched, rel), abs=1e-6), key
            else:
                raise AssertionError(f"term {key} has no stated relation to the evaluator")


def test_random_schedules_reach_what_the_old_model_could_not():
    """The generator really produces the cases: a track in parallel rooms, a track in several rooms,
    a cell without talks (the last one only on request: the bounds' space, not the optimiser's)."""
    p = make_instance(3)
    seen = Counter()
    for j in range(20):
        sched = random_schedule(p, seed=j, parallel=0.5, empty=0.5)
        ev = evaluate(p, sched)
        seen["parallel"] += ev.term("PAR").raw > 0
        seen["rooms"] += ev.term("NR").raw > 0
        used = {c[:2] for c in sched.cells}
        seen["empty"] += any(c not in used for c in sched.grid)
    assert seen["parallel"] and seen["rooms"] and seen["empty"]


def test_master_objective_is_the_weighted_sum_of_its_terms():
    p = make_instance(5)
    built = build_model(p, "full")
    sched = random_schedule(p, seed=5)
    got = term_values_of(built, sched)
    import pulp

    total = pulp.value(built.prob.objective)
    assert total == pytest.approx(sum(built.weights[k] * v for k, v in got.items()))


def test_room_shares_only_for_talks_a_room_penalty_names():
    """Submission–room penalties need a talk's room in the master; only the talks a penalty names get
    room shares (a EURO-sized conference: 18 talks × sessions × rooms, not 1,850 × 20 × 50), and
    the term stays exact for them on schedules whose tracks hold one room a session."""
    p = make_instance(2, S=4, R=3, T=4, N=16)
    named = {n for n, sub in enumerate(p.submissions) if sub.room_penalty}
    assert named and len(named) < p.N  # the case: some talks with a room penalty, some without
    built = build_model(p, "full")
    shares = built.ctx.room_share
    assert {n for (n, _s, _r) in shares} == named
    checked = 0
    for j in range(20):
        sched = random_schedule(p, seed=300 + j, parallel=0.0)
        if any(c > 1 for c in Counter((s, k) for (s, _r), k in sched.grid.items()).values()):
            continue
        got = term_values_of(built, sched)
        assert got["SP"] == pytest.approx(evaluate(p, sched).term("SP").raw, abs=1e-6)
        checked += 1
    assert checked >= 3
