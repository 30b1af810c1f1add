"""The one sentence of a long message that makes the request.

People tell a story and then ask: "The garage called and said they can't fit the car in.
Can you move the car service to Friday? Sorry, I know I keep changing it." The story's words
sway the intent classifier (it was trained on requests, not on stories) and lend the slot
readers titles and dates that belong to no request. When exactly one sentence has a command
frame and no other sentence has a frame of its own, that sentence is understood without the
long ones around it (short ones tell the request's fields, so they stay). A
sentence that refers back ("can you mark it done?") needs the story, so it is not cut out,
and so does a request to add that leaves the task to the next sentence ("could you add
something for me? I need to ...").
"""

from __future__ import annotations

import re
from datetime import date

from .rule_reading import read
from .slot_patterns import PRIORITY, PRONOUN_TITLE

__all__ = ["request_sentence"]

COMMANDED = 3.0
"""A frame at least this strong is a command ("please delete ...", "can you move ...")."""
TOLD = 2.5
"""Another sentence with a frame at least this strong is a request too: nothing is cut."""
_SAID_WITH = 5
"""A sentence this short tells the request's fields ("Not urgent tho.", "When: Thursday.",
"URGENT!!!") or greets; it stays with the request, as does one that says how urgent it is."""

# A sentence ends at . ! or ? before the next word, but not after a title or an
# abbreviation ("Dr. Patel", "no. 5", "e.g. the bins").
_END = re.compile(r"(?P<word>[\w.]*)(?P<mark>[.!?]+)\s+(?=\S)|\n+")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "no", "vs", "e.g", "i.e", "etc"})


def _sentences(message: str) -> list[str]:
    parts, start = [], 0
    for m in _END.finditer(message):
        word = (m.group("word") or "").lower()
        if m.group("mark") == "." and (word in _ABBREVIATIONS or len(word) == 1):
            continue
        parts.append(message[start : m.end()].strip())
        start = m.end()
    parts.append(message[start:].strip())
    return [part for part in parts if part]


def request_sentence(message: str, today: date) -> str | None:
    """The sentence of `message` to understand alone; None when the whole message is."""
    sentences = _sentences(message)
    if len(sentences) < 2:
        return None
    readings = [read(sentence, [], today) for sentence in sentences]
    commands = [i for i, (_, strength, _) in enumerate(readings) if strength >= COMMANDED]
    if len(commands) != 1:
        return None
    chosen = commands[0]
    if any(strength >= TOLD for i, (_, strength, _) in enumerate(readings) if i != chosen):
        return None
    chosen_reading = readings[chosen][0]
    if chosen_reading.target is not None and chosen_reading.target.kind == "pronoun":
        return None
    if chosen_reading.intent == "add_task" and (
        chosen_reading.title is None or PRONOUN_TITLE.fullmatch(chosen_reading.title.lower())
    ):
        return None  # "could you add something for me? i need to ...": the task comes after
    kept = [
        sentence
        for i, sentence in enumerate(sentences)
        if i == chosen or len(sentence.split()) <= _SAID_WITH or PRIORITY.search(sentence.lower())
    ]
    return " ".join(kept) if len(kept) < len(sentences) else None
