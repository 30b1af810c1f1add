"""A connection the front server answers on as keep-alive takes the client's next request.

An answer that comes before the request's body is read (a 401 for a bad token on a POST) is the
case that broke: with bodies streamed to the services, nginx announced keep-alive, then closed
the connection because it was still reading the body, and the next request on it got nothing.
"""

from urllib.parse import urlsplit

import anyio
import pytest

pytestmark = pytest.mark.anyio

BODY = b'{"title": "early answer"}'
POSTS_ANSWERED_BEFORE_THE_BODY = [
    ("/api/v1/tasks", b"401"),
    ("/api/v1/chatkit", b"401"),
    ("/auth/me", b"405"),
]


async def _one_answer(sock: anyio.abc.SocketStream) -> bytes:
    """Read one answer with a Content-Length; b"" when the server closes first."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        try:
            raw += await sock.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError, OSError):
            return raw
    head, _, body = raw.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += await sock.receive()
    return head


@pytest.mark.parametrize(("path", "status"), POSTS_ANSWERED_BEFORE_THE_BODY)
async def test_the_next_request_is_answered_after_an_answer_sent_before_the_body(
    system_ready: str, path: str, status: bytes
) -> None:
    url = urlsplit(system_ready)
    host = f"Host: {url.netloc}\r\nAuthorization: Bearer not-a-token\r\n"
    post = (
        f"POST {path} HTTP/1.1\r\n{host}Content-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\n\r\n"
    ).encode()
    with anyio.fail_after(20):
        async with await anyio.connect_tcp(url.hostname or "127.0.0.1", url.port or 80) as sock:
            # The head first and the body a moment later, as a client writing them apart does.
            await sock.send(post)
            await anyio.sleep(0.2)
            await sock.send(BODY)
            first = await _one_answer(sock)
            assert first.split()[1:2] == [status], first
            assert b"connection: close" not in first.lower(), first

            await sock.send(f"GET /api/v1/tasks HTTP/1.1\r\n{host}\r\n".encode())
            second = await _one_answer(sock)
            assert second.split()[1:2] == [b"401"], f"after POST {path}: {second!r}"
