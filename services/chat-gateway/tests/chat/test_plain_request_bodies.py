"""The openai client's request transform is skipped only where it would change nothing."""

from typing import Any

import pytest
from chat_gateway.chat import plain_request_bodies
from chat_gateway.chat.plain_request_bodies import (
    LIBRARY_TRANSFORM,
    PLAIN_BODY_TYPES,
    declares_transforms,
    skip_needless_transforms,
    transform_request_body,
)
from openai import omit
from openai.resources.chat.completions import completions
from openai.resources.responses import responses
from openai.types.beta.agents import session_create_params
from openai.types.chat import completion_create_params
from openai.types.responses import response_create_params
from pydantic import BaseModel

pytestmark = pytest.mark.anyio

RESPONSES = response_create_params.ResponseCreateParamsStreaming
CHAT = completion_create_params.CompletionCreateParamsStreaming

RESPONSES_BODY: dict[str, Any] = {
    "model": "gpt-4.1-mini",
    "instructions": "You are a task assistant.",
    "input": [
        {"role": "user", "content": "add milk"},
        {"type": "function_call", "call_id": "c1", "name": "add_task", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": '{"task": {"id": 1}}'},
        {"role": "assistant", "content": [{"type": "output_text", "text": "Added."}]},
    ],
    "tools": [
        {
            "type": "function",
            "name": "add_task",
            "parameters": {"type": "object", "properties": {"title": {"type": "string"}}},
            "strict": False,
        }
    ],
    "parallel_tool_calls": True,
    "max_output_tokens": 2048,
    "stream": True,
    "temperature": omit,
}
CHAT_BODY: dict[str, Any] = {
    "model": "scripted-model",
    "messages": [
        {"role": "system", "content": "You are a task assistant."},
        {"role": "user", "content": "add milk"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "add_task", "arguments": "{}"},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "{}"},
    ],
    "stream": True,
    "stream_options": {"include_usage": True},
    "top_p": omit,
}


def test_the_two_endpoints_parameter_types_rename_and_format_nothing() -> None:
    assert [declares_transforms(body_type) for body_type in PLAIN_BODY_TYPES] == [False] * 4


def test_a_type_that_renames_keys_is_recognised() -> None:
    assert declares_transforms(session_create_params.SessionCreateParams)


@pytest.mark.parametrize(("body", "body_type"), [(RESPONSES_BODY, RESPONSES), (CHAT_BODY, CHAT)])
async def test_a_plain_body_comes_back_as_the_library_transform_returns_it(
    body: dict[str, Any], body_type: Any
) -> None:
    expected = await LIBRARY_TRANSFORM(body, body_type)

    assert await transform_request_body(body, body_type) == expected
    assert not {"temperature", "top_p"} & set(expected)


class _Part(BaseModel):
    type: str
    text: str


async def test_a_body_with_other_values_takes_the_library_transform() -> None:
    message = {"role": "user", "content": [_Part(type="input_text", text="hi")]}
    body = dict(RESPONSES_BODY, input=[message])

    transformed = await transform_request_body(body, RESPONSES)

    assert transformed["input"] == [
        {"role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    ]


def test_the_clients_of_both_endpoints_use_it() -> None:
    skip_needless_transforms()

    assert responses.async_maybe_transform is transform_request_body  # type: ignore[attr-defined]
    assert completions.async_maybe_transform is transform_request_body  # type: ignore[attr-defined]
    assert plain_request_bodies.needs_no_transform(RESPONSES)
