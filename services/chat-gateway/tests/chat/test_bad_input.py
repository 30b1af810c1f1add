"""Bad input answers 4xx problem+json, never 5xx, and writes nothing."""

from typing import Any

import pytest
from chat_harness import ChatClient, user_input
from live_harness import User

pytestmark = pytest.mark.anyio


async def _assert_nothing_stored(client: ChatClient) -> None:
    listed = await client.post({"type": "threads.list", "params": {}})
    assert listed.status == 200
    assert listed.body["data"] == []


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{}", 400),
        (b"not json", 400),
        (b'{"type": "threads.explode", "params": {}}', 400),
        (b'{"type": "threads.create", "params": {}}', 400),
        (b'{"type": "threads.create", "params": {"input": {"content": "x"}}}', 400),
        (
            b'{"type": "input.transcribe",'
            b' "params": {"audio_base64": "", "mime_type": "audio/ogg"}}',
            400,
        ),
        (
            b'{"type": "attachments.create",'
            b' "params": {"name": "a", "size": 1, "mime_type": "text/plain"}}',
            400,
        ),
        (b'{"type": "threads.list", "params": {"limit": "many"}}', 400),
    ],
)
async def test_invalid_chatkit_bodies_answer_400(
    alice: tuple[User, ChatClient], raw: bytes, status: int
) -> None:
    _, client = alice

    answer = await client.post(None, raw=raw)

    assert answer.status == status
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.body["status"] == status
    await _assert_nothing_stored(client)


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        (
            {"type": "threads.create", "params": {"input": user_input("x" * 4001)}},
            "The message is longer than 4000 characters.",
        ),
        (
            {"type": "threads.create", "params": {"input": user_input("   ")}},
            "The message is empty.",
        ),
        (
            {
                "type": "threads.create",
                "params": {"input": {**user_input("hi"), "attachments": ["atc_1"]}},
            },
            "Attachments are not supported.",
        ),
    ],
)
async def test_refused_messages_answer_400_and_create_no_thread(
    alice: tuple[User, ChatClient], payload: dict[str, Any], detail: str
) -> None:
    _, client = alice

    answer = await client.post(payload)

    assert answer.status == 400
    assert answer.body["detail"] == detail
    await _assert_nothing_stored(client)


async def test_a_body_over_the_size_limit_answers_413(alice: tuple[User, ChatClient]) -> None:
    _, client = alice

    answer = await client.post(
        {"type": "threads.create", "params": {"input": user_input("x" * 2_000_000)}}
    )

    assert answer.status == 413
    assert answer.body["detail"] == "The request body is larger than 1048576 bytes."
    await _assert_nothing_stored(client)


@pytest.mark.parametrize(
    "token", [None, "Basic", "not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."]
)
async def test_missing_or_invalid_tokens_answer_401(
    chat_url: str, alice: tuple[User, ChatClient], token: str | None
) -> None:
    answer = await ChatClient(chat_url, token).create("add Should not exist")

    assert answer.status == 401
    assert answer.body["status"] == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    await _assert_nothing_stored(alice[1])


