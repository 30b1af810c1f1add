"""Forged, stale or replayed identity headers answer 401 before any tool or query runs."""

import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx2
import pytest
from mcp import Client, MCPError
from mcp.server.mcpserver import MCPServer
from mcp_tasks.runtime import Runtime
from servicekit.identity import (
    KEY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_HEADER,
    IdentitySigner,
)
from servicekit.testkit.under_test import UserRows

pytestmark = pytest.mark.anyio

MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


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
            "params": {"name": "add_task", "arguments": {"title": "forged"}},
        }
    ).encode()
    return Signed("/mcp", body, {**MCP_HEADERS, **signer.headers("POST", "/mcp", body, user)})


def rest_request(signer: IdentitySigner, user: uuid.UUID) -> Signed:
    path = "/internal/v1/tasks"
    body = json.dumps({"title": "forged"}).encode()
    headers = {"content-type": "application/json", **signer.headers("POST", path, body, user)}
    return Signed(path, body, headers)


def without(header: str) -> Callable[[Signed, IdentitySigner, uuid.UUID], None]:
    def tamper(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
        del request.headers[header]

    return tamper


def resigned(
    *, key: IdentitySigner | None = None, skew: int = 0, user: uuid.UUID | None = None
) -> Callable[[Signed, IdentitySigner, uuid.UUID], None]:
    def tamper(request: Signed, signer: IdentitySigner, acting: uuid.UUID) -> None:
        request.headers.update(
            (key or signer).headers(
                "POST",
                request.path,
                request.body,
                user or acting,
                # Rounded up: truncated, "61 s ahead" is within the window for any request
                # slower than the discarded fraction of a second.
                timestamp=math.ceil(time.time()) + skew,
            )
        )

    return tamper


def bad_signature(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    signature = request.headers[SIGNATURE_HEADER]
    request.headers[SIGNATURE_HEADER] = ("A" if signature[0] != "A" else "B") + signature[1:]


def changed_body(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.body = request.body.replace(b"forged", b"FORGED")


def changed_path(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.path = request.path + "?status=all" if "internal" in request.path else "/mcp/"


def changed_user(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.headers[USER_HEADER] = str(uuid.uuid4())


CASES: dict[str, Callable[[Signed, IdentitySigner, uuid.UUID], None]] = {
    "user header missing": without(USER_HEADER),
    "timestamp header missing": without(TIMESTAMP_HEADER),
    "nonce header missing": without(NONCE_HEADER),
    "key header missing": without(KEY_HEADER),
    "signature header missing": without(SIGNATURE_HEADER),
    "unknown key id": resigned(key=IdentitySigner("retired", b"mcp-tasks-retired-secret-000000")),
    "bad signature": bad_signature,
    "timestamp 61 s old": resigned(skew=-61),
    "timestamp 61 s ahead": resigned(skew=61),
    "body changed": changed_body,
    "path changed": changed_path,
    "user changed": changed_user,
}


@pytest.mark.parametrize("endpoint", ["mcp", "rest"])
@pytest.mark.parametrize("case", list(CASES))
async def test_forged_identity_answers_401_and_changes_nothing(
    raw_http: httpx2.AsyncClient, signer: IdentitySigner, rows: UserRows, endpoint: str, case: str
) -> None:
    user = uuid.uuid4()
    request = (mcp_request if endpoint == "mcp" else rest_request)(signer, user)
    CASES[case](request, signer, user)
    claimed = uuid.UUID(request.headers.get(USER_HEADER, str(user)))

    response = await raw_http.post(request.path, content=request.body, headers=request.headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Valid identity headers are required.",
    }
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
    assert replay.json()["detail"] == "Valid identity headers are required."
    tasks, events = await rows(user)
    assert [task.title for task in tasks] == ["forged"]
    assert [event.version for event in events] == [1]


async def test_an_unsigned_in_memory_call_is_refused_as_unauthenticated(
    server: MCPServer[Runtime],
) -> None:
    async with Client(server) as client:
        with pytest.raises(MCPError) as refused:
            await client.call_tool("list_tasks", {})

    assert refused.value.code == -32001
    assert refused.value.message == "Valid identity headers are required."
