"""The ChatKit Store on PostgreSQL; every query is scoped to the user of the request context.

The store talks to PostgreSQL through a plain asyncpg pool: each store call is one or two
statements on autocommit (no BEGIN/COMMIT, no pre-ping, prepared statements reused), because a
chat turn makes a handful of these calls one after the other while the user waits. Rows keep
their JSON as text: items are validated straight from it, and the text keys the history cache.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal
from uuid import uuid4

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type information
from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from pydantic import TypeAdapter

from chat_gateway.request_context import RequestContext

_ITEM = TypeAdapter[ThreadItem](ThreadItem)
_ATTACHMENT = TypeAdapter[Attachment](Attachment)
MAX_PAGE = 100
# An escaped NUL in JSON text, not preceded by an escaped backslash (PostgreSQL refuses it).
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


async def _keep_connection(connection: Any) -> None:
    """Pool reset hook: the store leaves no session state behind, so nothing to reset."""


async def open_pool(database_url: str, *, max_size: int = 20) -> Any:
    """An asyncpg pool for the chat tables; connects lazily (PostgreSQL may still be down)."""
    dsn = re.sub(r"^postgres(ql)?(\+asyncpg)?://", "postgresql://", database_url)
    return await asyncpg.create_pool(
        dsn,
        min_size=0,
        max_size=max_size,
        reset=_keep_connection,
        timeout=5,
        command_timeout=30,
    )


def json_text(data: str) -> str:
    """JSON text safe for PostgreSQL: any NUL character becomes U+FFFD."""
    if "\\u0000" not in data:
        return data
    return _JSON_NUL.sub(lambda match: match.group(1) + "\\ufffd", data)


# Page queries by direction (fixed texts, so asyncpg reuses each prepared statement).
_THREADS: dict[str, str] = {
    "asc": "SELECT id, data FROM chat_threads WHERE user_id = $1 ORDER BY seq ASC LIMIT $2",
    "desc": "SELECT id, data FROM chat_threads WHERE user_id = $1 ORDER BY seq DESC LIMIT $2",
}
_THREADS_AFTER: dict[str, str] = {
    "asc": "SELECT id, data FROM chat_threads WHERE user_id = $1 AND seq > $2"
    " ORDER BY seq ASC LIMIT $3",
    "desc": "SELECT id, data FROM chat_threads WHERE user_id = $1 AND seq < $2"
    " ORDER BY seq DESC LIMIT $3",
}
_ITEMS: dict[str, str] = {
    "asc": "SELECT id, data FROM chat_items WHERE thread_id = $1 AND user_id = $2"
    " ORDER BY seq ASC LIMIT $3",
    "desc": "SELECT id, data FROM chat_items WHERE thread_id = $1 AND user_id = $2"
    " ORDER BY seq DESC LIMIT $3",
}
_ITEMS_AFTER: dict[str, str] = {
    "asc": "SELECT id, data FROM chat_items WHERE thread_id = $1 AND user_id = $2"
    " AND seq > $3 ORDER BY seq ASC LIMIT $4",
    "desc": "SELECT id, data FROM chat_items WHERE thread_id = $1 AND user_id = $2"
    " AND seq < $3 ORDER BY seq DESC LIMIT $4",
}


def _order(order: str) -> Literal["asc", "desc"]:
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

    def __init__(self, pool: Any) -> None:
        self._pool = pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Any]:
        """One pooled connection (autocommit)."""
        async with self._pool.acquire() as connection:
            yield connection

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        remembered = context.loaded_thread
        if remembered is not None and remembered.id == thread_id:
            # The request checked this thread a moment ago (before the SDK reads it again).
            context.loaded_thread = None
            return remembered
        async with self.connection() as connection:
            data = await connection.fetchval(
                "SELECT data FROM chat_threads WHERE id = $1 AND user_id = $2",
                thread_id,
                context.user_id,
            )
        if data is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate_json(data)

    async def check_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        """Load the user's thread and keep it for the next ``load_thread`` of this request."""
        thread = await self.load_thread(thread_id, context)
        context.loaded_thread = thread.model_copy(deep=True)
        return thread

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        context.loaded_thread = None
        data = json_text(
            ThreadMetadata.model_validate(thread, from_attributes=True).model_dump_json()
        )
        async with self.connection() as connection:
            saved = await connection.fetchval(
                "INSERT INTO chat_threads (id, user_id, title, data)"
                " VALUES ($1, $2, $3, $4::jsonb)"
                " ON CONFLICT (id) DO UPDATE"
                " SET title = excluded.title, data = excluded.data, updated_at = now()"
                " WHERE chat_threads.user_id = $2"
                " RETURNING id",
                thread.id,
                context.user_id,
                thread.title,
                data,
            )
        if saved is None:
            raise NotFoundError(f"Thread {thread.id} not found")

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        async with self.connection() as connection:
            if after is None:
                rows = await connection.fetch(_THREADS[direction], context.user_id, limit + 1)
            else:
                cursor = await connection.fetchval(
                    "SELECT seq FROM chat_threads WHERE id = $1 AND user_id = $2",
                    after,
                    context.user_id,
                )
                if cursor is None:
                    raise NotFoundError(f"Thread {after} not found")
                rows = await connection.fetch(
                    _THREADS_AFTER[direction],
                    context.user_id,
                    cursor,
                    limit + 1,
                )
        has_more = len(rows) > limit
        threads = [ThreadMetadata.model_validate_json(row["data"]) for row in rows[:limit]]
        return Page(data=threads, has_more=has_more, after=threads[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        context.loaded_thread = None
        async with self.connection() as connection:
            deleted = await connection.fetchval(
                "DELETE FROM chat_threads WHERE id = $1 AND user_id = $2 RETURNING id",
                thread_id,
                context.user_id,
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
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        async with self.connection() as connection:
            owned = await connection.fetchval(
                "SELECT 1 FROM chat_threads WHERE id = $1 AND user_id = $2",
                thread_id,
                context.user_id,
            )
            if owned is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            if after is None:
                rows = await connection.fetch(
                    _ITEMS[direction],
                    thread_id,
                    context.user_id,
                    limit + 1,
                )
            else:
                cursor = await connection.fetchval(
                    "SELECT seq FROM chat_items WHERE thread_id = $1 AND id = $2 AND user_id = $3",
                    thread_id,
                    after,
                    context.user_id,
                )
                if cursor is None:
                    raise NotFoundError(f"Item {after} not found")
                rows = await connection.fetch(
                    _ITEMS_AFTER[direction],
                    thread_id,
                    context.user_id,
                    cursor,
                    limit + 1,
                )
        has_more = len(rows) > limit
        items = [parse_item(row["data"]) for row in rows[:limit]]
        return Page(data=items, has_more=has_more, after=items[-1].id if has_more else None)

    async def recent_item_texts(
        self, thread_id: str, limit: int, context: RequestContext
    ) -> list[str]:
        """The JSON of the thread's newest ``limit`` items, newest first (one query).

        For a thread this request already loaded for the user; rows are still scoped by user.
        """
        async with self.connection() as connection:
            rows = await connection.fetch(
                "SELECT data FROM chat_items WHERE thread_id = $1 AND user_id = $2"
                " ORDER BY seq DESC LIMIT $3",
                thread_id,
                context.user_id,
                limit,
            )
        return [str(row["data"]) for row in rows]

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        data = json_text(item.model_dump_json())
        # One statement: the thread must be the user's (its row is touched), then the upsert.
        async with self.connection() as connection:
            saved = await connection.fetchval(
                "WITH owner AS ("
                " UPDATE chat_threads SET updated_at = now()"
                " WHERE id = $1 AND user_id = $3 RETURNING id)"
                " INSERT INTO chat_items (thread_id, id, user_id, type, data)"
                " SELECT owner.id, $2, $3, $4, $5::jsonb FROM owner"
                " ON CONFLICT (thread_id, id) DO UPDATE"
                " SET data = excluded.data, type = excluded.type"
                " WHERE chat_items.user_id = $3"
                " RETURNING chat_items.id",
                thread_id,
                item.id,
                context.user_id,
                item.type,
                data,
            )
        if saved is None:
            raise NotFoundError(f"Thread {thread_id} not found")

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        async with self.connection() as connection:
            data = await connection.fetchval(
                "SELECT data FROM chat_items WHERE thread_id = $1 AND id = $2 AND user_id = $3",
                thread_id,
                item_id,
                context.user_id,
            )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found")
        return parse_item(data)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        async with self.connection() as connection:
            await connection.execute(
                "DELETE FROM chat_items WHERE thread_id = $1 AND id = $2 AND user_id = $3",
                thread_id,
                item_id,
                context.user_id,
            )

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        data = json_text(attachment.model_dump_json())
        async with self.connection() as connection:
            saved = await connection.fetchval(
                "INSERT INTO chat_attachments (id, user_id, data) VALUES ($1, $2, $3::jsonb)"
                " ON CONFLICT (id) DO UPDATE SET data = excluded.data"
                " WHERE chat_attachments.user_id = $2 RETURNING id",
                attachment.id,
                context.user_id,
                data,
            )
        if saved is None:
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        async with self.connection() as connection:
            data = await connection.fetchval(
                "SELECT data FROM chat_attachments WHERE id = $1 AND user_id = $2",
                attachment_id,
                context.user_id,
            )
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_json(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        async with self.connection() as connection:
            await connection.execute(
                "DELETE FROM chat_attachments WHERE id = $1 AND user_id = $2",
                attachment_id,
                context.user_id,
            )

    async def save_feedback(
        self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext
    ) -> int:
        """Record feedback on the user's own items of the thread; returns how many were stored."""
        await self.load_thread(thread_id, context)
        if not item_ids:
            return 0
        async with self.connection() as connection:
            rows = await connection.fetch(
                "INSERT INTO chat_feedback (thread_id, item_id, user_id, kind)"
                " SELECT thread_id, id, user_id, $4 FROM chat_items"
                " WHERE thread_id = $1 AND user_id = $2 AND id = ANY($3::varchar[])"
                " ON CONFLICT (thread_id, item_id) DO UPDATE"
                " SET kind = excluded.kind, created_at = now()"
                " RETURNING item_id",
                thread_id,
                context.user_id,
                item_ids,
                kind,
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
