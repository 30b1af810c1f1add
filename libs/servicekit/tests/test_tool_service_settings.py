"""ToolServiceSettings: hosts default to the service's own name; keys are required and a
placeholder is refused outside development."""

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict
from servicekit.tool_service_settings import ToolServiceSettings


class ProbeSettings(ToolServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PROBES_", extra="ignore", frozen=True)

    service_name: str = "probes"


def test_allowed_hosts_default_to_loopback_and_the_service_name() -> None:
    assert ProbeSettings().allowed_hosts == [
        "127.0.0.1:*",
        "localhost:*",
        "[::1]:*",
        "probes:*",
        "probes",
    ]


@pytest.mark.parametrize(
    ("given", "hosts"),
    [("a:1, b:2", ["a:1", "b:2"]), ('["c:3"]', ["c:3"])],
)
def test_allowed_hosts_read_csv_or_json(
    monkeypatch: pytest.MonkeyPatch, given: str, hosts: list[str]
) -> None:
    monkeypatch.setenv("PROBES_ALLOWED_HOSTS", given)

    assert ProbeSettings().allowed_hosts == hosts


def test_an_empty_key_ring_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one identity key"):
        ProbeSettings(identity_keys={})


def test_a_placeholder_key_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        ProbeSettings(environment="production", identity_keys={"k": SecretStr("changethis")})
