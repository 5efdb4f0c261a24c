"""Live formulas of the Rule Status sheet: the Amount, Status and Cost of every rule a spreadsheet
formula can check (placing, forbidding, placed, counts; the two settings) follow the Assignment
Table as it is edited, before anyone clicks Check.

Formulas only use functions of Excel 2010 and LibreOffice (INDEX, MATCH, IFERROR, SUMPRODUCT,
MMULT, ISNUMBER, TEXT, MAX, SUM): no dynamic arrays.  To the right of the status table, a
helper block has one row per item — its place and start slot looked up in the Assignment
Table by the item's name (so sorting the table is fine), its length, whether it is placed —
and its occupancy of every slot (1 while it runs); one column per live placing rule holds
each item's share of the amount; one column per live counting rule holds each group ×
window's amount.  The lists of places, slots, lengths and the rules' name sets are copied
when the sheet is written: they follow the inputs as of the last Solve or Check.

Pairs, orders, persons, fits and formulas with if/and/or/not are re-scored by Check (their
Amount cells say so).
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter as L

from ..report import Block
from ..writing import Formula
from .results import TABLE
from .rules.atoms import Count, Placed, Runs

RECOMPUTED = "by Check"
HELPER_COL = 11  # K: the helper block starts here (1-based)
HEAD_ROW = 2  # header rows of the status table and of the helper block
FIRST = HEAD_ROW + 1


def _q(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _arr(values, horizontal: bool) -> str:
    sep = "," if horizontal else ";"
    return "{" + sep.join(str(int(v)) for v in values) + "}"


def _str(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


class _Layout:
    def __init__(self, problem, n_live_items: int):
        p = problem
        self.I, self.S, self.P = p.I, p.S, p.P
        c = HELPER_COL
        self.c_name, self.c_place, self.c_start, self.c_len, self.c_placed = c, c + 1, c + 2, c + 3, c + 4
        self.c_occ = c + 5  # S columns
        self.c_rules = self.c_occ + self.S  # one column per live per-item rule
        self.c_counts = self.c_rules + n_live_items + 1  # one column per live count rule (and capacity)
        self.r0, self.r1 = FIRST, FIRST + max(1, self.I) - 1
        # the lists: places, slots (names) below the items
        self.r_lists = self.r1 + 3

    def col_range(self, col: int) -> str:
        return f"${L(col)}${self.r0}:${L(col)}${self.r1}"

    def occ_range(self) -> str:
        return f"${L(self.c_occ)}${self.r0}:${L(self.c_occ + self.S - 1)}${self.r1}"

    def occ_col(self, s: int) -> str:
        return self.col_range(self.c_occ + s)

    def places_list(self) -> str:
        return f"${L(self.c_name)}${self.r_lists + 1}:${L(self.c_name)}${self.r_lists + max(1, self.P)}"

    def slots_list(self) -> str:
        return f"${L(self.c_place)}${self.r_lists + 1}:${L(self.c_place)}${self.r_lists + max(1, self.S)}"


def _place_test(lay: _Layout, row: int | None, places: frozenset | None) -> str | None:
    """1/0 expression: the item of ``row`` (None: every item, an array) is in one of ``places``."""
    if places is None:
        return None
    ref = f"${L(lay.c_place)}{row}" if row is not None else lay.col_range(lay.c_place)
    if not places:
        return "0"
    return f"ISNUMBER(MATCH({ref},{_arr(sorted(k + 1 for k in places), True)},0))"


def _runs_test(lay: _Layout, row: int, slots: frozenset | None) -> str | None:
    if slots is None:
        return None
    if not slots:
        return "0"
    occ = f"${L(lay.c_occ)}{row}:${L(lay.c_occ + lay.S - 1)}{row}"
    return f"(SUMPRODUCT({occ},{_arr([1 if s in slots else 0 for s in range(lay.S)], True)})>0)"


def _starts_test(lay: _Layout, row: int, slots: frozenset | None) -> str | None:
    if slots is None:
        return None
    if not slots:
        return "0"
    return f"ISNUMBER(MATCH(${L(lay.c_start)}{row},{_arr(sorted(s + 1 for s in slots), True)},0))"


def _inside(lay: _Layout, row: int, atom: Runs, i: int) -> str:
    P, S = atom.targets(i)
    parts = [f"(${L(lay.c_placed)}{row}=1)"]
    pt = _place_test(lay, row, P)
    if pt:
        parts.append(pt)
    st = _starts_test(lay, row, S) if atom.starts else _runs_test(lay, row, S)
    if st:
        parts.append(st)
    return "AND(" + ",".join(parts) + ")"


def live_status_blocks(ev, rows: list[list[Any]], blocks: list[Block]) -> list[Block]:
    """The status table with live Amount / Status / Cost cells, and the helper block beside it."""
    p = ev.problem
    item_rules = [(k, line) for k, line in enumerate(ev.lines) if isinstance(line.key, int)
                  and isinstance(p.rules[line.key].rule.formula, (Runs, Placed))]
    lay = _Layout(p, len(item_rules))
    tq = _q(TABLE)
    helper: list[list[Any]] = []
    head = ["Item", "Place #", "Start #", "Length", "Placed"] + [f"{p.label(s)}" for s in range(p.S)]
    head += [f"rule {k + 1}" for k, _ in item_rules]
    for i, it in enumerate(p.items):
        r = lay.r0 + i
        name = f"${L(lay.c_name)}{r}"
        look = f"MATCH({name},{tq}!$A:$A,0)"
        start_cell = f"INDEX({tq}!$C:$C,{look})"
        row: list[Any] = [
            it.name,
            Formula(f"=IFERROR(MATCH(INDEX({tq}!$B:$B,{look}),{lay.places_list()},0),0)"),
            Formula(f'=IFERROR(MATCH(IF(ISNUMBER({start_cell}),TEXT({start_cell},"hh:mm"),{start_cell}),'
                    f"{lay.slots_list()},0),0)"),
            it.length,
            Formula(f"=IF(AND(${L(lay.c_place)}{r}>0,${L(lay.c_start)}{r}>0),1,0)"),
        ]
        for s in range(p.S):
            row.append(Formula(f"=IF(AND(${L(lay.c_placed)}{r}=1,${L(lay.c_start)}{r}<={s + 1},"
                               f"{s + 1}<=${L(lay.c_start)}{r}+${L(lay.c_len)}{r}-1),1,0)"))
        for _k, line in item_rules:
            atom = p.rules[line.key].rule.formula
            mine = set(atom.items)
            if i not in mine:
                row.append(0)
            elif isinstance(atom, Placed):
                row.append(Formula(f"=${L(lay.c_placed)}{r}" if atom.negate else f"=1-${L(lay.c_placed)}{r}"))
            else:
                inside = _inside(lay, r, atom, i)
                row.append(Formula(f"=IF({inside},1,0)" if atom.negate else f"=IF({inside},0,1)"))
        helper.append(row)
    lists = [["Places", "Slots"]] + [[p.places[k].name if k < p.P else None, p.label(k) if k < p.S else None]
                                     for k in range(max(p.P, p.S))]
    # count rules and capacity: one column of instance amounts each
    count_cols: list[list[Any]] = []
    count_head: list[str] = []
    amount_of: dict[int, str] = {}  # status row index (in ev.lines) → formula
    for k, line in item_rules:
        col = lay.c_rules + item_rules.index((k, line))
        amount_of[k] = Formula(f"=SUM({lay.col_range(col)})")
    c = lay.c_counts
    for k, line in enumerate(ev.lines):
        if line.key == "placement":
            amount_of[k] = Formula(f"={p.I}-SUM({lay.col_range(lay.c_placed)})")
        elif line.key == "capacity":
            cells = []
            for pl, place in enumerate(p.places):
                for s in range(p.S):
                    cells.append(Formula(f"=MAX(0,SUMPRODUCT(--({lay.col_range(lay.c_place)}={pl + 1}),"
                                         f"{lay.occ_col(s)})-{place.capacity})"))
            count_cols.append(cells)
            count_head.append("capacity")
            amount_of[k] = Formula(f"=SUM(${L(c)}${FIRST}:${L(c)}${FIRST + len(cells) - 1})")
            c += 1
        elif isinstance(line.key, int) and isinstance(p.rules[line.key].rule.formula, Count):
            atom: Count = p.rules[line.key].rule.formula
            cells = [_count_cell(lay, atom, items, w) for _g, items in atom.groups for w in atom.windows]
            if not cells:
                continue
            count_cols.append(cells)
            count_head.append(f"rule {k + 1}")
            amount_of[k] = Formula(f"=SUM(${L(c)}${FIRST}:${L(c)}${FIRST + len(cells) - 1})")
            c += 1
    # the status table's live cells (Amount F, Status E, Cost G)
    for k, _line in enumerate(ev.lines):
        r = FIRST + k
        row = rows[k + 1]
        if k in amount_of:
            row[5] = amount_of[k]
            row[4] = Formula(f'=IF(F{r}=0,"held","broken")')
            row[6] = Formula(f"=D{r}*F{r}")
        else:
            row[7] = (row[7] + " " if row[7] else "") + f"(Amount {RECOMPUTED})"
    out = list(blocks)
    out.append(Block(f"{L(HELPER_COL)}{HEAD_ROW}", [head] + helper,
                     title="Helper cells of the live formulas (do not edit): each item's place, start and occupancy",
                     column_widths={0: 24}))
    out.append(Block(f"{L(HELPER_COL)}{lay.r_lists}", lists, title=None))
    if count_cols:
        height = max(len(x) for x in count_cols)
        grid = [count_head] + [[col[j] if j < len(col) else None for col in count_cols] for j in range(height)]
        out.append(Block(f"{L(lay.c_counts)}{HEAD_ROW}", grid, title=None))
    return out


def _count_cell(lay: _Layout, atom: Count, items: list[int], w) -> str:
    mask = [1 if i in set(items) else 0 for i in range(lay.I)]
    pt = _place_test(lay, None, w.places)
    pmask = f"*{pt}" if pt else ""
    smask = [1 if (w.slots is None or s in w.slots) else 0 for s in range(lay.S)]
    if atom.slots_counted:
        # per slot: does any item of the group run there (in the window's places)?
        per_slot = f"MMULT({_arr(mask, True)},{lay.occ_range()}{pmask})"
        value = f"SUMPRODUCT(--({per_slot}>0),{_arr(smask, True)})"
    else:
        runs = f"(MMULT({lay.occ_range()},{_arr(smask, False)})>0)"
        value = f"SUMPRODUCT({_arr(mask, False)}*{runs}{pmask})"
    parts = []
    if atom.lo is not None and atom.lo > 0:
        parts.append(f"MAX(0,{atom.lo}-{value})")
    if atom.hi is not None:
        parts.append(f"MAX(0,{value}-{atom.hi})")
    return Formula("=" + ("+".join(parts) if parts else "0"))
