"""Chat drives every task operation; each effect is checked through the task API."""

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from . import chatkit_wire as chat
from .accounts import Account
from .task_api import all_tasks, create_task, get_task, list_tasks, only_task

pytestmark = pytest.mark.anyio


def today() -> date:
    return datetime.now(UTC).date()


def next_weekday(weekday: int) -> date:
    """The next such day strictly after today (Monday is 0)."""
    start = today()
    return start + timedelta(days=(weekday - start.weekday() - 1) % 7 + 1)


async def say(
    client: httpx.AsyncClient, account: Account, text: str, thread_id: str | None = None
) -> chat.Turn:
    turn = await chat.send_message(client, account, text, thread_id)
    assert turn.status_code == 200, turn.raw
    assert turn.content_type.startswith("text/event-stream")
    assert turn.errors == [], turn.errors
    assert turn.assistant_texts or turn.widgets, "the assistant answered nothing"
    return turn


async def test_adding_a_task_by_chat_stores_its_title_due_date_and_priority(
    client: httpx.AsyncClient, alice: Account
) -> None:
    turn = await say(client, alice, "add a task to buy milk tomorrow, high priority")

    task = await only_task(client, alice, "buy milk")
    assert task["due_date"] == (today() + timedelta(days=1)).isoformat()
    assert task["priority"] == "high"
    assert task["completed"] is False
    assert turn.thread_id is not None


async def test_listing_by_chat_shows_exactly_the_tasks_the_filter_selects(
    client: httpx.AsyncClient, alice: Account
) -> None:
    await create_task(client, alice, title="pay rent", due_date=today().isoformat())
    await create_task(client, alice, title="water the plants")
    done = await create_task(client, alice, title="file the taxes")
    patched = await client.patch(
        f"/api/v1/tasks/{done['id']}", json={"completed": True}, headers=alice.headers
    )
    assert patched.status_code == 200

    cases = [
        ("what have I finished so far?", {"status": "completed"}),
        ("what's due today?", {"due_on": today().isoformat()}),
        ("show all my tasks", {"status": "all"}),
    ]
    thread_id: str | None = None
    for text, filters in cases:
        turn = await say(client, alice, text, thread_id)
        thread_id = turn.thread_id
        expected = {task["title"] for task in await list_tasks(client, alice, **filters)}
        assert turn.widgets, f"no task list shown for {text!r}"
        shown = chat.widget_strings(turn.widgets[-1])
        for title in ("pay rent", "water the plants", "file the taxes"):
            assert (title in shown) == (title in expected), (text, title, shown)


async def test_updating_by_chat_changes_due_date_priority_and_title(
    client: httpx.AsyncClient, alice: Account
) -> None:
    first = await say(client, alice, "add a task to buy milk")
    thread_id = first.thread_id
    original = await only_task(client, alice, "buy milk")

    await say(client, alice, "move buy milk to friday", thread_id)
    moved = await only_task(client, alice, "buy milk")
    await say(client, alice, "set the priority of 'buy milk' to low", thread_id)
    lowered = await only_task(client, alice, "buy milk")
    await say(client, alice, "rename 'buy milk' to 'buy oat milk'", thread_id)
    renamed = await only_task(client, alice, "buy oat milk")

    assert moved["id"] == lowered["id"] == renamed["id"] == original["id"]
    assert moved["due_date"] == next_weekday(4).isoformat()
    assert lowered["priority"] == "low"
    assert renamed["due_date"] == moved["due_date"]
    assert len(await all_tasks(client, alice)) == 1


async def test_completing_and_reopening_by_chat_flip_the_stored_state(
    client: httpx.AsyncClient, alice: Account
) -> None:
    task = await create_task(client, alice, title="call the plumber")

    turn = await say(client, alice, "mark call the plumber as done")
    completed = (await get_task(client, alice, task["id"])).json()
    await say(client, alice, "reopen call the plumber", turn.thread_id)
    reopened = (await get_task(client, alice, task["id"])).json()

    assert completed["completed"] is True
    assert completed["completed_at"] is not None
    assert reopened["completed"] is False
    assert reopened["completed_at"] is None


