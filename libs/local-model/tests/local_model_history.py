"""Conversations for the understanding tests: alternating user and assistant messages."""

from __future__ import annotations

from local_model.references import HistoryMessage


def turns(*texts: str) -> list[HistoryMessage]:
    """The history of `texts`, said by the user and the assistant in turn, the user first."""
    return [HistoryMessage("user" if i % 2 == 0 else "assistant", t) for i, t in enumerate(texts)]
