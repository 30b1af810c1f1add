"""Live events under faults: Redis going away, and a client that stops reading."""

import asyncio
import signal
import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, cast

import anyio
import httpx
import pytest
from chat_gateway.events.hub import EventHub
from chat_gateway.resources import resources_of
from live_harness import (
    Gateway,
    GatewayFactory,
    RedisServer,
    User,
    gateway_env,
    mcp_tasks_env,
    open_events,
    start_service,
)
from service_processes import ServiceProcess

pytestmark = pytest.mark.anyio

NewUser = Callable[[], Awaitable[User]]


@pytest.fixture
def mcp_tasks_on_private_redis(
    mcp_tasks_database: str, private_redis: RedisServer, tmp_path: Path
) -> Iterator[ServiceProcess]:
    service = start_service(
        "mcp_tasks.main:create_app",
        mcp_tasks_env(mcp_tasks_database, private_redis.url),
        tmp_path / "mcp-tasks.log",
    )
    yield service
    service.stop()


async def send(
    gateway: Gateway, user: User, method: str, path: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url, headers=user.headers) as client:
        response = await client.request(method, path, json=body)
    assert response.status_code in {200, 201}, response.text
    task: dict[str, Any] = response.json()
    return task


def hub_of(gateway: Gateway) -> EventHub:
    return resources_of(gateway.app).dashboard.event_hub


async def test_changes_made_while_redis_is_down_reach_a_connected_client_once_it_is_back(
    gateway_factory: GatewayFactory,
    mcp_tasks_on_private_redis: ServiceProcess,
    private_redis: RedisServer,
    new_user: NewUser,
) -> None:
    user = await new_user()
    async with (
        gateway_factory(
            mcp_tasks_url=mcp_tasks_on_private_redis.url, redis_url=private_redis.url
        ) as gateway,
        open_events(gateway.url, user.headers) as stream,
    ):
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "before"})
        assert [f.id for f in await stream.events(1)] == ["1"]

        private_redis.stop()
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "during one"})
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "during two"})
        private_redis.start()

        recovered = await stream.events(2, within=20)
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "after"})
        live = await stream.events(1)
    assert [(f.id, f.json()["task"]["title"]) for f in recovered + live] == [
        ("2", "during one"),
        ("3", "during two"),
        ("4", "after"),
    ]


async def open_raw_stream(gateway: Gateway, user: User) -> socket.socket:
    """An event stream on a socket with a tiny receive buffer, read only up to its start."""
    host, port = gateway.url.removeprefix("http://").split(":")
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (host, int(port)))
    request = (
        f"GET /api/v1/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: Bearer {user.token}\r\nAccept: text/event-stream\r\n\r\n"
    )
    loop = asyncio.get_running_loop()
    await loop.sock_sendall(raw, request.encode())
    head = b""
    with anyio.fail_after(10):
        while b"retry: 3000" not in head:
            head += await loop.sock_recv(raw, 1024)
    return raw


async def read_until_end_of_response(raw: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    received = b""
    while not received.endswith(b"0\r\n\r\n"):
        chunk = await loop.sock_recv(raw, 65536)
        if not chunk:
            break
        received += chunk
    return received


async def test_a_client_that_stops_reading_does_not_delay_the_others_and_gets_a_resync(
    gateway_factory: GatewayFactory, new_user: NewUser
) -> None:
    user = await new_user()
    async with gateway_factory(event_client_buffer=4, send_buffer_bytes=4096) as gateway:
        task = await send(gateway, user, "POST", "/api/v1/tasks", {"title": "busy"})
        hub = hub_of(gateway)
        slow = await open_raw_stream(gateway, user)
        try:
            async with open_events(gateway.url, user.headers) as fast:
                assert hub.listener_count(user.id) == 2
                version = 1
                while hub.listener_count(user.id) == 2:
                    assert version < 2000, "the silent client never overflowed"
                    description = f"{version} " + "x" * 4990
                    await send(
                        gateway,
                        user,
                        "PATCH",
                        f"/api/v1/tasks/{task['id']}",
                        {"description": description},
                    )
                    version += 1
                    # Every change reaches the reading client at once, whatever the other does.
                    [frame] = await fast.events(1, within=2)
                    assert frame.id == str(version)
                    assert frame.json()["task"]["description"] == description
            with anyio.fail_after(20):
                received = await read_until_end_of_response(slow)
        finally:
            slow.close()
    tail = received[-400:]
    assert b"event: resync" in tail
    assert b'"reason": "overflow"' in tail


async def test_a_stream_opened_while_redis_is_down_serves_the_log_then_catches_up(
    gateway_factory: GatewayFactory,
    mcp_tasks_on_private_redis: ServiceProcess,
    private_redis: RedisServer,
    new_user: NewUser,
) -> None:
    user = await new_user()
    async with gateway_factory(
        mcp_tasks_url=mcp_tasks_on_private_redis.url, redis_url=private_redis.url
    ) as gateway:
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "before"})
        private_redis.stop()
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "during one"})
        async with open_events(gateway.url, {**user.headers, "Last-Event-ID": "1"}) as stream:
            from_log = await stream.events(1)
            await send(gateway, user, "POST", "/api/v1/tasks", {"title": "during two"})
            private_redis.start()
            recovered = await stream.events(1, within=20)
            await send(gateway, user, "POST", "/api/v1/tasks", {"title": "after"})
            live = await stream.events(1)
    assert [(f.id, f.json()["task"]["title"]) for f in from_log + recovered + live] == [
        ("2", "during one"),
        ("3", "during two"),
        ("4", "after"),
    ]


@pytest.fixture
def gateway_process(
    mcp_tasks: ServiceProcess, auth: ServiceProcess, gateway_database: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    service = start_service(
        "chat_gateway.main:create_app",
        gateway_env(mcp_tasks.url, auth.url, gateway_database),
        tmp_path / "chat-gateway.log",
        uvicorn_args=("--timeout-graceful-shutdown", "10"),
    )
    yield service
    service.stop()


async def test_sigterm_ends_open_event_streams_cleanly_and_the_process_exits_promptly(
    gateway_process: ServiceProcess, new_user: NewUser
) -> None:
    user = await new_user()
    gateway = Gateway(gateway_process.url, cast(Any, None), cast(Any, None))
    async with open_events(gateway.url, user.headers) as stream:
        await send(gateway, user, "POST", "/api/v1/tasks", {"title": "before shutdown"})
        [event] = await stream.events(1)
        began = time.monotonic()
        gateway_process.process.send_signal(signal.SIGTERM)
        with anyio.fail_after(5):
            # The response ends with its last chunk: the client resumes elsewhere.
            assert await stream.next_frame() is None
    ended_after = time.monotonic() - began
    exit_code = await anyio.to_thread.run_sync(gateway_process.process.wait, 8)
    exited_after = time.monotonic() - began
    log = gateway_process.log.read_text()
    assert event.id == "1"
    assert ended_after < 3, ended_after
    assert exited_after < 5, exited_after
    assert exit_code in {0, -signal.SIGTERM}
    assert "timeout graceful shutdown exceeded" not in log
    assert "Traceback" not in log
