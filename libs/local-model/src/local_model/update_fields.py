"""What a change request changes: new title, note, tags, due date, priority, and of which task."""

from __future__ import annotations

import re
from datetime import date

from .dates import SHIFT_AMOUNT
from .frame_patterns import FILLER, UPDATE_CLEAR_DUE
from .intents import Target, Understanding
from .message_text import Msg, dates_in, quote_inside, skip_all, trim, unquote
from .slot_patterns import (
    DESCRIPTION,
    FIELD_LABEL,
    HASHTAG,
    PRIORITY,
    PRIORITY_BARE,
    strip_polite,
    strip_thanks,
)
from .targets import read_target
from .task_fields import (
    TaskFields,
    bare_priority,
    description_end,
    fields_from_anywhere,
    split_tags,
)
from .told_frames import MOVED_TOLD, PRIORITY_TOLD
from .vocabulary import VOCABULARY, alternatives

UPDATE_VERB = re.compile(
    r"(?:please\s+)?(?:rename|re-name|retitle|change|update|edit|modify|set|make|move|push|postpone|prepone"
    r"|reschedule|delay|bump|shift|put\s+off|defer|prioriti[sz]e|deprioriti[sz]e|mark|give|adjust|switch"
    r"|raise|lower|bring\s+forward|bring(?=\s+(?:\S+\s+){1,5}forward\b)|add|tag|label|put(?=\s+\S+\s+at\b))\b"
    r"\s*(?:back\s+|up\s+|out\s+)?"
)
UPDATE_FIELD = re.compile(
    r"(?:the\s+)?(?:due\s+date|deadline|date|priority|title|name|description|note|notes|details|tags?"
    r"|labels?|due)\s+(?:of|for|on|in|to)\s+"
)
UPDATE_BOUNDARY = re.compile(
    r"\s+(?:to|as|into|due|for|until|till|by|on|from|and|with|at|back|up|forward|'s|so\s+(?:it|that))\b"
    # "bump up X's priority", "actually it's due friday", not "move Kemi's farewell lunch"
    r"|'s(?=\s+(?:due\s+date|deadline|date|priority|title|name|description|notes?|details|tags?|labels?)\b)"
    r"|(?<=\bit)'s\b|(?<=\bthat)'s\b|(?<=\bthis)'s\b"
    rf"|{MOVED_TOLD}"
    r"|[,:;?!]|\s+-\s+|\s+can\s+wait\b"
    # "give it a deadline of friday", "give the report a higher priority"
    r"|\s+(?=(?:a|an)\s+(?:new\s+|higher\s+|lower\s+)?(?:deadline|due\s+date|date|priority)\b)"
    # "push X out to friday", "move X forward to friday" (`move_particles`)
    rf"|\s+(?:{alternatives('move_particles')})(?=\s+(?:to|till|until|by)\b)"
    # "council tax should be due tomorrow", "the tax return is end of the month"
    r"|\s+(?:that\s+|which\s+)?(?:(?:should|must|will|can)\s+be|needs?\s+to\s+be|has\s+to\s+be|is|are)"
    r"\s+(?:now\s+)?"
    r"(?=due\b|end\s+of\b|by\b|on\b|(?:the\s+)?(?:top|high|highest|low|urgent)\s+priority\b)"
    # "postpone X a couple of days"
    rf"|\s+(?={SHIFT_AMOUNT.pattern})"
    # "make it high", "make X priority high"
    rf"|\s+(?=(?:priority\s+)?(?:{PRIORITY_BARE})\W*$)"
)

# The rename frames (`rename_frames`), each naming the task `old` and its new title `new`; the
# groups are numbered by frame so one pattern tries them all in their listed order.
_RENAME_FRAMES: list[str] = VOCABULARY["rename_frames"]
RENAME = re.compile(
    "|".join(
        frame.replace("(?P<old>", f"(?P<old{i}>").replace("(?P<new>", f"(?P<new{i}>")
        for i, frame in enumerate(_RENAME_FRAMES)
    )
)

