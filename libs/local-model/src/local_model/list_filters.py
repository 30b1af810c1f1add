"""The filters of a list request: status, due day or deadline, overdue, tag, search words."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .dates import NUMBER_WORDS, find_dates
from .frame_patterns import ADDED_ALREADY
from .intents import Understanding
from .message_text import Msg, trim, unquote
from .slot_patterns import DATE_PREP, HASHTAG, strip_polite
from .vocabulary import VOCABULARY, alternatives

QUERY = re.compile(
    r"\b(?:about|mentioning|mention|mentions|containing|contain|contains|regarding|related\s+to|matching|involving"
    r"|with\s+the\s+words?|called|named|titled|re:|that\s+say|that\s+says|for\s+the\s+word|with)\s+(?P<q>.+)$"
)
SEARCH = re.compile(
    r"(?:find|search(?:\s+(?:through\s+)?(?:(?:my|the|all\s+my)\s+)?(?:(?:completed|finished|done|open|pending)\s+)?"
    r"(?:tasks|list|to-?dos?|to-?do\s+list))?(?:\s+for)?"
    r"|look\s+(?:up|for)|lookup|filter(?:\s+by)?)\s+(?P<q>.+)$"
)


def always(match: re.Match[str] | None) -> re.Match[str]:
    """The match of a pattern that also matches the empty string, so it cannot fail."""
    assert match is not None
    return match


# "is buy milk still on my list?" asks about one task: a search for its words, not a listing.
LISTED_QUESTION = re.compile(
    r"^\W*(?:(?:hey|hi|ok|okay|so|and|oh|um|quick\s+question)[\s,:!-]+)*"
    r"(?:(?:is|are)\s+(?!there\b)|do\s+i\s+still\s+have\s+)(?P<q>.+?)\s+(?:still\s+|already\s+)?"
    r"(?:(?:on|in)\s+(?:my|the)\s+(?:to-?do\s+)?list|(?<=still\s)(?:open|pending|there))\s*[?!.]*\s*$"
)
# "do i have a task to call mum?", "is there a reminder about the boiler?": a search too,
# unless what follows is a day ("is there a task for tomorrow?").
TASK_NAMED_QUESTION = re.compile(
    r"\b(?:(?:do\s+i\s+(?:already\s+|still\s+)?have|is\s+there|have\s+i\s+got)\s+(?:a|any|an)\s+"
    r"(?:task|todo|to-do|reminder|item)s?"
    # "did i already put something in about the boiler service?"
    rf"|{ADDED_ALREADY})"
    r"\s+(?:to|for|about|called|named)\s+(?P<q>[^?!.,]+?)(?:\s+(?:yet|already))?\s*(?:[?!.,].*)?$"
)
# "did i finish the report?": whether one task is done, a search for its words.
DID_I_QUESTION = re.compile(
    r"^\W*(?:did|have)\s+i\s+(?:already\s+|ever\s+)?(?:finish(?:ed)?|complete(?:d)?"
    r"|(?:tick|check|cross)(?:ed)?\s+off)\s+"
    r"(?!(?:it|that|this|them|anything|everything|something|all|any)\b)(?P<q>[^?!.,]+?)"
    r"(?:\s+yet)?\s*[?!.]*\s*$"
)
ARTICLE_NOISE = re.compile(r"(?:(?:the|my|a|an)\s+)*")
QUERY_NOISE = re.compile(
    r"(?:(?:any|all|my|the|a|an|some|anything|something|everything|tasks?|todos?|items?|stuff|things?"
    r"|ones?|that|which|are|is|of|in|on)\s+)*"
)


# "anything with 'car' in it on my list?": what the query says after its words.
_QUERY_TAIL = re.compile(
    r"(?:\s+(?:tasks?|todos?|items?|on\s+my\s+list|in\s+my\s+list|please"
    r"|in\s+(?:it|them|its\s+(?:title|name)|the\s+(?:title|name))))+$"
)
# "anything due in the next 5 days?": a span from today.
_NEXT_DAYS = re.compile(
    r"\b(?:(?:in|within|over|during|for)\s+)?the\s+next\s+"
    r"(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+days\b"
)
_DATE_WORDS = re.compile(r"(?:due\s+dates?|deadlines?|dates?)\b")
_NOT_QUERIES = frozenset({"tasks", "task", "everything", "anything", "all"})
# "what about the finished ones?", "what about overdue stuff?", "the ones i already did": the
# filter's own words.
_FILTER_ONLY = re.compile(
    r"(?:(?:the|my|all|finished|completed|done|closed|overdue|late|pending|open|unfinished"
    r"|remaining|ones?|stuff|things?|items?|tasks?|i|we|already|did|that)\b\s*)+"
)
# Not "what all is due" (Indian English for "what is due").
_EVERYTHING = re.compile(r"\b(?<!\bwhat\s)(?:all|everything|every|whole|entire|full)\b")
# "what did i already finish", "what have i done", "the ones i already did": the completed tasks.
_DID_FINISH = re.compile(
    r"\bwhat\s+(?:did|have)\s+i\s+(?:already\s+)?(?:finish|finished|complete|completed|do|done"
    r"|(?:tick|check|cross|knock)(?:ed)?\s+off|get\s+done|got\s+done)\b"
    # "what about the ones i already did?"
    r"|\b(?:ones|things|tasks|stuff)\s+(?:that\s+)?(?:i|we)\s+(?:already\s+|have\s+|'ve\s+)?(?:did|done)\b"
)
_LOOSE_TAG = re.compile(
    rf"(?:\b(?:{alternatives('list_verbs')})\s+(?:me\s+)?"
    r"(?:all\s+)?(?:my\s+|the\s+)?"
    r"(?:open\s+|pending\s+)?)(?P<tag>[a-z][\w-]*)\s+(?:stuff|tasks|things|items|todos|ones)\b"
    rf"|\b(?:{alternatives('tag_contents_questions')})\s+(?P<within>[a-z][\w-]*)\s*[?!.]*\s*$"
)
_NOT_TAGS = frozenset(VOCABULARY["not_tags"])
_TAG_FILTER = re.compile(
    r"\b(?:tagged|tag(?!\s+(?:now|then|again|today|please|pls)\b)|labell?ed|label|with\s+(?:the\s+)?tag"
    r"|with\s+(?:the\s+)?label)\s+(?:as\s+|with\s+)?"
    r"['\"#]?(?P<tag>[a-z0-9][\w-]*)"
    # "due this week with the home tag", "anything overdue in the kids tag?"
    r"|\b(?:with|in|under|have|has)\s+(?:the\s+|my\s+|a\s+)?#?(?P<tag2>[a-z0-9][\w-]*)\s+(?:tag|label)\b"
    # "the work-tagged ones"
    r"|(?<![\w-])#?(?P<tag3>[a-z0-9]\w*)-(?:tagged|labell?ed)\b"
)
_PRIORITY_FILTER = re.compile(
    r"\b(?:(?:high|top|highest)[\s-]+prio(?:rity)?|urgent|important|critical)\b"
    r"|(?P<low>\b(?:low|lowest)[\s-]+prio(?:rity)?\b)"
)


def list_filters(msg: Msg, today: date, result: Understanding) -> None:
    s = msg.masked
    listed = LISTED_QUESTION.search(s) or TASK_NAMED_QUESTION.search(s) or DID_I_QUESTION.search(s)
    if listed is not None:
        q_start, q_end = listed.span("q")
        q_start = always(ARTICLE_NOISE.match(s, q_start, q_end)).end()
        query = unquote(msg, q_start, q_end)
        if query and not any(d.start == q_start for d in find_dates(s, today)):
            result.query = query
            return
    if re.search(rf"\b(?:{alternatives('status_all_words')})\b", s) or re.search(
        r"\b(?:open|pending|unfinished|current|active|incomplete|remaining)\s+(?:tasks\s+|ones\s+)?"
        r"(?:and|&|\+|or)\s+(?:the\s+)?(?:finished|completed|done|closed)\b"
        r"|\b(?:finished|completed|done|closed)\s+(?:and|&|\+|or)\s+(?:the\s+)?"
        r"(?:open|pending|unfinished|incomplete|not\s+done|undone)\b",
        s,
    ):
        result.status = "all"
    elif (
        re.search(
            r"\b(?:completed|finished|done|checked\s+off|ticked\s+off|crossed\s+off|closed|accomplished"
            r"|got\s+through)\b",
            s,
        )
        and not re.search(
            rf"\b(?:{alternatives('status_not_done_leads')})\s+(?:get\s+|be\s+)?"
            r"(?:done|finished|completed)\b",
            s,
        )
    ) or _DID_FINISH.search(s):
        result.status = "completed"
    elif _EVERYTHING.search(s):
        result.status = "all"
    elif re.search(rf"\b(?:{alternatives('status_pending_words')})\b", s):
        result.status = "pending"
    if re.search(
        r"\b(?:overdue|late|past\s+due|past\s+(?:their|its|the)\s+due|missed|behind|let\s+(?:\w+\s+)?slide|slipped)\b",
        s,
    ):
        result.overdue = True
    for d in find_dates(s, today):
        before = s[: d.start]
        if d.value == today and re.search(r"\b(?:between|from)\s+$", before):
            continue  # "between today and friday": the range ends at the next date
        if (
            re.search(
                r"(?:before|by|until|till|through|thru|up\s+to|no\s+later\s+than|within"
                r"|between\s+(?:now|today)\s+and|from\s+(?:now|today)\s+(?:un)?til)\s+(?:the\s+)?$",
                before,
            )
            or d.value != d.last
            # "this week" said on a Sunday is still a span, up to that day
            or re.search(r"\bweek(?:end)?\b", s[d.start : d.end]) is not None
        ):
            result.due_before = d.last
        else:
            result.due_on = d.value
        break
    coming = _NEXT_DAYS.search(s)
    if coming is not None and not (result.due_on or result.due_before):
        said = coming.group("n")
        days = int(said) if said.isdigit() else NUMBER_WORDS[said]
        result.due_before = today + timedelta(days=days)
    # Read on the text with its quotes shown: "with the tag 'taxes'".
    m = _TAG_FILTER.search(msg.low)
    hashtag = HASHTAG.search(s)
    loose = _LOOSE_TAG.search(s)
    if m is not None:
        result.tag = m.group("tag") or m.group("tag2") or m.group("tag3")
    elif hashtag is not None:
        result.tag = hashtag.group("tag")
    elif loose is not None and (loose.group("tag") or loose.group("within")) not in _NOT_TAGS:
        result.tag = loose.group("tag") or loose.group("within")
    priority = _PRIORITY_FILTER.search(s)
    if priority is not None:
        result.priority = "low" if priority.group("low") else "high"
    m = QUERY.search(s) or SEARCH.search(s)
    if m is not None and result.tag is None:
        q_start, q_end = m.span("q")
        q_start = always(QUERY_NOISE.match(s, q_start, q_end)).end()
        q_start, q_end = strip_polite(s, q_start, q_end)
        inner = QUERY.search(s, q_start, q_end)
        if inner is not None:
            q_start = always(QUERY_NOISE.match(s, inner.start("q"), q_end)).end()
        q_start, q_end = trim(s, q_start, q_end)
        for d in find_dates(s, today):
            # "the 24th of december": a date whose article the query's noise took still ends it.
            if d.start < q_end and d.end > q_start:
                q_end = max(q_start, d.start)
        q_end = always(DATE_PREP.search(s, q_start, q_end)).start()
        tail = _QUERY_TAIL.search(s, q_start, q_end)
        if tail is not None:
            q_end = tail.start()
        query = unquote(msg, q_start, q_end)
        # "tasks with a due date up to friday" filters by date, not by words.
        if (
            query
            and not _DATE_WORDS.match(query.lower())
            and query.lower() not in _NOT_QUERIES
            and not ((result.status or result.overdue) and _FILTER_ONLY.fullmatch(query.lower()))
        ):
            result.query = query
