"""Task widgets: due dates as people read them, ISO dates for programs."""

import json
from datetime import date
from typing import Any

import pytest
from chat_gateway.chat.due_dates import due_text
from chat_gateway.chat.widgets import task_card_widget, task_list_widget
from task_samples import sample_task


@pytest.mark.parametrize(
    ("due", "completed", "shown"),
    [
        ("2026-11-26", False, "Due today"),
        ("2026-11-27", False, "Due tomorrow"),
        ("2026-11-27", True, "Due tomorrow"),
        ("2026-11-30", False, "Due Mon, Nov 30"),
        ("2027-01-08", False, "Due Fri, Jan 8, 2027"),
        ("2026-11-20", False, "Overdue since Nov 20"),
        ("2025-12-31", False, "Overdue since Dec 31, 2025"),
        ("2026-11-25", True, "Due yesterday"),
        ("2026-11-20", True, "Due Fri, Nov 20"),
    ],
)
def test_due_dates_read_relative_to_the_users_day(due: str, completed: bool, shown: str) -> None:
    assert due_text(due, completed=completed, today=date(2026, 11, 26)) == shown


def test_widgets_show_due_dates_for_people_and_keep_the_iso_date_for_programs() -> None:
    task = sample_task("Pay rent")
    task["due_date"] = "2026-11-27"

    card = task_card_widget(task, headline="Task added", undo_id=None, today=date(2026, 11, 26))
    listed = task_list_widget([task], today=date(2026, 11, 27))

    card_json = json.dumps(card.model_dump(mode="json", exclude_none=True))
    list_json = json.dumps(listed.model_dump(mode="json", exclude_none=True))
    assert '"value": "Due tomorrow \\u00b7 high priority \\u00b7 #home"' in card_json
    assert '"value": "Due today \\u00b7 high priority \\u00b7 #home"' in list_json
    assert '"id": "due:2026-11-27"' in card_json
    assert '"id": "due:2026-11-27"' in list_json
    assert "Due 2026-11-27" not in card_json + list_json


@pytest.mark.parametrize(
    ("granted", "completed", "card_buttons", "row_buttons"),
    [
        ({"complete_task", "reopen_task", "delete_task"}, False, ["toggle"], ["toggle", "delete"]),
        ({"complete_task", "reopen_task"}, False, ["toggle"], ["toggle"]),
        ({"complete_task"}, True, [], []),
        ({"delete_task"}, False, [], ["delete"]),
        (set(), False, [], []),
    ],
)
def test_task_widgets_offer_only_the_buttons_of_granted_tools(
    granted: set[str], completed: bool, card_buttons: list[str], row_buttons: list[str]
) -> None:
    task = sample_task("Pay rent")
    task["completed"] = completed

    card = task_card_widget(task, headline="Task added", undo_id=None, grants=granted.__contains__)
    listed = task_list_widget([task], grants=granted.__contains__)

    assert _button_keys(card.model_dump(mode="json")) == card_buttons
    assert _button_keys(listed.model_dump(mode="json")) == row_buttons


def _button_keys(tree: dict[str, Any]) -> list[str]:
    keys: list[str] = []
    for child in tree.get("children") or []:
        if isinstance(child, dict):
            if child.get("type") == "Button":
                keys.append(str(child.get("key")))
            keys.extend(_button_keys(child))
    return keys
