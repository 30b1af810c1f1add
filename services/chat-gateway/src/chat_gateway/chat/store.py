"""The ChatKit Store on PostgreSQL; every query is scoped to the user of the request context.

Statements are SQLAlchemy Core, built once from the tables in ``models`` and run one at a
time on autocommit connections of ``servicekit.database.Database`` (``Database.execute`` and
``Database.scalar``: no BEGIN/COMMIT round trips, no pre-ping), because a chat turn makes a
handful of these calls one after the other while the user waits. JSON is read and
written as text (``CAST(data AS TEXT)``, ``CAST(:json AS JSONB)``): items are validated straight
from it, and the text keys the history cache.
"""

import re
from typing import Any, Literal, cast
from uuid import uuid4

from chatkit.store import NotFoundError, Store, StoreItemType
from chatkit.types import Attachment, Page, ThreadItem, ThreadMetadata, UserMessageItem
from pydantic import TypeAdapter
from servicekit.database import Database
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    Text,
    Uuid,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from chat_gateway.chat.models import ChatAttachment, ChatFeedback, ChatItem, ChatThread
from chat_gateway.chat.request_context import RequestContext

_ITEM = TypeAdapter[ThreadItem](ThreadItem)
_ATTACHMENT = TypeAdapter[Attachment](Attachment)
MAX_PAGE = 100
# An escaped NUL in JSON text, not preceded by an escaped backslash (PostgreSQL refuses it).
_JSON_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def json_text(data: str) -> str:
    """JSON text safe for PostgreSQL: any NUL character becomes U+FFFD."""
    if "\\u0000" not in data:
        return data
    return _JSON_NUL.sub(lambda match: match.group(1) + "\\ufffd", data)


def json_param(name: str) -> ColumnElement[Any]:
    """A bound parameter carrying JSON text, stored as JSONB (no decode and re-encode)."""
    return sql_cast(bindparam(name, type_=Text), JSONB)


def as_text(column: ColumnElement[Any]) -> ColumnElement[str]:
    """A JSONB column read as its JSON text."""
    return sql_cast(column, Text)


def table(model: Any) -> Table:
    """The Core table of a mapped class."""
    return cast(Table, model.__table__)


_threads = table(ChatThread)
_items = table(ChatItem)
_attachments = table(ChatAttachment)
_feedback = table(ChatFeedback)

_USER: BindParameter[Any] = bindparam("user", type_=Uuid)
_THREAD: BindParameter[str] = bindparam("thread", type_=String)
_ITEM_ID: BindParameter[str] = bindparam("item", type_=String)
_LIMIT: BindParameter[int] = bindparam("limit", type_=Integer)
_CURSOR: BindParameter[int] = bindparam("cursor", type_=BigInteger)

_THREAD_DATA = select(as_text(_threads.c.data)).where(
    _threads.c.id == _THREAD, _threads.c.user_id == _USER
)
_THREAD_OWNED = select(_threads.c.id).where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
_THREAD_SEQ = select(_threads.c.seq).where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
_ITEM_DATA = select(as_text(_items.c.data)).where(
    _items.c.thread_id == _THREAD, _items.c.id == _ITEM_ID, _items.c.user_id == _USER
)
_ITEM_SEQ = select(_items.c.seq).where(
    _items.c.thread_id == _THREAD, _items.c.id == _ITEM_ID, _items.c.user_id == _USER
)


def _save_thread() -> Any:
    statement = pg_insert(_threads).values(
        id=_THREAD, user_id=_USER, title=bindparam("title", type_=Text), data=json_param("body")
    )
    return statement.on_conflict_do_update(
        index_elements=[_threads.c.id],
        set_={
            "title": statement.excluded.title,
            "data": statement.excluded.data,
            "updated_at": func.now(),
        },
        where=_threads.c.user_id == _USER,
    ).returning(_threads.c.id)


