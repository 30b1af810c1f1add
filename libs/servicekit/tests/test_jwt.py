"""JWKSVerifier: every forgery is rejected; rotation is picked up; refetches are rate limited."""

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt
from servicekit import jwt as servicekit_jwt
from servicekit.jwt import AccessClaims, InvalidTokenError, JWKSVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

pytestmark = pytest.mark.anyio

ISSUER = "chatkit-botbuilder-auth"
AUDIENCE = "chatkit-botbuilder"
JWKS_URL = "http://auth.test/.well-known/jwks.json"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    entry: dict[str, Any] = jwk.construct(private_pem(key), "RS256").public_key().to_dict()
    return {**entry, "kid": kid, "use": "sig"}


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(uuid.uuid4()),
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def sign(key: rsa.RSAPrivateKey, kid: str, payload: dict[str, Any]) -> str:
    return jwt.encode(payload, private_pem(key), algorithm="RS256", headers={"kid": kid})


def hmac_token(secret: bytes, kid: str, payload: dict[str, Any]) -> str:
    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@dataclass
class JWKSServer:
    """An in-process JWKS endpoint whose key list and availability tests change."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    failing: bool = False

    def app(self) -> Starlette:
        async def jwks(request: Request) -> Response:
            self.requests += 1
            if self.failing:
                return Response(status_code=503)
            return JSONResponse({"keys": self.keys})

        return Starlette(routes=[Route("/.well-known/jwks.json", jwks)])


@pytest.fixture
def jwks_server(rsa_key: rsa.RSAPrivateKey) -> JWKSServer:
    return JWKSServer(keys=[public_jwk(rsa_key, "key-1")])


@pytest.fixture
async def http(jwks_server: JWKSServer) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=jwks_server.app())) as client:
        yield client


@pytest.fixture
def verifier(http: httpx2.AsyncClient) -> JWKSVerifier:
    return JWKSVerifier(JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=http)


async def test_a_valid_token_yields_its_claims(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    payload = claims()

    verified = await verifier.verify(sign(rsa_key, "key-1", payload))

    assert verified == AccessClaims(
        user_id=uuid.UUID(payload["sub"]),
        token_id=payload["jti"],
        issued_at=payload["iat"],
        expires_at=payload["exp"],
    )


async def test_the_session_claim_is_read_when_present_and_well_formed(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    session = uuid.uuid4().hex

    with_sid = await verifier.verify(sign(rsa_key, "key-1", claims(sid=session)))
    odd_sid = await verifier.verify(sign(rsa_key, "key-1", claims(sid=["not", "a", "string"])))

    assert with_sid.session_id == session
    assert odd_sid.session_id is None


async def test_the_app_claim_names_the_tokens_app_and_defaults_to_the_first_app(
    verifier: JWKSVerifier, rsa_key: rsa.RSAPrivateKey
) -> None:
    errands = await verifier.verify(sign(rsa_key, "key-1", claims(app="errands")))
    older = await verifier.verify(sign(rsa_key, "key-1", claims()))

    assert errands.app == "errands"
    assert older.app == "tasks"
    for odd in ("Not An App", 7, ""):
        with pytest.raises(InvalidTokenError):
            await verifier.verify(sign(rsa_key, "key-1", claims(app=odd)))


def _forgeries(key: rsa.RSAPrivateKey, other: rsa.RSAPrivateKey) -> dict[str, str]:
    valid = sign(key, "key-1", claims())
    header, payload, signature = valid.split(".")
    tampered_payload = _segment({**claims(), "sub": str(uuid.uuid4())})
    ecdsa_public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    )
    now = int(time.time())
    return {
        "alg none": f"{_segment({'alg': 'none', 'kid': 'key-1'})}.{payload}.",
        "alg none without kid": f"{_segment({'alg': 'none'})}.{payload}.",
        "HS256 signed with the RSA public key": hmac_token(public_pem(key), "key-1", claims()),
        "HS256 signed with an OpenSSH ECDSA public key": hmac_token(
            ecdsa_public, "key-1", claims()
        ),
        "RS512 header": jwt.encode(
            claims(), private_pem(key), algorithm="RS512", headers={"kid": "key-1"}
        ),
        "expired": sign(key, "key-1", claims(iat=now - 1000, nbf=now - 1000, exp=now - 10)),
        "nbf in the future": sign(key, "key-1", claims(nbf=now + 120)),
        "wrong issuer": sign(key, "key-1", claims(iss="someone-else")),
        "wrong audience": sign(key, "key-1", claims(aud="another-service")),
        "unknown kid": sign(other, "key-9", claims()),
        "known kid signed by another key": sign(other, "key-1", claims()),
        "no kid": jwt.encode(claims(), private_pem(key), algorithm="RS256"),
        "tampered payload": f"{header}.{tampered_payload}.{signature}",
        "signature removed": f"{header}.{payload}.",
        "missing exp": sign(key, "key-1", claims(exp=None)),
        "missing sub": sign(key, "key-1", claims(sub=None)),
        "missing jti": sign(key, "key-1", claims(jti=None)),
        "sub not a UUID": sign(key, "key-1", claims(sub="admin")),
        "empty string": "",
        "one segment": "abc",
        "two segments": "abc.def",
        "garbage segments": "a.b.c",
        "header not JSON": f"{_b64(b'not json')}.{payload}.{signature}",
        "header a JSON list": f"{_b64(b'[1]')}.{payload}.{signature}",
        "oversized": f"{header}.{_b64(b'x' * 9000)}.{signature}",
    }


@pytest.fixture(scope="module")
def forgeries(rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey) -> dict[str, str]:
    return _forgeries(rsa_key, other_rsa_key)


FORGERY_NAMES = [
    "alg none",
    "alg none without kid",
    "HS256 signed with the RSA public key",
    "HS256 signed with an OpenSSH ECDSA public key",
    "RS512 header",
    "expired",
    "nbf in the future",
    "wrong issuer",
    "wrong audience",
    "unknown kid",
    "known kid signed by another key",
    "no kid",
    "tampered payload",
    "signature removed",
    "missing exp",
    "missing sub",
    "missing jti",
    "sub not a UUID",
    "empty string",
    "one segment",
    "two segments",
    "garbage segments",
    "header not JSON",
    "header a JSON list",
    "oversized",
]


def test_every_forgery_case_is_listed(forgeries: dict[str, str]) -> None:
    assert sorted(forgeries) == sorted(FORGERY_NAMES)


@pytest.mark.parametrize("case", FORGERY_NAMES)
async def test_forged_or_invalid_tokens_are_rejected(
    verifier: JWKSVerifier, forgeries: dict[str, str], case: str
) -> None:
    with pytest.raises(InvalidTokenError):
        await verifier.verify(forgeries[case])


async def test_a_rotated_key_is_picked_up_without_a_restart(
    http: httpx2.AsyncClient,
    jwks_server: JWKSServer,
    rsa_key: rsa.RSAPrivateKey,
    other_rsa_key: rsa.RSAPrivateKey,
) -> None:
    verifier = JWKSVerifier(
        JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=http, min_refresh_seconds=0
    )
    old_token = sign(rsa_key, "key-1", claims())
    await verifier.verify(old_token)
    jwks_server.keys.append(public_jwk(other_rsa_key, "key-2"))
    payload = claims()

    verified = await verifier.verify(sign(other_rsa_key, "key-2", payload))

    assert verified.user_id == uuid.UUID(payload["sub"])
    assert (await verifier.verify(old_token)).token_id
    assert jwks_server.requests == 2


class FakeClock:
    """Stands in for the time module inside servicekit.jwt."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return time.time()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(servicekit_jwt, "time", fake)
    return fake


