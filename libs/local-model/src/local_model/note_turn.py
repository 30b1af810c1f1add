"""The steps of a turn about notes: create, search, pin, archive, and a task and a note at once.

Used when the notes tools are offered (a notes tool service is configured). Each step is, like
the task steps, a pure function of the turn so far: the message, the history and the results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from . import replies
from .note_requests import NoteRequest, read_note, split_request
from .references import HistoryMessage
from .understanding import Understanding, understand

__all__ = ["note_step"]

_ASKED = re.compile(r"I'll save it in your notes as “(?P<title>[^”]+)”")
_DECLINE = re.compile(r"^(?:no|nope|cancel|never ?mind|forget it|skip it|don't)\b", re.IGNORECASE)
_RECORD_SHOWN = "[record shown]"


class _Result(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def output(self) -> Any: ...
    @property
    def error(self) -> str | None: ...


class _Turn(Protocol):
    @property
    def message(self) -> str: ...
    @property
    def history(self) -> Sequence[HistoryMessage]: ...
    @property
    def results(self) -> Sequence[_Result]: ...


Call = tuple[str, dict[str, Any]]
Step = Call | list[Call] | str
"""A tool call (name, arguments), independent calls made at once, or the reply that ends the
turn."""


def _call(schemas: Mapping[str, Mapping[str, Any]], name: str, arguments: dict[str, Any]) -> Step:
    if name not in schemas:
        return replies.tool_missing(name)
    return name, arguments


def _done(turn: _Turn, name: str) -> _Result | None:
    found = [result for result in turn.results if result.name == name]
    return found[-1] if found else None


def _record(result: _Result) -> dict[str, Any]:
    return result.output if isinstance(result.output, dict) else {}


def _notes(result: _Result) -> list[dict[str, Any]]:
    notes = _record(result).get("notes")
    return [n for n in notes if isinstance(n, dict)] if isinstance(notes, list) else []


def _last_record_shown(history: Sequence[HistoryMessage]) -> str | None:
    for message in reversed(history):
        if message.role == "assistant" and message.text.startswith(_RECORD_SHOWN):
            try:
                shown = json.loads(message.text.split("\n", 1)[1])
            except (IndexError, ValueError):
                return None
            return str(shown.get("id")) if isinstance(shown, dict) and shown.get("id") else None
    return None


def _created_reply(result: _Result) -> str:
    if result.error is not None:
        return replies.tool_error(result.error)
    return f"Saved the note “{_record(result).get('title', '')}”."


def _create_step(turn: _Turn, schemas: Mapping[str, Mapping[str, Any]], note: NoteRequest) -> Step:
    created = _done(turn, "create_note")
    if created is not None:
        return _created_reply(created)
    if note.missing:
        return f"What is {note.title}? I'll save it in your notes as “{note.title}”."
    arguments: dict[str, Any] = {"title": note.title}
    if note.body:
        arguments["body"] = note.body
    return _call(schemas, "create_note", arguments)


def _search_step(turn: _Turn, schemas: Mapping[str, Mapping[str, Any]], note: NoteRequest) -> Step:
    searched = _done(turn, "search_notes")
    if searched is None:
        return _call(schemas, "search_notes", {"query": note.query} if note.query else {})
    if searched.error is not None:
        return replies.tool_error(searched.error)
    count = len(_notes(searched))
    about = f" about “{note.query}”" if note.query else ""
    if count == 0:
        return f"You have no notes{about}."
    return f"You have {count} note{'s' if count != 1 else ''}{about}."


def _flag_step(turn: _Turn, schemas: Mapping[str, Mapping[str, Any]], note: NoteRequest) -> Step:
    tool = note.intent
    flag = "pinned" if tool == "pin_note" else "archived"
    changed = _done(turn, tool)
    if changed is not None:
        if changed.error is not None:
            return replies.tool_error(changed.error)
        verb = {"pinned": ("Pinned", "Unpinned"), "archived": ("Archived", "Unarchived")}[flag]
        return f"{verb[note.undo_flag]} the note “{_record(changed).get('title', '')}”."
    note_id: str | None = None
    if note.target == "it":
        note_id = _last_record_shown(turn.history)
        if note_id is None:
            return "Which note do you mean? You can say its title."
    else:
        searched = _done(turn, "search_notes")
        if searched is None:
            arguments: dict[str, Any] = {"query": note.target}
            if tool == "archive_note" and note.undo_flag:
                arguments["include_archived"] = True
            return _call(schemas, "search_notes", arguments)
        if searched.error is not None:
            return replies.tool_error(searched.error)
        found = _notes(searched)
        target = (note.target or "").lower()
        exact = [n for n in found if str(n.get("title", "")).lower() == target]
        found = exact or found
        if not found:
            return f"I couldn't find a note about “{note.target}”."
        if len(found) > 1:
            titles = " or ".join(f"“{n.get('title', '')}”" for n in found[:3])
            return f"Which note do you mean: {titles}?"
        note_id = str(found[0].get("id"))
    return _call(schemas, tool, {"note_id": note_id, flag: not note.undo_flag})


def _note_only(turn: _Turn, schemas: Mapping[str, Mapping[str, Any]], note: NoteRequest) -> Step:
    if note.intent == "create_note":
        return _create_step(turn, schemas, note)
    if note.intent == "search_notes":
        return _search_step(turn, schemas, note)
    return _flag_step(turn, schemas, note)


def _answer_to_question(turn: _Turn, schemas: Mapping[str, Mapping[str, Any]]) -> Step | None:
    """The user's answer to "What is Ana's number? I'll save it in your notes as …"."""
    last = next((m for m in reversed(turn.history) if m.role == "assistant"), None)
    asked = _ASKED.search(last.text) if last is not None else None
    if asked is None:
        return None
    answer = turn.message.strip()
    if _DECLINE.match(answer):
        return "OK, I won't save it."
    if read_note(answer) is not None or split_request(answer) is not None:
        return None
    note = NoteRequest("create_note", title=asked["title"], body=answer)
    return _create_step(turn, schemas, note)


