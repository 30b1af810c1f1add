"""What earlier turns of a conversation say about the tasks a new message may refer to.

The gateway puts each task widget shown in the thread into the history as an assistant message
`[task list shown]\\n[{"n", "id", "title", "completed"}, ...]` or
`[task shown]\\n{"id", "title", "completed"}`; tool outputs of earlier calls and the titles
quoted in earlier replies also name tasks. "The second one" resolves against the latest list,
"it" against the task discussed last.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "CLARIFY_MARKER",
    "LIST_MARKER",
    "TASK_MARKER",
    "TITLE_QUESTION",
    "HistoryMessage",
    "Referent",
    "ShownTask",
    "asked_for_title",
    "clarification_options",
    "latest_numbered_list",
    "parse_task_list_shown",
    "parse_task_shown",
    "quoted_titles",
    "task_from_output",
]

LIST_MARKER = "[task list shown]"
TASK_MARKER = "[task shown]"
CLARIFY_MARKER = "Which one do you mean"
TITLE_QUESTION = "Sure — what should the task be?"


@dataclass(frozen=True, slots=True)
class HistoryMessage:
    """One earlier entry of the conversation: a user or assistant message, or a tool output."""

    role: Literal["user", "assistant", "tool"]
    text: str


def last_said(
    history: Sequence[HistoryMessage],
    role: Literal["user", "assistant", "tool"],
    before: int | None = None,
) -> int | None:
    """The index of the latest message by `role` before index `before` (the whole history
    when None), or None."""
    end = len(history) if before is None else before
    return next((i for i in range(end - 1, -1, -1) if history[i].role == role), None)


@dataclass(frozen=True, slots=True)
class ShownTask:
    """A task as displayed to the user: its number in the list, id (if known) and title."""

    n: int
    task_id: str | None
    title: str
    completed: bool = False


@dataclass(frozen=True, slots=True)
class Referent:
    """The task a pronoun points at: its title and, when the history holds it, its id."""

    title: str
    task_id: str | None


# A possessive ("'Get the kids' school photos'") is not the closing quote: an "s'" followed by a
# lower-case word that does not carry on the sentence ("'Pay bills' and ...").
_QUOTED = re.compile(
    r"""(?<![\w'])(['"])(?!\s)(.+?)(?<!\s)\1(?![\w])"""
    r"(?!(?<=s')\s+(?!(?:and|or|is|are|was|as|due|to|has|from|for|with|in|on|at|by|tagged|because"
    r"|but|so|then|now)\b)[a-z])"
)
_TITLE_QUESTION = re.compile(
    r"what\s+(?:should|would|shall)\s+(?:the\s+)?(?:new\s+)?(?:task|it|title)\b"
    r"|what\s+(?:do|would)\s+you\s+(?:want|like)\s+(?:me\s+)?to\s+add"
    r"|what(?:'s|\s+is)\s+the\s+(?:task|title)\b"
    # "Sure, what should I remind you about?"
    r"|what\s+(?:should|shall|do\s+you\s+want|would\s+you\s+like)\s+(?:me\s+to|i)\s+remind\s+you"
    r"|what\s+(?:do|would)\s+you\s+(?:want|like)\s+to\s+be\s+reminded",
    re.IGNORECASE,
)
# A list written out as text ("1. buy milk 2. pay rent"), as a reply from another model shows it.
_NUMBERED_ITEM = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+(.+?)(?=\s+\d{1,2}[.)]\s|\s*$)", re.S)
# What a written list says after a title: "Renew the TV licence (due 2026-01-09)".
_ITEM_DETAILS = re.compile(
    r"\s*\((?:due|overdue|tagged|tags?|priority|high|low|done|completed)\b[^)]*\)[\s,;]*$", re.I
)
_OPTION = re.compile(r"(?:^|\s)(\d{1,2})\.\s+'(.+?)'(?=[\s,;.?!]|$)")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _shown(entry: Any, n: int) -> ShownTask | None:
    if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
        return None
    task_id = entry.get("id")
    number = entry.get("n", n)
    return ShownTask(
        n=number if isinstance(number, int) else n,
        task_id=str(task_id) if task_id is not None else None,
        title=entry["title"],
        completed=bool(entry.get("completed", False)),
    )


