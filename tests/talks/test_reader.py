"""Reading the talk-survey workbook: values, survey interest, and cell-naming messages."""

from __future__ import annotations

from collections import Counter
from itertools import product

import pytest

from xl_confsched.errors import InputError
from xl_confsched.talks.generator import generate, workbook_data
from xl_confsched.talks.reader import read_problem
from xl_confsched.talks.template import blank_workbook, example_workbook
from xl_confsched.tables import load_workbook_data

from .helpers import tiny_problem, tiny_rows


def test_tiny_instance_values():
    p = tiny_problem(threshold=30)
    assert [t.slots for t in p.talks] == [1, 2, 1, 1, 1]
    assert p.segments == [[0, 1], [2, 3]]
    assert p.starts[1] == [0, 2]  # the 50-minute talk cannot run across the break
    assert p.starts[4] == [1, 2, 3]  # E is 'Not at' 09:00
    assert p.audience == [3, 4, 3, 1, 3]
    assert p.speaker_pairs == [(0, 3)]


def test_interest_follows_the_article_by_hand():
    p = tiny_problem()
    # Pia: A(5) B(4) C(3): both orders of each pair → 2 × product
    # Sol: B(5) A(4) D(3) E(2); Ann (speaker of A and D, an attendee): C(5) B(4) + speaker bonus
    ab = 2 * 5 * 4 + 2 * 5 * 4                 # Pia + Sol
    ab += 5 * 4                                # Ann picks B (pick 2) opposite her talk A
    assert p.interest[(0, 1)] == ab
    assert p.interest[(0, 2)] == 2 * 5 * 3 + 5 * 5   # Pia A-C, Ann's pick 1 C opposite her talk A
    assert p.interest[(3, 4)] == 2 * 3 * 2           # Sol D-E (Ann's talk D: her picks C, B, not E)
    assert (2, 3) in p.interest and p.interest[(2, 3)] == 5 * 5  # Ann's pick 1 C opposite her talk D


def _article_counter(rows):
    """The article's loop, transcribed over plain rows (independent of the package)."""
    weights = [0, 5, 4, 3, 2, 1]
    survey = {r[0]: r[1:] for r in rows["Survey"][1:]}
    talks = {r[0]: r[1] for r in rows["Talks"][1:]}
    attendees = {r[0] for r in rows["Attendees"][1:]}
    pairwise = Counter()
    for attendee, picks in survey.items():
        for a, b in product(range(1, 6), range(1, 6)):
            p1, p2 = picks[a - 1], picks[b - 1]
            if p1 == p2:
                continue
            pairwise[tuple(sorted((p1, p2)))] += weights[a] * weights[b]
    for speaker in set(talks.values()) & attendees:
        if speaker not in survey:
            continue
        for k, talk in product(range(1, 6), [t for t, s in talks.items() if s == speaker]):
            pick = survey[speaker][k - 1]
            if pick == talk:
                continue
            pairwise[tuple(sorted((talk, pick)))] += 5 * weights[k]
    return pairwise


def test_interest_matches_article_loop_on_generated_survey():
    rows = generate(seed=11)
    p, _ = read_problem(workbook_data(rows))
    expected = _article_counter(rows)
    got = {tuple(sorted((p.talks[i].title, p.talks[j].title))): x for (i, j), x in p.interest.items()}
    assert got == dict(expected)


def test_generated_instance_has_the_article_shape():
    rows = generate()
    p, _ = read_problem(workbook_data(rows))
    assert (p.T, p.V, p.S, len(p.attendees)) == (32, 3, 16, 120)
    assert 9 <= sum(t.slots == 2 for t in p.talks) <= 12
    assert any(len(v) == 2 for v in p.speaker_talks.values())
    share = len(p.hard_pairs) / p.n_pairs
    assert 0.5 <= share <= 0.7  # "about 60 % of all pairs hard" at threshold 10


def test_all_problems_reported_with_cells():
    rows = tiny_rows()
    rows["Talks"][2][2] = "fifty"              # Talks!C3
    rows["Talks"][3][4] = "Hall"                # Talks!E4 unknown venue
    rows["Talks"].append(["A", "Zed", 20, "", None, None])  # duplicate title Talks!A7
    rows["Venues"][2][1] = -3                   # Venues!B3
    rows["Timeslots"][3][0] = "eleven"          # Timeslots!A4
    rows["Survey"][2][2] = "Bb"                 # Survey!C3 not a talk
    rows["Weights"][6][1] = "lots"              # Conflict threshold value
    with pytest.raises(InputError) as exc:
        read_problem(workbook_data(rows))
    where = {i.where for i in exc.value.errors}
    assert {"Talks!C3", "Talks!E4", "Talks!A7", "Venues!B3", "Timeslots!A4", "Survey!C3", "Weights!B7"} <= where
    text = exc.value.describe()
    assert "did you mean 'B'" in text or "Bb" in text
    assert "Traceback" not in text


def test_missing_sheet_and_column():
    rows = tiny_rows()
    del rows["Venues"]
    rows["Talks"] = [[c if c != "Speaker" else "Presenter" for c in rows["Talks"][0]]] + rows["Talks"][1:]
    with pytest.raises(InputError) as exc:
        read_problem(workbook_data(rows))
    msgs = exc.value.describe()
    assert "the sheet 'Venues' is missing" in msgs
    assert "the column 'Speaker' is missing" in msgs


def test_too_many_talks_for_the_grid():
    rows = tiny_rows()
    rows["Talks"] += [[f"X{k}", f"S{k}", 50, "", None, None] for k in range(3)]
    with pytest.raises(InputError, match="venue-timeslots"):
        read_problem(workbook_data(rows))


def test_templates_round_trip(tmp_path):
    p, _ = read_problem(load_workbook_data(example_workbook(tmp_path / "ex.xlsx")))
    assert p.T == 32
    blank = load_workbook_data(blank_workbook(tmp_path / "blank.xlsx"))
    with pytest.raises(InputError, match="no talks"):
        read_problem(blank)
