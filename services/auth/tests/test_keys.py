"""Signing keys: development generation, refusal outside development, JWKS with two keys."""

import json
import stat
from pathlib import Path

import httpx
import pytest
from auth_service.config import Settings
from auth_service.keys import KeyConfigurationError, load_key_ring, public_jwk
from auth_service.main import create_app
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr, ValidationError

pytestmark = pytest.mark.anyio


def test_development_without_a_key_generates_one_private_key_once(tmp_cwd: Path) -> None:
    settings = Settings(environment="development")

    first = load_key_ring(settings)
    second = load_key_ring(settings)

    key_dir = tmp_cwd / ".run" / "auth"
    key_file = key_dir / "signing-key.pem"
    assert stat.S_IMODE(key_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert first.key_id == second.key_id
    assert first.jwks == second.jwks
    assert [entry.name for entry in key_dir.iterdir()] == ["signing-key.pem"]


@pytest.mark.parametrize("environment", ["test", "production"])
def test_outside_development_a_missing_key_refuses_to_start(environment: str) -> None:
    with pytest.raises(ValidationError, match="AUTH_SIGNING_KEY or AUTH_SIGNING_KEY_FILE"):
        Settings(environment=environment)


def test_a_signing_key_that_is_not_a_pem_private_key_refuses_to_start() -> None:
    settings = Settings(environment="production", signing_key=SecretStr("not a key at all"))

    with pytest.raises(KeyConfigurationError, match="not an unencrypted PEM private key"):
        load_key_ring(settings)


def test_the_key_file_setting_is_read(tmp_path: Path, signing_key_pem: str) -> None:
    key_file = tmp_path / "key.pem"
    key_file.write_text(signing_key_pem)

    ring = load_key_ring(
        Settings(environment="production", signing_key_file=key_file, signing_key_id="k1")
    )

    assert ring.key_id == "k1"
    assert [entry["kid"] for entry in ring.jwks["keys"]] == ["k1"]


async def test_jwks_publishes_the_signing_key_and_the_extra_public_key(
    tmp_path: Path, settings: Settings
) -> None:
    retiring = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    extra_file = tmp_path / "extra.json"
    extra_file.write_text(json.dumps({"keys": [public_jwk(retiring, "old-key")]}))
    app = create_app(settings.model_copy(update={"extra_public_keys_file": extra_file}))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://auth.test"
        ) as client,
    ):
        response = await client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    keys = response.json()["keys"]
    assert [key["kid"] for key in keys] == ["test-key", "old-key"]
    for key in keys:
        assert set(key) == {"kty", "n", "e", "kid", "use", "alg"}
        assert (key["kty"], key["use"], key["alg"]) == ("RSA", "sig", "RS256")
    assert keys[1] == public_jwk(retiring, "old-key")


def test_an_extra_key_file_holding_a_private_key_refuses_to_start(
    tmp_path: Path, settings: Settings
) -> None:
    extra_file = tmp_path / "extra.json"
    extra_file.write_text(
        json.dumps({"keys": [{"kty": "RSA", "kid": "x", "n": "1", "e": "1", "d": "1"}]})
    )

    with pytest.raises(KeyConfigurationError, match="public RSA JWKs"):
        load_key_ring(settings.model_copy(update={"extra_public_keys_file": extra_file}))
