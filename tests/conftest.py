"""Shared fixtures: the ../shared data folder (tests skip cleanly without it)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CSPLIB = SHARED / "data" / "csplib"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def csplib_dir() -> Path:
    if not CSPLIB.is_dir():
        pytest.skip("../shared/data/csplib is not present")
    return CSPLIB
