"""Attacks on the public endpoints: forged tokens, huge bodies, malformed and hostile input.

Every attack answers 4xx (never 5xx) and writes nothing, checked through the API afterwards.
"""

import base64
import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpx
import pytest

from . import chatkit_wire as chat
from .accounts import Account, fresh_email
from .forged_tokens import attack_table, find_kid
from .task_api import all_tasks, create_task

pytestmark = pytest.mark.anyio

TEN_MB = 10 * 1024 * 1024
HOSTILE_STRINGS = [
    "' OR '1'='1",
    "'; DROP TABLE tasks; --",
    '" OR ""="',
    "<script>alert(1)</script>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "${jndi:ldap://127.0.0.1:9/x}",
    "../../../../etc/passwd",
    "%00%0d%0aSet-Cookie: x=y",
    "\u202eevil\u202c",
    "zero\u200bwidth\ufeff",
    "🙂👍🏽👨‍👩‍👧",
    "Ω≈ç√∫˜µ≤≥÷ 中文 العربية",
    "NUL\u0000byte",
    "\x1b[31mansi\x1b[0m",
    "a" * 10_000,
]


def _assert_refused(answer: httpx.Response, *, allowed: tuple[int, ...] = ()) -> None:
    assert answer.status_code < 500, f"{answer.request.method} {answer.request.url}: {answer.text}"
    assert 400 <= answer.status_code < 500 or answer.status_code in allowed, answer.text


def _protected_requests(token_header: str) -> list[tuple[str, str, dict[str, Any]]]:
    headers = {"Authorization": token_header}
    create = {"type": "threads.create", "params": {"input": chat.user_input("add a task x")}}
    return [
        ("GET", "/api/v1/tasks", {"headers": headers}),
        ("POST", "/api/v1/tasks", {"headers": headers, "json": {"title": "forged"}}),
        ("POST", "/api/v1/chatkit", {"headers": headers, "json": create}),
        (
            "POST",
            "/api/v1/chatkit",
            {"headers": headers, "json": {"type": "threads.list", "params": {}}},
        ),
        ("POST", "/api/v1/events/tickets", {"headers": headers}),
        ("GET", "/api/v1/events", {"headers": headers}),
        ("GET", "/auth/me", {"headers": headers}),
    ]


async def _nothing_written(client: httpx.AsyncClient, account: Account) -> None:
    assert await all_tasks(client, account) == []
    threads = await chat.call(client, account, "threads.list", {})
    assert threads.status_code == 200
    assert threads.json()["data"] == []


ATTACK_CASES = [
    "alg none",
    "alg None",
    "HS256 signed with the public key PEM",
    "HS256 signed with the JWK modulus",
    "RS256 by a foreign key under the real kid",
    "unknown kid",
    "embedded jwk header",
    "tampered payload: other subject",
    "tampered payload: later expiry",
    "signature stripped",
    "malformed: one segment",
    "malformed: garbage segments",
    "malformed: four segments",
    "malformed: oversized",
    "expired",
    "nbf in the future",
    "wrong issuer",
    "wrong audience",
    "no expiry",
    "no subject",
    "subject not a uuid",
]


@pytest.mark.parametrize("case", ATTACK_CASES)
async def test_forged_tokens_are_refused_everywhere_and_write_nothing(
    client: httpx.AsyncClient,
    alice: Account,
    jwks: dict[str, Any],
    signing_key_pem: str | None,
    case: str,
) -> None:
    signing_key = None
    if signing_key_pem is not None:
        signing_key = (signing_key_pem, find_kid(signing_key_pem, jwks))
    table = {
        row.case: row.token
        for row in attack_table(alice.user_id, alice.access_token, jwks, signing_key)
    }
    if case not in table:
        pytest.skip("needs the real signing key: set E2E_AUTH_SIGNING_KEY_FILE")

    for method, path, options in _protected_requests(f"Bearer {table[case]}"):
        answer = await client.request(method, path, **options)
        if case == "malformed: oversized" and answer.status_code == 400:
            # An nginx ingress refuses a header line over 8 KiB before any service sees it.
            assert "too large" in answer.text.lower(), answer.text
            continue
        assert answer.status_code == 401, f"{case}: {method} {path} -> {answer.status_code}"
        assert answer.json()["status"] == 401
        assert "www-authenticate" in answer.headers

    await _nothing_written(client, alice)


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic dXNlcjpwYXNzd29yZA==", "Bearer", "Token abc.def.ghi", "Bearer a b"],
)
async def test_missing_or_non_bearer_authorization_is_refused(
    client: httpx.AsyncClient, alice: Account, header: str | None
) -> None:
    for method, path, options in _protected_requests(header or ""):
        if header is None:
            options["headers"] = {}
        answer = await client.request(method, path, **options)
        assert answer.status_code == 401, f"{header!r}: {method} {path} -> {answer.status_code}"
    await _nothing_written(client, alice)


