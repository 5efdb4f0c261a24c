"""Seeded fuzzing of every kind's example workbook (issue 17 §6).

Each mutant takes the example, changes one to three things the way a hostile or careless user
would (a cell set to nan / inf / 1e309 / a huge or negative number / an Excel error / formula-like
text / a control character / a date where a number belongs; a row deleted or duplicated or
typed below a table; a column cleared; a sheet renamed, re-cased or deleted), and runs ``check``
— and for some mutants ``solve`` into a folder that already holds the previous results.

Asserted for every mutant: no traceback and no internal error; exit code 0 or 2 for check, 0, 2
or 3 for solve; every error names a file, a sheet or a cell; the input file is unchanged; a
solve that did not succeed left the previous output and its side files byte-identical and no
stray file; a solve that succeeded wrote a workbook that ``check`` reads.

Bounded: ``XLCS_FUZZ_N`` mutants per kind (default 14) with a solve every ``XLCS_FUZZ_SOLVE_EVERY``-th
(default 7); the seed is fixed (``XLCS_FUZZ_SEED``, default 17), so a failure is reproducible.
``XLCS_FUZZ_N=125`` gives the issue's 500 workbooks.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .helpers import KINDS, cli, digest, example, no_traceback, snapshot

N = int(os.environ.get("XLCS_FUZZ_N", "14"))
SOLVE_EVERY = int(os.environ.get("XLCS_FUZZ_SOLVE_EVERY", "7"))
SEED = int(os.environ.get("XLCS_FUZZ_SEED", "17"))

HOSTILE = ["nan", "NaN", "inf", "-inf", "1e309", "-1e309", -1, -50, 0, 1e12, 2**63, -1e15, 1e300, "", "   ", None,
           "#N/A", "#REF!", "#DIV/0!", '=HYPERLINK("http://example.com","x")', "+1+1", "@cmd", "-", "x" * 300,
           "bell_x0007_", "tab\tin", "1,5", "1,200", "1.200.000", True, False, dt.datetime(2025, 1, 1), dt.time(23, 59),
           0.5, 1.5, "two", "Robotics", "GMT+99", "yes", "no", "x", "25:00", "12/31/2025", "０１２", "½"]
# an error line of the CLI: "  - <where>: <message>"
ERROR_LINE = re.compile(r"^  - (.+?): (.+)$")


def _mutate(wb, rng: random.Random) -> list[str]:
    """Apply one mutation to the openpyxl workbook; return a description."""
    ws = rng.choice(wb.worksheets)
    op = rng.choices(["cell", "cell", "cell", "cell", "delete_row", "duplicate_row", "below_table", "clear_column",
                      "rename_sheet", "case_sheet", "delete_sheet"], k=1)[0]
    max_row, max_col = max(ws.max_row, 1), max(ws.max_column, 1)
    if op == "cell":
        r, c = rng.randint(1, max_row + 1), rng.randint(1, max_col + 1)
        v = rng.choice(HOSTILE)
        cell = ws.cell(r, c)
        cell.value = v
        if isinstance(v, str):
            cell.data_type = "s"  # text, as typed or exported (not a formula)
        return [f"{ws.title}!{cell.coordinate} = {v!r}"]
    if op == "delete_row" and max_row > 2:
        r = rng.randint(2, max_row)
        ws.delete_rows(r)
        return [f"{ws.title}: row {r} deleted"]
    if op == "duplicate_row" and max_row > 1:
        r = rng.randint(2, max_row) if max_row > 2 else 2
        for c in range(1, max_col + 1):
            ws.cell(max_row + 1, c).value = ws.cell(r, c).value
        return [f"{ws.title}: row {r} duplicated at {max_row + 1}"]
    if op == "below_table" and ws.tables:
        from openpyxl.utils.cell import range_boundaries

        t = next(iter(ws.tables.values()))
        c1, _r1, c2, r2 = range_boundaries(t.ref)
        for c in range(c1, c2 + 1):
            v = ws.cell(r2, c).value
            ws.cell(r2 + 1, c).value = (f"{v}-new" if c == c1 and isinstance(v, str) else v)
        return [f"{ws.title}: a row typed below the table {t.displayName}"]
    if op == "clear_column":
        c = rng.randint(1, max_col)
        for r in range(2, max_row + 1):
            ws.cell(r, c).value = None
        return [f"{ws.title}: column {c} cleared"]
    if op == "rename_sheet":
        old = ws.title
        ws.title = f"{old[:20]}_{rng.randint(0, 99)}"
        return [f"sheet {old} renamed {ws.title}"]
    if op == "case_sheet":
        old = ws.title
        new = old.upper() if old != old.upper() else old.lower()
        if new not in wb.sheetnames:
            ws.title = new
        return [f"sheet {old} → {ws.title}"]
    if op == "delete_sheet" and len(wb.worksheets) > 1:
        name = ws.title
        wb.remove(ws)
        return [f"sheet {name} deleted"]
    return []


def _mutant(base: bytes, rng: random.Random, path: Path) -> list[str]:
    wb = load_workbook(io.BytesIO(base))
    changes: list[str] = []
    for _ in range(rng.randint(1, 3)):
        changes += _mutate(wb, rng)
    wb.save(path)
    return changes


def _names_a_place(where: str, sheets: set[str]) -> bool:
    """A cell (``sheet!B4``), a sheet of the workbook (or one it should have), a file, or an argument."""
    return ("!" in where or where.casefold() in sheets or where.startswith("--")
            or "/" in where or bool(re.search(r"\.(xlsx|xlsm|xls)$", where)))


def _assert_messages_name_places(run, sheets: set[str]) -> None:
    errors = [m for m in (ERROR_LINE.match(line) for line in run.err.splitlines()) if m]
    if run.code == 2:
        assert errors, str(run)
    for m in errors:
        assert _names_a_place(m.group(1), sheets), (m.group(0), str(run))


def _sheets(kind: str, path: Path) -> set[str]:
    from xl_confsched.kinds import KINDS as ALL, expected_table_names

    names = {n.casefold() for n in load_workbook(path, read_only=True).sheetnames}
    names |= {n.casefold() for n in expected_table_names()}
    names |= {n.casefold() for k in ALL for n in k.result_sheets + k.signature}
    from xl_confsched.budget.problem import INPUT_SHEETS

    names |= {n.casefold() for n in INPUT_SHEETS}
    return names | {"settings", "weights", "talks", "schedule"}


@pytest.mark.parametrize("kind", KINDS)
def test_fuzzed_workbooks(tmp_path, kind):
    rng = random.Random(f"{SEED}-{kind}")
    src = example(kind, tmp_path, f"{kind}_example.xlsx")
    base = src.read_bytes()
    # the previous results a failing solve must keep
    prev = tmp_path / "prev"
    prev.mkdir()
    r = cli("solve", src, "-o", prev / "out.xlsx", "--time-limit", "3", "--quiet")
    assert r.code == 0, str(r)
    seen_codes: dict[int, int] = {}
    for n in range(N):
        path = tmp_path / f"m{n}.xlsx"
        changes = _mutant(base, rng, path)
        before = digest(path)
        r = cli("check", path)
        context = f"{kind} mutant {n} (seed {SEED}): {changes}\n{r}"
        no_traceback(r)
        assert r.code in (0, 2), context
        sheets = _sheets(kind, path)
        _assert_messages_name_places(r, sheets)
        assert digest(path) == before, f"check changed its input: {context}"
        seen_codes[r.code] = seen_codes.get(r.code, 0) + 1
        if n % SOLVE_EVERY == SOLVE_EVERY - 1:
            work = tmp_path / f"solve{n}"
            shutil.copytree(prev, work)
            kept = snapshot(work)
            r = cli("solve", path, "-o", work / "out.xlsx", "--time-limit", "2", "--quiet")
            context = f"{kind} mutant {n} solve: {changes}\n{r}"
            no_traceback(r)
            assert r.code in (0, 2, 3), context
            assert digest(path) == before, f"solve changed its input: {context}"
            if r.code == 0:
                again = cli("check", work / "out.xlsx")
                no_traceback(again)
                assert again.code == 0, f"cannot check what solve wrote: {context}\n{again}"
            else:
                _assert_messages_name_places(r, sheets)
                assert snapshot(work) == kept, f"a failed solve changed the previous results: {context}"
            shutil.rmtree(work)
        path.unlink()
    assert sum(seen_codes.values()) == N
