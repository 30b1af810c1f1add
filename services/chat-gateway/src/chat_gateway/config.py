"""The chat-gateway settings: one object, built once in ``create_app``."""

from typing import Annotated, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict
from servicekit.settings import PLACEHOLDER_SECRETS, ServiceSettings

from chat_gateway.apps import AppConfig, AppDirectory, default_app

ModelProviderName = Literal["local", "openai", "openai_compatible"]


TASKS_SERVICE = "tasks"
"""The service name of mcp-tasks, configured by its own settings rather than listed."""

ServiceName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class ToolServiceConfig(BaseModel):
    """One MCP tool service besides mcp-tasks (an entry of CHAT_GATEWAY_TOOL_SERVICES)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: ServiceName
    url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")]
    identity_key_id: str = Field(min_length=1)
    identity_secret: SecretStr | None = None
    """The secret for ``identity_key_id``; the gateway's own identity secret when not given."""
    confirm: list[str] = Field(default_factory=list)
    """Tools held back until the user confirms (as delete_task is for tasks)."""
    undo: bool = True
    """Whether mutations can be undone through the service's ``revert_change(version)``."""
    events: bool = True
    """Whether the service publishes change events (RecordEvent) for live updates."""


class Settings(ServiceSettings):
    """Configuration of chat-gateway, read from CHAT_GATEWAY_* and the common variables."""

    model_config = SettingsConfigDict(env_prefix="CHAT_GATEWAY_", extra="ignore", frozen=True)

    service_name: str = "chat-gateway"
    identity_key_id: str = "dev"
    identity_secret: SecretStr = SecretStr("changethis")
    mcp_tasks_url: str = "http://127.0.0.1:8002"
    mcp_connect_timeout_seconds: float = 5.0
    mcp_tool_timeout_seconds: float = 15.0
    mcp_tools_cache_seconds: float = 300.0

    jwks_url: str = "http://127.0.0.1:8001/.well-known/jwks.json"
    jwt_issuer: str = "chatkit-botbuilder-auth"
    jwt_audience: str = "chatkit-botbuilder"

    model_provider: ModelProviderName = "local"
    model_name: str | None = None
    model_base_url: str | None = None
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CHAT_GATEWAY_OPENAI_API_KEY", "OPENAI_API_KEY"),
    )
    model_timeout_seconds: float = 60.0
    model_max_retry_wait_seconds: float = Field(default=10.0, ge=0)
    """The longest wait before the one retry of a refused model request (429 or 5xx); a
    longer Retry-After fails the turn at once."""
    model_max_output_tokens: int = Field(default=2048, ge=16)
    model_parallel_tool_calls: bool = True
    """Whether an HTTP model may call several tools in one answer (the local model never does)."""

    # The chat store, undo log and confirmations run single statements (a turn keeps up to
    # three in flight); SQLAlchemy's pool only answers the readiness ping.
    database_pool_size: int = Field(default=1, ge=1)
    database_max_overflow: int = Field(default=1, ge=0)
    database_statement_pool_size: int = Field(default=20, ge=1)

    max_body_bytes: int = 1024 * 1024
    max_chatkit_request_bytes: int = Field(default=64 * 1024, ge=1024)
    max_message_chars: int = 4000
    history_cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    chat_turns_per_minute: int = 30
    history_items: int = 40
    undo_window_seconds: int = 600
    cors_origins: list[str] = Field(default_factory=list)

    event_heartbeat_seconds: float = 15.0
    event_client_buffer: int = 256
    max_streams_per_user: int = Field(default=10, ge=1)

    tool_services: list[ToolServiceConfig] = Field(default_factory=list)
    """Extra MCP tool services, as a JSON list (see ToolServiceConfig)."""
    apps: list[AppConfig] = Field(default_factory=list)
    """The apps served, as a JSON list (see AppConfig); the first is the default. Unset: one
    app ``tasks`` whose allowed origins are ``cors_origins``."""

    @model_validator(mode="after")
    def _distinct_service_names(self) -> Self:
        names = [service.name for service in self.tool_services]
        if TASKS_SERVICE in names:
            raise ValueError(f"tool service name {TASKS_SERVICE!r} is taken by mcp-tasks")
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"tool services listed twice: {', '.join(duplicates)}")
        self._check_apps(set(names) | {TASKS_SERVICE})
        if self.environment != "development":
            for service in self.tool_services:
                secret = service.identity_secret
                if secret is not None and secret.get_secret_value() in PLACEHOLDER_SECRETS:
                    raise ValueError(
                        f"tool service {service.name!r} holds a placeholder identity_secret"
                    )
        return self

    def _check_apps(self, services: set[str]) -> None:
        ids = [app.id for app in self.apps]
        duplicates = sorted({app_id for app_id in ids if ids.count(app_id) > 1})
        if duplicates:
            raise ValueError(f"apps listed twice: {', '.join(duplicates)}")
        if self.apps:
            AppDirectory(self.apps)  # a host belongs to one app
        if self.apps and self.cors_origins:
            raise ValueError("with CHAT_GATEWAY_APPS set, give each app its allowed_origins")
        for app in self.apps:
            unknown = sorted(set(app.tool_services or ()) - services)
            if unknown:
                raise ValueError(
                    f"app {app.id!r} names unknown tool services: {', '.join(unknown)}"
                )

    @property
    def served_apps(self) -> list[AppConfig]:
        """The apps served, the default first."""
        return self.apps or [default_app(self.cors_origins)]

    def identity_secret_of(self, service: ToolServiceConfig) -> SecretStr:
        """The secret the gateway signs ``service``'s requests with."""
        return service.identity_secret or self.identity_secret
