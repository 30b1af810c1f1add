"""Calibration of the slot agreement: how often the rules' slots are right at each level of
agreement with a span tagger that never saw the phrasing.

The templates (and hand-written lines) are split into seeded folds; for each fold a tagger is
trained on the others, and every request of the fold the understanding would carry out is
compared: its agreement level (local_model.slot_agreement) against
whether all its slots are right. The share right per level (with add-one smoothing) is kept
in the weights and is the slot confidence the understanding combines with the intent's.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any, get_args

from local_model.evaluation import conversation, slots_match
from local_model.slot_agreement import Agreement
from local_model.span_tagger import SpanModel
from local_model.understanding import understand_with_agreement

from .tagger_trainer import TaggedExample, train_tagger

__all__ = ["FOLDS", "slot_reliability"]

FOLDS = 3


def _group(line: dict[str, Any]) -> str:
    return str(line.get("template", line["id"]))


def slot_reliability(
    lines: Sequence[dict[str, Any]],
    tagged: Sequence[TaggedExample | None],
    seed: int,
    extra: Sequence[TaggedExample] = (),
) -> dict[str, Any]:
    """Per agreement level, the share of carried-out readings whose slots are all right;
    `tagged[k]` is the aligned form of `lines[k]` (None when it could not be aligned).
    Every template is held back once, from a tagger trained on the other folds (and on
    `extra`, the examples only the tagger learns from), so the rare levels ("resolved",
    "suspect") are measured on enough readings."""
    groups = sorted({_group(line) for line in lines})
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible training, not secrets
    rng.shuffle(groups)
    fold_of = {group: k % FOLDS for k, group in enumerate(groups)}
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for fold in range(FOLDS):
        training = [
            example
            for line, example in zip(lines, tagged, strict=True)
            if example is not None and fold_of[_group(line)] != fold
        ] + list(extra)
        model = SpanModel(train_tagger(training, seed))
        for line in lines:
            if fold_of[_group(line)] != fold:
                continue
            reading, level = understand_with_agreement(*conversation(line), model)
            if level is None:
                continue
            seen[level] += 1
            expect = line["expect"]
            right[level] += reading.intent == expect["intent"] and slots_match(
                reading.slots(), expect.get("slots", {})
            )
    levels = get_args(Agreement)
    return {
        "reliability": {lv: round((right[lv] + 1) / (seen[lv] + 2), 4) for lv in levels},
        "counts": {lv: seen[lv] for lv in levels},
    }
