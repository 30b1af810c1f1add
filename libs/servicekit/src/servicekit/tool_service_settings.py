"""The settings every record tool service shares (its own class adds the env prefix)."""

import json
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode

from servicekit.settings import ServiceSettings


def default_allowed_hosts(service: str) -> list[str]:
    """The Host values a service accepts by default: loopback, and its cluster name."""
    return ["127.0.0.1:*", "localhost:*", "[::1]:*", f"{service}:*", service]


class ToolServiceSettings(ServiceSettings):
    """Identity keys, MCP host protection, event retention and the body limit.

    Outside development the base class refuses a placeholder identity key.
    """

    identity_keys: dict[str, SecretStr] = Field(
        default_factory=lambda: {"dev": SecretStr("changethis")}
    )
    """Shared secrets accepted in X-Identity-Key (two during a rotation), as a JSON object."""
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda data: default_allowed_hosts(str(data["service_name"]))
    )
    """Host header values the MCP endpoint accepts (DNS-rebinding protection); JSON list or CSV."""
    event_retention_days: int = Field(default=30, ge=1)
    event_prune_interval_seconds: float = Field(default=3600.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
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
