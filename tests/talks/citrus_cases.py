"""Constructs of the citrus logic layer, written once and run on citrus 0.0.5 *and* on ``xl_confsched.logic``.

This file imports only PuLP (and citrus when run as a script), so the citrus side runs in its
own virtual environment (citrus 0.0.5 needs PuLP < 3)::

    <venv>/bin/python tests/talks/citrus_cases.py      # prints the results of every case as JSON

``tests/talks/test_logic_citrus.py`` runs it there and compares with :func:`run_all` on
``xl_confsched.logic`` (an adapter with the same names).  Each case solves small problems with
CBC and records numbers only: truth tables (every operator, every input, maximised and
minimised: an exact operator gives one value), the numeric helpers used the way citrus
intends them (a minimum maximised, a maximum or an absolute value minimised, prefer_between
maximised) and the other way round, and the article's talk-scheduling model on a tiny survey,
maximised for its own objective and for seeded random objectives.
"""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from types import SimpleNamespace

import pulp


def _solver():
    return pulp.PULP_CBC_CMD(msg=False)


def _status(prob) -> str:
    return pulp.LpStatus[prob.status]


def _value(x):
    v = pulp.value(x)
    return None if v is None else round(float(v), 6)


# --------------------------------------------------------------------------------------------
# truth tables
# --------------------------------------------------------------------------------------------

def _boolean_ops(lib):
    L = lib
    ops = {
        "negate": (1, lambda o: L.negate(o[0]), lambda v: not v[0]),
        "xor": (2, lambda o: L.logical_xor(o[0], o[1]), lambda v: v[0] != v[1]),
        "implies": (2, lambda o: L.implies(o[0], o[1]), lambda v: (not v[0]) or v[1]),
        "a | b": (2, lambda o: o[0] | o[1], any),
        "a & b": (2, lambda o: o[0] & o[1], all),
        "a ^ b": (2, lambda o: o[0] ^ o[1], lambda v: v[0] != v[1]),
        "(a | b) & c": (3, lambda o: (o[0] | o[1]) & o[2], lambda v: (v[0] or v[1]) and v[2]),
        # the article's consecutive-timeslot rule: implies(X[t2], X[t1] | X[t3])
        "implies(b, a | c)": (3, lambda o: L.implies(o[1], o[0] | o[2]), lambda v: (not v[1]) or v[0] or v[2]),
        "implies(a & b, c)": (3, lambda o: L.implies(o[0] & o[1], o[2]), lambda v: (not (v[0] and v[1])) or v[2]),
    }
    for n in (2, 3, 4):
        ops[f"and/{n}"] = (n, lambda o: L.logical_and(*o), all)
        ops[f"or/{n}"] = (n, lambda o: L.logical_or(*o), any)
    return ops


def truth_tables(lib) -> dict:
    out = {}
    for name, (n, build, truth) in _boolean_ops(lib).items():
        for sense_name, sense in (("max", pulp.LpMaximize), ("min", pulp.LpMinimize)):
            prob = lib.Problem(f"tt_{n}", sense)
            results = []
            for k, values in enumerate(itertools.product((0, 1), repeat=n)):
                ops = []
                for j, v in enumerate(values):
                    x = lib.make_bool(prob, f"x{k}_{j}")
                    prob.addConstraint(x == v, f"fix_{k}_{j}")
                    ops.append(x)
                results.append(build(ops))
            prob.setObjective(pulp.lpSum(results))
            prob.solve(_solver())
            out[f"truth {name} {sense_name}"] = {"status": _status(prob), "values": [_value(z) for z in results],
                                                 "truth": [int(bool(truth(v))) for v in
                                                           itertools.product((0, 1), repeat=n)]}
    return out


# --------------------------------------------------------------------------------------------
# minimum, maximum, abs_value, prefer_between
# --------------------------------------------------------------------------------------------

def _numeric_ops(lib):
    L = lib
    return {
        # name: (arity, build, true value, the direction citrus intends)
        "minimum(x, y, z)": (3, lambda o: L.minimum(o[0], o[1], o[2]), min, "max"),
        "minimum(x, 2y + 1)": (2, lambda o: L.minimum(o[0], 2 * o[1] + 1), lambda v: min(v[0], 2 * v[1] + 1), "max"),
        "maximum(x, y, z)": (3, lambda o: L.maximum(o[0], o[1], o[2]), max, "min"),
        "abs_value(x - y)": (2, lambda o: L.abs_value(o[0] - o[1]), lambda v: abs(v[0] - v[1]), "min"),
        "abs(x)": (1, lambda o: abs(o[0]), lambda v: abs(v[0]), "min"),
        "prefer_between(x, -1, 2)": (1, lambda o: L.prefer_between(o[0], -1, 2),
                                     lambda v: (2 + 1) - abs(v[0] + 1) - abs(v[0] - 2), "max"),
    }


