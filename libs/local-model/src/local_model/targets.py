"""How a message names an existing task: a number, words of its title, or a pronoun."""

from __future__ import annotations

import re

from .dates import NUMBER_WORDS
from .intents import Target
from .message_text import Msg, quote_inside, skip_all, trim
from .slot_patterns import (
    NUMBER_TARGET,
    NUMBER_WORD_TARGET,
    ORDINAL_TARGET,
    ORDINALS,
    POLITE_TAIL,
    PRONOUN_TARGET,
    TARGET_LEAD,
    TARGET_TAIL,
)

_REFERENCE_FIRST = re.compile(
    rf"(?:(?:the\s+(?P<word>{'|'.join(w for w in ORDINALS if w != 'top')})|that|this)\s+one"
    # "#5 turns out it wasn't fixed"
    r"|(?:#\s*|task\s+#?|number\s+)(?P<num>\d{1,3}))(?=\s+\w)"
)


# "accountant says it('s due in 5 days now)": someone told about the task, "it".
_TOLD_IT = re.compile(
    r"(?:\S+\s+){1,3}(?:says?|said|reckons|thinks|told\s+me)\s+(?:that\s+)?(?:it|this)"
)


def read_target(msg: Msg, start: int, end: int) -> Target:
    s = msg.masked
    start, end = trim(s, start, end)
    m = POLITE_TAIL.search(s, start, end)
    if m is not None and m.start() >= start:
        end = m.start()
    start = skip_all(re.compile(r"(?:please|pls|just|also|now|again)\s+"), s, start, end)
    quoted = quote_inside(msg, start - 1, end + 1)
    if quoted is not None:
        return Target("title", msg.text[quoted[0] : quoted[1]].strip())
    text = s[start:end].strip()
    n = NUMBER_TARGET.match(text)
    if n is not None:
        return Target("number", str(int(n.group("n"))))
    w = NUMBER_WORD_TARGET.match(text)
    if w is not None:
        return Target("number", str(NUMBER_WORDS[w.group("word")]))
    o = ORDINAL_TARGET.match(text)
    if o is not None:
        number = ORDINALS[o.group("word")] if o.group("word") else int(o.group("num"))
        return Target("number", str(number))
    if PRONOUN_TARGET.match(text) or _TOLD_IT.fullmatch(text):
        return Target("pronoun", text or "it")
    # "the third one on the way home", "that one on saturday", "#5 turns out it wasn't fixed":
    # the reference, then a story.
    said = _REFERENCE_FIRST.match(text)
    if said is not None and said.group("num"):
        return Target("number", str(int(said.group("num"))))
    if said is not None and said.group("word"):
        return Target("number", str(ORDINALS[said.group("word")]))
    if said is not None:
        return Target("pronoun", said.group(0))
    changed = True
    while changed:
        changed = False
        lead = TARGET_LEAD.match(s, start, end)
        if lead is not None and lead.end() < end:
            start, changed = lead.end(), True
        tail = TARGET_TAIL.search(s, start, end)
        if tail is not None and tail.start() > start:
            end, changed = tail.start(), True
        start, end = trim(s, start, end)
    text = s[start:end]
    n = NUMBER_TARGET.match(text)
    if n is not None:
        return Target("number", str(int(n.group("n"))))
    if text and PRONOUN_TARGET.match(text):
        return Target("pronoun", text)  # "remove it completely": "it" once the tail is gone
    return Target("title", re.sub(r"\s+", " ", msg.text[start:end]).strip())


def quoted_title(msg: Msg, start: int, end: int) -> Target | None:
    """The title quoted in [start, end), as a target."""
    quoted = quote_inside(msg, start, end)
    return (
        None if quoted is None else Target("title", msg.text[quoted[0] : quoted[1]].strip().lower())
    )
