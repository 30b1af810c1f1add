"""A message prepared for reading: cleaned, quotes masked, cut into clauses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .cleaning import CleanText, clean
from .dates import DateMatch, find_dates
from .vocabulary import VOCABULARY

MASK = "\u2592"


@dataclass(frozen=True, slots=True)
class Msg:
    text: str
    low: str
    masked: str
    quotes: tuple[tuple[int, int], ...]
    # The clauses of `masked`, cut once for every reader.
    spans: tuple[tuple[int, int], ...]
    # Clauses that give a reason ("..., they charge on the 1st"): their dates are no due date.
    reasons: tuple[tuple[int, int], ...]


QUOTE = re.compile(r"""(?<![\w'])(['"])(?!\s)(.+?)(?<!\s)\1(?![\w])""")
CLAUSE_SPLIT = re.compile(
    # "task no. 8" is one clause; "no. i said friday" two; "todo - call the vet" one.
    r"[!?;]+\s*|(?<!\bno)\.+(?:\s+|$)|(?<=\bno)\.+(?!\s*\d)(?:\s+|$)|,\s+"
    # "todo - call the vet" and "add a note - bring photo id" are one clause each.
    r"|(?<!^todo)(?<!^to-do)(?<!^task)(?<!^reminder)(?<!\bnote)(?<!\bnotes)\s+-+\s+|\n+"
    r"|\s+(?:so|and\s+then|then|but)\s+(?=(?:please\s+|just\s+|(?:you|u)\s+can\s+)?(?:cross|tick|check|mark|delete|remove|take|reopen"
    r"|add|put|note|jot|bin|ditch|scrap|drop|trash|erase|cancel|get\s+rid)\b)"
    # "i finished the expense claim you can tick it off"
    r"|\s+(?=(?:you|u)\s+can\s+(?:cross|tick|check|mark|delete|remove|take)\s+(?:it|that|this)\b)"
    # "don't mark it done just delete it": the command after the negated one
    r"|\s+(?=just\s+(?:delete|remove|rename|move|change|reopen|mark|tick|bin|drop|push)\b)"
    # Dictated without stops: "the payment bounced mark it as not done".
    r"|(?=\s)(?<!\bdon't)(?<!\bdont)(?<!\bnot)(?<!\bnever)(?<!\bto)(?<!\byou)(?<!\bu)(?<!\bso)(?<!\bplease)"
    r"\s+(?=(?:(?:actually|just|please|now)\s+)?(?:mark|tick|cross|check)\s+(?:it|that|this"
    r"|the\s+(?:[\w'-]+\s+){1,3}one)\s+(?:as\b|off\b|done\b|complete|finished|not\b)"
    # "... bring the signed forms to school add that"
    r"|(?:just\s+|please\s+)?(?:add|save|jot|note)\s+(?:that|it|this)(?:\s+(?:down|in|please))?\W*$)"
)


# "the conference booking isnt happening", "so thats done": the contraction the rules know.
# Kept out of `clean`, so the learned models read the words as they were trained on them.
_BARE_CONTRACTIONS: dict[str, str] = VOCABULARY["bare_contractions"]
_BARE_CONTRACTION = re.compile(rf"\b(?:{'|'.join(_BARE_CONTRACTIONS)})\b", re.IGNORECASE)


def _with_apostrophes(text: str) -> str:
    def spelt(m: re.Match[str]) -> str:
        word = _BARE_CONTRACTIONS[m.group(0).lower()]
        return word.capitalize() if m.group(0)[0].isupper() else word

    return _BARE_CONTRACTION.sub(spelt, text)


def prepare(message: str) -> Msg:
    cleaned = clean(message)
    cleaned = CleanText(_with_apostrophes(cleaned.text), _with_apostrophes(cleaned.low))
    masked = list(cleaned.low)
    quotes = []
    for m in QUOTE.finditer(cleaned.low):
        quotes.append((m.start(2), m.end(2)))
        masked[m.start(2) : m.end(2)] = MASK * (m.end(2) - m.start(2))
    text = "".join(masked)
    spans = clauses(text)
    reasons: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        if i and _REASON_LEAD.match(text, start, end):
            reasons.append((start, end))
        elif (inside := _REASON_INSIDE.search(text, start, end)) is not None:
            reasons.append((inside.start(), end))
    return Msg(cleaned.text, cleaned.low, text, tuple(quotes), tuple(spans), tuple(reasons))


# A clause told as the reason for a request, with a subject of its own that is not the task:
# "because the shop shuts at 5", "otherwise this happens again next week", "they charge on
# the 1st". "it" and "that" usually speak of the task itself ("it's due friday").
_BECAUSE = r"because|cos|coz|cuz|otherwise"
_REASON_INSIDE = re.compile(rf"\s(?:{_BECAUSE})\s")
_REASON_LEAD = re.compile(
    rf"\s*(?:{_BECAUSE}|since|or\s+else|(?:they|he|she)\s+(?!(?:said|want|wants)\b)\w+"
    # "it's not happening this week anyway", "can't do it tomorrow": a date it is not
    r"|(?:it's|it\s+is|it\s+isn't|it\s+won't\s+be|it\s+wasn't)\s+(?:not\s+)?(?:happening|going\s+ahead)"
    r"|(?:i|we)\s+(?:can't|cannot|won't|couldn't)\s+(?:do|make)\b"
    # "the guy can't come monday", "the plumber couldn't make it"
    r"|(?!(?:it|that|this)\b)(?:the\s+|my\s+|our\s+)?[a-z]+\s+(?:can't|cannot|won't|couldn't)\s+"
    r"(?:come|make|do|fit|get|manage)\b"
    # "collection is early tomorrow", "the shop was shut": a thing of its own, said as it is
    r"|(?!(?:it|that|this|there|which|what|who|here)\b)(?:the\s+|my\s+|our\s+)?[a-z]+\s+(?:is|are|was|were)"
    r"\s+(?!(?:due|needed|now\s+due)\b))\b"
)


def reason_clauses(msg: Msg) -> list[tuple[int, int]]:
    """The reasons told as clauses of their own ("..., they close early on friday"), not
    inside one ("call the bank because of the fraud alert")."""
    starts = {start for start, _ in msg.spans}
    return [reason for reason in msg.reasons if reason[0] in starts]


def skip_all(pattern: re.Pattern[str], s: str, pos: int, end: int) -> int:
    while pos < end:
        m = pattern.match(s, pos, end)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    return pos


def clauses(masked: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in CLAUSE_SPLIT.finditer(masked):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(masked):
        spans.append((start, len(masked)))
    return spans


def trim(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in " ,.;:!?-\"'":
        start += 1
    while end > start and s[end - 1] in " ,.;:!?-\"'":
        end -= 1
    return start, end


def unquote(msg: Msg, start: int, end: int) -> str:
    start, end = trim(msg.low, start, end)
    return msg.text[start:end].strip()


def quote_inside(msg: Msg, start: int, end: int) -> tuple[int, int] | None:
    for q_start, q_end in msg.quotes:
        if start <= q_start and q_end <= end:
            return q_start, q_end
    return None


def dates_in(msg: Msg, today: date, start: int = 0, end: int | None = None) -> list[DateMatch]:
    stop = len(msg.masked) if end is None else end
    return [
        d
        for d in find_dates(msg.masked, today)
        if start <= d.start
        and d.end <= stop
        and not any(r_start <= d.start < r_end for r_start, r_end in msg.reasons)
    ]
