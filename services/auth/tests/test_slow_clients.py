"""A sign-in whose body trickles in is cut off with 408 by the service under real uvicorn."""

import json
import socket

import anyio
import pytest
import uvicorn
from auth_service.config import Settings
from auth_service.main import create_app

pytestmark = pytest.mark.anyio


async def test_a_login_body_sent_a_byte_at_a_time_is_answered_408_and_closed(
    settings: Settings,
) -> None:
    app = create_app(settings.model_copy(update={"body_read_timeout_seconds": 0.5}))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    answer = b""
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [sock])
        with anyio.fail_after(20):
            while not server.started:  # noqa: ASYNC110 - uvicorn.Server exposes only a flag
                await anyio.sleep(0.02)
            async with await anyio.connect_tcp("127.0.0.1", sock.getsockname()[1]) as stream:
                await stream.send(
                    b"POST /auth/login HTTP/1.1\r\nHost: auth.test\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"
                )

                async def trickle() -> None:
                    for _ in range(100):
                        await anyio.sleep(0.1)
                        try:
                            await stream.send(b" ")
                        except (anyio.BrokenResourceError, OSError):
                            return

                group.start_soon(trickle)
                while True:
                    try:
                        answer += await stream.receive()
                    except (anyio.EndOfStream, anyio.BrokenResourceError):
                        break
        server.should_exit = True
        group.cancel_scope.cancel()
    sock.close()

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert json.loads(body) == {
        "type": "about:blank",
        "title": "Request Timeout",
        "status": 408,
        "detail": "The request body did not arrive within 0.5 seconds.",
    }
