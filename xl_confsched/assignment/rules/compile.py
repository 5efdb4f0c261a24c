"""Compile a rule's words into its meaning (:mod:`.atoms`), resolving every name against the sheets.

``compile_rule(text, problem)`` parses with the Lark grammar of :mod:`.grammar`, walks the
tree (trying each reading where the words allow two) and returns the formula.  A word it
cannot use raises :class:`CompileError` with the word and the nearest known name.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Callable

from lark import Token, Tree
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken

from ..problem import AssignmentProblem
from . import atoms as A
from .grammar import parser
from .vocabulary import KEYWORD_SET, Meaning, Vocabulary, suggest, tokens

KEYWORD_TYPES = {k.upper() for k in KEYWORD_SET} | {"LPAR", "RPAR", "COMMA"}
VALUE_TYPES = ("NAME", "QUOTED", "NUMBER", "WORD")

# what the parser expected, in words, for the message
_EXPECT_WORDS = {"IN": "in", "NOT": "not", "BEFORE": "before", "AFTER": "after", "TOGETHER": "together",
                 "PLACED": "placed", "STARTS": "starts", "THEN": "then", "AND": "and", "OR": "or", "PER": "per",
                 "FOR": "for each", "ITEMS": "items", "SLOTS": "slots", "NUMBER": "a number",
                 "NAME": "a name from the sheets", "AT": "at", "ON": "on", "NEVER": "never", "FITS": "fits",
                 "RPAR": "')'"}


class CompileError(ValueError):
    def __init__(self, message: str, word: str = ""):
        super().__init__(message)
        self.word = word


class _Ctx:
    def __init__(self, problem: AssignmentProblem, vocab: Vocabulary):
        self.p = problem
        self.v = vocab


def _tok_text(t: Token) -> str:
    return str(t)


def _text(tree: Any) -> str:
    if isinstance(tree, Token):
        return _tok_text(tree) if tree.type != "QUOTED" else f'"{tree}"'
    if isinstance(tree, Tree):
        if tree.data == "_ambig":
            return _text(tree.children[0])
        return " ".join(_text(c) for c in tree.children)
    return ""


def _kids(tree: Tree) -> list:
    """Children without keyword tokens."""
    return [c for c in tree.children if not (isinstance(c, Token) and c.type in KEYWORD_TYPES)
            and not (isinstance(c, Tree) and c.data in ("in_", "be"))]


def _kw(tree: Tree) -> list[str]:
    return [c.type for c in tree.children if isinstance(c, Token) and c.type in KEYWORD_TYPES]


# ----------------------------------------------------------------------------- names

def _ref(tree: Tree) -> Token:
    if isinstance(tree, Tree) and tree.data == "_ambig":
        tree = tree.children[0]
    tok = tree.children[0] if isinstance(tree, Tree) else tree
    return tok


def _meanings(c: _Ctx, tok: Token) -> list[Meaning]:
    return c.v.lookup(str(tok))


def _unknown(c: _Ctx, tok: Token, what: str, kinds: tuple[str, ...], sheet: str | None = None) -> CompileError:
    word = str(tok)
    hint = suggest(word, c.v.names(kinds, sheet))
    if not hint:
        hint = suggest(word, c.v.names())
    return CompileError(f"cannot read '{word}': it is not {what}.{hint}", word)


def _value_items(c: _Ctx, column: str | None, value: str) -> list[int]:
    out = []
    for i, it in enumerate(c.p.items):
        cols = [column] if column else list(it.values)
        if any(value in it.values.get(col, frozenset()) for col in cols):
            out.append(i)
    return out


def _column(c: _Ctx, tok: Token, sheet: str) -> str | None:
    for m in _meanings(c, tok):
        if m.kind == "column" and m.sheet == sheet:
            return m.column
    return None


def items_of_ref(c: _Ctx, tok: Token) -> list[int]:
    ms = _meanings(c, tok)
    items = [m.index for m in ms if m.kind == "item"]
    if items:
        return items
    vals = [m for m in ms if m.kind == "value" and m.sheet == "Items"]
    if vals:
        out = sorted({i for m in vals for i in _value_items(c, m.column, m.value)})
        return out
    raise _unknown(c, tok, "an item of the Items sheet (or a value of one of its columns)", ("item", "value"), "Items")


def items_colval(c: _Ctx, tree: Tree, negate: bool = False) -> list[int]:
    refs = [_ref(x) for x in _kids(tree)]
    if len(refs) == 2:
        col = _column(c, refs[0], "Items")
        if col is None:
            raise _unknown(c, refs[0], "a column of the Items sheet", ("column",), "Items")
        value = " ".join(str(refs[1]).lower().split())
        known = {v for it in c.p.items for v in it.values.get(col, frozenset())}
        if value not in known:
            hint = suggest(str(refs[1]), [c.v.display.get(v, v) for v in sorted(known)])
            raise CompileError(f"cannot read '{refs[1]}': no item has it in the column "
                               f"'{c.v.display.get(col, col)}'.{hint}", str(refs[1]))
        got = _value_items(c, col, value)
    else:
        tok = refs[0]
        vals = [m for m in _meanings(c, tok) if m.kind == "value" and m.sheet == "Items"]
        if not vals:
            raise _unknown(c, tok, "a value of a column of the Items sheet", ("value",), "Items")
        got = sorted({i for m in vals for i in _value_items(c, m.column, m.value)})
    if negate:
        s = set(got)
        return [i for i in range(c.p.I) if i not in s]
    return got


def items_of(c: _Ctx, tree: Tree) -> list[int]:
    if isinstance(tree, Tree) and tree.data == "_ambig":
        return _first(c, tree.children, items_of)
    d = tree.data
    if d == "all_items":
        return list(range(c.p.I))
    if d == "items_with":
        return items_colval(c, _kids(tree)[0])
    if d == "items_without":
        return items_colval(c, _kids(tree)[0], negate=True)
    if d == "items":
        return items_of(c, _kids(tree)[0])
    if d == "item_list":
        out: list[int] = []
        for r in _kids(tree):
            for i in items_of_ref(c, _ref(_kids(r)[0])):
                if i not in out:
                    out.append(i)
        return out
    raise CompileError(f"cannot read '{_text(tree)}' as items")


def _first(c: _Ctx, options: list, fn: Callable) -> Any:
    err = None
    for o in options:
        try:
            return fn(c, o)
        except CompileError as e:
            err = err or e
    assert err is not None
    raise err


# ----------------------------------------------------------------------------- targets

class Target:
    """A set of places and/or slots, or (``its``) one per item."""

    def __init__(self, places=None, slots=None, per_item: Callable[[int], tuple] | None = None, label: str = ""):
        self.places, self.slots, self.per_item, self.label = places, slots, per_item, label

    @property
    def dims(self) -> set[str]:
        if self.per_item is not None:
            return {"its"}
        return ({"places"} if self.places is not None else set()) | ({"slots"} if self.slots is not None else set())

    def at(self, i: int) -> tuple:
        if self.per_item is not None:
            return self.per_item(i)
        return self.places, self.slots


def _slots_of_value(c: _Ctx, column: str, value: str) -> frozenset:
    return frozenset(s for s, sl in enumerate(c.p.slots) if value in sl.values.get(column, frozenset())
                     or (column == "day" and sl.day.lower() == value))


def _places_of_value(c: _Ctx, column: str, value: str) -> frozenset:
    return frozenset(k for k, pl in enumerate(c.p.places) if value in pl.values.get(column, frozenset()))


def _target_of_name(c: _Ctx, tok: Token, want: str | None = None) -> Target:
    ms = _meanings(c, tok)
    if want in (None, "places"):
        pl = [m.index for m in ms if m.kind == "place"]
        if pl:
            return Target(places=frozenset(pl), label=str(tok))
    if want in (None, "slots"):
        sl = [m.index for m in ms if m.kind == "slot"]
        if sl:
            return Target(slots=frozenset(sl), label=str(tok))
    if want in (None, "places"):
        vals = [m for m in ms if m.kind == "value" and m.sheet == "Places"]
        if vals:
            return Target(places=frozenset().union(*(_places_of_value(c, m.column, m.value) for m in vals)),
                          label=str(tok))
    if want in (None, "slots"):
        vals = [m for m in ms if m.kind == "value" and m.sheet == "Slots"]
        if vals:
            return Target(slots=frozenset().union(*(_slots_of_value(c, m.column, m.value) for m in vals)),
                          label=str(tok))
    what = {"places": "a place", "slots": "a slot"}.get(want or "", "a place or a slot")
    raise _unknown(c, tok, f"{what} (or a value of a Places or Slots column)", ("place", "slot", "value"),
                   {"places": "Places", "slots": "Slots"}.get(want or ""))


def _target_colval(c: _Ctx, col_tok: Token, val_tok: Token, want: str | None = None) -> Target:
    value = " ".join(str(val_tok).lower().split())
    for sheet, fn, key in (("Slots", _slots_of_value, "slots"), ("Places", _places_of_value, "places")):
        if want not in (None, key):
            continue
        col = _column(c, col_tok, sheet)
        if col is None:
            continue
        got = fn(c, col, value)
        if not got:
            ents = c.p.slots if sheet == "Slots" else c.p.places
            known = sorted({v for e in ents for v in e.values.get(col, frozenset())}
                           | ({e.day.lower() for e in c.p.slots} if col == "day" and sheet == "Slots" else set()))
            # "day 2" for the value "Day 2"
            joined = f"{str(col_tok)} {str(val_tok)}".lower()
            if joined in known:
                got = fn(c, col, joined)
            else:
                raise CompileError(f"cannot read '{val_tok}': no {sheet[:-1].lower()} has it in the column "
                                   f"'{col_tok}'.{suggest(str(val_tok), [c.v.display.get(v, v) for v in known])}", str(val_tok))
        label = f"{col_tok} {val_tok}"
        return Target(slots=got, label=label) if key == "slots" else Target(places=got, label=label)
    raise _unknown(c, col_tok, "a column of the Places or Slots sheet", ("column",))


def target_of(c: _Ctx, tree: Tree) -> Target:
    if tree.data == "_ambig":
        return _first(c, tree.children, target_of)
    d = tree.data
    refs = [_ref(x) for x in _kids(tree) if isinstance(x, Tree) and x.data in ("ref", "_ambig")]
    if d == "t_slot":
        return _target_of_name(c, refs[0], "slots")
    if d == "t_place":
        return _target_of_name(c, refs[0], "places")
    if d in ("t_slots_with", "t_places_with"):
        cv = [_ref(x) for x in _kids(_kids(tree)[0])]
        want = "slots" if d == "t_slots_with" else "places"
        if len(cv) == 2:
            return _target_colval(c, cv[0], cv[1], want)
        return _target_of_name(c, cv[0], want)
    if d == "t_its":
        return _its(c, refs[0])
    if d == "t_ref":
        if len(refs) == 2:
            return _target_colval(c, refs[0], refs[1])
        return _target_of_name(c, refs[0])
    raise CompileError(f"cannot read '{_text(tree)}' as places or slots")


def _its(c: _Ctx, tok: Token) -> Target:
    col = _column(c, tok, "Items")
    if col is None:
        raise _unknown(c, tok, "a column of the Items sheet", ("column",), "Items")
    cache: dict[int, tuple] = {}
    for i, it in enumerate(c.p.items):
        P: set[int] | None = None
        S: set[int] | None = None
        for v in sorted(it.values.get(col, frozenset())):
            try:
                t = _target_of_name(c, Token("NAME", v))
            except CompileError as e:
                raise CompileError(f"item '{it.name}', column '{tok}' ({it.refs.get(col, it.ref)}): {e}",
                                   e.word) from None
            if t.places is not None:
                P = (P or set()) | set(t.places)
            if t.slots is not None:
                S = (S or set()) | set(t.slots)
        # an empty cell: nothing to ask of this item (in: anywhere; not in: nowhere forbidden)
        cache[i] = (frozenset(P) if P is not None else None, frozenset(S) if S is not None else None,
                    P is None and S is None)
    return Target(per_item=lambda i: cache[i], label=f"its {tok}")


def targets_of(c: _Ctx, tree: Tree) -> list[Target]:
    if tree.data == "_ambig":
        return _first(c, tree.children, targets_of)
    return [target_of(c, t) for t in _kids(tree)]


def _union(ts: list[Target]) -> Target | None:
    """One target for a list (``Aspen, Fir`` / ``09:00 or 09:30``) when all name the same dimension."""
    dims = {frozenset(t.dims) for t in ts}
    if len(dims) != 1 or "its" in next(iter(dims)):
        return None if len(ts) > 1 else ts[0]
    d = next(iter(dims))
    if d == {"places"}:
        return Target(places=frozenset().union(*(t.places for t in ts)), label=" or ".join(t.label for t in ts))
    if d == {"slots"}:
        return Target(slots=frozenset().union(*(t.slots for t in ts)), label=" or ".join(t.label for t in ts))
    return None


def _intersect(a: tuple, b: tuple) -> tuple:
    P = a[0] if b[0] is None else b[0] if a[0] is None else a[0] & b[0]
    S = a[1] if b[1] is None else b[1] if a[1] is None else a[1] & b[1]
    return P, S


def _chain(c: _Ctx, lists: list[list[Target]]) -> list[Target]:
    """``in Aspen on day 1``: the intersection of each list's union; alternatives if a list mixes dims."""
    alts: list[list[Target]] = []
    for ts in lists:
        u = _union(ts)
        alts.append([u] if u is not None else ts)
    out: list[Target] = []

    def combine(k: int, chosen: list[Target]) -> None:
        if k == len(alts):
            if len(chosen) == 1:
                out.append(chosen[0])
                return
            fixed = [t for t in chosen if t.per_item is None]
            pis = [t for t in chosen if t.per_item is not None]
            base: tuple = (None, None)
            for t in fixed:
                base = _intersect(base, (t.places, t.slots))
            label = " ".join(t.label for t in chosen)
            if not pis:
                out.append(Target(places=base[0], slots=base[1], label=label))
            else:
                def per(i, base=base, pis=pis):
                    r = base
                    for t in pis:
                        P, S, *_ = t.per_item(i)
                        r = _intersect(r, (P, S))
                    return r + (False,)
                out.append(Target(per_item=per, label=label))
            return
        for t in alts[k]:
            combine(k + 1, chosen + [t])

    combine(0, [])
    return out