async def test_unknown_kids_refetch_the_jwks_at_most_once_per_interval(
    clock: FakeClock,
    http: httpx2.AsyncClient,
    jwks_server: JWKSServer,
    rsa_key: rsa.RSAPrivateKey,
    other_rsa_key: rsa.RSAPrivateKey,
) -> None:
    verifier = JWKSVerifier(
        JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=http, min_refresh_seconds=5
    )
    await verifier.verify(sign(rsa_key, "key-1", claims()))
    clock.now += 5
    for number in range(20):
        with pytest.raises(InvalidTokenError, match="unknown key id"):
            await verifier.verify(sign(other_rsa_key, f"forged-{number}", claims()))
    assert jwks_server.requests == 2

    jwks_server.keys.append(public_jwk(other_rsa_key, "key-2"))
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        await verifier.verify(sign(other_rsa_key, "key-2", claims()))
    clock.now += 5
    verified = await verifier.verify(sign(other_rsa_key, "key-2", claims()))

    assert isinstance(verified.user_id, uuid.UUID)
    assert jwks_server.requests == 3


async def test_a_key_removed_from_the_jwks_stops_verifying_after_the_cache_age(
    clock: FakeClock, http: httpx2.AsyncClient, jwks_server: JWKSServer, rsa_key: rsa.RSAPrivateKey
) -> None:
    verifier = JWKSVerifier(
        JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=http, max_age_seconds=300
    )
    token = sign(rsa_key, "key-1", claims())
    await verifier.verify(token)
    jwks_server.keys.clear()
    await verifier.verify(token)

    clock.now += 301

    with pytest.raises(InvalidTokenError, match="unknown key id"):
        await verifier.verify(token)


async def test_cached_keys_keep_verifying_while_the_jwks_endpoint_fails(
    clock: FakeClock, http: httpx2.AsyncClient, jwks_server: JWKSServer, rsa_key: rsa.RSAPrivateKey
) -> None:
    verifier = JWKSVerifier(JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=http)
    token = sign(rsa_key, "key-1", claims())
    await verifier.verify(token)
    jwks_server.failing = True
    clock.now += 600

    verified = await verifier.verify(token)

    assert isinstance(verified.user_id, uuid.UUID)
    assert jwks_server.requests == 2


@pytest.mark.parametrize(
    "document",
    [[], {"keys": "nope"}, {"keys": [1, "x", {"kty": "RSA", "kid": "k", "n": "!", "e": "?"}]}],
)
async def test_a_malformed_jwks_document_rejects_tokens_without_crashing(
    rsa_key: rsa.RSAPrivateKey, document: Any
) -> None:
    async def jwks(request: Request) -> Response:
        return JSONResponse(document)

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app)) as client:
        verifier = JWKSVerifier(JWKS_URL, issuer=ISSUER, audience=AUDIENCE, http_client=client)

        with pytest.raises(InvalidTokenError, match="unknown key id"):
            await verifier.verify(sign(rsa_key, "k", claims()))
