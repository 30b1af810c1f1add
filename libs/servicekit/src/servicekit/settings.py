"""The settings base class every service extends."""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "changeme", "secret", "dev-secret"})
"""Values that mark a secret as not chosen by an operator."""

Environment = Literal["development", "test", "production"]

_COMMON_FIELDS = ("database_url", "redis_url")


class _PrefixedCommonSource(EnvSettingsSource):
    """Reads <PREFIX>DATABASE_URL and <PREFIX>REDIS_URL, which win over the common names."""

    def __call__(self) -> dict[str, Any]:
        if not self.env_prefix:
            return {}
        found: dict[str, Any] = {}
        for field in _COMMON_FIELDS:
            value = self.env_vars.get(self._apply_case_sensitive(self.env_prefix + field))
            if value:
                found[field] = value
        return found


def _placeholder_secret_in(value: object) -> bool:
    if isinstance(value, SecretStr):
        return value.get_secret_value() in PLACEHOLDER_SECRETS
    if isinstance(value, Mapping):
        return any(_placeholder_secret_in(item) for item in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_placeholder_secret_in(item) for item in value)
    return False


class ServiceSettings(BaseSettings):
    """Configuration shared by every service.

    Subclasses set ``model_config = SettingsConfigDict(env_prefix="<SLUG>_")``. The common
    variables DATABASE_URL, REDIS_URL and ENVIRONMENT are read without the prefix (the prefixed
    name wins when both are set). Outside development every ``SecretStr`` field must hold a
    value that is not a known placeholder, or construction fails; ``SecretStr`` values inside
    mappings and sequences (a key ring such as ``{key_id: secret}``) are checked too.
    """

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    service_name: str = "service"
    environment: Environment = Field(
        default="development", validation_alias=AliasChoices("environment", "ENVIRONMENT")
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        validation_alias=AliasChoices("database_url", "DATABASE_URL"),
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        validation_alias=AliasChoices("redis_url", "REDIS_URL"),
    )
    # The connection budget of one process (see servicekit.database.Database): SQLAlchemy's
    # pool (transactions, per-call statements, the readiness ping) keeps database_pool_size
    # connections and opens up to database_max_overflow more under load; asyncpg's statement
    # pool opens up to database_statement_pool_size. Each service sets defaults for its use.
    database_pool_size: int = Field(default=5, ge=1)
    database_max_overflow: int = Field(default=5, ge=0)
    database_statement_pool_size: int = Field(default=0, ge=0)
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "otel_exporter_otlp_endpoint"),
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> "ServiceSettings":
        if self.environment == "development":
            return self
        for name in type(self).model_fields:
            if _placeholder_secret_in(getattr(self, name)):
                raise ValueError(
                    f"{name} holds a placeholder secret; set a real value "
                    f"(environment is {self.environment!r})"
                )
        return self

    @classmethod
    def environment_variables(cls) -> dict[str, frozenset[str]]:
        """Each field's environment variable names, upper case, as operators write them.

        A field with aliases answers to those names (the common DATABASE_URL, REDIS_URL,
        ENVIRONMENT, ...); any other field to the service prefix plus its name.
        """
        prefix = str(cls.model_config.get("env_prefix", "")).upper()
        names: dict[str, frozenset[str]] = {}
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            if isinstance(alias, AliasChoices):
                names[name] = frozenset(c.upper() for c in alias.choices if isinstance(c, str))
            elif isinstance(alias, str):
                names[name] = frozenset({alias.upper()})
            else:
                names[name] = frozenset({prefix + name.upper()})
        return names

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Environment first, with the prefixed DATABASE_URL / REDIS_URL ahead of the bare ones."""
        return (
            init_settings,
            _PrefixedCommonSource(settings_cls),
            env_settings,
            dotenv_settings,
            file_secret_settings,
        )

    @property
    def database_connections(self) -> int:
        """The most PostgreSQL connections one process of the service opens: its pools full."""
        return (
            self.database_pool_size + self.database_max_overflow + self.database_statement_pool_size
        )

    @property
    def async_database_url(self) -> str:
        """DATABASE_URL with the asyncpg driver, whatever scheme the operator wrote."""
        url = self.database_url
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix) :]
        raise ValueError("DATABASE_URL must be a postgresql:// URL")
