"""The ChatKit protocol as a client speaks it: requests to /api/v1/chatkit and streamed events.

The end-to-end suite and the reliability suite both talk to the gateway through this module.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

CHATKIT_PATH = "/api/v1/chatkit"
JSON = dict[str, Any]


class Caller(Protocol):
    """Whoever sends a request: a signed-in user's headers."""

    @property
    def headers(self) -> dict[str, str]: ...


def user_input(text: str) -> JSON:
    """A UserMessageInput holding one text part."""
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


@dataclass
class Turn:
    """Everything one streamed ChatKit request answered."""

    status_code: int
    content_type: str
    events: list[JSON] = field(default_factory=list)
    raw: str = ""
    transport_error: str | None = None
    """Why the answer could not be read to its end (a broken connection, a cut event)."""

    @property
    def thread_id(self) -> str | None:
        """The thread the turn happened in (from thread.created or any finished item)."""
        for event in self.events:
            if event.get("type") in ("thread.created", "thread.updated"):
                return str(event["thread"]["id"])
        for item in self.items_done:
            return str(item["thread_id"])
        return None

    @property
    def items_done(self) -> list[JSON]:
        """Items the server finished (and persisted) during the turn, in order."""
        return [
            event["item"]
            for event in self.events
            if event.get("type") in ("thread.item.done", "thread.item.replaced")
        ]

    @property
    def widgets(self) -> list[JSON]:
        """Widget items shown during the turn."""
        return [item for item in self.items_done if item.get("type") == "widget"]

    def of_type(self, kind: str) -> list[JSON]:
        """The stream's events of type ``kind``."""
        return [event for event in self.events if event.get("type") == kind]

    @property
    def errors(self) -> list[JSON]:
        """Error events of the stream."""
        return self.of_type("error")

    @property
    def assistant_texts(self) -> list[str]:
        """The text of each finished assistant message."""
        texts = []
        for item in self.items_done:
            if item.get("type") == "assistant_message":
                texts.append("".join(part.get("text", "") for part in item.get("content", [])))
        return texts


def parse_sse(text: str) -> tuple[list[JSON], str]:
    """Decode the `data:` frames of a ChatKit event stream (one JSON object per frame); also
    return what follows the last complete frame (empty when the stream ended cleanly)."""
    *frames, trailing = text.split("\n\n")
    events: list[JSON] = []
    for frame in frames:
        data = [
            line[5:].removeprefix(" ") for line in frame.splitlines() if line.startswith("data:")
        ]
        if data:
            events.append(json.loads("\n".join(data)))
    return events, trailing


async def stream(
    client: httpx.AsyncClient, caller: Caller, body: JSON, *, record_broken: bool = False
) -> Turn:
    """POST a streaming ChatKit request and read the whole answer.

    A connection that breaks, or a stream that stops inside an event, raises; with
    ``record_broken`` it is recorded in ``transport_error`` instead, for tests of faults that
    check how a stream ended.
    """
    turn = Turn(0, "")
    chunks: list[str] = []
    try:
        async with client.stream("POST", CHATKIT_PATH, json=body, headers=caller.headers) as answer:
            turn.status_code = answer.status_code
            turn.content_type = answer.headers.get("content-type", "")
            async for chunk in answer.aiter_text():
                chunks.append(chunk)
    except httpx.HTTPError as error:
        if not record_broken:
            raise
        turn.transport_error = repr(error)
    turn.raw = "".join(chunks)
    if turn.status_code == 200 and turn.content_type.startswith("text/event-stream"):
        turn.events, trailing = parse_sse(turn.raw)
        if trailing.strip():
            cut = f"the stream stopped inside an event: {trailing[:200]!r}"
            if not record_broken:
                raise AssertionError(cut)
            turn.transport_error = f"{turn.transport_error} {cut}" if turn.transport_error else cut
    return turn


async def send_message(
    client: httpx.AsyncClient,
    caller: Caller,
    text: str,
    thread_id: str | None = None,
    *,
    record_broken: bool = False,
) -> Turn:
    """Say something: a new thread when thread_id is None, else a follow-up in that thread."""
    if thread_id is None:
        body: JSON = {"type": "threads.create", "params": {"input": user_input(text)}}
    else:
        body = {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input(text)},
        }
    return await stream(client, caller, body, record_broken=record_broken)


async def press(
    client: httpx.AsyncClient, caller: Caller, thread_id: str, item_id: str, action: JSON
) -> Turn:
    """Press a widget button: threads.custom_action with the button's action."""
    body = {
        "type": "threads.custom_action",
        "params": {"thread_id": thread_id, "item_id": item_id, "action": action},
    }
    return await stream(client, caller, body)


async def call(
    client: httpx.AsyncClient, caller: Caller, request_type: str, params: JSON
) -> httpx.Response:
    """A non-streaming ChatKit request (threads.list, items.list, threads.update, ...)."""
    return await client.post(
        CHATKIT_PATH, json={"type": request_type, "params": params}, headers=caller.headers
    )


def walk(node: Any) -> Iterator[JSON]:
    """Every JSON object inside a widget tree, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def widget_strings(widget_item: JSON) -> str:
    """All string values of a widget, lowercased, joined: what the widget displays or carries."""
    parts: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(widget_item.get("widget"))
    return "\n".join(parts).lower()


def find_button(turns: list[Turn], *labels: str) -> tuple[str, JSON]:
    """(widget item id, action) of a button labelled like ``labels[0]``, else ``labels[1]``, ..."""
    for wanted in (label.lower() for label in labels):
        for turn in reversed(turns):
            for item in reversed(turn.widgets):
                for node in walk(item.get("widget")):
                    label = str(node.get("label", "")).lower()
                    action = node.get("onClickAction")
                    if node.get("type") == "Button" and action and wanted in label:
                        return str(item["id"]), {
                            "type": action["type"],
                            "payload": action.get("payload"),
                        }
    raise AssertionError(f"no button labelled {labels} in the streamed widgets")
