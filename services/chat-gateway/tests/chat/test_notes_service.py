"""A second tool service (services/notes) beside mcp-tasks: one assistant, both services.

Every test runs the real gateway with the real mcp-tasks, notes service, auth, PostgreSQL and
Redis; the notes service is configured exactly as CHAT_GATEWAY_TOOL_SERVICES configures it.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import httpx
import pytest
from agents import Model, ModelProvider
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chat_gateway.chat.turn_failures import UNAVAILABLE
from chat_gateway.config import Settings
from chat_harness import ChatClient, TasksRest, button_action, chat_gateway
from live_harness import (
    IDENTITY_KEY_ID,
    IDENTITY_SECRET,
    REDIS_URL,
    User,
    ensure_database,
    open_events,
)
from service_processes import ServiceProcess, start_tool_service, tool_service_env
from servicekit.identity import IdentitySigner, signing_hook

pytestmark = pytest.mark.anyio


class NotesRest:
    """The notes service's REST twin, signed for one user (what the dashboard sees)."""

    def __init__(self, base_url: str, signer: IdentitySigner) -> None:
        self.base_url = base_url + "/api/v1"
        self.signer = signer

    async def request(self, user_id: UUID, method: str, path: str, **kwargs: Any) -> Any:
        hook = signing_hook(self.signer, lambda: user_id)
        async with httpx.AsyncClient(
            base_url=self.base_url, event_hooks={"request": [hook]}, timeout=10
        ) as client:
            response = await client.request(method, path, **kwargs)
        assert response.status_code < 300, response.text
        return response.json()

    async def notes(self, user_id: UUID, **params: str) -> list[dict[str, Any]]:
        body = await self.request(user_id, "GET", "/notes", params=params)
        notes: list[dict[str, Any]] = body["notes"]
        return notes


@pytest.fixture
def notes_rest(notes_service: ServiceProcess, signer: IdentitySigner) -> NotesRest:
    return NotesRest(notes_service.url, signer)


@pytest.fixture
async def both(
    chat_settings: Callable[..., Settings],
    notes_entry: dict[str, Any],
    new_user: Callable[[], Awaitable[User]],
) -> AsyncIterator[tuple[User, ChatClient, str]]:
    """The gateway with the local model, mcp-tasks and the notes service, and a new user."""
    user = await new_user()
    settings = chat_settings(model_provider="local", tool_services=[notes_entry])
    async with chat_gateway(settings, configured_model=True) as url:
        yield user, ChatClient(url, user.token, timezone="Europe/Paris"), url


def keys(response: Any) -> list[str]:
    return [w.widget.model_dump(mode="json")["key"] for w in response.widgets()]


async def test_one_sentence_adds_a_task_and_saves_a_note_in_the_two_services(
    both: tuple[User, ChatClient, str], rest: TasksRest, notes_rest: NotesRest
) -> None:
    user, client, _ = both

    answer = await client.create(
        "add a task to call Ana and save her number 600 123 456 in my notes"
    )

    assert answer.of_type("error") == []
    # The two calls run at once: their cards come in the order the services answer.
    assert sorted(keys(answer)) == ["record_card", "task_card"]
    assert answer.assistant_texts() == [
        "Added “Call Ana” to your tasks. Saved the note “Ana's number”."
    ]
    assert await rest.titles(user.id) == ["Call Ana"]
    notes = await notes_rest.notes(user.id)
    assert [(n["title"], n["body"]) for n in notes] == [("Ana's number", "600 123 456")]


async def test_without_the_number_the_task_is_added_and_the_number_asked_for(
    both: tuple[User, ChatClient, str], rest: TasksRest, notes_rest: NotesRest
) -> None:
    user, client, _ = both

    asked = await client.create("add a task to call Ana and save her number in my notes")
    assert await notes_rest.notes(user.id) == []
    answered = await client.say(asked.thread_id, "600 123 456")

    assert asked.assistant_texts() == [
        "Added “Call Ana” to your tasks. "
        "What is Ana's number? I'll save it in your notes as “Ana's number”."
    ]
    assert await rest.titles(user.id) == ["Call Ana"]
    assert keys(answered) == ["record_card"]
    notes = await notes_rest.notes(user.id)
    assert [(n["title"], n["body"]) for n in notes] == [("Ana's number", "600 123 456")]


async def test_notes_are_searched_pinned_and_archived_and_undo_reverts_the_change(
    both: tuple[User, ChatClient, str], notes_rest: NotesRest
) -> None:
    user, client, _ = both
    thread_id = (await client.create("save the wifi password: hunter22 in my notes")).thread_id
    await client.say(thread_id, "new note: gate code")

    found = await client.say(thread_id, "search my notes for wifi")
    pinned = await client.say(thread_id, "pin the note about wifi")
    archived = await client.say(thread_id, "archive the gate code note")

    assert keys(found) == ["record_list"]
    assert found.assistant_texts() == ["You have 1 note about “wifi”."]
    assert pinned.assistant_texts() == ["Pinned the note “The wifi password”."]
    assert archived.assistant_texts() == ["Archived the note “Gate code”."]
    live = await notes_rest.notes(user.id)
    assert [(n["title"], n["pinned"]) for n in live] == [("The wifi password", True)]

    card = archived.widgets()[-1]
    undo = button_action(card.widget, "undo")
    undone = await client.act(thread_id, card.id, undo["type"], undo["payload"])

    assert undone.of_type("error") == []
    titles = sorted(n["title"] for n in await notes_rest.notes(user.id))
    assert titles == ["Gate code", "The wifi password"]


