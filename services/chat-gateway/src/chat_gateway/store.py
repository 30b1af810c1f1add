"""The ChatKit Store on PostgreSQL; every query is scoped to the user of the request context."""

from typing import Any, Literal

from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata
from pydantic import TypeAdapter
from servicekit.database import Database
from sqlalchemy import and_, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert

from chat_gateway.models import ChatAttachment, ChatFeedback, ChatItem, ChatThread
from chat_gateway.request_context import RequestContext

_ITEM = TypeAdapter[ThreadItem](ThreadItem)
_ATTACHMENT = TypeAdapter[Attachment](Attachment)
MAX_PAGE = 100


def _order(order: str) -> Literal["asc", "desc"]:
    return "asc" if order == "asc" else "desc"


def _thread_json(thread: ThreadMetadata) -> dict[str, Any]:
    data = ThreadMetadata.model_validate(thread, from_attributes=True).model_dump(mode="json")
    return data


class PostgresStore(Store[RequestContext]):
    """Threads, items and attachments in PostgreSQL.

    Another user's thread behaves exactly like a missing one (``NotFoundError``). Items are
    ordered by an insertion sequence, so items created in the same instant keep their order;
    pages are cut with an exclusive ``after`` cursor (the id of the previous page's last row).
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def load_thread(self, thread_id: str, context: RequestContext) -> ThreadMetadata:
        async with self._db.session() as session:
            data = await session.scalar(
                select(ChatThread.data).where(
                    ChatThread.id == thread_id, ChatThread.user_id == context.user_id
                )
            )
        if data is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        return ThreadMetadata.model_validate(data)

    async def save_thread(self, thread: ThreadMetadata, context: RequestContext) -> None:
        data = _thread_json(thread)
        statement = insert(ChatThread).values(
            id=thread.id, user_id=context.user_id, title=thread.title, data=data
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ChatThread.id],
            set_={"title": thread.title, "data": data, "updated_at": func.now()},
            where=ChatThread.user_id == context.user_id,
        )
        async with self._db.session() as session:
            result = await session.execute(statement.returning(ChatThread.id))
            if result.first() is None:
                raise NotFoundError(f"Thread {thread.id} not found")

    async def load_threads(
        self, limit: int, after: str | None, order: str, context: RequestContext
    ) -> Page[ThreadMetadata]:
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        query = select(ChatThread.id, ChatThread.seq, ChatThread.data).where(
            ChatThread.user_id == context.user_id
        )
        async with self._db.session() as session:
            if after is not None:
                cursor = await session.scalar(
                    select(ChatThread.seq).where(
                        ChatThread.id == after, ChatThread.user_id == context.user_id
                    )
                )
                if cursor is None:
                    raise NotFoundError(f"Thread {after} not found")
                query = query.where(
                    ChatThread.seq > cursor if direction == "asc" else ChatThread.seq < cursor
                )
            query = query.order_by(
                ChatThread.seq.asc() if direction == "asc" else ChatThread.seq.desc()
            ).limit(limit + 1)
            rows = (await session.execute(query)).all()
        has_more = len(rows) > limit
        threads = [ThreadMetadata.model_validate(row.data) for row in rows[:limit]]
        return Page(data=threads, has_more=has_more, after=threads[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        async with self._db.session() as session:
            result = await session.execute(
                delete(ChatThread)
                .where(ChatThread.id == thread_id, ChatThread.user_id == context.user_id)
                .returning(ChatThread.id)
            )
            if result.first() is None:
                raise NotFoundError(f"Thread {thread_id} not found")

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        limit = max(1, min(limit, MAX_PAGE))
        direction = _order(order)
        query = select(ChatItem.id, ChatItem.data).where(
            ChatItem.thread_id == thread_id, ChatItem.user_id == context.user_id
        )
        async with self._db.session() as session:
            owned = await session.scalar(
                select(literal(1)).where(
                    ChatThread.id == thread_id, ChatThread.user_id == context.user_id
                )
            )
            if owned is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            if after is not None:
                cursor = await session.scalar(
                    select(ChatItem.seq).where(
                        ChatItem.thread_id == thread_id,
                        ChatItem.id == after,
                        ChatItem.user_id == context.user_id,
                    )
                )
                if cursor is None:
                    raise NotFoundError(f"Item {after} not found")
                query = query.where(
                    ChatItem.seq > cursor if direction == "asc" else ChatItem.seq < cursor
                )
            query = query.order_by(
                ChatItem.seq.asc() if direction == "asc" else ChatItem.seq.desc()
            ).limit(limit + 1)
            rows = (await session.execute(query)).all()
        has_more = len(rows) > limit
        items = [_ITEM.validate_python(row.data) for row in rows[:limit]]
        return Page(data=items, has_more=has_more, after=items[-1].id if has_more else None)

    async def add_thread_item(
        self, thread_id: str, item: ThreadItem, context: RequestContext
    ) -> None:
        await self.save_item(thread_id, item, context)

    async def save_item(self, thread_id: str, item: ThreadItem, context: RequestContext) -> None:
        data = item.model_dump(mode="json")
        source = select(
            literal(thread_id),
            literal(item.id),
            literal(context.user_id),
            literal(item.type),
            literal(data, ChatItem.data.type),
        ).where(ChatThread.id == thread_id, ChatThread.user_id == context.user_id)
        statement = insert(ChatItem).from_select(
            [ChatItem.thread_id, ChatItem.id, ChatItem.user_id, ChatItem.type, ChatItem.data],
            source,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ChatItem.thread_id, ChatItem.id],
            set_={"data": statement.excluded.data, "type": statement.excluded.type},
            where=ChatItem.user_id == context.user_id,
        )
        async with self._db.session() as session:
            result = await session.execute(statement.returning(ChatItem.id))
            if result.first() is None:
                raise NotFoundError(f"Thread {thread_id} not found")
            await session.execute(
                update(ChatThread)
                .where(ChatThread.id == thread_id, ChatThread.user_id == context.user_id)
                .values(updated_at=func.now())
            )

    async def load_item(self, thread_id: str, item_id: str, context: RequestContext) -> ThreadItem:
        async with self._db.session() as session:
            data = await session.scalar(
                select(ChatItem.data).where(
                    ChatItem.thread_id == thread_id,
                    ChatItem.id == item_id,
                    ChatItem.user_id == context.user_id,
                )
            )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found")
        return _ITEM.validate_python(data)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        async with self._db.session() as session:
            await session.execute(
                delete(ChatItem).where(
                    ChatItem.thread_id == thread_id,
                    ChatItem.id == item_id,
                    ChatItem.user_id == context.user_id,
                )
            )

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        data = attachment.model_dump(mode="json")
        statement = insert(ChatAttachment).values(
            id=attachment.id, user_id=context.user_id, data=data
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ChatAttachment.id],
            set_={"data": data},
            where=ChatAttachment.user_id == context.user_id,
        )
        async with self._db.session() as session:
            result = await session.execute(statement.returning(ChatAttachment.id))
            if result.first() is None:
                raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        async with self._db.session() as session:
            data = await session.scalar(
                select(ChatAttachment.data).where(
                    ChatAttachment.id == attachment_id, ChatAttachment.user_id == context.user_id
                )
            )
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_python(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        async with self._db.session() as session:
            await session.execute(
                delete(ChatAttachment).where(
                    ChatAttachment.id == attachment_id, ChatAttachment.user_id == context.user_id
                )
            )

    async def save_feedback(
        self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext
    ) -> int:
        """Record feedback on the user's own items of the thread; returns how many were stored."""
        await self.load_thread(thread_id, context)
        if not item_ids:
            return 0
        source = select(ChatItem.thread_id, ChatItem.id, ChatItem.user_id, literal(kind)).where(
            and_(
                ChatItem.thread_id == thread_id,
                ChatItem.user_id == context.user_id,
                ChatItem.id.in_(item_ids),
            )
        )
        statement = insert(ChatFeedback).from_select(
            [ChatFeedback.thread_id, ChatFeedback.item_id, ChatFeedback.user_id, ChatFeedback.kind],
            source,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[ChatFeedback.thread_id, ChatFeedback.item_id],
            set_={"kind": statement.excluded.kind, "created_at": func.now()},
        )
        async with self._db.session() as session:
            result = await session.execute(statement.returning(ChatFeedback.item_id))
            return len(result.all())

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
    from uuid import uuid4

    return f"{_PREFIXES.get(item_type, 'itm')}_{uuid4().hex[:24]}"
