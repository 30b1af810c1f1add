"""The ChatKit Store on PostgreSQL; every query is scoped to the user of the request context.

Statements are SQLAlchemy Core, built once in ``store_statements`` and run one at a
time on autocommit connections of ``servicekit.database.Database`` (``Database.execute`` and
``Database.scalar``: no BEGIN/COMMIT round trips, no pre-ping), because a chat turn makes a
handful of these calls one after the other while the user waits. JSON is read and
written as text (``CAST(data AS TEXT)``, ``CAST(:json AS JSONB)``): items are validated straight
from it, and the text keys the history cache.
"""

from uuid import uuid4

from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, UserMessageItem
from pydantic import TypeAdapter
from servicekit.database import Database

from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.store_statements import (
    ATTACHMENT_DATA,
    DELETE_ATTACHMENT,
    DELETE_ITEM,
    DELETE_THREAD,
    ITEM_DATA,
    ITEM_PAGES,
    ITEM_SEQ,
    RECENT_ITEMS,
    SAVE_ATTACHMENT,
    SAVE_FEEDBACK,
    SAVE_ITEM,
    SAVE_THREAD,
    THREAD_DATA,
    THREAD_OWNED,
    THREAD_PAGES,
    THREAD_SEQ,
    THREAD_WITH_RECENT_ITEMS,
    Direction,
    json_text,
)

_ITEM = TypeAdapter[ThreadItem](ThreadItem)
_ATTACHMENT = TypeAdapter[Attachment](Attachment)
MAX_PAGE = 100


def _order(order: str) -> Direction:
    return "asc" if order == "asc" else "desc"


def parse_item(data: str) -> ThreadItem:
    """A stored item from its JSON text."""
    return _ITEM.validate_json(data)


