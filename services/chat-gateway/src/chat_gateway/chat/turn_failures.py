"""What the user reads when a turn fails: a tool service out of reach, the model, or a bug."""

import logging
from dataclasses import dataclass
from typing import TypeVar

from chat_gateway.chat.model_failures import CHANGES_KEPT, model_failure
from chat_gateway.errors import TaskServiceUnavailableError

logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "I can't reach the {service} service right now, so I couldn't finish that. "
    "Please try again in a moment."
)
TASKS_UNAVAILABLE = UNAVAILABLE.format(service="task")
TASKS_CLIENT = "mcp-tasks"
TURN_FAILED = "Something went wrong while I was answering. Please try again."

_ErrorT = TypeVar("_ErrorT", bound=BaseException)


@dataclass(frozen=True, slots=True)
class FailedTurn:
    """How a failed turn ends: its metric label and the reply the user reads."""

    outcome: str
    text: str


def unavailable_text(error: TaskServiceUnavailableError) -> str:
    """What the user reads when a tool service cannot be reached: it names that service."""
    if error.service is None or error.service == TASKS_CLIENT:
        return TASKS_UNAVAILABLE
    return UNAVAILABLE.format(service=error.service)


def cause_of(exc: BaseException, kind: type[_ErrorT]) -> _ErrorT | None:
    """The first ``kind`` among ``exc``, its causes, contexts and grouped exceptions."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return current
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend((current.__cause__, current.__context__))
    return None


def failed_turn(exc: Exception, *, changed: bool) -> FailedTurn:
    """The reply to a turn that ``exc`` ended (logged here); ``changed``: the turn had already
    changed something, which the reply then says was kept."""
    failure = model_failure(exc)
    if (unreachable := cause_of(exc, TaskServiceUnavailableError)) is not None:
        logger.warning(
            "chat turn without a tool service",
            extra={"service": unreachable.service, "error": repr(exc)},
        )
        turn = FailedTurn("tasks_unavailable", unavailable_text(unreachable))
    elif failure is not None:
        logger.warning(
            "chat turn: the model failed",
            extra={"failure": failure.kind, "error": type(exc).__name__},
        )
        turn = FailedTurn(failure.kind, failure.text)
    else:
        logger.exception("chat turn failed")
        turn = FailedTurn("error", TURN_FAILED)
    if changed:
        return FailedTurn(turn.outcome, f"{turn.text} {CHANGES_KEPT}")
    return turn