# "prioritise X", "bump up X's priority", "bump X up"; "deprioritise X", "lower the priority
# of X".
_RAISED = re.compile(
    r"\b(?:prioriti[sz]e|raise)\b|\b(?:bump|boost|push|move)\s+up\b.*\bpriority\b"
    r"|\b(?:bump|boost)\s+(?:\S+\s+){1,5}?up\b(?!\s+(?:to|till|until|by|for)\b)"
    r"|\b(?:increase|up)\s+(?:the\s+)?priority\b|\bhigher\s+priority\b"
)
_LOWERED = re.compile(
    r"\b(?:deprioriti[sz]e|lower)\b|\b(?:drop|bring|move)\s+down\b.*\bpriority\b"
    r"|\b(?:decrease|reduce)\s+(?:the\s+)?priority\b|\blower\s+priority\b"
)

# "set pay rent to low", "make the report high": a priority word alone after the task.
_BARE_PRIORITY_LAST = re.compile(
    rf"\s*(?:(?:to|as|at)\s+)?(?:priority\s+)?(?P<p>{PRIORITY_BARE})\W*$"
)

# The verbs that put a note on a task ("chuck a note on that: ...").
_NOTE_VERB = r"(?:add|put(?:\s+in)?|attach|write|chuck|pop|stick|leave)"
# "put a note on it - details: research their series b": the label before the note's words.
_LABEL = rf"(?:{FIELD_LABEL}\s*[:-]\s*)?"
_NOT_A_TASK = re.compile(
    r"(?:in|on|by|for|to|at|from|until|till|within|put|add|chuck|stick|leave|write|make|set|give)"
    r"(?:\s+in)?"
)
# "(can we) do sunday for that one", "friday for the dentist instead"
_NO_TASK_BEFORE = re.compile(
    r"\s*(?:(?:can|could|shall)\s+(?:we|i)\s+)?(?:do|make\s+it|go\s+with)?\s*"
)
_DATE_FOR = re.compile(r"\s+for\s+(?P<t>.+?)(?:\s+instead)?\W*$")

_RESTATED = re.compile(
    r"(?:change|update|edit|switch|turn)\s+(?P<t>(?:(?:the|a|my)\s+)?(?!(?:the|a|an|my|it|that)\b)"
    r"(?P<w>[a-z][\w'-]*)\b.*?)\s+(?:to|into)\s+(?P<n>(?:(?:the|a|my)\s+)?(?P=w)\b.+)$"
)
# "change #2 to high", "change task 3 to done": a priority or a state, not a new title.
_NOT_A_TITLE = re.compile(
    rf"\W*(?:(?:priority\s+)?(?:{PRIORITY_BARE})(?:\s+priority)?|done|completed?|finished|pending"
    r"|open|not\s+done|incomplete)\W*$"
)
_CHANGED_TO = re.compile(
    r"(?:change|update|edit|switch|turn)\s+(?P<t>.+?)\s+(?:to|into)\s+(?P<n>.+)$"
)


def _restated(msg: Msg, start: int, end: int, today: date, result: Understanding) -> bool:
    """ "change buy milk to buy oat milk": a new text that starts with the same word as the
    task's is the task said anew, a rename, not a new date or priority ("change buy milk to
    friday"). So is any new text for a task named by its place on the list ("change the 3rd
    one to call the dentist") and a quoted one ("change the dentist one to 'call the
    surgery'")."""
    s = msg.masked
    m = _RESTATED.search(s, start, end)
    target: Target | None = None
    if m is None:
        m = _CHANGED_TO.search(s, start, end)
        if m is None:
            return False
        target = read_target(msg, *m.span("t"))
        n_start, n_end = trim(s, *m.span("n"))
        quoted = quote_inside(msg, n_start - 1, n_end + 1)
        if target.kind != "number" and (quoted is None or quoted[0] - 1 > n_start):
            return False
    if (
        dates_in(msg, today, *m.span("n"))
        or PRIORITY.search(s, *m.span("n"))
        or _NOT_A_TITLE.match(s, *m.span("n"))
    ):
        return False
    result.new_title = unquote(msg, *strip_polite(s, *m.span("n")))
    result.target = target or read_target(msg, *m.span("t"))
    return True


_MOVED_TO = re.compile(r"\s+(?:to|till|until|by)\s+")


