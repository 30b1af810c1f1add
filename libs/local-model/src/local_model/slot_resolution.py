"""Which reader's words a change is about when the span tagger and the rules read different
ones.

The rules cut a title or target out of a message by its frames; when a frame is missed, their
value keeps words no title is made of: a date ("call the dentist tomorrow about ..."), a
priority ("urgent: renew car insurance"), a request wrapper or a command word ("passport
handled"). The tagger labels every word and has no such blind spot, but it can cut a long
title short. So the tagger's value replaces the rules' only when the rules' value holds such
words and the tagger's does not, lies inside the message as its words, and every word of the
rules' value it leaves out is one of those or a linking word ("the", "to"); what the rules'
value held besides (its date, its priority) is kept as those slots, and so is a title the
rules read with the story before an obligation ("my boss said i have to [finish the slides]").
When the rules' value is plausible and holds the tagger's shorter one, the rules' is kept:
"kept_tail" when the tagger's reading is where the rules' starts and it stopped early ("buy
milk [and bread]"), "kept" otherwise; the two are measured apart because they fail for
different reasons. A target the tagger reads as a lone ordinal ("tick off the fourth one") is
that position in the list.

Training measures on held-back templates how often a reading settled this way is right
("resolved", "kept", "kept_tail" in the span model's `slot_reliability`); below the bar
every level has, the assistant asks. A target both readers agree on that holds such words
("my sister finished her exams today") is "suspect" and measured the same way.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from .cleaning import clean
from .dates import find_dates, find_times
from .frame_patterns import FILLER, OBLIGATION
from .intents import TARGETED, Target, Understanding
from .message_text import prepare, reason_clauses, skip_all
from .slot_agreement import ends_unfinished
from .slot_patterns import PRIORITY
from .span_tagger import SpanModel, ordinal_number, span_key, tokens
from .vocabulary import VOCABULARY, alternatives

__all__ = [
    "Resolution",
    "named_in_message",
    "resolve_slots",
    "suspect_target",
    "tagger_words_when_asked",
]

Resolution = Literal["resolved", "kept", "kept_tail", "trimmed"]

_NOT_TITLE = frozenset(VOCABULARY["not_title_words"])
_LINK = frozenset(VOCABULARY["link_words"])
_NOTES_PLACE = re.compile(VOCABULARY["notes_place"])
_WRAPPER = re.compile(rf"\b(?:{alternatives('request_wrappers')})\b")
_PRIORITY_WORD = ("high", "low", "normal")
_FRAMING_LEAD = re.compile(r"(?:to|that|i|we|you|sure)\s")
_STORY_OBLIGATION = re.compile(rf"(?:^|\s){OBLIGATION.pattern}$")


def _has_dates(value: str, today: date) -> bool:
    low = value.lower()
    # "the 7:15 train" names a train, not when to do it.
    times = [t for t in find_times(low) if not re.search(r"\b(?:the|a|my|our)\s+$", low[: t[0]])]
    return bool(find_dates(low, today) or times)


# A word joined by a hyphen is one word of a title ("thank-you notes"), not "you".
_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


_LEADING_COMMAND = re.compile(
    r"^(?:delete|remove|mark|rename|reopen)\s+(?=\S+\s+\S)", re.IGNORECASE
)


def _quoted(value: str, message: str) -> bool:
    quoted = rf"['\"\u2018\u201c]\s*{re.escape(value)}\s*['\"\u2019\u201d]"
    return re.search(quoted, message, re.IGNORECASE) is not None


# "get the car smog checked", "have the boiler sorted": a done word said of what to get done.
_CAUSATIVE = re.compile(r"(?:get|have)\s+.+\s(?:checked|done|sorted|finished|handled)$")


def _implausible(value: str, today: date) -> bool:
    low = value.lower()
    words = span_key(_INNER_HYPHEN.sub("", low))
    if _CAUSATIVE.match(low):
        words = words[:-1]
    return (
        _has_dates(low, today)
        or _FRAMING_LEAD.match(low) is not None
        or PRIORITY.search(low) is not None
        or _WRAPPER.search(low) is not None
        or any(word in _NOT_TITLE for word in words)
    )


def _unexplained(rule_value: str, tagged_words: tuple[str, ...], today: date) -> set[str]:
    """The words of the rules' value the tagger left out that are neither a date, a time, a
    priority, a request wrapper, a word no title is made of nor a linking word: words the
    tagger's reading would lose."""
    low = rule_value.lower()
    spans = [(d.start, d.end) for d in find_dates(low, today)] + find_times(low)
    spans += [m.span() for m in PRIORITY.finditer(low)] + [m.span() for m in _WRAPPER.finditer(low)]
    kept = "".join(" " if any(a <= k < b for a, b in spans) else ch for k, ch in enumerate(low))
    return (
        set(tokens(kept))
        - set(tokens(" ".join(tagged_words)))
        - _NOT_TITLE
        - _LINK
        - {t for t in tokens(kept) if not t[0].isalnum()}
    )