def _runs(c: _Ctx, tree: Tree, negate: bool, starts: bool) -> A.Node:
    kids = _kids(tree)
    items = items_of(c, kids[0])
    lists = [targets_of(c, t) for t in kids[1:] if isinstance(t, Tree) and t.data in ("targets", "_ambig")]
    alts = _chain(c, lists)
    text = _text(tree)
    nodes: list[A.Node] = []
    for t in alts:
        def fn(i, t=t):
            r = t.at(i)
            return r[0], r[1]
        if t.per_item is not None:
            # an item whose cell is empty asks nothing: 'in' holds anywhere, 'not in' nowhere
            empty = [i for i in items if len(t.at(i)) > 2 and t.at(i)[2]]
            use = [i for i in items if i not in set(empty)]
        else:
            use = items
        nodes.append(A.Runs(items=use, targets=fn, negate=negate, starts=starts, text=text, what=_what(t)))
    if len(nodes) == 1:
        return nodes[0]
    # a list that mixes places and slots ("in Aspen or 09:00"): one alternative per name
    node: A.Node = A.Or(nodes, text=text)
    if negate:  # not in (A or B) = not in A and not in B
        node = A.And(nodes, text=text)
    return node


def _what(t: Target) -> str:
    return ("in " if t.places is not None or t.per_item is not None else "at ") + t.label


