"""Calibration of the slot agreement: how often the rules' slots are right at each level of
agreement with a span tagger that never saw the phrasing.

As for the intent temperature, a seeded share of the templates (and hand-written lines) is
held back, a tagger is trained on the rest, and every held-back request the understanding
would carry out is compared: its agreement level (local_model.slot_agreement) against
whether all its slots are right. The share right per level (with add-one smoothing) is kept
in the weights and is the slot confidence the understanding combines with the intent's.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from local_model.evaluation import conversation, slots_match
from local_model.span_tagger import SpanModel
from local_model.understanding import understand_with_agreement

from .tagger_trainer import TaggedExample, train_tagger

__all__ = ["HELD_SHARE", "slot_reliability"]

HELD_SHARE = 0.15


def _group(line: dict[str, Any]) -> str:
    return str(line.get("template", line["id"]))


def slot_reliability(
    lines: Sequence[dict[str, Any]], tagged: Sequence[TaggedExample | None], seed: int
) -> dict[str, Any]:
    """Per agreement level, the share of carried-out readings whose slots are all right;
    `tagged[k]` is the aligned form of `lines[k]` (None when it could not be aligned)."""
    groups = sorted({_group(line) for line in lines})
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible training, not secrets
    held = set(rng.sample(groups, max(1, int(len(groups) * HELD_SHARE))))
    training = [
        example
        for line, example in zip(lines, tagged, strict=True)
        if example is not None and _group(line) not in held
    ]
    model = SpanModel(train_tagger(training, seed))
    seen: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for line in lines:
        if _group(line) not in held:
            continue
        reading, level = understand_with_agreement(*conversation(line), model)
        if level is None:
            continue
        seen[level] += 1
        expect = line["expect"]
        right[level] += reading.intent == expect["intent"] and slots_match(
            reading.slots(), expect.get("slots", {})
        )
    levels = ("agree", "exact_rule", "overlap", "differ")
    return {
        "reliability": {lv: round((right[lv] + 1) / (seen[lv] + 2), 4) for lv in levels},
        "counts": {lv: seen[lv] for lv in levels},
    }
