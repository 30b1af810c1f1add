"""Emoji and check marks in a chat message.

A check mark says a task is done ("car wash ✅"), so it becomes " - done ". Other emoji carry
no words and are dropped, but one between a story and a command ends the story's clause:
"landlord just emailed, they've rescheduled AGAIN 🙄 move the inspection to Jan 20" is two
clauses, as if the user had typed a full stop, so the story lends the command no words.
"""

from __future__ import annotations

import re
import unicodedata

from .vocabulary import alternatives

__all__ = ["strip_symbols"]

_EMOJI_CATEGORIES = frozenset({"So", "Sk", "Cs", "Co", "Mn", "Me", "Cf"})
_DONE_MARKS = "\u2705\u2714\u2611"
_JOINERS = "\u200d\ufe0f"
_EMOJI = "\x00"
# An emoji before a command (`emoji_clause_commands`).
_BEFORE_COMMAND = re.compile(
    rf"(?:\s*{_EMOJI})+\s*(?=(?:please\s+|pls\s+)?(?:{alternatives('emoji_clause_commands')})\b)",
    re.IGNORECASE,
)
_STORY_WORDS = 2
"""Words before the emoji that make it a story's end ("add 🎂 make a cake" is one request)."""


def _boundary(m: re.Match[str]) -> str:
    story = len(m.string[: m.start()].split()) >= _STORY_WORDS
    return "\n" if story else " "


def _emoji(ch: str) -> bool:
    return ord(ch) > 0x2000 and unicodedata.category(ch) in _EMOJI_CATEGORIES


def strip_symbols(text: str) -> str:
    """`text` with check marks as " - done ", an emoji between a story and a command as a
    line break (a clause boundary) and other emoji as spaces."""
    out = []
    for ch in text:
        if ch in _JOINERS:
            continue
        if ch in _DONE_MARKS:
            out.append(" - done ")
        else:
            out.append(_EMOJI if _emoji(ch) else ch)
    marked = "".join(out)
    if _EMOJI not in marked:
        return marked
    return _BEFORE_COMMAND.sub(_boundary, marked).replace(_EMOJI, " ")
