"""What a model streams, built by validation, is the object the openai client builds."""

from typing import Any, cast

import httpx2
import pytest
from chat_gateway.chat.model_failures import AnswerCutOffError
from chat_gateway.chat.model_provider import ModelClient
from chat_gateway.chat.stream_events import streamed
from model_server import Reply, ToolCall, chat_chunks, responses_events
from openai._models import construct_type
from openai.types.chat import ChatCompletion, ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent, ResponseTextDeltaEvent
from pydantic import BaseModel

_EVENT = cast(type[object], ResponseStreamEvent)
_REPLIES = (
    Reply(text="You have three open tasks; ask me to list them."),
    Reply(calls=(ToolCall("add_task", {"title": "buy milk"}), ToolCall("list_tasks"))),
    Reply(text="Cut off here", cut_off=True),
)


def _dumped(models: list[BaseModel]) -> list[dict[str, Any]]:
    return [model.model_dump(mode="json", exclude_unset=True) for model in models]


def _events() -> list[dict[str, Any]]:
    return [e for r in _REPLIES for e in _dumped(responses_events(r, "scripted-model"))]


def _chunks() -> list[dict[str, Any]]:
    return [c for r in _REPLIES for c in _dumped(chat_chunks(r, "scripted-model", usage=True))]


def test_every_streamed_event_is_the_object_the_client_builds() -> None:
    events = _events()
    assert {event["type"] for event in events} >= {
        "response.created",
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.output_item.done",
        "response.completed",
        "response.incomplete",
    }
    for event in events:
        built = streamed(ResponseStreamEvent, event)
        expected = construct_type(type_=ResponseStreamEvent, value=event)
        assert type(built) is type(expected)
        assert built == expected


def test_every_streamed_chunk_is_the_object_the_client_builds() -> None:
    chunks = _chunks()
    assert any(
        chunk["choices"] and chunk["choices"][0]["delta"].get("tool_calls") for chunk in chunks
    )
    assert any(chunk.get("usage") for chunk in chunks)
    for chunk in chunks:
        built = streamed(ChatCompletionChunk, chunk)
        expected = construct_type(type_=ChatCompletionChunk, value=chunk)
        assert isinstance(built, ChatCompletionChunk)
        assert isinstance(expected, ChatCompletionChunk)
        assert built == expected
        assert built.model_fields_set == expected.model_fields_set


def test_what_does_not_validate_is_left_to_the_client() -> None:
    assert streamed(ResponseStreamEvent, {"type": "response.hologram.delta", "delta": "x"}) is None
    assert streamed(ResponseStreamEvent, {"type": "response.output_text.delta"}) is None
    odd_chunk = _chunks()[0] | {"choices": [{"index": 0, "delta": {}, "finish_reason": "eos"}]}
    assert streamed(ChatCompletionChunk, odd_chunk) is None


def test_only_what_models_stream_is_built_here() -> None:
    delta = next(e for e in _events() if e["type"] == "response.output_text.delta")
    assert streamed(ResponseTextDeltaEvent, delta) is None
    assert streamed(ChatCompletion, _chunks()[0]) is None


def _client() -> ModelClient:
    return ModelClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1", max_retry_wait=1)


_RESPONSE = httpx2.Response(200, request=httpx2.Request("POST", "http://127.0.0.1:9/v1"))


def test_the_client_builds_known_events_by_validation_and_others_its_own_way() -> None:
    client = _client()
    delta = next(e for e in _events() if e["type"] == "response.output_text.delta")
    built: object = client._process_response_data(data=delta, cast_to=_EVENT, response=_RESPONSE)
    assert built == ResponseTextDeltaEvent.model_validate(delta)
    unknown = {"type": "response.hologram.delta", "delta": "x"}
    kept: object = client._process_response_data(data=unknown, cast_to=_EVENT, response=_RESPONSE)
    assert kept == construct_type(type_=ResponseStreamEvent, value=unknown)


@pytest.mark.parametrize("provider", ["responses", "chat"])
def test_an_answer_cut_off_still_stops_the_turn(provider: str) -> None:
    client = _client()
    cut = Reply(text="Cut off here", cut_off=True)
    if provider == "responses":
        last = _dumped(responses_events(cut, "scripted-model"))[-1]
        cast_to = _EVENT
    else:
        last = _dumped(chat_chunks(cut, "scripted-model", usage=False))[-1]
        cast_to = cast(type[object], ChatCompletionChunk)
    with pytest.raises(AnswerCutOffError):
        client._process_response_data(data=last, cast_to=cast_to, response=_RESPONSE)
