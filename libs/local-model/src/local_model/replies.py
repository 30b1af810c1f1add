"""The assistant's sentences, built only from what the tools returned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from .dates import format_day
from .frame_patterns import CLOCK_QUESTION, FILLER, SIGN_OFF, WEARY
from .message_text import prepare, skip_all
from .references import CLARIFY_MARKER, TITLE_QUESTION
from .rule_reading import asks_for_nothing
from .told_frames import NEWS
from .understanding import Understanding

__all__ = [
    "HELP",
    "TITLE_QUESTION",
    "added",
    "clarify",
    "cleared",
    "completed",
    "confirm",
    "deleted",
    "help_answer",
    "listed",
    "not_found",
    "reopened",
    "small_talk",
    "tool_error",
    "tool_missing",
    "undone",
    "updated",
]

HELP = (
    'I can manage your tasks: add them ("add pay rent on Friday, high priority"), list them '
    '("what\'s due this week?", "show completed"), mark them done or reopen them, change a '
    "title, due date, priority or tags, delete them, clear completed ones, and undo my last change."
    "\nSome things to try:\n"
    '- "remind me to call the bank tomorrow #finance"\n'
    '- "what\'s overdue?" or "show my work tasks"\n'
    '- "I finished the expense report" or "the second one is done"\n'
    '- "push the dentist appointment back a week" or "rename it to call the dentist"\n'
    '- "what should I focus on today?"\n'
    "If I'm not sure what you mean, I'll ask before changing anything, "
    'and "undo" takes back my last change.'
)
# A help question about one thing gets the answer about it, not the whole list.
_HELP_TOPICS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(?:delet|remov)\w*\b.*\bclear|\bclear\w*\b.*\b(?:delet|remov)|\bclear\w*\s+(?:the\s+)?"
            r"(?:completed|finished|done)",
            re.I,
        ),
        "Deleting removes the one task you name; clearing completed removes every task you've "
        'marked done. I ask you to confirm either first, and "undo" brings them back.',
    ),
    (
        re.compile(r"\b(?:recurr\w*|repeat\w*|every\s+(?:day|week|month))\b", re.I),
        "Repeating tasks aren't supported yet: a task has one due date. I can add it for its "
        'next date ("add water the plants on Sunday"), and you can add the next one when it\'s '
        "done.",
    ),
    (
        re.compile(r"\bundo\b", re.I),
        '"undo" takes back my last change in this conversation: an add, a completion, an edit, '
        "a deletion or a clear. Say it again to go back one more step; a change can be undone "
        "for 10 minutes.",
    ),
    (
        re.compile(r"\bpriorit(?:y|ies)\b", re.I),
        'Each task is low, normal or high priority (normal unless you say). Say "add pay rent, '
        'high priority" or "make it urgent", and "show high priority tasks" lists them.',
    ),
    (
        re.compile(r"\btag", re.I),
        'Tags group tasks: "add pay rent #home" or "tag it work", then "show my work tasks" or '
        '"what\'s tagged home?" lists them.',
    ),
    (
        re.compile(r"\bsub-?tasks?\b|\bshar(?:e|ed|ing)\b", re.I),
        "Subtasks and shared lists aren't supported: each task stands on its own and is yours "
        "alone.",
    ),
)
_UNKEPT = {
    "time": "times of day aren't stored yet, so I kept the date only",
    "recurrence": "repeating tasks aren't supported yet, so I set it once",
}


def _day(value: object, today: date) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return format_day(date.fromisoformat(value), today)
    except ValueError:
        return None


def _title(task: dict[str, Any]) -> str:
    return str(task.get("title", "")).strip() or "(untitled)"


def unkept(what: Sequence[str]) -> str:
    """The sentence saying which stated details were not kept (empty when none)."""
    parts = [_UNKEPT[w] for w in what if w in _UNKEPT]
    if not parts:
        return ""
    text = "; ".join(parts)
    return " Note: " + text[0].lower() + text[1:] + "."


def other_language(language: str, *, helping: bool = False) -> str:
    """A friendly English answer to a message in another language; with ``helping``, to a
    request for help in it, followed by the help."""
    seems = f"That looks like {language}" if language[0].isupper() else "That message looks like"
    tail = "." if language[0].isupper() else f" it is in {language}."
    if helping:
        return f"{seems}{tail} Sorry — I only understand English for now.\n{HELP}"
    return (
        f"{seems}{tail} Sorry — I only understand English for now. Could you say it in "
        'English? For example: "add buy milk tomorrow" or "what\'s due today?"'
    )


def focus(tasks: Sequence[dict[str, Any]], today: date) -> str:
    """What to focus on: overdue tasks first, then those due today, then high priority ones."""
    open_tasks = [t for t in tasks if not t.get("completed")]
    if not open_tasks:
        return "You have no open tasks — nothing to focus on. Enjoy the free time!"
    iso = today.isoformat()

    def due(task: dict[str, Any]) -> str:
        value = task.get("due_date")
        return value if isinstance(value, str) else ""

    overdue = [t for t in open_tasks if due(t) and due(t) < iso]
    today_tasks = [t for t in open_tasks if due(t) == iso]
    high = [t for t in open_tasks if t.get("priority") == "high" and t not in overdue + today_tasks]
    lines = []
    if overdue:
        lines.append("Overdue: " + ", ".join(f"'{_title(t)}'" for t in overdue[:5]))
    if today_tasks:
        lines.append("Due today: " + ", ".join(f"'{_title(t)}'" for t in today_tasks[:5]))
    if high:
        lines.append("High priority: " + ", ".join(f"'{_title(t)}'" for t in high[:5]))
    if not lines:
        soon = sorted((t for t in open_tasks if due(t)), key=due)[:3] or open_tasks[:3]
        return (
            "Nothing is overdue or due today. Next up: "
            + ", ".join(
                f"'{_title(t)}'" + (f" (due {_day(t.get('due_date'), today)})" if due(t) else "")
                for t in soon
            )
            + "."
        )
    return "I'd focus on these:\n" + "\n".join(lines)


def help_answer(message: str) -> str:
    """The answer to a question about the assistant: about the one thing it asks, else all."""
    return next((answer for topic, answer in _HELP_TOPICS if topic.search(message)), HELP)


# "happy friday", "merry christmas", "have a good weekend": wished back.
_WELL_WISHED = re.compile(r"(?:happy|merry|have\s+an?\s)")


def small_talk(message: str, today: date) -> str:
    """A short friendly reply to a message that needs no tool, saying what the assistant does."""
    low = message.lower()
    text = prepare(message)
    if low.strip(" !.") in (
        "no",
        "nope",
        "nah",
        "no thanks",
        "never mind",
        "nevermind",
        "cancel",
    ) or asks_for_nothing(text):
        return "OK — I haven't changed anything. What would you like to do?"
    start = skip_all(FILLER, text.masked, 0, len(text.masked))
    if CLOCK_QUESTION.match(text.masked, start):
        day = f"{today.strftime('%A')}, {today.strftime('%B')} {today.day}"
        if "time" in low:
            return f"I can't tell the time here, but today is {day}."
        return f"Today is {day}."
    if any(word in low for word in ("thank", "thx", "cheers", "appreciate", "lifesaver")):
        return "You're welcome! Anything else for your list?"
    if any(
        SIGN_OFF.match(text.masked, skip_all(FILLER, text.masked, start, end), end)
        for start, end in text.spans
    ):
        return _how_the_user_is(low)
    if any(word in low for word in ("bye", "good night", "see you")):
        return "Bye! Your tasks will be here when you're back."
    if len(text.spans) == 1 and NEWS.match(text.masked, start):
        if _WELL_WISHED.match(text.masked, start):
            return "Same to you! Anything I can add to your list?"
        return "Thanks for telling me! If anything from that needs doing, say so and I'll add it."
    if any(
        low.strip(" !.").startswith(word) for word in ("hi", "hey", "hello", "good morning", "yo")
    ):
        return (
            "Hi! I can add, list, complete, update and delete your tasks — "
            'try "add buy milk tomorrow".'
        )
    return (
        "I can only help with your tasks — adding, listing, completing, changing or deleting "
        'them. Try "what\'s due today?" or "add call mom on Sunday".'
    )


def _how_the_user_is(low: str) -> str:
    if "back" in low:
        return "Welcome back! What would you like to do?"
    if "bored" in low:
        return 'Want something to tick off? Try "what\'s due today?".'
    if WEARY.search(low):
        return "Sounds like a long day. When you're ready, try \"what's due today?\"."
    return "Enjoy the rest of your day! Your tasks will be here when you're back."


def added(task: dict[str, Any], today: date) -> str:
    """Reply to add_task's result."""
    parts = [f"Created task '{_title(task)}'"]
    due = _day(task.get("due_date"), today)
    if due:
        parts.append(f"due {due}")
    text = " ".join(parts)
    extras = []
    if task.get("priority") in ("high", "low"):
        extras.append(f"{task['priority']} priority")
    tags = task.get("tags") or []
    if tags:
        extras.append("tagged " + ", ".join(str(t) for t in tags))
    if extras:
        text += " (" + "; ".join(extras) + ")"
    return text + "."


