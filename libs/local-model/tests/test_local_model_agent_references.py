"""The local model's agent runs find the task meant: the answer to a clarifying question, a
number or words of the list just shown, and "it"."""

from __future__ import annotations

import json

import pytest
from local_model_agent_runs import run, with_history
from local_model_task_tools import TaskBoard


@pytest.mark.anyio
async def test_several_matches_get_a_clarifying_question_and_nothing_changes() -> None:
    board = TaskBoard()
    board.add("Buy milk")
    board.add("Buy oat milk")
    reply, _ = await run(board, "milk is done")
    assert [name for name, _ in board.calls] == ["list_tasks"]
    assert not any(t["completed"] for t in board.tasks)
    assert reply == (
        "I found 2 tasks matching 'milk': 1. 'Buy milk' 2. 'Buy oat milk'. "
        "Which one do you mean to complete?"
    )


@pytest.mark.anyio
async def test_the_answer_to_a_clarifying_question_completes_the_chosen_task() -> None:
    board = TaskBoard()
    board.add("Buy milk")
    oat = board.add("Buy oat milk")
    question = (
        "I found 2 tasks matching 'milk': 1. 'Buy milk' 2. 'Buy oat milk'. "
        "Which one do you mean to complete?"
    )
    reply, _ = await run(
        board,
        with_history(("user", "milk is done"), ("assistant", question), then="the second one"),
    )
    assert [t["title"] for t in board.tasks if t["completed"]] == ["Buy oat milk"]
    assert board.calls[-1] == ("complete_task", {"task_id": oat["id"]})
    assert reply == "Marked 'Buy oat milk' as completed."


@pytest.mark.anyio
async def test_an_answer_by_words_picks_among_the_options_asked_about() -> None:
    board = TaskBoard()
    board.add("Buy milk")
    oat = board.add("Buy oat milk")
    board.add("Bake oat cookies")
    question = (
        "I found 2 tasks matching 'milk': 1. 'Buy milk' 2. 'Buy oat milk'. "
        "Which one do you mean to complete?"
    )
    reply, _ = await run(
        board, with_history(("user", "milk is done"), ("assistant", question), then="the oat one")
    )
    assert [t["title"] for t in board.tasks if t["completed"]] == ["Buy oat milk"]
    assert board.calls[-1] == ("complete_task", {"task_id": oat["id"]})
    assert reply == "Marked 'Buy oat milk' as completed."


@pytest.mark.anyio
async def test_an_unknown_title_gets_a_clear_answer_after_two_lookups() -> None:
    board = TaskBoard()
    board.add("Call mom")
    reply, _ = await run(board, "delete the gym task")
    assert [name for name, _ in board.calls] == ["list_tasks", "list_tasks"]
    assert board.calls[0][1]["query"] == "gym"
    assert reply == "I couldn't find a task matching 'gym'. Say \"show my tasks\" to see them all."


@pytest.mark.anyio
async def test_a_number_resolves_from_the_latest_task_list_shown() -> None:
    board = TaskBoard()
    first = board.add("Water plants")
    second = board.add("Book flights")
    shown = "[task list shown]\n" + json.dumps(
        [
            {"n": 1, "id": first["id"], "title": "Water plants", "completed": False},
            {"n": 2, "id": second["id"], "title": "Book flights", "completed": False},
        ]
    )
    conversation = with_history(
        ("user", "show my tasks"), ("assistant", shown), then="the second one's done ✅"
    )
    reply, _ = await run(board, conversation)
    assert board.calls == [("complete_task", {"task_id": second["id"]})]
    assert reply == "Marked 'Book flights' as completed."


@pytest.mark.anyio
async def test_the_words_one_resolves_to_the_one_task_of_the_list_just_shown() -> None:
    board = TaskBoard()
    first = board.add("Send the invoice to Acme")
    board.add("Chase the invoice from Bolt")  # not in the list shown: no question which one
    shown = "[task list shown]\n" + json.dumps(
        [{"n": 1, "id": first["id"], "title": "Send the invoice to Acme", "completed": False}]
    )
    conversation = with_history(
        ("user", "what's due this week?"), ("assistant", shown), then="the invoice one is done"
    )
    reply, _ = await run(board, conversation)
    assert board.calls == [("complete_task", {"task_id": first["id"]})]
    assert reply == "Marked 'Send the invoice to Acme' as completed."


@pytest.mark.anyio
async def test_it_resolves_to_the_task_shown_and_renames_it() -> None:
    board = TaskBoard()
    task = board.add("Call mom")
    shown = "[task shown]\n" + json.dumps(
        {"id": task["id"], "title": "Call mom", "completed": False}
    )
    conversation = with_history(
        ("user", "add call mom"), ("assistant", shown), then="rename it to 'Call mom and dad'"
    )
    reply, _ = await run(board, conversation)
    assert board.calls == [("update_task", {"task_id": task["id"], "title": "Call mom and dad"})]
    assert reply == "Renamed 'Call mom' to 'Call mom and dad'."


@pytest.mark.anyio
async def test_a_new_title_is_stored_as_an_added_one_would_be() -> None:
    board = TaskBoard()
    task = board.add("Call the plumber")
    reply, _ = await run(board, "call the plumber one 'fix kitchen tap leak' instead")
    assert board.calls[-1] == (
        "update_task",
        {"task_id": task["id"], "title": "Fix kitchen tap leak"},
    )
    assert reply == "Renamed 'Call the plumber' to 'Fix kitchen tap leak'."
