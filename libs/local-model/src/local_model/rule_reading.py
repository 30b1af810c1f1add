"""The rule reading of a message: the strongest command frame of its clauses and its slots.

`read(..., forced=intent)` reads the message as that intent (the classifier's choice when the
frames chose another), taking the slots from the best frame of that intent or, when no frame
names it, from the message after its framing words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from .added_fields import fields_before, priority_said_before, told_in_sentences
from .frame_patterns import CLEAR_SHOWN, FILLER, OBLIGATION
from .intent_frames import Hit, choose, classify_clause
from .intents import TARGETED, Intent, Target, Understanding
from .list_filters import list_filters
from .message_text import Msg, prepare, skip_all
from .references import (
    HistoryMessage,
    Referent,
    asked_for_title,
    find_referent,
    last_said,
    latest_numbered_list,
    showed_completed,
    shown_by_words,
)
from .slot_patterns import HASHTAG, PRONOUN_TARGET, PRONOUN_TITLE
from .story_targets import story_target
from .targets import read_target
from .task_fields import fields_from_anywhere, task_fields
from .update_fields import update_fields

__all__ = ["read", "resolve_pronoun"]


_ANSWER_LEAD = re.compile(r"\s*(?:to|about)\s+(?=\w)")


def _title_of_user_message(text: str, today: date) -> str | None:
    previous, _, _ = read(text, [], today)
    if previous.intent == "add_task":
        return previous.title
    if previous.target is not None and previous.target.kind == "title":
        return previous.target.text
    return None


_NEGATED = re.compile(
    r"\W*(?:(?:no|nope|nah|wait|please|but|ok|okay)\W+)*(?:don't|dont|do\s+not|no\s+need\s+to"
    r"|never)\s+(?!forget\b|let\s+me\s+forget\b)"
)


# "don't add anything": a request for no change at all.
_NOTHING_WANTED = re.compile(
    r"(?:add|do|change|create|save|make|touch)\s+(?:anything|a\s+thing|any\s+tasks?)"
    r"(?:\s+(?:yet|now|for\s+now|right\s+now|at\s+all))?\W*$"
)


def _nothing_after(msg: Msg, negation: re.Match[str] | None, end: int) -> bool:
    return (
        negation is not None and _NOTHING_WANTED.match(msg.masked, negation.end(), end) is not None
    )


def asks_for_nothing(msg: Msg) -> bool:
    """Whether a clause of `msg` asks for no change at all ("don't add anything")."""
    return any(
        _nothing_after(msg, _NEGATED.match(msg.masked, start, end), end) for start, end in msg.spans
    )


def _forced_hit(intent: Intent, msg: Msg, spans: list[tuple[int, int]], hits: list[Hit]) -> Hit:
    best = choose([h for h in hits if h.intent == intent])
    if best is not None:
        return best
    s = msg.masked
    spoken = [sp for sp in spans if skip_all(FILLER, s, *sp) < sp[1]] or spans or [(0, len(s))]
    # A targeted command usually closes a rambling message; a new task's words start it.
    clause = spoken[-1] if intent in TARGETED else spoken[0]
    end = clause[1]
    start = skip_all(FILLER, s, clause[0], end)
    obligation = OBLIGATION.match(s, start, end)
    if obligation is not None:
        start = obligation.end()
    if intent in TARGETED and intent != "update_task":
        verb = re.match(r"[\w'-]+\s+(?:off\s+|out\s+|up\s+|back\s+)?", s[start:end])
        target_start = start + verb.end() if verb is not None else start
        return Hit(intent, 1, 0, len(s), target=(target_start, end))
    return Hit(intent, 1, 0, len(s), arg=start)


_TAG_IT = re.compile(r"(?:tag|label)\s+(?:it|this|that)\b")


def _tags_it(msg: Msg, hit: Hit) -> bool:
    return _TAG_IT.match(msg.masked, skip_all(FILLER, msg.masked, hit.start, hit.end)) is not None


_SET_IT = re.compile(r"(?:make|set|put|move|change)\s+(?:it|that)\b")


def _sets_it_later(msg: Msg, spans: list[tuple[int, int]], hit: Hit | None) -> bool:
    """ "to get the boys' boots. make it monday": a later clause gives "it", the task the first
    tells, a field."""
    return (
        hit is not None
        and hit.intent == "update_task"
        and hit.start > spans[0][0]
        and _SET_IT.match(msg.masked, skip_all(FILLER, msg.masked, hit.start, hit.end)) is not None
    )


_NAMED_AFTER = re.compile(r"\s*(?:the\s+)?(?:one|task|item|todo)\s+(?:called|named|titled)\s+\S")


def _named_after(msg: Msg, spans: list[tuple[int, int]], best: Hit) -> Target | None:
    """The task a clause after the command names ("mark that task complete - the one called
    pay electrician")."""
    named = next(
        (sp for sp in spans if sp[0] >= best.end and _NAMED_AFTER.match(msg.masked, *sp)), None
    )
    return read_target(msg, *named) if named is not None else None


_TO_THAT = re.compile(r"\s+to\s+(?:that|this)(?:\s+list)?$")


def _shown_task(title: str | None, history: Sequence[HistoryMessage]) -> Target | None:
    """The task of the list shown last that `title` points at by its place ("the third one")."""
    if not title or not latest_numbered_list(history):
        return None
    said = re.sub(r"'s$", "", title)  # "the third one's top priority now"
    target = read_target(prepare(said), 0, len(said))
    if target.kind == "number":
        return target
    # "put the hedge one on sunday": the one task of that list whose title holds the words.
    words = _THE_WORDS_ONE.fullmatch(said.lower())
    if words is not None and shown_by_words(words.group("w"), history) is not None:
        return Target("title", words.group("w"))
    return None


def _undo_over_delete(msg: Msg, best: Hit | None, hits: list[Hit]) -> Hit | None:
    """ "scratch that, put it back how it was": an undo, not a deletion of "that"."""
    undone = next((h for h in hits if h.intent == "undo"), None)
    if best is None or undone is None or best.intent != "delete_task" or best.target is None:
        return best
    said = msg.masked[best.target[0] : best.target[1]]
    return undone if PRONOUN_TARGET.fullmatch(said) else best


def _completed_shown(history: Sequence[HistoryMessage], today: date) -> bool:
    """Whether the latest reply showed the completed tasks: it says so, or it is the list the
    user asked for them with ("show completed" -> "1. Pay rent ...")."""
    if showed_completed(history):
        return True
    asked = last_said(history, "user")
    if asked is None or latest_numbered_list(history[asked:]) is None:
        return False
    earlier, _, _ = read(history[asked].text, history[:asked], today)
    return earlier.intent == "list_tasks" and earlier.status == "completed"


_THE_WORDS_ONE = re.compile(r"the\s+(?P<w>[\w'-]+(?:\s+[\w'-]+){0,2})\s+one")


def read(
    message: str, history: Sequence[HistoryMessage], today: date, forced: Intent | None = None
) -> tuple[Understanding, float, frozenset[str]]:
    """The rule reading of `message` (as `forced` when given), the strength of its frame and
    the intents the message negates ("don't mark it done, ...")."""
    msg = prepare(message)
    spans = list(msg.spans)
    hits: list[Hit] = []
    negated: list[Hit] = []
    for start, end in spans:
        negation = _NEGATED.match(msg.masked, start, end)
        if _nothing_after(msg, negation, end):
            hits.append(Hit("none", 2.6, start, end))
            continue
        hit = classify_clause(msg, negation.end() if negation else start, end, today)
        if hit is not None:
            (negated if negation else hits).append(hit)
    best = choose(hits) if forced is None else _forced_hit(forced, msg, spans, hits)
    best = _undo_over_delete(msg, best, hits)
    tagged = best if forced is None and best is not None and _tags_it(msg, best) else None
    if tagged is not None:
        # "defrost the freezer on wednesday, tag it kitchen", "i need to call the bank, tag it
        # finance": "it" is the task the clauses before tell.
        best = next((h for h in hits if h.intent == "add_task" and h.end <= tagged.start), tagged)
    weak = (
        best is None
        or best.strength < 2.6
        or tagged is not None
        or _sets_it_later(msg, spans, best)
    )
    if forced is None and asked_for_title(history) and weak:
        # "to get the boys' football boots" answers "what should I remind you about?"
        lead = _ANSWER_LEAD.match(msg.masked)
        best = Hit("add_task", 3, 0, len(msg.masked), arg=lead.end() if lead else 0)
    if forced is None:
        for start, end in spans:
            cleared = CLEAR_SHOWN.match(msg.masked, skip_all(FILLER, msg.masked, start, end), end)
            if cleared is not None and _completed_shown(history, today):
                best = Hit("clear_completed", 3, start, end)
    if best is None:
        return Understanding("none"), 0.0, frozenset(h.intent for h in negated)
    result = Understanding(best.intent)
    if best.intent == "add_task":
        if best.arg == -2:
            fields = fields_before(msg, spans, best, today)
        else:
            fields = (
                told_in_sentences(msg, best.arg, today)
                if best.strength >= 3
                else task_fields(msg, best.arg, len(msg.masked), today)
            )
            # "in a week remind me to ...": what the clause says before its frame.
            fields_from_anywhere(msg, best.start, best.arg, today, fields)
            # "tonight i have to water the tomatoes, remind me pls": a frame with nothing
            # after it but "it" adds what the clauses before it say ("book the car in for its
            # MOT, stick it on the list").
            unnamed = fields.title is None or PRONOUN_TITLE.fullmatch(fields.title.lower())
            if unnamed and best.start > spans[0][0]:
                said_before = fields_before(msg, spans, best, today)
                if said_before.title is not None:
                    fields = said_before
        result.title = fields.title
        result.description = fields.description
        result.due = fields.due
        result.priority = fields.priority or best.priority or priority_said_before(msg, spans, best)
        leading = [
            m.group("tag")
            for m in HASHTAG.finditer(msg.masked, best.start, max(best.arg, best.start))
        ]
        result.tags = leading + [tag for tag in fields.tags if tag not in leading]
        if result.title and PRONOUN_TITLE.fullmatch(result.title.lower()):
            result.title = None
        if result.title and latest_numbered_list(history):
            # "add fix the leaky tap to that, saturday": to the list just shown.
            result.title = _TO_THAT.sub("", result.title) or result.title
        shown = _shown_task(result.title, history)
        if shown is not None and (result.due or result.priority or result.tags):
            # "put the third one on wednesday and tag it kids": a task of the list just shown
            # given a date, priority or tags is changed, not added again.
            result.intent, result.target, result.title = "update_task", shown, None
    elif best.intent == "list_tasks":
        list_filters(msg, today, result)
    elif best.intent == "update_task":
        update_fields(msg, best.arg if best.arg >= 0 else best.start, today, result)
    elif best.intent in TARGETED and best.target is not None:
        result.target = read_target(msg, *best.target)
        if result.target.kind == "pronoun":
            result.target = _named_after(msg, spans, best) or result.target
        if result.target.kind == "pronoun":
            for other in hits:
                if other is not best and other.intent == best.intent and other.target is not None:
                    candidate = read_target(msg, *other.target)
                    if candidate.kind != "pronoun":
                        result.target = candidate
                        break
    said = result.target
    if result.target is not None and result.target.kind == "pronoun" and best.target:
        before = [sp for sp in spans if sp[1] <= best.start]
        if (
            best.bare
            and before
            and not any(
                h.start == before[-1][0] and (h.intent != "add_task" or h.strength >= 2)
                for h in hits
            )
        ):
            # "car wash - done", "send invoice to acme - done": the clause before a bare
            # "done" names the task (a task verb there is no request of its own); one told by
            # someone ("they didn't pick up, reopen") is a story about the task talked about.
            said_start = skip_all(FILLER, msg.masked, *before[-1])
            candidate = read_target(msg, said_start, before[-1][1])
            told = _TOLD_BY.match(msg.masked, said_start, before[-1][1]) is not None
            if candidate.kind != "pronoun" and not told:
                result.target = candidate
    if result.target is not None and result.target.kind == "pronoun":
        result.target = _named_after(msg, spans, best) or result.target
    if result.target is not None and result.target.kind == "pronoun":
        story = story_target(msg, spans, hits, best)
        if story is not None:
            result.target = story
    if result.target is not None and result.target.kind == "pronoun":
        # "had the boiler service done this morning, mark it off": the clause before told the
        # same change of a named task.
        earlier = [h.target for h in hits if h.intent == best.intent and h.end <= best.start]
        named = [read_target(msg, *span) for span in earlier if span is not None]
        if named and named[-1].kind != "pronoun":
            result.target = named[-1]
    if result.target is not None and result.target.kind == "pronoun":
        for other in negated:
            if other.target is not None:
                candidate = read_target(msg, *other.target)
                if candidate.kind != "pronoun":
                    result.target = candidate
                    break
    if said is not None and said.kind == "pronoun" and result.target is not None:
        result.target = _pronoun_or_story(said, result.target, history, today)
    return result, best.strength, frozenset(h.intent for h in negated)


_TOLD_BY = re.compile(r"(?:they|he|she|we|i|you|u)\b")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+(?=\S)", re.IGNORECASE)
_PRONOUN_WORD = re.compile(r"\b(?:it|that|this|them|thats|that's)\b")


def _pronoun_or_story(
    said: Target, read: Target, history: Sequence[HistoryMessage], today: date
) -> Target:
    """The command said "it" and the words around it were read as the task instead: the task
    talked about last is meant when those words are about it or hold the pronoun themselves
    ("got the groceries, mark that as done" after "Created task 'Get the groceries'"; "paid it
    just now, mark as done"); words about another task are kept ("called the plumber, mark it
    done" after creating "Buy milk")."""
    if read.kind != "title":
        return read
    referent = find_referent(history, lambda text: _title_of_user_message(text, today))
    if referent is None:
        return read
    # A shared word past the title's first (usually its verb): "groceries" in "get the
    # groceries", not "pay" in "pay rent".
    words = [w for w in read.text.lower().split() if len(w) >= 4]
    theirs = [w for w in referent.title.lower().split()[1:] if len(w) >= 4]
    about = any(a.startswith(b) or b.startswith(a) for a in words for b in theirs)
    return said if about or _PRONOUN_WORD.search(read.text.lower()) else read


def resolve_pronoun(result: Understanding, history: Sequence[HistoryMessage], today: date) -> None:
    """Point "it" / "that one" at the task discussed last in `history`, and "the last one" at
    the last task of the list shown last (it stays -1 when no list was shown)."""
    if result.target is not None and result.target.kind == "number" and result.target.text == "-1":
        shown = latest_numbered_list(history)
        if shown:
            result.target = Target("number", str(shown[-1].n))
    if result.target is not None and result.target.kind == "pronoun":
        referent: Referent | None = find_referent(
            history, lambda text: _title_of_user_message(text, today)
        )
        if referent is not None:
            title = _LEADING_ARTICLE.sub("", referent.title) or referent.title
            result.target = Target("title", title, referent.task_id)
