"""Fixtures of the black-box suite: where the system is, readiness, fresh users, clients."""

import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .accounts import Account, create_account

BASE_URL = os.environ.get("E2E_BASE_URL", "http://127.0.0.1:8080").rstrip("/")
READY_TIMEOUT = float(os.environ.get("E2E_READY_TIMEOUT", "90"))
SIGNING_KEY_FILE = os.environ.get("E2E_AUTH_SIGNING_KEY_FILE", "")


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"


def _not_ready(client: httpx.Client) -> str | None:
    try:
        jwks = client.get("/.well-known/jwks.json")
        if jwks.status_code != 200 or not jwks.json().get("keys"):
            return f"GET /.well-known/jwks.json -> {jwks.status_code}"
        anonymous = client.get("/api/v1/tasks")
        if anonymous.status_code != 401:
            return f"GET /api/v1/tasks without a token -> {anonymous.status_code}"
        email = f"e2e-ready-{time.time_ns()}@example.com"
        created = client.post("/auth/register", json={"email": email, "password": "Ready-1234-x"})
        if created.status_code != 202:
            return f"POST /auth/register -> {created.status_code}"
        token = client.post("/auth/login", json={"email": email, "password": "Ready-1234-x"})
        if token.status_code != 200:
            return f"POST /auth/login -> {token.status_code}"
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        tasks = client.get("/api/v1/tasks", headers=headers)
        if tasks.status_code != 200:
            return f"GET /api/v1/tasks -> {tasks.status_code}"
    except (httpx.HTTPError, ValueError) as error:
        return repr(error)
    return None


@pytest.fixture(scope="session")
def system_ready() -> str:
    """Wait (bounded by E2E_READY_TIMEOUT) until auth and the API answer through BASE_URL."""
    deadline = time.monotonic() + READY_TIMEOUT
    last: str | None = "never tried"
    with httpx.Client(base_url=BASE_URL, timeout=5.0) as client:
        while time.monotonic() < deadline:
            last = _not_ready(client)
            if last is None:
                break
            time.sleep(1.0)
        else:
            pytest.fail(f"system at {BASE_URL} not ready after {READY_TIMEOUT:.0f}s: {last}")
    return BASE_URL


@pytest.fixture
async def client(system_ready: str) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the system's single public origin."""
    async with httpx.AsyncClient(base_url=system_ready, timeout=30.0) as http:
        yield http


@pytest.fixture
async def alice(client: httpx.AsyncClient) -> Account:
    """A fresh registered and signed-in user."""
    return await create_account(client)


@pytest.fixture
async def bob(client: httpx.AsyncClient) -> Account:
    """A second fresh user, for isolation tests."""
    return await create_account(client)


@pytest.fixture(scope="session")
def jwks(system_ready: str) -> dict[str, Any]:
    """The published signing keys."""
    answer = httpx.get(f"{system_ready}/.well-known/jwks.json", timeout=10.0)
    assert answer.status_code == 200
    keys: dict[str, Any] = answer.json()
    return keys


@pytest.fixture(scope="session")
def signing_key_pem() -> str | None:
    """The auth service's private signing key, when the operator hands it to the suite."""
    if not SIGNING_KEY_FILE:
        return None
    return Path(SIGNING_KEY_FILE).read_text()
