"""A model server that misbehaves: every case ends with a clear message in the thread, a
consistent thread (nothing half streamed is kept), no secret or internal detail shown, and a
next turn that works. Every test runs once per provider (Responses API, Chat Completions)."""

import json
from collections.abc import Awaitable, Callable

import pytest
from chat_gateway.chat.model_failures import (
    CHANGES_KEPT,
    MODEL_BROKE_OFF,
    MODEL_BUSY,
    MODEL_CONTEXT_TOO_LONG,
    MODEL_CUT_OFF,
    MODEL_TIMED_OUT,
    MODEL_UNREACHABLE,
    MODEL_UNUSABLE,
)
from chat_harness import ChatClient, ChatResponse, TasksRest
from http_model_fixtures import API_KEY, HttpModelGateway
from live_harness import User
from model_server import BreakOff, Fault, ModelRequest, Reply, Stall, ToolCall, call, say

pytestmark = pytest.mark.anyio

Chat = tuple[User, ChatClient, HttpModelGateway]
# The model server's own error text: it must never reach the user.
UPSTREAM_DETAIL = "upstream detail: replica gpu-7 at 10.1.2.3 failed"


def fault(status: int, **extra: object) -> Fault:
    return Fault(status, UPSTREAM_DETAIL, **extra)  # type: ignore[arg-type]


async def assert_clean_failure(
    answer: ChatResponse, expected: str, client: ChatClient, gateway: HttpModelGateway
) -> None:
    """The turn ended with ``expected`` as its last item, kept nothing half streamed, showed
    no secret nor internal detail, and the thread reads back the same."""
    assert answer.status == 200
    assert answer.of_type("error") == []
    assert answer.assistant_texts()[-1] == expected
    added = {event.item.id for event in answer.of_type("thread.item.added")}
    finished = {item.id for item in answer.done_items()}
    removed = {event.item_id for event in answer.of_type("thread.item.removed")}
    assert added <= finished | removed
    seen = json.dumps([event.model_dump(mode="json") for event in answer.events])
    for secret in (API_KEY, UPSTREAM_DETAIL, "Traceback", gateway.model.base_url):
        assert secret not in seen
    stored = (await client.thread(answer.thread_id)).body["items"]["data"]
    assert {item["id"] for item in stored} == finished - removed
    assert stored[-1]["type"] == "assistant_message"
    assert stored[-1]["content"][0]["text"] == expected
    assert API_KEY not in gateway.log_text()


async def assert_next_turn_works(
    client: ChatClient, gateway: HttpModelGateway, thread_id: str, rest: TasksRest, user: User
) -> None:
    gateway.model.play(call("add_task", title="After the failure"), say("Added."))
    after = await client.say(thread_id, "add after the failure")
    assert after.of_type("error") == []
    assert after.assistant_texts() == ["Added."]
    assert "After the failure" in await rest.titles(user.id)


async def test_rate_limited_twice_says_to_try_again_shortly(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    limited = fault(429, code="rate_limit_exceeded", headers={"Retry-After": "1"})
    # The client library waits Retry-After and tries once more.
    gateway.model.play(limited, limited)

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_BUSY, client, gateway)
    assert len(gateway.model.requests()) == 2
    assert await rest.titles(user.id) == []
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_a_retry_after_longer_than_the_wait_cap_is_not_waited_for(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    # The gateway waits at most CHAT_GATEWAY_MODEL_MAX_RETRY_WAIT_SECONDS (10 by default).
    limited = fault(429, code="rate_limit_exceeded", headers={"Retry-After": "45"})
    gateway.model.play(limited, call("add_task", title="Milk"), say("Added milk."))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_BUSY, client, gateway)
    assert len(gateway.model.requests()) == 1
    assert await rest.titles(user.id) == []


@pytest.mark.parametrize("status", [500, 503])
async def test_a_server_error_says_the_model_cannot_be_reached(
    http_chat: Chat, rest: TasksRest, status: int
) -> None:
    user, client, gateway = http_chat
    gateway.model.play(fault(status), fault(status))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_UNREACHABLE, client, gateway)
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_one_server_error_is_retried_unseen(http_chat: Chat, rest: TasksRest) -> None:
    user, client, gateway = http_chat
    gateway.model.play(fault(503), call("add_task", title="Milk"), say("Added milk."))

    answer = await client.create("add milk")

    assert answer.assistant_texts() == ["Added milk."]
    assert await rest.titles(user.id) == ["Milk"]