def numeric(lib, values=range(-3, 4)) -> dict:
    out = {}
    for name, (n, build, truth, intended) in _numeric_ops(lib).items():
        grid = list(itertools.product(values, repeat=n)) if n < 3 else list(itertools.product(values[::2], repeat=n))
        for sense_name, sense in (("max", pulp.LpMaximize), ("min", pulp.LpMinimize)):
            prob = lib.Problem(f"num_{n}", sense)
            results = []
            for k, vs in enumerate(grid):
                ops = []
                for j, v in enumerate(vs):
                    x = lib.make_int(prob, f"x{k}_{j}", -10, 10)
                    prob.addConstraint(x == v, f"fix_{k}_{j}")
                    ops.append(x)
                results.append(build(ops))
            prob.setObjective(pulp.lpSum(results))
            prob.solve(_solver())
            ok = _status(prob) == "Optimal"
            out[f"numeric {name} {sense_name}"] = {
                "status": _status(prob), "intended": sense_name == intended,
                "values": [_value(z) for z in results] if ok else None,
                "truth": [truth(v) for v in grid]}
    # citrus's own test of abs_value (with bounds, so that an exact operator can be built)
    prob = lib.Problem("abs_value", pulp.LpMinimize)
    a = lib.make_real(prob, "a", -100, 100)
    b = lib.make_real(prob, "b", -100, 100)
    prob.addConstraint(abs(a - b) <= 5, "abs_a_b")
    prob.addConstraint(a >= 10, "a_ge_10")
    prob.setObjective(b)
    prob.solve(_solver())
    out["citrus test_abs_value"] = {"status": _status(prob), "values": [_value(a), _value(b)], "truth": [10, 5]}
    return out


# --------------------------------------------------------------------------------------------
# the article's model on a tiny survey
# --------------------------------------------------------------------------------------------

TALKS = {  # title: (speaker, duration)
    0: ("Ann", "50m"), 1: ("Bob", "20m"), 2: ("Cat", "20m"), 3: ("Ann", "20m"), 4: ("Dan", "50m"),
}
VENUES = {0: 4, 1: 3}  # name: capacity
TIMESLOTS = [0, 1, 2, 3, 4, 5]
ATTENDEES = ["Ann", "Pia", "Quin", "Rae", "Sol"]
FAVORITES = {  # attendee: picks 1..5
    "Ann": [2, 1, 4, None, None], "Pia": [0, 1, 2, None, None], "Quin": [1, 2, 4, None, None],
    "Rae": [0, 4, None, None, None], "Sol": [1, 0, 3, 4, None],
}
WEIGHTS = [0, 5, 4, 3, 2, 1]


