"""Boolean algebra over PuLP variables (a citrus-style logic layer), exact in both directions.

The talk-scheduling article this project grew from writes its rules with the
``citrus`` package (0.0.5): ``X[a] | X[b]``, ``citrus.implies(p, q) == 1``.  This
module offers the same meaning on PuLP 3, without the dependency, with citrus's
names and argument order, and adds the n-ary operators a planning model needs.

Usage::

    from xl_confsched import logic

    model = logic.Problem("talks", pulp.LpMaximize)     # a pulp.LpProblem (citrus.Problem)
    a, b, c = (model.make_var(n, cat=pulp.LpBinary) for n in "abc")   # BoolVar objects
    X = model.dicts("X", [(t, s) for t in T for s in S], cat=pulp.LpBinary)
    n = model.make_var("n", 0, 10, cat=pulp.LpInteger)  # citrus / PuLP order: name, low, up, cat

    model += logic.implies(a, b | c) == 1                # required
    model += (a & b) == 0                                # forbidden
    model += logic.at_most(1, a, b, c) == 1
    model += abs(n - 4) <= 2                             # |n - 4| ≤ 2, exact
    model.setObjective(3 * (a ^ c) + logic.any_of(a, b, c) + logic.prefer_between(n, 3, 5))

Every logical operator returns a **new binary variable** (:class:`BoolVar`) whose value
is tied to its operands by linear constraints that are exact in both directions: in
any feasible solution the result equals the truth value of the formula, so it can be
required (``== 1``), forbidden (``== 0``), used as a soft term of a minimised or a
maximised objective, or combined further.  :func:`minimum`, :func:`maximum`,
:func:`abs_value` (also the built-in ``abs()`` of this module's variables and
expressions) and :func:`prefer_between` are exact in the same sense: the result *equals*
the minimum, maximum, absolute value or ``-2 × distance to [a, b]``, whatever the
objective does with it.  That needs finite bounds on the operands (from the variables'
bounds), and costs one binary variable per operand (min/max) or per absolute value;
an operand without bounds is refused with a message that names it.

citrus itself makes these four one-sided: its ``minimum`` is a variable *below* every
operand, its ``abs_value`` an integer *above* ``|x|`` — right only when the objective
pushes the result the right way (maximise a minimum, minimise an absolute value), and
rounded up for fractional ``x``.  ``exact=False`` gives that cheaper one-sided form
here too (continuous, so not rounded), for models that push the right way.  The test
``tests/talks/test_logic_citrus.py`` runs citrus 0.0.5 itself next to this module: the
same truth tables, the same results for the article's model and for every construct
used the way citrus intends.

Constraints are added to the problem the operands belong to:

* variables made by :meth:`Problem.make_var` / :meth:`Problem.dicts` (or adopted with
  :meth:`Problem.adopt`), and expressions built from them (``n - 4``), know their
  problem, so ``a & b`` or ``abs(n - m)`` needs nothing else;
* plain ``pulp.LpVariable`` operands work with the functions when another operand
  knows the problem, or when it is passed explicitly: ``logic.all_of(x, y, model=prob)``
  (``prob`` may then be any ``pulp.LpProblem``).

Operands of the logical operators may be binary variables, the complement ``1 - x`` of
one, ``True``/``False`` or ``0``/``1``.  Anything that can take another value (a
continuous or general integer variable, ``x + y``, ``2 * x``) raises
:class:`NonBinaryOperandError` naming it.

Functions (citrus names in brackets): :func:`negate` ``~a`` [negate],
:func:`logical_and` ``a & b`` [logical_and], :func:`logical_or` ``a | b``
[logical_or], :func:`logical_xor` ``a ^ b`` [logical_xor], :func:`implies`
[implies], :func:`iff`, the n-ary :func:`all_of`, :func:`any_of`, :func:`at_most`,
:func:`at_least`, :func:`exactly` (each takes operands or one iterable of operands),
and :func:`minimum` [minimum], :func:`maximum` [maximum], :func:`abs_value` ``abs(x)``
[abs_value], :func:`prefer_between` [prefer_between].

Differences from citrus, on purpose: ``make_var(name)`` and ``dicts(...)`` without a
category or bounds make binaries (the variables a logic layer is for; citrus, like
PuLP, makes continuous ones — pass ``cat=`` to be explicit); ``dicts`` also accepts the
article's one-argument call ``model.dicts(indices, cat=...)`` (citrus 0.0.5 refuses it);
a one-operand ``logical_and``/``logical_or`` returns a new variable equal to its operand.

This module never imports xlwings.
"""

from __future__ import annotations

import builtins
import itertools
import math
from typing import Any, Iterable

import pulp

