"""The gateway with a scripted model served on a real socket, and a ChatKit client for tests."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import anyio
import httpx
import uvicorn
from agents import ModelProvider
from chat_gateway.config import Settings
from chat_gateway.main import create_app
from chatkit.types import ThreadStreamEvent
from fastapi import FastAPI
from pydantic import TypeAdapter
from service_processes import free_port
from servicekit.identity import IdentitySigner, signing_hook

EVENT = TypeAdapter[ThreadStreamEvent](ThreadStreamEvent)


@dataclass
class ChatResponse:
    """A ChatKit answer: the status, the JSON body or the parsed stream events."""

    status: int
    headers: httpx.Headers
    body: Any = None
    events: list[ThreadStreamEvent] = field(default_factory=list)

    def of_type(self, kind: str) -> list[Any]:
        return [event for event in self.events if event.type == kind]

    def done_items(self) -> list[Any]:
        return [event.item for event in self.of_type("thread.item.done")]

    def widgets(self) -> list[Any]:
        return [item for item in self.done_items() if item.type == "widget"]

    def assistant_texts(self) -> list[str]:
        return [
            "".join(part.text for part in item.content)
            for item in self.done_items()
            if item.type == "assistant_message"
        ]

    @property
    def thread_id(self) -> str:
        created = self.of_type("thread.created")
        return str(created[0].thread.id)


@dataclass
class ChatClient:
    """Speaks the ChatKit protocol to the gateway as one user."""

    base_url: str
    token: str | None
    timezone: str | None = None
    app: str | None = None
    """The app the requests are for (X-Chat-App); the default app when None."""

    async def post(self, payload: Any, *, raw: bytes | None = None) -> ChatResponse:
        headers = {"Content-Type": "application/json"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        if self.timezone:
            headers["X-User-Timezone"] = self.timezone
        if self.app is not None:
            headers["X-Chat-App"] = self.app
        content = raw if raw is not None else json.dumps(payload).encode()
        async with (
            httpx.AsyncClient(base_url=self.base_url, timeout=30) as client,
            client.stream("POST", "/api/v1/chatkit", content=content, headers=headers) as response,
        ):
            data = await response.aread()
        answer = ChatResponse(response.status_code, response.headers)
        kind = response.headers.get("content-type", "")
        if kind.startswith("text/event-stream"):
            for block in data.decode().split("\n\n"):
                if block.startswith("data: "):
                    answer.events.append(EVENT.validate_json(block[len("data: ") :]))
        elif data:
            answer.body = json.loads(data)
        return answer

    async def create(self, text: str) -> ChatResponse:
        return await self.post({"type": "threads.create", "params": {"input": user_input(text)}})

    async def say(self, thread_id: str, text: str) -> ChatResponse:
        return await self.post(
            {
                "type": "threads.add_user_message",
                "params": {"thread_id": thread_id, "input": user_input(text)},
            }
        )

    async def act(
        self, thread_id: str, item_id: str, action_type: str, payload: dict[str, Any]
    ) -> ChatResponse:
        return await self.post(
            {
                "type": "threads.custom_action",
                "params": {
                    "thread_id": thread_id,
                    "item_id": item_id,
                    "action": {"type": action_type, "payload": payload},
                },
            }
        )

    async def thread(self, thread_id: str) -> ChatResponse:
        return await self.post({"type": "threads.get_by_id", "params": {"thread_id": thread_id}})


def user_input(text: str) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def button_action(widget: Any, key: str) -> dict[str, Any]:
    """The onClickAction of the first button with ``key`` in a widget tree (as JSON)."""
    tree = widget.model_dump(mode="json", exclude_none=True)
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if node.get("type") == "Button" and node.get("key") == key:
            action: dict[str, Any] = node["onClickAction"]
            return action
        stack.extend(child for child in node.get("children") or [] if isinstance(child, dict))
    raise AssertionError(f"no button {key!r} in {tree}")


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn in this event loop on a free port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    with anyio.fail_after(15):
        while not server.started:
            if task.done():
                task.result()
            await anyio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with anyio.fail_after(15):
            await task


@asynccontextmanager
async def chat_gateway(
    settings: Settings, provider: ModelProvider | None = None, *, configured_model: bool = False
) -> AsyncIterator[str]:
    """The gateway on a real socket, with ``provider`` (the scripted model by default) or,
    with ``configured_model``, the model its settings name."""
    from scripted_model import ScriptedProvider

    if configured_model:
        app = create_app(settings)
    else:
        app = create_app(settings, model_provider=provider or ScriptedProvider())
    async with serve(app) as url:
        yield url


class TasksRest:
    """Reads a user's tasks straight from mcp-tasks' internal REST API (signed identity)."""

    def __init__(self, base_url: str, signer: IdentitySigner) -> None:
        self.base_url = base_url
        self.signer = signer

    async def get(self, user_id: UUID, path: str) -> httpx.Response:
        hook = signing_hook(self.signer, lambda: user_id)
        async with httpx.AsyncClient(
            base_url=self.base_url + "/internal/v1", event_hooks={"request": [hook]}, timeout=10
        ) as client:
            return await client.get(path)

    async def delete(self, user_id: UUID, task_id: str) -> httpx.Response:
        """Delete a task behind the chat's back (as the dashboard would)."""
        hook = signing_hook(self.signer, lambda: user_id)
        async with httpx.AsyncClient(
            base_url=self.base_url + "/internal/v1", event_hooks={"request": [hook]}, timeout=10
        ) as client:
            return await client.delete(f"/tasks/{task_id}")

    async def create(self, user_id: UUID, title: str, *, completed: bool = False) -> str:
        """Create a task behind the chat's back (completed if asked); returns its id."""
        hook = signing_hook(self.signer, lambda: user_id)
        async with httpx.AsyncClient(
            base_url=self.base_url + "/internal/v1", event_hooks={"request": [hook]}, timeout=10
        ) as client:
            created = await client.post("/tasks", json={"title": title})
            task_id = str(created.json()["id"])
            if completed:
                await client.patch(f"/tasks/{task_id}", json={"completed": True})
        return task_id

    async def titles(self, user_id: UUID, status: str = "all") -> list[str]:
        response = await self.get(user_id, f"/tasks?status={status}")
        assert response.status_code == 200, response.text
        return [task["title"] for task in response.json()["tasks"]]
