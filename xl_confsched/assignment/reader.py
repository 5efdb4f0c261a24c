"""Read an assignment workbook into a validated :class:`AssignmentProblem`.

Sheets (headers in row 1, one entry a row from row 2; headers are matched without
regard to case; every other column is an *attribute* a rule can name):

* ``Items``: Name, optional Length (slots, default 1), attributes (Person, Group, Skill…);
* ``Places``: Name, optional Capacity, attributes;
* ``Slots``: Name and/or Time, optional Day (blank = the day above), optional Break
  after (yes = no item runs across), attributes (Part of day…);
* ``Pair weights`` (optional): a list (Item | Item | Weight) or a matrix (item names
  across row 1 and down column A): a positive weight is the cost of the two items
  sharing a slot, a negative one the cost of them *not* sharing one;
* ``Rules``: Rule | Hard or soft | Weight | Note — see :mod:`.rules`;
* ``Settings`` (optional, Setting | Value): *Each item placed* (exactly once / at most
  once), *Items per place and slot* (a number, or the header of a Places column).

A cell holding several values (``Espresso, Latte art``) stands for each of them.
Every problem is collected and reported with its cell and what to do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import cells as C
from ..errors import IssueLog
from ..tables import Table, WorkbookData, is_blank
from .problem import AT_MOST_ONCE, EXACTLY_ONCE, AssignmentProblem, Column, Item, Place, RuleRow, Slot

ITEMS, PLACES, SLOTS, PAIRS, RULES, SETTINGS = "Items", "Places", "Slots", "Pair weights", "Rules", "Settings"
SHEETS = (ITEMS, PLACES, SLOTS, PAIRS, RULES, SETTINGS)

DEFAULT_HARD_WEIGHT = 1000.0

# reserved headers per sheet (not attributes)
_ITEM_NAME, _ITEM_LEN = ("name", "item"), ("length", "length (slots)", "slots")
_PLACE_NAME, _PLACE_CAP = ("name", "place"), ("capacity",)
_SLOT_NAME, _SLOT_TIME, _SLOT_DAY, _SLOT_BREAK = ("name", "slot"), ("time", "start"), ("day",), ("break after", "break")


# ----------------------------------------------------------------------------- cells

def text(value: Any) -> str:
    return C.text(value)


def time_text(value: Any) -> str:
    """A slot or time cell as HH:MM when it holds a time (Excel time, fraction of a day), else its text."""
    if isinstance(value, (dt.datetime, dt.time)) or (isinstance(value, float) and 0 < value < 1):
        try:
            m = C.time_of_day(value)
            return f"{m // 60:02d}:{m % 60:02d}"
        except C.CellError:
            pass
    return C.text(value)


def number(value: Any) -> float | None:
    try:
        return C.number(value, blank_value=None)
    except C.CellError:
        return None


def flag(value: Any) -> bool | None:
    try:
        return C.flag(value, yes=("break",))
    except C.CellError:
        return None


def values_of(value: Any) -> frozenset[str]:
    try:
        return frozenset(v.lower() for v in C.name_list(value, separators=",;"))
    except C.CellError:
        return frozenset({C.text(value).lower()}) if C.text(value) else frozenset()


# ----------------------------------------------------------------------------- reader

class _Reader:
    def __init__(self, data: WorkbookData):
        self.data = data
        self.log = IssueLog()
        self.columns: dict[str, list[Column]] = {}

    def sheet(self, name: str, required: bool = True) -> Table | None:
        t = self.data.get(name)
        if t is None or t.n_rows == 0:
            if required:
                self.log.error(name, f"the sheet '{name}' is missing or empty. Add a sheet named exactly '{name}' "
                                     "with its headers in row 1 (see: xl-confsched new --kind assignment).")
            return None
        return t

    def find(self, t: Table, names: tuple[str, ...]) -> int | None:
        for j, v in enumerate(t.header()):
            if isinstance(v, str) and v.strip().lower() in names:
                return j
        return None

    def entities(self, t: Table, jn: int, what: str, reserved: set[int]) -> list[tuple[int, str, dict, dict, dict]]:
        """(row, name, values, raw, refs) of every named row; attribute columns recorded once."""
        attrs = []
        for j, h in enumerate(t.header()):
            if j in reserved or is_blank(h):
                continue
            header = text(h)
            attrs.append((j, header))
        self.columns[t.sheet] = [Column(t.sheet, h, t.ref(0, j)) for j, h in attrs]
        out, seen = [], {}
        for i, row in t.data_rows():
            name = time_text(t.value(i, jn)) if t.sheet == SLOTS else text(t.value(i, jn))
            if not name:
                if any(not is_blank(v) for v in row):
                    self.log.error(t.ref(i, jn), f"this {what} row has no name. Type the {what}'s name or delete "
                                                 "the row.")
                continue
            key = name.lower()
            if key in seen:
                self.log.error(t.ref(i, jn), f"the {what} '{name}' is listed twice (already at {seen[key]}). "
                                             f"Give each {what} its own name or delete this row.")
                continue
            seen[key] = t.ref(i, jn)
            values = {h.lower(): values_of(t.value(i, j)) for j, h in attrs}
            raw = {h.lower(): t.value(i, j) for j, h in attrs}
            refs = {h.lower(): t.ref(i, j) for j, h in attrs}
            out.append((i, name, values, raw, refs))
        if not out:
            self.log.error(t.ref(1, jn), f"no {what}s. List the {what}s from row 2 down.")
        return out

    # ------------------------------------------------------------------ sheets
    def items(self) -> list[Item]:
        t = self.sheet(ITEMS)
        if t is None:
            return []
        jn = self.find(t, _ITEM_NAME)
        if jn is None:
            self.log.error(t.ref(0, 0), "the Items sheet needs a 'Name' column (the item names). "
                                        "Put the header 'Name' in row 1.")
            return []
        jl = self.find(t, _ITEM_LEN)
        out = []
        for i, name, values, raw, refs in self.entities(t, jn, "item", {jn} | ({jl} if jl is not None else set())):
            length = 1
            if jl is not None and not is_blank(t.value(i, jl)):
                x = number(t.value(i, jl))
                if x is None or x < 1 or not float(x).is_integer():
                    self.log.error(t.ref(i, jl), f"item '{name}': the length '{text(t.value(i, jl))}' is not a "
                                                 "whole number of slots. Type 1, 2, … (or leave it empty for 1).")
                else:
                    length = int(x)
            out.append(Item(name=name, ref=t.ref(i, jn), values=values, raw=raw, refs=refs, length=length))
        return out

    def places(self) -> list[Place]:
        t = self.sheet(PLACES)
        if t is None:
            return []
        jn = self.find(t, _PLACE_NAME)
        if jn is None:
            self.log.error(t.ref(0, 0), "the Places sheet needs a 'Name' column. Put the header 'Name' in row 1.")
            return []
        # Capacity stays an attribute (rules compare with it; the setting may use it)
        return [Place(name=name, ref=t.ref(i, jn), values=values, raw=raw, refs=refs)
                for i, name, values, raw, refs in self.entities(t, jn, "place", {jn})]

    def slots(self) -> list[Slot]:
        t = self.sheet(SLOTS)
        if t is None:
            return []
        jn, jt = self.find(t, _SLOT_NAME), self.find(t, _SLOT_TIME)
        jd, jb = self.find(t, _SLOT_DAY), self.find(t, _SLOT_BREAK)
        if jn is None and jt is None:
            self.log.error(t.ref(0, 0), "the Slots sheet needs a 'Name' or a 'Time' column. Put the header "
                                        "'Name' (or 'Time') in row 1.")
            return []
        reserved = {j for j in (jn, jt, jb) if j is not None}
        rows = {}
        for i, _row in t.data_rows():
            rows[i] = _row
        # the day: blank = the day above
        day_of: dict[int, str] = {}
        day = ""
        for i in rows:
            if jd is not None and not is_blank(t.value(i, jd)):
                day = text(t.value(i, jd))
            day_of[i] = day
        multi = len(set(day_of.values())) > 1
        out: list[Slot] = []
        seen: dict[str, str] = {}
        attrs = [(j, text(h)) for j, h in enumerate(t.header()) if j not in reserved and not is_blank(h)]
        self.columns[SLOTS] = [Column(SLOTS, h, t.ref(0, j)) for j, h in attrs]
        for i, row in rows.items():
            name = text(t.value(i, jn)) if jn is not None else ""
            tm = time_text(t.value(i, jt)) if jt is not None else ""
            if not name:
                name = f"{day_of[i]} {tm}".strip() if multi else tm
            where = t.ref(i, jn if jn is not None else jt)
            if not name or (jn is None and not tm):
                if any(not is_blank(v) for v in row):
                    self.log.error(where, "this slot has no name or time. Type one, or delete the row.")
                continue
            if name.lower() in seen:
                self.log.error(where, f"the slot '{name}' is listed twice (already at {seen[name.lower()]}). "
                                      "Give each slot its own name (with its day when the programme has several).")
                continue
            seen[name.lower()] = where
            brk = False
            if jb is not None:
                f = flag(t.value(i, jb))
                if f is None:
                    self.log.error(t.ref(i, jb), f"'{text(t.value(i, jb))}' is not yes or no. Type yes when a break "
                                                 "follows this slot (no item runs across it), else leave it empty.")
                else:
                    brk = f
            values = {h.lower(): values_of(t.value(i, j)) for j, h in attrs}
            raw = {h.lower(): t.value(i, j) for j, h in attrs}
            refs = {h.lower(): t.ref(i, j) for j, h in attrs}
            if jd is not None:  # the day as read (blank = the day above)
                values[text(t.header()[jd]).lower()] = frozenset({day_of[i].lower()}) if day_of[i] else frozenset()
                raw[text(t.header()[jd]).lower()] = day_of[i]
            if jt is not None and jn is not None:
                h = text(t.header()[jt]).lower()
                values[h], raw[h], refs[h] = frozenset({tm.lower()}) if tm else frozenset(), tm, t.ref(i, jt)
                self.columns[SLOTS].append(Column(SLOTS, text(t.header()[jt]), t.ref(0, jt)))
            out.append(Slot(name=name, ref=where, values=values, raw=raw, refs=refs, day=day_of[i], break_after=brk))
        if jt is not None and jn is not None:
            self.columns[SLOTS] = list(dict.fromkeys(self.columns[SLOTS]))
        if not out:
            self.log.error(t.ref(1, jn if jn is not None else jt), "no slots. List the slots from row 2 down.")
        return out

    def pairs(self, items: list[Item]) -> dict[tuple[int, int], float]:
        t = self.data.get(PAIRS)
        if t is None or t.n_rows <= 1:
            return {}
        index = {it.name.lower(): i for i, it in enumerate(items)}
        head = [text(v) for v in t.header()]
        out: dict[tuple[int, int], float] = {}

        def add(i: int, j: int, w: float, where: str) -> None:
            if i == j:
                self.log.error(where, f"an item paired with itself ('{items[i].name}'). Pair two different items.")
                return
            key = (min(i, j), max(i, j))
            if key in out and out[key] != w:
                self.log.warn(where, f"the pair {items[i].name} / {items[j].name} is given twice; the weights are "
                                     "added.")
            out[key] = out.get(key, 0.0) + w

        def lookup(v: Any, where: str) -> int | None:
            name = text(v)
            k = index.get(name.lower())
            if k is None:
                from .rules.vocabulary import suggest
                hint = suggest(name, [it.name for it in items])
                self.log.error(where, f"'{name}' is not an item of the Items sheet.{hint}")
            return k

        matrix = len(head) >= 3 and sum(1 for h in head[1:] if h.lower() in index) >= max(1, (len(head) - 1) // 2)
        if matrix:
            cols = {j: lookup(t.value(0, j), t.ref(0, j)) for j in range(1, len(head)) if head[j]}
            for r, row in t.data_rows():
                if is_blank(t.value(r, 0)):
                    continue
                i = lookup(t.value(r, 0), t.ref(r, 0))
                for j, k in cols.items():
                    v = t.value(r, j)
                    if is_blank(v) or i is None or k is None or i == k:
                        continue
                    w = number(v)
                    if w is None:
                        self.log.error(t.ref(r, j), f"'{text(v)}' is not a number. Type the pair weight or leave "
                                                    "the cell empty.")
                        continue
                    if k > i or (k, i) not in out:  # a symmetric matrix gives each pair once
                        if (min(i, k), max(i, k)) in out and k < i:
                            continue
                        add(i, k, w, t.ref(r, j))
            return {k: w for k, w in out.items() if w != 0}
        if len(head) < 3:
            self.log.error(t.ref(0, 0), "the Pair weights sheet needs three columns: Item | Item | Weight "
                                        "(or a matrix with item names across row 1 and down column A).")
            return {}
        for r, row in t.data_rows():
            if all(is_blank(v) for v in row[:3]):
                continue
            a, b = lookup(t.value(r, 0), t.ref(r, 0)), lookup(t.value(r, 1), t.ref(r, 1))
            w = number(t.value(r, 2))
            if w is None:
                self.log.error(t.ref(r, 2), f"'{text(t.value(r, 2))}' is not a number. Type the pair weight.")
                continue
            if a is not None and b is not None:
                add(a, b, w, t.ref(r, 0))
        return {k: w for k, w in out.items() if w != 0}

    def settings(self) -> tuple[str, str, dict[str, str]]:
        placement, capacity, refs = EXACTLY_ONCE, "1", {}
        t = self.data.get(SETTINGS)
        if t is None:
            return placement, capacity, refs
        for i, _row in t.data_rows():
            key = text(t.value(i, 0)).lower()
            raw = t.value(i, 1)
            if not key:
                continue
            if key.startswith("each item"):
                refs["placement"] = t.ref(i, 1)
                v = text(raw).lower()
                if v in ("", EXACTLY_ONCE, "exactly", "once", "1"):
                    placement = EXACTLY_ONCE
                elif v in (AT_MOST_ONCE, "at most", "optional", "0 or 1"):
                    placement = AT_MOST_ONCE
                else:
                    self.log.error(t.ref(i, 1), f"'{text(raw)}' is not 'exactly once' or 'at most once'. "
                                                "Type one of them.")
            elif key.startswith("items per place"):
                refs["capacity"] = t.ref(i, 1)
                capacity = text(raw) or "1"
            elif key not in ("setting",):
                self.log.warn(t.ref(i, 0), f"unknown setting '{text(t.value(i, 0))}' is ignored. Known settings: "
                                           "Each item placed, Items per place and slot.")
        return placement, capacity, refs

    def place_capacities(self, places: list[Place], source: str, where: str) -> list[Place]:
        x = number(source)
        if x is not None:
            if x < 1 or not x.is_integer():
                self.log.error(where, f"'{source}' items per place and slot: type a whole number of 1 or more, "
                                      "or the header of a Places column (e.g. Capacity).")
                x = 1
            return [_with_capacity(p, int(x)) for p in places]
        header = source.strip().lower()
        if not any(c.header.lower() == header for c in self.columns.get(PLACES, [])):
            from .rules.vocabulary import suggest
            self.log.error(where, f"'{source}' is neither a number nor a column of the Places sheet."
                                  + suggest(source, [c.header for c in self.columns.get(PLACES, [])]))
            return places
        out = []
        for p in places:
            v = p.number(header)
            if v is None or v < 0 or not v.is_integer():
                self.log.error(p.refs.get(header, p.ref), f"place '{p.name}': '{text(p.raw.get(header))}' is not a "
                                                          "whole number of items per slot.")
                v = 1
            out.append(_with_capacity(p, int(v)))
        return out

    def rules(self) -> list[RuleRow]:
        t = self.sheet(RULES)
        if t is None:
            return []
        jr = self.find(t, ("rule", "rules"))
        if jr is None:
            self.log.error(t.ref(0, 0), "the Rules sheet needs a 'Rule' column (one rule in words a row). "
                                        "Put the header 'Rule' in row 1.")
            return []
        jh = self.find(t, ("hard or soft", "hard/soft", "type", "kind", "hard"))
        jw = self.find(t, ("weight",))
        jn = self.find(t, ("note", "notes", "comment"))
        out = []
        for i, row in t.data_rows():
            rule = text(t.value(i, jr))
            if not rule:
                continue
            hard = True
            if jh is not None and not is_blank(t.value(i, jh)):
                h = text(t.value(i, jh)).lower()
                if h in ("hard", "h", "must"):
                    hard = True
                elif h in ("soft", "s", "should", "prefer"):
                    hard = False
                else:
                    self.log.error(t.ref(i, jh), f"'{text(t.value(i, jh))}' is not hard or soft. Type hard (the rule "
                                                 "must hold) or soft (breaking it costs its weight).")
            weight, given = (DEFAULT_HARD_WEIGHT if hard else 1.0), False
            if jw is not None and not is_blank(t.value(i, jw)):
                w = number(t.value(i, jw))
                if w is None or w < 0:
                    self.log.error(t.ref(i, jw), f"'{text(t.value(i, jw))}' is not a weight. Type a number of 0 or "
                                                 "more (the cost of each unit by which the rule is broken).")
                else:
                    weight, given = w, True
            note = text(t.value(i, jn)) if jn is not None else ""
            out.append(RuleRow(row=len(out), text=rule, hard=hard, weight=weight, note=note, ref=t.ref(i, jr),
                               weight_given=given))
        if not out:
            self.log.warn(t.ref(1, jr), "no rules: every schedule that places the items is as good as any other.")
        return out


def _with_capacity(p: Place, c: int) -> Place:
    return Place(name=p.name, ref=p.ref, values=p.values, raw=p.raw, refs=p.refs, capacity=c)


def read_problem(data: WorkbookData) -> tuple[AssignmentProblem, IssueLog]:
    """The validated problem with its rules compiled; raises InputError naming every bad cell."""
    from .rules import compile_rules

    r = _Reader(data)
    items, places, slots = r.items(), r.places(), r.slots()
    placement, capacity, refs = r.settings()
    places = r.place_capacities(places, capacity, refs.get("capacity", SETTINGS))
    pairs = r.pairs(items)
    rules = r.rules()
    r.log.raise_if_errors()
    problem = AssignmentProblem(items=items, places=places, slots=slots, pairs=pairs, rules=rules,
                                placement=placement, capacity_source=capacity, columns=r.columns,
                                settings_refs=refs)
    compile_rules(problem, r.log)
    for i, it in enumerate(items):
        if not problem.starts[i]:
            r.log.error(it.ref, f"item '{it.name}' is {it.length} slots long but no run of slots without a break or "
                                "day end is that long. Shorten it or remove a break.")
    r.log.raise_if_errors()
    return problem, r.log
