"""Access-token verification against a JWKS URL, with the algorithm, issuer and audience pinned."""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
from jose import jwk
from jose import jwt as jose_jwt
from jose.backends.base import Key
from jose.exceptions import JOSEError

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
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


class JWKSVerifier:
    """Verifies RS256 access tokens with keys fetched from a JWKS URL.

    Keys are cached by kid. An unknown kid triggers a refetch (a key rotation is picked up
    without a restart), at most once every ``min_refresh_seconds`` so that a flood of forged
    kids cannot turn into a flood of JWKS requests.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        http_client: httpx.AsyncClient,
        min_refresh_seconds: float = 5.0,
        leeway_seconds: int = 0,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._http = http_client
        self._min_refresh = min_refresh_seconds
        self._leeway = leeway_seconds
        self._keys: dict[str, Key] = {}
        self._fetched_at = float("-inf")
        self._refresh_lock = asyncio.Lock()

    async def verify(self, token: str) -> AccessClaims:
        """Return the claims of a valid token or raise InvalidTokenError."""
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
            )
        except (JOSEError, ValueError, KeyError, TypeError) as exc:
            raise InvalidTokenError(f"token rejected: {type(exc).__name__}") from exc

    async def _refreshed_key(self, kid: str) -> Key | None:
        async with self._refresh_lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at >= self._min_refresh:
                await self._fetch()
        return self._keys.get(kid)

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            response = await self._http.get(self._jwks_url, timeout=5.0)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError):
            logger.warning("could not fetch the JWKS", extra={"jwks_url": self._jwks_url})
            return
        keys: dict[str, Key] = {}
        for entry in document.get("keys", []):
            if entry.get("kty") == "RSA" and entry.get("alg", ALGORITHM) == ALGORITHM:
                try:
                    keys[str(entry["kid"])] = jwk.construct(entry, algorithm=ALGORITHM)
                except (JOSEError, KeyError, ValueError):
                    logger.warning("skipping an unusable JWKS entry")
        self._keys = keys
