"""The span tagger: which words of a message are the title, the target, the search words, the
tag, the new title or the description, read by a learned model instead of by rules.

An averaged perceptron labels each token O, B-<slot> or I-<slot> (BIO), left to right, from
the word, its neighbours, its shape, the two previous labels and the message's intent. The
weights are `data/span_model.json`, produced by `make train-local-model` from the same corpus
as the intent classifier (local_model.training). Dates and priorities are not spans: their
deterministic normalisers (`dates.py`, `task_fields.py`) read them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from .cleaning import clean
from .dates import find_dates
from .slot_patterns import ORDINALS

__all__ = [
    "SPAN_SLOTS",
    "SpanModel",
    "load_span_model",
    "ordinal_number",
    "quoted",
    "span_key",
    "token_features",
    "tokens",
    "word_class",
]

WEIGHTS = "span_model.json"
SPAN_SLOTS = ("title", "target", "query", "tag", "new_title", "description")
START = ("<s>", "<s>")
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
_LEADING = frozenset({"the", "a", "an", "my"})
_NUMBERED = re.compile(r"(\d{1,3})(?:st|nd|rd|th)?")
_QUOTE_MARKS = frozenset({"'", '"'})


def tokens(message: str) -> list[str]:
    """The lowercase tokens of a cleaned message: words (with inner apostrophes) and symbols."""
    return _TOKEN.findall(clean(message).low)


def ordinal_number(word: str) -> str | None:
    """The list number an ordinal word names ("third", "3rd" -> "3"), else None."""
    if word in ORDINALS and ORDINALS[word] > 0:
        return str(ORDINALS[word])
    m = _NUMBERED.fullmatch(word)
    return m.group(1) if m else None


def span_key(value: str) -> tuple[str, ...]:
    """A slot value as compared between readers: its word tokens, without a leading article
    or "my" and without punctuation; a lone ordinal becomes its number."""
    words = [t for t in _TOKEN.findall(clean(value).low) if t[0].isalnum()]
    while words and words[0] in _LEADING:
        words = words[1:]
    if len(words) == 1 and (number := ordinal_number(words[0])) is not None:
        return (number,)
    return tuple(words)


def quoted(words: Sequence[str]) -> list[bool]:
    """Whether each token is inside a pair of quotes."""
    inside, out = False, []
    for word in words:
        if word in _QUOTE_MARKS:
            inside = not inside
            out.append(False)
        else:
            out.append(inside)
    return out


def _shape(word: str) -> str:
    if word.isdigit():
        return "digit"
    if word.isalpha():
        return "alpha"
    if word[0].isalnum():
        return "mixed"
    return word


def word_class(word: str, frame_words: frozenset[str]) -> str:
    """The word itself when it frames slots in the corpus (commands, dates, articles), else
    its shape: the tagger learns where slots are, not which titles it was shown."""
    return word if word in frame_words or not word[0].isalnum() else "~" + _shape(word)


def token_features(
    words: Sequence[str], inside: Sequence[bool], i: int, intent: str, prev: str, prev2: str
) -> list[str]:
    """The feature names of token `i` (words already mapped by `word_class`; `inside` from
    `quoted`) given the two labels before it."""
    padded = ["<s>", "<s>", *words, "</s>", "</s>"]
    j = i + 2
    w = padded[j]
    p1, p2, n1, n2 = padded[j - 1], padded[j - 2], padded[j + 1], padded[j + 2]
    return [
        "b",
        f"i={intent}",
        f"w={w}",
        f"iw={intent}|{w}",
        f"p1={p1}",
        f"ip1={intent}|{p1}",
        f"p2={p2}",
        f"n1={n1}",
        f"in1={intent}|{n1}",
        f"n2={n2}",
        f"p1w={p1}|{w}",
        f"wn1={w}|{n1}",
        f"p2p1={p2}|{p1}",
        f"n1n2={n1}|{n2}",
        f"t1={prev}",
        f"it1={intent}|{prev}",
        f"t2={prev2}|{prev}",
        f"t1w={prev}|{w}",
        f"t1n1={prev}|{n1}",
        f"q={inside[i]}|{intent}",
        f"qt1={inside[i]}|{prev}",
    ]


class SpanModel:
    """Averaged-perceptron weights: per feature, per label, one weight."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.labels: tuple[str, ...] = tuple(data["labels"])
        self.meta: dict[str, Any] = dict(data.get("meta", {}))
        self.frame_words = frozenset(data["frame_words"])
        self.slot_reliability: dict[str, float] = dict(data.get("slot_reliability", {}))
        self._weights: dict[str, dict[str, float]] = data["weights"]

    def label_scores(self, names: Sequence[str]) -> dict[str, float]:
        """The score of every label that any of `names` has a weight for."""
        totals: dict[str, float] = {}
        for name in names:
            row = self._weights.get(name)
            if row is None:
                continue
            for label, weight in row.items():
                totals[label] = totals.get(label, 0.0) + weight
        return totals

    def tag(self, words: Sequence[str], intent: str) -> list[str]:
        """The BIO label of every token, greedily left to right."""
        inside = quoted(words)
        words = [word_class(w, self.frame_words) for w in words]
        out: list[str] = []
        prev, prev2 = START
        for i in range(len(words)):
            totals = self.label_scores(token_features(words, inside, i, intent, prev, prev2))
            label = max(self.labels, key=lambda name: (totals.get(name, 0.0), name == "O"))
            if label.startswith("I-") and prev[2:] != label[2:]:
                label = "B-" + label[2:]
            out.append(label)
            prev2, prev = prev, label
        return out

    def spans(self, message: str, intent: str) -> dict[str, str]:
        """The slot values the tagger reads in `message` under `intent`: the first span of
        each, continued past a date said inside it ("call the dentist [tomorrow] about the
        appointment"), since dates are not span words."""
        words = tokens(message)
        found: dict[str, list[str]] = {}
        ended: dict[str, int] = {}
        current: str | None = None
        for i, (word, label) in enumerate(zip(words, self.tag(words, intent), strict=True)):
            if label == "O":
                current = None
                continue
            slot = label[2:]
            if label.startswith("B-"):
                current = slot if slot not in found else None
                if current is not None:
                    found[current] = [word]
                elif _only_date(words[ended[slot] : i]):
                    current = slot
                    gap = words[ended[slot] : i]
                    found[slot] += [",", word] if "," in gap else [word]
            elif current == slot:
                found[slot].append(word)
            if current is not None:
                ended[current] = i + 1
        return {slot: _join(parts) for slot, parts in found.items()}


_ANY_DAY = date(2026, 1, 1)


def _only_date(gap: Sequence[str]) -> bool:
    text = " ".join(w for w in gap if w[0].isalnum())
    dates = find_dates(text, _ANY_DAY)
    return len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(text)


def _join(parts: Sequence[str]) -> str:
    text = " ".join(parts)
    return re.sub(r" (?=[,.;:!?])|(?<=[-/]) | (?=[-/])", "", text)


@lru_cache(maxsize=1)
def load_span_model() -> SpanModel:
    """The committed span tagger, loaded once from the package data."""
    text = resources.files("local_model").joinpath("data", WEIGHTS).read_text(encoding="utf-8")
    return SpanModel(json.loads(text))