def _save_item() -> Any:
    # One statement: the thread must be the user's (its row is touched), then the upsert.
    owner = (
        update(_threads)
        .where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
        .values(updated_at=func.now())
        .returning(_threads.c.id)
        .cte("owner")
    )
    rows = select(owner.c.id, _ITEM_ID, _USER, bindparam("kind", type_=String), json_param("body"))
    statement = pg_insert(_items).from_select(["thread_id", "id", "user_id", "type", "data"], rows)
    return (
        statement.on_conflict_do_update(
            index_elements=[_items.c.thread_id, _items.c.id],
            set_={"data": statement.excluded.data, "type": statement.excluded.type},
            where=_items.c.user_id == _USER,
        )
        .returning(_items.c.id)
        .add_cte(owner)
    )


def _save_attachment() -> Any:
    statement = pg_insert(_attachments).values(id=_ITEM_ID, user_id=_USER, data=json_param("body"))
    return statement.on_conflict_do_update(
        index_elements=[_attachments.c.id],
        set_={"data": statement.excluded.data},
        where=_attachments.c.user_id == _USER,
    ).returning(_attachments.c.id)


def _save_feedback() -> Any:
    rows = select(
        _items.c.thread_id, _items.c.id, _items.c.user_id, bindparam("kind", type_=String)
    ).where(
        _items.c.thread_id == _THREAD,
        _items.c.user_id == _USER,
        _items.c.id == any_(bindparam("ids", type_=ARRAY(String))),
    )
    statement = pg_insert(_feedback).from_select(["thread_id", "item_id", "user_id", "kind"], rows)
    return statement.on_conflict_do_update(
        index_elements=[_feedback.c.thread_id, _feedback.c.item_id],
        set_={"kind": statement.excluded.kind, "created_at": func.now()},
    ).returning(_feedback.c.item_id)


_SAVE_THREAD = _save_thread()
_SAVE_ITEM = _save_item()
_SAVE_ATTACHMENT = _save_attachment()
_SAVE_FEEDBACK = _save_feedback()
_DELETE_THREAD = (
    delete(_threads)
    .where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
    .returning(_threads.c.id)
)
_DELETE_ITEM = delete(_items).where(
    _items.c.thread_id == _THREAD, _items.c.id == _ITEM_ID, _items.c.user_id == _USER
)
_ATTACHMENT_DATA = select(as_text(_attachments.c.data)).where(
    _attachments.c.id == _ITEM_ID, _attachments.c.user_id == _USER
)
_DELETE_ATTACHMENT = delete(_attachments).where(
    _attachments.c.id == _ITEM_ID, _attachments.c.user_id == _USER
)
_RECENT_ITEMS = (
    select(as_text(_items.c.data))
    .where(_items.c.thread_id == _THREAD, _items.c.user_id == _USER)
    .order_by(_items.c.seq.desc())
    .limit(_LIMIT)
)
_THREAD_WITH_RECENT_ITEMS = select(
    as_text(_threads.c.data),
    func.array(
        select(as_text(_items.c.data))
        .where(_items.c.thread_id == _threads.c.id, _items.c.user_id == _USER)
        .order_by(_items.c.seq.desc())
        .limit(_LIMIT)
        .scalar_subquery()
    ),
).where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)

Direction = Literal["asc", "desc"]


def _thread_page(direction: Direction, after: bool) -> Select[str, str]:
    statement = select(_threads.c.id, as_text(_threads.c.data)).where(_threads.c.user_id == _USER)
    if after:
        seq = _threads.c.seq
        statement = statement.where(seq > _CURSOR if direction == "asc" else seq < _CURSOR)
    order = _threads.c.seq.asc() if direction == "asc" else _threads.c.seq.desc()
    return statement.order_by(order).limit(_LIMIT)


def _item_page(direction: Direction, after: bool) -> Select[str, str]:
    statement = select(_items.c.id, as_text(_items.c.data)).where(
        _items.c.thread_id == _THREAD, _items.c.user_id == _USER
    )
    if after:
        seq = _items.c.seq
        statement = statement.where(seq > _CURSOR if direction == "asc" else seq < _CURSOR)
    order = _items.c.seq.asc() if direction == "asc" else _items.c.seq.desc()
    return statement.order_by(order).limit(_LIMIT)


