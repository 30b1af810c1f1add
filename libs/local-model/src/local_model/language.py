"""Whether a message is written in English: the assistant answers other languages plainly.

A message counts as another language when most of its letters are outside the Latin script,
or when its words are common words of one other language (word lists in data/vocabulary.json)
far more than common English words. Titles in English with one foreign word stay English.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vocabulary import VOCABULARY

__all__ = ["help_language", "other_language"]

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@lru_cache(maxsize=1)
def _languages() -> dict[str, frozenset[str]]:
    return {name: frozenset(words) for name, words in VOCABULARY["languages"].items()}


def _latin(ch: str) -> bool:
    return "LATIN" in unicodedata.name(ch, "")


def other_language(message: str) -> str | None:
    """The language a non-English message looks written in ("Spanish", "a language other
    than English" for scripts the lists do not cover), or None for English."""
    letters = [ch for ch in message if ch.isalpha()]
    if not letters:
        return None
    if sum(1 for ch in letters if not _latin(ch)) > len(letters) / 2:
        return "a language other than English"
    words = [w.lower() for w in _WORD.findall(message)]
    if len(words) < 2:
        return None
    languages = _languages()
    english = sum(1 for w in words if w in languages["english"])
    best, best_count = None, 0
    for name, vocabulary in languages.items():
        if name == "english":
            continue
        count = sum(1 for w in words if w in vocabulary and w not in languages["english"])
        if count > best_count:
            best, best_count = name, count
    accented = any(not ch.isascii() for ch in letters)
    if best is not None and best_count >= 2 and best_count + accented > english:
        return best.capitalize()
    return None


_ASIDE = re.compile(r"[^\w\s'-]+")


@lru_cache(maxsize=1)
def _help_requests() -> dict[str, str]:
    return {
        phrase: name for name, phrases in VOCABULARY["help_requests"].items() for phrase in phrases
    }


def help_language(message: str) -> str | None:
    """The language of a message that only asks for help in another language ("ayuda", "que
    peux-tu faire ?"), or None."""
    words = " ".join(_ASIDE.sub(" ", message.lower()).split())
    words = re.sub(r"^(?:hola|bonjour|salut|hallo|ciao|olá|ola|hoi)\s+", "", words)
    name = _help_requests().get(words)
    return name.capitalize() if name is not None else None
