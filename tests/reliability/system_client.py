"""What a user does over HTTP: sign up, manage tasks, chat, follow live events.

Chat speaks the ChatKit protocol through the end-to-end suite's client (tests/e2e/chatkit_wire.py).
"""

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio
import httpx

from tests.e2e.chatkit_wire import JSON, Turn, send_message


@dataclass
class User:
    """A signed-in user of one stack."""

    user_id: str
    access_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}", "X-User-Timezone": "UTC"}


async def sign_up(auth: httpx.AsyncClient) -> User:
    """Register and sign in a fresh user."""
    email = f"rel-{secrets.token_hex(8)}@example.com"
    password = secrets.token_urlsafe(18)
    created = await auth.post("/auth/register", json={"email": email, "password": password})
    assert created.status_code == 202, created.text
    signed_in = await auth.post("/auth/login", json={"email": email, "password": password})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    me = await auth.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    return User(me.json()["id"], token)


async def chat(
    gateway: httpx.AsyncClient, user: User, text: str, thread_id: str | None = None
) -> Turn:
    """Send a message and read the whole stream; a broken stream is recorded, not raised."""
    return await send_message(gateway, user, text, thread_id, record_broken=True)


@dataclass
class EventLog:
    """Task events received by a listener, with the moment each arrived."""

    frames: list[tuple[float, JSON]] = field(default_factory=list)
    resyncs: int = 0
    reconnects: int = 0
    changed: anyio.Event = field(default_factory=anyio.Event)
    connected: anyio.Event = field(default_factory=anyio.Event)
    """Set once the server sent the stream's first block: changes from then on are delivered."""

    def add(self, payload: JSON) -> None:
        self.frames.append((anyio.current_time(), payload))
        self.changed.set()
        self.changed = anyio.Event()

    @property
    def versions(self) -> list[int]:
        return [int(payload["version"]) for _, payload in self.frames]

    @property
    def task_ids(self) -> set[str]:
        return {str(payload["task_id"]) for _, payload in self.frames}


async def _read_stream(gateway: httpx.AsyncClient, user: User, log: EventLog) -> None:
    last: int | None = None
    while True:
        headers = dict(user.headers)
        if last is not None:
            headers["Last-Event-ID"] = str(last)
        try:
            async with gateway.stream(
                "GET", "/api/v1/events", headers=headers, timeout=httpx.Timeout(5.0, read=None)
            ) as answer:
                if answer.status_code != 200:
                    await answer.aread()
                    raise AssertionError(f"events: {answer.status_code} {answer.text}")
                event, data = "message", list[str]()
                async for line in answer.aiter_lines():
                    if line == "":
                        log.connected.set()
                        if data and event == "resync":
                            log.resyncs += 1
                        elif data:
                            payload = json.loads("\n".join(data))
                            log.add(payload)
                            last = int(payload["version"])
                        event, data = "message", []
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
        except (httpx.HTTPError, anyio.EndOfStream):
            pass
        # The server closed or the connection broke: resume like a browser's EventSource.
        log.reconnects += 1
        await anyio.sleep(0.2)


@asynccontextmanager
async def listening(gateway: httpx.AsyncClient, user: User) -> AsyncIterator[EventLog]:
    """Follow the user's live events (reconnecting with Last-Event-ID) while inside.

    Enters once the stream has started (its first block arrived), as a dashboard does before
    it trusts the stream: a change committed earlier is part of the starting version, not an
    event of the stream.
    """
    log = EventLog()
    async with anyio.create_task_group() as group:
        group.start_soon(_read_stream, gateway, user, log)
        try:
            with anyio.fail_after(15):
                await log.connected.wait()
            yield log
        finally:
            group.cancel_scope.cancel()


async def wait_for_versions(log: EventLog, count: int, within: float) -> float:
    """Seconds until ``log`` holds ``count`` events; raises TimeoutError after ``within``."""
    began = anyio.current_time()
    with anyio.fail_after(within):
        while len(log.frames) < count:
            await log.changed.wait()
    return anyio.current_time() - began
