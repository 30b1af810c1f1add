"""Access-token verification against a JWKS URL, with the algorithm, issuer and audience pinned."""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

import httpx2
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import jwk
from jose import jwt as jose_jwt
from jose.backends.base import Key
from jose.exceptions import JOSEError

from servicekit.subjects import DEFAULT_APP, is_app_id

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
MAX_TOKEN_LENGTH = 8192
"""Longer tokens are rejected before any decoding (access tokens here are about 800 bytes)."""
_REQUIRED_CLAIMS = {
    f"require_{claim}": True for claim in ("exp", "iat", "nbf", "iss", "aud", "sub", "jti")
}


class InvalidTokenError(Exception):
    """The token is missing, malformed, forged, expired or meant for someone else.

    The message is safe to log; callers answer 401 without repeating it.
    """


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """The verified claims of an access token."""

    user_id: UUID
    token_id: str
    issued_at: int
    expires_at: int
    session_id: str | None = None
    """The ``sid`` claim: the sign-in session, ended by logout (None in older tokens)."""
    app: str = DEFAULT_APP
    """The ``app`` claim: the app the token was issued for (the default app in older tokens)."""


def _app(value: object) -> str:
    if value is None:
        return DEFAULT_APP
    if isinstance(value, str) and is_app_id(value):
        return value
    raise ValueError("malformed app claim")


def _session_id(value: object) -> str | None:
    if isinstance(value, str) and 0 < len(value) <= 64:
        return value
    return None


class JWKSVerifier:
    """Verifies RS256 access tokens with keys fetched from a JWKS URL.

    Keys are cached by kid. An unknown kid triggers a refetch (a key rotation is picked up
    without a restart), at most once every ``min_refresh_seconds`` so that a flood of forged
    kids cannot turn into a flood of JWKS requests. Keys older than ``max_age_seconds`` are
    refetched on the next verification, so a key removed from the JWKS stops being accepted.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        http_client: httpx2.AsyncClient,
        min_refresh_seconds: float = 5.0,
        leeway_seconds: int = 0,
        max_age_seconds: float = 300.0,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._http = http_client
        self._min_refresh = min_refresh_seconds
        self._leeway = leeway_seconds
        self._max_age = max_age_seconds
        self._keys: dict[str, Key] = {}
        self._fetched_at = float("-inf")
        self._refresh_lock = asyncio.Lock()

    async def verify(self, token: str) -> AccessClaims:
        """Return the claims of a valid token or raise InvalidTokenError."""
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidTokenError("token too long")
        if time.monotonic() - self._fetched_at > self._max_age:
            await self._refresh_stale()
        try:
            header = jose_jwt.get_unverified_header(token)
        except JOSEError as exc:
            raise InvalidTokenError("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidTokenError("unexpected algorithm")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidTokenError("token has no key id")
        key = self._keys.get(kid) or await self._refreshed_key(kid)
        if key is None:
            raise InvalidTokenError("unknown key id")
        try:
            claims: dict[str, Any] = jose_jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={**_REQUIRED_CLAIMS, "leeway": self._leeway},
            )
            return AccessClaims(
                user_id=UUID(str(claims["sub"])),
                token_id=str(claims["jti"]),
                issued_at=int(claims["iat"]),
                expires_at=int(claims["exp"]),
                session_id=_session_id(claims.get("sid")),
                app=_app(claims.get("app")),
            )
        except (JOSEError, ValueError, KeyError, TypeError) as exc:
            raise InvalidTokenError(f"token rejected: {type(exc).__name__}") from exc

    async def _refreshed_key(self, kid: str) -> Key | None:
        async with self._refresh_lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                await self._fetch()
        return self._keys.get(kid)

    async def _refresh_stale(self) -> None:
        async with self._refresh_lock:
            if time.monotonic() - self._fetched_at > self._max_age:
                await self._fetch()

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._http.get(self._jwks_url, timeout=5.0)
            response.raise_for_status()
            document = response.json()
        except (httpx2.HTTPError, ValueError):
            logger.warning("could not fetch the JWKS", extra={"jwks_url": self._jwks_url})
            return
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            logger.warning("the JWKS has no key list", extra={"jwks_url": self._jwks_url})
            return
        keys: dict[str, Key] = {}
        for entry in entries:
            if (
                isinstance(entry, dict)
                and entry.get("kty") == "RSA"
                and entry.get("alg", ALGORITHM) == ALGORITHM
                and entry.get("use", "sig") == "sig"
            ):
                try:
                    keys[str(entry["kid"])] = jwk.construct(entry, algorithm=ALGORITHM)
                except (JOSEError, KeyError, ValueError, TypeError):
                    logger.warning("skipping an unusable JWKS entry")
        self._keys = keys


_bearer_scheme = HTTPBearer(auto_error=False, description="An access token issued by auth.")


def bearer_user(
    verifier_getter: Callable[[Request], JWKSVerifier],
) -> Callable[..., Awaitable[AccessClaims]]:
    """A FastAPI dependency: the verified claims of the request's Bearer access token.

    ``verifier_getter`` returns the JWKSVerifier for a request, typically one the lifespan
    stored on ``request.app.state``. A missing Authorization header, another scheme or an
    invalid token raises HTTPException 401 with ``WWW-Authenticate: Bearer`` (problem+json
    once servicekit.errors.install_problem_handlers is installed). Use it as::

        CurrentUser = Annotated[AccessClaims, Depends(bearer_user(lambda r: r.app.state.jwt))]
    """

    async def current_claims(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer_scheme)],
    ) -> AccessClaims:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(
                401, "A Bearer access token is required.", {"WWW-Authenticate": "Bearer"}
            )
        try:
            return await verifier_getter(request).verify(credentials.credentials)
        except InvalidTokenError as exc:
            logger.info("access token rejected", extra={"reason": str(exc)})
            raise HTTPException(
                401,
                "The access token is invalid or expired.",
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            ) from exc

    return current_claims