async def test_a_bearer_header_with_an_empty_token_is_refused_on_the_wire(
    system_ready: str,
) -> None:
    url = urlsplit(system_ready)
    request = (
        f"GET /api/v1/tasks HTTP/1.1\r\nHost: {url.netloc}\r\n"
        "Authorization: Bearer \r\nConnection: close\r\n\r\n"
    ).encode()
    with anyio.fail_after(10):
        async with await anyio.connect_tcp(url.hostname or "127.0.0.1", url.port or 80) as sock:
            await sock.send(request)
            raw = b""
            try:
                while chunk := await sock.receive():
                    raw += chunk
            except anyio.EndOfStream:
                pass
    status_line = raw.split(b"\r\n", 1)[0]
    assert status_line.split()[1] == b"401", status_line


@pytest.mark.parametrize(
    "target",
    ["/api/../metrics", "/.well-known/../openapi.json", "/api/%2e%2e/metrics", "/auth/../docs"],
)
async def test_dot_segments_cannot_reach_past_a_proxied_prefix(
    system_ready: str, target: str
) -> None:
    # httpx resolves dot segments itself, so the target goes over a raw socket, as written.
    url = urlsplit(system_ready)
    request = f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n"
    raw = b""
    with anyio.fail_after(10):
        async with await anyio.connect_tcp(url.hostname or "127.0.0.1", url.port or 80) as sock:
            await sock.send(request.encode())
            try:
                while chunk := await sock.receive():
                    raw += chunk
            except anyio.EndOfStream:
                pass

    status_line = raw.split(b"\r\n", 1)[0]
    assert status_line.split()[1:2] == [b"400"], (target, raw[:300])
    assert b"# HELP" not in raw
    assert b'"openapi"' not in raw


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/auth/register"),
        ("POST", "/auth/login"),
        ("POST", "/auth/refresh"),
        ("POST", "/api/v1/tasks"),
        ("POST", "/api/v1/chatkit"),
        ("POST", "/api/v1/events/tickets"),
    ],
)
async def test_a_ten_megabyte_body_is_refused_with_413(
    system_ready: str, client: httpx.AsyncClient, alice: Account, method: str, path: str
) -> None:
    # Servers answer 413 from Content-Length and close; httpx then reports a broken upload
    # instead of the answer, so the request goes over a raw socket.
    url = urlsplit(system_ready)
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {alice.access_token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {TEN_MB}\r\nConnection: close\r\n\r\n"
    ).encode()
    raw = b""
    with anyio.fail_after(30):
        async with await anyio.connect_tcp(url.hostname or "127.0.0.1", url.port or 80) as sock:
            # Only the start of the body: writing on after the server's 413 would reset the
            # connection and destroy the answer before it is read.
            await sock.send(head + b"a" * 65536)
            try:
                while chunk := await sock.receive():
                    raw += chunk
            except (anyio.EndOfStream, anyio.BrokenResourceError, OSError):
                pass

    status_line = raw.split(b"\r\n", 1)[0]
    assert status_line.split()[1:2] == [b"413"], (path, raw[:300])
    await _nothing_written(client, alice)


MALFORMED_CHATKIT: list[tuple[str, bytes]] = [
    ("empty body", b""),
    ("not json", b"{not json"),
    ("json array", b"[]"),
    ("empty object", b"{}"),
    ("unknown type", b'{"type": "threads.explode", "params": {}}'),
    ("missing params", b'{"type": "threads.list"}'),
    ("create without input", b'{"type": "threads.create", "params": {}}'),
    ("wrong content type", b'{"type": "threads.create", "params": {"input": {"content": 5}}}'),
    (
        "unknown thread",
        json.dumps(
            {
                "type": "threads.add_user_message",
                "params": {"thread_id": "thr_00000000", "input": chat.user_input("hi")},
            }
        ).encode(),
    ),
    ("items of unknown thread", b'{"type": "items.list", "params": {"thread_id": "thr_nope"}}'),
    ("negative limit", b'{"type": "threads.list", "params": {"limit": -5}}'),
    ("huge limit", b'{"type": "threads.list", "params": {"limit": 100000000000}}'),
    ("limit as string", b'{"type": "threads.list", "params": {"limit": "ten"}}'),
    ("null bytes in type", b'{"type": "threads.list\\u0000", "params": {}}'),
    (
        "custom action on unknown item",
        b'{"type": "threads.custom_action", "params": {"thread_id": "thr_nope", '
        b'"item_id": "msg_nope", "action": {"type": "confirm_delete", "payload": {}}}}',
    ),
    (
        "deeply nested",
        b'{"type": "threads.list", "params": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
    ),
]


