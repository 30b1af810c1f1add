"""Configuration of mcp-tasks (environment variables prefixed MCP_TASKS_)."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict
from servicekit.tool_service_settings import ToolServiceSettings


class Settings(ToolServiceSettings):
    """Every setting of the service; built once in ``create_app`` and passed down.

    Identity keys, allowed hosts, event retention and the body limit are servicekit's
    ToolServiceSettings; outside development it refuses a placeholder identity key.
    """

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
    # Transactions and reads share SQLAlchemy's pool; add_task is a single statement.
    database_pool_size: int = Field(default=6, ge=1)
    database_max_overflow: int = Field(default=6, ge=0)
    database_statement_pool_size: int = Field(default=8, ge=1)
