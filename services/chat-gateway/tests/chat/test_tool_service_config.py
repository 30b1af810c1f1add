"""CHAT_GATEWAY_TOOL_SERVICES: parsing, refusals, and the refusal to start on a tool name clash."""

import json
from typing import Any

import pytest
from chat_gateway.chat.tool_router import ToolNameClashError
from chat_gateway.config import Settings
from chat_gateway.main import create_app
from live_harness import IDENTITY_KEY_ID, gateway_settings
from pydantic import ValidationError
from service_processes import ServiceProcess

NOTES = {
    "name": "notes",
    "url": "http://127.0.0.1:8003",
    "identity_key_id": "dev",
    "confirm": ["delete_note"],
    "undo": True,
    "events": True,
}


def settings_from_env(monkeypatch: pytest.MonkeyPatch, services: Any, **env: str) -> Settings:
    monkeypatch.setenv("CHAT_GATEWAY_TOOL_SERVICES", json.dumps(services))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_the_configuration_line_is_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_from_env(monkeypatch, [NOTES])

    (notes,) = settings.tool_services
    assert notes.name == "notes"
    assert notes.url == "http://127.0.0.1:8003"
    assert notes.confirm == ["delete_note"]
    assert notes.undo
    assert notes.events
    # Without its own secret an entry is signed with the gateway's identity secret.
    assert settings.identity_secret_of(notes) == settings.identity_secret


@pytest.mark.parametrize(
    ("services", "complaint"),
    [
        ([NOTES | {"name": "tasks"}], "taken by mcp-tasks"),
        ([NOTES, NOTES], "listed twice: notes"),
        ([NOTES | {"name": "Notes!"}], "name"),
        ([NOTES | {"url": "ftp://notes"}], "url"),
        ([NOTES | {"colour": "blue"}], "colour"),
        ([{"name": "notes"}], "url"),
        ({"name": "notes"}, "list"),
    ],
)
def test_a_wrong_configuration_is_refused_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, services: Any, complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        settings_from_env(monkeypatch, services)


def test_a_placeholder_service_secret_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = NOTES | {"identity_secret": "changethis"}
    with pytest.raises(ValidationError, match="placeholder identity_secret"):
        settings_from_env(
            monkeypatch,
            [entry],
            ENVIRONMENT="production",
            CHAT_GATEWAY_IDENTITY_SECRET="a-real-secret-" + "x" * 20,
        )
    assert settings_from_env(monkeypatch, [entry], ENVIRONMENT="development").tool_services


@pytest.mark.anyio
async def test_the_gateway_refuses_to_start_when_two_services_offer_the_same_tool(
    mcp_tasks: ServiceProcess, auth: ServiceProcess, gateway_database: str
) -> None:
    # A second entry for the real mcp-tasks: every one of its tool names is offered twice.
    copy = {"name": "copy", "url": mcp_tasks.url, "identity_key_id": IDENTITY_KEY_ID}
    settings = gateway_settings(mcp_tasks.url, auth.url, gateway_database, tool_services=[copy])
    app = create_app(settings)

    with pytest.raises(ToolNameClashError, match="offered by both 'tasks' and 'copy'"):
        async with app.router.lifespan_context(app):
            pass
