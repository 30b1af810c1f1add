"""Real agent runs of the local model over a task board, for the agent tests."""

from __future__ import annotations

from typing import Any

import anyio
from agents import Agent, RunConfig, Runner, TResponseInputItem
from agents.items import ToolCallItem
from local_model import LocalModel
from local_model_task_tools import TaskBoard
from openai.types.responses import ResponseFunctionToolCall

INSTRUCTIONS = "You manage tasks.\nCurrent local time: 2027-03-10T09:30:00+01:00 (Europe/Paris)\n"
RUN_CONFIG = RunConfig(tracing_disabled=True)


def agent_for(board: TaskBoard, *, undo: bool = True) -> Agent[Any]:
    """An agent driven by the local model, with `board`'s tools."""
    return Agent(
        name="assistant",
        instructions=INSTRUCTIONS,
        model=LocalModel(),
        tools=board.tools(undo=undo),
    )


async def run(
    board: TaskBoard, conversation: str | list[TResponseInputItem], *, undo: bool = True
) -> tuple[str, list[str]]:
    """The final reply of one agent run over `board` and the ids of the tool calls it made."""
    with anyio.fail_after(10):
        result = await Runner.run(agent_for(board, undo=undo), conversation, run_config=RUN_CONFIG)
    call_ids = [
        item.raw_item.call_id
        for item in result.new_items
        if isinstance(item, ToolCallItem) and isinstance(item.raw_item, ResponseFunctionToolCall)
    ]
    return str(result.final_output), call_ids


def with_history(*turns: tuple[str, str], then: str) -> list[TResponseInputItem]:
    """The input of a run: earlier `turns` as (role, text), then the user's message `then`."""
    items: list[TResponseInputItem] = [{"role": role, "content": text} for role, text in turns]  # type: ignore[misc]
    items.append({"role": "user", "content": then})
    return items
