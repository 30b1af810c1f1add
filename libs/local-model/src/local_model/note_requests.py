"""Requests about notes: create, search, pin and archive a note, read by rule frames.

A clause is about notes only when it says so ("in my notes", "a note", "note:"); "add a note
to task 2" stays a task change (a task's description). A message may hold a task request and a
note request joined by "and" ("add a task to call Ana and save her number in my notes"); the
note clause's "her"/"his"/"their" then means the person the task clause names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .vocabulary import alternatives

__all__ = [
    "NOTE_INTENTS",
    "NoteIntent",
    "NoteRequest",
    "SplitRequest",
    "read_note",
    "split_request",
]

NoteIntent = Literal["create_note", "search_notes", "pin_note", "archive_note"]
NOTE_INTENTS: tuple[NoteIntent, ...] = ("create_note", "search_notes", "pin_note", "archive_note")


@dataclass(frozen=True, slots=True)
class NoteRequest:
    """What a clause asks of the notes: the intent and its slots.

    ``missing`` names what a create request refers to without giving it ("her number"): the
    assistant asks for it instead of saving an empty note.
    """

    intent: NoteIntent
    title: str | None = None
    body: str | None = None
    query: str | None = None
    target: str | None = None
    undo_flag: bool = False
    """pin_note/archive_note: unpin or unarchive."""
    missing: str | None = None

    def slots(self) -> dict[str, object]:
        """The slots in the evaluation format (lowercase text)."""
        out: dict[str, object] = {}
        for name in ("title", "body", "query", "target"):
            value = getattr(self, name)
            if value:
                out[name] = str(value).lower()
        if self.undo_flag:
            out["pinned" if self.intent == "pin_note" else "archived"] = False
        if self.missing:
            out["missing"] = self.missing.lower()
        return out


@dataclass(frozen=True, slots=True)
class SplitRequest:
    """A message holding a task clause and a note clause."""

    task_clause: str
    note: NoteRequest


_POLITE = re.compile(
    r"^(?:(?:hey|hi|ok|okay|so),?\s+)?(?:(?:please|pls|kindly)\s+)?"
    r"(?:(?:can|could|would|will) you\s+(?:please\s+)?|i(?:'d| would) like you to\s+)?",
    re.IGNORECASE,
)
_END = re.compile(r"[\s.!?]+$")
_NOTES_PLACE = r"(?:in|to|into|on)\s+(?:my|the)\s+notes|(?:in|to|into)\s+notes"
_SAVE_VERBS = (
    r"(?:save|put|write(?:\s+down)?|jot(?:\s+down)?|keep|store|add|note(?:\s+down)?|record)"
)
_TASK_WORDS = re.compile(r"\btasks?\b|\bto-?dos?\b|#\d+\b", re.IGNORECASE)

_CREATE_INTO = re.compile(
    rf"^{_SAVE_VERBS}\s+(?P<content>.+?)\s+(?:{_NOTES_PLACE})$", re.IGNORECASE
)
_SAVE_THAT = re.compile(
    rf"^(?P<content>.+?)[\s,.;-]+(?:(?:please|and)\s+)?{_SAVE_VERBS}\s+(?:that|it|this)\s+"
    rf"(?:{_NOTES_PLACE})$",
    re.IGNORECASE,
)
_CREATE_NOTE = re.compile(
    r"^(?:create|add|make|write|start|save|new)\s+(?:me\s+)?(?:a\s+)?(?:new\s+)?note"
    r"(?:\s+(?:called|titled|named)\s+|\s*:\s*)(?P<content>.+)$",
    re.IGNORECASE,
)
_SEARCH_IN = re.compile(
    rf"^(?:find|search(?:\s+for)?|look\s+(?:up|for))\s+(?P<query>.+?)\s+(?:{_NOTES_PLACE})$",
    re.IGNORECASE,
)
_SEARCH_NOTES = re.compile(
    r"^(?:(?:show|list|find|search|get|open|give)\s+(?:me\s+)?|what(?:\s+are|\s+is\s+in|'s\s+in|s\s+in)\s+|"
    r"search\s+through\s+|look\s+(?:through|in)\s+)"
    r"(?:all\s+)?(?:of\s+)?(?:my|the)\s+notes"
    r"(?:\s+(?:about|for|on|with|mentioning|containing|tagged)\s+(?P<query>.+))?$",
    re.IGNORECASE,
)
_TARGET_NOTE = (
    r"(?:(?:the|my)\s+)?note\s+(?:about\s+|called\s+|titled\s+|on\s+)?(?P<target>.+?)"
    r"|(?P<target2>.+?)\s+note|(?P<pronoun>it|that(?: one| note)?|this(?: one| note)?)"
)
_PIN = re.compile(
    rf"^(?P<un>un)?pin\s+(?:{_TARGET_NOTE})(?:\s+(?:{_NOTES_PLACE}))?$", re.IGNORECASE
)
_ARCHIVE = re.compile(
    rf"^(?P<un>un)?archive\s+(?:{_TARGET_NOTE})(?:\s+(?:{_NOTES_PLACE}))?$", re.IGNORECASE
)
_PIN_IN = re.compile(rf"^(?P<un>un)?pin\s+(?P<target>.+?)\s+(?:{_NOTES_PLACE})$", re.IGNORECASE)
_ARCHIVE_IN = re.compile(
    rf"^(?P<un>un)?archive\s+(?P<target>.+?)\s+(?:{_NOTES_PLACE})$", re.IGNORECASE
)

_PRONOUNS = frozenset({"it", "that", "this", "that one", "this one", "the last one"})
_POSSESSIVE = re.compile(r"^(?:her|his|their)\s+(?P<thing>[\w\s-]+?)$", re.IGNORECASE)
_VALUE_AFTER = re.compile(
    r"^(?P<thing>.+?)(?:\s+(?:is|:|=|-)\s*|\s+)(?P<value>\+?\d[\d\s().-]{4,}\d|\S+@\S+\.\w+)$",
    re.IGNORECASE,
)
_TITLE_BODY = re.compile(r"^(?P<title>[^:]{2,80}?)\s*:\s*(?P<body>.+)$")
_NAMED = re.compile(
    r"\b(?:call|email|text|phone|meet|ask|visit|remind|message|see)\s+(?P<name>[A-Z][\w'-]+)"
)
_CAPITALISED = re.compile(r"\b(?P<name>[A-Z][a-z][\w'-]*)\b")
_SPLIT = re.compile(r"\s*(?:,\s*)?\b(?:and(?:\s+(?:also|then))?|then|also|plus)\s+", re.IGNORECASE)


_CLOSER = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|thanks(?: a lot)?|thank you|thx|ty|cheers(?: mate)?|ta|"
    r"if you can|when you get a chance|asap|now)|\s*[^\w\s'\"”’)])+$",
    re.IGNORECASE,
)
_MAX_PREAMBLE_WORDS = 14
_FOR_TASK = re.compile(rf"(?:for|on|to)\s+(?!(?:{alternatives('for_idioms')})\b)\S", re.IGNORECASE)


def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = _CLOSER.sub("", text)
    text = _END.sub("", text)
    return _POLITE.sub("", text).strip()


def _starts(text: str) -> list[str]:
    """``text``, then what follows each of its first words: a greeting, a wrapper such as
    "would it be possible to" or a preamble may come before the request itself."""
    starts = [text]
    for gap in list(re.finditer(r"[\s,.!?;:]+", text))[:_MAX_PREAMBLE_WORDS]:
        rest = text[gap.end() :]
        if rest:
            starts.append(rest)
    return starts


def _strip_quotes(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in "'\"“‘" and text[-1] in "'\"”’":
        return text[1:-1].strip()
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _create(content: str, person: str | None) -> NoteRequest:
    content = _strip_quotes(content)
    pair = _TITLE_BODY.match(content)
    if pair is not None:
        return NoteRequest("create_note", title=_capital(pair["title"].strip()), body=pair["body"])
    valued = _VALUE_AFTER.match(content)
    thing, value = (valued["thing"], valued["value"]) if valued else (content, None)
    possessive = _POSSESSIVE.match(thing)
    if possessive is not None:
        named = f"{person}'s {possessive['thing']}" if person else thing
        title = _capital(named)
        if value is None:
            return NoteRequest("create_note", title=title, missing=possessive["thing"])
        return NoteRequest("create_note", title=title, body=value.strip())
    if value is not None:
        return NoteRequest("create_note", title=_capital(thing.strip()), body=value.strip())
    return NoteRequest("create_note", title=_capital(content))


def _target(match: re.Match[str]) -> str:
    if match.groupdict().get("pronoun"):
        return "it"
    found = match.groupdict().get("target") or match.groupdict().get("target2") or ""
    found = re.sub(r"^(?:the|my)\s+", "", _strip_quotes(found), flags=re.IGNORECASE)
    return "it" if found.lower() in _PRONOUNS else found


def read_note(clause: str, *, person: str | None = None) -> NoteRequest | None:
    """The note request of one clause, or None when the clause is not about notes.

    ``person`` is who a possessive pronoun refers to (from the other clause of the message).
    """
    cleaned = _clean(clause)
    before = _SAVE_THAT.match(cleaned)
    if before is not None:
        return _create(before["content"], person)
    for text in _starts(cleaned):
        found = _read_clause(_POLITE.sub("", text).strip(), person)
        if found is not None:
            # "for book venue add a note: …": a note on that task, its description.
            if found.intent == "create_note" and _FOR_TASK.match(cleaned[: -len(text)]):
                return None
            return found
    return None


def _read_clause(text: str, person: str | None) -> NoteRequest | None:
    if not text:
        return None
    flags: tuple[tuple[re.Pattern[str], NoteIntent], ...] = (
        (_PIN, "pin_note"),
        (_ARCHIVE, "archive_note"),
    )
    for pattern, intent in flags:
        match = pattern.match(text)
        if match is not None and (
            re.search(r"\bnotes?\b", text, re.IGNORECASE) or match["pronoun"]
        ):
            if match["pronoun"] and not re.search(r"\bnote\b", text, re.IGNORECASE):
                continue
            return NoteRequest(intent, target=_target(match), undo_flag=bool(match["un"]))
    placed: tuple[tuple[re.Pattern[str], NoteIntent], ...] = (
        (_PIN_IN, "pin_note"),
        (_ARCHIVE_IN, "archive_note"),
    )
    for pattern, intent in placed:
        match = pattern.match(text)
        if match is not None:
            return NoteRequest(
                intent, target=_strip_quotes(match["target"]), undo_flag=bool(match["un"])
            )
    search = _SEARCH_IN.match(text) or _SEARCH_NOTES.match(text)
    if search is not None:
        query = search.groupdict().get("query")
        return NoteRequest("search_notes", query=_strip_quotes(query) if query else None)
    for pattern in (_CREATE_INTO, _CREATE_NOTE):
        match = pattern.match(text)
        if match is None:
            continue
        content = match["content"].strip()
        # "add a note to task 2: …" is a task's description, not a note.
        if pattern is _CREATE_NOTE and re.match(r"^to\b", content, re.IGNORECASE):
            return None
        if content.lower() in _PRONOUNS:
            return None
        if _TASK_WORDS.search(content) and pattern is _CREATE_NOTE:
            return None
        return _create(content, person)
    return None


def _person(clause: str) -> str | None:
    named = _NAMED.search(clause)
    if named is not None:
        return named["name"].rstrip("'s")
    found = [m["name"] for m in _CAPITALISED.finditer(clause) if m.start() > 0]
    return found[0] if found else None


def split_request(message: str) -> SplitRequest | None:
    """A task clause and a note clause of one message, in either order, or None."""
    text = " ".join(message.split())
    for joint in _SPLIT.finditer(text):
        first, second = text[: joint.start()], text[joint.end() :]
        if not first.strip() or not second.strip():
            continue
        note = read_note(second, person=_person(first))
        if note is not None and read_note(first) is None:
            return SplitRequest(first, note)
        note = read_note(first, person=_person(second))
        if note is not None and read_note(second) is None:
            return SplitRequest(second, note)
    return None
