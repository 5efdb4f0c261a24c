"""Rules in words: every phrase compiles, each rule scores a penalised and an unpenalised schedule
right (evaluator), the model's amount equals the evaluator's on the same schedule, and bad words
are reported with their Rules cell and the nearest name."""

from __future__ import annotations

import pytest

from xl_confsched.assignment.evaluate import evaluate
from xl_confsched.assignment.model import PLACEMENT
from xl_confsched.assignment.reader import read_problem
from xl_confsched.errors import InputError

from .helpers import model_amounts, problem, tiny, workbook

K, A, B, D, P = 0, 1, 2, 3, 4  # items
ASPEN, FIR = 0, 1
D1S1, D1S2, D1S3, D2S1, D2S2, D2S3 = range(6)

BASE_OK = {K: (ASPEN, D2S1), A: (FIR, D1S2), B: (ASPEN, D1S2), D: (FIR, D1S1), P: (FIR, D2S2)}

# (rule text, a schedule change that holds it, one that breaks it, the amount broken)
CASES = [
    ("Keynote in Aspen", {}, {K: (FIR, D2S1)}, 1),
    ("Keynote not on day D2", {K: (ASPEN, D1S1)}, {}, 1),
    ("Keynote not on D2", {K: (ASPEN, D1S1)}, {}, 1),
    ("Talk A in slot D1 S2 or slot D1 S3", {}, {A: (FIR, D2S3)}, 1),
    ("Keynote in Aspen on D2", {}, {K: (ASPEN, D1S1)}, 1),
    ("Talk B starts at D1 S2", {}, {B: (ASPEN, D2S2)}, 1),
    ("never together Talk A, Talk B", {A: (FIR, D2S3)}, {}, 1),
    ("together Keynote, Panel", {P: (FIR, D2S1)}, {}, 1),
    ("Talk A before Panel", {}, {A: (FIR, D2S3)}, 1),
    ("Panel right after Keynote", {}, {P: (FIR, D2S3)}, 1),
    ("at most 1 item of Group Security per day", {A: (FIR, D2S3)}, {}, 1),
    ("at least 1 item with Skill Espresso in every slot", None, {}, None),
    ("exactly 2 slots per day for each Person", None, {}, None),
    ("a Person is never in two places at once", {}, {K: (FIR, D1S3)}, 1),
    ("every item not on its Unavailable", {}, {A: (FIR, D1S1), D: (ASPEN, D1S1)}, 1),
    ("Audience fits Capacity", {P: (ASPEN, D2S2)}, {}, 20),
    ("if Keynote in morning then Panel in morning", {}, {P: (FIR, D2S3)}, 1),
    ("not (Keynote in Fir) and Talk A in Fir", {}, {A: (ASPEN, D2S3)}, 1),
    ("Keynote in Fir or Panel in Fir", {}, {P: (ASPEN, D2S2)}, 1),
    ("Data Contracts in Practice in Fir", {}, {D: (ASPEN, D1S1)}, 1),
    ("no items in Fir at D1 S1", {D: (ASPEN, D1S1)}, {}, 1),
    ("at most 1 item per place and day", None, {}, None),
    ("between 1 and 2 items in places with Zone north per day", None, {}, None),
    ("items without Skill Espresso not in Fir", None, {}, None),
    ("every item placed", {}, {P: None}, 1),
    ("Panel not placed", {P: None}, {}, 1),
    ("pair weights", None, {}, None),
    ("never together pairs with weight above 5", {A: (FIR, D2S3)}, {}, 8),
]
PAIRS = [["Talk A", "Talk B", 8], ["Keynote", "Panel", -3], ["Talk A", "Panel", 2]]


def _schedule(change):
    s = dict(BASE_OK)
    s.update(change)
    return s


@pytest.mark.parametrize("text,good,bad,amount", CASES, ids=[c[0] for c in CASES])
def test_rule_held_and_broken_and_model_agrees(text, good, bad, amount):
    p = problem([[text, "soft", 1]], settings=[["Each item placed", "at most once"]], pairs=PAIRS)
    line = lambda s: evaluate(p, s).line(0)  # noqa: E731
    schedules = [_schedule(bad)]
    if good is not None:
        held = line(_schedule(good))
        assert held.result.holds and held.result.amount == 0, held.result.facts
        broken = line(_schedule(bad))
        assert not broken.result.holds and broken.result.amount == amount, broken.result.facts
        assert broken.result.facts, "a broken rule names the facts"
        schedules.append(_schedule(good))
    for s in schedules:
        assert model_amounts(p, s)[0] == pytest.approx(line(s).result.amount)


