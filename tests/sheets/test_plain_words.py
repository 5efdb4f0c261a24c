"""The Run sheets' sentence on how good a schedule is: true to the numbers, never a claim a bound does not back."""

from xl_confsched.plain_words import above_best, quality


def test_a_gap_is_said_against_the_bound():
    s = quality(13, 10, "feasible")
    assert "at most 30% above the best possible" in s and "below 10" in s
    assert above_best(13, 10) == 0.30000000000000004 or abs(above_best(13, 10) - 0.3) < 1e-12


def test_optimal_only_when_proven():
    assert quality(13, 13, "feasible").startswith("Proven optimal")
    assert quality(13, None, "optimal").startswith("Proven optimal")
    assert "Proven optimal" not in quality(13, None, "feasible")


def test_no_useful_bound_and_a_false_bound_are_said_plainly():
    assert "no useful lower bound" in quality(500, -1989, "feasible")
    assert "no useful lower bound" in quality(7, 0, "feasible")
    s = quality(621_000, 1_000_000, "feasible")  # a reported "bound" above an existing schedule
    assert "not proven optimal" in s and "not a valid lower bound" in s and "Proven optimal" not in s


def test_relaxed_schedules_say_so_first():
    s = quality(2294, None, "relaxed")
    assert s.startswith("A schedule was found, but some hard rules could not all hold")
