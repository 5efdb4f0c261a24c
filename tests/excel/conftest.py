from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def remote_license(monkeypatch):
    """xlwings' remote engine (PRO, noncommercial licence) — for these tests only."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")


@pytest.fixture(scope="session")
def conference_example(tmp_path_factory) -> Path:
    from xl_confsched.csplib.template import example_workbook

    return Path(example_workbook(tmp_path_factory.mktemp("conf") / "conference_example.xlsx"))
