"""ServiceSettings: placeholder secrets refused outside development, prefixed URLs win."""

import pytest
from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict
from servicekit.settings import ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAMPLE_")

    api_secret: SecretStr = SecretStr("changethis")
    key_ring: dict[str, SecretStr] = Field(
        default_factory=lambda: {"dev": SecretStr("a-real-secret-value")}
    )


@pytest.mark.parametrize("environment", ["test", "production"])
def test_a_placeholder_secret_is_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError, match="api_secret holds a placeholder secret"):
        ExampleSettings(environment=environment)


def test_a_placeholder_secret_is_accepted_in_development() -> None:
    settings = ExampleSettings(environment="development")

    assert settings.api_secret.get_secret_value() == "changethis"


def test_a_real_secret_is_accepted_in_production() -> None:
    settings = ExampleSettings(environment="production", api_secret=SecretStr("s3cr3t-v4lue"))

    assert settings.environment == "production"
    assert "s3cr3t" not in repr(settings)


def test_a_placeholder_inside_a_key_ring_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="key_ring holds a placeholder secret"):
        ExampleSettings(
            environment="production",
            api_secret=SecretStr("s3cr3t-v4lue"),
            key_ring={"dev": SecretStr("changethis")},
        )


def test_environment_is_read_from_the_common_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("EXAMPLE_API_SECRET", "from-the-env")

    settings = ExampleSettings()

    assert settings.environment == "production"
    assert settings.api_secret.get_secret_value() == "from-the-env"


def test_the_prefixed_database_and_redis_urls_win_over_the_common_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://common/db")
    monkeypatch.setenv("REDIS_URL", "redis://common:6379/0")
    monkeypatch.setenv("EXAMPLE_DATABASE_URL", "postgresql://own/db")
    monkeypatch.setenv("EXAMPLE_REDIS_URL", "redis://own:6379/4")

    settings = ExampleSettings()

    assert settings.database_url == "postgresql://own/db"
    assert settings.redis_url == "redis://own:6379/4"


def test_the_common_database_url_applies_without_a_prefixed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/app")

    settings = ExampleSettings()

    assert settings.async_database_url == "postgresql+asyncpg://u@db:5432/app"


def test_a_database_url_of_another_kind_is_refused() -> None:
    settings = ExampleSettings(database_url="mysql://u@db/app")

    with pytest.raises(ValueError, match="postgresql://"):
        _ = settings.async_database_url


def test_environment_variables_name_the_prefixed_and_the_common_variables() -> None:
    variables = ExampleSettings.environment_variables()

    assert variables["api_secret"] == frozenset({"EXAMPLE_API_SECRET"})
    assert variables["log_level"] == frozenset({"EXAMPLE_LOG_LEVEL"})
    assert variables["environment"] == frozenset({"ENVIRONMENT"})
    assert variables["database_url"] == frozenset({"DATABASE_URL"})
    assert variables["otel_exporter_otlp_endpoint"] == frozenset({"OTEL_EXPORTER_OTLP_ENDPOINT"})
