"""Access tokens (RS256 JWTs) and opaque refresh tokens."""

import hashlib
import secrets
import time
import uuid
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError
from servicekit.subjects import DEFAULT_APP

from auth_service.config import Settings
from auth_service.keys import ALGORITHM, KeyRing

_REQUIRED = {f"require_{claim}": True for claim in ("exp", "iat", "nbf", "iss", "aud", "sub")}


class InvalidAccessTokenError(Exception):
    """The access token is malformed, forged, expired or not meant for this service."""


def issue_access_token(
    user_id: uuid.UUID,
    keys: KeyRing,
    settings: Settings,
    session_id: uuid.UUID | None = None,
    app: str = DEFAULT_APP,
) -> str:
    """A signed access token for ``user_id`` in ``app`` valid for ``access_token_ttl_seconds``.

    ``session_id`` (the refresh-token family) becomes the ``sid`` claim, which logout revokes;
    ``app`` the ``app`` claim, which the gateway holds against the app a request is for.
    """
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + settings.access_token_ttl_seconds,
        "jti": uuid.uuid4().hex,
        "app": app,
    }
    if session_id is not None:
        claims["sid"] = session_id.hex
    return jwt.encode(claims, keys.signing_key, algorithm=ALGORITHM, headers={"kid": keys.key_id})


def verify_access_token(
    token: str, keys: KeyRing, settings: Settings, app: str = DEFAULT_APP
) -> uuid.UUID:
    """The user id of a valid access token of ``app`` signed by one of our published keys."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = keys.verification_keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise InvalidAccessTokenError("unknown key id")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options=_REQUIRED,
        )
        if claims.get("app", DEFAULT_APP) != app:
            raise InvalidAccessTokenError("token of another app")
        return uuid.UUID(str(claims["sub"]))
    except (JOSEError, ValueError, KeyError, TypeError) as exc:
        raise InvalidAccessTokenError(type(exc).__name__) from exc


def new_refresh_token() -> str:
    """A fresh opaque refresh token (256 random bits, base64url)."""
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> bytes:
    """The SHA-256 digest under which a refresh token is stored."""
    return hashlib.sha256(token.encode()).digest()
