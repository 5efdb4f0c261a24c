"""Read the budget seed example (../shared/data/budget/seed_example.md): inputs and the expected table."""

from __future__ import annotations

import re
from pathlib import Path


def _md_tables(text: str) -> list[list[list[str]]]:
    tables, cur = [], []
    for line in text.splitlines():
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                continue
            cur.append(cells)
        elif cur:
            tables.append(cur)
            cur = []
    if cur:
        tables.append(cur)
    return tables


def _num(s: str) -> float:
    return float(s.replace(",", "").replace("$", ""))


def seed_text(shared: Path) -> str:
    return (shared / "data" / "budget" / "seed_example.md").read_text(encoding="utf-8")


def expected_table(text: str) -> list[dict[str, object]]:
    """The 'Expected comparison table' as dicts (numbers parsed, words kept)."""
    section = text.split("## Expected comparison table", 1)[1]
    rows = _md_tables(section)[0]
    head, out = rows[0], []
    for r in rows[1:]:
        d: dict[str, object] = {}
        for k, v in zip(head, r):
            try:
                d[k] = _num(v)
            except ValueError:
                d[k] = v
        out.append(d)
    return out


def seed_inputs(text: str) -> dict:
    """The seed's inputs in the shape of ``template.write_workbook`` keyword arguments."""
    inputs = text.split("## Inputs", 1)[1].split("## Expected", 1)[0]
    conf = _md_tables(inputs)[0]
    head = conf[0]
    conferences = []
    for r in conf[1:]:
        d = dict(zip(head, r))
        conferences.append((d["conference"], d["region"], _num(d["days"]), _num(d["registration_fee"]),
                            _num(d["demand_score"]), "Yes"))
    fl = re.search(r"Flights[^:]*:\s*(.+?)\.\s*$", inputs, re.M).group(1)
    flights = [(m.group(1), _num(m.group(2))) for m in re.finditer(r"([A-Za-z][\w-]*)\s+([\d,]+)", fl)]
    m = re.search(r"Hotel\s+([\d,]+)\s+and food\s+([\d,]+)", inputs)
    perdiem = [("All", _num(m.group(1)), _num(m.group(2)))]
    te = _num(re.search(r"T&E\s+([\d,]+);", inputs).group(1))
    reg = _num(re.search(r"registration\s+([\d,]+)\.", inputs).group(1))
    lo = int(re.search(r"at least\s+(\d+)", inputs).group(1))
    hi = int(re.search(r"at most\s+(\d+)", inputs).group(1))
    target = int(re.search(r"seat target\s+(\d+)", inputs).group(1))
    strat_line = re.search(r"Fixed strategies:\s*(.+)", inputs).group(1)
    strategies = [(m.group(1).strip(), int(m.group(2)))
                  for m in re.finditer(r"([A-Za-z][A-Za-z ]*?)\s+(\d+)", strat_line)]
    te_pp = {m.group(1): _num(m.group(2))
             for m in re.finditer(r"\b([A-E])\s+([\d,]{4,})", re.search(r"→(.+)", inputs).group(1))}
    alloc_line = re.search(r"optimised allocation is (.+?)\(", text).group(1)
    allocation = {f"Flagship {m.group(1)}": int(m.group(2)) for m in re.finditer(r"\b([A-E])\s+(\d+)", alloc_line)}
    return {
        "allocation": allocation,
        "conferences": conferences, "flights": flights, "perdiem": perdiem,
        "budget": [("T&E budget", te), ("Registration budget", reg), ("Minimum per flagship", lo),
                   ("Maximum per flagship", hi), ("Flagship seat target", target), ("Seat target rule", "exactly")],
        "strategies": strategies, "te_per_person": te_pp,
    }
