"""Evaluation of the understanding on labelled conversations (JSON lines).

Each line: {"id", "now": ISO datetime, "messages": [{"role", "content"}, ...], "expect"?:
{"intent", "slots"}}; the last user message is the one understood, earlier ones are history.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .intents import MUTATING
from .message_text import dates_in, prepare
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


_STATED_DUE = re.compile(r"\bdue\s+(?P<day>[^).;\n]+)", re.IGNORECASE)
_HALF_YEAR = timedelta(days=183)


def _stated_due(history: list[HistoryMessage], title: str, today: date) -> date | None:
    """The due date of the task called `title` as the latest reply naming it states it
    ("Created task 'Book the campsite' (due Fri 28 Aug)"); a date stated as past ("was due
    Thu 11 Jun") is this year's, not next year's."""
    for message in reversed(history):
        low = message.text.lower()
        at = low.find(title.lower())
        if message.role != "assistant" or at < 0:
            continue
        stated = _STATED_DUE.search(message.text, at + len(title))
        if stated is None:
            return None
        msg = prepare(stated.group("day"))
        found = dates_in(msg, today, 0, len(msg.masked))
        if not found:
            return None
        value: date = found[-1].value  # "Mon, Apr 20": the date, not the next Monday
        return value.replace(year=value.year - 1) if value - today > _HALF_YEAR else value
    return None


def predict(line: dict[str, Any]) -> Prediction:
    """Understand the last user message of one labelled line. A move of the due date by an
    amount ("push it back two days") is scored as the date it stores, from the task's due
    date as the conversation states it (the assistant reads it from the task itself)."""
    history, message, today = conversation(line)
    note = read_note(message)
    if note is not None and split_request(message) is None:
        return Prediction(str(line["id"]), note.intent, note.slots(), 1.0, False)
    result = understand(history, message, today)
    slots = result.slots()
    if result.shift_days and result.target is not None and "due" not in slots:
        base = _stated_due(history, result.target.text, today)
        if base is not None:
            slots["due"] = (base + timedelta(days=result.shift_days)).isoformat()
    return Prediction(str(line["id"]), result.intent, slots, result.confidence, result.ask)


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
