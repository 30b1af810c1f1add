"""A service process dies mid-request: users get clean answers and threads stay consistent."""

import signal

import anyio
import httpx
import pytest

from tests.e2e.chatkit_wire import JSON, Turn, call

from .conftest import Scenario
from .stack import Stack
from .system_client import User, chat, listening, sign_up

pytestmark = pytest.mark.anyio

LEAK_MARKERS = ("Traceback", "Exception", "Error(", "errno", "httpx", "asyncpg")


async def _wait_held(stack: Stack, within: float = 10.0) -> None:
    held = await anyio.to_thread.run_sync(stack.proxies["mcp"].bytes_held.wait, within)
    assert held, "no request to mcp-tasks was in flight"


def _complete_items(items: list[JSON]) -> list[str]:
    """Problems with stored items: empty assistant messages, widgets without a widget."""
    problems = []
    for item in items:
        if item["type"] == "assistant_message":
            text = "".join(part.get("text", "") for part in item.get("content", []))
            if not text.strip():
                problems.append(f"empty assistant message {item['id']}")
        if item["type"] == "widget" and not item.get("widget"):
            problems.append(f"widget without content {item['id']}")
    ids = [item["id"] for item in items]
    if len(ids) != len(set(ids)):
        problems.append("duplicate item ids")
    return problems


async def _stored_items(gateway: httpx.AsyncClient, user: User, thread_id: str) -> list[JSON]:
    answer = await call(
        gateway, user, "items.list", {"thread_id": thread_id, "order": "asc", "limit": 100}
    )
    assert answer.status_code == 200, answer.text
    items: list[JSON] = answer.json()["data"]
    return items


async def test_mcp_tasks_killed_in_the_middle_of_a_chat_turn(
    stack: Stack, gateway: httpx.AsyncClient, auth: httpx.AsyncClient, scenario: Scenario
) -> None:
    """mcp-tasks killed in the middle of a chat turn: a clear assistant message, the thread stays consistent, the next turn works after it restarts."""  # noqa: E501
    user = await sign_up(auth)
    first = await chat(gateway, user, "add a task to buy milk")
    thread_id = first.thread_id
    assert thread_id is not None
    turn = Turn(0, "")

    async def in_flight() -> None:
        nonlocal turn
        turn = await chat(gateway, user, "add a task to call the plumber", thread_id)

    began = anyio.current_time()
    stack.proxies["mcp"].hold()
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(in_flight)
            await _wait_held(stack)
            stack.tasks.signal(signal.SIGKILL)
            stack.tasks.wait_exit(10)
            killed_at = anyio.current_time()
            stack.proxies["mcp"].release()
    finally:
        stack.proxies["mcp"].release()
    answered_after = anyio.current_time() - killed_at
    restart_began = anyio.current_time()
    stack.tasks.start()
    restart_seconds = anyio.current_time() - restart_began
    items = await _stored_items(gateway, user, thread_id)
    following = await chat(gateway, user, "add a task to call the plumber", thread_id)
    tasks = await gateway.get("/api/v1/tasks", headers=user.headers)

    shown = turn.assistant_texts + [str(e.get("message", "")) for e in turn.of_type("error")]
    scenario.figures.update(
        {
            "turn answered after kill (s)": answered_after,
            "mcp-tasks restart (s)": restart_seconds,
            "user saw": (shown[-1][:80] if shown else "nothing"),
            "turn total (s)": anyio.current_time() - began,
        }
    )
    assert turn.status_code == 200
    assert turn.transport_error is None, turn.transport_error
    assert shown, f"no message after the crash: {turn.events}"
    assert all(marker not in text for text in shown for marker in LEAK_MARKERS), shown
    assert _complete_items(items) == []
    user_texts = [i["content"][0]["text"] for i in items if i["type"] == "user_message"]
    assert user_texts == ["add a task to buy milk", "add a task to call the plumber"]
    assert following.status_code == 200
    assert following.of_type("error") == []
    assert following.assistant_texts
    titles = sorted(task["title"].lower() for task in tasks.json()["tasks"])
    assert titles == ["buy milk", "call the plumber"]


async def test_gateway_sigterm_with_open_streams(
    stack: Stack, gateway: httpx.AsyncClient, auth: httpx.AsyncClient, scenario: Scenario
) -> None:
    """chat-gateway sent SIGTERM with open streams: in-flight turns finish or end with a clean error event, no half-written items."""  # noqa: E501
    users = [await sign_up(auth) for _ in range(3)]
    threads: list[str] = []
    for user in users:
        started = await chat(gateway, user, "hello")
        assert started.thread_id is not None
        threads.append(started.thread_id)
    turns: dict[int, Turn] = {}

    async def in_flight(index: int) -> None:
        turns[index] = await chat(
            gateway, users[index], f"add a task to pack box {index}", threads[index]
        )

    # The stream is open (it reads its starting version from mcp-tasks) before requests to
    # mcp-tasks are held, so that the turns are what is in flight at SIGTERM.
    async with listening(gateway, users[0]) as events:
        stack.proxies["mcp"].hold()
        try:
            async with anyio.create_task_group() as group:
                for index in range(len(users)):
                    group.start_soon(in_flight, index)
                await _wait_held(stack)
                stack.gateway.signal(signal.SIGTERM)
                await anyio.sleep(0.5)
                stack.proxies["mcp"].release()
                exit_seconds = await anyio.to_thread.run_sync(stack.gateway.wait_exit, 30.0)
            reconnects_before_restart = events.reconnects
        finally:
            stack.proxies["mcp"].release()
    stack.gateway.start()
    stored = {i: await _stored_items(gateway, users[i], threads[i]) for i in range(len(users))}

    finished = sum(1 for t in turns.values() if t.assistant_texts and not t.of_type("error"))
    errored = sum(1 for t in turns.values() if t.of_type("error"))
    scenario.figures.update(
        {
            "turns in flight": len(turns),
            "finished": finished,
            "ended with an error event": errored,
            "gateway exit after SIGTERM (s)": exit_seconds + 0.5,
            "event stream reconnect attempts until restart": reconnects_before_restart,
        }
    )
    assert len(turns) == len(users)
    for index, turn in turns.items():
        assert turn.status_code == 200
        assert turn.transport_error is None, (index, turn.transport_error)
        assert turn.assistant_texts or turn.of_type("error"), (index, turn.events)
        assert _complete_items(stored[index]) == [], stored[index]
        done_ids = {event["item"]["id"] for event in turn.of_type("thread.item.done")}
        assert done_ids <= {item["id"] for item in stored[index]}
    assert exit_seconds + 0.5 < 12.0
