"""What a change request changes: new title, note, tags, due date, priority, and of which task."""

from __future__ import annotations

import re
from datetime import date

from .frame_patterns import FILLER, UPDATE_CLEAR_DUE
from .intents import Target, Understanding
from .message_text import Msg, dates_in, quote_inside, skip_all, unquote
from .slot_patterns import (
    DESCRIPTION,
    HASHTAG,
    POLITE_TAIL,
    PRIORITY,
    PRIORITY_BARE,
)
from .targets import read_target
from .task_fields import TaskFields, fields_from_anywhere, split_tags

UPDATE_VERB = re.compile(
    r"(?:please\s+)?(?:rename|re-name|retitle|change|update|edit|modify|set|make|move|push|postpone"
    r"|reschedule|delay|bump|shift|put\s+off|defer|prioriti[sz]e|deprioriti[sz]e|mark|give|adjust|switch"
    r"|raise|lower|bring\s+forward|add|tag|label)\b\s*(?:back\s+|up\s+|out\s+)?"
)
UPDATE_FIELD = re.compile(
    r"(?:the\s+)?(?:due\s+date|deadline|date|priority|title|name|description|note|notes|details|tags?"
    r"|labels?|due)\s+(?:of|for|on|in|to)\s+"
)
UPDATE_BOUNDARY = re.compile(
    r"\s+(?:to|as|into|due|for|until|till|by|on|from|and|with|at|back|up|'s)\b|'s\b|[,:;?!]|\s+-\s+"
    r"|\s+(?:out|forward)(?=\s+(?:to|till|until|by)\b)"
)

_RESTATED = re.compile(
    r"(?:change|update|edit|switch|turn)\s+(?P<t>(?:(?:the|a|my)\s+)?(?!(?:the|a|an|my|it|that)\b)"
    r"(?P<w>[a-z][\w'-]*)\b.*?)\s+(?:to|into)\s+(?P<n>(?:(?:the|a|my)\s+)?(?P=w)\b.+)$"
)


def _restated(msg: Msg, start: int, end: int, today: date, result: Understanding) -> bool:
    """ "change buy milk to buy oat milk": a new text that starts with the same word as the
    task's is the task said anew, a rename, not a new date or priority ("change buy milk to
    friday")."""
    s = msg.masked
    m = _RESTATED.search(s, start, end)
    if m is None or dates_in(msg, today, *m.span("n")) or PRIORITY.search(s, *m.span("n")):
        return False
    result.new_title = unquote(msg, *strip_polite(s, *m.span("n")))
    result.target = read_target(msg, *m.span("t"))
    return True


