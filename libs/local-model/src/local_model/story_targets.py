"""The task a story names for a command that says "it": "the plumber isn't coming any more,
delete it", "i didn't pay the window cleaner yet, reopen it", "'call sue' needs renaming, make
it 'call sue about the party'". The clause before the command names the task: its quoted
title, or its words between a story lead ("i didn't ...") or before a story tail ("... isn't
happening", "... this morning")."""

from __future__ import annotations

import re

from .frame_patterns import FILLER
from .intent_frames import Hit
from .intents import Target
from .message_text import Msg, skip_all
from .targets import quoted_title, read_target
from .vocabulary import alternatives

__all__ = ["story_target"]


_STORY_LEAD = re.compile(
    r"(?:(?:i|we)\s+(?:don't|do\s+not|no\s+longer|won't)\s+(?:need|want|have\s+to\s+do|need\s+to\s+do)"
    r"|we're\s+not\s+doing|(?:i|we)\s+(?:cancelled|canceled|dropped)|forget(?:\s+about)?"
    rf"|{alternatives('story_leads')})\s+"
)
_STORY_TAIL = re.compile(
    r"\s+(?:(?:isn't|is\s+not|won't\s+be|is\s+no\s+longer)\s+(?:happening|needed|going\s+ahead)"
    r"|(?:is|was|got|has\s+been)\s+(?:cancelled|canceled|called\s+off|off|scrapped)"
    rf"|any\s*more|after\s+all|{alternatives('story_tails')})\b.*$"
)


_URGENCY = re.compile(
    r"\s(?:isn't|is\s+not|is\s+no\s+longer)\s+(?:that\s+|so\s+|as\s+|really\s+)?(?:urgent|important)\b"
)
_PRONOUN_LED = re.compile(r"(?:it|that|this|them|those|these)\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"(?:(?:an?|one|two|three|another|\d+|half\s+an?|a\s+good|a\s+few|some)\s+)?"
    rf"(?:{alternatives('story_amounts')})(?:\s+(?:of\s+it|on\s+it|more))?"
)


def story_target(
    msg: Msg, spans: list[tuple[int, int]], hits: list[Hit], best: Hit
) -> Target | None:
    """ "X isn't happening, delete it": the clause before the command names the task, or the
    title it quotes ("'call sue' needs renaming, make it 'call sue about the party'")."""
    s = msg.masked
    earlier = [sp for sp in spans if sp[1] <= best.start]
    if not earlier:
        return None
    # A quoted title is the task even in a clause that says a change of its own ("not
    # urgent anymore: 'pay council tax' - make it low prio"), unless that clause says to add it.
    last = earlier[-1]
    framed_add = any(
        h.start == last[0] and h.intent == "add_task" and h.strength >= 2 for h in hits
    )
    quoted = None if framed_add else quoted_title(msg, *last)
    if quoted is not None:
        return quoted
    # A clause read only as a weak add may still tell how urgent the task is ("the report for
    # sinead isn't urgent anymore, set it to low").
    before = [
        sp
        for sp in earlier
        if not any(
            h.start == sp[0] and (h.strength >= 2 or not _URGENCY.search(s, *sp)) for h in hits
        )
    ]
    if not before:
        return None
    start, end = before[-1]
    quoted = quoted_title(msg, start, end)
    if quoted is not None:
        return quoted
    start = skip_all(FILLER, s, start, end)
    lead = _STORY_LEAD.match(s, start, end)
    tail = _STORY_TAIL.search(s, start, end)
    if lead is None and tail is None:
        return None
    start = lead.end() if lead is not None else start
    end = tail.start() if tail is not None else end
    if lead is not None:
        # "i didn't pay the window cleaner yet"
        yet = re.search(r"\s+yet\W*$", s[start:end])
        end = start + yet.start() if yet is not None else end
    candidate = read_target(msg, start, end)
    if candidate.kind == "pronoun" or not candidate.text or _PRONOUN_LED.match(candidate.text):
        return None
    # "just did an hour, mark that complete": an amount of the task done, not another task.
    if _AMOUNT.fullmatch(candidate.text.lower()):
        return None
    return candidate