def _after_obligation(rule_words: tuple[str, ...], tagged_words: tuple[str, ...]) -> bool:
    """Whether the tagger's title is what the rules' ends with, after a story that ends in an
    obligation ("my boss just told me i have to [finish the slides]"): the story is not the
    title."""
    n = len(tagged_words)
    if len(rule_words) <= n or rule_words[-n:] != tagged_words:
        return False
    story = " ".join(rule_words[:-n]) + " "
    return _STORY_OBLIGATION.search(story) is not None


def _dates_are_due(value: str, due: date | None, today: date) -> bool:
    """Whether every date in `value` is the due date read ("pick up the kids [friday]"), so
    none of them is a word of the title the rules dropped ("arvo bbq supplies")."""
    return all(due in (d.value, d.last) for d in find_dates(value.lower(), today))


def _reason_words(message: str) -> set[str]:
    """The words of the clauses `message` gives as a reason ("..., they close early"): no
    words of a title."""
    msg = prepare(message)
    return {word for start, end in reason_clauses(msg) for word in tokens(msg.masked[start:end])}


def _holds(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return any(outer[k : k + n] == inner for k in range(len(outer) - n + 1))


def _as_typed(message: str, value: str) -> str:
    """`value` (the tagger's lowercase words) with the casing the user typed it in."""
    cleaned = clean(message)
    pattern = r"\W*".join(re.escape(word) for word in tokens(value))
    m = re.search(pattern, cleaned.low) if pattern else None
    return cleaned.text[m.start() : m.end()] if m is not None else value


def _keep_dropped(reading: Understanding, dropped: str, today: date) -> None:
    """Keep the date and priority said in the words the rules' value held and the tagger's
    does not."""
    low = dropped.lower()
    if reading.intent in ("add_task", "update_task") and reading.due is None:
        dates = find_dates(low, today)
        if len(dates) == 1:
            before = low[: dates[0].start]
            deadline = re.search(r"(?:by|before|until|till)\s+(?:the\s+)?$", before)
            reading.due = dates[0].last if deadline else dates[0].value
    if reading.intent == "add_task" and reading.priority is None:
        m = PRIORITY.search(low)
        if m is not None:
            reading.priority = next(name for name in _PRIORITY_WORD if m.group(name))


def resolve_slots(
    reading: Understanding, message: str, today: date, model: SpanModel
) -> Resolution | None:
    """Settle a disagreement between the tagger and the rules about the title (add_task) or
    target of `reading`: "resolved" when the tagger's value replaced the rules' (only the
    rules' holds words no title is made of), "kept_tail" when the rules' value is the tagger's
    and more words after it (the tagger stopped early: "buy milk [and bread]"), "kept" when it
    holds the tagger's otherwise, both with nothing implausible, None when neither reading is
    preferred."""
    if reading.intent == "add_task":
        rule_value = reading.title or ""
    elif reading.intent in TARGETED and reading.target is not None:
        if reading.target.kind != "title":
            return None
        rule_value = reading.target.text
    else:
        return None
    slot = "title" if reading.intent == "add_task" else "target"
    tagged = model.spans(message, reading.intent).get(slot, "")
    tagged_words = span_key(tagged)
    if not tagged_words or not set(tokens(tagged)) <= set(tokens(message)):
        return None
    number = ordinal_number(tagged_words[0]) if len(tagged_words) == 1 else None
    if reading.intent != "add_task" and number is not None:
        if _unexplained(rule_value, tuple(tokens(tagged)), today):
            return None
        reading.target = Target("number", number)
        return "resolved"
    rule_words = span_key(rule_value)
    if not _implausible(rule_value, today):
        if reading.intent == "add_task" and _after_obligation(rule_words, tagged_words):
            reading.title = _as_typed(message, tagged)
            return "resolved"
        if len(rule_words) <= len(tagged_words):
            inside = _holds(tagged_words, rule_words)
            trimmed = (
                inside
                and not ends_unfinished(rule_words)
                and not _unexplained(tagged, rule_words, today) - _reason_words(message)
                and _dates_are_due(tagged, reading.due, today)
            )
            return "trimmed" if trimmed else None
        if rule_words[: len(tagged_words)] == tagged_words:
            return "kept_tail"
        return "kept" if _holds(rule_words, tagged_words) else None
    if _implausible(tagged, today) or _unexplained(rule_value, tagged_words, today):
        return None
    value = _as_typed(message, tagged)
    dropped = " ".join(w for w in tokens(rule_value) if w not in set(tagged_words))
    if reading.intent == "add_task":
        reading.title = value
    else:
        reading.target = Target("title", value)
    _keep_dropped(reading, dropped, today)
    return "resolved"


def suspect_target(reading: Understanding, today: date) -> bool:
    """Whether the target both readers agree on holds words no title is made of ("my sister
    finished her exams today"), or the title ends by saying where in the notes it goes ("the
    garden plan to my ntoes"): agreement on such words is weaker evidence ("suspect" in the
    span model's `slot_reliability`)."""
    if reading.intent == "add_task":
        return reading.title is not None and _NOTES_PLACE.search(reading.title.lower()) is not None
    target = reading.target
    if reading.intent not in TARGETED or target is None or target.kind != "title":
        return False
    return _implausible(target.text, today)


def tagger_words_when_asked(
    reading: Understanding, message: str, today: date, model: SpanModel
) -> bool:
    """For a change the assistant asks about anyway (the rule frames missed, the classifier
    chose the intent, or the readers disagree unsettled): take the tagger's title or target
    when the rules' holds words no title is made of (a date, a priority, a wrapper, a command
    word: "laundry handled", "nailed the gym today"), or only linking words and pronouns ("it"
    in "we're not doing the car wash any more, take it off"), and the tagger's does not; and
    the tagger's target when the rules' holds it after words they kept before it ("i've taken
    care of [council tax]"). The rules' fallback reading keeps the words of a frame it did not
    know; the tagger, which labels every word, is the better reader there, and the question
    ("Do you want me to add 'X'?") and the "yes" that answers it then carry the right words.
    Returns whether it did."""
    if reading.intent == "add_task":
        rule_value, slot = reading.title or "", "title"
    elif reading.intent in TARGETED and reading.target is not None:
        if reading.target.kind != "title":
            return False
        rule_value, slot = reading.target.text, "target"
    else:
        return False
    if _quoted(rule_value, message):
        return False  # the user's own quotes say where the title starts and ends
    tagged = model.spans(message, reading.intent).get(slot, "")
    tagged_words = span_key(tagged)
    if not tagged_words or not set(tokens(tagged)) <= set(tokens(message)):
        return False
    rule_words = span_key(rule_value)
    lead_kept = (
        slot == "target"
        and len(rule_words) > len(tagged_words)
        and rule_words[-len(tagged_words) :] == tagged_words
    )
    # A new task may start with a command word ("add a task to delete my old account").
    judged = _LEADING_COMMAND.sub("", rule_value) if slot == "title" else rule_value
    if not (_implausible(judged, today) or set(rule_words) <= _LINK or lead_kept):
        return False
    number = ordinal_number(tagged_words[0]) if len(tagged_words) == 1 else None
    if slot == "target" and number is not None:
        reading.target = Target("number", number)
        return True
    if _implausible(tagged, today):
        return False
    value = _as_typed(message, tagged)
    dropped = " ".join(w for w in tokens(rule_value) if w not in set(tagged_words))
    if slot == "title":
        reading.title = value
    else:
        reading.target = Target("title", value)
    _keep_dropped(reading, dropped, today)
    return True


# One past-tense verb names no task: "smashed" of "smashed out the tax return, tick that off".
_PAST_VERB = re.compile(r"[a-z]{2,}[^e\W]ed")


def named_in_message(reading: Understanding, message: str, today: date, model: SpanModel) -> bool:
    """Point a pronoun that nothing in the earlier turns names ("the plumber came so cross it
    off", "walked the dog already, mark it done") at the task the tagger reads in the message
    itself, when it reads one made of title words. Returns whether it did."""
    target = reading.target
    if reading.intent not in TARGETED or target is None or target.kind != "pronoun":
        return False
    tagged = model.spans(message, reading.intent).get("target", "")
    tagged_words = span_key(tagged)
    if (
        not tagged_words
        or set(tagged_words) <= _LINK
        or not set(tokens(tagged)) <= set(tokens(message))
        or _implausible(tagged, today)
        or (len(tagged_words) == 1 and _PAST_VERB.fullmatch(tagged_words[0]) is not None)
        # "grand, … so that's done": a word that opens a reply names no task
        or skip_all(FILLER, tagged.lower(), 0, len(tagged)) >= len(tagged)
    ):
        return False
    number = (
        ordinal_number(tagged_words[0]) if len(tagged_words) == 1 else _numbered(tagged, message)
    )
    if number is not None:
        reading.target = Target("number", number)
    else:
        reading.target = Target("title", _as_typed(message, tagged))
    return True


def _numbered(tagged: str, message: str) -> str | None:
    """The number of the task the tagger's words start with when the message says it as one
    ("[number 2 went] out this morning, tick it off"), not as words of a title ("picked up the
    3 bags of compost")."""
    first = tagged.split()[0] if tagged.split() else ""
    said = rf"(?:number|no\.?|#|task|item)\s*{re.escape(first)}\b"
    if first.isdigit() and re.search(said, clean(message).low) is not None:
        return str(int(first))
    return None
