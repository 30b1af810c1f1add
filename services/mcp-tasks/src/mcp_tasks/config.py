"""Configuration of mcp-tasks (environment variables prefixed MCP_TASKS_)."""

import json
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from servicekit.settings import PLACEHOLDER_SECRETS, ServiceSettings

DEFAULT_ALLOWED_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*", "mcp-tasks:*", "mcp-tasks")


class Settings(ServiceSettings):
    """Every setting of the service; built once in ``create_app`` and passed down."""

    model_config = SettingsConfigDict(env_prefix="MCP_TASKS_", extra="ignore", frozen=True)

    service_name: str = "mcp-tasks"
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("MCP_TASKS_DATABASE_URL", "database_url", "DATABASE_URL"),
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("MCP_TASKS_REDIS_URL", "redis_url", "REDIS_URL"),
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
    # Transactions and reads share SQLAlchemy's pool; add_task is a single statement.
    database_pool_size: int = Field(default=6, ge=1)
    database_max_overflow: int = Field(default=6, ge=0)
    database_statement_pool_size: int = Field(default=8, ge=1)

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

    @model_validator(mode="after")
    def _refuse_placeholder_identity_keys(self) -> "Settings":
        if self.environment == "development":
            return self
        for key_id, secret in self.identity_keys.items():
            if secret.get_secret_value() in PLACEHOLDER_SECRETS:
                raise ValueError(
                    f"identity key {key_id!r} holds a placeholder secret; "
                    "set MCP_TASKS_IDENTITY_KEYS"
                )
        return self

    def identity_secrets(self) -> dict[str, bytes]:
        """The identity keys as raw bytes, for the verifier."""
        return {
            key: secret.get_secret_value().encode() for key, secret in self.identity_keys.items()
        }
