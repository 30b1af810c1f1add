"""The short questions the assistant asks instead of acting on an unsure reading, and how a
reply to one ("yes", "no") continues: a yes carries out the request the question was about."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .intents import TARGETED, Intent, Target, Understanding
from .references import TITLE_QUESTION, HistoryMessage, last_said, latest_numbered_list

__all__ = [
    "ASK_PREFIX",
    "WHICH_TASK",
    "asked_intent",
    "called_it",
    "is_no",
    "is_yes",
    "no_with",
    "question",
    "several_numbered",
    "yes_with",
]

ASK_PREFIX = "Do you want me to"
WHICH_TASK = "Which task do you mean? You can say its name or its number in the list."
_ASKS: tuple[tuple[Intent, str], ...] = (
    ("add_task", "add '{x}' as a task, or were you asking something?"),
    ("complete_task", "mark '{x}' as done?"),
    ("reopen_task", "reopen '{x}'?"),
    ("update_task", "change '{x}'?"),
    ("delete_task", "delete '{x}'?"),
    ("clear_completed", "clear your completed tasks?"),
    ("undo", "undo my last change?"),
)
_YES_WORDS = (
    r"(?:y|ya|yes|yeah|yep|yup|sure|ok|okay|please|please\s+do|do\s+it|go\s+ahead|go\s+for\s+it"
    r"|correct|that's\s+right|right|absolutely|of\s+course|sounds\s+good|add\s+it|thanks|thank\s+you"
    r"|thx|ta|cheers|pls|plz|mate|ja|aye|yea|yah|go\s+on|do|that's\s+it|perfect|grand)\b"
)
# "yes", "yep go ahead", "yes please, add it": the whole message accepts; a "yes" that goes on
# with a date or a priority ("yes please, for saturday") accepts with them (`yes_with`).
_YES = re.compile(rf"(?:{_YES_WORDS}[\s!.,]*)+", re.IGNORECASE)
_NO = re.compile(
    r"(?:n|no|nope|nah|no\s+thanks|don't|do\s+not|never\s*mind|cancel|stop|leave\s+it)\b[\s!.,]*$",
    re.IGNORECASE,
)


# "1 and 3", "2, 3 and 4", "task 1 and 2": several tasks by their numbers.
_NUMBERS = r"(?:tasks?\s+|numbers?\s+|#)?\d+(?:\s*(?:,|and|&|\+)\s*(?:tasks?\s+|#\s*)?\d+)+"
# "delete everything", "mark all as done", "done with 1 and 3": no tool changes several tasks
# at once.
_ALL_TASKS = re.compile(
    rf"(?:{_NUMBERS}|both(?:\s+of\s+them)?"
    r"|all|everything|every\s+(?:task|one|thing|single\s+one)|the\s+lot|them\s+all"
    r"|all\s+(?:of\s+)?(?:my\s+|the\s+)?(?:tasks|todos|items|them|of\s+them|stuff))"
    r"(?:\s+(?:today|on\s+my\s+list|on\s+the\s+list))?",
    re.IGNORECASE,
)
_ONE_AT_A_TIME: dict[Intent, str] = {
    "complete_task": "mark tasks done",
    "reopen_task": "reopen tasks",
    "update_task": "change tasks",
    "delete_task": "delete tasks",
}


# "delete 2, 3 and 4", "tick off task 1 and 2": several numbers, cut into clauses by the rules.
_SEVERAL_NUMBERS = re.compile(rf"{_NUMBERS}(?![\w:/.])", re.IGNORECASE)


def several_numbered(request: Understanding, message: str) -> None:
    """Point a change of one numbered task at all the numbers the message says ("delete 2, 3
    and 4"), so that it is asked about one at a time instead of changing only the first."""
    if request.intent not in _ONE_AT_A_TIME or request.target is None:
        return
    if request.target.kind != "number":
        return
    said = _SEVERAL_NUMBERS.search(message)
    if said is not None and request.target.text in re.findall(r"\d+", said.group(0)):
        request.target = Target("title", said.group(0))


def all_tasks(request: Understanding) -> bool:
    """Whether `request` changes every task ("delete everything", "mark all as done")."""
    return (
        request.intent in _ONE_AT_A_TIME
        and request.target is not None
        and _ALL_TASKS.fullmatch(request.target.text.strip()) is not None
    )


def question(request: Understanding, history: Sequence[HistoryMessage] = ()) -> str:
    """The question to ask about `request` instead of carrying it out; a task named by its
    place in the list just shown (`history`) is asked about by its title."""
    if all_tasks(request):
        answer = f"I can only {_ONE_AT_A_TIME[request.intent]} one at a time — which one?"
        if request.intent == "delete_task":
            answer += ' To remove the finished ones, say "clear completed".'
        return answer
    if request.intent == "add_task" and not request.title:
        return TITLE_QUESTION
    if request.intent in TARGETED and (request.target is None or request.target.kind == "pronoun"):
        return WHICH_TASK
    subject = request.title or (request.target.text if request.target else "") or "that"
    if request.target is not None and request.target.kind == "number":
        shown = latest_numbered_list(history) or []
        subject = next((t.title for t in shown if str(t.n) == request.target.text), subject)
    template = dict(_ASKS).get(request.intent, "do that?")
    return f"{ASK_PREFIX} {template.format(x=subject)}"


def asked_intent(history: Sequence[HistoryMessage]) -> tuple[Intent, int] | None:
    """The intent the latest assistant message asked about, and the index of the user
    message it asked about; None when the latest reply was no such question."""
    for index in range(len(history) - 1, -1, -1):
        message = history[index]
        if message.role == "user":
            return None
        if message.role != "assistant":
            continue
        if not message.text.startswith(ASK_PREFIX):
            return None
        rest = message.text[len(ASK_PREFIX) :].strip()
        for intent, template in _ASKS:
            head = template.split("{x}")[0]
            if rest.startswith(head):
                request = last_said(history, "user", index)
                return (intent, request) if request is not None else None
        return None
    return None


def is_yes(message: str) -> bool:
    """Whether `message` accepts the question asked."""
    return bool(_YES.fullmatch(message.strip()))


def yes_with(message: str) -> str | None:
    """What follows the acceptance in "yes please, for saturday"; None when the message does
    not open with one or is nothing more."""
    m = _YES.match(message.strip())
    rest = message.strip()[m.end() :] if m is not None else ""
    return rest or None


# "but call it 'email landlord about the leak', high priority": the title to add instead.
_CALL_IT = re.compile(
    r"\W*(?:but\s+)?(?:call|name|title)\s+it\s+(?:'(?P<q>[^']+)'|\"(?P<dq>[^\"]+)\"|(?P<t>[^,.;!?]+))",
    re.IGNORECASE,
)


def called_it(rest: str) -> tuple[str, str] | None:
    """The title a yes names ("call it 'X'") and what it says after it; None when it names none."""
    m = _CALL_IT.match(rest)
    if m is None:
        return None
    return (m.group("q") or m.group("dq") or m.group("t")).strip(), rest[m.end() :]


# "no no, just venting, I'll sort it myself": a no that goes on without a request of its own.
_NO_LEAD = re.compile(r"(?:(?:no|nope|nah|not\s+really)\b[\s!.,]*)+", re.IGNORECASE)


def is_no(message: str) -> bool:
    """Whether `message` declines the question asked."""
    return bool(_NO.match(message.strip()))


def no_with(message: str) -> str | None:
    """What follows the refusal in "no no, just venting"; None when the message does not open
    with one or is nothing more."""
    m = _NO_LEAD.match(message.strip())
    rest = message.strip()[m.end() :] if m is not None else ""
    return rest or None
