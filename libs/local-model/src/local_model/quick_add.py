"""The dashboard's quick-add box: one line becomes the fields of a new task.

Besides the chat's understanding of an add request ("pay rent friday", "... urgent"), the
box accepts shorthands: ``#tag`` for a tag (inside the sentence its word also stays in the
title) and ``!high`` / ``!!`` / ``!low`` for a priority.
Words that become no field stay in the title; what cannot be kept is said in ``notes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import find_dates, find_times
from .shorthands import BANG, HASHTAG, bang_priority
from .understanding import understand

TITLE_MAX = 200
TAGS_MAX = 10
TAG_MAX = 32

_NOTES = {
    "time": "The time of day was not kept: tasks have a due date only.",
    "recurrence": "Repeating is not supported: the task is set once.",
}


@dataclass(slots=True)
class QuickAdd:
    """The fields of the task a quick-add line describes (a TaskCreate body, plus notes)."""

    title: str
    due_date: date | None = None
    priority: str = "normal"
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    notes: list[str] = field(default_factory=list)


_FIELD_WORDS = re.compile(
    r"\b(?:urgent|urgently|important|critical|asap|high|low|medium|normal|priority|due|by|on"
    r"|at|for|before|until|with|note|description)\b"
)


def _only_fields(text: str, today: date) -> bool:
    """Whether `text` holds nothing but dates, times and priority words."""
    text = text.lower()
    spans = [(d.start, d.end) for d in find_dates(text, today)] + find_times(text)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return re.search(r"\w", _FIELD_WORDS.sub(" ", text)) is None


def _take_shorthands(text: str, today: date, result: QuickAdd) -> str:
    """Remove ``#tag`` and ``!priority`` tokens from `text`, recording them in `result`."""
    priority: str | None = None

    def bang(m: re.Match[str]) -> str:
        nonlocal priority
        value = bang_priority(m)
        if value is None:
            return m.group(0)
        priority = value
        return " "

    def hashtag(m: re.Match[str]) -> str:
        tag = m.group("tag").lower()
        if len(tag) > TAG_MAX:
            return m.group(0)
        if tag not in result.tags:
            result.tags.append(tag)
        # Inside the sentence the word is also part of what to do ("renew the #car insurance").
        leading = re.search(r"\w", HASHTAG.sub(" ", m.string[: m.start()])) is None
        following = HASHTAG.sub(" ", m.string[m.end() :])
        return " " if leading or _only_fields(following, today) else m.group("tag")

    text = BANG.sub(bang, text)
    text = HASHTAG.sub(hashtag, text)
    if priority is not None:
        result.priority = priority
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+(?=[,.;:?])", "", text)


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def _explained(words: list[str], today: date) -> bool:
    """Whether words the understanding left out of the title name a field (a date, a time,
    a priority) rather than being part of what to do."""
    if not words:
        return True
    part = " ".join(words)
    return bool(find_dates(part, today) or find_times(part) or _FIELD_WORDS.search(part))


def _is_plain_title(kept: str, rest: str, today: date) -> bool:
    """Whether the understood title is `rest` with only field words taken off its ends."""
    title, words = _words(kept), _words(rest)
    if not title:
        return False
    for start in range(len(words) - len(title) + 1):
        if words[start : start + len(title)] == title:
            before, after = words[:start], words[start + len(title) :]
            return _explained(before, today) and _explained(after, today)
    return False


def parse_quick_add(text: str, today: date) -> QuickAdd:
    """The new task a quick-add line describes; relative dates resolve against `today`.

    Raises ValueError when nothing is left for a title (the line is only shorthands).
    """
    result = QuickAdd(title="")
    rest = _take_shorthands(text.strip(), today, result)
    if not rest:
        raise ValueError("the text has no title, only tags or a priority")
    reading = understand([], "add " + rest, today)
    understood = (
        reading.intent == "add_task"
        and not reading.ask
        and reading.title is not None
        and _is_plain_title(reading.title, rest, today)
    )
    if understood and reading.title is not None:
        result.title = reading.title
        result.due_date = reading.due
        if reading.priority is not None and result.priority == "normal":
            result.priority = reading.priority
        for tag in reading.tags:
            if tag.lower() not in result.tags:
                result.tags.append(tag.lower())
        result.description = reading.description
        result.notes.extend(_NOTES[w] for w in reading.unkept if w in _NOTES)
    else:
        result.title = rest
    if len(result.tags) > TAGS_MAX:
        result.notes.append(f"Only the first {TAGS_MAX} tags were kept.")
        del result.tags[TAGS_MAX:]
    if len(result.title) > TITLE_MAX:
        result.description = rest if result.description is None else result.description
        result.title = result.title[:TITLE_MAX].rsplit(" ", 1)[0] or result.title[:TITLE_MAX]
        result.notes.append("The title was shortened; the full text is in the description.")
    return result
