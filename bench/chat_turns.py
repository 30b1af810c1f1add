"""Bench users of the chat: sign-up through auth, and one streamed ChatKit turn, timed.

Shared by chat_turn_bench.py, http_model_bench.py and open_model_chat.py.
"""

import json
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx


def signing_key() -> str:
    """A fresh RSA private key (PEM) for the auth service to sign tokens with."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


async def register(auth_url: str, count: int) -> list[str]:
    """Access tokens of ``count`` new users, each registered and logged in."""
    tokens: list[str] = []
    async with httpx.AsyncClient(base_url=auth_url, timeout=30) as client:
        for _ in range(count):
            email = f"bench-{uuid.uuid4().hex}@example.com"
            password = "bench password " + secrets.token_hex(6)
            created = await client.post(
                "/auth/register", json={"email": email, "password": password}
            )
            created.raise_for_status()
            login = await client.post("/auth/login", json={"email": email, "password": password})
            login.raise_for_status()
            tokens.append(login.json()["access_token"])
    return tokens


def turn_body(thread_id: str | None, text: str) -> bytes:
    """The ChatKit request that says ``text``: on a new thread, or on ``thread_id``."""
    message = {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }
    if thread_id is None:
        return json.dumps({"type": "threads.create", "params": {"input": message}}).encode()
    return json.dumps(
        {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message}}
    ).encode()


@dataclass(frozen=True)
class Turn:
    """One streamed turn as the client saw it."""

    status: int
    body: str
    first_byte_ms: float
    total_ms: float
    thread_id: str | None
    """The thread the turn ran on: the one given, or the one it created."""

    def events(self) -> list[dict[str, Any]]:
        """The Server-Sent Events of the answer, parsed."""
        return [
            json.loads(block[6:]) for block in self.body.split("\n\n") if block.startswith("data: ")
        ]

    @property
    def ok(self) -> bool:
        """Answered 200 without an error event."""
        return self.status == 200 and '"type":"error"' not in self.body


async def send_turn(
    client: httpx.AsyncClient,
    url: str,
    thread_id: str | None,
    text: str,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> Turn:
    """Say ``text`` to the ChatKit endpoint ``url`` (as the user of ``token``) and read the
    whole streamed answer."""
    sent = {"Content-Type": "application/json"} | (headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    first: float | None = None
    chunks: list[bytes] = []
    async with client.stream(
        "POST", url, content=turn_body(thread_id, text), headers=sent
    ) as response:
        async for chunk in response.aiter_raw():
            if first is None:
                first = time.perf_counter()
            chunks.append(chunk)
    done = time.perf_counter()
    body = b"".join(chunks).decode()
    if thread_id is None:
        for block in body.split("\n\n"):
            if block.startswith('data: {"type":"thread.created"'):
                thread_id = json.loads(block[6:])["thread"]["id"]
    return Turn(
        response.status_code,
        body,
        ((first or done) - started) * 1000,
        (done - started) * 1000,
        thread_id,
    )
