"""Signed identity headers between services (X-Identity-*), as ARCHITECTURE.md specifies.

canonical = "v1\\n" + METHOD + "\\n" + target + "\\n" + user + "\\n" + timestamp + "\\n" + nonce
+ "\\n" + hex(sha256(body)), where target is the request path plus "?" and the raw query string
when there is one (so filters cannot be altered in transit either). The signature is
base64url(HMAC-SHA256(secret, canonical)) without padding.

A request for an app other than the default one also carries X-Identity-App, the app's data
domain, and is signed as "v2": the same fields with the domain after the user. The verified
identity is a servicekit.subjects.Subject, so every service scopes its data by (app, user)
without code of its own; v1 means the default domain, whose subject is the user id itself.
"""

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.errors import problem_response
from servicekit.subjects import DEFAULT_APP, Subject, is_app_id

logger = logging.getLogger(__name__)

USER_HEADER = "X-Identity-User"
TIMESTAMP_HEADER = "X-Identity-Timestamp"
NONCE_HEADER = "X-Identity-Nonce"
KEY_HEADER = "X-Identity-Key"
SIGNATURE_HEADER = "X-Identity-Signature"
APP_HEADER = "X-Identity-App"
MAX_SKEW_SECONDS = 60
_NONCE_BYTES = 18  # 144 bits, comfortably over the 128 the contract asks for

verified_user: ContextVar[UUID | None] = ContextVar("verified_user", default=None)
"""The data subject (a Subject) of the current request's identity (set by IdentityMiddleware)."""


class IdentityError(Exception):
    """The identity headers are missing, forged, stale or replayed (answered 401)."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def canonical_string(
    method: str,
    target: str,
    user: str,
    timestamp: str,
    nonce: str,
    body: bytes,
    data_domain: str | None = None,
) -> bytes:
    """The exact bytes that are signed: v1 without a data domain, v2 with one."""
    digest = hashlib.sha256(body).hexdigest()
    if data_domain is None:
        fields: tuple[str, ...] = ("v1", method.upper(), target, user, timestamp, nonce, digest)
    else:
        fields = ("v2", method.upper(), target, user, data_domain, timestamp, nonce, digest)
    return "\n".join(fields).encode()


def _signature(secret: bytes, canonical: bytes) -> str:
    return _b64url(hmac.new(secret, canonical, hashlib.sha256).digest())


@dataclass(frozen=True, slots=True)
class IdentitySigner:
    """Signs requests on behalf of a user with one shared secret."""

    key_id: str
    secret: bytes

    def headers(
        self,
        method: str,
        target: str,
        body: bytes,
        user_id: UUID | str,
        *,
        timestamp: int | None = None,
        nonce: str | None = None,
    ) -> dict[str, str]:
        """The X-Identity-* headers for one request.

        A Subject of another data domain than the default one is signed as its real user
        with X-Identity-App (v2); anything else as the user id it is (v1).
        """
        domain = None
        if isinstance(user_id, Subject) and user_id.data_domain != DEFAULT_APP:
            domain = user_id.data_domain
            user_id = user_id.user_id
        user = str(user_id)
        ts = str(int(time.time()) if timestamp is None else timestamp)
        once = nonce or _b64url(secrets.token_bytes(_NONCE_BYTES))
        canonical = canonical_string(method, target, user, ts, once, body, domain)
        headers = {
            USER_HEADER: user,
            TIMESTAMP_HEADER: ts,
            NONCE_HEADER: once,
            KEY_HEADER: self.key_id,
            SIGNATURE_HEADER: _signature(self.secret, canonical),
        }
        if domain is not None:
            headers[APP_HEADER] = domain
        return headers


class _LocalNonces:
    """A bounded in-process replay cache used only while Redis cannot be reached."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._capacity = capacity

    def seen(self, nonce: str) -> bool:
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)
        return nonce in self._seen

    def first_use(self, nonce: str, ttl: float) -> bool:
        if self.seen(nonce):
            return False
        self._seen[nonce] = time.monotonic() + ttl
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True


