"""POST /api/v1/chatkit: the ChatKit protocol, with requests checked before anything runs."""

import logging
from collections.abc import AsyncIterator

from chatkit.server import StreamingResult
from chatkit.store import NotFoundError
from chatkit.types import ErrorEvent
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from servicekit.errors import problem_response

from chat_gateway.chat.request_checks import check_request
from chat_gateway.chat.request_context import RequestContext, parse_timezone
from chat_gateway.deps import CurrentUser, ResourcesDep
from chat_gateway.errors import ChatRequestError

logger = logging.getLogger(__name__)
router = APIRouter(tags=["chat"])

_STREAM_FAILED = (
    b"data: "
    + ErrorEvent(
        code="custom", message="The response was interrupted. Please try again.", allow_retry=True
    )
    .model_dump_json(exclude_none=True)
    .encode()
    + b"\n\n"
)


async def _guarded(result: StreamingResult) -> AsyncIterator[bytes]:
    """The SSE stream; an error inside it ends the stream with a ChatKit error event."""
    try:
        async for chunk in result:
            yield chunk
    except Exception:
        logger.exception("chat stream failed")
        yield _STREAM_FAILED


@router.post("/chatkit")
async def chatkit(request: Request, user_id: CurrentUser, resources: ResourcesDep) -> Response:
    """The ChatKit endpoint: JSON for reads and updates, Server-Sent Events for turns."""
    server = resources.chat_server
    context = RequestContext(
        user_id=user_id, timezone=parse_timezone(request.headers.get("x-user-timezone"))
    )
    try:
        parsed = await check_request(
            await request.body(),
            context,
            server,
            resources.settings,
            resources.turn_limiter,
            resources.redis,
        )
        result = await server.process_request(parsed, context)
    except ChatRequestError as exc:
        return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)
    except NotFoundError:
        return problem_response(404, "The thread or item does not exist.")
    if isinstance(result, StreamingResult):
        return StreamingResponse(
            _guarded(result),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    return Response(content=result.json, media_type="application/json")
