"""Signed identity headers: valid requests pass, every tampering or replay answers 401."""

import time
import uuid
from collections.abc import AsyncIterator

import anyio
import anyio.abc
import httpx
import httpx2
import pytest
from fastapi import FastAPI, Request
from redis.asyncio import Redis
from servicekit.errors import install_problem_handlers
from servicekit.identity import (
    KEY_HEADER,
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    USER_HEADER,
    IdentityError,
    IdentityMiddleware,
    IdentitySigner,
    IdentityVerifier,
    signing_hook,
    verified_user,
)

pytestmark = pytest.mark.anyio

CURRENT = IdentitySigner("k2", b"current-secret-0123456789abcdef")
PREVIOUS = IdentitySigner("k1", b"previous-secret-0123456789abcde")
REJECTED = {
    "type": "about:blank",
    "title": "Unauthorized",
    "status": 401,
    "detail": "Valid identity headers are required.",
}
BODY = b'{"title": "buy milk"}'


def build_app(redis: Redis) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/tasks")
    async def create(request: Request) -> dict[str, str | int | None]:
        user = verified_user.get()
        return {
            "user": str(user) if user else None,
            "state_user": str(request.state.user_id),
            "body_bytes": len(await request.body()),
        }

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    verifier = IdentityVerifier(
        {CURRENT.key_id: CURRENT.secret, PREVIOUS.key_id: PREVIOUS.secret},
        redis,
        nonce_prefix=f"identity-test:{uuid.uuid4().hex}:",
    )
    app.add_middleware(IdentityMiddleware, verifier=verifier, exempt_paths=frozenset({"/healthz"}))
    return app


@pytest.fixture
async def client(redis: Redis) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_app(redis))
    async with httpx.AsyncClient(transport=transport, base_url="http://tasks.test") as http:
        yield http


async def _post(
    client: httpx.AsyncClient, headers: dict[str, str], body: bytes = BODY, path: str = "/tasks"
) -> httpx.Response:
    return await client.post(
        path, content=body, headers={**headers, "content-type": "application/json"}
    )


async def test_a_validly_signed_request_reaches_the_route_as_that_user(
    client: httpx.AsyncClient,
) -> None:
    user = uuid.uuid4()

    response = await _post(client, CURRENT.headers("POST", "/tasks", BODY, user))

    assert response.status_code == 200
    assert response.json() == {"user": str(user), "state_user": str(user), "body_bytes": len(BODY)}


async def test_both_key_ids_are_accepted_during_a_rotation(client: httpx.AsyncClient) -> None:
    user = uuid.uuid4()

    responses = [
        await _post(client, signer.headers("POST", "/tasks", BODY, user))
        for signer in (PREVIOUS, CURRENT)
    ]

    assert [response.status_code for response in responses] == [200, 200]
    assert [response.json()["user"] for response in responses] == [str(user)] * 2


@pytest.mark.parametrize(
    "missing", [USER_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, KEY_HEADER, SIGNATURE_HEADER]
)
async def test_a_missing_identity_header_answers_401(
    client: httpx.AsyncClient, missing: str
) -> None:
    headers = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4())
    del headers[missing]

    response = await _post(client, headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == REJECTED


def _tampered(case: str) -> tuple[dict[str, str], bytes, str]:
    user = uuid.uuid4()
    now = int(time.time())
    headers = CURRENT.headers("POST", "/tasks", BODY, user)
    if case == "unknown key id":
        return (
            IdentitySigner("k9", CURRENT.secret).headers("POST", "/tasks", BODY, user),
            BODY,
            "/tasks",
        )
    if case == "bad signature":
        return {**headers, SIGNATURE_HEADER: headers[SIGNATURE_HEADER][::-1]}, BODY, "/tasks"
    if case == "signed with another secret":
        forged = IdentitySigner("k2", b"guessed-secret").headers("POST", "/tasks", BODY, user)
        return forged, BODY, "/tasks"
    if case == "timestamp 61 s old":
        return CURRENT.headers("POST", "/tasks", BODY, user, timestamp=now - 61), BODY, "/tasks"
    if case == "timestamp 61 s ahead":
        return CURRENT.headers("POST", "/tasks", BODY, user, timestamp=now + 61), BODY, "/tasks"
    if case == "timestamp not a number":
        return {**headers, TIMESTAMP_HEADER: "soon"}, BODY, "/tasks"
    if case == "body changed after signing":
        return headers, BODY.replace(b"milk", b"beer"), "/tasks"
    if case == "path changed":
        return CURRENT.headers("POST", "/tasks/archive", BODY, user), BODY, "/tasks"
    if case == "query changed":
        return headers, BODY, "/tasks?status=all"
    if case == "user changed":
        return {**headers, USER_HEADER: str(uuid.uuid4())}, BODY, "/tasks"
    if case == "user not a UUID":
        return CURRENT.headers("POST", "/tasks", BODY, "admin"), BODY, "/tasks"
    if case == "short nonce":
        return CURRENT.headers("POST", "/tasks", BODY, user, nonce="abc"), BODY, "/tasks"
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "unknown key id",
        "bad signature",
        "signed with another secret",
        "timestamp 61 s old",
        "timestamp 61 s ahead",
        "timestamp not a number",
        "body changed after signing",
        "path changed",
        "query changed",
        "user changed",
        "user not a UUID",
        "short nonce",
    ],
)
async def test_a_tampered_or_stale_request_answers_401(
    client: httpx.AsyncClient, case: str
) -> None:
    headers, body, path = _tampered(case)

    response = await _post(client, headers, body, path)

    assert response.status_code == 401
    assert response.json() == REJECTED


