"""Evaluation of the understanding on labelled conversations (JSON lines).

Each line: {"id", "now": ISO datetime, "messages": [{"role", "content"}, ...], "expect"?:
{"intent", "slots"}}; the last user message is the one understood, earlier ones are history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .intents import MUTATING
from .note_requests import NOTE_INTENTS, read_note, split_request
from .references import HistoryMessage
from .understanding import understand

__all__ = ["Prediction", "Score", "conversation", "predict", "score", "slots_match"]


@dataclass(frozen=True, slots=True)
class Prediction:
    """The understanding of one labelled line, in the evaluation format."""

    id: str
    intent: str
    slots: dict[str, object]
    confidence: float
    ask: bool

    def to_json(self) -> str:
        """One JSON line: {"id", "intent", "slots", "confidence", "ask"}."""
        return json.dumps(
            {
                "id": self.id,
                "intent": self.intent,
                "slots": self.slots,
                "confidence": round(self.confidence, 4),
                "ask": self.ask,
            },
            ensure_ascii=False,
        )


@dataclass(slots=True)
class _Tally:
    items: int = 0
    intent_correct: int = 0
    slots_exact: int = 0
    asked: int = 0
    wrong_actions: int = 0


@dataclass(slots=True)
class Score:
    """Intent accuracy, all-slots-exact share, ask rate and wrong actions, overall and per
    expected intent. A wrong action is a state change the user did not ask for: a changing
    intent carried out (not asked about) where the expected intent is another one."""

    overall: _Tally = field(default_factory=_Tally)
    per_intent: dict[str, _Tally] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""

        def ratio(tally: _Tally) -> dict[str, Any]:
            n = max(tally.items, 1)
            return {
                "items": tally.items,
                "intent_accuracy": round(tally.intent_correct / n, 4),
                "slots_exact": round(tally.slots_exact / n, 4),
                "ask_rate": round(tally.asked / n, 4),
                "wrong_actions": tally.wrong_actions,
            }

        return {
            "overall": ratio(self.overall),
            "per_intent": {name: ratio(t) for name, t in sorted(self.per_intent.items())},
        }


_NOTE_CHANGES = frozenset(intent for intent in NOTE_INTENTS if intent != "search_notes")


def _history(messages: list[dict[str, Any]]) -> tuple[list[HistoryMessage], str]:
    last_user = max(i for i, m in enumerate(messages) if m.get("role") == "user")
    history = [
        HistoryMessage(m["role"], str(m.get("content", "")))
        for m in messages[:last_user]
        if m.get("role") in ("user", "assistant")
    ]
    return history, str(messages[last_user].get("content", ""))


def conversation(line: dict[str, Any]) -> tuple[list[HistoryMessage], str, date]:
    """The history, the last user message and the date of one labelled line."""
    history, message = _history(line["messages"])
    return history, message, datetime.fromisoformat(line["now"]).date()


def predict(line: dict[str, Any]) -> Prediction:
    """Understand the last user message of one labelled line."""
    history, message, today = conversation(line)
    note = read_note(message)
    if note is not None and split_request(message) is None:
        return Prediction(str(line["id"]), note.intent, note.slots(), 1.0, False)
    result = understand(history, message, today)
    return Prediction(str(line["id"]), result.intent, result.slots(), result.confidence, result.ask)


def _normal(value: object) -> object:
    if isinstance(value, str):
        return value.strip().lower().strip(" .,;:!?\"'")
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def slots_match(predicted: dict[str, object], expected: dict[str, object]) -> bool:
    """Whether predicted slots equal the expected ones (case and edge punctuation aside)."""
    return {k: _normal(v) for k, v in predicted.items()} == {
        k: _normal(v) for k, v in expected.items()
    }


def score(lines: Iterable[dict[str, Any]]) -> tuple[list[Prediction], Score]:
    """Predict every line and compare with its `expect`."""
    predictions: list[Prediction] = []
    result = Score()
    for line in lines:
        prediction = predict(line)
        predictions.append(prediction)
        expect = line.get("expect")
        if not expect:
            continue
        tally = result.per_intent.setdefault(expect["intent"], _Tally())
        intent_ok = prediction.intent == expect["intent"]
        slots_ok = slots_match(prediction.slots, expect.get("slots", {}))
        changing = prediction.intent in MUTATING or prediction.intent in _NOTE_CHANGES
        wrong_action = changing and not prediction.ask and not intent_ok
        for t in (tally, result.overall):
            t.items += 1
            t.intent_correct += intent_ok
            t.slots_exact += slots_ok
            t.asked += prediction.ask
            t.wrong_actions += wrong_action
        if not (intent_ok and slots_ok):
            result.misses.append(prediction.id)
    return predictions, result
