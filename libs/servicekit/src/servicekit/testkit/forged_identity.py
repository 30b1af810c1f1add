"""Forged, stale or replayed identity headers: the table of tamperings every tool service must
answer with 401 before any tool or query runs, and the requests to tamper with."""

import json
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx2

from servicekit.identity import (
    KEY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_HEADER,
    IdentitySigner,
)

MCP_HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}

UNAUTHORIZED = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Valid identity headers are required.",
}
"""The whole problem+json body of every refusal."""


@dataclass
class Signed:
    """One request as a signer would send it; cases then tamper with it."""

    path: str
    body: bytes
    headers: dict[str, str]

    @property
    def claimed_user(self) -> uuid.UUID:
        """The user the (possibly tampered) headers claim."""
        return uuid.UUID(self.headers[USER_HEADER])

    async def send(self, http: httpx2.AsyncClient) -> httpx2.Response:
        """POST it as it is now."""
        return await http.post(self.path, content=self.body, headers=self.headers)


SignedRequest = Callable[[IdentitySigner, uuid.UUID], Signed]
Tamper = Callable[[Signed, IdentitySigner, uuid.UUID], None]


def mcp_tool_call(tool: str, arguments: dict[str, Any]) -> SignedRequest:
    """A signed MCP tools/call of ``tool`` (POST /mcp)."""

    def build(signer: IdentitySigner, user: uuid.UUID) -> Signed:
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": tool, "arguments": arguments},
            }
        ).encode()
        headers = {**MCP_HEADERS, **signer.headers("POST", "/mcp", body, user)}
        return Signed("/mcp", body, headers)

    return build


def rest_post(path: str, payload: dict[str, Any]) -> SignedRequest:
    """A signed JSON POST to ``path``."""

    def build(signer: IdentitySigner, user: uuid.UUID) -> Signed:
        body = json.dumps(payload).encode()
        headers = {"content-type": "application/json", **signer.headers("POST", path, body, user)}
        return Signed(path, body, headers)

    return build


def _without(header: str) -> Tamper:
    def tamper(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
        del request.headers[header]

    return tamper


def _resigned(*, key: IdentitySigner | None = None, skew: int = 0) -> Tamper:
    def tamper(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
        # Rounded up: truncating would put "61 s ahead" within 60 s of the server's clock for
        # any request that takes longer than the discarded fraction of a second.
        timestamp = math.ceil(time.time()) + skew
        request.headers.update(
            (key or signer).headers("POST", request.path, request.body, user, timestamp=timestamp)
        )

    return tamper


def _bad_signature(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    signature = request.headers[SIGNATURE_HEADER]
    request.headers[SIGNATURE_HEADER] = ("A" if signature[0] != "A" else "B") + signature[1:]


def _changed_body(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    # Still the same JSON document: only the signature can tell the bytes changed.
    request.body = request.body + b" "


def _changed_query(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.path = request.path + "?limit=1"


def _changed_user(request: Signed, signer: IdentitySigner, user: uuid.UUID) -> None:
    request.headers[USER_HEADER] = str(uuid.uuid4())


FORGERIES: dict[str, Tamper] = {
    "user header missing": _without(USER_HEADER),
    "timestamp header missing": _without(TIMESTAMP_HEADER),
    "nonce header missing": _without(NONCE_HEADER),
    "key header missing": _without(KEY_HEADER),
    "signature header missing": _without(SIGNATURE_HEADER),
    "unknown key id": _resigned(key=IdentitySigner("retired", b"tool-service-retired-secret-0000")),
    "bad signature": _bad_signature,
    "timestamp 61 s old": _resigned(skew=-61),
    "timestamp 61 s ahead": _resigned(skew=61),
    "body changed": _changed_body,
    "query changed": _changed_query,
    "user changed": _changed_user,
}
"""Every way a request's identity can be forged, by a readable name."""


def forged(request: SignedRequest, signer: IdentitySigner, user: uuid.UUID, case: str) -> Signed:
    """``request`` signed for ``user``, then tampered with as ``case`` of FORGERIES says."""
    signed = request(signer, user)
    FORGERIES[case](signed, signer, user)
    return signed


def assert_unauthorized(response: httpx2.Response) -> None:
    """The response is the identity refusal: 401 problem+json with the fixed body."""
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == UNAUTHORIZED