@pytest.mark.parametrize(("case", "body"), MALFORMED_CHATKIT, ids=[c for c, _ in MALFORMED_CHATKIT])
async def test_malformed_chatkit_requests_get_4xx_and_write_nothing(
    client: httpx.AsyncClient, alice: Account, case: str, body: bytes
) -> None:
    answer = await client.post(
        "/api/v1/chatkit",
        content=body,
        headers={**alice.headers, "Content-Type": "application/json"},
    )

    if case == "huge limit" and answer.status_code == 200:
        assert answer.json()["data"] == []
    else:
        _assert_refused(answer)
        assert answer.headers["content-type"].startswith("application/problem+json")
    await _nothing_written(client, alice)


async def test_a_custom_action_forged_for_a_task_the_thread_never_showed_does_nothing(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    target = await create_task(client, bob, title="bob's task")
    turn = await chat.send_message(client, alice, "hello")
    assert turn.thread_id is not None
    user_item = next(item for item in turn.items_done if item["type"] == "user_message")
    forged = {"type": "tasks.delete.confirm", "payload": {"task_id": target["id"]}}

    answer = await chat.press(client, alice, turn.thread_id, user_item["id"], forged)

    assert answer.status_code < 500
    assert (await client.get(f"/api/v1/tasks/{target['id']}", headers=bob.headers)).json() == target


@pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
async def test_hostile_strings_in_task_fields_are_stored_verbatim_or_refused(
    client: httpx.AsyncClient, alice: Account, text: str
) -> None:
    accepted: dict[str, Any] = {}
    bodies: list[dict[str, Any]] = [
        {"title": text},
        {"title": "ok", "description": text},
        {"title": "ok", "tags": [text]},
        {"title": "ok", "priority": text},
        {"title": "ok", "due_date": text},
        {"title": "ok", text[:50]: "unknown field"},
    ]
    for body in bodies:
        answer = await client.post("/api/v1/tasks", json=body, headers=alice.headers)
        _assert_refused(answer, allowed=(201,))
        if answer.status_code == 201:
            stored = answer.json()
            accepted[stored["id"]] = stored
            if "title" in body and body["title"] != "ok":
                assert stored["title"] == text.strip()
            if "description" in body:
                assert stored["description"] == text

    listed = {task["id"]: task for task in await all_tasks(client, alice)}
    assert listed == accepted


@pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
async def test_hostile_strings_in_queries_paths_and_headers_never_cause_5xx(
    client: httpx.AsyncClient, alice: Account, text: str
) -> None:
    task = await create_task(client, alice, title="target")
    quoted = text.encode("utf-8", "surrogatepass").hex()[:64]
    for name in ("status", "due_on", "due_before", "overdue", "tag", "query", "limit", "cursor"):
        answer = await client.get("/api/v1/tasks", params={name: text}, headers=alice.headers)
        _assert_refused(answer, allowed=(200,))
    for path in (f"/api/v1/tasks/{quoted}", f"/api/v1/tasks/{task['id']}{quoted}"):
        _assert_refused(await client.get(path, headers=alice.headers))
        _assert_refused(await client.patch(path, json={"title": "x"}, headers=alice.headers))
        _assert_refused(await client.delete(path, headers=alice.headers))
    patched = await client.patch(
        f"/api/v1/tasks/{task['id']}", json={"title": text}, headers=alice.headers
    )
    _assert_refused(patched, allowed=(200,))
    safe_header = text.encode("ascii", "ignore").decode().replace("\r", "").replace("\n", "")
    safe_header = "".join(ch for ch in safe_header if ch.isprintable())[:200]
    if safe_header.strip():
        tz = await client.post(
            "/api/v1/chatkit",
            json={"type": "threads.list", "params": {}},
            headers={**alice.headers, "X-User-Timezone": safe_header},
        )
        _assert_refused(tz, allowed=(200,))
    stored = (await client.get(f"/api/v1/tasks/{task['id']}", headers=alice.headers)).json()
    assert stored["title"] == (text.strip() if patched.status_code == 200 else "target")
    assert [t["id"] for t in await all_tasks(client, alice)] == [task["id"]]


@pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
async def test_hostile_strings_in_chat_and_thread_titles_never_cause_5xx(
    client: httpx.AsyncClient, alice: Account, text: str
) -> None:
    turn = await chat.send_message(client, alice, text)
    assert turn.status_code < 500, turn.raw
    if turn.status_code != 200:
        await _nothing_written(client, alice)
        return
    assert turn.errors == [], turn.errors
    thread_id = turn.thread_id
    assert thread_id is not None
    renamed = await chat.call(
        client, alice, "threads.update", {"thread_id": thread_id, "title": text}
    )
    _assert_refused(renamed, allowed=(200,))
    fetched = await chat.call(client, alice, "threads.get_by_id", {"thread_id": thread_id})
    assert fetched.status_code == 200
    if renamed.status_code == 200:
        assert fetched.json()["title"] == renamed.json()["title"]
    for name, value in [("thread_id", text), ("item_id", text)]:
        params = {"thread_id": thread_id, "item_id": "msg_x", "action": {"type": "x"}}
        params[name] = value
        answer = await chat.stream(
            client, alice, {"type": "threads.custom_action", "params": params}
        )
        assert answer.status_code < 500, answer.raw
        assert [e for e in answer.events if e.get("type") == "thread.item.done"] == []


@pytest.mark.parametrize("text", HOSTILE_STRINGS, ids=range(len(HOSTILE_STRINGS)))
async def test_hostile_strings_in_auth_fields_never_cause_5xx(
    client: httpx.AsyncClient, text: str
) -> None:
    email = fresh_email()
    for body in [
        {"email": text, "password": "Long-enough-9"},
        {"email": f"{text}{uuid.uuid4().hex[:8]}@example.com", "password": "Long-enough-9"},
        {"email": email, "password": text},
    ]:
        registered = await client.post("/auth/register", json=body)
        _assert_refused(registered, allowed=(202,))
        signed_in = await client.post("/auth/login", json=body)
        if registered.status_code == 202:
            assert signed_in.status_code == 200, signed_in.text
        else:
            _assert_refused(signed_in)
    refreshed = await client.post("/auth/refresh", json={"refresh_token": text})
    _assert_refused(refreshed)
    logged_out = await client.post("/auth/logout", json={"refresh_token": text})
    assert logged_out.status_code < 500


async def test_a_lone_surrogate_escape_in_json_never_causes_5xx(
    client: httpx.AsyncClient, alice: Account
) -> None:
    body = b'{"title": "\\ud800 lone surrogate", "email": "\\ud800@example.com", "password": "x"}'
    for path in ("/api/v1/tasks", "/auth/register", "/auth/login"):
        answer = await client.post(
            path, content=body, headers={**alice.headers, "Content-Type": "application/json"}
        )
        _assert_refused(answer, allowed=(201,))
    assert len(await all_tasks(client, alice)) <= 1


async def test_hostile_event_stream_cursors_never_cause_5xx(
    client: httpx.AsyncClient, alice: Account
) -> None:
    for value in ["abc", "-1", "1.5", "99999999999999999999999", "' OR 1=1", "", str(uuid.uuid4())]:
        by_header = await _first_status(client, alice, {"Last-Event-ID": value}, {})
        by_query = await _first_status(client, alice, {}, {"after": value})
        assert by_header < 500, value
        assert by_query < 500, value


async def _first_status(
    client: httpx.AsyncClient, account: Account, headers: dict[str, str], params: dict[str, str]
) -> int:
    async with client.stream(
        "GET",
        "/api/v1/events",
        headers={**account.headers, **headers},
        params=params,
        timeout=httpx.Timeout(10.0),
    ) as answer:
        return answer.status_code


def _cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("2026-W01-1", "2026-12-02T20:00:00", str(uuid.uuid4())),
        _cursor("infinity", "0001-01-01T00:00:00+14:00", str(uuid.uuid4())),
    ],
)
async def test_crafted_task_list_cursors_answer_422(
    client: httpx.AsyncClient, alice: Account, cursor: str
) -> None:
    answer = await client.get("/api/v1/tasks", params={"cursor": cursor}, headers=alice.headers)

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["field"] == "cursor"


async def test_a_lone_surrogate_in_a_task_title_answers_422(
    client: httpx.AsyncClient, alice: Account
) -> None:
    answer = await client.post(
        "/api/v1/tasks",
        content=b'{"title": "x\\ud800y"}',
        headers={**alice.headers, "Content-Type": "application/json"},
    )

    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert await all_tasks(client, alice) == []


@pytest.mark.parametrize(
    "message",
    [
        {**chat.user_input("hi"), "quoted_text": "q" * 5000},
        {
            **chat.user_input("hi"),
            "content": [
                {"type": "input_text", "text": "hi"},
                {"type": "input_tag", "id": "t", "text": "t", "data": {"blob": "d" * 5000}},
            ],
        },
    ],
)
async def test_quoted_text_and_tag_data_count_toward_the_message_limit(
    client: httpx.AsyncClient, alice: Account, message: dict[str, Any]
) -> None:
    answer = await client.post(
        "/api/v1/chatkit",
        json={"type": "threads.create", "params": {"input": message}},
        headers=alice.headers,
    )

    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"] == "The message is longer than 4000 characters."
    await _nothing_written(client, alice)
