"""The ChatKit protocol as a client speaks it: requests to /api/v1/chatkit and streamed events."""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from .accounts import Account

CHATKIT_PATH = "/api/v1/chatkit"
JSON = dict[str, Any]


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

    @property
    def errors(self) -> list[JSON]:
        """Error events of the stream."""
        return [event for event in self.events if event.get("type") == "error"]

    @property
    def assistant_texts(self) -> list[str]:
        """The text of each finished assistant message."""
        texts = []
        for item in self.items_done:
            if item.get("type") == "assistant_message":
                texts.append("".join(part.get("text", "") for part in item.get("content", [])))
        return texts


def parse_sse(text: str) -> list[JSON]:
    """Decode `data:` frames of a ChatKit event stream (one JSON object per frame)."""
    events: list[JSON] = []
    data: list[str] = []
    for line in text.splitlines():
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line == "" and data:
            events.append(json.loads("\n".join(data)))
            data = []
    if data:
        events.append(json.loads("\n".join(data)))
    return events


async def stream(client: httpx.AsyncClient, account: Account, body: JSON) -> Turn:
    """POST a streaming ChatKit request and read the whole answer."""
    async with client.stream("POST", CHATKIT_PATH, json=body, headers=account.headers) as answer:
        raw = (await answer.aread()).decode()
    content_type = answer.headers.get("content-type", "")
    turn = Turn(answer.status_code, content_type, raw=raw)
    if answer.status_code == 200 and content_type.startswith("text/event-stream"):
        turn.events = parse_sse(raw)
    return turn


async def send_message(
    client: httpx.AsyncClient, account: Account, text: str, thread_id: str | None = None
) -> Turn:
    """Say something: a new thread when thread_id is None, else a follow-up in that thread."""
    if thread_id is None:
        body: JSON = {"type": "threads.create", "params": {"input": user_input(text)}}
    else:
        body = {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input(text)},
        }
    return await stream(client, account, body)


async def press(
    client: httpx.AsyncClient, account: Account, thread_id: str, item_id: str, action: JSON
) -> Turn:
    """Press a widget button: threads.custom_action with the button's action."""
    body = {
        "type": "threads.custom_action",
        "params": {"thread_id": thread_id, "item_id": item_id, "action": action},
    }
    return await stream(client, account, body)


async def call(
    client: httpx.AsyncClient, account: Account, request_type: str, params: JSON
) -> httpx.Response:
    """A non-streaming ChatKit request (threads.list, items.list, threads.update, ...)."""
    return await client.post(
        CHATKIT_PATH, json={"type": request_type, "params": params}, headers=account.headers
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
