"""Rule frames: which intent a clause states and where its argument lies.

A command verb at the start of a clause ("add ...", "delete ...", "mark ... done") is strongest,
a cue elsewhere ("... is done") weaker, a bare phrase with a date ("milk tmrw") weakest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .frame_patterns import (
    ADD_HEADS,
    ADD_PRONOUN,
    ADD_TO_UPDATE,
    CANCEL_HEAD,
    CLEAR,
    CLEAR_BARE,
    CLEAR_WHAT_DONE,
    CLOCK_QUESTION,
    COMPLETE_CUES,
    COMPLETE_HEADS,
    DELETE_HEAD,
    DELETE_OFF_LIST,
    FILLER,
    FINISH_HEAD,
    HELP_ABOUT,
    HELP_ANY,
    HELP_ASKED,
    HELP_HEAD,
    LIST_HEAD,
    LIST_NOUN_START,
    MANAGE_AFTER_OBLIGATION,
    OBLIGATION,
    PUT_AT_PRIORITY,
    QUESTION_START,
    REOPEN_AGAIN,
    REOPEN_HEAD,
    REOPEN_MARK,
    REOPEN_MISTAKE,
    SIGN_OFF,
    SMALL_TALK,
    TAKE_OFF,
    TASK_VERBS,
    TASK_WORDS,
    UNDO,
    UNDO_ANY,
    UPDATE_CLEAR_DUE,
    UPDATE_HEAD,
)
from .intents import Intent
from .message_text import Msg, dates_in, skip_all
from .slot_patterns import PRIORITY
from .task_fields import bare_priority
from .told_frames import (
    DELETE_CUE,
    DONE_PILE,
    DUE_TOLD,
    GOES,
    ITEM_NEEDED,
    NEWS,
    NOTE_TOLD,
    PRIORITY_NAMED,
    PRIORITY_TOLD,
    RENAME_CUE,
    REOPEN_CUE,
    TAG_COMMAND,
    TAGS_TOLD,
)
from .vocabulary import VOCABULARY

FIELD_NAMED = 3.2
"""The strength of a frame that names the field it changes ("add a note to …", "remove the
due date from …"): its words belong to no other request, so the classifier never outvotes it."""


@dataclass(slots=True)
class Hit:
    intent: Intent
    strength: float
    start: int
    end: int
    arg: int = -1
    target: tuple[int, int] | None = None
    priority: str | None = None

    @property
    def bare(self) -> bool:
        """Whether its target is empty: a "done" that names no task."""
        return self.target is not None and self.target[0] >= self.target[1] - 1


# The marks after "add this" that announce the title to follow (`title_announcers`).
_ANNOUNCED = re.compile(
    r"(?:\s+(?:quickly|quick|real\s+quick|please|pls|for\s+me|now|too|as\s+well))*"
    rf"\s*[{''.join(re.escape(mark) for mark in VOCABULARY['title_announcers'])}]+\s*(?=\w)"
)
_PLACING_VERBS = frozenset({"put", "stick", "pop", "add", "chuck", "bung", "whack", "write", "jot"})
_ONTO_LIST = re.compile(
    r"(?P<verb>(?!(?:take|get|cross|strike|knock|tick|check|move|remove|delete|push|postpone|prepone"
    r"|reschedule|rename|change|set|mark|make|what|whats|show|list|find|search|look|is|are|do"
    r"|does|anything|any|which|how|see|view|display|tell|give)\b)[a-z]+"
    r"(?:\s+(?:down|in|up))?)\s+(?!(?:it|them|that|this)\b)(?!(?:\S+\s+)*?back\s+(?:on|onto|to|in)\b).+?\s+(?:on|onto|to|in)(?:to)?\s+"
    r"(?:my|the|our)\s+(?:todo\s+|to-do\s+|to\s+do\s+|task\s+|shopping\s+)?(?:list|tasks|todos)\b"
)


_DAY_PREPOSITION = re.compile(r"(?:on|by|for)\s+")
_GAP = re.compile(r"[\s,]*")


def _after_leading_date(msg: Msg, start: int, end: int, today: date) -> int:
    """Where the words after a date that opens the clause begin ("in a week [remind me to
    ...]", "on friday, [add ...]"); `start` when no date opens it."""
    s = msg.masked
    preposition = _DAY_PREPOSITION.match(s, start, end)
    at = preposition.end() if preposition is not None else start
    first = next(iter(dates_in(msg, today, at, end)), None)
    if first is None or first.start != at:
        return start
    return _GAP.match(s, first.end, end).end()  # type: ignore[union-attr]  # [\s,]* always matches


_TOLD_END = re.compile(
    r"(?:\s+(?:actually|now|btw|though|too|then|as\s+well|on\s+second\s+thoughts?))*[\s.!]*"
)
_LEADING_TAGS = re.compile(r"#[a-z][\w-]*\s+")
_LEAD_IN = re.compile(rf"(?:{FILLER.pattern})|[\s,.;:!?-]+")


def _opens_message(s: str, pos: int) -> bool:
    """Whether only lead-ins and punctuation come before `pos`."""
    return skip_all(_LEAD_IN, s, 0, pos) >= pos


_AFTER_SO = re.compile(r".*\s(?:so|which\s+means)\s+(?=\S)")


def _short(s: str, start: int, end: int) -> bool:
    """Whether a cue's subject is short enough to name a task, not tell a story."""
    return len(s[start:end].split()) <= 7


def classify_clause(msg: Msg, start: int, end: int, today: date) -> Hit | None:
    s = msg.masked
    # "#work add review the contract": tags said first, then the request.
    pos = skip_all(FILLER, s, skip_all(_LEADING_TAGS, s, start, end), end)
    if pos >= end:
        if SMALL_TALK.match(s, start, end):
            return Hit("none", 1, start, end)
        return None
    if CLOCK_QUESTION.match(s, pos, end):
        return Hit("none", 3, start, end)
    if len(msg.spans) == 1 and NEWS.match(s, pos, end):
        return Hit("none", FIELD_NAMED, start, end)
    if SIGN_OFF.match(s, pos, end):
        # Says how the user is, so no classifier lean turns it into a change.
        return Hit("none", FIELD_NAMED, start, end)
    if HELP_ABOUT.match(s, pos, end):
        return Hit("help", FIELD_NAMED, start, end)
    obligation = OBLIGATION.match(s, pos, end)
    body = obligation.end() if obligation else pos

    def hit(intent: Intent, strength: float, **kwargs: object) -> Hit:
        found = Hit(intent, strength, start, end)
        for key, value in kwargs.items():
            setattr(found, key, value)
        return found

    if obligation is not None and not MANAGE_AFTER_OBLIGATION.match(s, body, end):
        return hit("add_task", 2.5, arg=body)
    if ADD_TO_UPDATE.match(s, body, end):
        return hit("update_task", FIELD_NAMED, arg=body)
    if PUT_AT_PRIORITY.match(s, body, end):
        return hit("update_task", 3, arg=body)
    pronoun = ADD_PRONOUN.match(s, body, end)
    if pronoun is not None and not re.match(r"\w+\s+\w+\s+to\s+(?:task|#|\d)", s[body:end]):
        # "add this: mow the lawn": the pronoun announces the title after the colon.
        announced = _ANNOUNCED.match(s, pronoun.end(), end)
        if announced is not None:
            return hit("add_task", 3, arg=announced.end())
        return hit("add_task", 2.8, arg=-2)
    onto = _ONTO_LIST.match(s, body, end)
    if onto is not None and REOPEN_MARK.match(s, body, end) is None:
        # "put milk on my list" names where the task goes: "list" is no request to see it.
        placed = onto.group("verb").split()[0] in _PLACING_VERBS
        return hit("add_task", FIELD_NAMED if placed else 3, arg=onto.end("verb"))
    if DUE_TOLD.match(s, body, end) and dates_in(msg, today, body, end):
        return hit("update_task", 3, arg=body)
    opening_tags_or_note = (NOTE_TOLD.match(s, body, end) or TAG_COMMAND.match(s, body, end)) and (
        _opens_message(s, body)  # not "add X. note: Y", "make it wednesday, and tag it work"
    )
    if TAGS_TOLD.match(s, body, end) or opening_tags_or_note:
        return hit("update_task", FIELD_NAMED, arg=body)
    told = PRIORITY_TOLD.match(s, body, end)
    if told is not None and _opens_message(s, body) and _TOLD_END.fullmatch(s, told.end(), end):
        # Only when nothing comes before and no title is announced after: "water the
        # tomatoes wednesday, it's urgent" and "it's important: renew passport" are a new task's.
        # It names the field it changes, so it is not outvoted ("not urgent actually" is no
        # reopening).
        return hit("update_task", FIELD_NAMED, arg=body)
    if PRIORITY_NAMED.match(s, body, end) and _opens_message(s, body):
        return hit("update_task", 3, arg=body)
    pile = DONE_PILE.match(s, body, end)
    if pile is not None:
        return hit("complete_task", 3, target=pile.span("t" if pile.group("t") else "t2"))
    after_date = _after_leading_date(msg, body, end, today)
    for pattern in ADD_HEADS:
        m = pattern.match(s, body, end) or pattern.match(s, after_date, end)
        if m is not None:
            prio = m.groupdict().get("prio")
            word = prio.split()[0].split("-")[0] if prio else None
            return hit("add_task", 3, arg=m.end(), priority=bare_priority(word) if word else None)
    if UNDO.match(s, body, end) and not re.match(r"\w+\s+(?:task\b|#|\d)", s[body:end]):
        return hit("undo", 3)
    if (
        CLEAR.match(s, body, end)
        or CLEAR_BARE.match(s, body, end)
        or CLEAR_WHAT_DONE.search(s, body, end)
    ):
        return hit("clear_completed", 3)
    if HELP_HEAD.match(s, body, end):
        return hit("help", 3)
    if UPDATE_CLEAR_DUE.match(s, body, end):
        return hit("update_task", FIELD_NAMED, arg=body)
    m = REOPEN_MISTAKE.match(s, body, end)
    if m is not None:
        # A cue the classifier was never taught: it is not overruled silently.
        return hit("reopen_task", FIELD_NAMED, target=m.span("t" if m.group("t") else "t2"))
    m = REOPEN_MARK.match(s, body, end) or REOPEN_AGAIN.match(s, body, end)
    if m is not None:
        return hit("reopen_task", 3, target=m.span("t" if m.group("t") else "t2"))
    m = REOPEN_HEAD.match(s, body, end)
    if m is not None:
        # "un-tick X" and "reopen X" name only this change: never outvoted.
        explicit = re.match(r"(?:re-?open|un-?\w+)\b", s[body:end]) is not None
        return hit("reopen_task", FIELD_NAMED if explicit else 3, target=(m.end(), end))
    for pattern in COMPLETE_HEADS:
        m = pattern.match(s, body, end)
        if m is not None:
            t_start, t_end = m.span("t" if m.group("t") is not None else "t2")
            if pattern is FINISH_HEAD and (
                dates_in(msg, today, t_start, end)
                or re.match(r"\s*(?:setting|the\s+setup)", s[t_start:t_end])
            ):
                break
            return hit("complete_task", 3, target=(t_start, t_end))
    m = (
        DELETE_HEAD.match(s, body, end)
        or CANCEL_HEAD.match(s, body, end)
        or DELETE_OFF_LIST.match(s, body, end)
    )
    if m is not None:
        return hit("delete_task", 3, target=(m.end(), end))
    m = TAKE_OFF.match(s, body, end)
    if m is not None:
        return hit("delete_task", 3, target=m.span("t"))
    if HELP_ASKED.match(s, body, end):
        return hit("help", 3)
    if UPDATE_HEAD.match(s, body, end):
        return hit("update_task", 3, arg=body)
    if LIST_HEAD.match(s, body, end) and (
        not re.match(r"(?:tell|give)\s+me\b|get\b", s[body:end]) or TASK_WORDS.search(s, body, end)
    ):
        return hit("list_tasks", 3)
    if HELP_ANY.search(s, body, end):
        return hit("help", 2.6)
    if (
        QUESTION_START.match(s, body, end) or s[body:end].rstrip().endswith("?")
    ) and TASK_WORDS.search(s, body, end):
        return hit("list_tasks", 2.6)
    if LIST_NOUN_START.match(s, body, end):
        return hit("list_tasks", 2.6)
    if RENAME_CUE.match(s, body, end):
        return hit("update_task", 2.5, arg=body)
    m = REOPEN_CUE.match(s, body, end)
    if m is not None:
        not_done = m.span("t" if m.group("t") is not None else "t2")
        if _short(s, *not_done):
            return hit("reopen_task", 2.5, target=not_done)
    m = GOES.match(s, body, end)
    if m is not None and _short(s, *m.span("t")):
        return hit("delete_task", 2.5, target=m.span("t"))
    m = ITEM_NEEDED.match(s, body, end)
    if m is not None and _short(s, m.end(), end):
        return hit("add_task", 2.5, arg=m.end())
    m = DELETE_CUE.match(s, body, end)
    if m is not None and _short(s, *m.span("t" if m.group("t") else "t2")):
        return hit("delete_task", 2.5, target=m.span("t" if m.group("t") else "t2"))
    for pattern in COMPLETE_CUES:
        m = pattern.match(s, body, end)
        if m is not None:
            # "they just called me back so that one's done": the subject is after the "so".
            subject = _AFTER_SO.search(s, *m.span("t"))
            t_start = subject.end() if subject is not None else m.start("t")
            if _short(s, t_start, m.end("t")):
                return hit("complete_task", 2.5, target=(t_start, m.end("t")))
    if UNDO_ANY.search(s, body, end):
        return hit("undo", 2.5)
    question = bool(QUESTION_START.match(s, body, end)) or s[pos:end].rstrip().endswith("?")
    if obligation is not None and not question:
        return hit("add_task", 2, arg=body)
    if SMALL_TALK.match(s, body, end):
        return hit("none", 1)
    if question:
        return None
    first = re.match(r"[\w'-]+", s[body:end])
    has_modifier = bool(dates_in(msg, today, body, end)) or bool(PRIORITY.search(s, body, end))
    if has_modifier or (first is not None and first.group(0) in TASK_VERBS):
        return hit("add_task", 1.5, arg=body)
    return None


def choose(hits: list[Hit]) -> Hit | None:
    best: Hit | None = None
    for found in hits:
        if best is None or found.strength > best.strength:
            best = found
    if best is not None and best.intent == "none":
        # "I'm back, add call mum": a request in another clause is what the message asks; a bare
        # "done" beside how the user is ("done! back now") is about the user, not a task.
        request = choose(
            [h for h in hits if h.intent != "none" and h.strength >= 2.5 and not h.bare]
        )
        best = request or best
    if best is not None and best.intent == "undo":
        # "X isn't finished, put it back": the cue names the task, "put it back" reopens it.
        reopen = next((h for h in hits if h.intent == "reopen_task" and h.target), None)
        if reopen is not None:
            return reopen
    return best
