"""Whether the span tagger reads the same title, target or search words as the rules.

Two independent readers of the slots, like the two of the intent: when the learned tagger
and the rule frames agree on the words a change is about, the assistant acts; when they read
different words, the reading is unsure and the assistant asks first. A value the user put in
quotes, a number ("task 3") and a task named in earlier turns ("it") are read by rules that
are exact for them, so they are not compared. A target is looked up among the user's tasks
by its words, so a target one reader holds inside the other's ("oat milk" in "by oat milk")
names the same task and counts as agreement; a title is stored as read, so it must match,
apart from a repetition ("every morning"), which the rules keep in the title on purpose, and
the particle that ends a phrasal verb ("take the bins [out]"), which the tagger, trained on
few such titles, tends to leave out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal

from .cleaning import clean
from .intents import Understanding
from .slot_patterns import FIELD_LABEL, RECURRING
from .span_tagger import SpanModel, load_span_model, span_key, tokens
from .vocabulary import VOCABULARY

__all__ = ["Agreement", "ends_unfinished", "slot_agreement"]

Agreement = Literal[
    "agree",
    "exact_rule",
    "overlap",
    "differ",
    "resolved",
    "kept",
    "kept_tail",
    "trimmed",
    "suspect",
]
"""How the two readers of the slots agree; "resolved" (the tagger's words replaced the
rules'), "kept" and "kept_tail" (the rules' words hold the tagger's; in "kept_tail" they
continue past its end) and "suspect" (both read a target with
words no title is made of) are set by `slot_resolution`."""

_COMPARED = {
    "add_task": ("title",),
    "complete_task": ("target",),
    "reopen_task": ("target",),
    "delete_task": ("target",),
    "update_task": ("target", "new_title"),
}
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_PARTICLES = frozenset(VOCABULARY["verb_particles"])
# No title ends on an article, a preposition or a conjunction ("call the landlord about the",
# "feed the cat while"): a tagger reading that does was cut short, and is no reading.
_NEVER_LAST = (
    (frozenset(VOCABULARY["link_words"]) | {"about", "while", "because", "when", "if"})
    - _PARTICLES
    - {"it", "me", "i", "one", "ones", "this", "that", "just", "also"}
)
# Nor does one stop inside a word joined by a hyphen or an apostrophe ("send the thank[-you
# cards]", "get the kids[' flu jabs]").
_JOINED_ON = re.compile(r"['-]")


# A repetition is no slot (tasks do not repeat), so neither reader's title is compared with
# it, nor with the "every" the tagger may keep when it stops inside one ("yoga every").
_CUT_REPETITION = re.compile(r"\b(?:every|each)(?:\s+other)?\s*$", re.IGNORECASE)


def _without_repetition(title: str) -> str:
    return _CUT_REPETITION.sub(" ", RECURRING.sub(" ", title))


def _same_but_particle(rule: tuple[str, ...], read: tuple[str, ...]) -> bool:
    return len(rule) == len(read) + 1 and rule[:-1] == read and rule[-1] in _PARTICLES


# A hashtag ("#travel") or a field's label ("details:") is no word of a title.
_FIELD_WORD = re.compile(rf"#([\w-]+)|\b({FIELD_LABEL})\s*:")


def _fields_after(rule: tuple[str, ...], read: tuple[str, ...], message: str) -> bool:
    """Whether the tagger's title is the rules' and then only tags or a field's label
    ("book flights to goa #travel", "fix the hinge. details: …"), which the rules read as
    those fields."""
    n = len(rule)
    field_words = {a or b for a, b in _FIELD_WORD.findall(clean(message).low)}
    return len(read) > n and read[:n] == rule and set(read[n:]) <= field_words


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return any(outer[k : k + n] == inner for k in range(len(outer) - n + 1))


def ends_unfinished(words: Sequence[str]) -> bool:
    """Whether a title's `words` end where no title ends: on a linking word."""
    return bool(words) and words[-1] in _NEVER_LAST


def _cut_short(message: str, value: str) -> bool:
    """Whether the tagger's `value` stops where no title ends: on a linking word, or inside a
    word joined by a hyphen or an apostrophe in `message`."""
    words = tokens(value)
    if not words:
        return False
    if ends_unfinished(words):
        return True
    pattern = r"\W*".join(re.escape(word) for word in words)
    m = re.search(rf"(?<!\w){pattern}(?!\w)", clean(message).low)
    return m is not None and _JOINED_ON.match(clean(message).low, m.end()) is not None


def _rule_values(
    reading: Understanding, message_words: set[str], quoted: set[tuple[str, ...]]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for slot in _COMPARED.get(reading.intent, ()):
        if slot == "target":
            target = reading.target
            if target is None or target.kind != "title":
                continue
            value = target.text
        else:
            value = getattr(reading, slot)
            if not value:
                continue
        key = span_key(_without_repetition(value) if slot == "title" else value)
        if not key or key in quoted or not set(key) <= message_words:
            continue
        yield slot, key


def slot_agreement(
    reading: Understanding, message: str, model: SpanModel | None = None
) -> Agreement:
    """How the tagger's reading of `message` compares with the rules' slots in `reading`:
    "agree" (same words), "exact_rule" (nothing to compare: quoted, numbered or from history),
    "overlap" (one reading holds the other's words) or "differ". `model` defaults to the
    committed tagger."""
    words = set(tokens(message))
    quoted = {span_key(a or b) for a, b in _QUOTED.findall(message)}
    compared = list(_rule_values(reading, words, quoted))
    if not compared:
        return "exact_rule"
    spans = (model or load_span_model()).spans(message, reading.intent)
    result: Agreement = "exact_rule"
    for slot, key in compared:
        read = span_key(
            _without_repetition(spans.get(slot, "")) if slot == "title" else spans.get(slot, "")
        )
        if read and key[: len(read)] == read and _cut_short(message, spans.get(slot, "")):
            continue  # the tagger stopped early, where no title ends: it read nothing else
        if result == "exact_rule":
            result = "agree"
        if read == key or _same_but_particle(key, read) or _fields_after(key, read, message):
            continue
        if read and (_contains(key, read) or _contains(read, key)):
            if slot != "target":
                result = "overlap"
        else:
            return "differ"
    return result
