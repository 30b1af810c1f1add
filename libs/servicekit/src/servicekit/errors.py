"""RFC 9457 problem+json answers for every error, and the request body limits."""

import logging
from http import HTTPStatus
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
RETRY_AFTER_SECONDS = 2


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response; ``title`` defaults to the status phrase."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    # The offending input is left out: it can be megabytes long or hold a password.
    return [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type")}
        for error in exc.errors()
    ]


_OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    DBAPIError,
    PoolTimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
)


# PostgreSQL refusing a connection: too many clients already, or starting up / shutting down.
_REFUSED_CONNECTION_STATES = frozenset({"53300", "57P03"})


def _is_dependency_outage(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError):
        return (
            exc.connection_invalidated
            or getattr(exc.orig, "sqlstate", None) in _REFUSED_CONNECTION_STATES
            or "connect" in str(exc.orig).lower()
        )
    return isinstance(
        exc, PoolTimeoutError | RedisConnectionError | RedisTimeoutError | ConnectionError
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map HTTP errors, validation errors and unexpected exceptions to problem+json.

    Unexpected exceptions are logged with their traceback and answered 500 without details; a
    database or Redis outage, a database pool with no free connection in time, or PostgreSQL
    refusing a connection (too many clients) answers 503 with Retry-After so clients back off
    and retry.
    """

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers) if exc.headers else None
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem_response(exc.status_code, detail, headers=headers)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(422, "The request is not valid.", errors=_validation_errors(exc))

    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        if _is_dependency_outage(exc):
            logger.warning("dependency unavailable", extra={"error": repr(exc)})
            return problem_response(
                503,
                "A dependency is unavailable. Retry shortly.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        logger.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "An unexpected error occurred.")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    # A handler for Exception runs in Starlette's outermost middleware, which re-raises after
    # answering; the server then closes the connection, and a client reusing it from its pool
    # sees the server hang up without an answer. Outages are expected and frequent, so their
    # classes are handled inside, where the answer is the end of it.
    for outage in _OUTAGE_ERRORS:
        app.add_exception_handler(outage, unexpected_error)
    app.add_exception_handler(Exception, unexpected_error)


class BodyTooLargeError(StarletteHTTPException):
    """Raised from ``receive`` when a request body exceeds the configured limit.

    An HTTPException, so that frameworks reading the body pass it on as a 413 rather than
    turning it into a generic parsing error.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodyReadTimeoutError(StarletteHTTPException):
    """Raised from ``receive`` when a request body is not complete in time (408)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            f"The request body did not arrive within {seconds:g} seconds.",
            headers={"Connection": "close"},
        )


DEFAULT_BODY_READ_TIMEOUT_SECONDS = 30.0


class BodySizeLimitMiddleware:
    """Answer 413 problem+json for request bodies larger than ``max_bytes``, 408 for slow ones.

    Checks Content-Length up front and counts streamed (chunked) bodies as they arrive. The
    whole body must arrive within ``read_timeout_seconds`` of the request's start: uvicorn has
    no body timeout, and behind an ingress that streams request bodies a client sending a byte
    every few seconds would hold a connection and a task for as long as it likes.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        read_timeout_seconds: float = DEFAULT_BODY_READ_TIMEOUT_SECONDS,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout_seconds = read_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope["headers"]:
            if key == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                await self._reject(scope, receive, send)
                return
        received = 0
        started = False
        body_done = False
        deadline = anyio.current_time() + self.read_timeout_seconds

        async def limited_receive() -> Message:
            nonlocal received, body_done
            if body_done:
                # After the body, receive() waits for the disconnect (streamed responses).
                return await receive()
            with anyio.move_on_after(max(0.0, deadline - anyio.current_time())) as scope_:
                message = await receive()
            if scope_.cancelled_caught:
                raise BodyReadTimeoutError(self.read_timeout_seconds)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
                body_done = not message.get("more_body", False)
            else:
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._reject(scope, receive, send)
        except BodyReadTimeoutError as exc:
            if started:
                raise
            response = problem_response(408, str(exc.detail), headers={"Connection": "close"})
            await response(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(413, f"The request body is larger than {self.max_bytes} bytes.")
        await response(scope, receive, send)
