"""Conversation titles that say what the conversation did ("Dentist and dry cleaning").

A new thread is titled from its first message at once; when that first turn changed tasks,
the title becomes the task it changed, or the tasks, each shortened to what it is about.
"""

import re
from typing import Any

from chatkit.types import UserMessageItem, UserMessageTextContent

from chat_gateway.chat.widgets import CONFIRMATION, TASK_CARD, shown_task, shows_change, widget_kind

TITLE_CHARS = 60
# Thread metadata: the title taken from the first message, while it is still the title.
AUTO_TITLE = "title_from_message"
_LEADING = re.compile(
    r"^(?:(?:remember|don'?t forget) to\s+)?"
    r"(?:add|book|buy|call|email|get|go to|make|pay|pick up|drop off|renew|schedule|"
    r"phone|text|visit|order|send|fix|clean|finish|do|prepare|check)\s+"
    r"(?:(?:the|a|an|my|our|some)\s+)?",
    re.IGNORECASE,
)


def subject(title: str) -> str:
    """What a task is about: its title without a leading verb ("book the dentist" → "dentist")."""
    text = re.sub(r"\s+", " ", title).strip()
    short = _LEADING.sub("", text, count=1).strip(" ,.;:")
    return short or text


def changed_titles(widgets: list[dict[str, Any]]) -> list[str]:
    """The titles of the tasks that ``widgets`` (a turn's widgets) show a change to, in order."""
    titles: list[str] = []
    for widget in widgets:
        changed = shows_change(widget) and widget_kind(widget) in (TASK_CARD, CONFIRMATION)
        task = shown_task(widget) if changed else None
        if task is not None and task.title and task.title not in titles:
            titles.append(task.title)
    return titles


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def title_for_changes(widgets: list[dict[str, Any]]) -> str | None:
    """A title naming what the turn changed, or None when it changed no task."""
    titles = changed_titles(widgets)
    if not titles:
        return None
    if len(titles) == 1:
        one = re.sub(r"\s+", " ", titles[0]).strip()
        return one if len(one) <= TITLE_CHARS else one[: TITLE_CHARS - 1].rstrip() + "…"
    subjects = [subject(title) for title in titles]
    first, rest = subjects[0][:1].upper() + subjects[0][1:], [_lower_first(s) for s in subjects[1:]]
    for shown in range(len(rest), -1, -1):
        named = [first, *rest[:shown]]
        more = len(rest) - shown
        tail = f"{more} more" if more else None
        parts = [*named, tail] if tail else named
        title = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        if len(title) <= TITLE_CHARS:
            return title
    return first[: TITLE_CHARS - 1].rstrip() + "…"


def title_from(message: UserMessageItem) -> str:
    """A thread title from the first message: its first words, at most 60 characters."""
    text = " ".join(
        part.text for part in message.content if isinstance(part, UserMessageTextContent)
    )
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= TITLE_CHARS:
        return text or "New chat"
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0] or text[:TITLE_CHARS]
    return cut.rstrip(" ,.;:") + "…"