# ----------------------------------------------------------------------------- counting

def _count(c: _Ctx, tree: Tree) -> A.Count:
    kids = _kids(tree)
    q, counted, filters = kids[0], kids[1], kids[2:]
    nums = [int(float(str(t))) for t in q.children if isinstance(t, Token) and t.type == "NUMBER"]
    lo = hi = None
    if q.data == "at_most":
        hi = nums[0]
    elif q.data == "at_least":
        lo = nums[0]
    elif q.data == "exactly":
        lo = hi = nums[0]
    elif q.data == "between":
        lo, hi = min(nums), max(nums)
    elif q.data == "none_":
        hi = 0
    slots_counted = any(isinstance(t, Token) and t.type in ("SLOT", "SLOTS") for t in counted.children)
    items = list(range(c.p.I))
    per_item_groups: list[tuple[str, str]] = []  # (column, header as written)
    restrict: tuple = (None, None)
    windows: list[A.Window] = [A.Window("", None, None)]
    each_item = False
    for f in filters:
        if f.data == "_ambig":
            f = f.children[0]
        fk = _kids(f)
        if f.data == "f_with":
            sel = set(items_colval(c, fk[0]) if fk[0].data == "colval" else items_of(c, fk[0]))
            items = [i for i in items if i in sel]
        elif f.data == "f_without":
            sel = set(items_colval(c, fk[0]))
            items = [i for i in items if i not in sel]
        elif f.data == "f_targets":
            ts = targets_of(c, fk[0])
            u = _union(ts)
            if u is None or u.per_item is not None:
                raise CompileError(f"cannot count over '{_text(fk[0])}': name places or slots of one kind "
                                   "(e.g. 'in Aspen, Fir' or 'on day 1').", _text(fk[0]))
            restrict = _intersect(restrict, (u.places, u.slots))
        elif f.data == "f_window":
            parts = [x for x in fk if isinstance(x, Tree) and x.data == "window"][0]
            new: list[A.Window] = [A.Window("", None, None)]
            for wp in _kids(parts):
                wk = wp.children
                tok = wk[0] if isinstance(wk[0], Token) and wk[0].type in ("SLOT", "PLACE") else _ref(_kids(wp)[0])
                groups = _window_part(c, tok, per_item_groups)
                if groups is None:
                    continue
                new = [A.Window(" ".join(x for x in (w.label, g.label) if x), *_intersect((w.places, w.slots),
                                                                                          (g.places, g.slots)))
                       for w in new for g in groups]
            windows = [A.Window(" ".join(x for x in (a.label, w.label) if x), *_intersect((a.places, a.slots),
                                                                                          (w.places, w.slots)))
                       for a in windows for w in new]
        elif f.data == "f_foreach":
            tok = _ref(fk[0])
            col = _column(c, tok, "Items")
            if col is None:
                raise _unknown(c, tok, "a column of the Items sheet (for each …)", ("column",), "Items")
            per_item_groups.append((col, str(tok)))
        elif f.data == "f_each_item":
            each_item = True
    windows = [A.Window(w.label, *_intersect((w.places, w.slots), restrict)) for w in windows]
    windows = [w for w in windows if (w.slots is None or w.slots) and (w.places is None or w.places)]
    groups: list[tuple[str, list[int]]] = [("", items)]
    for col, shown in per_item_groups:
        new_groups = []
        for label, its in groups:
            values: dict[str, list[int]] = {}
            for i in its:
                for v in sorted(c.p.items[i].values.get(col, frozenset())):
                    values.setdefault(v, []).append(i)
            for v, vi in values.items():
                disp = c.v.display.get(v, v)
                new_groups.append((" ".join(x for x in (label, f"for {disp}") if x), vi))
        groups = new_groups
    if each_item:
        groups = [(" ".join(x for x in (label, f"for '{c.p.items[i].name}'") if x), [i])
                  for label, its in groups for i in its]
    return A.Count(lo=lo, hi=hi, slots_counted=slots_counted, groups=groups, windows=windows, text=_text(tree))


