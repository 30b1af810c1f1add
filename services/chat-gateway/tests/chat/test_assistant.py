"""The agent's instructions, and the agent each app shares between its turns."""

import re
from datetime import datetime
from typing import cast
from uuid import uuid4

import pytest
from agents import FunctionTool, ModelSettings, RunContextWrapper
from chat_gateway.chat.assistant import Assistants, instructions
from chat_gateway.chat.request_context import RequestContext, parse_timezone
from chatkit.agents import AgentContext
from chatkit.store import Store
from chatkit.types import ThreadMetadata


def test_instructions_end_with_the_users_local_time_and_zone() -> None:
    context = RequestContext(user_id=uuid4(), timezone=parse_timezone("Europe/Paris"))

    line = instructions(context).splitlines()[-1]

    match = re.fullmatch(r"Current local time: (\S+) \(Europe/Paris\)", line)
    assert match is not None
    assert datetime.fromisoformat(match.group(1)).utcoffset() is not None


def _run_of(context: RequestContext) -> RunContextWrapper[AgentContext[RequestContext]]:
    thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
    store = cast(Store[RequestContext], None)  # the instructions never touch the store
    agent_context = AgentContext[RequestContext](
        thread=thread, store=store, request_context=context
    )
    return RunContextWrapper(agent_context)


@pytest.mark.anyio
async def test_an_apps_agent_is_built_once_and_reads_each_runs_user_for_its_instructions() -> None:
    assistants = Assistants("scripted-model", ModelSettings())
    tools: list[FunctionTool] = []
    agent = assistants.agent("tasks", tools)
    assert assistants.agent("tasks", tools) is agent
    assert assistants.agent("tasks", []) is not agent

    for zone in ("Europe/Paris", "Asia/Tokyo"):
        context = RequestContext(user_id=uuid4(), timezone=zone)
        prompt = await agent.get_system_prompt(_run_of(context))
        assert prompt is not None
        assert prompt.splitlines()[-1].endswith(f"({zone})")
