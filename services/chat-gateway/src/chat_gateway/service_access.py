"""What an app may do through the dashboard's REST calls, and how a call's failure is answered.

A dashboard call reaches the same data as an assistant's tool, so it is refused unless the
app is granted the tool it stands for: 404 for a tool service the app is not granted (as if
it were not configured), 403 for a tool of a granted service that the app is not granted.
"""

from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from fastapi.responses import Response
from servicekit.errors import problem_response

from chat_gateway.apps import AppCaller
from chat_gateway.errors import TaskServiceUnavailableError


def refusal(caller: AppCaller, service: str, tools: Iterable[str]) -> Response | None:
    """The problem answer when ``caller``'s app may not use every one of ``tools`` of
    ``service``; None when it may."""
    app = caller.app
    if not app.grants_service(service):
        return problem_response(404, f"No tool service named {service!r} is configured.")
    for tool in tools:
        if not app.grants_tool(service, tool):
            return problem_response(
                403, f"The {app.name} app is not granted the {service} tool {tool!r}."
            )
    return None


def unavailable_response(exc: TaskServiceUnavailableError) -> Response:
    """The problem answer of a tool service that could not be reached (503, with Retry-After)
    or gave no usable answer (502)."""
    headers = {"Retry-After": "2"} if exc.status == 503 else None
    return problem_response(exc.status, exc.detail, headers=headers)


Answer = TypeVar("Answer")


async def granted_call(
    caller: AppCaller,
    service: str,
    tools: Iterable[str],
    call: Callable[[], Awaitable[Answer]],
) -> Answer | Response:
    """``call``'s answer when the caller's app is granted ``tools`` of ``service`` (nothing is
    sent otherwise), with an unreachable service answered as a problem."""
    refused = refusal(caller, service, tools)
    if refused is not None:
        return refused
    try:
        return await call()
    except TaskServiceUnavailableError as exc:
        return unavailable_response(exc)
