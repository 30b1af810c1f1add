"""Stop keeps the partial answer; with the default local model nothing leaves the machine."""

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from agents import Model, ModelProvider
from agents.items import TResponseStreamEvent
from agents.testing import ModelCall, ModelStep, ScriptedModel, assistant_message
from agents.testing.model import _stream_events_for_step
from chat_gateway.config import Settings
from chat_harness import EVENT, ChatClient, chat_gateway, user_input
from live_harness import User
from scripted_model import GREETING, decide
from service_processes import ROOT

pytestmark = pytest.mark.anyio

PARTIAL = "Here is the first half of a long answer"


async def _answer(call: ModelCall) -> AsyncIterator[TResponseStreamEvent]:
    """The scripted answer, except that "talk slowly" stops after its first text delta."""
    items = [call.input] if isinstance(call.input, str) else list(call.input)
    slow = "talk slowly" in json.dumps(items[-1], default=str)
    output = [assistant_message(PARTIAL + ", and the rest.")] if slow else decide(call)
    for event in _stream_events_for_step(ModelStep(output=output), preserve_raw_usage=False):
        if slow and event.type == "response.output_text.delta":
            yield event.model_copy(update={"delta": PARTIAL})
            await anyio.sleep_forever()
        yield event


class StallingProvider(ModelProvider):
    """The scripted model, streamed; "talk slowly" never finishes its answer."""

    def get_model(self, model_name: str | None) -> Model:
        return ScriptedModel([ModelStep.stream(_answer) for _ in range(8)])


async def test_stopping_a_response_keeps_the_partial_answer_and_the_thread_goes_on(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> None:
    user = await new_user()
    async with chat_gateway(chat_settings(), StallingProvider()) as url:
        client = ChatClient(url, user.token)
        thread_id = ""
        with anyio.fail_after(20):
            async with (
                httpx.AsyncClient(base_url=url, timeout=20) as http,
                http.stream(
                    "POST",
                    "/api/v1/chatkit",
                    json={"type": "threads.create", "params": {"input": user_input("talk slowly")}},
                    headers={"Authorization": f"Bearer {user.token}"},
                ) as response,
            ):
                assert response.status_code == 200
                async for line in response.aiter_lines():
                    if not line.startswith("data: "):
                        continue
                    event: Any = EVENT.validate_json(line[len("data: ") :])
                    if event.type == "thread.created":
                        thread_id = event.thread.id
                    if event.type == "thread.item.updated" and getattr(event.update, "delta", None):
                        break  # the user presses Stop: the request is closed mid-stream
            stored: list[dict[str, Any]] = []
            while len(stored) < 2:
                listed = await client.post(
                    {"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}
                )
                assert listed.status == 200
                stored = listed.body["data"]
                await anyio.sleep(0.02)

        assert [item["type"] for item in stored] == ["user_message", "assistant_message"]
        assert stored[1]["content"][0]["text"] == PARTIAL
        after = await client.say(thread_id, "hello")
        assert after.status == 200
        assert after.of_type("error") == []
        assert after.assistant_texts() == [GREETING]
        reloaded = await client.post(
            {"type": "items.list", "params": {"thread_id": thread_id, "order": "asc"}}
        )
        assert [item["type"] for item in reloaded.body["data"]] == [
            "user_message",
            "assistant_message",
            "user_message",
            "assistant_message",
        ]


_OFFLINE_TURN = textwrap.dedent(
    """
    import asyncio, json, os, socket, sys
    sys.path[:0] = [os.environ["TESTS_DIR"], os.environ["BENCH_DIR"]]

    attempts = []
    original_connect = socket.socket.connect

    def guarded_connect(sock, address):
        local = sock.family == socket.AF_UNIX or (
            isinstance(address, tuple) and address[0] in ("127.0.0.1", "::1", "localhost")
        )
        if not local:
            attempts.append(repr(address))
            raise OSError(f"network access outside this machine refused: {address!r}")
        return original_connect(sock, address)

    socket.socket.connect = guarded_connect
    original_getaddrinfo = socket.getaddrinfo

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in ("127.0.0.1", "::1", "localhost", None):
            attempts.append(f"resolve {host!r}")
            raise OSError(f"name lookup refused: {host!r}")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = guarded_getaddrinfo

    from agents.tracing import get_trace_provider, trace
    from chat_gateway.config import Settings
    from chat_gateway.main import create_app
    from chat_harness import ChatClient, serve

    async def main():
        settings = Settings()
        assert settings.model_provider == "local" and settings.openai_api_key is None
        app = create_app(settings)
        async with serve(app) as url:
            answer = await ChatClient(url, os.environ["TOKEN"]).create("add buy oat milk")
        get_trace_provider().force_flush()
        print(json.dumps({
            "status": answer.status,
            "errors": len(answer.of_type("error")),
            "widgets": [w.widget.model_dump(mode="json")["key"] for w in answer.widgets()],
            "trace": type(trace("probe")).__name__,
            "attempts": attempts,
        }))

    asyncio.run(main())
    """
)


async def test_with_the_default_local_model_a_turn_contacts_nothing_outside_this_machine(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> None:
    user = await new_user()
    settings = chat_settings()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CHAT_GATEWAY_", "OPENAI_")) and key not in ("DATABASE_URL",)
    } | {
        "ENVIRONMENT": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "CHAT_GATEWAY_IDENTITY_KEY_ID": settings.identity_key_id,
        "CHAT_GATEWAY_IDENTITY_SECRET": settings.identity_secret.get_secret_value(),
        "CHAT_GATEWAY_MCP_TASKS_URL": settings.mcp_tasks_url,
        "CHAT_GATEWAY_JWKS_URL": settings.jwks_url,
        "CHAT_GATEWAY_LOG_LEVEL": "WARNING",
        "TOKEN": user.token,
        "TESTS_DIR": str(Path(__file__).parent.parent),
        "BENCH_DIR": str(ROOT / "bench"),
    }

    with anyio.fail_after(60):
        finished = await anyio.to_thread.run_sync(
            lambda: subprocess.run(
                [sys.executable, "-c", _OFFLINE_TURN],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        )

    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads(finished.stdout.strip().splitlines()[-1])
    assert report == {
        "status": 200,
        "errors": 0,
        "widgets": ["task_card"],
        "trace": "NoOpTrace",
        "attempts": [],
    }