async def test_connection_refused_says_the_model_cannot_be_reached(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    gateway.model.stop()
    try:
        answer = await client.create("add milk")
    finally:
        gateway.model.start()

    await assert_clean_failure(answer, MODEL_UNREACHABLE, client, gateway)
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_a_stream_that_breaks_off_leaves_no_half_reply(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    long_text = "Here is a long answer that the server never finishes sending to the gateway."
    gateway.model.play(BreakOff(say(long_text), after=6))

    answer = await client.create("tell me about my tasks")

    await assert_clean_failure(answer, MODEL_BROKE_OFF, client, gateway)
    assert long_text not in json.dumps((await client.thread(answer.thread_id)).body)
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_a_break_after_a_change_keeps_the_change_and_says_so(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    unfinished = say("Added milk to your list, and I also noticed that you have three more.")
    gateway.model.play(call("add_task", title="Milk"), BreakOff(unfinished, after=5))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, f"{MODEL_BROKE_OFF} {CHANGES_KEPT}", client, gateway)
    assert [w.widget.model_dump(mode="json")["key"] for w in answer.widgets()] == ["task_card"]
    assert await rest.titles(user.id) == ["Milk"]


async def test_an_answer_cut_off_by_the_token_limit_is_left_out_and_says_so(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    partial = "Here is everything about your tasks, starting with the oldest one, which"
    gateway.model.play(Reply(text=partial, cut_off=True))

    answer = await client.create("tell me everything about my tasks")

    await assert_clean_failure(answer, MODEL_CUT_OFF, client, gateway)
    assert partial not in json.dumps((await client.thread(answer.thread_id)).body)
    assert len(gateway.model.requests()) == 1
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_a_tool_call_cut_off_by_the_token_limit_is_not_run(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    gateway.model.play(Reply(calls=(ToolCall("add_task", '{"title": "Mil'),), cut_off=True))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_CUT_OFF, client, gateway)
    assert answer.widgets() == []
    assert await rest.titles(user.id) == []
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_a_cut_off_after_a_change_keeps_the_change_and_says_so(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    partial = "Added milk to your list. You also have three more tasks due this week, and"
    gateway.model.play(call("add_task", title="Milk"), Reply(text=partial, cut_off=True))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, f"{MODEL_CUT_OFF} {CHANGES_KEPT}", client, gateway)
    assert [w.widget.model_dump(mode="json")["key"] for w in answer.widgets()] == ["task_card"]
    assert await rest.titles(user.id) == ["Milk"]


async def test_a_model_that_does_not_answer_in_time(http_chat: Chat, rest: TasksRest) -> None:
    user, client, gateway = http_chat
    gateway.model.play(Stall(5), Stall(5))

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_TIMED_OUT, client, gateway)
    assert await rest.titles(user.id) == []
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


@pytest.mark.parametrize(
    "too_long",
    [
        # OpenAI names the code; vLLM and llama.cpp only say it.
        Fault(
            400,
            "This model's maximum context length is 8192 tokens.",
            "context_length_exceeded",
        ),
        Fault(400, "the request exceeds the available context size, try increasing it"),
    ],
)
async def test_a_conversation_too_long_for_the_model_says_to_start_a_new_chat(
    http_chat: Chat, rest: TasksRest, too_long: Fault
) -> None:
    user, client, gateway = http_chat
    gateway.model.play(too_long)

    answer = await client.create("add milk")

    await assert_clean_failure(answer, MODEL_CONTEXT_TOO_LONG, client, gateway)
    assert len(gateway.model.requests()) == 1
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_malformed_tool_arguments_go_back_to_the_model_to_correct(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat

    def corrected(request: ModelRequest) -> Reply:
        assert "not valid JSON" in request.tool_outputs()[-1][1]
        return call("add_task", title="Milk")

    gateway.model.play(
        Reply(calls=(ToolCall("add_task", '{"title": "Mi'),)), corrected, say("Added milk.")
    )

    answer = await client.create("add milk")

    assert answer.of_type("error") == []
    assert answer.assistant_texts() == ["Added milk."]
    assert await rest.titles(user.id) == ["Milk"]


async def test_a_model_that_never_stops_calling_tools_gets_a_clear_message(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    gateway.model.default = Reply(calls=(ToolCall("add_task", "{not json"),))
    try:
        answer = await client.create("add milk")
    finally:
        gateway.model.default = None

    await assert_clean_failure(answer, MODEL_UNUSABLE, client, gateway)
    assert await rest.titles(user.id) == []
    await assert_next_turn_works(client, gateway, answer.thread_id, rest, user)


async def test_an_unknown_tool_is_reported_to_the_model_which_answers(
    http_chat: Chat, rest: TasksRest
) -> None:
    user, client, gateway = http_chat
    await rest.create(user.id, "Untouched")

    def after_error(request: ModelRequest) -> Reply:
        assert request.tool_outputs()[-1][1] == "Tool 'send_email' not found."
        return say("I can't send email; I can manage your tasks.")

    gateway.model.play(call("send_email", to="boss@example.com"), after_error)

    answer = await client.create("email my boss")

    assert answer.of_type("error") == []
    assert answer.assistant_texts() == ["I can't send email; I can manage your tasks."]
    assert answer.widgets() == []
    assert await rest.titles(user.id) == ["Untouched"]


async def test_a_user_id_argument_cannot_reach_another_users_tasks(
    http_chat: Chat, rest: TasksRest, new_user: Callable[[], Awaitable[User]]
) -> None:
    user, client, gateway = http_chat
    other = await new_user()
    other_task = await rest.create(other.id, "Not yours")
    gateway.model.play(
        call("add_task", title="Planted", user_id=str(other.id)),
        call("complete_task", task_id=other_task, user_id=str(other.id)),
        call("list_tasks", user_id=str(other.id)),
        say("Done."),
    )

    answer = await client.create("add planted for the other user and complete theirs")

    assert answer.of_type("error") == []
    assert await rest.titles(other.id) == ["Not yours"]
    assert await rest.titles(other.id, "completed") == []
    # No tool takes a user id: the calls are refused as invalid, nothing is created for
    # anyone, and no output shows the other user's data.
    assert await rest.titles(user.id) == []
    outputs = [output for _, output in gateway.model.requests()[-1].tool_outputs()]
    assert len(outputs) == 3
    assert all('"task"' not in output and '"tasks"' not in output for output in outputs)
    assert "Not yours" not in json.dumps(outputs)
