"""Each app's assistant gets only the tools its configuration grants: a tool not granted is
not listed to the model (scripted, local or over HTTP) and cannot be called, neither by the
model nor through a widget action."""

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from agents import Model
from agents.items import TResponseOutputItem
from agents.testing import ModelCall, ModelStep, ScriptedModel
from apps_harness import ERRANDS_TOOLS, AppUser, SignIn, apps_config
from chat_gateway.config import Settings
from chat_harness import ChatClient, ChatResponse, button_action, chat_gateway
from http_model_fixtures import API_KEY
from model_server import ModelServer, call, say
from pydantic import SecretStr
from scripted_model import ScriptedProvider, decide

pytestmark = pytest.mark.anyio

UNDO_TOOL = "undo_last_change"


class RecordingProvider(ScriptedProvider):
    """The scripted model, remembering the tool names offered on every call."""

    def __init__(self) -> None:
        self.offered: list[list[str]] = []

    def get_model(self, model_name: str | None) -> Model:
        def recorded(call: ModelCall) -> list[TResponseOutputItem]:
            self.offered.append([tool.name for tool in call.tools])
            return decide(call)

        return ScriptedModel([ModelStep.respond(recorded) for _ in range(8)])


async def titles(url: str, user: AppUser) -> list[str]:
    async with httpx.AsyncClient(base_url=url) as client:
        listed = await client.get("/api/v1/tasks", params={"status": "all"}, headers=user.headers)
    assert listed.status_code == 200, listed.text
    return sorted(task["title"] for task in listed.json()["tasks"])


@pytest.fixture
async def recorded_gateway(
    chat_settings: Callable[..., Settings],
) -> AsyncIterator[tuple[str, RecordingProvider]]:
    provider = RecordingProvider()
    async with chat_gateway(chat_settings(apps=apps_config()), provider) as url:
        yield url, provider


async def test_the_model_is_offered_only_the_apps_tools_and_a_withheld_one_does_nothing(
    recorded_gateway: tuple[str, RecordingProvider], sign_in: SignIn
) -> None:
    url, provider = recorded_gateway
    person = await sign_in(["tasks", "errands"])
    errands = ChatClient(url, person["errands"].token, app="errands")
    tasks = ChatClient(url, person["tasks"].token, app="tasks")

    thread_id = (await errands.create("add buy stamps")).thread_id
    errands_offered = list(provider.offered[-1])
    await errands.say(thread_id, "list")
    await errands.say(thread_id, "delete 1")
    await tasks.create("add water the plants")
    tasks_offered = provider.offered[-1]

    assert sorted(errands_offered) == sorted([*ERRANDS_TOOLS, UNDO_TOOL])
    assert {"delete_task", "clear_completed", "update_task"} <= set(tasks_offered)
    assert await titles(url, person["errands"]) == ["buy stamps"]
    assert await titles(url, person["tasks"]) == ["water the plants"]


async def test_a_widget_action_cannot_reach_a_tool_the_app_is_not_granted(
    recorded_gateway: tuple[str, RecordingProvider], sign_in: SignIn
) -> None:
    url, _ = recorded_gateway
    person = await sign_in(["errands"])
    errands = ChatClient(url, person["errands"].token, app="errands")
    created = await errands.create("add post the parcel")
    card = created.widgets()[0]
    task_id = card.widget.model_dump(mode="json")["id"]

    asked = await errands.act(created.thread_id, card.id, "task.delete", {"task_id": task_id})
    complete = button_action(card.widget, "toggle")
    completed = await errands.act(created.thread_id, card.id, complete["type"], complete["payload"])

    keys = [w.widget.model_dump(mode="json").get("key") for w in asked.widgets()]
    assert "confirmation" not in keys
    assert completed.status == 200
    assert completed.of_type("error") == []
    async with httpx.AsyncClient(base_url=url) as client:
        task = await client.get(f"/api/v1/tasks/{task_id}", headers=person["errands"].headers)
    assert task.status_code == 200, task.text
    assert task.json()["completed"] is True
    assert task.json()["deleted_at"] is None


async def test_the_local_model_does_not_delete_in_an_app_without_delete(
    chat_settings: Callable[..., Settings], sign_in: SignIn
) -> None:
    person = await sign_in(["errands"])
    settings = chat_settings(model_provider="local", apps=apps_config())
    async with chat_gateway(settings, configured_model=True) as url:
        client = ChatClient(url, person["errands"].token, app="errands")
        thread_id = (await client.create("add renew the passport")).thread_id
        asked = await client.say(thread_id, "delete the passport task")
        keys = [w.widget.model_dump(mode="json").get("key") for w in asked.widgets()]
        assert "confirmation" not in keys
        assert [t.lower() for t in await titles(url, person["errands"])] == ["renew the passport"]


@pytest.mark.parametrize("provider", ["openai", "openai_compatible"])
async def test_an_http_model_is_sent_only_the_apps_tools_and_cannot_call_another(
    chat_settings: Callable[..., Settings], sign_in: SignIn, provider: str
) -> None:
    person = await sign_in(["errands"])
    server = ModelServer().start()
    try:
        settings = chat_settings(
            apps=apps_config(),
            model_provider=provider,
            model_name="scripted-model",
            model_base_url=server.base_url,
            openai_api_key=SecretStr(API_KEY),
        )
        async with chat_gateway(settings, configured_model=True) as url:
            client = ChatClient(url, person["errands"].token, app="errands")
            server.play(call("add_task", title="pay the rent"), say("Added."))
            created = await client.create("add pay the rent")
            task_id = created.widgets()[0].widget.model_dump(mode="json")["id"]
            offered = [request.tool_names for request in server.requests()]
            server.play(call("delete_task", task_id=task_id), say("Deleted."))
            await client.say(created.thread_id, "delete it")
            offered += [request.tool_names for request in server.requests()]
            assert await titles(url, person["errands"]) == ["pay the rent"]
    finally:
        server.stop()
    assert offered
    assert all(sorted(names) == sorted([*ERRANDS_TOOLS, UNDO_TOOL]) for names in offered)


def shown(answer: ChatResponse) -> list[str]:
    """The labels of every button of the widgets of an answer."""
    found: list[str] = []
    pending: list[object] = [w.widget.model_dump(mode="json") for w in answer.widgets()]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("type") == "Button":
                found.append(str(node.get("label")))
            pending.extend(node.get("children") or [])
    return found


async def test_task_widgets_offer_no_button_for_a_tool_the_app_is_not_granted(
    recorded_gateway: tuple[str, RecordingProvider], sign_in: SignIn
) -> None:
    url, _ = recorded_gateway
    person = await sign_in(["tasks", "errands"])
    errands = ChatClient(url, person["errands"].token, app="errands")
    tasks = ChatClient(url, person["tasks"].token, app="tasks")

    errands_added = await errands.create("add post the parcel")
    errands_listed = await errands.say(errands_added.thread_id, "list")
    tasks_added = await tasks.create("add water the plants")
    tasks_listed = await tasks.say(tasks_added.thread_id, "list")

    # errands has no delete_task: no Delete, and no Undo of an add (its undo deletes)
    assert shown(errands_added) == ["Complete"]
    assert shown(errands_listed) == ["Complete"]
    assert sorted(shown(tasks_added)) == ["Complete", "Undo"]
    assert sorted(shown(tasks_listed)) == ["Complete", "Delete"]