def note_step(
    turn: _Turn,
    schemas: Mapping[str, Mapping[str, Any]],
    today: date,
    task_arguments: Callable[[Understanding], dict[str, Any]],
) -> Step | None:
    """The next step when the message is about notes (alone or with a task), else None."""
    if "create_note" not in schemas and "search_notes" not in schemas:
        return None
    answered = _answer_to_question(turn, schemas)
    if answered is not None:
        return answered
    split = split_request(turn.message)
    if split is not None:
        task = understand(turn.history, split.task_clause, today)
        if task.intent == "add_task" and task.title and not task.ask:
            added = _done(turn, "add_task")
            if added is None:
                arguments = task_arguments(task)
                title = str(arguments.get("title", ""))
                arguments["title"] = title[:1].upper() + title[1:]
                adding = _call(schemas, "add_task", arguments)
                saving = _note_only(turn, schemas, split.note)
                # A note with its content does not depend on the task: both calls go at once.
                both = isinstance(adding, tuple) and isinstance(saving, tuple)
                if both and split.note.intent == "create_note":
                    return [adding, saving]  # type: ignore[list-item]  # narrowed just above
                return adding
            if added.error is not None:
                return replies.tool_error(added.error)
            title = str((_record(added).get("task") or {}).get("title", task.title))
            step = _note_only(turn, schemas, split.note)
            return step if isinstance(step, tuple) else f"Added “{title}” to your tasks. {step}"
        return (
            "Do you want me to do both — a task and a note? Tell me one at a time: for example "
            "“add a task to call Ana”, then “save Ana's number 600 123 456 in my notes”."
        )
    note = read_note(turn.message)
    if note is None:
        return None
    return _note_only(turn, schemas, note)
