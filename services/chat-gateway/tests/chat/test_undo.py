"""Undo: the inverse of a change."""

from chat_gateway.chat.undo import inverse_of
from task_samples import sample_task


def test_the_inverse_of_a_rename_restores_previous_values_and_clears_a_new_due_date() -> None:
    task = sample_task("New")
    steps = inverse_of(
        "update_task",
        {"task_id": task["id"], "title": "New", "due_date": "2026-12-01"},
        {"task": task, "previous": {"title": "Old", "due_date": None}},
    )

    assert steps == [
        {
            "tool": "update_task",
            "arguments": {"task_id": task["id"], "title": "Old", "clear_due_date": True},
        }
    ]
    assert inverse_of("list_tasks", {}, {"tasks": []}) is None


def test_a_completion_that_changed_nothing_has_nothing_to_undo() -> None:
    task = sample_task("Done already")
    assert (
        inverse_of("complete_task", {"task_id": task["id"]}, {"task": task, "previous": {}}) is None
    )
    steps = inverse_of(
        "complete_task", {"task_id": task["id"]}, {"task": task, "previous": {"completed": False}}
    )
    assert steps == [{"tool": "reopen_task", "arguments": {"task_id": task["id"]}}]
