"""Chat history: threads and their items survive, can be listed, renamed and deleted."""

import httpx
import pytest

from . import chatkit_wire as chat
from .accounts import Account, login

pytestmark = pytest.mark.anyio


async def test_a_thread_and_its_items_survive_a_new_sign_in(
    client: httpx.AsyncClient, alice: Account
) -> None:
    turn = await chat.send_message(client, alice, "add a task to buy milk")
    thread_id = turn.thread_id
    assert thread_id is not None
    await chat.send_message(client, alice, "show my tasks", thread_id)
    again = await login(client, alice.email, alice.password)
    alice.access_token = again.json()["access_token"]

    thread = await chat.call(client, alice, "threads.get_by_id", {"thread_id": thread_id})
    items = await chat.call(client, alice, "items.list", {"thread_id": thread_id, "order": "asc"})

    assert thread.status_code == 200, thread.text
    assert thread.json()["id"] == thread_id
    assert items.status_code == 200, items.text
    stored = items.json()["data"]
    users = [item for item in stored if item["type"] == "user_message"]
    assert [u["content"][0]["text"] for u in users] == ["add a task to buy milk", "show my tasks"]
    assert any(item["type"] == "assistant_message" for item in stored)
    assert all(item["thread_id"] == thread_id for item in stored)
    assert len({item["id"] for item in stored}) == len(stored)


async def test_threads_are_listed_newest_first(client: httpx.AsyncClient, alice: Account) -> None:
    first = (await chat.send_message(client, alice, "hello")).thread_id
    second = (await chat.send_message(client, alice, "what can you do?")).thread_id

    listed = await chat.call(client, alice, "threads.list", {"limit": 10})

    assert listed.status_code == 200, listed.text
    assert [thread["id"] for thread in listed.json()["data"]] == [second, first]


async def test_renaming_a_thread_is_persisted(client: httpx.AsyncClient, alice: Account) -> None:
    thread_id = (await chat.send_message(client, alice, "hello")).thread_id

    renamed = await chat.call(
        client, alice, "threads.update", {"thread_id": thread_id, "title": "Groceries 🛒"}
    )
    fetched = await chat.call(client, alice, "threads.get_by_id", {"thread_id": thread_id})
    listed = await chat.call(client, alice, "threads.list", {})

    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["title"] == "Groceries 🛒"
    assert fetched.json()["title"] == "Groceries 🛒"
    assert listed.json()["data"][0]["title"] == "Groceries 🛒"


async def test_a_deleted_thread_is_gone_with_its_items(
    client: httpx.AsyncClient, alice: Account
) -> None:
    keep = (await chat.send_message(client, alice, "hello")).thread_id
    doomed = (await chat.send_message(client, alice, "thanks!")).thread_id

    deleted = await chat.call(client, alice, "threads.delete", {"thread_id": doomed})
    fetched = await chat.call(client, alice, "threads.get_by_id", {"thread_id": doomed})
    items = await chat.call(client, alice, "items.list", {"thread_id": doomed})
    listed = await chat.call(client, alice, "threads.list", {})
    follow_up = await chat.send_message(client, alice, "hello again", doomed)

    assert deleted.status_code == 200, deleted.text
    assert fetched.status_code == 404
    assert items.status_code == 404
    assert [thread["id"] for thread in listed.json()["data"]] == [keep]
    assert follow_up.status_code == 404
