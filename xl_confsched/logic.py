"""Boolean algebra over PuLP binary variables (a citrus-style logic layer).

The talk-scheduling article this project grew from writes its rules with the
``citrus`` package (0.0.5): ``X[a] | X[b]``, ``citrus.implies(p, q) == 1``.  This
module offers the same meaning on PuLP 3, without the dependency, and adds the
n-ary operators a planning model needs.

Usage::

    from xl_confsched import logic

    model = logic.Problem("talks", pulp.LpMinimize)     # a pulp.LpProblem
    a, b, c = (model.make_var(n) for n in "abc")         # binary BoolVar objects
    X = model.dicts("X", [(t, s) for t in T for s in S]) # dict of BoolVar (citrus: model.dicts)

    model += logic.implies(a, b | c) == 1                # required
    model += (a & b) == 0                                # forbidden
    model += logic.at_most(1, a, b, c) == 1
    model.setObjective(3 * (a ^ c) + logic.any_of(a, b, c))   # soft terms

Every operator returns a **new binary variable** (:class:`BoolVar`) whose value is
tied to its operands by linear constraints that are exact in both directions: in any
feasible solution the result equals the truth value of the formula, so it can be
required (``== 1``), forbidden (``== 0``), used as a soft term of a minimised or a
maximised objective, or combined further.  The defining constraints are added to the
problem the operands belong to:

* operands made by :meth:`Problem.make_var` / :meth:`Problem.dicts` (or adopted with
  :meth:`Problem.adopt`) know their problem, so ``a & b`` needs nothing else;
* plain ``pulp.LpVariable`` operands work with the functions when another operand
  knows the problem, or when it is passed explicitly: ``logic.all_of(x, y, model=prob)``
  (``prob`` may then be any ``pulp.LpProblem``).

Operands may be binary variables, the complement ``1 - x`` of one, ``True``/``False``
or ``0``/``1``.  Anything that can take another value (a continuous or general integer
variable, ``x + y``, ``2 * x``) raises :class:`NonBinaryOperandError` naming it.

Functions (citrus names in brackets): :func:`negate` ``~a`` [negate],
:func:`logical_and` ``a & b`` [logical_and], :func:`logical_or` ``a | b``
[logical_or], :func:`logical_xor` ``a ^ b`` [logical_xor], :func:`implies`
[implies], :func:`iff`, and the n-ary :func:`all_of`, :func:`any_of`,
:func:`at_most`, :func:`at_least`, :func:`exactly` (each takes operands or one
iterable of operands).

This module never imports xlwings.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable

import pulp

__all__ = [
    "BoolVar", "Problem", "NonBinaryOperandError", "LogicModelError",
    "negate", "logical_and", "logical_or", "logical_xor", "implies", "iff",
    "all_of", "any_of", "at_most", "at_least", "exactly", "require", "forbid", "boolean",
]


class NonBinaryOperandError(TypeError):
    """An operand of a logical operator is not a 0/1 quantity."""


class LogicModelError(ValueError):
    """The operator cannot tell which problem its constraints belong to."""


def _new_lp_variable(obj, name: str) -> None:
    try:
        pulp.LpVariable.__init__(obj, name, 0, 1, pulp.LpBinary, _skip_v4_deprecation=True)
    except TypeError:  # PuLP < 3.3 has no deprecation switch
        pulp.LpVariable.__init__(obj, name, 0, 1, pulp.LpBinary)


class BoolVar(pulp.LpVariable):
    """A binary ``pulp.LpVariable`` that knows its problem and supports ``& | ^ ~``."""

    def __init__(self, name: str, model: pulp.LpProblem):
        _new_lp_variable(self, name)
        self.model = model

    # citrus compatibility: Variable.from_lp_var
    @classmethod
    def from_lp_var(cls, var: pulp.LpVariable, model: pulp.LpProblem) -> "BoolVar":
        return adopt(model, var)

    def __and__(self, other):
        return logical_and(self, other, model=self.model)

    def __rand__(self, other):
        return logical_and(other, self, model=self.model)

    def __or__(self, other):
        return logical_or(self, other, model=self.model)

    def __ror__(self, other):
        return logical_or(other, self, model=self.model)

    def __xor__(self, other):
        return logical_xor(self, other, model=self.model)

    def __rxor__(self, other):
        return logical_xor(other, self, model=self.model)

    def __invert__(self):
        return negate(self, model=self.model)

    __hash__ = pulp.LpVariable.__hash__


class Problem(pulp.LpProblem):
    """A ``pulp.LpProblem`` that makes :class:`BoolVar` variables (citrus.Problem)."""

    def make_var(self, name: str, cat: str = pulp.LpBinary, lowBound=None, upBound=None):
        """A new variable; binary ones are :class:`BoolVar` (citrus ``make_var``)."""
        if cat == pulp.LpBinary or (cat == pulp.LpInteger and lowBound == 0 and upBound == 1):
            return BoolVar(name, self)
        return self.add_variable(name, lowBound, upBound, cat=cat)

    def dicts(self, name_or_indices: Any, indices: Iterable | None = None,
              cat: str = pulp.LpBinary) -> dict:
        """``{index: BoolVar}``; called as ``dicts(indices)`` (as in the article) or
        ``dicts("X", indices)``."""
        if indices is None:
            name, indices = "x", name_or_indices
        else:
            name = str(name_or_indices)
        if cat != pulp.LpBinary:
            raise NonBinaryOperandError("Problem.dicts makes binary variables only; use pulp.LpVariable.dicts for others")
        out = {}
        for idx in indices:
            key = idx if isinstance(idx, tuple) else (idx,)
            label = "_".join(str(k) for k in key)
            out[idx] = BoolVar(_clean(f"{name}_{label}"), self)
        return out

    def adopt(self, var: pulp.LpVariable) -> "BoolVar":
        return adopt(self, var)

    def require(self, x, name: str | None = None) -> None:
        require(x, model=self, name=name)

    def forbid(self, x, name: str | None = None) -> None:
        forbid(x, model=self, name=name)


def _clean(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_[]()." else "_" for ch in name)


def adopt(model: pulp.LpProblem, var: pulp.LpVariable) -> BoolVar:
    """A :class:`BoolVar` equal to the binary variable ``var`` (one equality row)."""
    _as_binary_expr(var)
    b = _fresh(model, "adopt")
    model.addConstraint(b - var == 0, _constraint_name(model, "adopt"))
    return b


# --------------------------------------------------------------------------------------
# operands
# --------------------------------------------------------------------------------------

def _describe(x: Any) -> str:
    try:
        s = str(x)
    except Exception:  # pragma: no cover
        s = repr(x)
    return s if len(s) <= 60 else s[:57] + "..."


def _is_binary_var(v: pulp.LpVariable) -> bool:
    return v.cat == pulp.LpInteger and v.lowBound is not None and v.upBound is not None \
        and v.lowBound >= 0 and v.upBound <= 1


def _as_binary_expr(x: Any) -> pulp.LpAffineExpression:
    """``x`` as a linear expression that can only be 0 or 1, else a clear error."""
    if isinstance(x, bool) or (isinstance(x, (int, float)) and x in (0, 1)):
        return pulp.LpAffineExpression(constant=int(x))
    if isinstance(x, pulp.LpVariable):
        if not _is_binary_var(x):
            raise NonBinaryOperandError(
                f"'{x.name}' is not a binary variable (category {x.cat}, bounds "
                f"{x.lowBound}..{x.upBound}); logical operators need 0/1 variables "
                "(cat=pulp.LpBinary)")
        return pulp.LpAffineExpression(x)
    if isinstance(x, pulp.LpAffineExpression) and not isinstance(x, pulp.LpConstraint):
        items = [(v, c) for v, c in x.items() if c != 0]
        const = x.constant
        if not items and const in (0, 1):
            return pulp.LpAffineExpression(constant=int(const))
        if len(items) == 1:
            v, c = items[0]
            if _is_binary_var(v) and ((c == 1 and const == 0) or (c == -1 and const == 1)):
                return pulp.LpAffineExpression(x)
        raise NonBinaryOperandError(
            f"'{_describe(x)}' is not a binary operand: it can take values other than 0 and 1. "
            "Use a binary variable, its complement 1 - x, or a result of another logical operator")
    if isinstance(x, pulp.LpConstraint):
        raise NonBinaryOperandError(
            f"'{_describe(x)}' is a constraint, not a binary operand; use the variable itself "
            "(a logical operator's result is already a 0/1 variable)")
    raise NonBinaryOperandError(
        f"{_describe(x)!s} ({type(x).__name__}) is not a binary operand; use a binary PuLP "
        "variable, True/False or 0/1")


def _flatten(operands: tuple) -> list:
    if len(operands) == 1 and not isinstance(operands[0], (pulp.LpVariable, pulp.LpAffineExpression, bool, int, float)) \
            and isinstance(operands[0], Iterable):
        return list(operands[0])
    return list(operands)


def _find_model(operands: list, model: pulp.LpProblem | None) -> pulp.LpProblem:
    found = [o.model for o in operands if isinstance(o, BoolVar)]
    if model is None:
        if not found:
            raise LogicModelError(
                "cannot tell which problem these operands belong to: make them with "
                "Problem.make_var / Problem.dicts, or pass model=<your LpProblem>")
        model = found[0]
    for m in found:
        if m is not model:
            raise LogicModelError(
                f"operands belong to different problems ('{m.name}' and '{model.name}'); "
                "combine variables of one problem only")
    return model


def _counter(model: pulp.LpProblem) -> itertools.count:
    c = getattr(model, "_logic_counter", None)
    if c is None:
        c = itertools.count()
        model._logic_counter = c
    return c


def _fresh(model: pulp.LpProblem, op: str) -> BoolVar:
    return BoolVar(f"_{op}_{next(_counter(model))}", model)


def _constraint_name(model: pulp.LpProblem, op: str) -> str:
    return f"_{op}_def_{next(_counter(model))}"


def _prepare(operands: tuple, model, op: str) -> tuple[pulp.LpProblem, list, BoolVar]:
    ops = _flatten(operands)
    exprs = [_as_binary_expr(o) for o in ops]
    m = _find_model(ops, model)
    return m, exprs, _fresh(m, op)


def _add(model: pulp.LpProblem, op: str, constraint) -> None:
    model.addConstraint(constraint, _constraint_name(model, op))


# --------------------------------------------------------------------------------------
# operators
# --------------------------------------------------------------------------------------

def negate(a, *, model: pulp.LpProblem | None = None) -> BoolVar:
    """``~a``: 1 exactly when ``a`` is 0."""
    m, (x,), z = _prepare((a,), model, "not")
    _add(m, "not", z + x == 1)
    return z


def logical_and(*operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """``a & b & …``: 1 exactly when every operand is 1 (empty: 1)."""
    m, xs, z = _prepare(operands, model, "and")
    for x in xs:
        _add(m, "and", z - x <= 0)
    _add(m, "and", z - pulp.lpSum(xs) >= 1 - len(xs))
    return z


def logical_or(*operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """``a | b | …``: 1 exactly when some operand is 1 (empty: 0)."""
    m, xs, z = _prepare(operands, model, "or")
    for x in xs:
        _add(m, "or", z - x >= 0)
    _add(m, "or", z - pulp.lpSum(xs) <= 0)
    return z


def logical_xor(a, b, *, model: pulp.LpProblem | None = None) -> BoolVar:
    """``a ^ b``: 1 exactly when one operand is 1 and the other 0."""
    m, (x, y), z = _prepare((a, b), model, "xor")
    _add(m, "xor", z - x + y >= 0)
    _add(m, "xor", z + x - y >= 0)
    _add(m, "xor", z - x - y <= 0)
    _add(m, "xor", z + x + y <= 2)
    return z


def implies(a, b, *, model: pulp.LpProblem | None = None) -> BoolVar:
    """``a ⇒ b``: 0 exactly when ``a`` is 1 and ``b`` is 0."""
    m, (x, y), z = _prepare((a, b), model, "implies")
    _add(m, "implies", z + x >= 1)
    _add(m, "implies", z - y >= 0)
    _add(m, "implies", z + x - y <= 1)
    return z


def iff(a, b, *, model: pulp.LpProblem | None = None) -> BoolVar:
    """``a ⇔ b``: 1 exactly when both operands are equal."""
    m, (x, y), z = _prepare((a, b), model, "iff")
    _add(m, "iff", z + x - y <= 1)
    _add(m, "iff", z - x + y <= 1)
    _add(m, "iff", z - x - y >= -1)
    _add(m, "iff", z + x + y >= 1)
    return z


def all_of(*operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """1 exactly when all operands are 1 (n-ary AND)."""
    return logical_and(*operands, model=model)


def any_of(*operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """1 exactly when at least one operand is 1 (n-ary OR)."""
    return logical_or(*operands, model=model)


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"the count k must be a whole number, got {k!r}")
    return k


def at_most(k: int, *operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """1 exactly when no more than ``k`` operands are 1."""
    k = _check_k(k)
    m, xs, z = _prepare(operands, model, "atmost")
    n, s = len(xs), pulp.lpSum(xs)
    if k >= n:
        _add(m, "atmost", z == 1)
    elif k < 0:
        _add(m, "atmost", z == 0)
    else:
        _add(m, "atmost", s + (n - k) * z <= n)          # z=1 → s ≤ k
        _add(m, "atmost", s + (k + 1) * z >= k + 1)      # z=0 → s ≥ k+1
    return z


def at_least(k: int, *operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """1 exactly when ``k`` or more operands are 1."""
    k = _check_k(k)
    m, xs, z = _prepare(operands, model, "atleast")
    n, s = len(xs), pulp.lpSum(xs)
    if k <= 0:
        _add(m, "atleast", z == 1)
    elif k > n:
        _add(m, "atleast", z == 0)
    else:
        _add(m, "atleast", s - k * z >= 0)               # z=1 → s ≥ k
        _add(m, "atleast", s - (n - k + 1) * z <= k - 1)  # z=0 → s ≤ k-1
    return z


def exactly(k: int, *operands, model: pulp.LpProblem | None = None) -> BoolVar:
    """1 exactly when exactly ``k`` operands are 1."""
    k = _check_k(k)
    ops = _flatten(operands)
    for o in ops:
        _as_binary_expr(o)
    m = _find_model(ops, model)
    if k < 0 or k > len(ops):
        z = _fresh(m, "exactly")
        _add(m, "exactly", z == 0)
        return z
    return logical_and(at_least(k, ops, model=m), at_most(k, ops, model=m), model=m)


def require(x, *, model: pulp.LpProblem | None = None, name: str | None = None) -> None:
    """Add ``x == 1`` to the problem."""
    e = _as_binary_expr(x)
    m = _find_model([x], model)
    m.addConstraint(e == 1, name or _constraint_name(m, "require"))


def forbid(x, *, model: pulp.LpProblem | None = None, name: str | None = None) -> None:
    """Add ``x == 0`` to the problem."""
    e = _as_binary_expr(x)
    m = _find_model([x], model)
    m.addConstraint(e == 0, name or _constraint_name(m, "forbid"))


def boolean(expr, *, model: pulp.LpProblem, name: str | None = None) -> BoolVar:
    """A :class:`BoolVar` equal to a linear expression that the model's other constraints keep
    in {0, 1} (e.g. the sum of the alternatives of an assignment that is made at most once).

    The caller vouches for the 0/1 range; this adds one equality row.  Constants 0 / 1 and
    single binary variables are accepted too (see :func:`adopt`).
    """
    if isinstance(expr, (bool, int, float)):
        if expr not in (0, 1):
            raise NonBinaryOperandError(f"{expr!r} is not 0 or 1")
        z = _fresh(model, "bool")
        model.addConstraint(z == int(expr), name or _constraint_name(model, "bool"))
        return z
    z = _fresh(model, "bool")
    model.addConstraint(z - expr == 0, name or _constraint_name(model, "bool"))
    return z
