"""The plain identity map gives the SDK's keys, and the SDK builds its keys with it."""

from typing import Any

from agents import Agent, FunctionTool, Handoff, ModelSettings, _run_state_agent_identity, handoff
from chat_gateway.chat.agent_identity import _SDK_MAP, identity_map, use_plain_identity_map


def _tool(name: str) -> FunctionTool:
    async def invoke(context: Any, raw: str) -> str:
        return raw

    return FunctionTool(
        name=name,
        description=name,
        params_json_schema={"type": "object", "properties": {}},
        on_invoke_tool=invoke,
        strict_json_schema=False,
    )


def _agent(
    name: str, *tools: str, handoffs: list[Agent[Any] | Handoff[Any, Any]] | None = None
) -> Agent[Any]:
    return Agent(
        name=name,
        instructions=f"You are {name}.",
        tools=[_tool(tool) for tool in tools],
        handoffs=list(handoffs or []),
        model_settings=ModelSettings(parallel_tool_calls=False),
    )


def _same(first: dict[str, Agent[Any]], second: dict[str, Agent[Any]]) -> bool:
    return list(first) == list(second) and all(first[k] is second[k] for k in first)


def test_one_agent_keeps_its_name() -> None:
    agent = _agent("Task assistant", "add_task", "list_tasks")
    assert _same(identity_map(agent), _SDK_MAP(agent))
    assert list(identity_map(agent)) == ["Task assistant"]


def test_agents_of_distinct_names_get_the_sdk_keys_in_its_order() -> None:
    billing = _agent("Billing", "refund")
    notes = _agent("Notes", "add_note", handoffs=[billing])
    root = _agent("Task assistant", "add_task", handoffs=[notes, handoff(billing)])
    assert _same(identity_map(root), _SDK_MAP(root))
    assert list(identity_map(root)) == ["Task assistant", "Notes", "Billing"]


def test_agents_sharing_a_name_are_ordered_by_the_sdk() -> None:
    first = _agent("Helper", "add_task")
    second = _agent("Helper", "list_tasks")
    root = _agent("Task assistant", handoffs=[second, first])
    keys = identity_map(root)
    assert _same(keys, _SDK_MAP(root))
    assert sorted(keys) == ["Helper", "Helper#2", "Task assistant"]


def test_the_sdk_builds_its_identity_keys_with_the_plain_map() -> None:
    use_plain_identity_map()
    use_plain_identity_map()
    assert _run_state_agent_identity._build_agent_identity_map is identity_map
    agent = _agent("Task assistant", "add_task")
    keys = _run_state_agent_identity._build_agent_identity_keys_by_id(agent)
    assert keys == {id(agent): "Task assistant"}
