"""Training of the intent classifier: seeded SGD on the multinomial logistic loss, then
temperature scaling fitted on phrasings the calibration model never saw.

Calibration is cross-fitted: a first model trains without a seeded share of the templates
(and of the hand-written lines), the temperature is fitted on those held-back examples, and
the final model trains on everything and keeps that temperature. Held-back templates are
new phrasings to that model, so the temperature reflects confidence on unseen wording.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from local_model.classifier import softmax
from local_model.features import features

__all__ = ["Example", "fit_temperature", "train"]

EPOCHS = 8
LEARNING_RATE = 0.3
L2 = 1e-5
MIN_COUNT = 2


@dataclass(frozen=True, slots=True)
class Example:
    """One training message, the intent it carries and the template group it came from."""

    text: str
    intent: str
    group: str


@dataclass(slots=True)
class _Weights:
    classes: list[str]
    rows: dict[str, list[float]]

    def scores(self, names: Sequence[str]) -> list[float]:
        totals = [0.0] * len(self.classes)
        for name in names:
            row = self.rows.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    totals[k] += w
        return totals


def _fit(examples: Sequence[Example], classes: list[str], seed: int) -> _Weights:
    featured = [(features(e.text), classes.index(e.intent)) for e in examples]
    counts = Counter(name for names, _ in featured for name in set(names))
    vocabulary = {name for name, n in counts.items() if n >= MIN_COUNT}
    width = len(classes)
    weights = _Weights(classes, {name: [0.0] * width for name in vocabulary})
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible corpora, not secrets
    order = list(range(len(featured)))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        rate = LEARNING_RATE / (1 + epoch)
        for index in order:
            names, gold = featured[index]
            known = [n for n in names if n in vocabulary]
            probabilities = softmax(weights.scores(known))
            gradient = [p - (1.0 if k == gold else 0.0) for k, p in enumerate(probabilities)]
            for name in known:
                row = weights.rows[name]
                for k in range(width):
                    row[k] -= rate * (gradient[k] + L2 * row[k])
    return weights


def fit_temperature(scored: Sequence[tuple[list[float], int]]) -> float:
    """The temperature minimising the negative log-likelihood of the scored examples."""
    best, best_loss = 1.0, math.inf
    for step in range(10, 601, 5):
        temperature = step / 100
        loss = 0.0
        for scores, gold in scored:
            loss -= math.log(max(softmax(scores, temperature)[gold], 1e-12))
        if loss < best_loss:
            best, best_loss = temperature, loss
    return best


def train(
    examples: Sequence[Example], classes: list[str], seed: int
) -> tuple[dict[str, Any], dict[str, float]]:
    """The weights file's content and a few training figures."""
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible corpora, not secrets
    groups = sorted({e.group for e in examples})
    held = {g for g in groups if rng.random() < 0.15}
    fitting = [e for e in examples if e.group not in held]
    calibration = [e for e in examples if e.group in held]
    first = _fit(fitting, classes, seed)
    scored = [(first.scores(features(e.text)), classes.index(e.intent)) for e in calibration]
    temperature = fit_temperature(scored)
    held_accuracy = sum(
        1 for scores, gold in scored if max(range(len(classes)), key=scores.__getitem__) == gold
    ) / max(len(scored), 1)
    final = _fit(examples, classes, seed)
    names = sorted(n for n, row in final.rows.items() if max(abs(w) for w in row) >= 1e-3)
    flat = [round(w, 4) for n in names for w in final.rows[n]]
    data = {"classes": classes, "temperature": temperature, "features": names, "weights": flat}
    figures = {
        "calibration_examples": float(len(calibration)),
        "calibration_accuracy": round(held_accuracy, 4),
        "temperature": temperature,
        "features": float(len(names)),
    }
    return data, figures