class IdentityVerifier:
    """Verifies X-Identity-* headers; accepts every key id in ``keys`` (two during rotation).

    Nonces are remembered in Redis for twice the allowed clock skew. While Redis cannot be
    reached, a per-process cache takes over so that writes keep working; replay protection
    then holds per replica until Redis is back (nonces first seen during the outage stay
    refused here after it). After a Redis failure the cache alone serves for
    ``redis_retry_seconds``, so a Redis that hangs costs one request its socket timeout, not
    every request.
    """

    def __init__(
        self,
        keys: Mapping[str, bytes],
        redis: Redis,
        *,
        max_skew_seconds: int = MAX_SKEW_SECONDS,
        nonce_prefix: str = "identity:nonce:",
        redis_retry_seconds: float = 5.0,
    ) -> None:
        if not keys:
            raise ValueError("at least one identity key is required")
        self._keys = dict(keys)
        self._redis = redis
        self._skew = max_skew_seconds
        self._prefix = nonce_prefix
        self._local = _LocalNonces()
        self._redis_retry_seconds = redis_retry_seconds
        self._redis_retry_at = 0.0

    async def verify(
        self, method: str, target: str, body: bytes, headers: Mapping[str, str]
    ) -> Subject:
        """Return the verified data subject or raise IdentityError."""
        values = [
            headers.get(name.lower())
            for name in (USER_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, KEY_HEADER, SIGNATURE_HEADER)
        ]
        user, timestamp, nonce, key_id, signature = values
        if user is None or timestamp is None or nonce is None or key_id is None or not signature:
            raise IdentityError("missing identity header")
        secret = self._keys.get(key_id)
        if secret is None:
            raise IdentityError("unknown identity key")
        if (
            not (timestamp.isascii() and timestamp.isdigit())
            or abs(time.time() - int(timestamp)) > self._skew
        ):
            raise IdentityError("identity timestamp outside the allowed window")
        if len(nonce) < 22:
            raise IdentityError("identity nonce too short")
        domain = headers.get(APP_HEADER.lower())
        if domain is not None and (not is_app_id(domain) or domain == DEFAULT_APP):
            raise IdentityError("identity app is not a data domain id")
        expected = _signature(
            secret, canonical_string(method, target, user, timestamp, nonce, body, domain)
        )
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise IdentityError("identity signature mismatch")
        try:
            user_id = UUID(user)
        except ValueError as exc:
            raise IdentityError("identity user is not a UUID") from exc
        if not await self._first_use(nonce):
            raise IdentityError("identity nonce replayed")
        return Subject(user_id, domain or DEFAULT_APP)

    async def _first_use(self, nonce: str) -> bool:
        ttl = 2 * self._skew
        if time.monotonic() >= self._redis_retry_at:
            # The client retries a command that timed out, and Redis may still apply the first
            # attempt late; a token of this verification's own tells that write from a replay.
            key, token = self._prefix + nonce, secrets.token_bytes(16)
            try:
                stored = await self._redis.set(key, token, nx=True, ex=ttl)
                first = bool(stored) or await self._redis.get(key) == token
            except RedisError:
                self._redis_retry_at = time.monotonic() + self._redis_retry_seconds
                logger.warning("nonce cache in Redis unavailable; using the in-process cache")
            else:
                return first and not self._local.seen(nonce)
        return self._local.first_use(nonce, ttl)


def request_target(scope: Scope) -> str:
    """The signed target of an ASGI request: raw path plus query string."""
    path: str = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
    query: bytes = scope.get("query_string", b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


class IdentityMiddleware:
    """ASGI middleware: 401 problem+json unless the request carries valid identity headers.

    Runs before any route or MCP handling. On success the verified data subject (a Subject:
    the id to scope data by, with the real user and data domain beside it) is in
    ``scope["state"]["user_id"]`` and in the ``verified_user`` context variable.
    """

    def __init__(
        self, app: ASGIApp, *, verifier: IdentityVerifier, exempt_paths: frozenset[str]
    ) -> None:
        self.app = app
        self.verifier = verifier
        self.exempt_paths = exempt_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            user_id = await self.verifier.verify(
                scope["method"], request_target(scope), body, headers
            )
        except IdentityError as exc:
            logger.warning("identity rejected", extra={"reason": str(exc), "path": scope["path"]})
            response = problem_response(401, "Valid identity headers are required.")
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["user_id"] = user_id
        token = verified_user.set(user_id)
        replayed = False

        async def replay_body() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        try:
            await self.app(scope, replay_body, send)
        finally:
            verified_user.reset(token)


class OutgoingRequest(Protocol):
    """What the signing hook needs of an httpx or httpx2 request."""

    method: str

    @property
    def url(self) -> "OutgoingURL": ...

    @property
    def headers(self) -> "MutableHeaders": ...

    def read(self) -> bytes: ...


class OutgoingURL(Protocol):
    @property
    def raw_path(self) -> bytes: ...


class MutableHeaders(Protocol):
    def __setitem__(self, key: str, value: str) -> None: ...


def signing_hook(
    signer: IdentitySigner, user: Callable[[], UUID | None]
) -> Callable[[OutgoingRequest], Awaitable[None]]:
    """An httpx/httpx2 ``request`` event hook that signs every request for ``user()``.

    Raises IdentityError (the request is not sent) when no user is set: an unsigned call to
    a service that trusts only signed identity is always a bug.
    """

    async def sign(request: OutgoingRequest) -> None:
        user_id = user()
        if user_id is None:
            raise IdentityError("no user to sign the outgoing request for")
        target = request.url.raw_path.decode("ascii")
        for name, value in signer.headers(request.method, target, request.read(), user_id).items():
            request.headers[name] = value

    return sign