def _window_part(c: _Ctx, tok: Token, per_item_groups: list) -> list[A.Window] | None:
    p = c.p
    if tok.type == "SLOT":
        return [A.Window(f"at {p.label(s)}", None, frozenset({s})) for s in range(p.S)]
    if tok.type == "PLACE":
        return [A.Window(f"in {pl.name}", frozenset({k}), None) for k, pl in enumerate(p.places)]
    for sheet in ("Slots", "Places"):
        col = _column(c, tok, sheet)
        if col is None:
            continue
        ents = p.slots if sheet == "Slots" else p.places
        values: dict[str, set[int]] = {}
        for k, e in enumerate(ents):
            vals = e.values.get(col, frozenset())
            if sheet == "Slots" and col == "day":
                vals = frozenset({e.day.lower()})
            for v in vals:
                values.setdefault(v, set()).add(k)
        out = []
        for v, ks in values.items():
            disp = c.v.display.get(v, v)
            label = f"on {disp}" if sheet == "Slots" else f"in {disp}"
            out.append(A.Window(label, None, frozenset(ks)) if sheet == "Slots"
                       else A.Window(label, frozenset(ks), None))
        return out
    col = _column(c, tok, "Items")
    if col is not None:  # "per person": for each value of an Items column
        per_item_groups.append((col, str(tok)))
        return None
    raise _unknown(c, tok, "slot, place, or a column of the Slots, Places or Items sheet", ("column",))


