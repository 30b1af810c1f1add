"""Requests about notes, alone or with a task in the same sentence, read and carried out."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from local_model.agent_turn import Reply, ToolCall, ToolCalls, TurnInput, decide, read_items
from local_model.evaluation import score
from local_model.note_requests import read_note, split_request

TODAY = date(2026, 11, 26)
SCHEMAS: dict[str, dict[str, Any]] = {
    "add_task": {"properties": {"title": {}, "due_date": {}, "priority": {}, "tags": {}}},
    "list_tasks": {"properties": {"query": {}, "status": {}}},
    "create_note": {"properties": {"title": {}, "body": {}, "tags": {}}},
    "search_notes": {"properties": {"query": {}, "include_archived": {}}},
    "pin_note": {"properties": {"note_id": {}, "pinned": {}}},
    "archive_note": {"properties": {"note_id": {}, "archived": {}}},
}


@pytest.mark.parametrize(
    ("message", "intent", "slots"),
    [
        ("new note: wifi password", "create_note", {"title": "wifi password"}),
        ("create a note called gate code", "create_note", {"title": "gate code"}),
        # The task corpus says these for tasks: they stay task requests.
        ("make a note that i have to buy stamps", None, {}),
        ("note to self: post the letters", None, {}),
        ("save milk and eggs in my notes", "create_note", {"title": "milk and eggs"}),
        (
            "could you jot down Ana's email ana@example.com in my notes?",
            "create_note",
            {"title": "ana's email", "body": "ana@example.com"},
        ),
        (
            "Wifi: hunter22, add that to my notes",
            "create_note",
            {"title": "wifi", "body": "hunter22"},
        ),
        ("show my notes", "search_notes", {}),
        ("search my notes for wifi", "search_notes", {"query": "wifi"}),
        ("find the gate code in my notes", "search_notes", {"query": "the gate code"}),
        ("pin the note about wifi", "pin_note", {"target": "wifi"}),
        ("unpin the wifi note", "pin_note", {"target": "wifi", "pinned": False}),
        ("archive the note called gate code", "archive_note", {"target": "gate code"}),
        ("pin that note", "pin_note", {"target": "it"}),
        ("add a note to task 2: bring ID", None, {}),
        ("add a task to buy milk", None, {}),
        ("pin it", None, {}),
    ],
)
def test_note_requests_are_read_and_task_requests_are_left_alone(
    message: str, intent: str | None, slots: dict[str, object]
) -> None:
    note = read_note(message)
    if intent is None:
        assert note is None
        return
    assert note is not None
    assert note.intent == intent
    assert note.slots() == slots


def test_a_task_and_a_note_in_one_sentence_are_split_and_the_pronoun_is_the_person() -> None:
    split = split_request("add a task to call Ana and save her number in my notes")

    assert split is not None
    assert split.task_clause == "add a task to call Ana"
    assert split.note.title == "Ana's number"
    assert split.note.missing == "number"
    assert split_request("save milk and eggs in my notes") is None


def _turn(
    message: str, calls: list[tuple[str, dict[str, Any], Any]], history: list[Any]
) -> TurnInput:
    items: list[Any] = [*history, {"role": "user", "content": message}]
    for n, (name, arguments, output) in enumerate(calls):
        items.append(
            {
                "type": "function_call",
                "call_id": f"c{n}",
                "name": name,
                "arguments": json.dumps(arguments),
            }
        )
        items.append(
            {"type": "function_call_output", "call_id": f"c{n}", "output": json.dumps(output)}
        )
    return read_items(items)


def _steps(
    message: str, answers: dict[str, Any], history: list[Any] | None = None
) -> tuple[list[ToolCall], str]:
    """Run decide() until it replies, answering each tool call from ``answers``."""
    calls: list[tuple[str, dict[str, Any], Any]] = []
    made: list[ToolCall] = []
    for _ in range(6):
        step = decide(_turn(message, calls, history or []), SCHEMAS, TODAY)
        if isinstance(step, Reply):
            return made, step.text
        for call in step.calls if isinstance(step, ToolCalls) else (step,):
            made.append(call)
            calls.append((call.name, call.arguments, answers[call.name]))
    raise AssertionError(f"no reply after {made}")


def test_the_two_domain_sentence_adds_the_task_then_asks_for_the_missing_number() -> None:
    task = {"task": {"id": "t1", "title": "Call Ana"}}

    made, reply = _steps(
        "add a task to call Ana and save her number in my notes", {"add_task": task}
    )

    assert [call.name for call in made] == ["add_task"]
    assert made[0].arguments["title"] == "Call Ana"
    assert reply == (
        "Added “Call Ana” to your tasks. "
        "What is Ana's number? I'll save it in your notes as “Ana's number”."
    )

    note = {"id": "n1", "title": "Ana's number", "body": "600 123 456"}
    history = [
        {"role": "user", "content": "add a task to call Ana and save her number in my notes"},
        {"role": "assistant", "content": reply},
    ]
    made, reply = _steps("600 123 456", {"create_note": note}, history)
    assert [(c.name, c.arguments) for c in made] == [
        ("create_note", {"title": "Ana's number", "body": "600 123 456"})
    ]
    assert reply == "Saved the note “Ana's number”."
    _, declined = _steps("never mind", {}, history)
    assert declined == "OK, I won't save it."


def test_both_are_done_when_the_sentence_gives_the_number() -> None:
    answers = {
        "add_task": {"task": {"id": "t1", "title": "Call Ana"}},
        "create_note": {"id": "n1", "title": "Ana's number", "body": "600 123 456"},
    }

    message = "add a task to call Ana and save her number 600 123 456 in my notes"
    first = decide(_turn(message, [], []), SCHEMAS, TODAY)
    made, reply = _steps(message, answers)

    # Neither call needs the other's result: both are asked for in one step.
    assert isinstance(first, ToolCalls)

    assert [(c.name, c.arguments) for c in made] == [
        ("add_task", {"title": "Call Ana"}),
        ("create_note", {"title": "Ana's number", "body": "600 123 456"}),
    ]
    assert reply == "Added “Call Ana” to your tasks. Saved the note “Ana's number”."


def test_pinning_finds_the_note_by_its_title_first() -> None:
    wifi = {"id": "n2", "title": "Wifi password", "pinned": False}
    answers = {"search_notes": {"notes": [wifi]}, "pin_note": wifi | {"pinned": True}}

    made, reply = _steps("pin the note about wifi", answers)

    assert [(c.name, c.arguments) for c in made] == [
        ("search_notes", {"query": "wifi"}),
        ("pin_note", {"note_id": "n2", "pinned": True}),
    ]
    assert reply == "Pinned the note “Wifi password”."


def test_an_ambiguous_or_unknown_note_is_asked_about_not_changed() -> None:
    two = {"notes": [{"id": "a", "title": "Wifi home"}, {"id": "b", "title": "Wifi office"}]}
    made, reply = _steps("archive the wifi note", {"search_notes": two})
    assert [c.name for c in made] == ["search_notes"]
    assert reply == "Which note do you mean: “Wifi home” or “Wifi office”?"

    made, reply = _steps("archive the wifi note", {"search_notes": {"notes": []}})
    assert reply == "I couldn't find a note about “wifi”."


def test_it_means_the_note_shown_last() -> None:
    shown = {"role": "assistant", "content": '[record shown]\n{"id": "n9", "title": "Gate code"}'}
    answers = {"archive_note": {"id": "n9", "title": "Gate code", "archived": True}}

    made, reply = _steps("archive that note", answers, [shown])

    assert [(c.name, c.arguments) for c in made] == [
        ("archive_note", {"note_id": "n9", "archived": True})
    ]
    assert reply == "Archived the note “Gate code”."


def test_without_notes_tools_a_note_request_is_not_taken_for_a_note() -> None:
    tasks_only = {name: schema for name, schema in SCHEMAS.items() if "note" not in name}
    step = decide(_turn("search my notes for wifi", [], []), tasks_only, TODAY)
    assert not (isinstance(step, ToolCall) and "note" in step.name)


CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "generated"


def _lines(name: str) -> list[dict[str, Any]]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return [json.loads(raw) for raw in text.splitlines() if raw.strip()]


def test_the_notes_corpus_is_understood() -> None:
    _, result = score(_lines("notes.jsonl"))
    overall = result.as_dict()["overall"]
    assert overall["items"] >= 300
    assert overall["intent_accuracy"] >= 0.9
    assert overall["slots_exact"] >= 0.85


def test_no_task_request_of_the_task_corpora_is_read_as_a_note() -> None:
    for name in ("train.jsonl", "heldout.jsonl"):
        for line in _lines(name):
            message = line["messages"][-1]["content"]
            assert read_note(message) is None, (line["id"], message)