def _target_boundary(msg: Msg, start: int, end: int, today: date) -> int | None:
    """Where the task named from `start` ends: at the first word that starts the change, but
    past a "for" or "with" that names more of it before the move ("the vet appointment [for
    max] to next monday", "call [with the bank] to friday")."""
    s = msg.masked
    b = UPDATE_BOUNDARY.search(s, start, end)
    if b is None or b.group(0).strip() not in ("for", "with"):
        return b.start() if b is not None else None
    moved = _MOVED_TO.search(s, b.end(), end)
    if moved is None or not dates_in(msg, today, moved.end(), end):
        return b.start()
    between = s[b.end() : moved.start()]
    if len(between.split()) > 3 or dates_in(msg, today, b.end(), moved.start()) or "," in between:
        return b.start()
    return moved.start()


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
    rename = RENAME.search(s, start, end)
    if rename is not None:
        for frame in range(len(_RENAME_FRAMES)):
            if rename.group(f"new{frame}") is not None:
                new_start, new_end = rename.span(f"new{frame}")
                # A quoted new title ends at its quote: "rename 'call jo' to 'call jo about
                # the flat' and make it urgent", "make that 'call jo about the flat', and tag
                # it housing".
                quoted = quote_inside(msg, new_start, new_end)
                if quoted is not None and quoted[0] - 1 <= new_start:
                    new_end = min(new_end, quoted[1] + 1)
                result.new_title = unquote(msg, *strip_polite(s, new_start, new_end))
                result.target = read_target(msg, *rename.span(f"old{frame}"))
                rest = TaskFields()
                fields_from_anywhere(msg, new_end, end, today, rest)
                result.tags, result.priority, result.due = rest.tags, rest.priority, rest.due
                return
    if _restated(msg, start, end, today, result):
        return
    desc = re.compile(
        rf"{_NOTE_VERB}\s+(?:a\s+|an\s+|the\s+|this\s+|some\s+)?(?:note|notes|description|comment|details?)"
        rf"\s+(?:to|on|for|in)\s+(?P<t>.+?)\s*(?::|-|saying|that\s+says|reading)\s*{_LABEL}(?P<d>\S.*)$"
        r"|(?:set|change|update|edit|make)\s+(?:the\s+)?(?:description|note|notes|details)\s+(?:of|for|on)\s+"
        r"(?P<t2>.+?)\s+to\s+(?P<d2>\S.*)$"
        rf"|(?:for|on)\s+(?P<t3>.+?)\s*,?\s+{_NOTE_VERB}\s+(?:a\s+|an\s+|the\s+|some\s+)?"
        rf"(?:note|notes|description|comment|details?)\s*(?::|-|saying|that\s+says|reading)\s*{_LABEL}(?P<d3>\S.*)$"
        # "details for task 5: gate code is 4471"
        r"|(?:details?|notes?|description)\s+(?:for|on|of|to)\s+(?P<t4>[^:]+?)\s*:\s*(?P<d4>\S.*)$"
        # "task 2: add note - bring photo id"
        rf"|(?P<t5>task\s+#?\d+|#\d+)\s*[,:]?\s+{_NOTE_VERB}\s+(?:a\s+|an\s+|the\s+|some\s+)?"
        rf"(?:note|notes|description|comment|details?)\s*(?::|-|saying|that\s+says|reading)\s*{_LABEL}(?P<d5>\S.*)$"
    ).search(s, skip_all(FILLER, s, start, end), end)
    if desc is not None:
        pairs = (("t", "d"), ("t2", "d2"), ("t3", "d3"), ("t4", "d4"), ("t5", "d5"))
        for t_group, d_group in pairs:
            if desc.group(d_group) is not None:
                result.description = unquote(msg, *strip_thanks(s, *desc.span(d_group)))
                result.target = read_target(msg, *desc.span(t_group))
                return
    tags = re.compile(
        r"(?:add|ad|addd|put|attach|give)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+(?P<tags>.+?)\s+(?:to|on)\s+(?P<t>.+)$"
        r"|(?:re-?)?(?:tag|label)\s+(?P<t2>.+?)\s+(?:as|with)\s+(?P<tags2>.+)$"
        r"|(?:change|set|update|make)\s+(?:the\s+)?(?:tags?|labels?)\s+(?:on|of|for)\s+(?P<t4>.+?)\s+to\s+(?P<tags4>.+)$"
        r"|(?P<t5>.+?)\s+(?:should|needs\s+to|has\s+to|must)\s+be\s+(?:tagged|labell?ed)\s+(?P<tags5>.+)$"
        # "tag it finance please, and it's not urgent": the tags ("finance and work"), then
        # the other changes.
        r"|(?:tag|label)\s+(?P<t3>it|that|this|them)\s+"
        r"(?P<tags3>#?[a-z][\w-]*(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)#?(?!and\b|it\b)[a-z][\w-]*)*)"
        r"(?=\s*(?:[,.!;]|please\b|pls\b|$))"
        # "tag the report work": the last word is the tag, the words before it the task
        r"|(?:re-?)?(?:tag|label)\s+(?P<t6>\S.*?)\s+#?(?P<tags6>[a-z][\w-]*)\W*$"
    ).search(s, start, end)
    if tags is not None and tags.group("t3") and skip_all(FILLER, s, start, end) < tags.start():
        tags = None  # "move 'buy toner' to thursday and tag it office": the move names the task
    if tags is not None:
        for t_group, tags_group in (
            ("t", "tags"),
            ("t2", "tags2"),
            ("t3", "tags3"),
            ("t4", "tags4"),
            ("t5", "tags5"),
            ("t6", "tags6"),
        ):
            if tags.group(tags_group) is not None:
                result.tags = split_tags(s[slice(*strip_polite(s, *tags.span(tags_group)))])
                result.target = read_target(msg, *tags.span(t_group))
        if tags.group("tags3") is not None:
            # "set it for saturday and tag it family", "tag it work, and it's not urgent"
            rest = TaskFields()
            for around in ((start, tags.start()), (tags.end(), end)):
                fields_from_anywhere(msg, *around, today, rest)
                if rest.priority is None and _LOWERED.search(s, *around):
                    rest.priority = "low"
            result.priority, result.due = rest.priority, rest.due
        return
    fields = TaskFields()
    m = DESCRIPTION.search(s, start, end)
    if m is not None:
        said_end = description_end(msg, m.start("d"), end, today)
        fields.description = unquote(msg, *strip_thanks(s, m.start("d"), said_end))
        fields_from_anywhere(msg, said_end, end, today, fields)
        end = m.start()
    fields_from_anywhere(msg, start, end, today, fields)
    if fields.priority is None and _RAISED.search(s, start, end):
        fields.priority = "high"
    if fields.priority is None and _LOWERED.search(s, start, end):
        fields.priority = "low"
    result.description = fields.description
    result.due = fields.due
    result.priority = fields.priority
    result.tags = [h.group("tag") for h in HASHTAG.finditer(s, start, end)] or fields.tags
    t_start = skip_all(FILLER, s, start, end)
    if PRIORITY_TOLD.match(s, t_start, end):
        result.target = Target("pronoun", "it")  # "no rush on that one", "that's urgent"
        return
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
    b = _target_boundary(msg, t_start, end, today)
    if b is not None and b > t_start:
        t_end = b
    for d in dates_in(msg, today, t_start, t_end):
        t_end = d.start
        named_after = _DATE_FOR.match(s, d.end, end)
        if _NO_TASK_BEFORE.fullmatch(s, t_start, t_end) and named_after is not None:
            # "can we do sunday for that one instead": the task is named after its new date.
            result.target = read_target(msg, *named_after.span("t"))
            return
        break
    pm = PRIORITY.search(s, t_start, t_end) or re.compile(
        rf"\b{PRIORITY_BARE}\s+priority\b"
    ).search(s, t_start, t_end)
    if pm is not None and pm.start() > t_start:
        t_end = pm.start()
    result.target = read_target(msg, t_start, t_end)
    if result.target.kind == "title" and _NOT_A_TASK.fullmatch(result.target.text.lower()):
        # "in 3 days instead", "put details: ...": no task named, so the one talked about.
        result.target = Target("pronoun", "it")
    bare = _BARE_PRIORITY_LAST.match(s, t_end, end)
    if result.priority is None and bare is not None:
        result.priority = bare_priority(bare.group("p"))
