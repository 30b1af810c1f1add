"""Output items of the local model and the Responses stream events that carry them."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from agents.items import TResponseOutputItem, TResponseStreamEvent
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

__all__ = ["build_response", "function_call_item", "message_item", "new_id", "stream_events"]

_CHUNK = re.compile(r"\S+\s*|\s+")


def new_id(prefix: str) -> str:
    """A fresh unique id with the given prefix ("call", "msg", "resp")."""
    return f"{prefix}_{uuid.uuid4().hex}"


def function_call_item(name: str, arguments: dict[str, Any]) -> ResponseFunctionToolCall:
    """A completed function call output item with a unique call id."""
    call_id = new_id("call")
    return ResponseFunctionToolCall(
        id=f"fc_{call_id[5:]}",
        call_id=call_id,
        type="function_call",
        name=name,
        arguments=json.dumps(arguments, ensure_ascii=False),
        status="completed",
    )


def message_item(text: str) -> ResponseOutputMessage:
    """A completed assistant message output item."""
    return ResponseOutputMessage(
        id=new_id("msg"),
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])],
    )


def _usage() -> ResponseUsage:
    return ResponseUsage(
        input_tokens=0,
        output_tokens=0,
        total_tokens=0,
        input_tokens_details=InputTokensDetails(cached_tokens=0, cache_write_tokens=0),
        output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
    )


def build_response(
    response_id: str, model: str, output: Sequence[TResponseOutputItem], completed: bool
) -> Response:
    """A Responses `Response` envelope around `output`."""
    return Response(
        id=response_id,
        created_at=time.time(),
        model=model,
        object="response",
        output=list(output),
        tool_choice="auto",
        tools=[],
        parallel_tool_calls=False,
        status="completed" if completed else "in_progress",
        usage=_usage() if completed else None,
    )


def _text_chunks(text: str) -> list[str]:
    return _CHUNK.findall(text) or [""]


def stream_events(
    model: str, output: Sequence[TResponseOutputItem]
) -> Iterator[TResponseStreamEvent]:
    """The Responses stream for `output`: created, each item with its deltas, completed.

    The runner builds the turn from the final `response.completed` event's output.
    """
    response_id = new_id("resp")
    sequence = iter(range(1_000_000))
    yield ResponseCreatedEvent(
        type="response.created",
        response=build_response(response_id, model, [], completed=False),
        sequence_number=next(sequence),
    )
    yield ResponseInProgressEvent(
        type="response.in_progress",
        response=build_response(response_id, model, [], completed=False),
        sequence_number=next(sequence),
    )
    for index, item in enumerate(output):
        if isinstance(item, ResponseOutputMessage):
            part = item.content[0]
            text = part.text if isinstance(part, ResponseOutputText) else ""
            yield ResponseOutputItemAddedEvent(
                type="response.output_item.added",
                output_index=index,
                item=item.model_copy(update={"content": [], "status": "in_progress"}),
                sequence_number=next(sequence),
            )
            yield ResponseContentPartAddedEvent(
                type="response.content_part.added",
                item_id=item.id,
                output_index=index,
                content_index=0,
                part=ResponseOutputText(type="output_text", text="", annotations=[], logprobs=[]),
                sequence_number=next(sequence),
            )
            for chunk in _text_chunks(text):
                yield ResponseTextDeltaEvent(
                    type="response.output_text.delta",
                    item_id=item.id,
                    output_index=index,
                    content_index=0,
                    delta=chunk,
                    logprobs=[],
                    sequence_number=next(sequence),
                )
            yield ResponseTextDoneEvent(
                type="response.output_text.done",
                item_id=item.id,
                output_index=index,
                content_index=0,
                text=text,
                logprobs=[],
                sequence_number=next(sequence),
            )
            yield ResponseContentPartDoneEvent(
                type="response.content_part.done",
                item_id=item.id,
                output_index=index,
                content_index=0,
                part=part,
                sequence_number=next(sequence),
            )
        elif isinstance(item, ResponseFunctionToolCall):
            item_id = item.id or item.call_id
            yield ResponseOutputItemAddedEvent(
                type="response.output_item.added",
                output_index=index,
                item=item.model_copy(update={"arguments": "", "status": "in_progress"}),
                sequence_number=next(sequence),
            )
            yield ResponseFunctionCallArgumentsDeltaEvent(
                type="response.function_call_arguments.delta",
                item_id=item_id,
                output_index=index,
                delta=item.arguments,
                sequence_number=next(sequence),
            )
            yield ResponseFunctionCallArgumentsDoneEvent(
                type="response.function_call_arguments.done",
                item_id=item_id,
                output_index=index,
                arguments=item.arguments,
                sequence_number=next(sequence),
            )
        yield ResponseOutputItemDoneEvent(
            type="response.output_item.done",
            output_index=index,
            item=item,
            sequence_number=next(sequence),
        )
    yield ResponseCompletedEvent(
        type="response.completed",
        response=build_response(response_id, model, output, completed=True),
        sequence_number=next(sequence),
    )
