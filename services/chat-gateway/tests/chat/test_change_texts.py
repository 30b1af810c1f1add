"""What the task tools tell the user: tool errors and undo outcomes."""

import pytest
from chat_gateway.chat.change_texts import UndoOutcome, user_error


@pytest.mark.parametrize(
    "tool_error",
    [
        "Error executing tool complete_task: No task with id 1234. Call list_tasks to find the "
        "task's id.",
        "No task with id 1234. Call list_tasks to find the task's id.",
    ],
)
def test_a_missing_task_error_reads_as_a_plain_sentence(tool_error: str) -> None:
    assert user_error(tool_error) == "This task no longer exists."


def test_other_tool_errors_never_reach_the_user_as_written_for_the_model() -> None:
    text = user_error("Error executing tool update_task: title must be 1..200 characters.")

    assert text == "That change could not be made. Please try again."


def test_an_undo_whose_steps_failed_says_so_plainly() -> None:
    gone = "Error executing tool restore_task: No task with id 1. Call list_tasks to find it."
    failed = UndoOutcome(description="deleted task “A”", task=None, errors=[gone], steps=1)
    partly = UndoOutcome(description="cleared 3 completed tasks", task=None, errors=[gone], steps=3)
    done = UndoOutcome(description="added task “B”", task=None, errors=[], steps=1)

    assert failed.user_text() == "Could not undo: deleted task “A”. This task no longer exists."
    assert partly.user_text() == (
        "Partly undone: cleared 3 completed tasks. 1 of the tasks no longer exists."
    )
    assert done.user_text() == "Undone: added task “B”."
