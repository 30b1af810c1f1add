"""Responses stream events built by their type are the objects the openai client builds."""

from typing import Any, cast

import httpx2
import pytest
from chat_gateway.chat.model_failures import AnswerCutOffError
from chat_gateway.chat.model_provider import ModelClient
from chat_gateway.chat.stream_events import is_responses_stream, responses_stream_event
from model_server import Reply, ToolCall, responses_events
from openai._models import construct_type
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import ResponseStreamEvent, ResponseTextDeltaEvent

_EVENT = cast(type[object], ResponseStreamEvent)
_REPLIES = (
    Reply(text="You have three open tasks; ask me to list them."),
    Reply(calls=(ToolCall("add_task", {"title": "buy milk"}), ToolCall("list_tasks"))),
    Reply(text="Cut off here", cut_off=True),
)


def _streamed() -> list[dict[str, Any]]:
    return [
        event.model_dump(mode="json", exclude_unset=True)
        for reply in _REPLIES
        for event in responses_events(reply, "scripted-model")
    ]


def test_every_streamed_event_is_the_object_the_client_builds() -> None:
    events = _streamed()
    assert {event["type"] for event in events} >= {
        "response.created",
        "response.output_text.delta",
        "response.function_call_arguments.delta",
        "response.output_item.done",
        "response.completed",
        "response.incomplete",
    }
    for event in events:
        built = responses_stream_event(event)
        expected = construct_type(type_=ResponseStreamEvent, value=event)
        assert type(built) is type(expected)
        assert built == expected


def test_an_event_type_the_client_does_not_know_is_left_to_the_client() -> None:
    assert responses_stream_event({"type": "response.hologram.delta", "delta": "x"}) is None
    assert responses_stream_event({"type": "response.output_text.delta"}) is None


def test_only_the_responses_event_union_is_built_by_type() -> None:
    assert is_responses_stream(ResponseStreamEvent)
    assert not is_responses_stream(ChatCompletionChunk)
    assert not is_responses_stream(ResponseTextDeltaEvent)


def _client() -> ModelClient:
    return ModelClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1", max_retry_wait=1)


def test_the_client_builds_known_events_by_type_and_unknown_ones_its_own_way() -> None:
    client = _client()
    response = httpx2.Response(200, request=httpx2.Request("POST", "http://127.0.0.1:9/v1"))
    delta = next(e for e in _streamed() if e["type"] == "response.output_text.delta")
    built = client._process_response_data(data=delta, cast_to=_EVENT, response=response)
    assert built == ResponseTextDeltaEvent.model_validate(delta)
    unknown = {"type": "response.hologram.delta", "delta": "x"}
    kept = client._process_response_data(data=unknown, cast_to=_EVENT, response=response)
    assert kept == construct_type(type_=ResponseStreamEvent, value=unknown)


def test_an_answer_cut_off_still_stops_the_turn() -> None:
    client = _client()
    response = httpx2.Response(200, request=httpx2.Request("POST", "http://127.0.0.1:9/v1"))
    incomplete = next(e for e in _streamed() if e["type"] == "response.incomplete")
    with pytest.raises(AnswerCutOffError):
        client._process_response_data(data=incomplete, cast_to=_EVENT, response=response)
