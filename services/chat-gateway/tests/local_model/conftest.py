"""Fixtures of the local model tests: asyncio for anyio, and no trace export."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from agents import set_tracing_disabled

# the in-memory task tools live next to the tests (pytest runs with --import-mode=importlib)
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_trace_export() -> None:
    set_tracing_disabled(True)
