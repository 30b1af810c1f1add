"""Training of the span tagger: BIO labels aligned from the corpus, then a seeded averaged
perceptron.

A corpus line's span slots (title, target, query, tag, new title, description) are found as
runs of the message's tokens; a line whose span value is in its last message only in part
(spelt differently) is left out, so the tagger never learns that a slot's words are outside
every slot. Words often seen outside slots (commands, dates, articles) are features as
themselves, every other word only by its shape, so the tagger learns where slots are rather
than which titles it was shown. Averaging uses the usual timestamp trick: each weight keeps
the sum of its past values, updated lazily when it changes.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from local_model.span_tagger import (
    SPAN_SLOTS,
    START,
    ordinal_number,
    quoted,
    token_features,
    tokens,
    word_class,
)

__all__ = ["TaggedExample", "align", "train_tagger"]

EPOCHS = 10
MIN_FRAME_COUNT = 5
LABELS = ("O", *(f"{prefix}-{slot}" for slot in SPAN_SLOTS for prefix in ("B", "I")))


@dataclass(frozen=True, slots=True)
class TaggedExample:
    """One message's tokens, its intent and the BIO label of every token."""

    words: tuple[str, ...]
    intent: str
    labels: tuple[str, ...]


def _find(words: Sequence[str], value: Sequence[str], taken: Sequence[bool]) -> int:
    n = len(value)
    for start in range(len(words) - n, -1, -1):
        if tuple(words[start : start + n]) == tuple(value) and not any(taken[start : start + n]):
            return start
    return -1


def align(message: str, intent: str, slots: dict[str, Any]) -> TaggedExample | None:
    """The BIO labels of `message` for its labelled span slots, or None when a value is not a
    run of its tokens. The last occurrence is taken: a title is stated after its command. A
    value none of whose words is in the message (a pronoun resolved from history) is no span;
    a number target stated as an ordinal ("the third one") is that word."""
    words = tokens(message)
    labels = ["O"] * len(words)
    taken = [False] * len(words)
    values = [(s, slots[s]) for s in SPAN_SLOTS if isinstance(slots.get(s), str) and slots[s]]
    for slot, value in sorted(values, key=lambda item: -len(str(item[1]))):
        value_words = tokens(str(value))
        if not value_words:
            return None
        start = _find(words, value_words, taken)
        if start < 0 and len(value_words) == 1:
            start = next(
                (k for k, w in enumerate(words) if ordinal_number(w) == value_words[0]), -1
            )
        if start < 0 and not set(value_words) & set(words):
            continue
        if start < 0:
            return None
        for k in range(start, start + len(value_words)):
            labels[k] = ("B-" if k == start else "I-") + slot
            taken[k] = True
    return TaggedExample(tuple(words), intent, tuple(labels))


class _Perceptron:
    def __init__(self) -> None:
        self.weights: dict[str, dict[str, float]] = {}
        self._totals: dict[tuple[str, str], float] = {}
        self._stamps: dict[tuple[str, str], int] = {}
        self.step = 0

    def best(self, names: Sequence[str]) -> str:
        totals: dict[str, float] = {}
        for name in names:
            row = self.weights.get(name)
            if row is not None:
                for label, weight in row.items():
                    totals[label] = totals.get(label, 0.0) + weight
        return max(LABELS, key=lambda label: (totals.get(label, 0.0), label == "O"))

    def _bump(self, name: str, label: str, delta: float) -> None:
        row = self.weights.setdefault(name, {})
        key = (name, label)
        old = row.get(label, 0.0)
        self._totals[key] = (
            self._totals.get(key, 0.0) + (self.step - self._stamps.get(key, 0)) * old
        )
        self._stamps[key] = self.step
        row[label] = old + delta

    def update(self, names: Sequence[str], gold: str, guess: str) -> None:
        self.step += 1
        if gold == guess:
            return
        for name in names:
            self._bump(name, gold, 1.0)
            self._bump(name, guess, -1.0)

    def averaged(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for name, row in self.weights.items():
            kept: dict[str, float] = {}
            for label, weight in row.items():
                key = (name, label)
                total = self._totals.get(key, 0.0) + (self.step - self._stamps.get(key, 0)) * weight
                average = round(total / max(self.step, 1), 3)
                if average:
                    kept[label] = average
            if kept:
                out[name] = kept
        return dict(sorted(out.items()))


def train_tagger(examples: Sequence[TaggedExample], seed: int) -> dict[str, Any]:
    """Train the tagger on `examples` (seeded order); returns the JSON-ready weights."""
    outside = Counter(
        w for e in examples for w, label in zip(e.words, e.labels, strict=True) if label == "O"
    )
    frame_words = frozenset(w for w, n in outside.items() if n >= MIN_FRAME_COUNT)
    model = _Perceptron()
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible training, not secrets
    order = list(range(len(examples)))
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for index in order:
            example = examples[index]
            inside = quoted(example.words)
            words = [word_class(w, frame_words) for w in example.words]
            prev, prev2 = START
            for i, gold in enumerate(example.labels):
                names = token_features(words, inside, i, example.intent, prev, prev2)
                guess = model.best(names)
                model.update(names, gold, guess)
                prev2, prev = prev, guess
    return {
        "labels": list(LABELS),
        "frame_words": sorted(frame_words),
        "weights": model.averaged(),
    }
