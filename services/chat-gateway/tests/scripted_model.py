"""A scripted model for chat tests: short commands map to tool calls, tool outputs to replies.

Commands (the last user message): "add <title>", "list", "list completed", "get <n>",
"complete <n>", "delete <n>", "clear completed", "undo", "rename <n> to <title>",
"fake id" (answers under the chat-completions placeholder id), anything else -> a greeting.
<n> is the 1-based position in the latest "[task list shown]" message of the history.
"""

import json
import re
import uuid
from typing import Any

from agents import Model, ModelProvider
from agents.items import TResponseOutputItem
from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message, function_call

GREETING = "I can add, list, complete and delete your tasks."


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _text(item: Any) -> str:
    content = _get(item, "content")
    if isinstance(content, str):
        return content
    return "".join(str(_get(part, "text") or "") for part in content or [])


def _listed_ids(items: list[Any]) -> list[str]:
    for item in reversed(items):
        text = _text(item) if _get(item, "role") == "assistant" else ""
        if text.startswith("[task list shown]\n"):
            return [row["id"] for row in json.loads(text.split("\n", 1)[1])]
    return []


def _call(name: str, arguments: dict[str, Any]) -> list[TResponseOutputItem]:
    return [function_call(name, arguments, call_id=f"call_{uuid.uuid4().hex[:16]}")]


def _say(text: str, item_id: str | None = None) -> list[TResponseOutputItem]:
    return [assistant_message(text, item_id=item_id or f"msg_{uuid.uuid4().hex[:16]}")]


def decide(call: ModelCall) -> list[TResponseOutputItem]:
    """The scripted answer to one model call."""
    items = [call.input] if isinstance(call.input, str) else list(call.input)
    last = items[-1]
    if _get(last, "type") == "function_call_output":
        output = str(_get(last, "output"))
        if "confirmation_required" in output:
            return _say("Please confirm with the buttons.")
        return _say(f"Tool result: {output[:200]}")
    text = _text(last).strip()
    ids = _listed_ids(items)

    def nth(raw: str) -> str:
        index = int(raw) - 1
        return ids[index] if 0 <= index < len(ids) else str(uuid.UUID(int=index + 1))

    if match := re.fullmatch(r"add (.+)", text):
        return _call("add_task", {"title": match.group(1)})
    if text == "list":
        return _call("list_tasks", {"status": "all"})
    if text == "list completed":
        return _call("list_tasks", {"status": "completed"})
    if match := re.fullmatch(r"(get|complete|delete) (\d+)", text):
        tool = {"get": "get_task", "complete": "complete_task", "delete": "delete_task"}
        return _call(tool[match.group(1)], {"task_id": nth(match.group(2))})
    if match := re.fullmatch(r"rename (\d+) to (.+)", text):
        return _call("update_task", {"task_id": nth(match.group(1)), "title": match.group(2)})
    if text == "clear completed":
        return _call("clear_completed", {})
    if text == "undo":
        return _call("undo_last_change", {})
    if text == "fake id":
        return _say("Answer under a placeholder id.", item_id="__fake_id__")
    return _say(GREETING)


class ScriptedProvider(ModelProvider):
    """Every model call is answered by ``decide``; any number of turns, concurrently."""

    def get_model(self, model_name: str | None) -> Model:
        return ScriptedModel([ModelStep.respond(decide) for _ in range(8)])