# ----------------------------------------------------------------------------- the rest

def _pair_list(c: _Ctx, tree: Tree, together: bool) -> A.Pairs:
    items = items_of(c, tree)
    if len(items) < 2:
        raise CompileError(f"'{_text(tree)}' names only one item: name two or more, separated by commas.",
                           _text(tree))
    return A.Pairs(pairs=[(i, j, 1.0, together) for i, j in combinations(items, 2)])


def _pair_sel(c: _Ctx, tree: Tree) -> list[tuple[int, int, float]]:
    cmp = _kids(tree)
    kws = _kw(cmp[0]) if cmp and isinstance(cmp[0], Tree) else []
    num = float(str([t for t in tree.children if isinstance(t, Token) and t.type == "NUMBER"][0]))
    test = {("ABOVE",): lambda w: w > num, ("BELOW",): lambda w: w < num,
            ("AT", "MOST"): lambda w: w <= num, ("AT", "LEAST"): lambda w: w >= num}[tuple(kws)]
    if not c.p.pairs:
        raise CompileError("this rule needs pair weights, but the workbook has no 'Pair weights' sheet "
                           "(or it is empty).", "pairs")
    return [(i, j, w) for (i, j), w in sorted(c.p.pairs.items()) if test(w)]


def _person(c: _Ctx, tree: Tree) -> A.OnePlace:
    tok = _ref([x for x in _kids(tree) if isinstance(x, Tree)][0])
    col = _column(c, tok, "Items")
    if col is None:
        raise _unknown(c, tok, "a column of the Items sheet (e.g. Person)", ("column",), "Items")
    values: dict[str, list[int]] = {}
    for i, it in enumerate(c.p.items):
        for v in sorted(it.values.get(col, frozenset())):
            values.setdefault(v, []).append(i)
    groups = [(c.v.display.get(v, v), its) for v, its in values.items() if len(its) >= 2]
    return A.OnePlace(column=str(tok), groups=groups)


