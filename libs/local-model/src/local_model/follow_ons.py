"""Follow-ons: a message that continues the conversation rather than making a request of its
own. An answer to "which one do you mean?", the same change again on another task ("and
'X' too"), a correction ("sorry, I meant monday not friday") and a list's follow-on ("and
tomorrow?") are read together with the request the last reply answered."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from .asking import asked_intent, called_it, is_no, is_yes, no_with, yes_with
from .dates import SHIFT_AMOUNT
from .frame_patterns import FILLER
from .intents import TARGETED, Target, Understanding
from .message_text import Msg, dates_in, prepare, skip_all
from .references import (
    HistoryMessage,
    clarification_options,
    last_said,
    latest_numbered_list,
    quoted_titles,
)
from .rule_reading import read, resolve_pronoun
from .slot_patterns import PRONOUN_TITLE
from .targets import quoted_title, read_target
from .task_fields import TaskFields, task_fields

__all__ = [
    "answer_to_question",
    "clarification_answer",
    "fields_for_last_task",
    "mistake_noticed",
    "narrowed_list",
    "said_fields",
    "said_instead",
    "same_again",
]


def clarification_answer(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """When the previous reply asked which task was meant, a bare answer ("the second one",
    "the oat milk one") continues the request that raised the question."""
    index = last_said(history, "assistant")
    if index is None or clarification_options(history[index].text) is None:
        return None
    request = last_said(history, "user", index)
    if request is None:
        return None
    msg = prepare(message)
    start = skip_all(FILLER, msg.masked, 0, len(msg.masked))
    if len(msg.masked[start:].split()) > 8:
        return None
    # "the electricity one, to friday": the task, then what to give it.
    comma = msg.masked.find(",", start)
    fields = said_fields(msg.masked[comma + 1 :], today) if comma > start else None
    answer = read_target(msg, start, comma if fields is not None else len(msg.masked))
    earlier, _, _ = read(history[request].text, history[:request], today)
    if earlier.intent not in TARGETED:
        return None
    earlier.target = answer
    if fields is not None and earlier.intent == "update_task":
        earlier.due = fields.due or earlier.due
        earlier.priority = fields.priority or earlier.priority
    return earlier


_SAME_AGAIN = re.compile(
    r"(?:(?:and|also|oh\s+and|plus)\s+)?(?P<t>.+?)\s+(?:too|as\s+well)[\s.!]*"
    r"|(?:same\s+(?:for|with)|ditto\s+(?:for|with)|and\s+also)\s+(?P<t2>.+?)[\s.!]*"
    # "and #6", "and the third one", "and the dentist one": a task by its number or its words.
    r"|(?:(?:and|also|plus)\s+)?(?P<t3>(?:#|task\s+|number\s+|no\.?\s*)\d+"
    r"|the\s+(?:\w+\s+){1,3}one)[\s.!?]*"
)
_AND = re.compile(r"\W*(?:and|also|plus)\b")
# "the home tag", "#home"
_TAG_NAMED = re.compile(
    r"(?:the\s+)?(?=#|[a-z][\w-]*\s+(?:tag|label)\b)#?(?P<tag>[a-z][\w-]*)(?:\s+(?:tag|label))?"
)


def _request_answered(history: Sequence[HistoryMessage], today: date) -> Understanding | None:
    """The reading of the user's request the last reply answered (tool outputs and the task
    cards shown may come between them); None when that reply asked a question."""
    if not history or history[-1].role != "assistant" or "?" in history[-1].text:
        return None
    index = last_said(history, "user")
    if index is None:
        return None
    earlier, _, _ = read(history[index].text, history[:index], today)
    return earlier


def same_again(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """ "and 'cancel the milk delivery' too" after a change was carried out: the same change
    of another task; after a task was added, another task."""
    msg = prepare(message)
    start = skip_all(FILLER, msg.masked, 0, len(msg.masked))
    m = _SAME_AGAIN.fullmatch(msg.masked, start)
    if m is not None and m.group("t3") is not None and not _AND.match(msg.masked):
        m = None  # a bare "the third one" is no follow-on: "and the third one" is
    earlier = _request_answered(history, today) if m is not None else None
    if m is None or earlier is None:
        return None
    span = m.span(next(g for g in ("t", "t2", "t3") if m.group(g) is not None))
    if earlier.intent == "add_task" and m.group("t3") is None:
        fields = task_fields(msg, *span, today)
        if fields.title is None or PRONOUN_TITLE.fullmatch(fields.title.lower()):
            return None
        return Understanding(
            "add_task",
            title=fields.title,
            due=fields.due,
            priority=fields.priority,
            tags=fields.tags,
            description=fields.description,
        )
    tag = _TAG_NAMED.fullmatch(msg.masked, *span)
    if earlier.intent == "list_tasks" and earlier.tag and tag is not None:
        # "same for the home tag" after the tasks tagged work
        return Understanding("list_tasks", tag=tag.group("tag"))
    if earlier.intent not in TARGETED:
        return None
    target = quoted_title(msg, *span) or read_target(msg, *span)
    if _OTHER.fullmatch(target.text.lower()):
        target = _the_other(earlier.target, history) or target
    if target.kind == "pronoun":
        return None
    earlier.target = target
    return earlier


_OTHER = re.compile(r"other(?:\s+one)?")


def _the_other(done: Target | None, history: Sequence[HistoryMessage]) -> Target | None:
    """ "same for the other one" after one of two listed tasks was changed: the one left."""
    shown = latest_numbered_list(history)
    if done is None or shown is None or len(shown) != 2:
        return None
    said = done.text.lower()
    left = [
        t
        for t in shown
        if not (str(t.n) == said if done.kind == "number" else said in t.title.lower())
    ]
    return Target("title", left[0].title, left[0].task_id) if len(left) == 1 else None


_MEANT = re.compile(
    r"(?:i\s+meant|i\s+mean|i\s+said|make\s+(?:that|it)|change\s+(?:that|it)\s+to"
    # "no wait not tomorrow, thursday"
    r"|(?P<not>not\s+[^,]+,))\s*(?P<v>.+)"
)
_SAID_NOT = re.compile(r",?\s+(?:not|instead\s+of|rather\s+than)\s+")
_SAID_AGAINST = re.compile(r"(?:not|instead\s+of|rather\s+than)\s+$")
_RENAME_ASIDE = re.compile(
    r"\s*[,;.-]\s*(?:fix|change|correct|update|rename)\s+(?:the\s+)?(?:name|title|it)\b.*$"
)
_ONLY_AGAINST = re.compile(r"(?:(?:not|instead\s+of|rather\s+than)\b.*)?")
_NARROWED = re.compile(r"(?:just|only)\s+(?:the\s+|my\s+)?\S.*")
_AND_WHAT_ABOUT = re.compile(
    r"(?:(?:ok|okay|right|cool|so)[\s,]+)?(?:and|what\s+about|how\s+about|now)\s+(?P<v>.+?)[\s?.!]*"
)
# "tomorrow then?" after the tasks due today
_THEN = re.compile(r"(?P<v>.+?)\s+then[\s?.!]*")
# "and home?", "now the home ones": a tag like the one the list just shown was filtered by.
_OTHER_TAG = re.compile(r"(?:the\s+)?#?(?P<tag>[a-z][\w-]*)(?:\s+(?:ones|stuff|tasks|things))?")
# "and the day after?" after the tasks due on a day
_DAY_NEXT = re.compile(r"the\s+day\s+(?P<way>after|before)")


_MEANT_THE = re.compile(r"i\s+meant\s+(?:the|my|our)\s")
_CLAUSE_OR_NOT = re.compile(r"[,;.!?]|\s+(?:not|instead)\b")


def _other_task_meant(msg: Msg, meant: re.Match[str] | None, today: date) -> Target | None:
    """The task "I meant the …" names in its first clause ("I meant the vet appointment, …"), or
    None when it names a date or a field instead ("I meant friday", "I meant high priority")."""
    if meant is None or not _MEANT_THE.match(meant.group(0)):
        return None
    start = meant.start("v")
    stop = _CLAUSE_OR_NOT.search(msg.masked, start)
    end = stop.start() if stop else len(msg.masked)
    said = task_fields(msg, start, end, today)
    if not said.title or said.due or said.priority or PRONOUN_TITLE.fullmatch(said.title.lower()):
        return None
    target = read_target(msg, start, end)
    return target if target.kind == "title" else None


def said_instead(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """A correction or a follow-on of the request just answered: "sorry, I meant monday not
    friday" after a due date was changed moves it again; "and tomorrow?" after a list lists
    that day."""
    msg = prepare(message)
    s = msg.masked
    meant = _MEANT.match(s, skip_all(FILLER, s, 0, len(s)))
    follow = _AND_WHAT_ABOUT.fullmatch(s.strip()) or _THEN.fullmatch(s.strip())
    # Only a message that corrects or follows on is worth reading the earlier request for.
    earlier = _request_answered(history, today) if meant is not None or follow is not None else None
    if earlier is None:
        return None
    # The task just added is "it": the title its reply stored, which may differ from the
    # words the user said ("add call the accountant" -> "Created task 'Call Tom'").
    changed = earlier.target or (
        Target("pronoun", "it") if earlier.intent == "add_task" and earlier.title else None
    )
    other = _other_task_meant(msg, meant, today) if earlier.intent in TARGETED else None
    if other is not None:
        # "sorry I meant the vet appointment, that's the one that should go to tuesday": the
        # same change, of the task named now.
        earlier.target = other
        return earlier
    if meant is not None and earlier.intent in ("add_task", "update_task") and changed is not None:
        dates = [
            d
            for d in dates_in(msg, today, meant.start("v"), len(s))
            if not _SAID_AGAINST.search(s, 0, d.start)
        ]
        # "sorry I meant thursday not tomorrow" after adding or moving a task moves it; after
        # adding, only when nothing but dates is said ("I meant pick up the kids friday" renames).
        if dates and (
            earlier.intent == "update_task"
            or _ONLY_AGAINST.fullmatch(
                task_fields(msg, meant.start("v"), len(s), today).title or ""
            )
        ):
            return Understanding("update_task", target=changed, due=dates[0].value)
    # "not today, i'm busy" says no new name: only "not tomorrow, thursday" moves the task.
    if (
        meant is not None
        and not meant.group("not")
        and earlier.intent == "add_task"
        and earlier.title
    ):
        # "ugh i meant pick up mum's prescription, fix the name": the task just added, renamed.
        aside = _RENAME_ASIDE.search(s, meant.start("v"))
        said_end = aside.start() if aside else len(s)
        against = _SAID_NOT.search(s, meant.start("v"), said_end)  # "..., not call tom"
        said = task_fields(msg, meant.start("v"), against.start() if against else said_end, today)
        # "make that a day earlier" moves the task; it does not rename it.
        moved = SHIFT_AMOUNT.search(s, meant.start("v")) is not None
        if said.title and not said.due and not moved:
            return Understanding(
                "update_task", target=Target("pronoun", "it"), new_title=said.title
            )
    if earlier.intent == "list_tasks" and follow is not None:
        again, _, _ = read(message, history, today, forced="list_tasks")
        if again.due_on or again.due_before or again.tag or again.status or again.overdue:
            return again
        asked = follow.group("v")
        tag = _OTHER_TAG.fullmatch(asked)
        if earlier.tag and tag is not None:
            # "and home?" after the tasks tagged work: the tasks tagged home.
            return Understanding("list_tasks", tag=tag.group("tag"))
        day = _DAY_NEXT.fullmatch(asked)
        if earlier.due_on and day is not None:
            step = timedelta(days=1 if day.group("way") == "after" else -1)
            return Understanding("list_tasks", due_on=earlier.due_on + step)
    return None


def narrowed_list(
    message: str, listed: Understanding, history: Sequence[HistoryMessage], today: date
) -> None:
    """ "just the pending ones" right after the tasks due this week lists those of them: the
    filters of the list just shown are kept beside the ones `listed` reads now."""
    if _NARROWED.fullmatch(prepare(message).masked.strip()) is None:
        return
    earlier = _request_answered(history, today)
    if earlier is None or earlier.intent != "list_tasks":
        return
    listed.status = listed.status or earlier.status
    listed.due_on = listed.due_on or earlier.due_on
    listed.due_before = listed.due_before or earlier.due_before
    listed.overdue = listed.overdue or earlier.overdue
    listed.tag = listed.tag or earlier.tag
    listed.priority = listed.priority or earlier.priority


# What may come before the fields alone: "for next friday", "make it asap", "due monday please".
_FIELD_LEAD = re.compile(
    r"(?:(?:and|but|oh|also|actually|ok|okay|sorry|hmm|so|make\s+(?:it|that)|set\s+(?:it|that)"
    r"|move\s+(?:it|that)|change\s+(?:it|that)|put\s+(?:it|that)(?:\s+down)?|add\s+it|due|for|on|by|to|at"
    r"|it's|its|it\s+is)\b[\s,]*)*"
)


# What may come after them: "friday is better", "dec 23 so", "monday works better".
_FIELD_TAIL = re.compile(
    r"(?:[\s,]+(?:so|then|instead|is\s+better|works\s+better|would\s+be\s+better|is\s+fine"
    r"|works|is\s+good))+\W*$"
)


def fields_for_last_task(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """A message of fields alone ("for next friday", "asap please", "low priority") right after
    a task was added or changed gives them to that task; read alone, it would add a task
    without a title."""
    fields = said_fields(message, today) if history else None
    if fields is None:
        return None
    earlier = _request_answered(history, today)
    if earlier is None or earlier.intent not in ("add_task", "update_task"):
        return None
    # "it": the task as the last reply names it, as stored ("Created task 'Sort out the loft'").
    return Understanding(
        "update_task",
        target=Target("pronoun", "it"),
        due=fields.due,
        priority=fields.priority,
        ask="?" in message,
    )


def said_fields(message: str, today: date) -> TaskFields | None:
    """The due date and priority of a message that says nothing else ("for next friday",
    "make it asap", "add it, tomorrow"); None when it says more."""
    msg = prepare(message)
    s = msg.masked
    start = skip_all(_FIELD_LEAD, s, skip_all(FILLER, s, 0, len(s)), len(s))
    tail = _FIELD_TAIL.search(s, start)
    fields = task_fields(msg, start, tail.start() if tail else len(s), today)
    if fields.title is not None or not (fields.due or fields.priority):
        return None
    return fields


# "oops", "not that one", "forget it" right after a change: the change was not wanted.
_MISTAKE = re.compile(
    r"\W*(?:oops|whoops|oh\s+no|not\s+that\s+one|wrong\s+one|that's\s+wrong|that's\s+not\s+right"
    r"|forget\s+(?:it|that)|i\s+didn't\s+mean\s+that)[\s!.,]*$",
    re.IGNORECASE,
)
_UNDOABLE = frozenset(
    {"add_task", "complete_task", "reopen_task", "update_task", "delete_task", "clear_completed"}
)


def mistake_noticed(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """ "oops" or "not that one" right after a change: asked about as undoing it (read alone,
    "forget it" was asked about as adding a task called "forget it")."""
    if not history or _MISTAKE.match(message) is None:
        return None
    earlier = _request_answered(history, today)
    if earlier is None or earlier.intent not in _UNDOABLE:
        return None
    return Understanding("undo", ask=True)


def answer_to_question(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """A reply to the assistant's own question ("Do you want me to add 'X' …?"): a yes carries
    out the request asked about, with what it adds ("yes, for saturday", "yeah but call it
    'Y'"); a no, or a no that asks for nothing, is small talk. None for any other message."""
    asked = asked_intent(history)
    if asked is None:
        return None
    intent, index = asked
    more = yes_with(message) if intent in ("add_task", "update_task") else None
    named = called_it(more) if more is not None and intent == "add_task" else None
    fields = said_fields(named[1] if named else more, today) if more is not None else None
    if is_yes(message) or fields is not None or named is not None:
        reading, _, _ = read(history[index].text, history[:index], today, forced=intent)
        resolve_pronoun(reading, history[:index], today)
        proposed = quoted_titles(history[-1].text) if history[-1].role == "assistant" else []
        if intent == "add_task" and len(proposed) == 1:
            # The user said yes to the title the question showed.
            reading.title = proposed[0]
        if named is not None:
            reading.title = named[0]
        if fields is not None:
            reading.due = fields.due or reading.due
            reading.priority = fields.priority or reading.priority
        return reading
    if is_no(message):
        return Understanding("none")
    rest = no_with(message)
    if rest is not None and read(rest, history, today)[0].intent == "none":
        return Understanding("none")
    return None
