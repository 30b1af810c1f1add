"""Forged, stale or replayed identity headers answer 401 before any tool or query runs."""

import uuid

import httpx2
import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from notes_service.config import Settings
from notes_service.runtime import Runtime
from pydantic import ValidationError
from servicekit.identity import IdentitySigner
from servicekit.testkit.forged_identity import (
    FORGERIES,
    SignedRequest,
    assert_unauthorized,
    forged,
    mcp_tool_call,
    rest_post,
)
from servicekit.testkit.under_test import UserRows

pytestmark = pytest.mark.anyio

WRITES: dict[str, SignedRequest] = {
    "mcp": mcp_tool_call("create_note", {"title": "forged"}),
    "rest": rest_post("/api/v1/notes", {"title": "forged"}),
}


@pytest.mark.parametrize("endpoint", list(WRITES))
@pytest.mark.parametrize("case", list(FORGERIES))
async def test_forged_identity_answers_401_without_any_query(
    unreachable_database_http: httpx2.AsyncClient,
    signer: IdentitySigner,
    endpoint: str,
    case: str,
) -> None:
    request = forged(WRITES[endpoint], signer, uuid.uuid4(), case)

    assert_unauthorized(await request.send(unreachable_database_http))


@pytest.mark.parametrize("endpoint", list(WRITES))
@pytest.mark.parametrize("case", ["bad signature", "user changed", "timestamp 61 s old"])
async def test_forged_identity_changes_nothing(
    raw_http: httpx2.AsyncClient, signer: IdentitySigner, rows: UserRows, endpoint: str, case: str
) -> None:
    user = uuid.uuid4()
    request = forged(WRITES[endpoint], signer, user, case)

    response = await request.send(raw_http)

    assert response.status_code == 401
    assert await rows(user) == ([], [])
    assert await rows(request.claimed_user) == ([], [])


@pytest.mark.parametrize("endpoint", list(WRITES))
async def test_a_replayed_nonce_answers_401_and_the_change_happens_once(
    raw_http: httpx2.AsyncClient, signer: IdentitySigner, rows: UserRows, endpoint: str
) -> None:
    user = uuid.uuid4()
    request = WRITES[endpoint](signer, user)

    first = await request.send(raw_http)
    replay = await request.send(raw_http)

    assert first.status_code in (200, 201)
    assert "forged" in first.text
    assert_unauthorized(replay)
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