def _fits(c: _Ctx, tree: Tree) -> A.Fits:
    refs = [_ref(x) for x in _kids(tree) if isinstance(x, Tree)]
    icol, pcol = _column(c, refs[0], "Items"), _column(c, refs[1], "Places")
    if icol is None:
        raise _unknown(c, refs[0], "a column of the Items sheet (e.g. Audience)", ("column",), "Items")
    if pcol is None:
        raise _unknown(c, refs[1], "a column of the Places sheet (e.g. Capacity)", ("column",), "Places")
    excess = {}
    for k, pl in enumerate(c.p.places):
        cap = pl.number(pcol)
        if cap is None:
            raise CompileError(f"place '{pl.name}' has no number in the column '{refs[1]}' "
                               f"({pl.refs.get(pcol, pl.ref)}). Type one.", str(refs[1]))
        for i, it in enumerate(c.p.items):
            a = it.number(icol)
            if a is not None and a > cap:
                excess[(i, k)] = a - cap
    return A.Fits(item_column=str(refs[0]), place_column=str(refs[1]), excess=excess)


def node_of(c: _Ctx, tree: Tree) -> A.Node:
    if tree.data == "_ambig":
        return _first(c, tree.children, node_of)
    d = tree.data
    kids = _kids(tree)
    text = _text(tree)
    node: A.Node
    if d == "start":
        return node_of(c, kids[0])
    if d == "if_then":
        node = A.Implies(node_of(c, kids[0]), node_of(c, kids[1]))
    elif d == "or_":
        node = A.Or([node_of(c, k) for k in kids])
    elif d == "and_":
        node = A.And([node_of(c, k) for k in kids])
    elif d == "not_":
        node = A.Not(node_of(c, kids[0]))
    elif d in ("neg", "formula", "disj", "conj", "atom", "pair"):
        return node_of(c, kids[0])
    elif d == "runs_in":
        return _runs(c, tree, negate=False, starts=False)
    elif d == "runs_not":
        return _runs(c, tree, negate=True, starts=False)
    elif d == "starts":
        return _runs(c, tree, negate=False, starts=True)
    elif d in ("placed", "not_placed"):
        node = A.Placed(items=items_of(c, kids[0]), negate=d == "not_placed")
    elif d in ("apart", "together"):
        lst = [k for k in kids if isinstance(k, Tree) and k.data in ("item_list", "_ambig")][0]
        node = _pair_list(c, lst, together=d == "together")
    elif d in ("apart_weighted", "together_weighted"):
        sel = [k for k in kids if isinstance(k, Tree) and k.data == "pair_sel"][0]
        node = A.Pairs(pairs=[(i, j, abs(w), d == "together_weighted") for i, j, w in _pair_sel(c, sel)])
    elif d == "pair_weights":
        if not c.p.pairs:
            raise CompileError("this rule needs pair weights, but the workbook has no 'Pair weights' sheet "
                               "(or it is empty).", "pair weights")
        node = A.Pairs(pairs=[(i, j, abs(w), w < 0) for (i, j), w in sorted(c.p.pairs.items())])
    elif d in ("before", "after", "right_after", "right_before"):
        a, b = items_of(c, kids[0]), items_of(c, kids[1])
        if d in ("after", "right_after"):
            a, b = b, a
        pairs = [(x, y) for x in a for y in b if x != y]
        if not pairs:
            raise CompileError(f"'{text}' names the same item on both sides.", text)
        node = A.Order(pairs=pairs, immediate=d.startswith("right"))
    elif d == "count":
        node = _count(c, tree)
    elif d == "person":
        node = _person(c, tree)
    elif d == "fits":
        node = _fits(c, tree)
    else:
        raise CompileError(f"cannot read '{text}'", text)
    node.text = text
    return node


