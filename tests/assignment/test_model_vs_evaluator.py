"""The model against the independent evaluator on random schedules of the shipped examples:
with the start variables fixed, every rule's amount in the MIP equals the evaluator's."""

from __future__ import annotations

import random

import pytest

from xl_confsched.assignment import examples as X
from xl_confsched.assignment.evaluate import evaluate
from xl_confsched.assignment.model import PLACEMENT
from xl_confsched.assignment.reader import read_problem

from .helpers import model_amounts, random_schedule, workbook


@pytest.mark.parametrize("name", ["baristas", "students"])
def test_random_schedules(name):
    p, _ = read_problem(workbook(X.EXAMPLES[name]()))
    rng = random.Random(3)
    broken = set()
    for k in range(4):
        s = random_schedule(p, rng, unplaced=0.1 * k)
        ev = evaluate(p, s)
        got = model_amounts(p, s)
        for line in ev.lines:
            key = PLACEMENT if line.key == "placement" else line.key
            if key in got:
                assert got[key] == pytest.approx(line.result.amount), (line.text, line.result.facts)
                if line.result.amount > 0:
                    broken.add(line.key)
    # the random schedules break most rules, so the comparison is not between zeros
    assert len(broken) >= len(p.rules) // 2


def test_generated_instance_random_schedule():
    p, _ = read_problem(workbook(X.generated(n_items=40, n_places=4, n_slots=12, n_rules=30, seed=2)))
    s = random_schedule(p, random.Random(5))
    ev = evaluate(p, s)
    got = model_amounts(p, s)
    for line in ev.lines:
        if isinstance(line.key, int):
            assert got[line.key] == pytest.approx(line.result.amount), line.text
