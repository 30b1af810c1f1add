"""The short questions the assistant asks instead of acting on an unsure reading, and how a
reply to one ("yes", "no") continues: a yes carries out the request the question was about."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .intents import Intent, Understanding
from .references import TITLE_QUESTION, HistoryMessage

__all__ = ["ASK_PREFIX", "asked_intent", "is_no", "is_yes", "question"]

ASK_PREFIX = "Do you want me to"
_ASKS: tuple[tuple[Intent, str], ...] = (
    ("add_task", "add '{x}' as a task, or were you asking something?"),
    ("complete_task", "mark '{x}' as done?"),
    ("reopen_task", "reopen '{x}'?"),
    ("update_task", "change '{x}'?"),
    ("delete_task", "delete '{x}'?"),
    ("clear_completed", "clear your completed tasks?"),
    ("undo", "undo my last change?"),
)
_YES = re.compile(
    r"(?:y|ya|yes|yeah|yep|yup|sure|ok|okay|please|please\s+do|do\s+it|go\s+ahead|correct"
    r"|that's\s+right|right|yes\s+please|absolutely|of\s+course)\b[\s!.,]*(?:please|thanks)?[\s!.]*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"(?:n|no|nope|nah|no\s+thanks|don't|do\s+not|never\s*mind|cancel|stop|leave\s+it)\b[\s!.,]*$",
    re.IGNORECASE,
)


def question(request: Understanding) -> str:
    """The question to ask about `request` instead of carrying it out."""
    if request.intent == "add_task" and not request.title:
        return TITLE_QUESTION
    subject = request.title or (request.target.text if request.target else "") or "that"
    if request.intent == "update_task" and request.target is None:
        subject = "that task"
    template = dict(_ASKS).get(request.intent, "do that?")
    return f"{ASK_PREFIX} {template.format(x=subject)}"


def asked_intent(history: Sequence[HistoryMessage]) -> tuple[Intent, int] | None:
    """The intent the latest assistant message asked about, and the index of the user
    message it asked about; None when the latest reply was no such question."""
    for index in range(len(history) - 1, -1, -1):
        message = history[index]
        if message.role == "user":
            return None
        if message.role != "assistant":
            continue
        if not message.text.startswith(ASK_PREFIX):
            return None
        rest = message.text[len(ASK_PREFIX) :].strip()
        for intent, template in _ASKS:
            head = template.split("{x}")[0]
            if rest.startswith(head):
                request = next(
                    (i for i in range(index - 1, -1, -1) if history[i].role == "user"), None
                )
                return (intent, request) if request is not None else None
        return None
    return None


def is_yes(message: str) -> bool:
    """Whether `message` accepts the question asked."""
    return bool(_YES.match(message.strip()))


def is_no(message: str) -> bool:
    """Whether `message` declines the question asked."""
    return bool(_NO.match(message.strip()))
