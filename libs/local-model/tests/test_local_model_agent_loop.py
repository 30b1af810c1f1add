"""The local model drives real agent runs: tool calls with valid arguments, replies from results."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
import pytest
from agents import Agent, RunConfig, Runner
from local_model import LocalModelProvider
from local_model.agent_turn import ToolCall, TurnInput, decide
from local_model_agent_runs import INSTRUCTIONS, run, with_history
from local_model_task_tools import TaskBoard


@pytest.mark.anyio
async def test_adding_a_task_stores_title_date_and_priority_and_says_so() -> None:
    board = TaskBoard()
    reply, call_ids = await run(board, "remind me to call the plumber tomorrow, urgent")
    assert [(t["title"], t["due_date"], t["priority"]) for t in board.tasks] == [
        ("Call the plumber", "2027-03-11", "high")
    ]
    assert reply == "Created task 'Call the plumber' due tomorrow (high priority)."
    assert len(call_ids) == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "title"),
    [
        # Caps lock on: the title in sentence case, as the list shows the others.
        (
            "URGENT!!! ADD CALL THE BANK ABOUT THE FRAUD ALERT",
            "Call the bank about the fraud alert",
        ),
        # Capitals the user chose stay: one word, or a name inside a title.
        ("add renew ISA", "renew ISA"),
        ("add 'ring the IRS about the refund'", "ring the IRS about the refund"),
    ],
)
async def test_a_title_typed_in_capitals_is_stored_in_sentence_case(
    message: str, title: str
) -> None:
    board = TaskBoard()
    await run(board, message)
    assert [t["title"] for t in board.tasks] == [title]


@pytest.mark.anyio
async def test_listing_passes_the_filters_and_answers_with_the_count() -> None:
    board = TaskBoard()
    board.add("Pay rent", due_date="2027-03-12")
    board.add("Renew passport", due_date="2027-05-01")
    reply, _ = await run(board, "what's due this week?")
    assert board.calls == [
        ("list_tasks", {"status": "pending", "query": None, "due_before": "2027-03-14"})
    ]
    assert reply == "You have 1 task due by Sun, Mar 14."


@pytest.mark.anyio
async def test_a_title_with_a_typo_is_looked_up_and_completed() -> None:
    board = TaskBoard()
    board.add("Call mom")
    oat = board.add("Buy oat milk")
    reply, call_ids = await run(board, "mark by oat milk as done pls")
    assert [name for name, _ in board.calls] == ["list_tasks", "list_tasks", "complete_task"]
    assert board.calls[-1] == ("complete_task", {"task_id": oat["id"]})
    assert oat["completed"] is True
    assert reply == "Marked 'Buy oat milk' as completed."
    assert len(set(call_ids)) == 3


@pytest.mark.anyio
async def test_completing_a_task_already_done_says_nothing_changed() -> None:
    board = TaskBoard()
    board.add("Buy oat milk", completed=True)
    reply, _ = await run(board, "mark buy oat milk as done")
    assert reply == "'Buy oat milk' was already done — nothing changed."
    reply, _ = await run(board, "reopen buy oat milk")
    assert reply == "Reopened 'Buy oat milk'."
    reply, _ = await run(board, "reopen buy oat milk")
    assert reply == "'Buy oat milk' is already open — nothing changed."


@pytest.mark.anyio
async def test_moving_a_task_sets_its_due_date() -> None:
    board = TaskBoard()
    task = board.add("Pay rent", due_date="2027-03-11")
    reply, _ = await run(board, "push pay rent to next monday")
    assert task["due_date"] == "2027-03-15"
    assert reply == "Updated 'Pay rent': due Mon, Mar 15."


@pytest.mark.anyio
async def test_delete_asks_for_confirmation_when_the_gateway_intercepts_it() -> None:
    board = TaskBoard()
    board.add("Old emails")
    reply, _ = await run(board, "please delete 'old emails'")
    assert [name for name, _ in board.calls] == ["list_tasks", "delete_task"]
    assert len(board.tasks) == 1
    assert reply == "Please confirm deleting 'Old emails' with the buttons below."


@pytest.mark.anyio
async def test_clear_completed_asks_for_confirmation_with_the_count() -> None:
    board = TaskBoard()
    board.add("Done thing", completed=True)
    board.add("Other done thing", completed=True)
    reply, _ = await run(board, "get rid of all the finished ones")
    assert board.calls == [("clear_completed", {})]
    assert reply == "This will delete 2 completed tasks — please confirm with the buttons below."


@pytest.mark.anyio
async def test_undo_calls_the_undo_tool_and_reports_what_it_undid() -> None:
    board = TaskBoard()
    board.add("Typo task")
    reply, _ = await run(board, "oops, undo that")
    assert board.calls == [("undo_last_change", {})]
    assert board.tasks == []
    assert reply == "Undone: the creation of 'Typo task'."


@pytest.mark.anyio
async def test_undo_with_nothing_to_undo_relays_the_tool_error() -> None:
    board = TaskBoard()
    reply, _ = await run(board, "undo")
    assert board.calls == [("undo_last_change", {})]
    assert reply == "There is nothing to undo."


@pytest.mark.anyio
async def test_undo_without_the_tool_says_so_plainly() -> None:
    board = TaskBoard()
    reply, call_ids = await run(board, "undo", undo=False)
    assert (board.calls, call_ids) == ([], [])
    assert (
        reply == "Sorry, I can't do that here: the undo_last_change tool isn't available right now."
    )


@pytest.mark.anyio
async def test_small_talk_and_help_call_no_tool() -> None:
    board = TaskBoard()
    thanks, thanks_calls = await run(board, "thanks a lot!")
    help_reply, help_calls = await run(board, "what can you do?")
    assert (board.calls, thanks_calls, help_calls) == ([], [], [])
    assert thanks == "You're welcome! Anything else for your list?"
    assert help_reply.startswith("I can manage your tasks: add them")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "answer"),
    [
        (
            "what's the difference between deleting a task and clearing completed?",
            "Deleting removes the one task you name; clearing completed removes every task",
        ),
        (
            "what does clearing completed tasks actually do?",
            "Deleting removes the one task you name; clearing completed removes every task",
        ),
        ("can you set recurring tasks?", "Repeating tasks aren't supported yet"),
        ("how does undo work, can it go back more than one step?", '"undo" takes back my last'),
    ],
)
async def test_a_help_question_about_one_thing_gets_that_answer(message: str, answer: str) -> None:
    board = TaskBoard()
    reply, calls = await run(board, message)
    assert (board.calls, calls) == ([], [])
    assert reply.startswith(answer)


@pytest.mark.anyio
async def test_streamed_run_delivers_text_in_small_deltas_and_the_same_answer() -> None:
    board = TaskBoard()
    agent = Agent(name="assistant", instructions=INSTRUCTIONS, model="local", tools=board.tools())
    config = RunConfig(tracing_disabled=True, model_provider=LocalModelProvider())
    with anyio.fail_after(10):
        result = Runner.run_streamed(
            agent, "add 'Submit expense report' due friday #work", run_config=config
        )
        deltas = [
            event.data.delta
            async for event in result.stream_events()
            if event.type == "raw_response_event"
            and event.data.type == "response.output_text.delta"
        ]
    assert (
        result.final_output == "Created task 'Submit expense report' due Fri, Mar 12 (tagged work)."
    )
    assert "".join(deltas) == result.final_output
    assert len(deltas) > 5
    assert [(t["title"], t["due_date"], t["tags"]) for t in board.tasks] == [
        ("Submit expense report", "2027-03-12", ["work"])
    ]


@pytest.mark.anyio
async def test_a_question_about_the_weather_calls_no_tool_and_creates_nothing() -> None:
    board = TaskBoard()
    reply, call_ids = await run(board, "is it going to rain tomorrow?")
    assert (board.calls, call_ids, board.tasks) == ([], [], [])
    assert reply.startswith("I can only help with your tasks")


@pytest.mark.anyio
async def test_an_unsure_request_is_asked_about_and_yes_adds_the_task() -> None:
    board = TaskBoard()
    asked, asked_calls = await run(board, "kettle tomorrow?")
    assert (board.calls, asked_calls) == ([], [])
    assert asked == "Do you want me to add 'kettle' as a task, or were you asking something?"
    reply, _ = await run(
        board, with_history(("user", "kettle tomorrow?"), ("assistant", asked), then="yes")
    )
    assert [(t["title"], t["due_date"]) for t in board.tasks] == [("Kettle", "2027-03-11")]
    assert reply == "Created task 'Kettle' due tomorrow."


@pytest.mark.anyio
async def test_pushing_back_by_days_moves_the_current_due_date() -> None:
    board = TaskBoard()
    task = board.add("Pay rent", due_date="2027-03-12")
    reply, _ = await run(board, "push pay rent back two days")
    assert task["due_date"] == "2027-03-14"
    assert board.calls[-1] == ("update_task", {"task_id": task["id"], "due_date": "2027-03-14"})
    assert reply == "Updated 'Pay rent': due Sun, Mar 14."


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "due"),
    [
        ("bring pay rent forward two days", "2027-03-10"),
        ("move pay rent a week earlier", "2027-03-05"),
        ("push pay rent to the day after", "2027-03-13"),
    ],
)
async def test_bringing_forward_moves_the_due_date_earlier(message: str, due: str) -> None:
    board = TaskBoard()
    task = board.add("Pay rent", due_date="2027-03-12")
    await run(board, message)
    assert task["due_date"] == due


@pytest.mark.anyio
async def test_focus_answer_names_overdue_due_today_and_high_priority_tasks() -> None:
    board = TaskBoard()
    board.add("Renew passport", due_date="2027-03-01")
    board.add("Pay rent", due_date="2027-03-10")
    board.add("Read a novel")
    board.add("Call the bank")["priority"] = "high"
    reply, _ = await run(board, "what should I focus on today?")
    assert [name for name, _ in board.calls] == ["list_tasks"]
    assert reply == (
        "I'd focus on these:\nOverdue: 'Renew passport'\nDue today: 'Pay rent'\n"
        "High priority: 'Call the bank'"
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "reply"),
    [
        (
            "I'm done for today 😴 logging off",
            "Enjoy the rest of your day! Your tasks will be here when you're back.",
        ),
        ("done! back now ☕", "Welcome back! What would you like to do?"),
        ("not much, just bored tbh", 'Want something to tick off? Try "what\'s due today?".'),
        ("happy friday!", "Same to you! Anything I can add to your list?"),
        (
            "lol my cat just knocked my coffee all over the keyboard",
            "Thanks for telling me! If anything from that needs doing, say so and I'll add it.",
        ),
    ],
)
async def test_how_the_user_is_gets_a_fitting_answer_and_changes_nothing(
    message: str, reply: str
) -> None:
    board = TaskBoard()
    task = board.add("Order school uniform")
    conversation = with_history(
        ("user", "add order school uniform"),
        ("assistant", "Created task 'Order school uniform'."),
        then=message,
    )
    answer, call_ids = await run(board, conversation)
    assert (board.calls, call_ids, task["completed"]) == ([], [], False)
    assert answer == reply


@pytest.mark.anyio
async def test_a_message_in_another_language_gets_a_friendly_english_answer() -> None:
    board = TaskBoard()
    reply, call_ids = await run(board, "¿puedes añadir una tarea para mañana?")
    assert (board.calls, call_ids) == ([], [])
    assert reply.startswith("That looks like Spanish. Sorry — I only understand English for now.")


@pytest.mark.anyio
async def test_help_asked_in_another_language_gets_the_help_in_english() -> None:
    board = TaskBoard()
    reply, call_ids = await run(board, "¿qué puedes hacer?")
    assert (board.calls, call_ids) == ([], [])
    assert reply.startswith("That looks like Spanish. Sorry — I only understand English for now.")
    assert "I can manage your tasks" in reply


@pytest.mark.anyio
async def test_a_time_of_day_is_said_not_to_be_kept() -> None:
    board = TaskBoard()
    reply, _ = await run(board, "remind me to call grandma friday at 6pm")
    assert [(t["title"], t["due_date"]) for t in board.tasks] == [("Call grandma", "2027-03-12")]
    assert reply == (
        "Created task 'Call grandma' due Fri, Mar 12. "
        "Note: times of day aren't stored yet, so I kept the date only."
    )


def test_a_priority_filter_is_passed_only_when_the_list_tool_declares_it() -> None:
    today = date(2027, 3, 10)
    turn = TurnInput(message="show high priority tasks")
    with_priority: dict[str, dict[str, Any]] = {
        "list_tasks": {"properties": {"status": {}, "priority": {}}}
    }
    without: dict[str, dict[str, Any]] = {"list_tasks": {"properties": {"status": {}, "tag": {}}}}
    assert decide(turn, with_priority, today) == ToolCall("list_tasks", {"priority": "high"})
    assert decide(turn, without, today) == ToolCall("list_tasks", {})


@pytest.mark.anyio
async def test_the_date_asked_is_told_and_nothing_asked_for_changes_nothing() -> None:
    board = TaskBoard()
    date_reply, date_calls = await run(board, "remind me what today's date is?")
    testing, testing_calls = await run(board, "don't add anything, i'm just testing")
    assert (board.calls, date_calls, testing_calls, board.tasks) == ([], [], [], [])
    assert date_reply == "Today is Wednesday, March 10."
    assert testing == "OK — I haven't changed anything. What would you like to do?"
