"""LocalModel and LocalModelProvider: the offline task engine behind the Agents SDK `Model`."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import date
from typing import Any

from agents import FunctionTool, Model, ModelProvider, ModelResponse, ModelSettings, ModelTracing
from agents.agent_output import AgentOutputSchemaBase
from agents.handoffs import Handoff
from agents.items import TResponseInputItem, TResponseOutputItem, TResponseStreamEvent
from agents.tool import Tool
from agents.usage import Usage
from openai.types.responses.response_prompt_param import ResponsePromptParam

from .agent_turn import Reply, ToolCalls, decide, read_items, today_from_instructions
from .streaming import function_call_item, message_item, new_id, stream_events
from .understanding import understand

__all__ = ["LocalModel", "LocalModelProvider"]

DEFAULT_NAME = "local-task-engine"


def _schemas(tools: list[Tool]) -> dict[str, Mapping[str, Any]]:
    schemas: dict[str, Mapping[str, Any]] = {}
    for tool in tools:
        if isinstance(tool, FunctionTool):
            schemas[tool.name] = tool.params_json_schema
    return schemas


class LocalModel(Model):
    """A deterministic, offline model for the task domain.

    Each call reads the latest user message, the tools offered and the tool outputs of the
    turn so far, and answers with one function call or the final message. Relative dates
    resolve against the `Current local time: <ISO datetime> (<zone>)` line of the instructions.
    """

    def __init__(self, name: str = DEFAULT_NAME) -> None:
        self.name = name

    def respond(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        tools: list[Tool],
    ) -> list[TResponseOutputItem]:
        """The output items of one model call (one function call, or one message)."""
        step = decide(
            read_items(input), _schemas(tools), today_from_instructions(system_instructions)
        )
        if isinstance(step, Reply):
            return [message_item(step.text)]
        if isinstance(step, ToolCalls):
            return [function_call_item(call.name, call.arguments) for call in step.calls]
        return [function_call_item(step.name, step.arguments)]

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: ResponsePromptParam | None,
    ) -> ModelResponse:
        """Decide the next step and return it as a complete response."""
        output = self.respond(system_instructions, input, tools)
        return ModelResponse(output=output, usage=Usage(requests=1), response_id=new_id("resp"))

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: ResponsePromptParam | None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """Decide the next step and stream it; text arrives word by word."""
        output = self.respond(system_instructions, input, tools)
        for event in stream_events(self.name, output):
            yield event


class LocalModelProvider(ModelProvider):
    """Provides LocalModel whatever model name the agent asks for."""

    def warm(self) -> None:
        """Do once what the first turn would otherwise pay for (about 0.4 s): load both
        models' weights and have pydantic build the Responses types it builds on first use."""
        understand([], "add buy milk tomorrow", date(2026, 1, 1))
        for output in ([message_item("ready")], [function_call_item("add_task", {"title": "x"})]):
            for _ in stream_events(DEFAULT_NAME, output):
                pass

    def get_model(self, model_name: str | None) -> Model:
        """A LocalModel named `model_name` (or the default name)."""
        return LocalModel(model_name or DEFAULT_NAME)
