"""Access tokens an attacker can make: the JWT attack table (RFC 8725 and known CVEs).

Every token here must be refused by every protected endpoint. The cases that need the real
signing key (expired, not yet valid, wrong issuer or audience) are made only when the key is
given (E2E_AUTH_SIGNING_KEY_FILE); the others need nothing but the public JWKS.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

ISSUER = "chatkit-botbuilder-auth"
AUDIENCE = "chatkit-botbuilder"


def b64url(raw: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_json(value: dict[str, Any]) -> str:
    """Unpadded base64url of compact JSON."""
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def _int_from_b64url(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def public_pem(jwk: dict[str, Any]) -> bytes:
    """The PEM of a published RSA JWK (what an attacker would use as an HMAC secret)."""
    numbers = rsa.RSAPublicNumbers(_int_from_b64url(jwk["e"]), _int_from_b64url(jwk["n"]))
    return numbers.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def claims(user_id: str, **overrides: Any) -> dict[str, Any]:
    """Claims of a valid-looking access token for ``user_id``."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user_id,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": secrets.token_hex(16),
    }
    base.update(overrides)
    return {key: value for key, value in base.items() if value is not None}


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    """header.payload. with an empty signature."""
    return f"{b64url_json(header)}.{b64url_json(payload)}."


def hs256_with_secret(header: dict[str, Any], payload: dict[str, Any], secret: bytes) -> str:
    """An HS256 token signed with ``secret``, built by hand (jose refuses public-key secrets)."""
    signing_input = f"{b64url_json(header)}.{b64url_json(payload)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def rs256(payload: dict[str, Any], private_pem: str, kid: str) -> str:
    """An RS256 token signed with ``private_pem`` under ``kid``."""
    return jwt.encode(payload, private_pem, algorithm="RS256", headers={"kid": kid})


def new_private_pem() -> str:
    """A fresh RSA key the system has never seen."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def tamper(token: str, **changes: Any) -> str:
    """A real token whose payload was edited, keeping the original signature."""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded.update(changes)
    return f"{header}.{b64url_json(decoded)}.{signature}"


@dataclass(frozen=True)
class ForgedToken:
    """One row of the attack table."""

    case: str
    token: str


def attack_table(
    user_id: str, real_token: str, jwks: dict[str, Any], signing_key: tuple[str, str] | None
) -> list[ForgedToken]:
    """Every forged token for ``user_id``; ``signing_key`` is (private PEM, kid) when known."""
    jwk = jwks["keys"][0]
    kid = str(jwk["kid"])
    valid = claims(user_id)
    foreign_key = new_private_pem()
    rows = [
        ForgedToken("alg none", unsigned({"alg": "none", "typ": "JWT", "kid": kid}, valid)),
        ForgedToken("alg None", unsigned({"alg": "None", "typ": "JWT", "kid": kid}, valid)),
        ForgedToken(
            "HS256 signed with the public key PEM",
            hs256_with_secret({"alg": "HS256", "typ": "JWT", "kid": kid}, valid, public_pem(jwk)),
        ),
        ForgedToken(
            "HS256 signed with the JWK modulus",
            hs256_with_secret({"alg": "HS256", "typ": "JWT", "kid": kid}, valid, jwk["n"].encode()),
        ),
        ForgedToken("RS256 by a foreign key under the real kid", rs256(valid, foreign_key, kid)),
        ForgedToken("unknown kid", rs256(valid, foreign_key, "kid-" + secrets.token_hex(4))),
        ForgedToken(
            "embedded jwk header",
            jwt.encode(
                valid,
                foreign_key,
                algorithm="RS256",
                headers={"kid": kid, "jku": "http://127.0.0.1:9/jwks.json"},
            ),
        ),
        ForgedToken(
            "tampered payload: other subject", tamper(real_token, sub=secrets.token_hex(16))
        ),
        ForgedToken(
            "tampered payload: later expiry", tamper(real_token, exp=int(time.time()) + 86400)
        ),
        ForgedToken("signature stripped", real_token.rsplit(".", 1)[0] + "."),
        ForgedToken("malformed: one segment", "notatoken"),
        ForgedToken("malformed: garbage segments", "a.b.c"),
        ForgedToken("malformed: four segments", real_token + ".extra"),
        ForgedToken("malformed: oversized", "a" * 16_000),
    ]
    if signing_key is not None:
        pem, real_kid = signing_key
        now = int(time.time())
        rows += [
            ForgedToken(
                "expired",
                rs256(
                    claims(user_id, iat=now - 3600, nbf=now - 3600, exp=now - 1800), pem, real_kid
                ),
            ),
            ForgedToken(
                "nbf in the future",
                rs256(claims(user_id, nbf=now + 3600, exp=now + 7200), pem, real_kid),
            ),
            ForgedToken("wrong issuer", rs256(claims(user_id, iss="evil-issuer"), pem, real_kid)),
            ForgedToken("wrong audience", rs256(claims(user_id, aud="other-app"), pem, real_kid)),
            ForgedToken("no expiry", rs256(claims(user_id, exp=None), pem, real_kid)),
            ForgedToken("no subject", rs256(claims(user_id, sub=None), pem, real_kid)),
            ForgedToken(
                "subject not a uuid", rs256(claims(user_id, sub="' OR 1=1 --"), pem, real_kid)
            ),
        ]
    return rows


def find_kid(private_pem: str, jwks: dict[str, Any]) -> str:
    """The kid under which the JWKS publishes the public half of ``private_pem``."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    modulus = key.public_key().public_numbers().n
    for jwk in jwks["keys"]:
        if _int_from_b64url(jwk["n"]) == modulus:
            return str(jwk["kid"])
    raise AssertionError("the signing key given to the suite is not published in the JWKS")