async def test_a_timestamp_59_s_old_is_still_accepted(client: httpx.AsyncClient) -> None:
    old = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4(), timestamp=int(time.time()) - 59)

    response = await _post(client, old)

    assert response.status_code == 200


async def test_the_same_nonce_twice_answers_401_the_second_time(
    client: httpx.AsyncClient,
) -> None:
    headers = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4())

    first = await _post(client, headers)
    replay = await _post(client, headers)

    assert first.status_code == 200
    assert replay.status_code == 401
    assert replay.json() == REJECTED


async def test_replays_are_still_caught_in_process_while_redis_is_down(
    unused_port: int,
) -> None:
    redis = Redis.from_url(f"redis://127.0.0.1:{unused_port}/0", socket_connect_timeout=1)
    transport = httpx.ASGITransport(app=build_app(redis))
    headers = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4())
    async with httpx.AsyncClient(transport=transport, base_url="http://tasks.test") as client:
        first = await _post(client, headers)
        replay = await _post(client, headers)
    await redis.aclose()

    assert first.status_code == 200
    assert replay.status_code == 401


async def test_a_redis_that_never_answers_costs_one_request_its_timeout_not_every_one(
    redis: Redis,
) -> None:
    held: list[anyio.abc.SocketStream] = []

    async def hold(stream: anyio.abc.SocketStream) -> None:
        held.append(stream)
        async with stream:
            await anyio.sleep_forever()

    async with await anyio.create_tcp_listener(local_host="127.0.0.1") as listener:
        port = listener.extra(anyio.abc.SocketAttribute.local_port)
        async with anyio.create_task_group() as group:
            group.start_soon(listener.serve, hold)
            silent = Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_timeout=0.5)
            verifier = IdentityVerifier(
                {CURRENT.key_id: CURRENT.secret}, silent, redis_retry_seconds=60
            )
            first = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4())
            await verifier.verify("POST", "/tasks", BODY, _lower(first))
            started = time.perf_counter()
            for _ in range(5):
                headers = CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4())
                await verifier.verify("POST", "/tasks", BODY, _lower(headers))
            later = time.perf_counter() - started
            with pytest.raises(IdentityError, match="replayed"):
                await verifier.verify("POST", "/tasks", BODY, _lower(first))
            await silent.aclose()
            group.cancel_scope.cancel()

    assert held, "the verifier never connected to the silent Redis"
    assert later < 0.4, f"five requests after the first took {later:.2f} s"


async def test_a_nonce_first_seen_while_redis_was_down_stays_refused_once_it_is_back(
    redis: Redis,
) -> None:
    where = redis.connection_pool.connection_kwargs
    hasty = Redis(host=where["host"], port=where["port"], db=where["db"], socket_timeout=0.2)
    verifier = IdentityVerifier({CURRENT.key_id: CURRENT.secret}, hasty, redis_retry_seconds=0)
    headers = _lower(CURRENT.headers("POST", "/tasks", BODY, uuid.uuid4()))
    # Redis holds every write for 0.6 s: the verifier's SET times out.
    await redis.client_pause(600, all=False)
    await verifier.verify("POST", "/tasks", BODY, headers)
    await anyio.sleep(0.7)

    with pytest.raises(IdentityError, match="replayed"):
        await verifier.verify("POST", "/tasks", BODY, headers)
    await hasty.aclose()


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


async def test_exempt_paths_need_no_identity(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_the_signing_hook_signs_httpx_requests_the_middleware_accepts(
    redis: Redis,
) -> None:
    user = uuid.uuid4()
    hook = signing_hook(CURRENT, lambda: user)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_app(redis)),
        base_url="http://tasks.test",
        event_hooks={"request": [hook]},
    ) as client:
        responses = [
            await client.post("/tasks", json={"title": "a"}),
            await client.post("/tasks?status=all&tag=x", content=b""),
        ]

    assert [response.status_code for response in responses] == [200, 200]
    assert responses[0].json() == {"user": str(user), "state_user": str(user), "body_bytes": 13}


async def test_the_signing_hook_signs_httpx2_requests_the_middleware_accepts(
    redis: Redis,
) -> None:
    user = uuid.uuid4()
    hook = signing_hook(PREVIOUS, lambda: user)
    async with httpx2.AsyncClient(
        transport=httpx2.ASGITransport(app=build_app(redis)),
        base_url="http://tasks.test",
        event_hooks={"request": [hook]},
    ) as client:
        responses = [
            await client.post("/tasks", json={"title": "ü"}),
            await client.post("/tasks?query=a%20b", content=b"raw"),
        ]

    assert [response.status_code for response in responses] == [200, 200]
    assert responses[1].json() == {"user": str(user), "state_user": str(user), "body_bytes": 3}


async def test_the_signing_hook_refuses_to_send_without_a_user(redis: Redis) -> None:
    hook = signing_hook(CURRENT, lambda: None)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_app(redis)),
        base_url="http://tasks.test",
        event_hooks={"request": [hook]},
    ) as client:
        with pytest.raises(IdentityError, match="no user"):
            await client.post("/tasks", json={})