async def test_deleting_by_chat_waits_for_confirm_then_deletes(
    client: httpx.AsyncClient, alice: Account
) -> None:
    task = await create_task(client, alice, title="buy milk")

    turn = await say(client, alice, "delete buy milk")
    still_there = await get_task(client, alice, task["id"])
    item_id, action = chat.find_button([turn], "confirm", "delete")
    assert turn.thread_id is not None
    pressed = await chat.press(client, alice, turn.thread_id, item_id, action)

    assert still_there.status_code == 200
    assert still_there.json()["deleted_at"] is None
    assert pressed.status_code == 200, pressed.raw
    assert pressed.errors == []
    gone = await get_task(client, alice, task["id"])
    assert gone.status_code == 404
    assert await all_tasks(client, alice) == []


async def test_cancelling_a_delete_keeps_the_task(
    client: httpx.AsyncClient, alice: Account
) -> None:
    task = await create_task(client, alice, title="buy bread")

    turn = await say(client, alice, "delete buy bread")
    item_id, action = chat.find_button([turn], "cancel", "keep")
    assert turn.thread_id is not None
    pressed = await chat.press(client, alice, turn.thread_id, item_id, action)

    assert pressed.status_code == 200
    kept = await get_task(client, alice, task["id"])
    assert kept.status_code == 200
    assert kept.json()["deleted_at"] is None


async def test_undo_by_chat_restores_a_confirmed_delete(
    client: httpx.AsyncClient, alice: Account
) -> None:
    task = await create_task(client, alice, title="renew passport")
    turn = await say(client, alice, "delete renew passport")
    item_id, action = chat.find_button([turn], "confirm", "delete")
    assert turn.thread_id is not None
    await chat.press(client, alice, turn.thread_id, item_id, action)
    assert (await get_task(client, alice, task["id"])).status_code == 404

    await say(client, alice, "undo", turn.thread_id)

    restored = await get_task(client, alice, task["id"])
    assert restored.status_code == 200
    assert restored.json()["deleted_at"] is None
    assert restored.json()["title"] == "renew passport"


async def test_undo_by_chat_reverts_a_completion(client: httpx.AsyncClient, alice: Account) -> None:
    task = await create_task(client, alice, title="fix bike brakes")
    turn = await say(client, alice, "mark fix bike brakes as done")
    assert (await get_task(client, alice, task["id"])).json()["completed"] is True

    await say(client, alice, "undo that", turn.thread_id)

    assert (await get_task(client, alice, task["id"])).json()["completed"] is False


async def test_clearing_completed_by_chat_deletes_only_completed_tasks_after_confirm(
    client: httpx.AsyncClient, alice: Account
) -> None:
    keep = await create_task(client, alice, title="keep me")
    done = await create_task(client, alice, title="done already")
    await client.patch(
        f"/api/v1/tasks/{done['id']}", json={"completed": True}, headers=alice.headers
    )

    turn = await say(client, alice, "clear all completed tasks")
    before_confirm = {task["id"] for task in await all_tasks(client, alice)}
    item_id, action = chat.find_button([turn], "confirm", "clear", "delete")
    assert turn.thread_id is not None
    await chat.press(client, alice, turn.thread_id, item_id, action)

    assert before_confirm == {keep["id"], done["id"]}
    assert [task["id"] for task in await all_tasks(client, alice)] == [keep["id"]]


async def test_small_talk_changes_no_task(client: httpx.AsyncClient, alice: Account) -> None:
    await create_task(client, alice, title="untouched")
    before = await all_tasks(client, alice)

    await say(client, alice, "thanks, you're a lifesaver!")

    assert await all_tasks(client, alice) == before