def _describe_filters(request: Understanding, today: date) -> str:
    words = []
    if request.status == "completed":
        words.append("completed")
    elif request.status == "pending":
        words.append("open")
    if request.overdue:
        words.append("overdue")
    noun = " ".join([*words, "tasks"])
    if request.due_on:
        noun += f" due {format_day(request.due_on, today)}"
    if request.due_before:
        noun += f" due by {format_day(request.due_before, today)}"
    if request.tag:
        noun += f" tagged {request.tag}"
    if request.query:
        noun += f" matching '{request.query}'"
    return noun


def listed(tasks: Sequence[dict[str, Any]], more: bool, request: Understanding, today: date) -> str:
    """Reply to list_tasks' result: one sentence with the count.

    The task list widget shows the tasks themselves (numbered, with their state); the reply
    does not repeat them.
    """
    noun = _describe_filters(request, today)
    if not tasks:
        return f"You have no {noun}."
    count = len(tasks)
    label = noun if count != 1 else noun.replace("tasks", "task", 1)
    return f"You have {'at least ' if more else ''}{count} {label}."


def completed(task: dict[str, Any], changed: bool = True) -> str:
    """Reply to complete_task's result; `changed` is False when the task was already done."""
    if not changed:
        return f"'{_title(task)}' was already done — nothing changed."
    return f"Marked '{_title(task)}' as completed."


