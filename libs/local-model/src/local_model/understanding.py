"""Understanding of one chat message: its intent, slots, a confidence, and whether to ask.

Two independent readers look at every message: the intent classifier (learned from the
corpus, temperature-calibrated) and the rule frames (which also find the slots). When they
agree, the assistant acts. When they disagree, the classifier's choice wins only when it is
sure, and its slots are read again under that intent; but a change needs both readers (a
change the user did not ask for costs more than a question back), so a state-changing intent
only the classifier sees, an unsure reading or a question that is not a request becomes a
short question instead ("Do you want me to add 'X' as a task, or were you asking
something?"). Context comes first: a reply to a question the assistant asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from .asking import all_tasks, several_numbered
from .classifier import Prediction, load_model
from .dates import find_times
from .follow_ons import (
    answer_to_question,
    clarification_answer,
    fields_for_last_task,
    mistake_noticed,
    narrowed_list,
    said_instead,
    same_again,
)
from .intent_frames import FIELD_NAMED
from .intents import INTENTS, MUTATING, TARGETED, Target, Understanding
from .language import help_language, other_language
from .message_text import prepare
from .references import HistoryMessage, asked_for_title, clarification_options
from .request_sentence import request_sentence
from .rule_reading import read, resolve_pronoun
from .shifts import shift_days
from .shorthands import apply_shorthands, trailing_shorthands
from .slot_agreement import Agreement, slot_agreement
from .slot_patterns import RECURRING
from .slot_resolution import (
    named_in_message,
    resolve_slots,
    suspect_target,
    tagger_words_when_asked,
)
from .span_tagger import SpanModel, load_span_model
from .told_frames import DELETE_CUE

__all__ = [
    "ASK_BELOW",
    "INTENTS",
    "OVERRIDE",
    "Target",
    "Understanding",
    "understand",
    "understand_with_agreement",
]

OVERRIDE = 0.55
"""The classifier's probability above which its intent replaces a weak rule reading
(for reading and talking intents)."""
ASK_BELOW = 0.5
"""A state-changing reading less sure than this is asked about, not carried out."""
AGREE_ASK_BELOW = 0.4
"""Even when both readers agree, a change the classifier gives less than this is asked about."""
SUPPORT = 0.3
"""A strong rule frame the classifier gives at least this counts as agreement."""
FRAMED = 2.5
"""Rule frames this strong (a command verb or a clear cue) are not overruled silently."""
ASK_FROM = 0.3
"""A state-changing intent the classifier gives at least this is asked about rather than
ignored when the rules found no request."""
SLOT_ASK_BELOW = 2 / 3
"""A change whose slots are right less often than this at their level of agreement between
the span tagger and the rules (calibrated at training) is asked about: a change the user did
not ask for costs about twice a question back, so acting must be right twice as often."""
OUTVOTE = 0.97
"""A rule frame is overruled when the classifier gives a different intent at least this and
the frame's own intent less than `OUTVOTED`: a frame matched on words that belong to another
request ("make sure i get the car serviced", "pay the maid saturday, mark it urgent")."""
OUTVOTED = 0.01
READ_OVER = 0.995
"""A framed question to read is asked about as a change only when the classifier gives that
change at least this."""
SEARCH_WORDS = 6
"""A search query the classifier's reading gives more words than this is a sentence, not a
search."""
RIVAL = 0.3
"""A change the readers agree on without a command frame is still asked about when the
classifier gives a different change at least this."""
UNRESOLVED = frozenset({"differ", "overlap"})
"""Slot readings the two readers disagree on that `slot_resolution` could not settle: always
asked about, whatever their calibrated share (measured on the corpus's own wording, it
flatters them on wording nobody wrote a template for)."""
_RULE_TRUST = {FIELD_NAMED: 0.6, 3.0: 0.6, 2.8: 0.5, 2.6: 0.4, 2.5: 0.4, 2.0: 0.3, 1.5: 0.2}

_QUESTION = re.compile(
    r"^\W*(?:is|are|was|will|would|does|do|did|should|what|what's|whats|when|where|who|why|how"
    r"|which)\b|\?\s*\W*$",
    re.IGNORECASE,
)
_DONE_FOR_ME = re.compile(
    r"(?:book|get|order|buy|find|call|fetch|send|bring|make|reserve|grab)\s+(?:me|us)\b",
    re.IGNORECASE,
)
_SHOW = re.compile(r"\W*(?:show|list|gimme|give\s+me|let\s+me\s+see|display)\b", re.IGNORECASE)
_REQUEST_QUESTION = re.compile(
    r"\b(?:can|could|would|will)\s+(?:you|u)\b|\bis\s+it\s+possible\b|\bany\s+chance\b",
    re.IGNORECASE,
)
_FOCUS = re.compile(
    r"\b(?:focus\s+on|work\s+on\s+(?:next|first|now|today)|most\s+(?:important|urgent|pressing)"
    r"|prioriti[sz]e\s+(?:today|now|first)|what\s+should\s+i\s+(?:do|tackle|start)"
    r"(?:\s+\w+)?\s+(?:first|next|today|now))\b",
    re.IGNORECASE,
)


def _has_slots(reading: Understanding) -> bool:
    if reading.intent == "add_task":
        return bool(reading.title)
    if reading.intent in TARGETED:
        return reading.target is not None
    return True


def _no_change(rule: Understanding) -> bool:
    """A change that names nothing to change ("..., rename it"): the words around it may."""
    return rule.intent == "update_task" and not (
        rule.new_title
        or rule.due
        or rule.priority
        or rule.tags
        or rule.description
        or rule.clear_due
        or rule.shift_days
    )


def _rival_change(intent: str, prediction: Prediction) -> bool:
    """Whether the classifier gives another change a real chance ("cancel the call mom":
    add a task, or delete one?): two different changes fit, so the assistant asks."""
    return any(
        other != intent and prediction.probability(other) >= RIVAL
        for other in MUTATING
        if other in INTENTS
    )


def _decide(
    rule: Understanding,
    strength: float,
    negated: frozenset[str],
    prediction: Prediction,
    message: str,
    history: Sequence[HistoryMessage],
    today: date,
) -> Understanding:
    top = prediction.intent
    p_rule = prediction.probability(rule.intent)
    # A frame that names the field it changes needs no classifier support: its words belong
    # to no other request, and the classifier was taught few of them.
    named = strength >= FIELD_NAMED
    if top == rule.intent or (strength >= FRAMED and p_rule >= SUPPORT) or named:
        trust = _RULE_TRUST.get(strength, 0.0)
        rule.confidence = p_rule + (1 - p_rule) * trust
        rule.ask = rule.intent in MUTATING and (
            rule.confidence < ASK_BELOW
            or (p_rule < AGREE_ASK_BELOW and not named)
            or (strength < FRAMED and _rival_change(rule.intent, prediction))
        )
        return rule
    p_top = 0.0 if top in negated else prediction.confidence
    outvoted = (
        FRAMED <= strength < FIELD_NAMED
        and p_top >= OUTVOTE
        and p_rule < OUTVOTED
        and not _request_clause_agrees(rule, message, today)
    )
    framed = strength >= FRAMED and not outvoted
    # A framed question to read ("do i have a task to call mum?", "how many have i completed?")
    # or a request to be shown ("show me what's been ticked off") changes nothing when it is
    # wrong: it is not traded for a question about a change the classifier prefers, unless the
    # classifier is all but certain.
    reading = (
        framed
        and rule.intent in ("list_tasks", "help")
        and (_QUESTION.search(message) is not None or _SHOW.match(message) is not None)
        and p_top < READ_OVER
    )
    if top in MUTATING and p_top >= ASK_FROM and not reading:
        forced, _, _ = read(message, history, today, forced=top)  # type: ignore[arg-type]
        if outvoted and forced.intent in TARGETED and rule.target and rule.target.kind != "pronoun":
            # The frame read the wrong change of the right task: its target is the one read
            # where its command words put it.
            forced.target = rule.target
        if _has_slots(forced):
            forced.confidence = min(p_top, ASK_BELOW - 0.01)
            forced.ask = True
            if not (framed and (rule.intent in MUTATING or strength >= FIELD_NAMED)):
                return forced
    elif top not in MUTATING and p_top >= OVERRIDE and not framed:
        forced, _, _ = read(message, history, today, forced=top)  # type: ignore[arg-type]
        forced.confidence = p_top
        # A search for a whole sentence ("i'm so stressed about work, my manager keeps ...")
        # is no search: the message was not a request.
        if not (forced.query and len(forced.query.split()) > SEARCH_WORDS):
            return forced
    rule.confidence = p_rule
    rule.ask = rule.intent in MUTATING
    return rule


def _request_clause_agrees(rule: Understanding, message: str, today: date) -> bool:
    """Whether the classifier reads the rule's change in the clauses from the one that says it
    ("the plumber can't come till thursday, [change fix the sink to thursday]"): the story
    before it outvoted the frame, not the frame's own words. A change of "it" ("pay the maid
    saturday, mark it urgent") is about the clauses before it, so it is not checked alone."""
    if rule.intent not in TARGETED or rule.target is None or rule.target.kind == "pronoun":
        return False
    msg = prepare(message)
    for start, _ in msg.spans[1:]:
        rest = msg.text[start:]
        again, strength, _ = read(rest, [], today)
        if again.intent == rule.intent and strength >= FRAMED:
            return load_model().predict(rest).intent == rule.intent
    return False


