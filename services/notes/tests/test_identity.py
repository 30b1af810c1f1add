"""Forged, stale or replayed identity headers answer 401 before any tool or query runs."""

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx2
import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from notes_service.config import Settings
from notes_service.main import create_app
from notes_service.runtime import Runtime
from notes_testkit import API, BASE_URL, UserRows, free_port, make_settings
from pydantic import ValidationError
from servicekit.identity import (
    KEY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_HEADER,
    IdentitySigner,
)

pytestmark = pytest.mark.anyio

MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
Tamper = Callable[["Signed", IdentitySigner, uuid.UUID], None]


@dataclass
class Signed:
    """One request as a signer would send it; cases then tamper with it."""

    path: str
    body: bytes
    headers: dict[str, str]


def mcp_request(signer: IdentitySigner, user: uuid.UUID) -> Signed:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "create_note", "arguments": {"title": "forged"}},
        }
    ).encode()
    return Signed("/mcp", body, {**MCP_HEADERS, **signer.headers("POST", "/mcp", body, user)})


def rest_request(signer: IdentitySigner, user: uuid.UUID) -> Signed:
    body = json.dumps({"title": "forged"}).encode()
    headers = {"content-type": "application/json", **signer.headers("POST", API, body, user)}
    return Signed(API, body, headers)


def without(header: str) -> Tamper:
    def tamper(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
        del request.headers[header]

    return tamper


def resigned(*, key: IdentitySigner | None = None, skew: int = 0) -> Tamper:
    def tamper(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
        request.headers.update(
            (key or signer).headers(
                "POST", request.path, request.body, user, timestamp=int(time.time()) + skew
            )
        )

    return tamper


def bad_signature(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    signature = request.headers[SIGNATURE_HEADER]
    request.headers[SIGNATURE_HEADER] = ("A" if signature[0] != "A" else "B") + signature[1:]


def changed_body(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.body = request.body.replace(b"forged", b"FORGED")


def changed_query(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.path = request.path + "?limit=1"


def changed_user(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.headers[USER_HEADER] = str(uuid.uuid4())


CASES: dict[str, Tamper] = {
    "user header missing": without(USER_HEADER),
    "timestamp header missing": without(TIMESTAMP_HEADER),
    "nonce header missing": without(NONCE_HEADER),
    "key header missing": without(KEY_HEADER),
    "signature header missing": without(SIGNATURE_HEADER),
    "unknown key id": resigned(key=IdentitySigner("retired", b"tool-service-retired-secret-0000")),
    "bad signature": bad_signature,
    "timestamp 61 s old": resigned(skew=-61),
    "timestamp 61 s ahead": resigned(skew=61),
    "body changed": changed_body,
    "query changed": changed_query,
    "user changed": changed_user,
}

UNAUTHORIZED = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Valid identity headers are required.",
}


@pytest.fixture
async def unreachable_database_http() -> AsyncIterator[httpx2.AsyncClient]:
    """The app with a database nothing listens on: any query would fail the request (500)."""
    settings = make_settings(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/none")
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE_URL) as http,
    ):
        yield http


@pytest.mark.parametrize("endpoint", ["mcp", "rest"])
@pytest.mark.parametrize("case", list(CASES))
async def test_forged_identity_answers_401_without_any_query(
    unreachable_database_http: httpx2.AsyncClient,
    signer: IdentitySigner,
    endpoint: str,
    case: str,
) -> None:
    user = uuid.uuid4()
    request = (mcp_request if endpoint == "mcp" else rest_request)(signer, user)
    CASES[case](request, signer, user)

    response = await unreachable_database_http.post(
        request.path, content=request.body, headers=request.headers
    )

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("endpoint", ["mcp", "rest"])
@pytest.mark.parametrize("case", ["bad signature", "user changed", "timestamp 61 s old"])
async def test_forged_identity_changes_nothing(
    raw_http: httpx2.AsyncClient, signer: IdentitySigner, rows: UserRows, endpoint: str, case: str
) -> None:
    user = uuid.uuid4()
    request = (mcp_request if endpoint == "mcp" else rest_request)(signer, user)
    CASES[case](request, signer, user)
    claimed = uuid.UUID(request.headers[USER_HEADER])

    response = await raw_http.post(request.path, content=request.body, headers=request.headers)

    assert response.status_code == 401
    assert await rows(user) == ([], [])
    assert await rows(claimed) == ([], [])


@pytest.mark.parametrize("endpoint", ["mcp", "rest"])
async def test_a_replayed_nonce_answers_401_and_the_change_happens_once(
    raw_http: httpx2.AsyncClient, signer: IdentitySigner, rows: UserRows, endpoint: str
) -> None:
    user = uuid.uuid4()
    request = (mcp_request if endpoint == "mcp" else rest_request)(signer, user)

    first = await raw_http.post(request.path, content=request.body, headers=request.headers)
    replay = await raw_http.post(request.path, content=request.body, headers=request.headers)

    assert first.status_code in (200, 201)
    assert "forged" in first.text
    assert replay.status_code == 401
    assert replay.json() == UNAUTHORIZED
    records, events = await rows(user)
    assert [record.title for record in records] == ["forged"]
    assert [event.version for event in events] == [1]


async def test_an_unsigned_in_memory_call_is_refused_as_unauthenticated(
    server: MCPServer[Runtime],
) -> None:
    async with Client(server) as client:
        with pytest.raises(MCPError) as refused:
            await client.call_tool("search_notes", {})

    assert refused.value.code == -32001
    assert refused.value.message == "Valid identity headers are required."


@pytest.mark.parametrize("environment", ["test", "production"])
def test_a_placeholder_identity_key_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str
) -> None:
    monkeypatch.setenv("ENVIRONMENT", environment)
    monkeypatch.setenv("NOTES_IDENTITY_KEYS", '{"dev": "changethis"}')

    with pytest.raises(ValidationError, match="placeholder"):
        Settings()


def test_the_development_placeholder_still_starts_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.delenv("NOTES_IDENTITY_KEYS", raising=False)

    assert Settings().identity_secrets() == {"dev": b"changethis"}
