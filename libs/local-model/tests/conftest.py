"""Fixtures of the local model's tests: the asyncio backend, no trace export."""

import sys
from pathlib import Path

# The agent-loop tests import their in-memory task tools by module name (importlib mode).
sys.path.insert(0, str(Path(__file__).parent))

import pytest
from agents import set_tracing_disabled


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_agent_trace_export() -> None:
    set_tracing_disabled(True)
