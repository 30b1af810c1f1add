"""The ChatKit server: chat turns through the agent, widget actions, feedback."""

import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import anyio
from agents import ModelProvider, ModelSettings, RunConfig, Runner
from chatkit.actions import Action
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult, stream_widget
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    ChatKitReq,
    ErrorEvent,
    FeedbackKind,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    UserMessageItem,
    UserMessageTextContent,
    WidgetItem,
    is_streaming_req,
)
from chatkit.widgets import DynamicWidgetRoot
from pydantic import BaseModel, TypeAdapter, ValidationError

from chat_gateway.chat.assistant import build_agent
from chat_gateway.chat.history import HistoryCache, TaskHistoryConverter
from chat_gateway.chat.metrics import CHAT_TURNS, TURN_SECONDS, WIDGET_ACTIONS, action_label
from chat_gateway.chat.model_failures import CHANGES_KEPT, model_failure
from chat_gateway.chat.regenerate import kept_reply, records_change
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.store import PostgresStore
from chat_gateway.chat.task_tools import (
    TASK_GONE,
    TaskOperations,
    describe,
    sentence,
    user_error,
)
from chat_gateway.chat.titles import title_for_changes
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

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "I can't reach the {service} service right now, so I couldn't finish that. "
    "Please try again in a moment."
)
TASKS_UNAVAILABLE = UNAVAILABLE.format(service="task")
TASKS_CLIENT = "mcp-tasks"
TURN_FAILED = "Something went wrong while I was answering. Please try again."
TITLE_CHARS = 60
# Thread metadata: the title taken from the first message, while it is still the title.
AUTO_TITLE = "title_from_message"
FAKE_ID = "__fake_id__"

_Payload = TypeVar("_Payload", bound=BaseModel)
CHATKIT_REQUEST = TypeAdapter[ChatKitReq](ChatKitReq)


class InvalidActionError(Exception):
    """A widget action that does not fit the widget it came from (answered as an error event)."""


class _TaskPayload(BaseModel):
    task_id: UUID


class _ConfirmationPayload(BaseModel):
    confirmation_id: UUID


class _UndoPayload(BaseModel):
    undo_id: UUID


def title_from(message: UserMessageItem) -> str:
    """A thread title from the first message: its first words, at most 60 characters."""
    text = " ".join(
        part.text for part in message.content if isinstance(part, UserMessageTextContent)
    )
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= TITLE_CHARS:
        return text or "New chat"
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0] or text[:TITLE_CHARS]
    return cut.rstrip(" ,.;:") + "…"


def unavailable_text(error: TaskServiceUnavailableError) -> str:
    """What the user reads when a tool service cannot be reached: it names that service."""
    if error.service is None or error.service == TASKS_CLIENT:
        return TASKS_UNAVAILABLE
    return UNAVAILABLE.format(service=error.service)


_ErrorT = TypeVar("_ErrorT", bound=BaseException)