class PostgresStore(Store[RequestContext]):
    """Threads, items and attachments in PostgreSQL.

    Another user's thread behaves exactly like a missing one (``NotFoundError``). Items are
    ordered by an insertion sequence, so items created in the same instant keep their order;
    pages are cut with an exclusive ``after`` cursor (the id of the previous page's last row).
    """

    def __init__(self, database: Database) -> None:
        self._database = database

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        remembered = context.loaded_thread
        if remembered is not None and remembered.id == thread_id:
            # The request checked this thread a moment ago (before the SDK reads it again).
            context.loaded_thread = None
            return remembered
        data = await self._database.scalar(
            THREAD_DATA, {"thread": thread_id, "user": context.user_id}
        )
        if data is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate_json(data)

    async def check_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load the user's thread and keep it for the next ``load_thread`` of this request."""
        thread = await self.load_thread(thread_id, context)
        context.loaded_thread = thread.model_copy(deep=True)
        return thread

    async def check_thread_with_items(
        self, thread_id: str, limit: int, context: RequestContext
    ) -> list[str]:
        """``check_thread``, and the JSON of the thread's newest ``limit`` items, newest first
        (one query)."""
        rows = await self._database.execute(
            THREAD_WITH_RECENT_ITEMS,
            {"thread": thread_id, "user": context.user_id, "limit": limit},
        )
        if not rows:
            raise NotFoundError(f"Thread {thread_id} not found")
        data, texts = rows[0]
        context.loaded_thread = ThreadMetadata.model_validate_json(data)
        return list(texts)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        context.loaded_thread = None
        data = json_text(
            ThreadMetadata.model_validate(thread, from_attributes=True).model_dump_json()
        )
        saved = await self._database.scalar(
            SAVE_THREAD,
            {"thread": thread.id, "user": context.user_id, "title": thread.title, "body": data},
        )
        if saved is None:
            raise NotFoundError(f"Thread {thread.id} not found")

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        if after is None:
            rows = await self._database.execute(
                THREAD_PAGES[direction, False], {"user": context.user_id, "limit": limit + 1}
            )
        else:
            cursor = await self._database.scalar(
                THREAD_SEQ, {"thread": after, "user": context.user_id}
            )
            if cursor is None:
                raise NotFoundError(f"Thread {after} not found")
            rows = await self._database.execute(
                THREAD_PAGES[direction, True],
                {"user": context.user_id, "cursor": cursor, "limit": limit + 1},
            )
        has_more = len(rows) > limit
        threads = [ThreadMetadata.model_validate_json(row[1]) for row in rows[:limit]]
        return Page(data=threads, has_more=has_more, after=threads[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        context.loaded_thread = None
        deleted = await self._database.scalar(
            DELETE_THREAD, {"thread": thread_id, "user": context.user_id}
        )
        if deleted is None:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        recent = context.recent_items
        if recent is not None and after is None and _order(order) == "desc":
            context.recent_items = None
            known_thread, items, complete = recent
            if known_thread == thread_id and (limit <= len(items) or complete):
                has_more = len(items) > limit or not complete
                page = items[:limit]
                return Page(data=page, has_more=has_more, after=page[-1].id if has_more else None)
        await context.settle(items=True)
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        scope = {"thread": thread_id, "user": context.user_id}
        if await self._database.scalar(THREAD_OWNED, scope) is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        if after is None:
            rows = await self._database.execute(
                ITEM_PAGES[direction, False], {**scope, "limit": limit + 1}
            )
        else:
            cursor = await self._database.scalar(ITEM_SEQ, {**scope, "item": after})
            if cursor is None:
                raise NotFoundError(f"Item {after} not found")
            rows = await self._database.execute(
                ITEM_PAGES[direction, True], {**scope, "cursor": cursor, "limit": limit + 1}
            )
        has_more = len(rows) > limit
        items = [parse_item(row[1]) for row in rows[:limit]]
        return Page(data=items, has_more=has_more, after=items[-1].id if has_more else None)

    async def recent_item_texts(
        self, thread_id: str, limit: int, context: RequestContext
    ) -> list[str]:
        """The JSON of the thread's newest ``limit`` items, newest first (one query).

        For a thread this request already loaded for the user; rows are still scoped by user.
        """
        rows = await self._database.execute(
            RECENT_ITEMS, {"thread": thread_id, "user": context.user_id, "limit": limit}
        )
        return [row[0] for row in rows]

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        if isinstance(item, UserMessageItem):
            # The turn goes on while its message is stored; the request's later reads and
            # writes of items wait for it, so the thread keeps its order.
            context.defer(self._insert_item(thread_id, item, context), item=True)
            return
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        await context.settle(items=True)
        await self._insert_item(thread_id, item, context)

    async def _insert_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        data = json_text(item.model_dump_json())
        saved = await self._database.scalar(
            SAVE_ITEM,
            {
                "thread": thread_id,
                "item": item.id,
                "user": context.user_id,
                "kind": item.type,
                "body": data,
            },
        )
        if saved is None:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        await context.settle(items=True)
        data = await self._database.scalar(
            ITEM_DATA, {"thread": thread_id, "item": item_id, "user": context.user_id}
        )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found")
        return parse_item(data)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        await context.settle(items=True)
        await self._database.execute(
            DELETE_ITEM, {"thread": thread_id, "item": item_id, "user": context.user_id}
        )

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        data = json_text(attachment.model_dump_json())
        saved = await self._database.scalar(
            SAVE_ATTACHMENT, {"item": attachment.id, "user": context.user_id, "body": data}
        )
        if saved is None:
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        data = await self._database.scalar(
            ATTACHMENT_DATA, {"item": attachment_id, "user": context.user_id}
        )
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_json(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        await self._database.execute(
            DELETE_ATTACHMENT, {"item": attachment_id, "user": context.user_id}
        )

    async def save_feedback(
        self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext
    ) -> int:
        """Record feedback on the user's own items of the thread; returns how many were stored."""
        await self.load_thread(thread_id, context)
        if not item_ids:
            return 0
        rows = await self._database.execute(
            SAVE_FEEDBACK,
            {"thread": thread_id, "user": context.user_id, "ids": item_ids, "kind": kind},
        )
        return len(rows)

    def generate_item_id(
        self, item_type: StoreItemType, thread: ThreadMetadata, context: RequestContext
    ) -> str:
        """Longer random ids than the SDK default (8 hex digits collide too soon)."""
        return _new_id(item_type)

    def generate_thread_id(self, context: RequestContext) -> str:
        """A thread id with 96 random bits."""
        return _new_id("thread")


_PREFIXES: dict[str, str] = {
    "thread": "thr",
    "message": "msg",
    "tool_call": "tc",
    "task": "tsk",
    "workflow": "wf",
    "attachment": "atc",
    "sdk_hidden_context": "shcx",
}


def _new_id(item_type: str) -> str:
    return f"{_PREFIXES.get(item_type, 'itm')}_{uuid4().hex[:24]}"
