"""The fields of a task to add read from around its frame: the sentence the frame starts
("remind me to pay mum back on oct 1. she's covering the council tax"), the clauses before a
frame that only says "add it" ("need to buy a present for jess, add it for next week"), and a
clause before the frame that is only a priority ("URGENT!!! add ...")."""

from __future__ import annotations

import re
from datetime import date

from .frame_patterns import FILLER, OBLIGATION
from .intent_frames import Hit
from .message_text import Msg, quote_inside, skip_all
from .slot_patterns import DESCRIPTION, PRIORITY, PRONOUN_TITLE
from .task_fields import TaskFields, fields_from_anywhere, priority_value, task_fields

__all__ = ["fields_before", "priority_said_before", "told_in_sentences"]


_TOLD_TO = re.compile(
    rf"(?:^|(?<=\s)){OBLIGATION.pattern}|\b(?:asked|told|wants?|wanted|reminded)\s+(?:me|us)\s+to\s+"
)


# "add it as 'car mot'", not "add it as a task" or "put it as high priority".
_ADD_IT_AS = re.compile(
    r"(?:add|put|save|log)\s+(?:it|this|that)\s+(?:as|called|named|titled)\s+"
    rf"(?!(?:a|an|the|my|one|new|{PRIORITY.pattern})\b)"
)


# The end of a sentence, not of "dr." or "st." ("remind me to call dr. patel").
_SENTENCE_END = re.compile(
    r"(?<!\bno)(?<!\bdr)(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bst)[.!?]+\s+(?=\S)"
)


def told_in_sentences(msg: Msg, start: int, today: date) -> TaskFields:
    """The new task told from `start`: its title from the sentence it starts in, its note,
    date, priority and tags from anywhere after ("remind me to pay mum back on oct 1. she's
    covering the council tax", "add this: follow up with hr. it's important. tag it work.")."""
    s = msg.masked
    whole = task_fields(msg, start, len(s), today)
    stop = _SENTENCE_END.search(s, start)
    if stop is None or quote_inside(msg, stop.end(), len(s)) is not None:
        return whole
    fields = task_fields(msg, start, stop.end(), today)  # with its stop: "thu." is a date
    if fields.title is None or PRONOUN_TITLE.fullmatch(fields.title.lower()):
        # "could you add something for me? i need to call the bank. thanks!": the task is
        # the next sentence, with the fields said anywhere after it.
        after = skip_all(FILLER, s, stop.end(), len(s))
        following = _SENTENCE_END.search(s, after)
        said_end = following.start() if following is not None else len(s)
        told = task_fields(msg, after, following.end() if following else len(s), today)
        if told.title is None:
            return whole
        fields_from_anywhere(msg, said_end, len(s), today, told)
        return told
    rest = task_fields(msg, stop.start(), len(s), today)
    note = DESCRIPTION.search(s, stop.start())
    fields_from_anywhere(msg, stop.start(), note.start() if note else len(s), today, fields)
    fields.description = fields.description or rest.description
    fields.due = fields.due or rest.due
    fields.priority = fields.priority or rest.priority
    fields.tags = fields.tags or rest.tags
    return fields


def fields_before(msg: Msg, spans: list[tuple[int, int]], best: Hit, today: date) -> TaskFields:
    """The task the clauses before the frame `best` say ("need to buy a present for jess, add
    it for next week"), with the date, priority and tags said around it; or the title the
    frame gives it ("the car needs its mot on friday, add it as 'car mot'")."""
    clause_index = next(i for i, sp in enumerate(spans) if sp[0] == best.start)
    end = spans[clause_index - 1][1] if clause_index > 0 else best.start
    s = msg.masked
    start = skip_all(FILLER, s, spans[0][0], end)
    around = TaskFields()
    named = _ADD_IT_AS.search(s, best.start, best.end)
    if named is not None:
        fields = task_fields(msg, named.end(), best.end, today)
        if fields.title is not None:
            fields_from_anywhere(msg, start, end, today, around)
            fields_from_anywhere(msg, best.end, len(s), today, around)
            fields.due = fields.due or around.due
            fields.priority = fields.priority or around.priority
            fields.tags = fields.tags or around.tags
            return fields
    # "so my boss just asked me to [prepare the quarterly report by friday], add it please";
    # "tonight i have to [water the tomatoes], remind me"; searched from the first word, as
    # "i need to" is also a lead-in ("i need to remember to [email the landlord], add that")
    told = _TOLD_TO.search(s, spans[0][0], end)
    if told is not None:
        fields_from_anywhere(msg, spans[0][0], told.start(), today, around)
        start = max(start, told.end())
    fields = task_fields(msg, start, end, today)
    fields_from_anywhere(msg, best.start, len(s), today, around)
    fields.priority = fields.priority or around.priority
    fields.due = fields.due or around.due
    fields.tags = fields.tags or around.tags
    return fields


def priority_said_before(msg: Msg, spans: list[tuple[int, int]], best: Hit) -> str | None:
    """A clause before the frame that is only a priority ("URGENT!!! add ...", "whenever
    really, no rush at all - add ...")."""
    s = msg.masked
    for start, end in spans:
        if end > best.start:
            break
        said = PRIORITY.fullmatch(
            s, skip_all(FILLER, s, start, end), len(s[:end].rstrip(" ,.;:!?-"))
        )
        if said is not None:
            return priority_value(said)
    return None
