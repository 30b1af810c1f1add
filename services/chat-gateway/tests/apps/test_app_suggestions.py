"""The chat start screen's suggestions per app: an app may name its own (a few short lines), and
one that names none is offered only the task suggestions whose tools it is granted."""

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from apps_harness import apps_config
from chat_gateway.apps import APP_HEADER
from chat_gateway.config import Settings
from chat_harness import chat_gateway
from pydantic import ValidationError

pytestmark = pytest.mark.anyio

ERRANDS_SUGGESTIONS = ["Add post the parcel tomorrow", "What errands are due this week?"]


@pytest.fixture
async def gateway_url(chat_settings: Callable[..., Settings]) -> AsyncIterator[str]:
    """tasks (every tool, no suggestions named), errands (its own suggestions), pantry (only
    add_task), and journal (no task service at all)."""
    apps: list[dict[str, Any]] = json.loads(json.dumps(apps_config()))
    apps[1] = {**apps[1], "suggestions": ERRANDS_SUGGESTIONS}
    apps[2] = {**apps[2], "tools": {"tasks": ["add_task"]}}
    apps.append({"id": "journal", "name": "Journal", "tool_services": []})
    async with chat_gateway(chat_settings(apps=apps)) as url:
        yield url


async def test_each_app_is_offered_its_own_or_the_suggestions_its_tools_can_answer(
    gateway_url: str,
) -> None:
    async with httpx.AsyncClient(base_url=gateway_url) as api:
        answers = {
            app: (await api.get("/api/v1/app", headers={APP_HEADER: app})).json()
            for app in ("tasks", "errands", "pantry", "journal")
        }

    assert {app: answer["suggestions"] for app, answer in answers.items()} == {
        "tasks": ["Add buy milk tomorrow", "What's due this week?", "Show my completed tasks"],
        "errands": ERRANDS_SUGGESTIONS,
        "pantry": ["Add buy milk tomorrow"],
        "journal": [],
    }


def test_suggestions_are_trimmed_and_an_empty_list_offers_none() -> None:
    apps = apps_config()
    apps[0] = {**apps[0], "suggestions": ["  Plan my week  ", "Add call mum"]}
    apps[1] = {**apps[1], "suggestions": []}

    configured = Settings(apps=apps).apps

    assert configured[0].suggestions == ["Plan my week", "Add call mum"]
    assert configured[1].suggestions == []


@pytest.mark.parametrize(
    ("suggestions", "message"),
    [
        (["Add buy milk"] * 2, "suggestions must be distinct"),
        ([f"Suggestion {n}" for n in range(7)], "at most 6 items"),
        (["   "], "at least 1 character"),
        (["x" * 81], "at most 80 characters"),
        (["Add milk\nand eggs"], "should match pattern"),
        ("Add buy milk", "valid list"),
    ],
)
def test_malformed_suggestions_stop_the_gateway_from_starting(
    suggestions: object, message: str
) -> None:
    apps = apps_config()
    apps[0] = {**apps[0], "suggestions": suggestions}

    with pytest.raises(ValidationError, match=message):
        Settings(apps=apps)
