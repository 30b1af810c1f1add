"""A second tool service (notes) beside the tasks, through the public API of a running system.

`make up` configures the notes service for the gateway (CHAT_GATEWAY_TOOL_SERVICES); every
effect is checked through the gateway's generic tool-service API.
"""

import httpx
import pytest

from . import chatkit_wire as chat
from .accounts import Account
from .task_api import only_task

pytestmark = pytest.mark.anyio


async def notes_of(client: httpx.AsyncClient, account: Account) -> list[dict[str, object]]:
    response = await client.get("/api/v1/tool-services/notes/records", headers=account.headers)
    assert response.status_code == 200, response.text
    records: list[dict[str, object]] = response.json()["records"]
    return records


async def test_the_gateway_describes_the_notes_service_from_its_tools(
    client: httpx.AsyncClient, alice: Account
) -> None:
    response = await client.get("/api/v1/tool-services", headers=alice.headers)

    assert response.status_code == 200, response.text
    services = {service["name"]: service for service in response.json()["services"]}
    notes = services["notes"]
    assert notes["available"] is True
    assert notes["records_tool"] == "search_notes"
    assert {"title", "body", "pinned", "archived"} <= {f["name"] for f in notes["fields"]}
    assert (await client.get("/api/v1/tool-services")).status_code == 401


async def test_one_sentence_uses_both_services_and_each_user_sees_only_their_notes(
    client: httpx.AsyncClient, alice: Account, bob: Account
) -> None:
    turn = await chat.send_message(
        client, alice, "add a task to call Ana and save her number 600 123 456 in my notes"
    )

    assert turn.status_code == 200, turn.raw
    assert turn.errors == []
    assert sorted(w["widget"]["key"] for w in turn.widgets) == ["record_card", "task_card"]
    assert (await only_task(client, alice, "Call Ana"))["completed"] is False
    notes = await notes_of(client, alice)
    assert [(n["title"], n["body"]) for n in notes] == [("Ana's number", "600 123 456")]
    assert await notes_of(client, bob) == []


async def test_undo_on_the_note_card_removes_the_note(
    client: httpx.AsyncClient, alice: Account
) -> None:
    saved = await chat.send_message(client, alice, "save the gate code: 4521 in my notes")
    assert [n["title"] for n in await notes_of(client, alice)] == ["The gate code"]

    item_id, action = chat.find_button([saved], "Undo")
    assert saved.thread_id is not None
    undone = await chat.press(client, alice, saved.thread_id, item_id, action)

    assert undone.errors == []
    assert await notes_of(client, alice) == []
