"""The ChatKit server: chat turns through the agent, widget actions, feedback."""

import time
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import anyio
from agents import ModelProvider, ModelSettings, RunConfig, Runner
from chatkit.actions import Action
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
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
    ThreadMetadata,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    UserMessageItem,
    WidgetItem,
    is_streaming_req,
)
from pydantic import TypeAdapter

from chat_gateway.chat.assistant import Assistants
from chat_gateway.chat.history import HistoryCache, TaskHistoryConverter
from chat_gateway.chat.item_ids import remap_fake_ids
from chat_gateway.chat.metrics import CHAT_TURNS, TURN_SECONDS, WIDGET_ACTIONS, action_label
from chat_gateway.chat.regenerate import kept_reply, records_change
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.store import PostgresStore, parse_item
from chat_gateway.chat.task_tools import TaskOperations
from chat_gateway.chat.titles import AUTO_TITLE, title_for_changes, title_from
from chat_gateway.chat.turn_failures import failed_turn, unavailable_text
from chat_gateway.chat.widget_actions import InvalidActionError, WidgetActions, widget_events
from chat_gateway.chat.widgets import CONFIRMATION, shows_change, widget_kind
from chat_gateway.errors import TaskServiceUnavailableError

CHATKIT_REQUEST = TypeAdapter[ChatKitReq](ChatKitReq)


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
        self.assistants = Assistants(model_name, model_settings)
        self.run_config = RunConfig(
            model_provider=model_provider,
            tracing_disabled=True,
            # A made-up tool name is the model's mistake to correct, not a failed turn.
            tool_not_found_behavior="return_error_to_model",
        )
        self.actions = WidgetActions(store, operations)
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
            app = self.operations.client.apps.of(context.user_id)
            agent = self.assistants.agent(app.id, tools)
            texts = await self._history_texts(thread, input_user_message, context)
            history = await self.history.to_agent_input(texts)
            # stream_agent_response reads the newest two items next: hand them over, as new
            # objects (validating the JSON again costs a fifth of a deep copy of the cached ones).
            newest = [parse_item(text) for text in texts[:-3:-1]]
            everything = len(texts) < self.history_items and len(texts) == len(newest)
            context.recent_items = (thread.id, newest, everything)
            agent_context = AgentContext[RequestContext](
                thread=thread, store=self.store, request_context=context
            )
            result = Runner.run_streamed(
                agent,
                history,
                context=agent_context,
                max_turns=self.max_turns,
                run_config=self.run_config,
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
                            shows_change(widget) and widget_kind(widget) != CONFIRMATION
                        )
                yield event
            await context.settle()
            if auto_title and (named := title_for_changes(shown)):
                thread.title = named
                thread.metadata.pop(AUTO_TITLE, None)
        except Exception as exc:  # noqa: BLE001  # failed_turn logs it
            # What the failure cut short (a reply half streamed) leaves the thread.
            for item_id in unfinished:
                yield ThreadItemRemovedEvent(item_id=item_id)
            failed = failed_turn(exc, changed=changed)
            outcome = failed.outcome
            yield self._assistant_message(thread, context, failed.text)
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
                widget, text = pending
                async for shown in widget_events(self.store, thread, context, widget, text):
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
            events = self.actions.run(thread, action, sender, context)
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
