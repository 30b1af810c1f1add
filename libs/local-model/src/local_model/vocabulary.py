"""The wording the readers match, kept as data (``data/vocabulary.json``), read once."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

VOCABULARY: dict[str, Any] = json.loads(
    resources.files("local_model").joinpath("data", "vocabulary.json").read_text("utf-8")
)


def alternatives(key: str) -> str:
    """The vocabulary list `key` as one regex alternation, in its listed order (the order a
    regex tries them in)."""
    return "|".join(VOCABULARY[key])