__all__ = [
    "BoolVar", "Var", "Expr", "Problem", "NonBinaryOperandError", "LogicModelError", "UnboundedOperandError",
    "negate", "logical_and", "logical_or", "logical_xor", "implies", "iff",
    "all_of", "any_of", "at_most", "at_least", "exactly", "require", "forbid", "boolean",
    "minimum", "maximum", "abs_value", "prefer_between",
]

CATEGORIES = (pulp.LpContinuous, pulp.LpInteger, pulp.LpBinary)


class NonBinaryOperandError(TypeError):
    """An operand of a logical operator is not a 0/1 quantity."""


class LogicModelError(ValueError):
    """The operator cannot tell which problem its constraints belong to."""


class UnboundedOperandError(ValueError):
    """An exact minimum / maximum / absolute value needs finite bounds on its operand."""


def _init_lp_variable(obj, name: str, low, up, cat: str, e=None) -> None:
    try:
        pulp.LpVariable.__init__(obj, name, low, up, cat, e, _skip_v4_deprecation=True)
    except TypeError:  # PuLP < 3.3 has no deprecation switch
        pulp.LpVariable.__init__(obj, name, low, up, cat, e)


class Expr(pulp.LpAffineExpression):
    """A linear expression that knows its problem (so ``abs(x - y)`` can add its rows)."""

    def __init__(self, e=None, constant: float = 0.0, name: str | None = None, *, model=None):
        super().__init__(e, constant, name)
        self.model = model if model is not None else getattr(e, "model", None)

    def copy(self):
        return Expr(self, model=self.model)

    def emptyCopy(self):
        return Expr(model=self.model)

    def __abs__(self):
        return abs_value(self, model=self.model)


class Var(pulp.LpVariable):
    """A ``pulp.LpVariable`` that knows its problem; arithmetic on it gives an :class:`Expr`."""

    def __init__(self, name: str, model: pulp.LpProblem, lowBound=None, upBound=None,
                 cat: str = pulp.LpContinuous, e=None):
        _init_lp_variable(self, name, lowBound, upBound, cat, e)
        self.model = model

    def _expr(self) -> Expr:
        return Expr(self, model=self.model)

    def __neg__(self):
        return -self._expr()

    def __add__(self, other):
        return self._expr() + other

    def __radd__(self, other):
        return self._expr() + other

    def __sub__(self, other):
        return self._expr() - other

    def __rsub__(self, other):
        return other - self._expr()

    def __mul__(self, other):
        return self._expr() * other

    def __rmul__(self, other):
        return self._expr() * other

    def __truediv__(self, other):
        return self._expr() / other

    def __abs__(self):
        return abs_value(self, model=self.model)

    __hash__ = pulp.LpVariable.__hash__


class BoolVar(Var):
    """A binary variable that knows its problem and supports ``& | ^ ~``."""

    def __init__(self, name: str, model: pulp.LpProblem):
        super().__init__(name, model, 0, 1, pulp.LpBinary)

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


def _category(name: str, lowBound, upBound, cat) -> str:
    if isinstance(lowBound, str) or isinstance(upBound, str):
        raise TypeError(f"make_var('{name}', ...): the arguments are (name, lowBound, upBound, cat) as in "
                        f"citrus and PuLP; give the category as cat=, e.g. cat=pulp.LpBinary")
    if cat is None:
        return pulp.LpBinary if lowBound is None and upBound is None else pulp.LpContinuous
    if cat not in CATEGORIES:
        raise ValueError(f"unknown variable category {cat!r} for '{name}'; use pulp.LpBinary, "
                         "pulp.LpInteger or pulp.LpContinuous")
    return cat


def _is_bool(cat: str, lowBound, upBound) -> bool:
    if cat == pulp.LpBinary:
        return True
    return cat == pulp.LpInteger and lowBound is not None and upBound is not None \
        and lowBound >= 0 and upBound <= 1