async def test_a_configured_confirmation_holds_the_call_until_confirm(
    chat_settings: Callable[..., Settings],
    notes_entry: dict[str, Any],
    new_user: Callable[[], Awaitable[User]],
    notes_rest: NotesRest,
) -> None:
    user = await new_user()
    note = await notes_rest.request(user.id, "POST", "/notes", json={"title": "Old locker code"})

    # A model that asks to delete the note: the gateway, not the model, holds the call back.
    class DeletesTheNote(ModelProvider):
        def get_model(self, model_name: str | None) -> Model:
            return ScriptedModel(
                [
                    ModelStep.respond(
                        lambda _: [
                            function_call(
                                "delete_note", {"note_id": note["id"]}, call_id="call_delete"
                            )
                        ]
                    ),
                    ModelStep.respond(
                        lambda _: [assistant_message("Please confirm.", item_id="msg_confirm")]
                    ),
                ]
            )

    settings = chat_settings(tool_services=[notes_entry])
    async with chat_gateway(settings, DeletesTheNote()) as url:
        client = ChatClient(url, user.token)
        asked = await client.create("delete my old locker code note")
        assert keys(asked) == ["confirmation"]
        assert [n["id"] for n in await notes_rest.notes(user.id)] == [note["id"]]
        question = asked.widgets()[0]
        tree = json.dumps(question.widget.model_dump(mode="json"), ensure_ascii=False)
        assert "Delete note “Old locker code”?" in tree

        confirm = button_action(question.widget, "confirm")
        done = await client.act(asked.thread_id, question.id, confirm["type"], confirm["payload"])

    assert done.of_type("error") == []
    assert await notes_rest.notes(user.id) == []


async def test_the_dashboard_lists_the_service_its_records_and_streams_its_events(
    both: tuple[User, ChatClient, str], notes_rest: NotesRest
) -> None:
    user, _, url = both
    auth = {"Authorization": f"Bearer {user.token}"}
    async with httpx.AsyncClient(base_url=url, headers=auth, timeout=10) as http:
        listing = (await http.get("/api/v1/tool-services")).json()["services"]
        ready = (await http.get("/readyz")).json()
        unknown = await http.get("/api/v1/tool-services/calendar/records")

        async with open_events(url, auth, path="/api/v1/tool-services/notes/events") as events:
            created = await notes_rest.request(
                user.id, "POST", "/notes", json={"title": "Book list"}
            )
            with anyio.fail_after(10):
                frame = await events.next_event()
        records = (await http.get("/api/v1/tool-services/notes/records")).json()

    (notes,) = listing
    assert notes["name"] == "notes"
    assert notes["records_tool"] == "search_notes"
    assert notes["records_field"] == "notes"
    assert notes["title_field"] == "title"
    assert {"title", "body", "tags", "pinned", "archived"} <= {f["name"] for f in notes["fields"]}
    assert ready["checks"]["tool_service_notes"] == "ok"
    assert unknown.status_code == 404
    assert frame.event == "note.created"
    assert frame.json()["record"]["id"] == created["id"]
    assert [r["title"] for r in records["records"]] == ["Book list"]


@pytest.fixture
def stoppable_notes(tmp_path: Path) -> Iterator[ServiceProcess]:
    """A notes service of the test's own, which the test may stop."""
    database = ensure_database("chat_gateway_notes_test")
    env = tool_service_env("notes", database, REDIS_URL, IDENTITY_KEY_ID, IDENTITY_SECRET)
    service = start_tool_service("notes", env, tmp_path / "notes.log")
    yield service
    service.stop()


async def test_when_the_notes_service_is_down_the_answer_names_it_and_tasks_go_on(
    chat_settings: Callable[..., Settings],
    new_user: Callable[[], Awaitable[User]],
    rest: TasksRest,
    stoppable_notes: ServiceProcess,
) -> None:
    entry = {"name": "notes", "url": stoppable_notes.url, "identity_key_id": IDENTITY_KEY_ID}
    user = await new_user()
    settings = chat_settings(model_provider="local", tool_services=[entry])
    async with chat_gateway(settings, configured_model=True) as url:
        client = ChatClient(url, user.token, timezone="Europe/Paris")
        saved = await client.create("save the wifi password: hunter22 in my notes")
        stoppable_notes.stop()
        during = await client.say(saved.thread_id, "new note: gate code")
        task = await client.say(saved.thread_id, "add Call the plumber")

    assert keys(saved) == ["record_card"]
    assert during.of_type("error") == []
    assert during.assistant_texts() == [UNAVAILABLE.format(service="notes")]
    assert keys(task) == ["task_card"]
    assert await rest.titles(user.id) == ["Call the plumber"]
