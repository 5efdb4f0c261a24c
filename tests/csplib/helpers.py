"""Build CSPLib workbooks for tests from the template's data, with deliberate edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from xl_confsched.csplib.template import example_spec, sheets, write_sheets


def example_rows() -> dict[str, list[list[Any]]]:
    return sheets(example_spec())


def write_edited(tmp_path: Path, edit: Callable[[dict[str, list[list[Any]]]], None], name: str = "w.xlsx") -> Path:
    rows = example_rows()
    edit(rows)
    return write_sheets(rows, tmp_path / name)


def col(rows: list[list[Any]], label: str) -> int:
    return rows[0].index(label)