class Problem(pulp.LpProblem):
    """A ``pulp.LpProblem`` that makes variables knowing their problem (citrus.Problem)."""

    def make_var(self, name: str, lowBound=None, upBound=None, cat: str | None = None, e=None):
        """A new variable, arguments in citrus / PuLP order; binaries are :class:`BoolVar`.

        Without ``cat`` it is binary when no bounds are given, else continuous."""
        cat = _category(name, lowBound, upBound, cat)
        if _is_bool(cat, lowBound, upBound):
            if lowBound is not None and upBound is not None and lowBound == upBound:
                v = BoolVar(name, self)
                v.lowBound = v.upBound = lowBound
                return v
            return BoolVar(name, self)
        return Var(name, self, lowBound, upBound, cat, e)

    def dicts(self, name, indices=None, lowBound=None, upBound=None, cat: str | None = None,
              indexStart: list | None = None) -> dict:
        """``{index: variable}`` as ``pulp.LpVariable.dicts`` / citrus ``Problem.dicts``.

        ``dicts(name, indices, lowBound, upBound, cat)``; a tuple of index lists gives nested
        dicts (``X[a][b]``) as in PuLP; ``dicts(indices, cat=...)`` (the article's call) names
        the variables ``x_…``.  Without ``cat`` and bounds the variables are binary."""
        if indices is None:
            name, indices = "x", name
        cat = _category(str(name), lowBound, upBound, cat)
        prefix = list(indexStart or [])
        if isinstance(indices, tuple) and indices and all(
                isinstance(ix, Iterable) and not isinstance(ix, (str, bytes)) for ix in indices):
            first, rest = indices[0], indices[1:]
            if not rest:
                return self._flat_dicts(str(name), first, lowBound, upBound, cat, prefix)
            return {i: self.dicts(name, rest, lowBound, upBound, cat, prefix + [i]) for i in first}
        return self._flat_dicts(str(name), indices, lowBound, upBound, cat, prefix)

    def _flat_dicts(self, name: str, indices, lowBound, upBound, cat: str, prefix: list) -> dict:
        used = getattr(self, "_logic_names", None)
        if used is None:
            used = self._logic_names = set()
        out = {}
        for idx in indices:
            key = tuple(prefix) + (idx if isinstance(idx, tuple) else (idx,))
            label = _clean(f"{name}_" + "_".join(str(k) for k in key))
            base, k = label, 1
            while label in used:  # ("a_b", "c") and ("a", "b_c") must not share a name
                k += 1
                label = f"{base}__{k}"
            used.add(label)
            out[idx] = self.make_var(label, lowBound, upBound, cat)
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
    found = [o.model for o in operands if isinstance(o, (Var, Expr)) and getattr(o, "model", None) is not None]
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


# --------------------------------------------------------------------------------------
# minimum, maximum, absolute value, prefer_between (exact; exact=False: citrus's one-sided form)
# --------------------------------------------------------------------------------------

def _as_expr(x: Any) -> pulp.LpAffineExpression:
    if isinstance(x, bool):
        return pulp.LpAffineExpression(constant=int(x))
    if isinstance(x, (int, float)):
        if not math.isfinite(x):
            raise ValueError(f"{x!r} is not a finite number")
        return pulp.LpAffineExpression(constant=x)
    if isinstance(x, pulp.LpConstraint):
        raise TypeError(f"'{_describe(x)}' is a constraint, not a number or a linear expression")
    if isinstance(x, (pulp.LpVariable, pulp.LpAffineExpression)):
        return pulp.LpAffineExpression(x)
    raise TypeError(f"{_describe(x)!s} ({type(x).__name__}) is not a number, a PuLP variable or a linear expression")


def _bounds(e: pulp.LpAffineExpression) -> tuple[float | None, float | None]:
    """Smallest and largest value ``e`` can take from its variables' bounds (None: unbounded)."""
    lo = hi = e.constant
    for v, c in e.items():
        if c == 0:
            continue
        vl, vu = (v.lowBound, v.upBound) if c > 0 else (v.upBound, v.lowBound)
        lo = None if lo is None or vl is None else lo + c * vl
        hi = None if hi is None or vu is None else hi + c * vu
    return lo, hi


def _need_bounds(e: pulp.LpAffineExpression, x: Any, op: str) -> tuple[float, float]:
    lo, hi = _bounds(e)
    if lo is None or hi is None:
        missing = [v.name for v, c in e.items() if c != 0
                   and ((v.lowBound is None) if (c > 0) == (lo is None) else (v.upBound is None))]
        side = "lower" if lo is None else "upper"
        raise UnboundedOperandError(
            f"{op}: '{_describe(x)}' has no {side} bound (variable{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing) or '?'}); give the variables bounds (lowBound/upBound) so "
            f"the result is exact, or pass exact=False for citrus's one-sided form (right only when the "
            f"objective pushes the result the right way)")
    return lo, hi


def _model_of(operands: list, model) -> pulp.LpProblem:
    return _find_model(operands, model)


def _real_var(m: pulp.LpProblem, base: str, low=None, up=None, cat=pulp.LpContinuous) -> Var:
    return Var(f"_{base}_{next(_counter(m))}", m, low, up, cat)


