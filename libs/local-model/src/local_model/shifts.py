"""A move of a due date by an amount, read from the task's own due date ("push it back two
days", "postpone X by a week", "bring it forward a day", "to the day after")."""

from __future__ import annotations

import re

from .dates import NUMBER_WORDS, SHIFT_AMOUNT

__all__ = ["shift_days"]

# What makes an amount (SHIFT_AMOUNT) a move of the due date: "push it back two days",
# "postpone X by a week", "a couple of days later", "postpone X a couple of days"; not "in two
# days", which is a due date. "bring it forward a day", "two days earlier" move it earlier.
_SHIFT_BEFORE = re.compile(r"\b(?:by|for|back|out|(?P<earlier>forward|up))\s+$")
_SHIFT_AFTER = re.compile(r"\s+(?:later|(?P<earlier>earlier|sooner))\b|\s*(?:please|pls)?[.!]*\s*$")
_DUE_IN = re.compile(r"\b(?:in|within)\s+$")
# "push it to the day after", "the day before": a day from the task's own due date.
_DAY_AFTER = re.compile(r"\bthe\s+day\s+(?P<way>after|before)\s*(?:that|it)?[\s.!]*$")


def shift_days(message: str) -> int | None:
    """The days a change moves the task's due date by ("push it back two days": 2, "bring it
    forward a day": -1, "to the day after": 1), or None when it names no amount."""
    low = re.sub(r"\s+", " ", message.lower())
    for m in SHIFT_AMOUNT.finditer(low):
        if _DUE_IN.search(low, 0, m.start()):
            continue
        before = _SHIFT_BEFORE.search(low, 0, m.start())
        after = _SHIFT_AFTER.match(low, m.end())
        if before is not None or after is not None:
            raw = m.group("n")
            n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
            days = n * (7 if m.group("unit").startswith("week") else 1)
            earlier = any(found is not None and found.group("earlier") for found in (before, after))
            return -days if earlier else days
    day = _DAY_AFTER.search(low)
    if day is not None:
        return 1 if day.group("way") == "after" else -1
    return None
