"""The store's SQL: Core statements over the chat tables, built once at import.

Every statement is scoped to the ``user`` bound parameter. SQLAlchemy and asyncpg reuse their
compiled and prepared forms, so each is built here once rather than per call. JSON is read and
written as text (``CAST(data AS TEXT)``, ``CAST(:json AS JSONB)``).
"""

import re
from typing import Any, Literal, cast

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

THREAD_DATA = select(as_text(_threads.c.data)).where(
    _threads.c.id == _THREAD, _threads.c.user_id == _USER
)
THREAD_OWNED = select(_threads.c.id).where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
THREAD_SEQ = select(_threads.c.seq).where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
ITEM_DATA = select(as_text(_items.c.data)).where(
    _items.c.thread_id == _THREAD, _items.c.id == _ITEM_ID, _items.c.user_id == _USER
)
ITEM_SEQ = select(_items.c.seq).where(
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


SAVE_THREAD = _save_thread()
SAVE_ITEM = _save_item()
SAVE_ATTACHMENT = _save_attachment()
SAVE_FEEDBACK = _save_feedback()
DELETE_THREAD = (
    delete(_threads)
    .where(_threads.c.id == _THREAD, _threads.c.user_id == _USER)
    .returning(_threads.c.id)
)
DELETE_ITEM = delete(_items).where(
    _items.c.thread_id == _THREAD, _items.c.id == _ITEM_ID, _items.c.user_id == _USER
)
ATTACHMENT_DATA = select(as_text(_attachments.c.data)).where(
    _attachments.c.id == _ITEM_ID, _attachments.c.user_id == _USER
)
DELETE_ATTACHMENT = delete(_attachments).where(
    _attachments.c.id == _ITEM_ID, _attachments.c.user_id == _USER
)
RECENT_ITEMS = (
    select(as_text(_items.c.data))
    .where(_items.c.thread_id == _THREAD, _items.c.user_id == _USER)
    .order_by(_items.c.seq.desc())
    .limit(_LIMIT)
)
THREAD_WITH_RECENT_ITEMS = select(
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
THREAD_PAGES = {(d, a): _thread_page(d, a) for d in ("asc", "desc") for a in (False, True)}
ITEM_PAGES = {(d, a): _item_page(d, a) for d in ("asc", "desc") for a in (False, True)}
