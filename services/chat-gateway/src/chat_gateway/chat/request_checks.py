"""Checks of a ChatKit request before anything runs: its shape, its content, the rows it names
and the turn rate limit. A refusal is a ChatRequestError (answered as problem+json)."""

import asyncio
import json
from typing import Any

from chatkit.types import (
    AttachmentsCreateReq,
    AttachmentsDeleteReq,
    ChatKitReq,
    InputTranscribeReq,
    ItemsListReq,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsListReq,
    ThreadsRetryAfterItemReq,
    ThreadsSyncCustomActionReq,
    ThreadsUpdateReq,
    UserMessageInput,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
)
from pydantic import ValidationError
from redis.asyncio import Redis

from chat_gateway.chat.limits import check_request_limits, oversized_request
from chat_gateway.chat.message_keys import InvalidMessageKeyError, first_delivery, message_key
from chat_gateway.chat.metrics import RATE_LIMITED
from chat_gateway.chat.rate_limit import TurnRateLimiter
from chat_gateway.chat.request_context import RequestContext
from chat_gateway.chat.server import CHATKIT_REQUEST, ChatServer
from chat_gateway.chat.store import MAX_PAGE
from chat_gateway.config import Settings
from chat_gateway.errors import ChatRequestError

_UNSUPPORTED = (
    AttachmentsCreateReq,
    AttachmentsDeleteReq,
    InputTranscribeReq,
    ThreadsAddClientToolOutputReq,
    ThreadsAddStructuredInputReq,
    ThreadsSyncCustomActionReq,
)
_TURNS = (ThreadsCreateReq, ThreadsAddUserMessageReq, ThreadsRetryAfterItemReq)
MAX_TITLE_CHARS = 200
_TOO_MANY_TURNS = "Too many messages. Wait a moment before sending another."
_TOO_MANY_ACTIONS = "Too many requests. Wait a moment before trying again."
NUL_REFUSED = "The request contains a NUL character (U+0000)."


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def contains_nul(body: bytes) -> bool:
    """Whether a JSON body holds a NUL character in any string (PostgreSQL text cannot)."""
    # A NUL can only arrive escaped ("\u0000"): raw control characters are not valid JSON.
    return b"\\u0000" in body and _has_nul(json.loads(body))


def _check_input(message: UserMessageInput, settings: Settings) -> None:
    if message.attachments:
        raise ChatRequestError(400, "Attachments are not supported.")
    texts = [
        part.text
        for part in message.content
        if isinstance(part, UserMessageTextContent | UserMessageTagContent)
    ]
    length = sum(len(text) for text in texts)
    if not any(text.strip() for text in texts):
        raise ChatRequestError(400, "The message is empty.")
    if length > settings.max_message_chars:
        raise ChatRequestError(
            400, f"The message is longer than {settings.max_message_chars} characters."
        )


def _validate(request: ChatKitReq, settings: Settings) -> None:
    """Refuse malformed requests by their content alone."""
    if isinstance(request, _UNSUPPORTED):
        raise ChatRequestError(400, f"The request type {request.type} is not supported.")
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        _check_input(request.params.input, settings)
    if isinstance(request, ThreadsCustomActionReq) and request.params.item_id is None:
        raise ChatRequestError(400, "A widget action needs the item_id of its widget.")
    if isinstance(request, ThreadsListReq | ItemsListReq):
        limit = request.params.limit
        if limit is not None and not 1 <= limit <= MAX_PAGE:
            raise ChatRequestError(400, f"limit must be between 1 and {MAX_PAGE}.")
    if isinstance(request, ThreadsUpdateReq) and len(request.params.title) > MAX_TITLE_CHARS:
        raise ChatRequestError(400, f"The title is longer than {MAX_TITLE_CHARS} characters.")


async def _check_rows(server: ChatServer, request: ChatKitReq, context: RequestContext) -> None:
    """Refuse requests about threads and items the user does not have, or of the wrong kind."""
    params: Any = request.params
    thread_id = getattr(params, "thread_id", None)
    if isinstance(thread_id, str):
        await server.store.check_thread(thread_id, context)
    if isinstance(request, ThreadsRetryAfterItemReq):
        item = await server.store.load_item(
            request.params.thread_id, request.params.item_id, context
        )
        if not isinstance(item, UserMessageItem):
            raise ChatRequestError(400, "Only a user message can be retried.")
    if isinstance(request, ThreadsCustomActionReq) and request.params.item_id is not None:
        sender = await server.store.load_item(
            request.params.thread_id, request.params.item_id, context
        )
        if not isinstance(sender, WidgetItem):
            raise ChatRequestError(400, "Actions can only come from widgets.")


async def _check_first_delivery(
    request: ThreadsCreateReq | ThreadsAddUserMessageReq, context: RequestContext, redis: Redis
) -> None:
    try:
        key = message_key(request.metadata)
    except InvalidMessageKeyError as exc:
        raise ChatRequestError(400, str(exc)) from exc
    if key is not None and not await first_delivery(redis, context.user_id, key):
        raise ChatRequestError(409, "This message was already received.")


async def _preflight(
    server: ChatServer,
    request: ChatKitReq,
    context: RequestContext,
    settings: Settings,
    limiter: TurnRateLimiter,
    redis: Redis,
) -> None:
    """Refuse what the SDK would turn into a 500 or a half-open stream, before it runs."""
    _validate(request, settings)
    if isinstance(request, ThreadsCustomActionReq):
        await asyncio.gather(
            _count_request(limiter, context, _TOO_MANY_ACTIONS),
            _check_rows(server, request, context),
        )
        return
    if not isinstance(request, _TURNS):
        await _check_rows(server, request, context)
        return
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        await _check_first_delivery(request, context, redis)
    # A turn is counted in Redis while its thread (and history) is read from PostgreSQL.
    if isinstance(request, ThreadsRetryAfterItemReq):
        reads = _check_rows(server, request, context)
    else:
        thread_id = (
            request.params.thread_id if isinstance(request, ThreadsAddUserMessageReq) else None
        )
        reads = server.prefetch_history(thread_id, context)
    await asyncio.gather(_count_request(limiter, context, _TOO_MANY_TURNS), reads)


async def _count_request(limiter: TurnRateLimiter, context: RequestContext, detail: str) -> None:
    decision = await limiter.check(context.user_id)
    if not decision.allowed:
        RATE_LIMITED.inc()
        raise ChatRequestError(429, detail, headers={"Retry-After": str(decision.retry_after)})


async def check_request(
    body: bytes,
    context: RequestContext,
    server: ChatServer,
    settings: Settings,
    limiter: TurnRateLimiter,
    redis: Redis,
) -> ChatKitReq:
    """The request ``body`` holds, once nothing in it is refused."""
    if (too_large := oversized_request(body, settings)) is not None:
        raise ChatRequestError(413, too_large)
    try:
        request = CHATKIT_REQUEST.validate_json(body)
    except ValidationError as exc:
        errors = [
            {"loc": list(error.get("loc", ())), "msg": error.get("msg", "")}
            for error in exc.errors(include_url=False)[:20]
        ]
        raise ChatRequestError(
            400, "The body is not a valid ChatKit request.", extra={"errors": errors}
        ) from exc
    if contains_nul(body):
        raise ChatRequestError(400, NUL_REFUSED)
    check_request_limits(request, settings)
    await _preflight(server, request, context, settings, limiter, redis)
    return request