def parse_task_list_shown(text: str) -> list[ShownTask] | None:
    """The tasks of a `[task list shown]` history message, or None for any other text."""
    if not text.startswith(LIST_MARKER):
        return None
    data = _json(text[len(LIST_MARKER) :].strip())
    if not isinstance(data, list):
        return None
    shown = [_shown(entry, index + 1) for index, entry in enumerate(data)]
    return [task for task in shown if task is not None]


def parse_task_shown(text: str) -> ShownTask | None:
    """The task of a `[task shown]` history message, or None for any other text."""
    if not text.startswith(TASK_MARKER):
        return None
    return _shown(_json(text[len(TASK_MARKER) :].strip()), 1)


def task_from_output(text: str) -> Referent | None:
    """The task a tool output (JSON of `{"task": {...}}`) is about, if any."""
    data = _json(text)
    task = data.get("task") if isinstance(data, dict) else None
    if isinstance(task, dict) and isinstance(task.get("title"), str):
        task_id = task.get("id")
        return Referent(task["title"], str(task_id) if task_id is not None else None)
    return None


def quoted_titles(text: str) -> list[str]:
    """The quoted phrases of a message ('Buy milk', "Call Bob"), in order."""
    return [m.group(2) for m in _QUOTED.finditer(text)]


def clarification_options(text: str) -> list[ShownTask] | None:
    """The numbered options of a clarifying question ("Which one do you mean: 1. 'Call
    dentist' ...", "I found 2 matching tasks: 1. Call dentist 2. Call landlord. Which one?"),
    or None."""
    if CLARIFY_MARKER in text:
        return [ShownTask(int(m.group(1)), None, m.group(2)) for m in _OPTION.finditer(text)]
    asked = _WHICH_ONE.search(text)
    if asked is None:
        return None
    written = _written_list(text[: asked.start()]) or _written_list(text[asked.end() :])
    # "Which task do you mean: 'Dentist checkup' or 'Dentist bill'?": the quoted titles, in turn.
    quoted = [m.group(1) for m in _QUOTED_OPTION.finditer(asked.group(0))]
    return written or ([ShownTask(i, None, t) for i, t in enumerate(quoted, 1)] if quoted else None)


_QUOTED_OPTION = re.compile(r"'([^']+)'(?=\s*(?:,|or\b|\?))")
_WHICH_ONE = re.compile(
    r"(?:^|[.:!?]\s*)which\s+(?:one|task|of\s+(?:these|them|those))\b[^.?!]*\?", re.IGNORECASE
)


def _written_list(text: str) -> list[ShownTask] | None:
    """The items of a list written out as text, numbered 1, 2, 3 … in order, or None. A
    single item counts only when a colon introduces it ("1 task due today: 1. Post the card",
    "1 match: 5. Call the electrician", numbered as in the whole list)."""
    found = list(_NUMBERED_ITEM.finditer(text))
    items = [(int(m.group(1)), _ITEM_DETAILS.sub("", m.group(2)).strip()) for m in found]
    if len(items) == 1:
        if not text[: found[0].start()].rstrip().endswith(":"):
            return None
    elif len(items) < 2 or [n for n, _ in items] != list(range(1, len(items) + 1)):
        return None
    return [ShownTask(n, None, title) for n, title in items]


def latest_numbered_list(history: Sequence[HistoryMessage]) -> list[ShownTask] | None:
    """The latest numbered list the user saw: a task list widget or a clarifying question."""
    for message in reversed(history):
        if message.role != "assistant":
            continue
        shown = parse_task_list_shown(message.text)
        if shown is None:
            shown = clarification_options(message.text)
        if shown is None:
            shown = _written_list(message.text)
        if shown is not None:
            return shown
    return None


