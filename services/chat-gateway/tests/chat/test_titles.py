"""Conversation titles name what the first turn changed."""

from uuid import uuid4

from chat_gateway.chat.titles import subject, title_for_changes
from chat_gateway.chat.widgets import task_card_widget, task_list_widget


def card(title: str, headline: str = "Task added") -> dict[str, object]:
    task = {"id": str(uuid4()), "title": title, "completed": False}
    widget = task_card_widget(task, headline=headline, undo_id=None)
    return widget.model_dump(mode="json", exclude_none=True)


def test_a_task_is_named_by_what_it_is_about() -> None:
    assert subject("Book the dentist") == "dentist"
    assert subject("pick up the dry cleaning") == "dry cleaning"
    assert subject("Water the plants") == "Water the plants"
    assert subject("Call") == "Call"


def test_two_added_tasks_title_the_thread_by_both() -> None:
    title = title_for_changes([card("Book the dentist"), card("Pick up dry cleaning")])
    assert title == "Dentist and dry cleaning"


def test_many_changes_are_counted_once_the_title_is_long() -> None:
    titles = [
        "Renew the passport before the summer",
        "Water the plants on the balcony",
        "Pay the electricity bill",
    ]
    assert title_for_changes([card(t) for t in titles]) == "Passport before the summer and 2 more"


def test_three_short_changes_are_all_named() -> None:
    titles = ["Buy milk", "Call mom", "Water the plants"]
    assert title_for_changes([card(t) for t in titles]) == "Milk, mom and water the plants"


def test_lookups_alone_leave_the_title_from_the_message() -> None:
    listing = task_list_widget([{"id": str(uuid4()), "title": "Buy milk", "completed": False}])
    looked_up = card("Buy milk", headline="Task")
    assert title_for_changes([listing.model_dump(mode="json"), looked_up]) is None


def test_one_changed_task_titles_the_thread_by_its_whole_title() -> None:
    assert title_for_changes([card("Buy milk")]) == "Buy milk"
