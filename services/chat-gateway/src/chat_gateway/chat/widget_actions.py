"""Widget buttons: complete or reopen a task, delete it (asks first), confirm or cancel, undo."""

from collections.abc import AsyncIterator
from typing import Any, TypeVar
from uuid import UUID

from chatkit.actions import Action
from chatkit.server import stream_widget
from chatkit.types import (
    AssistantMessageItem,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    WidgetItem,
)
from chatkit.widgets import DynamicWidgetRoot
from pydantic import BaseModel, ValidationError

from chat_gateway.chat.change_texts import TASK_GONE, describe, sentence, user_error
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.store import PostgresStore
from chat_gateway.chat.task_tools import TaskOperations
from chat_gateway.chat.widgets import (
    ACTION_CANCEL,
    ACTION_COMPLETE,
    CONFIRMATION,
    OUTCOME,
    TASK_CARD,
    TASK_LIST,
    held_confirmation,
    outcome_widget,
    row_task,
    shown_as_deleted,
    task_card_widget,
    widget_kind,
    with_row_replaced,
)
from chat_gateway.errors import TaskServiceUnavailableError

_Payload = TypeVar("_Payload", bound=BaseModel)


class InvalidActionError(Exception):
    """A widget action that does not fit the widget it came from (answered as an error event)."""


class _TaskPayload(BaseModel):
    task_id: UUID


class _ConfirmationPayload(BaseModel):
    confirmation_id: UUID


class _UndoPayload(BaseModel):
    undo_id: UUID


def widget_events(
    store: PostgresStore,
    thread: ThreadMetadata,
    context: RequestContext,
    widget: DynamicWidgetRoot,
    text: str,
) -> AsyncIterator[ThreadStreamEvent]:
    """The events that add ``widget`` (its copy text ``text``) to the thread."""
    return stream_widget(
        thread,
        widget,
        copy_text=text,
        generate_id=lambda kind: store.generate_item_id(kind, thread, context),
    )


def _payload(action: Action[str, Any], model: type[_Payload]) -> _Payload:
    try:
        return model.model_validate(action.payload)
    except ValidationError as exc:
        raise InvalidActionError("This action is not valid.") from exc


def _replaced(sender: WidgetItem, widget: DynamicWidgetRoot) -> ThreadItemReplacedEvent:
    return ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": widget}))


