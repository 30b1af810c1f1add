"""Widgets in the thread stay true: answered confirmations and stale buttons show the outcome."""

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, TasksRest, button_action, chat_gateway
from live_harness import User

pytestmark = pytest.mark.anyio


@pytest.fixture
async def local_chat(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> AsyncIterator[tuple[User, ChatClient]]:
    user = await new_user()
    async with chat_gateway(chat_settings(model_provider="local"), configured_model=True) as url:
        yield user, ChatClient(url, user.token, timezone="Europe/Paris")


@pytest.mark.parametrize("button", ["confirm", "cancel"])
async def test_answering_a_confirmation_removes_the_question_that_asked_for_it(
    local_chat: tuple[User, ChatClient], rest: TasksRest, button: str
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add renew the passport")).thread_id
    asked = await client.say(thread_id, "delete the passport task")
    confirmation = asked.widgets()[-1]
    question = next(i for i in asked.done_items() if i.type == "assistant_message")
    action = button_action(confirmation.widget, button)

    answered = await client.act(thread_id, confirmation.id, action["type"], action["payload"])

    assert answered.status == 200
    assert [e.item_id for e in answered.of_type("thread.item.removed")] == [question.id]
    stored = (await client.thread(thread_id)).body["items"]["data"]
    assert question.id not in [item["id"] for item in stored]
    assert stored[-1]["id"] == confirmation.id
    outcome = json.dumps(stored[-1]["widget"])
    expected = "Deleted task" if button == "confirm" else "Cancelled. Nothing was changed."
    assert expected in outcome
    titles = [t.lower() for t in await rest.titles(user.id)]
    assert titles == ([] if button == "confirm" else ["renew the passport"])


async def test_a_button_on_a_task_deleted_elsewhere_shows_the_task_as_deleted(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    added = await client.create("add water the plants")
    thread_id = added.thread_id
    await client.say(thread_id, "add buy stamps")
    listed = (await client.say(thread_id, "show my tasks")).widgets()[0]
    plants = next(
        row for row in listed.widget.model_dump(mode="json")["children"] if "plants" in str(row)
    )
    assert (await rest.delete(user.id, plants["key"])).status_code == 200

    pressed = await client.act(thread_id, listed.id, "task.complete", {"task_id": plants["key"]})

    assert pressed.status == 200
    replaced = pressed.of_type("thread.item.replaced")
    assert len(replaced) == 1
    rows = replaced[0].item.widget.model_dump(mode="json", exclude_none=True)["children"]
    gone = next(row for row in rows if row["key"] == plants["key"])
    kept = next(row for row in rows if row["key"] != plants["key"])
    assert '"label": "Deleted"' in json.dumps(gone)
    assert '"type": "Button"' not in json.dumps(gone)
    assert '"label": "Complete"' in json.dumps(kept)
    assert pressed.assistant_texts() == []
    assert "This task no longer exists." in json.dumps(
        pressed.widgets()[0].widget.model_dump(mode="json")
    )
