"""Regenerate the shipped workbooks from the project's own template code.

    python workbook_templates/generate.py [KIND ...]     # e.g. csplib talks; default: all

Each planning model provides ``xl_confsched.<kind>.template`` with
``blank_workbook(path)`` and ``example_workbook(path)``; this writes
``<kind>_blank.xlsx`` and ``<kind>_example.xlsx`` here for every kind that has one,
and ``<kind>_<name>.xlsx`` for every further example in the module's optional
``NAMED_EXAMPLES`` (``{name: writer}``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xl_confsched.kinds import KINDS  # noqa: E402

NAMES = {"csplib": "conference"}


def main(only: list[str]) -> None:
    for kind in KINDS:
        if only and kind.name not in only:
            continue
        try:
            mod = importlib.import_module(f"xl_confsched.{kind.name}.template")
        except ModuleNotFoundError:
            print(f"skip {kind.name}: no template module yet")
            continue
        stem = NAMES.get(kind.name, kind.name)
        writers = [(mod.blank_workbook, "blank"), (mod.example_workbook, "example")]
        writers += [(fn, name) for name, fn in getattr(mod, "NAMED_EXAMPLES", {}).items()]
        for fn, suffix in writers:
            path = fn(HERE / f"{stem}_{suffix}.xlsx")
            print(f"wrote {path}")
        # a kind with several named examples (assignment: baristas, students, talks)
        for name, fn in getattr(mod, "EXAMPLES", {}).items():
            path = fn(HERE / f"{stem}_{name}.xlsx")
            print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