def test_counts_and_pairs_by_hand():
    p = problem([["at least 1 item with Skill Espresso in every slot", "soft", 1],
                 ["exactly 2 slots per day for each Person", "soft", 1],
                 ["pair weights", "soft", 1],
                 ["at most 1 item per place and day", "soft", 1]], pairs=PAIRS)
    ev = evaluate(p, BASE_OK)
    # Espresso items: Talk A (D1 S2), Data Contracts (D1 S1): 4 slots without one
    assert ev.line(0).result.amount == 4
    # Ada: Talk B D1 S2-S3 (2 slots on D1), Keynote D2 S1 (1 slot on D2: 1 short); Ben: Talk A D1 S2 (1 short),
    # Panel D2 S2 (1 short); Cy: D1 S1 (1 short), nothing on D2 (2 short)
    assert ev.line(1).result.amount == 1 + 1 + 1 + 1 + 2
    # Talk A & Talk B share D1 S2: 8; Keynote & Panel do not share a slot: 3; Talk A & Panel apart: 0
    assert ev.line(2).result.amount == 11
    # Fir on D1 holds Data Contracts and Talk A: 1 over; Aspen D1: Talk B; Aspen D2: Keynote; Fir D2: Panel
    assert ev.line(3).result.amount == 1


def test_costs_are_weight_times_amount_and_settings_are_rules():
    p = problem([["Keynote in Aspen", "hard", 7], ["Panel in Aspen", "soft", 2.5]])
    s = _schedule({K: (FIR, D2S1), P: None})
    ev = evaluate(p, s)
    assert ev.line(0).result.cost == 7 and ev.line(1).result.cost == 2.5
    assert ev.line("placement").result.amount == 1  # Panel unplaced although each item is placed exactly once
    assert ev.cost == 7 + 2.5 + 1000
    assert model_amounts(p, s)[PLACEMENT] == 1


def _errors(rules, **kw):
    with pytest.raises(InputError) as e:
        read_problem(workbook(tiny(rules, **kw)))
    return [(i.where, i.message) for i in e.value.errors]


def test_unknown_words_name_the_cell_the_word_and_the_nearest_name():
    errs = _errors([["Keynote in Aspn", "hard"], ["Keynote inn Aspen", "hard"],
                    ["at most 2 items of Grup Security per day", "soft", 1], ["Keynot before Panel", "hard"],
                    ["Keynote in Aspen", "hard"], ["never together Talk A", "hard"],
                    ["at most 2 items of Group Securty per day", "soft"], ["Keynote in", "hard"]])
    by = dict(errs)
    assert "'Aspn'" in by["Rules!A2"] and "Did you mean 'Aspen'?" in by["Rules!A2"]
    assert "'inn'" in by["Rules!A3"] and "Did you mean 'in'?" in by["Rules!A3"]
    assert "'Grup'" in by["Rules!A4"] and "Did you mean 'Group'?" in by["Rules!A4"]
    assert "'Keynot'" in by["Rules!A5"] and "Did you mean 'Keynote'?" in by["Rules!A5"]
    assert "Rules!A6" not in by
    assert "only one item" in by["Rules!A7"]
    assert "'Securty'" in by["Rules!A8"] and "Did you mean 'Security'?" in by["Rules!A8"]
    assert "stops too early" in by["Rules!A9"]


def test_bad_cells_are_named():
    rows = tiny([["Keynote in Aspen", "maybe", "heavy"]], settings=[["Each item placed", "twice"],
                                                                    ["Items per place and slot", "Seats"]])
    rows["Items"][2][1] = "long"
    rows["Slots"][2][3] = "perhaps"
    with pytest.raises(InputError) as e:
        read_problem(workbook(rows))
    where = {i.where for i in e.value.errors}
    assert {"Rules!B2", "Rules!C2", "Settings!B2", "Settings!B3", "Items!B3", "Slots!D3"} <= where


def test_names_with_keywords_and_quotes():
    p = problem([['"Data Contracts in Practice" in Fir', "hard"], ["Data Contracts in Practice not in Aspen", "hard"]])
    assert [r.rule.formula.items for r in p.rules] == [[D], [D]]
