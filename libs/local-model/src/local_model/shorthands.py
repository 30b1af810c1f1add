"""The quick-add shorthands, ``#tag`` and ``!priority``, read by the dashboard's box and the chat.

A chat message may end with them as the quick-add box has them ("add buy stamps #errands
!high"); "#3" stays a task number, as a tag starts with a letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .intents import Understanding

HASHTAG = re.compile(r"(?<!\S)#(?P<tag>[^\s#!,.;:?]+)(?=[\s,.;:?]|$)")
BANG = re.compile(r"(?<!\S)(?:!(?P<word>[a-z]+)|(?P<bangs>!{2,}))(?=\s|$)", re.IGNORECASE)
BANG_PRIORITY = {
    "high": "high",
    "urgent": "high",
    "important": "high",
    "top": "high",
    "normal": "normal",
    "medium": "normal",
    "low": "low",
}
_TRAILING = re.compile(r"(?:\s+(?:#[a-z][\w-]{0,31}|![a-z]+|!{2,}))+\s*$", re.IGNORECASE)


def bang_priority(m: re.Match[str]) -> str | None:
    """The priority a `BANG` match names ("!!" is high), None for a word that names none."""
    if m.group("bangs"):
        return "high"
    return BANG_PRIORITY.get(m.group("word").lower())


@dataclass(slots=True)
class Shorthands:
    """A message without the shorthands it ended with, and what they said."""

    rest: str
    priority: str | None = None
    tags: list[str] = field(default_factory=list)


def trailing_shorthands(message: str) -> Shorthands | None:
    """The ``#tag`` and ``!priority`` tokens `message` ends with, when at least one names a
    priority (tags alone are already read in the chat's wording: "... #work"); None else."""
    block = _TRAILING.search(message)
    if block is None:
        return None
    found = Shorthands(message[: block.start()].rstrip())
    for token in block.group(0).split():
        if token.startswith("#"):
            tag = token[1:].lower()
            if tag not in found.tags:
                found.tags.append(tag)
            continue
        bang = BANG.fullmatch(token)
        priority = bang_priority(bang) if bang is not None else None
        if priority is None:
            return None
        found.priority = priority
    return found if found.priority is not None and found.rest else None


def apply_shorthands(reading: Understanding, found: Shorthands) -> None:
    """Give a new or changed task the priority and tags its message ended with."""
    if reading.intent not in ("add_task", "update_task"):
        return
    reading.priority = found.priority
    reading.tags.extend(tag for tag in found.tags if tag not in reading.tags)
