"""Configuration of entries (environment variables prefixed ENTRIES_)."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict
from servicekit.tool_service_settings import ToolServiceSettings

SERVICE = "entries"


class Settings(ToolServiceSettings):
    """Every setting of the service; built once in ``create_app`` and passed down.

    The shared ones (identity keys, allowed hosts, event retention, body limit) come from
    servicekit's ToolServiceSettings; outside development it refuses a placeholder identity key.
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
