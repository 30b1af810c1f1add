"""The chat-gateway settings: one object, built once in ``create_app``."""

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings

ModelProviderName = Literal["local", "openai", "openai_compatible"]


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
