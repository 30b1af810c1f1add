"""The auth service's settings (env prefix AUTH_)."""

from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict
from servicekit.app_choice import HOST_PATTERN
from servicekit.client_address import IPNetwork, parse_networks
from servicekit.settings import ServiceSettings
from servicekit.subjects import APP_ID_PATTERN, DEFAULT_APP


class DatabaseSettings(ServiceSettings):
    """The part of the settings the migrations need (no signing key required)."""

    model_config = SettingsConfigDict(env_prefix="AUTH_")

    service_name: str = "auth"


class Settings(DatabaseSettings):
    """Every knob of the auth service; built once in ``create_app``."""

    jwt_issuer: str = "chatkit-botbuilder-auth"
    jwt_audience: str = "chatkit-botbuilder"
    access_token_ttl_seconds: int = Field(default=900, ge=60, le=86_400)
    refresh_token_ttl_seconds: int = Field(default=30 * 86_400, ge=300, le=365 * 86_400)
    signing_key: SecretStr | None = None
    signing_key_file: Path | None = None
    signing_key_id: str | None = Field(default=None, min_length=1, max_length=128)
    extra_public_keys_file: Path | None = None
    development_key_dir: Path = Path(".run/auth")
    password_time_cost: int = Field(default=3, ge=1)
    password_memory_kib: int = Field(default=65_536, ge=8_192)
    password_parallelism: int = Field(default=4, ge=1)
    password_hash_concurrency: int | None = Field(default=None, ge=1)
    registration_window_seconds: int = Field(default=60, ge=1)
    max_registrations_per_address: int = Field(default=30, ge=1)
    max_registrations: int = Field(default=300, ge=1)
    login_failure_window_seconds: int = Field(default=900, ge=1)
    max_login_failures_per_email_and_address: int = Field(default=5, ge=1)
    max_login_failures_per_address: int = Field(default=20, ge=1)
    login_delay_after_email_failures: int = Field(default=5, ge=1)
    max_login_delay_seconds: float = Field(default=8.0, ge=0, le=60)
    body_read_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = Field(default_factory=list)
    apps: list[Annotated[str, Field(pattern=APP_ID_PATTERN)]] = Field(
        default_factory=lambda: [DEFAULT_APP], min_length=1
    )
    """The apps tokens are issued for (a JSON list of ids); the first is the default."""
    app_hosts: dict[
        Annotated[str, Field(pattern=HOST_PATTERN, max_length=253)],
        Annotated[str, Field(pattern=APP_ID_PATTERN)],
    ] = Field(default_factory=dict)
    """Host name -> app (a JSON object): requests to that host that name no app are its."""

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_networks(cls, value: Any) -> Any:
        return parse_networks(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _distinct_apps(self) -> Self:
        if len(set(self.apps)) != len(self.apps):
            raise ValueError("AUTH_APPS lists an app twice")
        unknown = sorted(set(self.app_hosts.values()) - set(self.apps))
        if unknown:
            raise ValueError(f"AUTH_APP_HOSTS names apps not in AUTH_APPS: {', '.join(unknown)}")
        return self

    @model_validator(mode="after")
    def _require_signing_key_outside_development(self) -> Self:
        if self.signing_key is not None and self.signing_key_file is not None:
            raise ValueError("set AUTH_SIGNING_KEY or AUTH_SIGNING_KEY_FILE, not both")
        if (
            self.environment != "development"
            and self.signing_key is None
            and self.signing_key_file is None
        ):
            raise ValueError(
                "AUTH_SIGNING_KEY or AUTH_SIGNING_KEY_FILE is required outside development"
            )
        return self

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry the Secure flag everywhere but in local development (plain HTTP)."""
        return self.environment != "development"
