"""What notes add to the generated service: pinning, archiving, the search filters, their
event types, their undo, and the same over REST."""

import httpx2
import pytest
from mcp import Client
from redis.asyncio import Redis
from servicekit.record_events import RecordEvent, service_user_channel
from servicekit.testkit.clients import Acting, error_text, event_version, ok

pytestmark = pytest.mark.anyio

API = "/api/v1/notes"


async def titles(client: Client, **arguments: object) -> list[str]:
    found = ok(await client.call_tool("search_notes", dict(arguments)))["notes"]
    return [note["title"] for note in found]


async def test_pinned_notes_come_first_and_archived_ones_leave_searches(tools: Client) -> None:
    ids = {}
    for title in ("first", "second", "third"):
        ids[title] = ok(await tools.call_tool("create_note", {"title": title, "tags": ["x"]}))["id"]

    pinned = ok(await tools.call_tool("pin_note", {"note_id": ids["first"]}))
    archived = ok(await tools.call_tool("archive_note", {"note_id": ids["second"]}))

    assert (pinned["pinned"], pinned["archived"]) == (True, False)
    assert (archived["pinned"], archived["archived"]) == (False, True)
    assert await titles(tools) == ["first", "third"]
    # Archiving is a change: "second" is now the most recently changed.
    assert await titles(tools, include_archived=True) == ["first", "second", "third"]
    assert await titles(tools, pinned=True) == ["first"]
    assert await titles(tools, pinned=False, include_archived=True) == ["second", "third"]
    assert await titles(tools, tag="x", query="SEC", include_archived=True) == ["second"]
    # An archived note stays readable and changeable by id.
    assert ok(await tools.call_tool("get_note", {"note_id": ids["second"]}))["archived"] is True
    back = ok(await tools.call_tool("archive_note", {"note_id": ids["second"], "archived": False}))
    assert back["archived"] is False
    assert await titles(tools) == ["first", "second", "third"]


async def test_pin_and_archive_have_event_types_of_their_own_and_revert_exactly(
    tools: Client, redis: Redis, acting: Acting
) -> None:
    pubsub = redis.pubsub()
    await pubsub.subscribe(service_user_channel("notes", acting.user))
    try:
        created = await tools.call_tool("create_note", {"title": "n"})
        note_id = ok(created)["id"]
        pin = await tools.call_tool("pin_note", {"note_id": note_id})
        again = await tools.call_tool("pin_note", {"note_id": note_id})
        undo_pin = await tools.call_tool("revert_change", {"version": event_version(pin)})
        archive = await tools.call_tool("archive_note", {"note_id": note_id})
        stale = await tools.call_tool("revert_change", {"version": event_version(pin)})
        undo_archive = await tools.call_tool("revert_change", {"version": event_version(archive)})
        unpin = await tools.call_tool("pin_note", {"note_id": note_id, "pinned": False})
        delete = await tools.call_tool("delete_note", {"note_id": note_id})
        restore = await tools.call_tool("revert_change", {"version": event_version(delete)})
        events: list[RecordEvent] = []
        while len(events) < 7:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                events.append(RecordEvent.model_validate_json(message["data"]))
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py leaves it unannotated

    assert "event_version" not in (again.meta or {})
    assert ok(undo_archive)["archived"] is False
    assert ok(undo_pin)["pinned"] is False
    assert "changed after version 2" in error_text(stale)
    assert ok(unpin)["pinned"] is False
    assert "event_version" not in (unpin.meta or {})
    assert ok(restore)["id"] == note_id
    assert [event.type for event in events] == [
        "note.created",
        "note.pinned",
        "note.unpinned",
        "note.archived",
        "note.unarchived",
        "note.deleted",
        "note.restored",
    ]
    assert [event.version for event in events] == list(range(1, 8))


async def test_rest_pins_archives_and_filters_like_the_tools(
    http: httpx2.AsyncClient, tools: Client
) -> None:
    created = (await http.post(API, json={"title": "rest note"})).json()

    pinned = await http.patch(f"{API}/{created['id']}", json={"pinned": True})
    archived = await http.patch(f"{API}/{created['id']}", json={"archived": True})
    hidden = (await http.get(API)).json()
    shown = (await http.get(API, params={"include_archived": "true", "pinned": "true"})).json()
    by_tool = ok(await tools.call_tool("search_notes", {"include_archived": True, "pinned": True}))
    bad = await http.get(API, params={"pinned": "maybe"})

    assert pinned.json()["pinned"] is True
    assert archived.json()["archived"] is True
    assert int(archived.headers["x-event-version"]) == int(pinned.headers["x-event-version"]) + 1
    assert created["id"] not in {note["id"] for note in hidden["notes"]}
    assert [note["id"] for note in shown["notes"]] == [created["id"]]
    assert by_tool == shown
    assert bad.status_code == 422