class WidgetActions:
    """What each widget button does; every action is checked against the widget it came from."""

    def __init__(self, store: PostgresStore, operations: TaskOperations) -> None:
        self.store = store
        self.operations = operations

    def run(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """The events of ``action``; InvalidActionError for one that is not known or fits not."""
        if sender is None:
            raise InvalidActionError("This action needs the widget it came from.")
        widget = sender.widget.model_dump(mode="json", exclude_none=True)
        match action.type:
            case "task.complete" | "task.reopen":
                return self._toggle(thread, action, sender, widget, context)
            case "task.delete":
                return self._ask_delete(thread, action, widget, context)
            case "confirmation.confirm" | "confirmation.cancel":
                return self._resolve(thread, action, sender, widget, context)
            case "change.undo":
                return self._undo(thread, action, sender, widget, context)
            case _:
                raise InvalidActionError("This action is not known.")

    def _new_widget(
        self, thread: ThreadMetadata, context: RequestContext, widget: DynamicWidgetRoot, text: str
    ) -> AsyncIterator[ThreadStreamEvent]:
        return widget_events(self.store, thread, context, widget, text)

    async def _toggle(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem,
        widget: dict[str, Any],
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        task_id = str(_payload(action, _TaskPayload).task_id)
        kind = widget_kind(widget)
        shown = (kind == TASK_LIST and row_task(widget, task_id) is not None) or (
            kind == TASK_CARD and widget.get("id") == task_id
        )
        if not shown:
            raise InvalidActionError("This task is not part of that widget.")
        tool = "complete_task" if action.type == ACTION_COMPLETE else "reopen_task"
        result, undo_id = await self.operations.mutate(
            context, thread.id, tool, {"task_id": task_id}
        )
        today = context.now().date()
        if result.is_error or not result.structured:
            text = user_error(result.text)
            if text == TASK_GONE:
                # The widget shows that the task is gone, not only the sentence below it.
                yield _replaced(sender, shown_as_deleted(widget, task_id, today=today))
            async for event in self._new_widget(thread, context, outcome_widget(text), text):
                yield event
            return
        task = result.structured["task"]
        grants = self.operations.grants(context.user_id)
        if kind == TASK_CARD:
            headline = "Task completed" if tool == "complete_task" else "Task reopened"
            card = task_card_widget(
                task, headline=headline, undo_id=undo_id, today=today, grants=grants
            )
            yield _replaced(sender, card)
            return
        yield _replaced(sender, with_row_replaced(widget, task, today=today, grants=grants))
        text = sentence(describe(tool, result.structured))
        async for event in self._new_widget(
            thread, context, outcome_widget(text, undo_id=undo_id), text
        ):
            yield event

    async def _ask_delete(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        widget: dict[str, Any],
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        task_id = str(_payload(action, _TaskPayload).task_id)
        if widget_kind(widget) not in (TASK_LIST, TASK_CARD) or (
            row_task(widget, task_id) is None and widget.get("id") != task_id
        ):
            raise InvalidActionError("This task is not part of that widget.")
        output, confirmation = await self.operations.hold_back(
            context, thread.id, "delete_task", {"task_id": task_id}
        )
        if confirmation is None:
            text = user_error(output) if isinstance(output, str) else "There is nothing to delete."
            async for event in self._new_widget(thread, context, outcome_widget(text), text):
                yield event
            return
        async for event in self._new_widget(thread, context, confirmation, "Confirm deletion"):
            yield event

    async def _resolve(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem,
        widget: dict[str, Any],
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        confirmation_id = _payload(action, _ConfirmationPayload).confirmation_id
        if widget_kind(widget) == OUTCOME:
            raise InvalidActionError("This request was already handled.")
        if widget_kind(widget) != CONFIRMATION:
            raise InvalidActionError("This action needs a confirmation widget.")
        if held_confirmation(widget) != str(confirmation_id):
            raise InvalidActionError("This confirmation belongs to another widget.")
        confirmations = self.operations.confirmations
        if action.type == ACTION_CANCEL:
            held = await confirmations.resolve(
                context.user_id, thread.id, confirmation_id, "cancelled"
            )
            if held is None:
                raise InvalidActionError("This request was already handled.")
            yield _replaced(sender, outcome_widget("Cancelled. Nothing was changed."))
            async for event in self._drop_prompt(thread, sender, context):
                yield event
            return
        held = await confirmations.resolve(context.user_id, thread.id, confirmation_id, "confirmed")
        if held is None:
            raise InvalidActionError("This request was already handled.")
        tool, arguments = held
        try:
            result, undo_id = await self.operations.mutate(context, thread.id, tool, arguments)
        except TaskServiceUnavailableError:
            await confirmations.reopen(context.user_id, confirmation_id)
            raise
        if result.is_error or not result.structured:
            yield _replaced(sender, outcome_widget(user_error(result.text)))
            return
        text = sentence(describe(tool, result.structured))
        yield _replaced(sender, outcome_widget(text, undo_id=undo_id))
        async for event in self._drop_prompt(thread, sender, context):
            yield event

    async def _drop_prompt(
        self, thread: ThreadMetadata, sender: WidgetItem, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Remove the reply that asked to confirm ("… with the buttons below"): once answered,
        the widget says what happened and the question would stand alone."""
        page = await self.store.load_thread_items(thread.id, sender.id, 1, "asc", context)
        prompt = page.data[0] if page.data else None
        if isinstance(prompt, AssistantMessageItem):
            await self.store.delete_thread_item(thread.id, prompt.id, context=context)
            yield ThreadItemRemovedEvent(item_id=prompt.id)

    async def _undo(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem,
        widget: dict[str, Any],
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        undo_id = _payload(action, _UndoPayload).undo_id
        outcome = await self.operations.undo_change(context, thread.id, undo_id)
        if outcome is None:
            raise InvalidActionError("This change can no longer be undone.")
        text = outcome.user_text()
        if widget_kind(widget) == TASK_CARD and outcome.task is not None:
            card = task_card_widget(
                outcome.task,
                headline=text,
                undo_id=None,
                today=context.now().date(),
                grants=self.operations.grants(context.user_id),
            )
            yield _replaced(sender, card)
            return
        yield _replaced(sender, outcome_widget(text))
