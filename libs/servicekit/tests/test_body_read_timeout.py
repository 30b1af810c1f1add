"""A request body that trickles in is cut off with 408 by a real uvicorn server."""

import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import pytest
import uvicorn
from anyio.abc import SocketStream
from fastapi import FastAPI
from pydantic import BaseModel
from servicekit.errors import BodySizeLimitMiddleware, install_problem_handlers

pytestmark = pytest.mark.anyio

TIMEOUT = 0.5
HEAD = (
    b"POST /items HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n"
)


class Item(BaseModel):
    name: str


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=4096, read_timeout_seconds=TIMEOUT)
    return app


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[int]:
    """A real uvicorn server on a free loopback port, stopped on exit."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [sock])
        with anyio.fail_after(10):
            while not server.started:  # noqa: ASYNC110 - uvicorn.Server exposes only a flag
                await anyio.sleep(0.02)
        try:
            yield sock.getsockname()[1]
        finally:
            server.should_exit = True
    sock.close()


async def trickle_until_answered(stream: SocketStream) -> bytes:
    """Send the head, then one byte of body every 0.1 s, until the server answers and closes."""
    answer = b""
    async with anyio.create_task_group() as group:

        async def trickle() -> None:
            await stream.send(HEAD + b"{")
            for _ in range(200):
                await anyio.sleep(0.1)
                try:
                    await stream.send(b" ")
                except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                    return

        group.start_soon(trickle)
        while True:
            try:
                answer += await stream.receive()
            except (anyio.EndOfStream, anyio.BrokenResourceError):
                break
        group.cancel_scope.cancel()
    return answer


async def test_twenty_trickling_bodies_are_each_answered_408_and_their_connections_closed() -> None:
    async with serving(build_app()) as port:
        answers: list[bytes] = []

        async def one() -> None:
            async with await anyio.connect_tcp("127.0.0.1", port) as stream:
                answers.append(await trickle_until_answered(stream))

        with anyio.fail_after(15):
            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(one)

    assert len(answers) == 20
    for answer in answers:
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408 "), answer
        assert b"content-type: application/problem+json" in head.lower()
        assert b"connection: close" in head.lower()
        assert json.loads(body) == {
            "type": "about:blank",
            "title": "Request Timeout",
            "status": 408,
            "detail": f"The request body did not arrive within {TIMEOUT:g} seconds.",
        }


async def test_a_body_that_arrives_in_time_is_served() -> None:
    async with serving(build_app()) as port, await anyio.connect_tcp("127.0.0.1", port) as stream:
        body = b'{"name": "quick"}'
        await stream.send(
            b"POST /items HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        answer = b""
        with anyio.fail_after(10):
            while True:
                try:
                    answer += await stream.receive()
                except anyio.EndOfStream:
                    break

    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert json.loads(payload) == {"name": "quick"}