def reopened(task: dict[str, Any], changed: bool = True) -> str:
    """Reply to reopen_task's result; `changed` is False when the task was still open."""
    if not changed:
        return f"'{_title(task)}' is already open — nothing changed."
    return f"Reopened '{_title(task)}'."


def deleted(task: dict[str, Any]) -> str:
    """Reply to delete_task's result when it ran."""
    return f"Deleted task '{_title(task)}'."


def cleared(count: int) -> str:
    """Reply to clear_completed's result when it ran."""
    if count == 0:
        return "There were no completed tasks to clear."
    return f"Cleared {count} completed task{'s' if count != 1 else ''}."


def confirm(output: dict[str, Any]) -> str:
    """Ask the user to confirm a destructive action with the buttons the gateway shows."""
    task = output.get("task")
    if output.get("action") == "delete_task" and isinstance(task, dict):
        return f"Please confirm deleting '{_title(task)}' with the buttons below."
    count = output.get("count")
    if isinstance(count, int):
        if count == 0:
            return "You have no completed tasks to clear."
        plural = "s" if count != 1 else ""
        return (
            f"This will delete {count} completed task{plural} — "
            "please confirm with the buttons below."
        )
    return "Please confirm with the buttons below."


def updated(task: dict[str, Any], previous: dict[str, Any], today: date) -> str:
    """Reply to update_task's result, naming each field that changed."""
    title = _title(task)
    if "title" in previous:
        head = f"Renamed '{previous['title']}' to '{title}'"
    else:
        head = f"Updated '{title}'"
    changes = []
    if "due_date" in previous:
        due = _day(task.get("due_date"), today)
        changes.append(f"due {due}" if due else "no due date")
    if "priority" in previous:
        changes.append(f"{task.get('priority')} priority")
    if "tags" in previous:
        tags = task.get("tags") or []
        changes.append("tags: " + ", ".join(str(t) for t in tags) if tags else "no tags")
    if "description" in previous:
        changes.append("note updated" if task.get("description") else "note removed")
    if not changes:
        return head + "." if "title" in previous else f"'{title}' already had those details."
    return (
        f"{head}: {'; '.join(changes)}."
        if "title" not in previous
        else f"{head} ({'; '.join(changes)})."
    )


def undone(output: dict[str, Any]) -> str:
    """Reply to undo_last_change's result."""
    what = str(output.get("undone", "")).strip().rstrip(".")
    return f"Undone: {what}." if what else "Undone."


def clarify(target: str, tasks: Sequence[dict[str, Any]], action: str) -> str:
    """Ask which of several plausible tasks is meant, listing them numbered."""
    options = " ".join(f"{i}. '{_title(t)}'" for i, t in enumerate(tasks, start=1))
    return (
        f"I found {len(tasks)} {'task' if len(tasks) == 1 else 'tasks'} matching '{target}': "
        f"{options}. {CLARIFY_MARKER} to {action}?"
    )


def not_found(target: str) -> str:
    """Say that no task matches."""
    return f"I couldn't find a task matching '{target}'. Say \"show my tasks\" to see them all."


def tool_error(text: str) -> str:
    """Relay a tool error in plain words."""
    message = text.strip()
    prefix = "Error executing tool"
    if message.startswith(prefix) and ":" in message:
        message = message.split(":", 1)[1].strip()
    if "nothing to undo" in message.lower():
        return "There is nothing to undo."
    if "no task with id" in message.lower():
        return (
            "I couldn't find that task any more — it may have been deleted. "
            'Say "show my tasks" to see your list.'
        )
    return f"Sorry, that didn't work: {message}"


def tool_missing(tool: str) -> str:
    """Say plainly that a needed tool is not available."""
    return f"Sorry, I can't do that here: the {tool} tool isn't available right now."
