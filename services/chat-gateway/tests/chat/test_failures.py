"""Outages: mcp-tasks stopped mid-conversation, Redis unreachable; limits: turn rate."""

from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from chat_gateway.chat.turn_failures import TASKS_UNAVAILABLE
from chat_gateway.config import Settings
from chat_harness import ChatClient, TasksRest, chat_gateway
from live_harness import REDIS_URL, User, mcp_tasks_env, start_service
from service_processes import free_port

pytestmark = pytest.mark.anyio


async def test_mcp_tasks_stopping_mid_conversation_gives_a_clear_message_and_recovers(
    chat_settings: Callable[..., Settings],
    new_user: Callable[[], Awaitable[User]],
    mcp_tasks_database: str,
    rest: TasksRest,
    tmp_path: Path,
) -> None:
    port = free_port()
    env = mcp_tasks_env(mcp_tasks_database, REDIS_URL)
    log = tmp_path / "mcp-tasks.log"
    service = start_service("mcp_tasks.main:create_app", env, log, port=port)
    user: User = await new_user()
    try:
        async with chat_gateway(chat_settings(mcp_tasks_url=f"http://127.0.0.1:{port}")) as url:
            client = ChatClient(url, user.token)
            first = await client.create("add Before the outage")
            thread_id = first.thread_id
            service.stop()

            during = await client.say(thread_id, "add During the outage")

            assert during.status == 200
            assert during.of_type("error") == []
            assert during.assistant_texts() == [TASKS_UNAVAILABLE]
            stored = await client.thread(thread_id)
            assert [item["type"] for item in stored.body["items"]["data"]] == [
                "user_message",
                "widget",
                "assistant_message",
                "user_message",
                "assistant_message",
            ]

            service = start_service("mcp_tasks.main:create_app", env, log, port=port)
            after = await client.say(thread_id, "add After the outage")

            assert after.assistant_texts()[0].startswith("Tool result:")
            assert await rest.titles(user.id) == ["Before the outage", "After the outage"]
    finally:
        service.stop()


async def test_chat_works_while_redis_is_unreachable(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]], rest: TasksRest
) -> None:
    user: User = await new_user()
    dead_redis = f"redis://127.0.0.1:{free_port()}/3"

    async with chat_gateway(chat_settings(redis_url=dead_redis)) as url:
        answer = await ChatClient(url, user.token).create("add Works without Redis")

    assert answer.status == 200
    assert answer.of_type("error") == []
    assert await rest.titles(user.id) == ["Works without Redis"]


async def test_too_many_turns_answer_429_with_retry_after_and_store_nothing(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> None:
    user: User = await new_user()

    async with chat_gateway(chat_settings(chat_turns_per_minute=1)) as url:
        client = ChatClient(url, user.token)
        first = await client.create("hello")
        refused = await client.say(first.thread_id, "hello again")
        stored = await client.thread(first.thread_id)

    assert first.status == 200
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.body["detail"] == "Too many messages. Wait a moment before sending another."
    assert len(stored.body["items"]["data"]) == 2


async def test_widget_actions_count_toward_the_per_user_limit(
    chat_settings: Callable[..., Settings], new_user: Callable[[], Awaitable[User]]
) -> None:
    user: User = await new_user()

    async with chat_gateway(chat_settings(chat_turns_per_minute=2)) as url:
        client = ChatClient(url, user.token)
        created = await client.create("add Click me")
        card = created.widgets()[0]
        task_id = card.widget.id
        allowed = await client.act(
            created.thread_id, card.id, "task.complete", {"task_id": task_id}
        )
        refused = await client.act(created.thread_id, card.id, "task.reopen", {"task_id": task_id})

    assert allowed.status == 200
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.body["detail"] == "Too many requests. Wait a moment before trying again."


async def test_random_widget_action_types_add_no_metric_series(
    alice: tuple[User, ChatClient], chat_url: str
) -> None:
    _, client = alice
    created = await client.create("add Stay as is")
    card = created.widgets()[0]
    invented = [f"made.up.{n}" for n in range(3)]

    for action_type in invented:
        await client.act(created.thread_id, card.id, action_type, {})
    async with httpx.AsyncClient(base_url=chat_url) as http:
        metrics = (await http.get("/metrics")).text

    assert not any(action_type in metrics for action_type in invented)
    assert 'chat_gateway_widget_actions_total{action="unknown",outcome="invalid"}' in metrics
