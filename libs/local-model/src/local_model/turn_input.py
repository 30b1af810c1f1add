"""What one step of an agent turn reads: the conversation split at the latest user message,
the tool calls made since with their outputs, and the user's current date."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from .references import HistoryMessage

__all__ = ["ToolResult", "TurnInput", "read_items", "today_from_instructions"]

_LOCAL_TIME = re.compile(r"Current local time:\s*(\S+)")


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool the step called, its arguments, and its output (or the error it gave)."""

    name: str
    arguments: dict[str, Any]
    output: Any
    error: str | None


@dataclass(slots=True)
class TurnInput:
    """The conversation as the model sees it, split at the latest user message."""

    message: str = ""
    history: list[HistoryMessage] = field(default_factory=list)
    results: list[ToolResult] = field(default_factory=list)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, Mapping) else getattr(item, key, None)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        return "".join(str(_get(part, "text") or "") for part in content)
    return ""


def _parse_output(raw: Any) -> tuple[Any, str | None]:
    text = _text(raw) if not isinstance(raw, str) else raw
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, dict):
            return value, None
    return None, text


def read_items(items: str | Sequence[Any]) -> TurnInput:
    """Split Responses-style input items into history, the latest user message and the
    tool calls made since (with their outputs)."""
    if isinstance(items, str):
        return TurnInput(message=items)
    entries = list(items)
    last_user = -1
    for index, item in enumerate(entries):
        if _get(item, "role") == "user":
            last_user = index
    turn = TurnInput()
    if last_user >= 0:
        turn.message = _text(_get(entries[last_user], "content"))
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    for index, item in enumerate(entries):
        kind = _get(item, "type")
        role = _get(item, "role")
        if index < last_user:
            if role in ("user", "assistant"):
                turn.history.append(HistoryMessage(role, _text(_get(item, "content"))))
            elif kind == "function_call_output":
                output = _get(item, "output")
                turn.history.append(
                    HistoryMessage("tool", _text(output) if not isinstance(output, str) else output)
                )
            continue
        if index == last_user:
            continue
        if kind == "function_call":
            try:
                arguments = json.loads(_get(item, "arguments") or "{}")
            except ValueError:
                arguments = {}
            calls[str(_get(item, "call_id"))] = (
                str(_get(item, "name")),
                arguments if isinstance(arguments, dict) else {},
            )
        elif kind == "function_call_output":
            name, arguments = calls.get(str(_get(item, "call_id")), ("", {}))
            value, error = _parse_output(_get(item, "output"))
            turn.results.append(ToolResult(name, arguments, value, error))
    return turn


def today_from_instructions(instructions: str | None) -> date:
    """The user's current date, from the `Current local time: <ISO> (<zone>)` line."""
    if instructions:
        m = _LOCAL_TIME.search(instructions)
        if m is not None:
            try:
                return datetime.fromisoformat(m.group(1).replace("Z", "+00:00")).date()
            except ValueError:
                pass
    return datetime.now(UTC).date()
