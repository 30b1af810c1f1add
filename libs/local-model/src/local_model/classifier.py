"""The intent classifier: multinomial logistic regression over sparse features, temperature-
calibrated, with weights loaded from the package (`data/intent_model.json`).

The weights are produced by `make train-local-model` (local_model.training); inference is pure
Python: a message's score for each intent is the sum of its features' weights.
"""

from __future__ import annotations

import json
import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .features import features

__all__ = ["IntentModel", "Prediction", "load_model", "softmax"]

WEIGHTS = "intent_model.json"


@dataclass(frozen=True, slots=True)
class Prediction:
    """Calibrated probabilities of every intent, best first."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def intent(self) -> str:
        """The most probable intent."""
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        """The probability of the most probable intent."""
        return self.ranked[0][1]

    def probability(self, intent: str) -> float:
        """The probability of `intent`."""
        return next((p for name, p in self.ranked if name == intent), 0.0)


def softmax(scores: Sequence[float], temperature: float = 1.0) -> list[float]:
    """Probabilities from raw scores, divided by `temperature` first."""
    top = max(scores)
    exps = [math.exp((s - top) / temperature) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


class IntentModel:
    """Weights of the classifier: one row of per-intent weights per known feature."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.classes: tuple[str, ...] = tuple(data["classes"])
        self.temperature = float(data["temperature"])
        self.meta: dict[str, Any] = dict(data.get("meta", {}))
        width = len(self.classes)
        names: list[str] = data["features"]
        flat: list[float] = data["weights"]
        self._rows = {name: index * width for index, name in enumerate(names)}
        self._weights = array("d", flat)

    def scores(self, feature_names: Sequence[str]) -> list[float]:
        """Raw (uncalibrated) per-intent scores of a feature list."""
        width = len(self.classes)
        totals = [0.0] * width
        weights = self._weights
        for name in feature_names:
            row = self._rows.get(name)
            if row is None:
                continue
            for k in range(width):
                totals[k] += weights[row + k]
        return totals

    def predict(self, message: str) -> Prediction:
        """The calibrated intent probabilities of `message`."""
        probabilities = softmax(self.scores(features(message)), self.temperature)
        ranked = sorted(zip(self.classes, probabilities, strict=True), key=lambda p: -p[1])
        return Prediction(tuple(ranked))


@lru_cache(maxsize=1)
def load_model() -> IntentModel:
    """The committed classifier, loaded once from the package data."""
    text = resources.files("local_model").joinpath("data", WEIGHTS).read_text(encoding="utf-8")
    return IntentModel(json.loads(text))
