"""The logic layer: every operator gives its truth table, exactly in both directions.

For each operator and each operand count 2..4, one problem holds an independent copy of
the formula for every assignment of the operands (operands fixed by bounds).  Solving it
once maximising and once minimising the sum of the results shows that each result is
*forced* to the truth value: it cannot be pushed up when false nor down when true.
"""

from __future__ import annotations

import itertools

import pulp
import pytest

from xl_confsched import logic

SOLVER = pulp.PULP_CBC_CMD(msg=False, threads=1)


def _fixed(model, name, value):
    v = model.make_var(name)
    v.lowBound = v.upBound = value
    return v


def _truth_table_check(n, build, truth):
    """build(model, operands) -> result; truth(values) -> bool."""
    for sense in (pulp.LpMaximize, pulp.LpMinimize):
        model = logic.Problem(f"tt_{n}", sense)
        results = []
        for a, values in enumerate(itertools.product((0, 1), repeat=n)):
            ops = [_fixed(model, f"x{a}_{i}", v) for i, v in enumerate(values)]
            results.append((values, build(model, ops)))
        model.setObjective(pulp.lpSum(z for _, z in results))
        model.solve(SOLVER)
        assert model.sol_status == pulp.LpSolutionOptimal
        for values, z in results:
            assert round(z.varValue) == int(truth(values)), (sense, values)


BINARY = {
    "and": (lambda m, o: o[0] & o[1], lambda v: v[0] and v[1]),
    "or": (lambda m, o: o[0] | o[1], lambda v: v[0] or v[1]),
    "xor": (lambda m, o: o[0] ^ o[1], lambda v: v[0] != v[1]),
    "implies": (lambda m, o: logic.implies(o[0], o[1]), lambda v: (not v[0]) or v[1]),
    "iff": (lambda m, o: logic.iff(o[0], o[1]), lambda v: v[0] == v[1]),
    "not-first": (lambda m, o: ~o[0], lambda v: not v[0]),
    "and-complement": (lambda m, o: logic.logical_and(o[0], 1 - o[1]), lambda v: v[0] and not v[1]),
    "article-rule": (lambda m, o: logic.implies(o[0], o[1] | o[0]), lambda v: True),
}


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_operators_truth_table(op):
    build, truth = BINARY[op]
    _truth_table_check(2, build, truth)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_nary_operators_truth_table(n):
    ops = {
        "all_of": (lambda m, o: logic.all_of(o), all),
        "any_of": (lambda m, o: logic.any_of(*o), any),
        "chained &": (lambda m, o: _chain(o, lambda a, b: a & b), all),
        "chained |": (lambda m, o: _chain(o, lambda a, b: a | b), any),
        "chained ^": (lambda m, o: _chain(o, lambda a, b: a ^ b), lambda v: sum(v) % 2 == 1),
        "implies(all, any)": (lambda m, o: logic.implies(logic.all_of(o[:-1]), logic.any_of(o[-1:])),
                              lambda v: (not all(v[:-1])) or v[-1]),
    }
    for k in range(-1, n + 2):
        ops[f"at_most {k}"] = (lambda m, o, k=k: logic.at_most(k, o), lambda v, k=k: sum(v) <= k)
        ops[f"at_least {k}"] = (lambda m, o, k=k: logic.at_least(k, *o), lambda v, k=k: sum(v) >= k)
        ops[f"exactly {k}"] = (lambda m, o, k=k: logic.exactly(k, o), lambda v, k=k: sum(v) == k)
    for name, (build, truth) in ops.items():
        _truth_table_check(n, build, truth)


def _chain(ops, f):
    out = ops[0]
    for o in ops[1:]:
        out = f(out, o)
    return out


def test_results_can_be_required_forbidden_and_soft():
    m = logic.Problem("use", pulp.LpMaximize)
    a, b, c = (m.make_var(n) for n in "abc")
    m += logic.implies(a, b | c) == 1          # required
    m += (b & c) == 0                          # forbidden
    m.setObjective(10 * a + logic.at_most(0, b, c) + 0 * c)  # soft term rewards b = c = 0
    m.solve(SOLVER)
    # a = 1 forces b or c, b and c exclusive: at_most(0) must be 0 → objective 10
    assert round(pulp.value(m.objective)) == 10
    assert a.varValue == 1 and b.varValue + c.varValue == 1


def test_plain_pulp_variables_need_a_model():
    p = pulp.LpProblem("plain", pulp.LpMinimize)
    x = p.add_variable("x", cat=pulp.LpBinary)
    y = p.add_variable("y", cat=pulp.LpBinary)
    with pytest.raises(logic.LogicModelError, match="model="):
        logic.all_of(x, y)
    z = logic.any_of(x, y, model=p)
    p += z == 1
    p += x == 0
    p.setObjective(x + y)
    p.solve(SOLVER)
    assert y.varValue == 1


@pytest.mark.parametrize("bad", ["continuous", "integer", "sum", "scaled", "string"])
def test_non_binary_operands_raise_clear_error(bad):
    m = logic.Problem("bad", pulp.LpMinimize)
    a = m.make_var("a")
    b = m.make_var("b")
    other = {
        "continuous": m.add_variable("cont", 0, 1),
        "integer": m.add_variable("count", 0, 5, cat=pulp.LpInteger),
        "sum": a + b,
        "scaled": 2 * b,
        "string": "yes",
    }[bad]
    with pytest.raises(logic.NonBinaryOperandError, match="binary"):
        logic.logical_and(a, other)


def test_operands_from_two_problems_are_refused():
    m1, m2 = logic.Problem("one"), logic.Problem("two")
    with pytest.raises(logic.LogicModelError, match="different problems"):
        m1.make_var("a") | m2.make_var("b")


def test_article_dicts_call_and_consecutive_rule():
    """The article's rule: a 2-slot talk in 4 slots ends up in two adjacent slots."""
    m = logic.Problem("article", pulp.LpMinimize)
    slots = range(4)
    X = m.dicts([("t", s) for s in slots])
    m += pulp.lpSum(X.values()) == 2
    padded = [0] + [X["t", s] for s in slots] + [0]
    for s in slots:
        m += logic.implies(X["t", s], logic.any_of(padded[s], padded[s + 2], model=m)) == 1
    m += X["t", 0] == 1
    m.solve(SOLVER)
    assert [round(X["t", s].varValue) for s in slots] == [1, 1, 0, 0]
