"""Configuration of entries (environment variables prefixed ENTRIES_)."""

import json
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from servicekit.settings import ServiceSettings

SERVICE = "entries"
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*", f"{SERVICE}:*", SERVICE)


class Settings(ServiceSettings):
    """Every setting of the service; built once in ``create_app`` and passed down.

    Outside development the base class refuses a placeholder identity key.
    """

    model_config = SettingsConfigDict(env_prefix="ENTRIES_", extra="ignore", frozen=True)

    service_name: str = SERVICE
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("ENTRIES_DATABASE_URL", "database_url", "DATABASE_URL"),
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("ENTRIES_REDIS_URL", "redis_url", "REDIS_URL"),
    )
    identity_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {"dev": SecretStr("changethis")}
    )
    """Shared secrets accepted in X-Identity-Key (two during a rotation), as a JSON object."""
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_ALLOWED_HOSTS)
    )
    """Host header values the MCP endpoint accepts (DNS-rebinding protection); JSON list or CSV."""
    event_retention_days: int = Field(default=30, ge=1)
    event_prune_interval_seconds: float = Field(default=3600.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    database_pool_size: int = Field(default=5, ge=1)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("identity_keys")
    @classmethod
    def _require_keys(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        if not value:
            raise ValueError("at least one identity key is required")
        return value

    def identity_secrets(self) -> dict[str, bytes]:
        """The identity keys as raw bytes, for the verifier."""
        return {
            key: secret.get_secret_value().encode() for key, secret in self.identity_keys.items()
        }