def _cause(exc: BaseException, kind: type[_ErrorT]) -> _ErrorT | None:
    """The first ``kind`` among ``exc``, its causes, contexts and grouped exceptions."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend((current.__cause__, current.__context__))
    return None


async def remap_fake_ids(
    events: AsyncIterator[ThreadStreamEvent], new_id: Callable[[], str]
) -> AsyncIterator[ThreadStreamEvent]:
    """Give every item a chat-completions model streams under the placeholder id its own id."""
    current: str | None = None
    async for event in events:
        if isinstance(event, ThreadItemAddedEvent) and event.item.id == FAKE_ID:
            current = new_id()
            event = event.model_copy(update={"item": event.item.model_copy(update={"id": current})})
        elif isinstance(event, ThreadItemUpdatedEvent) and event.item_id == FAKE_ID:
            current = current or new_id()
            event = event.model_copy(update={"item_id": current})
        elif isinstance(event, ThreadItemDoneEvent) and event.item.id == FAKE_ID:
            item_id = current or new_id()
            event = event.model_copy(update={"item": event.item.model_copy(update={"id": item_id})})
            current = None
        yield event


class ChatServer(ChatKitServer[RequestContext]):
    """ChatKit server whose turns run the task agent and whose widgets act on tasks."""

    store: PostgresStore

    def __init__(
        self,
        store: PostgresStore,
        operations: TaskOperations,
        model_provider: ModelProvider,
        *,
        model_name: str | None,
        model_settings: ModelSettings,
        history_items: int = 40,
        max_turns: int = 8,
        history_cache_bytes: int = 32 << 20,
    ) -> None:
        super().__init__(store)
        self.store = store
        self.operations = operations
        self.model_provider = model_provider
        self.model_name = model_name
        self.model_settings = model_settings
        self.history_items = history_items
        self.max_turns = max_turns
        self.history = HistoryCache(TaskHistoryConverter(), max_bytes=history_cache_bytes)

    async def process(
        self, request: str | bytes | bytearray, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Parse a request with the shared validator, then handle it."""
        return await self.process_request(CHATKIT_REQUEST.validate_json(request), context)

    async def process_request(
        self, request: ChatKitReq, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """Handle an already validated request.

        The SDK's ``process`` builds a new request validator for every call (tens of
        milliseconds of schema generation per request); the route validates once instead.
        """
        if is_streaming_req(request):
            return StreamingResult(self._process_streaming(request, context))
        return NonStreamingResult(await self._process_non_streaming(request, context))

    async def _process_streaming_impl(  # type: ignore[override]  # same signature, narrowed context
        self, request: Any, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        if isinstance(request, ThreadsRetryAfterItemReq):
            async for event in self._regenerate(request, context):
                yield event
            return
        async for event in super()._process_streaming_impl(request, context):
            yield event

    async def _regenerate(
        self, request: ThreadsRetryAfterItemReq, context: RequestContext
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Replace the answer to a user message, keeping the changes it made (see regenerate)."""
        thread_id, message_id = request.params.thread_id, request.params.item_id
        thread = await self.store.load_thread(thread_id, context=context)
        message = await self.store.load_item(thread_id, message_id, context=context)
        if not isinstance(message, UserMessageItem):
            raise InvalidActionError("Only a user message can be retried.")
        answer: list[ThreadItem] = []
        after: str | None = message_id
        while after is not None:
            page = await self.store.load_thread_items(thread_id, after, 100, "asc", context)
            answer.extend(page.data)
            after = page.after if page.has_more else None
        changes = [item for item in answer if records_change(item)]
        for item in answer:
            if item in changes:
                continue
            await self.store.delete_thread_item(thread_id, item.id, context=context)
            yield ThreadItemRemovedEvent(item_id=item.id)
        if changes:
            reply = self._assistant_message(thread, context, kept_reply(changes))

            async def kept() -> AsyncIterator[ThreadStreamEvent]:
                yield reply

            respond = kept
        else:

            def respond() -> AsyncIterator[ThreadStreamEvent]:
                return self.respond(thread, message, context)

        async for event in self._process_events(thread, context, respond):
            yield event

    def _new_item_id(self, thread: ThreadMetadata, context: RequestContext) -> str:
        return self.store.generate_item_id("message", thread, context)

    def _assistant_message(
        self, thread: ThreadMetadata, context: RequestContext, text: str
    ) -> ThreadItemDoneEvent:
        return ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id=self._new_item_id(thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text=text)],
            )
        )

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent on the thread's recent history and stream its answer and widgets."""
        if input_user_message is None:
            return
        if thread.title is None:
            thread.title = title_from(input_user_message)
            thread.metadata[AUTO_TITLE] = thread.title
        # Until a turn changes tasks the title is the first message's words; the first turn that
        # does (after a question back, say) names the thread, unless the user renamed it.
        auto_title = thread.metadata.get(AUTO_TITLE) == thread.title
        shown: list[dict[str, Any]] = []
        changed = False
        unfinished: dict[str, None] = {}
        started = time.perf_counter()
        outcome = "ok"
        try:
            tools = await self.operations.agent_tools(context.user_id)
            texts = await self._history_texts(thread, input_user_message, context)
            history = await self.history.to_agent_input(texts)
            # stream_agent_response reads the newest two items next: hand them over.
            newest = [self.history.item(text).model_copy(deep=True) for text in texts[:-3:-1]]
            everything = len(texts) < self.history_items and len(texts) == len(newest)
            context.recent_items = (thread.id, newest, everything)
            agent_context = AgentContext[RequestContext](
                thread=thread, store=self.store, request_context=context
            )
            result = Runner.run_streamed(
                build_agent(context, tools, self.model_name, self.model_settings),
                history,
                context=agent_context,
                max_turns=self.max_turns,
                run_config=RunConfig(
                    model_provider=self.model_provider,
                    tracing_disabled=True,
                    # A made-up tool name is the model's mistake to correct, not a failed turn.
                    tool_not_found_behavior="return_error_to_model",
                ),
            )
            events = stream_agent_response(agent_context, result)
            events = remap_fake_ids(events, lambda: self._new_item_id(thread, context))
            async for event in self._with_lookup_answer(thread, context, events):
                if isinstance(event, ThreadItemAddedEvent):
                    unfinished[event.item.id] = None
                elif isinstance(event, ThreadItemDoneEvent):
                    unfinished.pop(event.item.id, None)
                    if isinstance(event.item, WidgetItem):
                        widget = event.item.widget.model_dump(mode="json", exclude_none=True)
                        shown.append(widget)
                        changed = changed or (
                            records_change(event.item) and widget_kind(widget) != CONFIRMATION
                        )
                yield event
            await context.settle()
            if auto_title and (named := title_for_changes(shown)):
                thread.title = named
                thread.metadata.pop(AUTO_TITLE, None)
        except Exception as exc:
            # What the failure cut short (a reply half streamed) leaves the thread.
            for item_id in unfinished:
                yield ThreadItemRemovedEvent(item_id=item_id)
            failure = model_failure(exc)
            if (unreachable := _cause(exc, TaskServiceUnavailableError)) is not None:
                outcome = "tasks_unavailable"
                logger.warning(
                    "chat turn without a tool service",
                    extra={"service": unreachable.service, "error": repr(exc)},
                )
                text = unavailable_text(unreachable)
            elif failure is not None:
                outcome = failure.kind
                logger.warning(
                    "chat turn: the model failed",
                    extra={"failure": failure.kind, "error": type(exc).__name__},
                )
                text = failure.text
            else:
                outcome = "error"
                logger.exception("chat turn failed")
                text = TURN_FAILED
            if changed:
                text = f"{text} {CHANGES_KEPT}"
            yield self._assistant_message(thread, context, text)
        finally:
            CHAT_TURNS.labels(outcome).inc()
            TURN_SECONDS.observe(time.perf_counter() - started)

    async def _with_lookup_answer(
        self,
        thread: ThreadMetadata,
        context: RequestContext,
        events: AsyncIterator[ThreadStreamEvent],
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Show the turn's last lookup (a list, a task) once the reply starts, or at the end.

        Lookups the assistant made before a change (finding the task to complete) are
        dropped by the change itself, so the thread shows the outcome only.
        """

        async def flush() -> AsyncIterator[ThreadStreamEvent]:
            pending, context.lookup_widget = context.lookup_widget, None
            if pending is not None:
                async for shown in self._new_widget(thread, context, pending[0], pending[1]):
                    yield shown

        async for event in events:
            if isinstance(event, ThreadItemAddedEvent) and isinstance(
                event.item, AssistantMessageItem
            ):
                async for shown in flush():
                    yield shown
            yield event
        async for shown in flush():
            yield shown

    async def _history_texts(
        self, thread: ThreadMetadata, message: UserMessageItem, context: RequestContext
    ) -> list[str]:
        """The stored JSON of the thread's newest items, oldest first, ending with ``message``."""
        earlier, context.earlier_items = context.earlier_items, None
        if earlier is not None and earlier[0] in (None, thread.id):
            texts = [message.model_dump_json(), *earlier[1]]
        else:
            texts = await self.store.recent_item_texts(thread.id, self.history_items, context)
        texts.reverse()
        return texts

    async def prefetch_history(self, thread_id: str | None, context: RequestContext) -> None:
        """Check a turn's thread and read the items its history needs, before its message is
        stored (a new thread has none), so that the turn does not wait for that read after
        storing it."""
        texts = []
        if thread_id is not None:
            texts = await self.store.check_thread_with_items(
                thread_id, self.history_items - 1, context
            )
        context.earlier_items = (thread_id, texts)

    async def handle_stream_cancelled(
        self, thread: ThreadMetadata, pending_items: list[ThreadItem], context: RequestContext
    ) -> None:
        """Keep the partial answer of a stopped turn, even while the request is being torn down."""
        with anyio.CancelScope(shield=True):
            await super().handle_stream_cancelled(thread, pending_items, context)
        CHAT_TURNS.labels("stopped").inc()

    async def add_feedback(
        self, thread_id: str, item_ids: list[str], feedback: FeedbackKind, context: RequestContext
    ) -> None:
        """Store thumbs up/down on the user's own items."""
        await self.store.save_feedback(thread_id, item_ids, feedback, context)

    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Widget buttons: complete/reopen, delete (asks first), confirm/cancel, undo."""
        outcome = "ok"
        try:
            if sender is None:
                raise InvalidActionError("This action needs the widget it came from.")
            widget = sender.widget.model_dump(mode="json", exclude_none=True)
            match action.type:
                case "task.complete" | "task.reopen":
                    events = self._toggle(thread, action, sender, widget, context)
                case "task.delete":
                    events = self._ask_delete(thread, action, widget, context)
                case "confirmation.confirm" | "confirmation.cancel":
                    events = self._resolve(thread, action, sender, widget, context)
                case "change.undo":
                    events = self._undo(thread, action, sender, widget, context)
                case _:
                    raise InvalidActionError("This action is not known.")
            async for event in events:
                yield event
            await context.settle()
        except InvalidActionError as exc:
            outcome = "invalid"
            yield ErrorEvent(code="custom", message=str(exc), allow_retry=False)
        except TaskServiceUnavailableError as unreachable:
            outcome = "tasks_unavailable"
            yield ErrorEvent(code="custom", message=unavailable_text(unreachable), allow_retry=True)
        finally:
            WIDGET_ACTIONS.labels(action_label(action.type), outcome).inc()

    @staticmethod
    def _payload(action: Action[str, Any], model: type[_Payload]) -> _Payload:
        try:
            return model.model_validate(action.payload)
        except ValidationError as exc:
            raise InvalidActionError("This action is not valid.") from exc

    def _new_widget(
        self, thread: ThreadMetadata, context: RequestContext, widget: DynamicWidgetRoot, text: str
    ) -> AsyncIterator[ThreadStreamEvent]:
        return stream_widget(
            thread,
            widget,
            copy_text=text,
            generate_id=lambda kind: self.store.generate_item_id(kind, thread, context),
        )

    @staticmethod
    def _replaced(sender: WidgetItem, widget: DynamicWidgetRoot) -> ThreadItemReplacedEvent:
        return ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": widget}))

    async def _toggle(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem,
        widget: dict[str, Any],
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        task_id = str(self._payload(action, _TaskPayload).task_id)
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
                yield self._replaced(sender, shown_as_deleted(widget, task_id, today=today))
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
            yield self._replaced(sender, card)
            return
        yield self._replaced(sender, with_row_replaced(widget, task, today=today, grants=grants))
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
        task_id = str(self._payload(action, _TaskPayload).task_id)
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
        confirmation_id = self._payload(action, _ConfirmationPayload).confirmation_id
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
            yield self._replaced(sender, outcome_widget("Cancelled. Nothing was changed."))
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
            yield self._replaced(sender, outcome_widget(user_error(result.text)))
            return
        text = sentence(describe(tool, result.structured))
        yield self._replaced(sender, outcome_widget(text, undo_id=undo_id))
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
        undo_id = self._payload(action, _UndoPayload).undo_id
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
            yield self._replaced(sender, card)
            return
        yield self._replaced(sender, outcome_widget(text))