# ----------------------------------------------------------------------------- entry points

def _expected(exc: UnexpectedInput) -> str:
    exp = getattr(exc, "expected", None) or getattr(exc, "accepts", None) or set()
    words = sorted({_EXPECT_WORDS[e] for e in exp if e in _EXPECT_WORDS})
    return (" Expected " + ", ".join(f"'{w}'" if not w.startswith("a ") else w for w in words[:8]) + ".") \
        if words else ""


_SHAPES: dict[tuple[str, ...], Tree] = {}


def _parse(toks: list[Token]) -> Tree:
    """Parse by the token types only, once per shape of rule, then put the rule's own tokens back
    (rules of one shape — "A before B" — are common, and Earley parsing is the slow part)."""
    key = tuple(t.type for t in toks)
    shape = _SHAPES.get(key)
    if shape is None:
        placeholders = [Token(t.type, t.type.lower(), start_pos=k) for k, t in enumerate(toks)]
        shape = parser().parse(placeholders)
        if len(_SHAPES) < 2000:
            _SHAPES[key] = shape
    return _fill(shape, toks)


def _fill(tree: Any, toks: list[Token]) -> Any:
    if isinstance(tree, Token):
        return toks[tree.start_pos]
    return Tree(tree.data, [_fill(c, toks) for c in tree.children])


def compile_text(text: str, problem: AssignmentProblem, vocab: Vocabulary | None = None) -> A.Node:
    vocab = vocab or Vocabulary(problem)
    toks = tokens(text, vocab)
    if not toks:
        raise CompileError("the rule is empty.")
    try:
        tree = _parse(toks)
    except UnexpectedEOF as exc:
        raise CompileError("the rule stops too early: it is not a complete rule." + _expected(exc), "") from None
    except UnexpectedToken as exc:
        tok = exc.token
        if tok is not None and tok.type != "$END" and isinstance(tok.start_pos, int) and tok.start_pos < len(toks):
            tok = toks[tok.start_pos]
        word = str(tok) if tok is not None else ""
        if tok is not None and tok.type == "$END":
            raise CompileError("the rule stops too early: it is not a complete rule." + _expected(exc), "") from None
        hint = ""
        if tok is not None and tok.type == "WORD":
            hint = suggest(word, vocab.names() + list(KEYWORD_SET))
            msg = f"cannot read the word '{word}': it is not a keyword or a name from the sheets.{hint}"
        else:
            msg = f"cannot read the rule at the word '{word}'." + _expected(exc)
        raise CompileError(msg, word) from None
    except UnexpectedInput as exc:  # pragma: no cover - other Lark errors
        raise CompileError(f"cannot read the rule ({exc}).") from None
    c = _Ctx(problem, vocab)
    return node_of(c, tree)
