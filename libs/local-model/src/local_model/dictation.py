"""Dictated punctuation and hesitations in a message typed by speech-to-text: "milk comma
eggs comma bread period", "so um add walk the dog".

The spoken names of punctuation marks become the marks and hesitations are dropped, from the
word lists in data/vocabulary.json (`dictation`). A name after an article or a possessive
("add a comma", "track my period") stays a word, and a name that is also a common title word
("period") is read as a mark only at the end of a message, and not after a word it often
follows as a noun ("the trial period", `ambiguous_after`): "book the mot period" ends with a
full stop, "ask about the notice period" does not.
"""

from __future__ import annotations

import re

from .vocabulary import VOCABULARY

__all__ = ["undictate"]

_DICTATION = VOCABULARY["dictation"]
_MARKS: dict[str, str] = _DICTATION["punctuation"]
_AMBIGUOUS = frozenset(_DICTATION["only_with_another"])
_NOT_AFTER = frozenset(_DICTATION["not_after"])
_AMBIGUOUS_AFTER = frozenset(_DICTATION["ambiguous_after"])


def _alternatives(names: list[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)


_MARK = re.compile(
    rf"(\S+)\s+({_alternatives(sorted(_MARKS, key=len, reverse=True))})\b", re.IGNORECASE
)
_HESITATION = re.compile(
    rf"(?:^|(?<=\s))(?:{_alternatives(_DICTATION['hesitations'])})\b[,.]?\s*", re.IGNORECASE
)


def _name(m: re.Match[str]) -> str:
    return " ".join(m.group(2).lower().split())


def _dictated(m: re.Match[str]) -> bool:
    before = m.group(1).lower()
    if before in _NOT_AFTER:
        return False
    if _name(m) not in _AMBIGUOUS:
        return True
    return not m.string[m.end() :].strip(" .!?") and before not in _AMBIGUOUS_AFTER


def undictate(text: str) -> str:
    """`text` with dictated punctuation written as marks and hesitations left out."""
    text = _HESITATION.sub("", text)
    if not any(_dictated(m) for m in _MARK.finditer(text)):
        return text
    return _MARK.sub(lambda m: m.group(1) + _MARKS[_name(m)] if _dictated(m) else m.group(0), text)