def understand(history: Sequence[HistoryMessage], message: str, today: date) -> Understanding:
    """Understand `message`, the user's latest message, given the earlier `history`.

    Relative dates resolve against `today` (the current date in the user's time zone).
    Pronoun targets ("it", "that one") resolve to the task discussed last in `history`.
    A change is carried out only when its slots are sure too: the span tagger's reading is
    compared with the rules' (`slot_agreement`), the calibrated share of right readings at
    that level of agreement multiplies the confidence, and a reading more likely wrong than
    right is asked about.
    """
    spans = load_span_model()
    shorthands = trailing_shorthands(message)
    if shorthands is not None:
        message = shorthands.rest
    result, level = understand_with_agreement(history, message, today, spans)
    if level is not None:
        reliability = spans.slot_reliability.get(level, 1.0)
        result.confidence *= reliability
        result.ask = reliability < SLOT_ASK_BELOW or level in UNRESOLVED
    if shorthands is not None:
        apply_shorthands(result, shorthands)
    if result.intent in TARGETED and (result.target is None or result.target.kind == "pronoun"):
        # "done! back now" with no task talked about: nothing to act on, so which task?
        result.ask = True
    if result.intent == "add_task" and not result.title:
        result.ask = True  # "add it" with nothing said before: what should it say?
    if result.intent == "add_task" and result.title and _DONE_FOR_ME.match(result.title):
        result.ask = True  # "can you book me a taxi": asked of the assistant, maybe no task
    return result