_NOT_NAMING = frozenset({"the", "a", "an", "one", "task", "my", "that", "this"})


def shown_by_words(words: str, history: Sequence[HistoryMessage]) -> ShownTask | None:
    """The one task of the list or the options shown since the user last spoke whose title
    holds `words` ("invoice" of "the invoice one": "Send the invoice to Acme"); None when no
    list was just shown or not exactly one of its tasks holds them."""
    said = [w for w in re.findall(r"[\w'-]+", words.lower()) if w not in _NOT_NAMING]
    shown = None
    for message in reversed(history):
        if message.role == "user":
            break
        if message.role == "assistant":
            shown = (
                parse_task_list_shown(message.text)
                or clarification_options(message.text)
                or _written_list(message.text)
            )
            if shown:
                break
    if not said or not shown:
        return None

    def holds(title: str) -> bool:
        theirs = re.findall(r"[\w'-]+", title.lower())
        return all(any(t == w or (len(w) >= 4 and t.startswith(w)) for t in theirs) for w in said)

    matches = [task for task in shown if holds(task.title)]
    return matches[0] if len(matches) == 1 else None


def _last_reply(history: Sequence[HistoryMessage]) -> str:
    """The assistant's message the user is answering now ("" when the user spoke after it)."""
    for message in reversed(history):
        if message.role == "assistant":
            return message.text
        if message.role == "user":
            return ""
    return ""


def asked_for_title(history: Sequence[HistoryMessage]) -> bool:
    """Whether the latest assistant message asked what a new task should be."""
    return bool(_TITLE_QUESTION.search(_last_reply(history)))


_COMPLETED_SHOWN = re.compile(r"\b(?:completed|finished|done)(?:\s+tasks?\b|\s*:)", re.IGNORECASE)


def showed_completed(history: Sequence[HistoryMessage]) -> bool:
    """Whether the latest assistant message showed the completed tasks ("clear those out")."""
    return bool(_COMPLETED_SHOWN.search(_last_reply(history)))


# A quoted example of what to say ("add pay rent on Friday, high priority", "what's overdue?"),
# as the help replies give them: no task.
_SAID_EXAMPLE = re.compile(
    r"(?:add|show|list|what|what's|remind|push|rename|mark|delete|undo|tag|make|move|tick|clear"
    r"|i|the|how)\b|.*\?$",
    re.IGNORECASE,
)


_RENAMED = re.compile(r"renamed\b|updated\s+'[^']+':\s*title\s+'", re.IGNORECASE)


def find_referent(
    history: Sequence[HistoryMessage],
    title_of_user_message: Callable[[str], str | None],
) -> Referent | None:
    """The task discussed most recently before the current message, for "it" / "that one".

    `title_of_user_message` extracts the task title an earlier user message names, if any.
    """
    for message in reversed(history):
        if message.role == "tool":
            referent = task_from_output(message.text)
            if referent is not None:
                return referent
            continue
        if message.role == "assistant":
            task = parse_task_shown(message.text)
            if task is not None:
                return Referent(task.title, task.task_id)
            shown = parse_task_list_shown(message.text)
            if shown is None:
                shown = _written_list(message.text)
            if shown is not None:
                if len(shown) == 1:
                    return Referent(shown[0].title, shown[0].task_id)
                continue
            if CLARIFY_MARKER in message.text:
                continue
            titles = [t for t in quoted_titles(message.text) if not _SAID_EXAMPLE.match(t)]
            if titles:
                # "Renamed 'Call plumber' to 'Call the plumber about the leak'", "Updated 'Call
                # mum': title 'Call mum re xmas'": the new title.
                renamed = _RENAMED.match(message.text) is not None
                return Referent(titles[-1] if renamed else titles[0], None)
            continue
        title = title_of_user_message(message.text)
        if title:
            return Referent(title, None)
    return None
