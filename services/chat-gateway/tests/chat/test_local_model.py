"""The offline local model (the default) drives real MCP tool calls; the rows show the effect."""

import calendar
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from chat_gateway.config import Settings
from chat_harness import ChatClient, TasksRest, chat_gateway
from live_harness import User

pytestmark = pytest.mark.anyio


@pytest.fixture
async def local_chat(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> AsyncIterator[tuple[User, ChatClient]]:
    user = await new_user()
    async with chat_gateway(chat_settings(model_provider="local"), configured_model=True) as url:
        yield user, ChatClient(url, user.token, timezone="Europe/Paris")


async def test_the_local_model_adds_lists_and_completes_tasks_over_mcp(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat

    added = await client.create("add buy oat milk")
    thread_id = added.thread_id
    await client.say(thread_id, "add call the plumber")
    listed = await client.say(thread_id, "show my tasks")
    completed = await client.say(thread_id, "mark the second one as done")

    assert added.of_type("error") == []
    assert [w.widget.model_dump(mode="json")["key"] for w in added.widgets()] == ["task_card"]
    assert [w.widget.model_dump(mode="json")["key"] for w in listed.widgets()] == ["task_list"]
    assert completed.of_type("error") == []
    pending = [title.lower() for title in await rest.titles(user.id, "pending")]
    done = [title.lower() for title in await rest.titles(user.id, "completed")]
    assert pending == ["buy oat milk"]
    assert done == ["call the plumber"]


async def test_the_local_model_asks_before_deleting_and_nothing_is_deleted_yet(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add renew the passport")).thread_id

    asked = await client.say(thread_id, "delete the passport task")

    assert [w.widget.model_dump(mode="json")["key"] for w in asked.widgets()][-1] == "confirmation"
    assert asked.assistant_texts()
    assert [title.lower() for title in await rest.titles(user.id)] == ["renew the passport"]


async def test_follow_ons_repeat_the_change_just_made_over_the_stored_history(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    """The history the gateway gives the model has task cards between a request and its
    reply; "and 'X' too" still repeats that request."""
    user, client = local_chat
    thread_id = (await client.create("add pay the gas bill")).thread_id

    added = await client.say(thread_id, "and 'buy stamps' too")
    await client.say(thread_id, "mark pay the gas bill as done")
    completed = await client.say(thread_id, "and 'buy stamps' too")

    assert (added.of_type("error"), completed.of_type("error")) == ([], [])
    done = sorted(title.lower() for title in await rest.titles(user.id, "completed"))
    assert done == ["buy stamps", "pay the gas bill"]


async def test_undo_says_what_was_undone_once(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    user, client = local_chat
    thread_id = (await client.create("add buy milk")).thread_id

    undone = await client.say(thread_id, "undo")

    shown = [
        json.dumps(w.widget.model_dump(mode="json"), ensure_ascii=False) for w in undone.widgets()
    ]
    said = undone.assistant_texts()
    assert undone.of_type("error") == []
    assert [text for text in shown + said if "Undone" in text] == ["Undone: added task “Buy milk”."]
    assert await rest.titles(user.id) == []


async def test_widgets_show_due_dates_in_the_users_time_zone(
    local_chat: tuple[User, ChatClient],
) -> None:
    _, client = local_chat
    client.timezone = "Pacific/Kiritimati"
    tomorrow = (datetime.now(ZoneInfo("Pacific/Kiritimati")) + timedelta(days=1)).date()

    added = await client.create("add pay the rent tomorrow")

    card = added.widgets()[0].widget.model_dump(mode="json", exclude_none=True)
    caption = next(c for c in card["children"] if str(c.get("id", "")).startswith("due:"))
    assert caption["id"] == f"due:{tomorrow.isoformat()}"
    assert caption["value"] == "Due tomorrow"


def _next_weekday(today: date, weekday: int) -> date:
    """The next such weekday strictly after `today` (Monday is 0)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


async def test_fields_said_alone_and_the_invoice_one_use_the_stored_history(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    """Over the history the gateway stores (task cards between a request and its reply):
    "for next friday" after an add moves that task rather than adding one with no title; a
    yes that goes on ("yes please, for saturday") adds the title asked about; right after a
    list, "the invoice one" is that list's task even when another task holds the word."""
    user, client = local_chat
    await rest.create(user.id, "Chase the invoice from Bolt", completed=True)
    thread_id = (await client.create("add order school uniform")).thread_id

    moved = await client.say(thread_id, "for next friday")
    asked = await client.say(thread_id, "kettle tomorrow?")
    accepted = await client.say(thread_id, "yes please, for saturday")
    await client.say(thread_id, "add send the invoice to acme")
    await client.say(thread_id, "show my tasks")
    done = await client.say(thread_id, "the invoice one is done")

    assert [r.of_type("error") for r in (moved, asked, accepted, done)] == [[], [], [], []]
    assert any(text.startswith("Do you want me to add") for text in asked.assistant_texts())
    response = await rest.get(user.id, "/tasks?status=all")
    tasks = {task["title"].lower(): task for task in response.json()["tasks"]}
    assert sorted(tasks) == [
        "chase the invoice from bolt",
        "kettle",
        "order school uniform",
        "send the invoice to acme",
    ]
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    assert tasks["order school uniform"]["due_date"] == _next_weekday(today, 4).isoformat()
    assert tasks["kettle"]["due_date"] == _next_weekday(today, 5).isoformat()
    assert tasks["send the invoice to acme"]["completed"] is True


async def test_a_place_on_the_list_is_renamed_and_a_reason_sets_no_date(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    """Over real MCP and PostgreSQL: "change the 3rd one to '...'" after a list renames the
    third task (it used to move it to the 3rd of the month); "give it a deadline of end of the
    month" dates the renamed task; "make it high priority, they charge on the 1st" raises the
    task just added and gives it no due date."""
    user, client = local_chat
    for title in ("Drop the keys", "Buy new work boots", "Call the dentist to reschedule"):
        await rest.create(user.id, title)
    thread_id = (await client.create("show my tasks")).thread_id

    renamed = await client.say(
        thread_id, "change the 3rd one to 'call the dentist about the crown'"
    )
    dated = await client.say(thread_id, "give it a deadline of end of the month")
    await client.say(thread_id, "add cancel the gym direct debit")
    raised = await client.say(thread_id, "make it high priority, they charge on the 1st")

    assert [r.of_type("error") for r in (renamed, dated, raised)] == [[], [], []]
    response = await rest.get(user.id, "/tasks?status=all")
    tasks = {task["title"].lower(): task for task in response.json()["tasks"]}
    assert sorted(tasks) == [
        "buy new work boots",
        "call the dentist about the crown",
        "cancel the gym direct debit",
        "drop the keys",
    ]
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    month_end = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    assert tasks["call the dentist about the crown"]["due_date"] == month_end.isoformat()
    assert tasks["cancel the gym direct debit"]["priority"] == "high"
    assert tasks["cancel the gym direct debit"]["due_date"] is None


async def test_a_task_already_done_is_said_so_and_nothing_changes(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    """Over real MCP and PostgreSQL: "mark it done" on a task that already is says so instead of
    claiming a change, and so does "reopen it" on an open task."""
    user, client = local_chat
    thread_id = (await client.create("add water the tomatoes")).thread_id

    first = await client.say(thread_id, "mark it done")
    again = await client.say(thread_id, "mark it done")
    reopened = await client.say(thread_id, "reopen it")
    reopened_again = await client.say(thread_id, "reopen it")

    assert [r.of_type("error") for r in (first, again, reopened, reopened_again)] == [[]] * 4
    assert first.assistant_texts()[-1] == "Marked 'Water the tomatoes' as completed."
    assert again.assistant_texts()[-1] == "'Water the tomatoes' was already done — nothing changed."
    cards = [
        json.dumps(w.widget.model_dump(mode="json")) for w in (*first.widgets(), *again.widgets())
    ]
    assert ["Task completed" in card for card in cards] == [True, False]
    assert ["Already done" in card for card in cards] == [False, True]
    assert reopened.assistant_texts()[-1] == "Reopened 'Water the tomatoes'."
    assert reopened_again.assistant_texts()[-1] == (
        "'Water the tomatoes' is already open — nothing changed."
    )
    assert [title.lower() for title in await rest.titles(user.id, "pending")] == [
        "water the tomatoes"
    ]


async def test_undo_after_a_completion_that_changed_nothing_reopens_nothing(
    local_chat: tuple[User, ChatClient], rest: TasksRest
) -> None:
    """A task completed on the dashboard, then "mark it done" in the chat: nothing changed, so
    "undo" must not reopen it."""
    user, client = local_chat
    await rest.create(user.id, "Post the parcel", completed=True)
    thread_id = (await client.create("show my completed tasks")).thread_id

    again = await client.say(thread_id, "mark post the parcel as done")
    undone = await client.say(thread_id, "undo")

    assert again.assistant_texts()[-1] == "'Post the parcel' was already done — nothing changed."
    assert (undone.of_type("error"), undone.assistant_texts()) == (
        [],
        ["There is nothing to undo."],
    )
    assert [title.lower() for title in await rest.titles(user.id, "completed")] == [
        "post the parcel"
    ]
