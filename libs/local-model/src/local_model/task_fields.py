"""The fields of a new task described in a span of a message: title, note, due, priority, tags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from .dates import DateMatch, find_times
from .message_text import Msg, dates_in, quote_inside, reason_clauses, skip_all, unquote
from .slot_patterns import (
    BARE_PRIORITY_AFTER,
    BURIED_REQUEST,
    COMMENT_CLAUSE,
    DATE_PREP,
    DESCRIPTION,
    HASHTAG,
    LEADING_LINK,
    LIST_PHRASE_TAIL,
    POLITE_TAIL,
    PRIORITY,
    PRIORITY_BARE,
    PRIORITY_CONNECTOR,
    PRONOUN_TITLE,
    RECURRING,
    TAGS_CLAUSE,
    TAGS_TAIL,
    TIME_PREP,
    TITLE_LEADS,
    strip_thanks,
)


def priority_value(m: re.Match[str]) -> str:
    if m.group("high"):
        return "high"
    if m.group("low"):
        return "low"
    return "normal"


def bare_priority(word: str) -> str:
    aliases = {"top": "high", "urgent": "high", "important": "high", "critical": "high"}
    return aliases.get(word, "normal" if word == "medium" else word)


@dataclass(slots=True)
class TaskFields:
    title: str | None = None
    description: str | None = None
    due: date | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)


def split_tags(text: str) -> list[str]:
    tags: list[str] = []
    for part in re.split(r"\s*(?:,|\band\b|&|\s)\s*", text):
        tag = part.strip().lstrip("#").strip(".")
        if tag and tag not in tags and len(tag) <= 32:
            tags.append(tag)
    return tags[:10]


def _strip_modifiers_tail(
    msg: Msg, start: int, end: int, today: date, fields: TaskFields
) -> tuple[int, int]:
    """Remove dates, times, priority, tags, politeness and "to my list" from the end."""
    s = msg.masked
    dates = dates_in(msg, today, start, end)
    times = find_times(s[:end])
    changed = True
    while changed and end > start:
        changed = False
        m = POLITE_TAIL.search(s, start, end)
        if m is not None and m.start() < end and m.start() >= start:
            end = m.start()
            changed = True
        m = LIST_PHRASE_TAIL.search(s, start, end)
        if m is not None:
            end = m.start()
            changed = True
            continue
        m = TAGS_TAIL.search(s, start, end)
        if m is not None and m.start() > start:
            fields.tags = fields.tags or split_tags(m.group("tags"))
            end = m.start()
            changed = True
            continue
        for pm in PRIORITY.finditer(s, start, end):
            if pm.end() == end and (pm.start() == start or not s[pm.start() - 1].isalnum()):
                fields.priority = fields.priority or priority_value(pm)
                conn = PRIORITY_CONNECTOR.search(s, start, pm.start())
                end = conn.start() if conn is not None else pm.start()
                changed = True
                break
        if changed:
            continue
        m = re.search(
            rf"(?:(?:,|and)\s+)?(?:make|set|mark)\s+(?:it|that)\s+(?:as\s+|to\s+)?(?P<p>{PRIORITY_BARE})$",
            s[start:end],
        )
        if m is not None:
            fields.priority = fields.priority or bare_priority(m.group("p"))
            end = start + m.start()
            changed = True
            continue
        for d in reversed(dates):
            latest = _AT_THE_LATEST.fullmatch(s, d.end, end)
            if d.end == end or latest is not None:
                if fields.due is None:
                    deadline = is_deadline(s, d) or bool(latest and latest.group("latest"))
                    fields.due = d.value if d.value == d.last else d.last if deadline else d.value
                prep = DATE_PREP.search(s, start, d.start)
                end = prep.start() if prep is not None else d.start
                changed = True
                break
        if changed:
            continue
        for t_start, t_end in reversed(times):
            if t_start >= start and t_end <= end and not s[t_end:end].strip(" ,.;:!?-"):
                prep = TIME_PREP.search(s, start, t_start)
                end = prep.start() if prep is not None else t_start
                changed = True
                break
        if changed:
            continue
        comment = COMMENT_CLAUSE.search(s, start, end)
        if comment is not None and comment.start() > start:
            end, changed = comment.start(), True
        reason = _REASON_TAIL.search(s, start, end)
        if reason is not None and _field_ends_at(msg, start, reason.start(), today):
            # "..., and mark it urgent because the kitchen floor is getting wrecked"
            end, changed = reason.start(), True
        said = _SET_IT_LEFT.search(s, start, end)
        if said is not None and said.start() > start and (fields.due or fields.priority):
            end, changed = said.start(), True
    return start, end


_REASON_TAIL = re.compile(r"\s+(?:because|cos|coz|cause|since)\s+(?!of\b).*$")


def _field_ends_at(msg: Msg, start: int, end: int, today: date) -> bool:
    """Whether a priority or a date ends at `end`."""
    s = msg.masked
    return any(m.end() == end for m in PRIORITY.finditer(s, start, end)) or any(
        d.end == end for d in dates_in(msg, today, start, end)
    )


# Nothing after a date but punctuation, or "at the latest" (then the date is a deadline).
_AT_THE_LATEST = re.compile(
    r"\s*(?P<latest>at\s+the\s+(?:very\s+)?latest|latest|tops)?[\s,.;:!?-]*"
)
# What is left of "- make that one high priority and due monday" once its fields are read.
_SET_IT_LEFT = re.compile(
    r"(?:\s*[,;-]|\s+and)?\s+(?:make|set|mark|have)\s+(?:it|that|this)(?:\s+one)?"
    r"(?:\s+(?:as|to|be))?\s*$"
)


def is_deadline(s: str, d: DateMatch) -> bool:
    # "can wait till next week" is when it starts, not a deadline.
    before = r"(?:by|before|(?<!wait\s)(?:until|till)|through)\s+(?:the\s+)?$"
    return bool(re.search(before, s[: d.start]))


def _strip_modifiers_head(
    msg: Msg, start: int, end: int, today: date, fields: TaskFields
) -> tuple[int, int]:
    s = msg.masked
    changed = True
    while changed and start < end:
        changed = False
        new = skip_all(
            re.compile(r"[\s,.;:!?-]+|(?:please|pls|also|then|just|quickly)\b"), s, start, end
        )
        if new != start:
            start, changed = new, True
        for d in dates_in(msg, today, start, end):
            prep = re.compile(r"(?:(?:on|by|for|due|this|next)\s+)*").match(s, start, d.start)
            if d.start == start or (prep is not None and prep.end() == d.start):
                if fields.due is None:
                    fields.due = d.value
                start = d.end
                m = LEADING_LINK.match(s, skip_all(re.compile(r"\s+"), s, start, end), end)
                start = m.end() if m is not None else start
                changed = True
            break
        for t_start, t_end in find_times(s[:end]):
            if t_start == start:
                # "remind me on monday at 8am [to] phone the gp"
                m = LEADING_LINK.match(s, skip_all(re.compile(r"\s+"), s, t_end, end), end)
                start, changed = (m.end() if m is not None else t_end), True
            break
    return start, end


_TITLE_LEAD = re.compile(
    rf"(?:{TITLE_LEADS})*"
    r"(?:(?:something|a\s+thing|one|this)\s+(?:for\s+me\s*)?[?:.!,-]+\s*)?"
    r"(?:(?:remember|don't\s+forget)\s+to\s+|note\s+to\s+self\s*:?\s*|(?:to|on|onto)\s+my\s+(?:to-?do\s+)?list\b\s*[:,-]?\s*"
    r"|(?:enter|save|log|get)\s+a\s+task(?:\s+(?:to|for))?\s*:?\s*|(?:ping|nudge|prompt)\s+me\s+to\s+"
    r"|i'?d\s+like\s+a\s+reminder\s+to\s+|i'll\s+need\s+to\s+|make\s+sure\s+(?:i|we)\s+"
    r"|(?:book|put|pencil)\s+(?:in|down)\s+)?"
    r"(?:(?:that\s+)?(?:i|we)\s+(?:really\s+)?(?:should|need\s+to|must|have\s+to|gotta|ought\s+to"
    r"|want\s+to)\s+|task\s+(?!to\b))?"
)


# A title corrected as it is said: what follows the last correction is the title.
_CORRECTION = re.compile(
    r"\s*[,;-]+\s*(?:no\s+wait|wait\s+no|scratch\s+that|i\s+mean|sorry|no\s+sorry|actually\s+no"
    r"|make\s+that|correction|or\s+rather)\s*[,:;-]*\s+"
)


_LEADING_HASHTAGS = re.compile(r"\s*(?:#[a-z][\w-]{0,31}[\s,]+)+")


def task_fields(msg: Msg, start: int, end: int, today: date) -> TaskFields:
    """Title, description, due, priority and tags of a new task described in [start, end)."""
    s = msg.masked
    fields = TaskFields()
    m = DESCRIPTION.search(s, start, end)
    if m is not None:
        said_end = description_end(msg, m.start("d"), end, today)
        fields.description = unquote(msg, *strip_thanks(s, m.start("d"), said_end)) or None
        fields_from_anywhere(msg, said_end, end, today, fields)
        end = m.start()
    leading = _LEADING_HASHTAGS.match(s, start, end)
    said_first: list[str] = []
    if leading is not None:
        # "add #work #q4 review the contract": the tags said before the title.
        said_first = [hm.group("tag") for hm in HASHTAG.finditer(s, start, leading.end())]
        start = leading.end()
    for hm in reversed(list(HASHTAG.finditer(s, start, end))):
        tag = hm.group("tag")
        if tag not in fields.tags:
            fields.tags.insert(0, tag)
        before = s[start : hm.start()].rstrip()
        # "book the dentist #health next tuesday": only fields after the tag, so no title.
        after = TaskFields()
        rest_start, rest_end = _strip_modifiers_tail(msg, hm.end(), end, today, after)
        if not s[rest_start:rest_end].strip(" ,.;:!?#"):
            end = start + len(before)
            fields.due = fields.due or after.due
            fields.priority = fields.priority or after.priority
    fields.tags = said_first + [tag for tag in fields.tags if tag not in said_first]
    quoted = quote_inside(msg, start, end)
    if quoted is not None:
        fields.title = msg.text[quoted[0] : quoted[1]].strip()
        fields_from_anywhere(msg, quoted[1] + 1, end, today, fields)
        fields_from_anywhere(msg, start, quoted[0] - 1, today, fields)
        return fields
    # "call the bank tomorrow, they close early on friday": the reason is no part of the title.
    end = min((r for r, _ in reason_clauses(msg) if start < r < end), default=end)
    # "remind me every monday to put the bins out": the repetition, said first, ends the title
    # as it is kept ("put the bins out every monday"), and the reply says it is not stored.
    repeat = _LEADING_REPEAT.match(s, start, end)
    if repeat is not None:
        start = repeat.end()
    start, end = _strip_modifiers_tail(msg, start, end, today, fields)
    start, end = _strip_modifiers_head(msg, start, end, today, fields)
    start, end = _strip_modifiers_tail(msg, start, end, today, fields)
    buried = list(BURIED_REQUEST.finditer(s, start, end))
    if buried and start < buried[-1].start() and buried[-1].end() < end:
        # "email the landlord, can you add it": the task is told before the request.
        if PRONOUN_TITLE.fullmatch(s[buried[-1].end() : end].strip(" ,.;:!?")):
            end = buried[-1].start()
        else:
            start = buried[-1].end()
    corrected = list(_CORRECTION.finditer(s, start, end))
    if corrected and corrected[-1].end() < end:
        start = corrected[-1].end()  # "buy dog food - scratch that - buy cat food"
    lead = _TITLE_LEAD.match(s, start, end)
    if lead is not None and lead.end() < end:
        start = lead.end()
    m = re.match(
        r"(?:a\s+)?(?:task|todo|reminder)\s+(?:to|called|named|for(?!\s+(?:me|us)\b))\s+",
        s[start:end],
    )
    if m is not None:
        start += m.end()
    aside = _ASIDE.search(s, start, end)
    if aside is not None:
        end = aside.start()  # "defrost the freezer, I'll deal with it then"
    for d in dates_in(msg, today, start, end):
        prep = re.search(r"\s+due\s+(?:on\s+|by\s+|date\s+)?$", s[start : d.start])
        if prep is not None and fields.due is None:
            fields.due = d.value
            tail = s[d.end : end]
            end = start + prep.start() if not tail.strip() else end
            break
    title = _without_inner_date(msg, start, end, today, fields)
    if repeat is not None:
        title = f"{title} {msg.text[repeat.start('r') : repeat.end('r')]}"
    fields.title = re.sub(r"\s+", " ", title).strip(" ,") or None
    return fields


_LEADING_REPEAT = re.compile(rf"\s*(?P<r>{RECURRING.pattern})\s+(?:to|that)\s+", re.IGNORECASE)


# A clause after the task about the user or the task as a whole, never words of its title
# ("defrost the freezer, I'll deal with it then", "call grandad, it's his 80th").
_ASIDE = re.compile(
    r",\s+(?:i'll|i\s+will|i'm\s+going\s+to|we'll|that's\s+the|thats\s+the|that\s+is\s+the"
    r"|(?:it's|it\s+is)\s+(?:the|his|her|their|my|our|a|an)(?!\s+(?:priority|top\s+priority)\b))\b"
)
_INNER_DATE_FOLLOWER = re.compile(r"\s*(?:,\s*|(?=(?:about|regarding|re)\b))")


def _without_inner_date(msg: Msg, start: int, end: int, today: date, fields: TaskFields) -> str:
    """The title text of [start, end), without a date said in its middle when a clause about
    the task follows it ("call the dentist tomorrow about the appointment", "groceries
    tomorrow, milk and eggs"): the date is the due date, not words of the title."""
    s = msg.masked
    if fields.due is None:
        for d in dates_in(msg, today, start, end):
            follower = _INNER_DATE_FOLLOWER.match(s, d.end)
            if d.start == start or follower is None or follower.end() >= end:
                continue
            prep = DATE_PREP.search(s, start, d.start)
            cut = prep.start() if prep is not None and prep.start() > start else d.start
            fields.due = d.last if is_deadline(s, d) else d.value
            comma = "," if "," in s[d.end : follower.end()] else ""
            return f"{unquote(msg, start, cut).rstrip()}{comma} {unquote(msg, follower.end(), end)}"
    return unquote(msg, start, end)


_CLAUSE_AFTER = re.compile(r"(?:[.;]|\s-+)\s+")


def description_end(msg: Msg, start: int, end: int, today: date) -> int:
    """Where a description said from `start` ends: before the clauses at its end that only
    set other fields ("note: open till 6. tag health", "details: ... - by friday")."""
    for clause in reversed(list(_CLAUSE_AFTER.finditer(msg.masked, start, end))):
        rest_start, rest_end = _strip_modifiers_tail(msg, clause.end(), end, today, TaskFields())
        if rest_end > rest_start and not TAGS_TAIL.match(msg.masked, clause.start(), end):
            break
        end = clause.start()
    return end


def fields_from_anywhere(msg: Msg, start: int, end: int, today: date, fields: TaskFields) -> None:
    s = msg.masked
    if start >= end:
        return
    dates = dates_in(msg, today, start, end)
    if dates and fields.due is None:
        d = dates[-1]
        fields.due = d.last if is_deadline(s, d) else d.value
    if fields.priority is None:
        pm = PRIORITY.search(s, start, end)
        if pm is not None:
            fields.priority = priority_value(pm)
        else:
            bm = BARE_PRIORITY_AFTER.search(s, start, end)
            if bm is not None:
                fields.priority = bare_priority(bm.group("p") or bm.group("p2"))
    if not fields.tags:
        m = TAGS_CLAUSE.search(s, start, end)
        if m is not None:
            fields.tags = split_tags(m.group("tags"))