async def test_an_unknown_widget_action_ends_with_an_error_event_and_changes_nothing(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    created = await client.create("add Stay as is")
    card = created.widgets()[0]

    answer = await client.act(created.thread_id, card.id, "task.explode", {"task_id": "x"})
    malformed = await client.act(created.thread_id, card.id, "task.complete", {"task_id": "x"})
    not_widget = await client.act(
        created.thread_id, created.done_items()[0].id, "task.complete", {}
    )

    assert answer.status == 200
    assert [e.message for e in answer.of_type("error")] == ["This action is not known."]
    assert [e.message for e in malformed.of_type("error")] == ["This action is not valid."]
    assert not_widget.status == 400
    assert not_widget.body["detail"] == "Actions can only come from widgets."


async def test_nul_characters_anywhere_in_a_request_answer_400_and_write_nothing(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    created = await client.create("add Untouched")
    thread_id = created.thread_id
    user_message, card = created.done_items()[0], created.widgets()[0]
    before = await client.thread(thread_id)
    nul = "NUL\u0000byte"
    attempts: list[dict[str, Any]] = [
        {"type": "threads.create", "params": {"input": user_input(nul)}},
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": user_input(nul)},
        },
        {"type": "threads.update", "params": {"thread_id": thread_id, "title": nul}},
        {
            "type": "items.feedback",
            "params": {"thread_id": thread_id, "item_ids": [nul], "kind": "negative"},
        },
        {
            "type": "items.feedback",
            "params": {
                "thread_id": thread_id,
                "item_ids": [user_message.id],
                "kind": "positive",
            },
            "metadata": {"note": nul},
        },
        {
            "type": "threads.custom_action",
            "params": {
                "thread_id": thread_id,
                "item_id": card.id,
                "action": {"type": "task.complete", "payload": {"task_id": nul}},
            },
        },
    ]

    answers = [await client.post(attempt) for attempt in attempts]

    assert [answer.status for answer in answers] == [400] * len(attempts)
    for answer in answers:
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.body["detail"] == "The request contains a NUL character (U+0000)."
    after = await client.thread(thread_id)
    assert after.body == before.body
    listed = await client.post({"type": "threads.list", "params": {}})
    assert [thread["id"] for thread in listed.body["data"]] == [thread_id]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"type": "threads.create", "params": {"input": {"content": [{"type": "input_text",'
        b' "text": "x\\ud800y"}], "attachments": [], "inference_options": {}}}}',
        b'{"type": "threads.list", "params": {"order": "desc"}, "metadata": {"n": "\\udfff"}}',
    ],
)
async def test_lone_surrogates_in_a_request_answer_400_and_write_nothing(
    alice: tuple[User, ChatClient], raw: bytes
) -> None:
    _, client = alice

    answer = await client.post(None, raw=raw)

    assert answer.status == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.body["detail"] == "The body is not a valid ChatKit request."
    await _assert_nothing_stored(client)


@pytest.mark.parametrize("request_type", ["threads.list", "items.list"])
@pytest.mark.parametrize("limit", [-5, 0, 101, 10**12])
async def test_page_limits_outside_1_to_100_answer_400(
    alice: tuple[User, ChatClient], request_type: str, limit: int
) -> None:
    _, client = alice
    thread_id = (await client.create("hello")).thread_id
    params: dict[str, Any] = {"limit": limit}
    if request_type == "items.list":
        params["thread_id"] = thread_id

    answer = await client.post({"type": request_type, "params": params})

    assert answer.status == 400
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.body["detail"] == "limit must be between 1 and 100."


@pytest.mark.parametrize("request_type", ["threads.list", "items.list"])
async def test_a_page_limit_of_100_is_accepted(
    alice: tuple[User, ChatClient], request_type: str
) -> None:
    _, client = alice
    thread_id = (await client.create("hello")).thread_id
    params: dict[str, Any] = {"limit": 100}
    if request_type == "items.list":
        params["thread_id"] = thread_id

    answer = await client.post({"type": request_type, "params": params})

    assert answer.status == 200
    assert len(answer.body["data"]) == (1 if request_type == "threads.list" else 2)


def _message(text: str, **extra: Any) -> dict[str, Any]:
    return {**user_input(text), **extra}


TAG = {"type": "input_tag", "id": "t1", "text": "tag", "interactive": False}


@pytest.mark.parametrize(
    "message",
    [
        _message("hi", quoted_text="q" * 4000),
        {
            **user_input("hi"),
            "content": [
                {"type": "input_text", "text": "hi"},
                {**TAG, "data": {"blob": "d" * 4000}},
            ],
        },
        {
            **user_input("hi"),
            "content": [
                {"type": "input_text", "text": "hi"},
                {**TAG, "text": "t" * 4000, "data": {}},
            ],
        },
        _message("hi", inference_options={"model": "m" * 4000}),
    ],
)
async def test_every_field_of_a_message_counts_toward_its_limit(
    alice: tuple[User, ChatClient], message: dict[str, Any]
) -> None:
    _, client = alice
    thread_id = (await client.create("hello")).thread_id
    before = await client.thread(thread_id)

    created = await client.post({"type": "threads.create", "params": {"input": message}})
    added = await client.post(
        {"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message}}
    )

    for answer in (created, added):
        assert answer.status == 400
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.body["detail"] == "The message is longer than 4000 characters."
    assert (await client.thread(thread_id)).body == before.body
    listed = await client.post({"type": "threads.list", "params": {}})
    assert [thread["id"] for thread in listed.body["data"]] == [thread_id]


async def test_a_chatkit_request_over_64_kib_answers_413_before_anything_is_stored(
    alice: tuple[User, ChatClient],
) -> None:
    _, client = alice
    thread_id = (await client.create("hello")).thread_id
    before = await client.thread(thread_id)

    quoted = await client.post(
        {
            "type": "threads.add_user_message",
            "params": {"thread_id": thread_id, "input": _message("hi", quoted_text="q" * 900_000)},
        }
    )
    metadata = await client.post(
        {"type": "threads.list", "params": {}, "metadata": {"pad": "m" * 70_000}}
    )

    for answer in (quoted, metadata):
        assert answer.status == 413
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.body["detail"] == "The ChatKit request is larger than 65536 bytes."
    assert (await client.thread(thread_id)).body == before.body


@pytest.mark.parametrize(
    ("action", "detail"),
    [
        ({"type": "task." + "x" * 100, "payload": {}}, "The widget action type is too long."),
        (
            {"type": "task.complete", "payload": {"task_id": "x", "pad": "p" * 3000}},
            "The widget action payload is larger than 2000 characters.",
        ),
    ],
)
async def test_oversized_widget_actions_answer_400_and_change_nothing(
    alice: tuple[User, ChatClient], action: dict[str, Any], detail: str
) -> None:
    _, client = alice
    created = await client.create("add Stay as is")
    card = created.widgets()[0]
    before = await client.thread(created.thread_id)

    answer = await client.post(
        {
            "type": "threads.custom_action",
            "params": {"thread_id": created.thread_id, "item_id": card.id, "action": action},
        }
    )

    assert answer.status == 400
    assert answer.body["detail"] == detail
    assert (await client.thread(created.thread_id)).body == before.body


async def test_feedback_on_too_many_items_answers_400(alice: tuple[User, ChatClient]) -> None:
    _, client = alice
    created = await client.create("hello")

    answer = await client.post(
        {
            "type": "items.feedback",
            "params": {
                "thread_id": created.thread_id,
                "item_ids": [f"item_{n}" for n in range(101)],
                "kind": "positive",
            },
        }
    )

    assert answer.status == 400
    assert answer.body["detail"] == "Feedback can name at most 100 items."