def update_fields(msg: Msg, start: int, today: date, result: Understanding) -> None:
    s = msg.masked
    end = len(s)
    cleared = UPDATE_CLEAR_DUE.search(s, start, end)
    if cleared is not None:
        result.clear_due = True
        result.target = read_target(msg, cleared.end(), end)
        return
    m = re.search(r"(?:due\s+date|deadline|date)\b", s[start:end])
    if m is not None and re.search(
        r"\b(?:remove|clear|delete|drop|unset|no)\b", s[start : start + m.start()]
    ):
        result.clear_due = True
    rename = re.compile(
        r"(?:rename|re-name|retitle)\s+(?P<t>.*?)\s+(?:to|as|into)\s+(?P<n>.+)$"
        r"|(?:rename|re-name|retitle)\s+(?P<t6>.+?)\s+(?P<n6>'\u2592+'|\"\u2592+\")\s*$"
        r"|(?:change|update|edit|switch|turn)\s+(?P<t5>'\u2592+'|\"\u2592+\")\s+(?:to|into)\s+(?P<n5>'\u2592+'|\"\u2592+\")"
        r"|(?:change|update|set|edit|modify|make)\s+(?:the\s+)?(?:title|name|wording)\s+(?:of\s+|for\s+)?(?P<t2>.+?)\s+to\s+(?P<n2>.+)$"
        r"|(?:change|update|set|edit)\s+(?P<t3>.+?)'s\s+(?:title|name)\s+to\s+(?P<n3>.+)$"
        r"|(?:change|update|edit|make)\s+(?P<t4>.+?)\s+(?:to\s+say|to\s+read|so\s+it\s+says|so\s+it\s+reads)\s+(?P<n4>.+)$"
        r"|give\s+(?P<t7>.+?)\s+(?:a\s+)?(?:new\s+)?(?:name|title)\s*(?:[:,-]\s*|\s+)(?P<n7>.+)$"
    ).search(s, start, end)
    if rename is not None:
        for t_group, n_group in (
            ("t", "n"),
            ("t2", "n2"),
            ("t3", "n3"),
            ("t4", "n4"),
            ("t5", "n5"),
            ("t6", "n6"),
            ("t7", "n7"),
        ):
            if rename.group(n_group) is not None:
                result.new_title = unquote(msg, *strip_polite(s, *rename.span(n_group)))
                result.target = read_target(msg, *rename.span(t_group))
                return
    if _restated(msg, start, end, today, result):
        return
    desc = re.compile(
        r"(?:add|put|attach|write)\s+(?:a\s+|an\s+|the\s+|this\s+|some\s+)?(?:note|notes|description|comment|details?)"
        r"\s+(?:to|on|for|in)\s+(?P<t>.+?)\s*(?::|-|saying|that\s+says|reading)\s*(?P<d>\S.*)$"
        r"|(?:set|change|update|edit|make)\s+(?:the\s+)?(?:description|note|notes|details)\s+(?:of|for|on)\s+"
        r"(?P<t2>.+?)\s+to\s+(?P<d2>\S.*)$"
    ).search(s, start, end)
    if desc is not None:
        pairs = (("t", "d"), ("t2", "d2"))
        for t_group, d_group in pairs:
            if desc.group(d_group) is not None:
                result.description = unquote(msg, *desc.span(d_group))
                result.target = read_target(msg, *desc.span(t_group))
                return
    tags = re.compile(
        r"(?:add|ad|addd|put|attach|give)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+(?P<tags>.+?)\s+(?:to|on)\s+(?P<t>.+)$"
        r"|(?:tag|label)\s+(?P<t2>.+?)\s+(?:as|with)\s+(?P<tags2>.+)$"
    ).search(s, start, end)
    if tags is not None:
        if tags.group("tags") is not None:
            result.tags = split_tags(tags.group("tags"))
            result.target = read_target(msg, *tags.span("t"))
        else:
            result.tags = split_tags(tags.group("tags2"))
            result.target = read_target(msg, *tags.span("t2"))
        return
    fields = TaskFields()
    m = DESCRIPTION.search(s, start, end)
    if m is not None:
        fields.description = unquote(msg, m.start("d"), end)
        end = m.start()
    fields_from_anywhere(msg, start, end, today, fields)
    if fields.priority is None and re.search(r"\b(?:prioriti[sz]e|raise)\b", s[start:end]):
        fields.priority = "high"
    if fields.priority is None and re.search(r"\b(?:deprioriti[sz]e|lower)\b", s[start:end]):
        fields.priority = "low"
    result.description = fields.description
    result.due = fields.due
    result.priority = fields.priority
    result.tags = [h.group("tag") for h in HASHTAG.finditer(s, start, end)] or fields.tags
    t_start = skip_all(FILLER, s, start, end)
    verb = UPDATE_VERB.match(s, t_start, end)
    if verb is not None:
        t_start = verb.end()
    field_m = UPDATE_FIELD.match(s, t_start, end)
    if field_m is not None:
        t_start = field_m.end()
    quoted = quote_inside(msg, t_start, end)
    if quoted is not None and quoted[0] - 1 <= t_start + 1:
        result.target = Target("title", msg.text[quoted[0] : quoted[1]].strip())
        return
    t_end = end
    b = UPDATE_BOUNDARY.search(s, t_start, end)
    if b is not None and b.start() > t_start:
        t_end = b.start()
    for d in dates_in(msg, today, t_start, t_end):
        t_end = d.start
        break
    pm = PRIORITY.search(s, t_start, t_end) or re.compile(
        rf"\b{PRIORITY_BARE}\s+priority\b"
    ).search(s, t_start, t_end)
    if pm is not None and pm.start() > t_start:
        t_end = pm.start()
    result.target = read_target(msg, t_start, t_end)


def strip_polite(s: str, start: int, end: int) -> tuple[int, int]:
    m = POLITE_TAIL.search(s, start, end)
    if m is not None and m.start() > start:
        end = m.start()
    return start, end