# Page queries by direction and cursor, built once (SQLAlchemy and asyncpg reuse their
# compiled and prepared forms).
_THREAD_PAGES = {(d, a): _thread_page(d, a) for d in ("asc", "desc") for a in (False, True)}
_ITEM_PAGES = {(d, a): _item_page(d, a) for d in ("asc", "desc") for a in (False, True)}


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
            _THREAD_DATA, {"thread": thread_id, "user": context.user_id}
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
            _THREAD_WITH_RECENT_ITEMS,
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
            _SAVE_THREAD,
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
                _THREAD_PAGES[direction, False], {"user": context.user_id, "limit": limit + 1}
            )
        else:
            cursor = await self._database.scalar(
                _THREAD_SEQ, {"thread": after, "user": context.user_id}
            )
            if cursor is None:
                raise NotFoundError(f"Thread {after} not found")
            rows = await self._database.execute(
                _THREAD_PAGES[direction, True],
                {"user": context.user_id, "cursor": cursor, "limit": limit + 1},
            )
        has_more = len(rows) > limit
        threads = [ThreadMetadata.model_validate_json(row[1]) for row in rows[:limit]]
        return Page(data=threads, has_more=has_more, after=threads[-1].id if has_more else None)

    async def delete_thread(self, thread_id: str, context: RequestContext) -> None:
        context.loaded_thread = None
        deleted = await self._database.scalar(
            _DELETE_THREAD, {"thread": thread_id, "user": context.user_id}
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
        if await self._database.scalar(_THREAD_OWNED, scope) is None:
            raise NotFoundError(f"Thread {thread_id} not found")
        if after is None:
            rows = await self._database.execute(
                _ITEM_PAGES[direction, False], {**scope, "limit": limit + 1}
            )
        else:
            cursor = await self._database.scalar(_ITEM_SEQ, {**scope, "item": after})
            if cursor is None:
                raise NotFoundError(f"Item {after} not found")
            rows = await self._database.execute(
                _ITEM_PAGES[direction, True], {**scope, "cursor": cursor, "limit": limit + 1}
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
            _RECENT_ITEMS, {"thread": thread_id, "user": context.user_id, "limit": limit}
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
            _SAVE_ITEM,
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
            _ITEM_DATA, {"thread": thread_id, "item": item_id, "user": context.user_id}
        )
        if data is None:
            raise NotFoundError(f"Item {item_id} not found")
        return parse_item(data)

    async def delete_thread_item(
        self, thread_id: str, item_id: str, context: RequestContext
    ) -> None:
        await context.settle(items=True)
        await self._database.execute(
            _DELETE_ITEM, {"thread": thread_id, "item": item_id, "user": context.user_id}
        )

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        data = json_text(attachment.model_dump_json())
        saved = await self._database.scalar(
            _SAVE_ATTACHMENT, {"item": attachment.id, "user": context.user_id, "body": data}
        )
        if saved is None:
            raise NotFoundError(f"Attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        data = await self._database.scalar(
            _ATTACHMENT_DATA, {"item": attachment_id, "user": context.user_id}
        )
        if data is None:
            raise NotFoundError(f"Attachment {attachment_id} not found")
        return _ATTACHMENT.validate_json(data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        await self._database.execute(
            _DELETE_ATTACHMENT, {"item": attachment_id, "user": context.user_id}
        )

    async def save_feedback(
        self, thread_id: str, item_ids: list[str], kind: str, context: RequestContext
    ) -> int:
        """Record feedback on the user's own items of the thread; returns how many were stored."""
        await self.load_thread(thread_id, context)
        if not item_ids:
            return 0
        rows = await self._database.execute(
            _SAVE_FEEDBACK,
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