def article_model(lib, threshold=10, objective_weights=None):
    """The article's code, with its data in dicts instead of pandas (``sliding_window`` inlined)."""
    talks, venues, timeslots = list(TALKS), list(VENUES), TIMESLOTS
    model = lib.Problem("conference-schedule", pulp.LpMaximize)
    X = lib.article_dicts(model, [(talk, venue, timeslot) for talk in talks for venue in venues
                                  for timeslot in timeslots])
    for venue, timeslot in itertools.product(venues, timeslots):
        model.addConstraint(pulp.lpSum(X[t, venue, timeslot] for t in talks) <= 1,
                            f"no more than one talk in {venue} at {timeslot}")
    for talk in talks:
        number_slots = 2 if TALKS[talk][1] == "50m" else 1
        model.addConstraint(pulp.lpSum(X[talk, v, t] for v in venues for t in timeslots) == number_slots,
                            f"{talk} should be scheduled just once")
    for long_talk in [t for t in talks if TALKS[t][1] == "50m"]:
        for venue in venues:
            for t1, t2, t3 in zip(timeslots, timeslots[1:], timeslots[2:]):
                model.addConstraint(
                    lib.implies(X[long_talk, venue, t2], X[long_talk, venue, t1] | X[long_talk, venue, t3]) == 1,
                    f"{long_talk} must occupy two sequential slots ({venue}, {t2})")
    speaker_counts = Counter(s for s, _ in TALKS.values())
    for speaker in [s for s, c in speaker_counts.items() if c > 1]:
        own = [t for t in talks if TALKS[t][0] == speaker]
        for ts in timeslots:
            model.addConstraint(sum(X[t, v, ts] for t in own for v in venues) <= 1,
                                f"{speaker} must give at most one talk at {ts}")
    pairwise_popularity = Counter()
    for attendee in ATTENDEES:
        for p1i, p2i in itertools.product(range(1, 6), range(1, 6)):
            weight = WEIGHTS[p1i] * WEIGHTS[p2i]
            p1, p2 = FAVORITES[attendee][p1i - 1], FAVORITES[attendee][p2i - 1]
            if p1 == p2 or p1 is None or p2 is None:
                continue
            pairwise_popularity[tuple(sorted((p1, p2)))] += weight
    for speaker in set(s for s, _ in TALKS.values()) & set(ATTENDEES):
        for pick_index, talk in itertools.product(range(1, 6), [t for t in talks if TALKS[t][0] == speaker]):
            pick = FAVORITES[speaker][pick_index - 1]
            if pick == talk or pick is None:
                continue
            pairwise_popularity[tuple(sorted((talk, pick)))] += 5 * WEIGHTS[pick_index]

    def talk_scheduled_anywhere_at(talk, t):
        return pulp.lpSum(X[talk, v, t] for v in venues)

    for p1, p2 in [pair for pair, score in pairwise_popularity.most_common() if score > threshold]:
        for t in timeslots:
            model.addConstraint(talk_scheduled_anywhere_at(p1, t) + talk_scheduled_anywhere_at(p2, t) <= 1,
                                f"Avoid scheduling {p1} opposite {p2} at {t}")
    popularity = Counter(p for picks in FAVORITES.values() for p in picks if p is not None)
    if objective_weights is None:
        terms = []
        for talk in talks:
            big_enough = [v for v in venues if VENUES[v] >= popularity[talk]]
            terms.append(pulp.lpSum(X[talk, v, t] for v in big_enough for t in timeslots))
        model.setObjective(pulp.lpSum(terms))
    else:
        model.setObjective(pulp.lpSum(objective_weights[k] * X[key] for k, key in enumerate(sorted(X))))
    return model, X, dict(pairwise_popularity)


def article(lib) -> dict:
    out = {}
    for threshold in (10, 60, 80, 120):
        model, X, pop = article_model(lib, threshold)
        model.solve(_solver())
        ok = _status(model) == "Optimal"
        out[f"article threshold {threshold}"] = {"status": _status(model),
                                                 "values": [_value(model.objective) if ok else None]}
    out["article pairwise popularity"] = {"status": "-", "values": sorted([list(k) + [v] for k, v in pop.items()])}
    rng = random.Random(15)
    n = len(TALKS) * len(VENUES) * len(TIMESLOTS)
    vals = []
    for _ in range(6):
        w = [rng.randint(-3, 9) for _ in range(n)]
        model, X, _ = article_model(lib, 80, w)
        model.solve(_solver())
        vals.append([_status(model), _value(model.objective) if _status(model) == "Optimal" else None])
    out["article random objectives"] = {"status": "-", "values": vals}
    return out


def run_all(lib) -> dict:
    out = {}
    out.update(truth_tables(lib))
    out.update(numeric(lib))
    out.update(article(lib))
    return out


def citrus_lib():
    from importlib.metadata import version

    import citrus

    return SimpleNamespace(
        name=f"citrus {version('citrus')}", pulp_version=pulp.__version__,
        Problem=citrus.Problem,
        make_bool=lambda m, name: m.make_var(name, cat=pulp.LpBinary),
        make_int=lambda m, name, lo, hi: m.make_var(name, lo, hi, cat=pulp.LpInteger),
        make_real=lambda m, name, lo, hi: m.make_var(name, lo, hi, cat=pulp.LpContinuous),
        # citrus 0.0.5 refuses the article's one-argument call model.dicts(indices, cat=...)
        article_dicts=lambda m, idx: m.dicts("X", idx, cat=pulp.LpBinary),
        negate=citrus.negate, logical_and=citrus.logical_and, logical_or=citrus.logical_or,
        logical_xor=citrus.logical_xor, implies=citrus.implies, minimum=citrus.minimum,
        maximum=citrus.maximum, abs_value=citrus.abs_value, prefer_between=citrus.prefer_between,
    )


if __name__ == "__main__":
    lib = citrus_lib()
    print(json.dumps({"library": lib.name, "pulp": lib.pulp_version, "results": run_all(lib)}))