def _extreme(op: str, xs: tuple, name, model, exact: bool, sign: int):
    """minimum (sign = +1) or maximum (sign = -1) of the operands as a new variable."""
    ops = _flatten(xs)
    if not ops:
        raise ValueError(f"{op}() needs at least one operand")
    if len(ops) == 1:
        return ops[0]
    exprs = [_as_expr(o) for o in ops]
    m = _model_of(ops, model)
    label = name or ("min" if sign > 0 else "max")
    if not exact:
        z = _real_var(m, label)
        for e in exprs:
            _add(m, label, (z - e <= 0) if sign > 0 else (z - e >= 0))
        return z
    # work on y = sign·x: the minimum of the y's (for a maximum, the minimum of −x, negated back)
    ys = [sign * e for e in exprs]
    bounds = [_need_bounds(y, o, op) for y, o in zip(ys, ops)]
    lo_min = min(lo for lo, _ in bounds)
    hi_min = min(hi for _, hi in bounds)
    # an operand that is always above another one's upper bound is never the minimum
    cand = [k for k, (lo, _) in enumerate(bounds) if lo <= hi_min]
    low, up = (lo_min, hi_min) if sign > 0 else (-hi_min, -lo_min)
    z = _real_var(m, label, low, up)
    zy = sign * z  # the minimum of the y's
    for y in ys:
        _add(m, label, zy - y <= 0)
    if len(cand) == 1:
        _add(m, label, zy - ys[cand[0]] == 0)
        return z
    picks = []
    for k in cand:
        b = _fresh(m, f"{label}_is")
        picks.append(b)
        big = bounds[k][1] - lo_min
        _add(m, label, zy - ys[k] - big * b >= -big)  # b = 1 → the minimum is y_k
    _add(m, label, pulp.lpSum(picks) == 1)
    return z


def minimum(*xs, name: str | None = None, model: pulp.LpProblem | None = None, exact: bool = True):
    """A variable equal to the smallest operand (citrus ``minimum``; one iterable also works).

    Operands: numbers, variables, linear expressions with finite bounds.  ``exact=False``:
    citrus's form, a variable only *below* every operand (no binaries; right when maximised)."""
    return _extreme("minimum", xs, name, model, exact, +1)


def maximum(*xs, name: str | None = None, model: pulp.LpProblem | None = None, exact: bool = True):
    """A variable equal to the largest operand (citrus ``maximum``).

    ``exact=False``: citrus's form, a variable only *above* every operand (right when minimised)."""
    return _extreme("maximum", xs, name, model, exact, -1)


def abs_value(x, *, model: pulp.LpProblem | None = None, exact: bool = True, name: str | None = None):
    """A variable equal to ``|x|`` (citrus ``abs_value``; also ``abs(v)`` of this module's variables).

    ``exact=False``: a continuous variable only *above* ``|x|`` (right when minimised; citrus
    declares it integer, which rounds a fractional ``|x|`` up)."""
    e = _as_expr(x)
    m = _model_of([x], model)
    label = name or "abs"
    if not exact:
        z = _real_var(m, label, 0)
        _add(m, label, z - e >= 0)
        _add(m, label, z + e >= 0)
        return z
    lo, hi = _need_bounds(e, x, "abs_value")
    z = _real_var(m, label, max(0.0, lo, -hi), max(builtins.abs(lo), builtins.abs(hi)))
    if lo >= 0:
        _add(m, label, z - e == 0)
    elif hi <= 0:
        _add(m, label, z + e == 0)
    else:
        b = _fresh(m, f"{label}_pos")  # b = 1 → x ≥ 0 and z = x; b = 0 → x ≤ 0 and z = -x
        _add(m, label, z - e >= 0)
        _add(m, label, z + e >= 0)
        _add(m, label, z - e - 2 * lo * b <= -2 * lo)   # b = 1: z ≤ x; b = 0: z ≤ x − 2·lo (slack)
        _add(m, label, z + e - 2 * hi * b <= 0)         # b = 1: z ≤ −x + 2·hi (slack); b = 0: z ≤ −x
    return z


abs = abs_value  # noqa: A001 - logic.abs(x), as the issue and citrus users write it (not exported by *)


def prefer_between(x, a: float, b: float, *, model: pulp.LpProblem | None = None, exact: bool = True):
    """citrus ``prefer_between``: ``(b − a) − |x − a| − |x − b|``, an expression that is 0 when
    ``x`` lies in ``[a, b]`` and ``−2 × its distance`` from the interval otherwise — a soft
    term to maximise.  Exact by default (``exact=False``: citrus's form, at most that value)."""
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        raise TypeError(f"prefer_between needs numbers a ≤ b, got {a!r} and {b!r}")
    if a > b:
        raise ValueError(f"prefer_between: the interval [{a}, {b}] is empty (a must not exceed b)")
    e = _as_expr(x)
    m = _model_of([x], model)
    out = Expr((b - a) - abs_value(e - a, model=m, exact=exact) - abs_value(e - b, model=m, exact=exact), model=m)
    return out


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
