"""RS256 signing keys: loading, development key generation and the published JWKS."""

import base64
import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk
from jose.backends.base import Key
from jose.exceptions import JOSEError

from auth_service.config import Settings

logger = logging.getLogger(__name__)

ALGORITHM = "RS256"
DEVELOPMENT_KEY_NAME = "signing-key.pem"
_MIN_KEY_BITS = 2048


class KeyConfigurationError(Exception):
    """The configured signing or public keys cannot be used; the service refuses to start."""


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The key that signs new tokens and every public key that verifies them."""

    key_id: str
    signing_key: Key
    verification_keys: dict[str, Key]
    jwks: dict[str, list[dict[str, str]]]


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def public_jwk(public_key: rsa.RSAPublicKey, key_id: str | None = None) -> dict[str, str]:
    """The RSA public JWK of ``public_key``; the kid defaults to its RFC 7638 thumbprint."""
    numbers = public_key.public_numbers()
    members = {"e": _b64url_uint(numbers.e), "kty": "RSA", "n": _b64url_uint(numbers.n)}
    if key_id is None:
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
        key_id = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    return {**members, "kid": key_id, "use": "sig", "alg": ALGORITHM}


def _parse_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    try:
        private_key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyConfigurationError(
            "the signing key is not an unencrypted PEM private key"
        ) from exc
    if not isinstance(private_key, rsa.RSAPrivateKey) or private_key.key_size < _MIN_KEY_BITS:
        raise KeyConfigurationError(f"the signing key must be an RSA key of {_MIN_KEY_BITS}+ bits")
    return private_key


def generate_private_key_pem() -> bytes:
    """A new RSA 2048 private key in unencrypted PKCS#8 PEM."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=_MIN_KEY_BITS)
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def development_key_pem(directory: Path) -> bytes:
    """The development key under ``directory``, generated (0600, directory 0700) on first use.

    Concurrent first starts are safe: the key is written to a private temporary file and
    linked into place, so every process ends up reading the same complete key.
    """
    path = directory / DEVELOPMENT_KEY_NAME
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        directory.chmod(0o700)
        temporary = directory / f".{DEVELOPMENT_KEY_NAME}.{os.getpid()}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(generate_private_key_pem())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
                logger.info("generated a development signing key", extra={"path": str(path)})
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_bytes()


def _extra_public_keys(path: Path) -> list[dict[str, str]]:
    try:
        document: Any = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise KeyConfigurationError("AUTH_EXTRA_PUBLIC_KEYS_FILE is not a readable JWKS") from exc
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise KeyConfigurationError("AUTH_EXTRA_PUBLIC_KEYS_FILE has no key list")
    published: list[dict[str, str]] = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or "d" in entry:
            raise KeyConfigurationError("extra keys must be public RSA JWKs")
        if not isinstance(entry.get("kid"), str) or not entry["kid"]:
            raise KeyConfigurationError("every extra public key needs a kid")
        published.append(
            {
                "kty": "RSA",
                "n": str(entry["n"]),
                "e": str(entry["e"]),
                "kid": entry["kid"],
                "use": "sig",
                "alg": ALGORITHM,
            }
        )
    return published


def _construct(entry: dict[str, str]) -> Key:
    try:
        return jwk.construct(entry, algorithm=ALGORITHM)
    except (JOSEError, KeyError, ValueError, TypeError) as exc:
        raise KeyConfigurationError(f"unusable public key {entry.get('kid')!r}") from exc


def load_key_ring(settings: Settings) -> KeyRing:
    """Build the key ring from settings; raise KeyConfigurationError when it cannot be used."""
    if settings.signing_key is not None:
        pem = settings.signing_key.get_secret_value().encode()
    elif settings.signing_key_file is not None:
        try:
            pem = settings.signing_key_file.read_bytes()
        except OSError as exc:
            raise KeyConfigurationError("AUTH_SIGNING_KEY_FILE cannot be read") from exc
    elif settings.environment == "development":
        pem = development_key_pem(settings.development_key_dir)
    else:
        raise KeyConfigurationError("no signing key configured")
    private_key = _parse_private_key(pem)
    current = public_jwk(private_key.public_key(), settings.signing_key_id)
    published = [current]
    if settings.extra_public_keys_file is not None:
        published += [
            entry
            for entry in _extra_public_keys(settings.extra_public_keys_file)
            if entry["kid"] != current["kid"]
        ]
    signing_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return KeyRing(
        key_id=current["kid"],
        signing_key=jwk.construct(signing_pem.decode(), algorithm=ALGORITHM),
        verification_keys={entry["kid"]: _construct(entry) for entry in published},
        jwks={"keys": published},
    )
