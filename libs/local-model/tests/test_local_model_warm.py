"""Warming the provider does what the first turn after a start would otherwise pay for."""

from __future__ import annotations

import subprocess
import sys

# In a fresh interpreter: in this one, earlier tests may already have built the types.
_CHECK = """
from openai.types.responses import ResponseCompletedEvent, ResponseFunctionCallArgumentsDoneEvent
from local_model import LocalModelProvider
types = (ResponseCompletedEvent, ResponseFunctionCallArgumentsDoneEvent)
assert not any(t.__pydantic_complete__ for t in types), "already built before warm()"
LocalModelProvider().warm()
assert all(t.__pydantic_complete__ for t in types), "not built by warm()"
"""


def test_warming_builds_the_responses_types_a_turn_streams() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