def understand_with_agreement(
    history: Sequence[HistoryMessage], message: str, today: date, spans: SpanModel
) -> tuple[Understanding, Agreement | None]:
    """The understanding before its slots are checked, and how the tagger `spans` agrees
    with its slots (None when they are not checked: nothing would change, the assistant
    already asks, or the message answers the assistant's own question)."""
    follow = answer_to_question(message, history, today)
    if follow is not None:
        return follow, None
    language = help_language(message)
    if language is not None:
        return Understanding("help", language=language), None
    language = other_language(message)
    if language is not None:
        return Understanding("none", language=language), None
    # A long message's one request is read without the story around it.
    message = request_sentence(message, today) or message
    rule, strength, negated = read(message, history, today)
    several_numbered(rule, message)
    if all_tasks(rule):
        rule.ask = True  # answered "one at a time — which one?"
        return rule, None
    # A message with a command frame of its own is a new request, not the answer to "which
    # one do you mean?" ("stick down renew the car insurance friday").
    unframed = rule.intent in ("none", "add_task", "list_tasks") and strength < FRAMED
    # "put it down for dec 23" right after an add: nothing to add, so the task just added.
    untitled = rule.intent == "add_task" and not rule.title
    # "what about the home ones" after the tasks tagged work: a tag, not a search for "home ones".
    searched = rule.intent == "list_tasks" and rule.query is not None
    if unframed or untitled or searched or _no_change(rule):
        answer = (
            clarification_answer(message, history, today)
            or same_again(message, history, today)
            or said_instead(message, history, today)
            or fields_for_last_task(message, history, today)
            or mistake_noticed(message, history, today)
        )
        if answer is not None:
            resolve_pronoun(answer, history, today)
            _extras(answer, message)
            if answer.ask:
                answer.confidence = min(answer.confidence, ASK_BELOW - 0.01)
            return answer, None
    in_context = asked_for_title(history) or _answers_list(rule, history)
    if in_context:
        result = rule
    else:
        prediction = load_model().predict(message)
        result = _decide(rule, strength, negated, prediction, message, history, today)
    if result.intent == "list_tasks":
        narrowed_list(message, result, history, today)
    questioned = _QUESTION.search(message) and not (
        _REQUEST_QUESTION.search(message) and strength >= 3
    )
    # "i don't need the dog food anymore": a wish told, not a deletion asked for.
    wished = result.intent == "delete_task" and DELETE_CUE.search(prepare(message).masked)
    if result.intent in MUTATING and (questioned or wished):
        result.ask = True
        result.confidence = min(result.confidence, ASK_BELOW - 0.01)
    level = None
    if not in_context and result.intent in MUTATING and not result.ask:
        level = slot_agreement(result, message, spans)
        if level in ("differ", "overlap"):
            level = resolve_slots(result, message, today, spans) or level
        elif level in ("agree", "exact_rule") and suspect_target(result, today):
            level = "suspect"
    resolve_pronoun(result, history, today)
    if not in_context and result.intent in MUTATING and (result.ask or level in UNRESOLVED):
        tagger_words_when_asked(result, message, today, spans)
    if not in_context and named_in_message(result, message, today, spans) and level is not None:
        level = "resolved"
    _extras(result, message)
    return result, level


def _answers_list(rule: Understanding, history: Sequence[HistoryMessage]) -> bool:
    last = next((m for m in reversed(history) if m.role == "assistant"), None)
    return (
        rule.intent == "list_tasks"
        and last is not None
        and clarification_options(last.text) is None
        and bool(re.search(r"\btasks?\b|^\s*\d+\.", last.text))
    )


def _extras(result: Understanding, message: str) -> None:
    if _FOCUS.search(message) and result.intent in ("list_tasks", "none", "help"):
        result.intent = "list_tasks"
        result.focus = True
        result.status = result.due_on = result.due_before = None
        result.ask = False
    if result.intent == "update_task":
        result.shift_days = shift_days(message)
        if result.shift_days:
            # "push it back two days, they're closed on the 4th": the amount is the change.
            result.due = None
    changes_due = result.intent in ("add_task", "update_task") and bool(
        result.due or result.shift_days
    )
    if changes_due and find_times(message.lower()):
        result.unkept.append("time")
    if result.intent in ("add_task", "update_task") and RECURRING.search(message):
        result.unkept.append("recurrence")
