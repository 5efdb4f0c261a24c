"""The talk-survey article's problem written as rules scores every schedule as the talks kind does."""

from __future__ import annotations

import random

import pytest

from xl_confsched.assignment import examples as X
from xl_confsched.assignment.evaluate import evaluate as evaluate_rules
from xl_confsched.assignment.reader import read_problem
from xl_confsched.talks.generator import generate, workbook_data
from xl_confsched.talks.reader import read_problem as read_talks
from xl_confsched.talks.rules import evaluate as evaluate_talks

from .helpers import workbook


def _pair(talk_rows):
    tp, _ = read_talks(workbook_data(talk_rows))
    ap, _ = read_problem(workbook(X.talks_from_survey(talk_rows)))
    assert [t.title for t in tp.talks] == [it.name for it in ap.items]
    assert [v.name for v in tp.venues] == [pl.name for pl in ap.places]
    assert tp.S == ap.S
    return tp, ap


def _random_talk_schedule(tp, rng):
    """Talks at random fitting starts and venues, no venue double-booked and no speaker in two places
    (the talks kind's hard rules, which its objective does not price); hard pairs may run in parallel."""
    sched = {}
    used = set()
    busy = {}
    for i in rng.sample(range(tp.T), tp.T):
        opts = [(v, s) for s in tp.starts[i] for v in tp.venues_for(i)
                if all((v, c) not in used for c in tp.covered(i, s))
                and all(c not in busy.get(tp.talks[i].speaker, set()) for c in tp.covered(i, s))]
        if not opts:
            return None
        v, s = rng.choice(opts)
        sched[i] = (v, s)
        for c in tp.covered(i, s):
            used.add((v, c))
            busy.setdefault(tp.talks[i].speaker, set()).add(c)
    return sched


@pytest.mark.parametrize("kwargs", [{}, {"seed": 5, "n_talks": 20, "n_slots": 12, "threshold": 30},
                                    {"seed": 9, "n_talks": 18, "n_slots": 14, "days": 2, "breaks_after": (3,),
                                     "threshold": None}])
def test_both_kinds_give_equal_costs_on_the_same_schedule(kwargs):
    tp, ap = _pair(generate(**kwargs))
    rng = random.Random(1)
    n = 0
    costs = set()
    for _ in range(40):
        sched = _random_talk_schedule(tp, rng)
        if sched is None:
            continue
        t = evaluate_talks(tp, sched)
        a = evaluate_rules(ap, sched)
        assert t.feasible and not [x for x in a.hard_broken if x.text != f"never together pairs with weight above "
                                                                          f"{tp.weights.threshold:g}"]
        assert a.cost == pytest.approx(t.objective), (t.conflict_cost, t.hard_conflict_cost, t.seats_short)
        costs.add(round(t.objective))
        n += 1
    assert n >= 10 and len(costs) >= 5  # many different schedules, not one score


def test_the_shipped_talks_example_is_the_talks_kinds_example():
    tp, ap = _pair(generate())
    assert len(ap.pairs) == len([x for x in tp.interest.values() if x > 0])
