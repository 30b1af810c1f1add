"""The slots' vocabulary: priorities, tags, notes, polite tails, date words, task references."""

from __future__ import annotations

import re

from .dates import NUMBER_WORDS
from .vocabulary import alternatives

# Request wrappers before a title and closers after it that the frames do not know, kept as
# data (`title_leads`, `title_trails`) so a new one is a line, not a pattern edit.
TITLE_LEADS = alternatives("title_leads")
_TITLE_TRAILS = alternatives("title_trails")

# A clause after a comma that comments on the task rather than naming it ("..., i keep
# forgetting", "..., they're overdue already"): never part of a title.
COMMENT_CLAUSE = re.compile(rf",\s*(?:{alternatives('comment_clauses')})[^,]*$")

# What a request calls the task it adds when the task was told before it: no title.
PRONOUN_TITLE = re.compile(
    r"(?:it|this|that|a\s+task|task|one|something)(?:\s+down)?(?:\s+for\s+(?:me|us))?"
)
# A request asked after a preamble ("so i was thinking, could you add X", "my mum called and i
# need you to add X"): the title starts after the last one.
BURIED_REQUEST = re.compile(
    rf"\b(?:(?:{alternatives('request_wrappers')})|(?:i\s+)?need\s+(?:you|u)\s+to)\s+"
    r"(?:please\s+)?(?:add|put|pop|stick|jot\s+down|note\s+down)\s+"
    r"(?:(?:a\s+)?(?:task|reminder)\s+(?:to|for)\s+)?"
)

# Words that strengthen "important" or "urgent" ("pretty important"): part of the phrase, so
# they never stay behind in a title.
INTENSIFIER = (
    r"(?:(?:very|really|super|pretty|quite|rather|fairly|extremely|so|kinda|kind\s+of)\s+)"
)
PRIORITY_HIGH = (
    rf"(?:{INTENSIFIER}?(?:high|top|highest|max(?:imum)?|urgent|important|critical)\s+priority"
    rf"|priority\s*(?::|=|is|to|of)?\s*(?:high|top|urgent|1|one)|p1|{INTENSIFIER}?urgent(?:ly)?"
    rf"|{INTENSIFIER}?important"
    r"|asap|as\s+soon\s+as\s+possible|critical|a\s+priority|high\s+prio|prio\s+high|top\s+prio)"
)
PRIORITY_LOW = (
    r"(?:(?:(?:low|lowest|least|no)\s+priority|priority\s*(?::|=|is|to|of)?\s*(?:low|lowest|3|three)|p3"
    r"|(?:not|isn't|is\s+not|aren't|are\s+not)\s+(?:(?:that|so|really|very)\s+)?(?:urgent|important)"
    r"|not\s+a\s+priority|no\s+rush|no\s+hurry|low\s+prio"
    r"|whenever(?:\s+i\s+(?:can|get\s+(?:to\s+it|a\s+chance)))?|when\s+i\s+have\s+time|someday|eventually|no\s+deadline)"
    r"(?:\s+(?:at\s+all|really|honestly|though))?)"
)
PRIORITY_NORMAL = (
    r"(?:(?:normal|medium|regular|default|average|standard|mid)\s+priority"
    r"|priority\s*(?::|=|is|to|of)?\s*(?:normal|medium|regular|default|2|two)|p2)"
)
PRIORITY_BARE = r"(?:high|low|normal|medium|top|urgent)"
PRIORITY = re.compile(
    rf"(?P<high>{PRIORITY_HIGH})|(?P<low>{PRIORITY_LOW})|(?P<normal>{PRIORITY_NORMAL})"
)
PRIORITY_CONNECTOR = re.compile(
    # Whole words only: the "a" of "corsa asap" is not "a".
    r"(?:(?<![\w'])|(?=,))(?:(?:,|and|&|but)\s+)*(?:(?:make|mark|set|flag|give)\s+(?:it|that|this|them)\s+(?:as\s+|to\s+|a\s+)?"
    r"|(?:it's|its|it\s+is|this\s+is|that's|as|with|at|to|a|an|is)\s+)*$"
)
BARE_PRIORITY_AFTER = re.compile(
    rf"(?:make|set|mark|flag|put)\s+(?:it|that|this|them)\s+(?:as\s+|to\s+|at\s+)?(?P<p>{PRIORITY_BARE})\b"
    rf"|priority\s+(?:\S+\s+){{0,8}}?(?:to|as|at|=|:)\s+(?P<p2>{PRIORITY_BARE})\b"
)

POLITE_TAIL = re.compile(
    r"(?:[\s,.;:!?-]+|\b(?:please|pls|thanks|thank\s+you|thx|ty|cheers|for\s+me|if\s+you\s+can|when\s+you\s+can"
    r"|will\s+you|would\s+you|ok|okay|too|as\s+well|right\s+now|(?<!from\s)now|then|real\s+quick|quickly"
    r"|for\s+good|permanently|completely|already|though|lol|mate|buddy|thanks\s+a\s+lot|ta|x+|lah|leh|lor"
    r"|thank\s+you\s+(?:so|very)\s+much|thanks\s+(?:so|very)\s+much|much\s+appreciated|appreciate\s+it"
    r"|when\s+you\s+(?:get|have)\s+a\s+(?:chance|sec|second|moment|minute)"
    r"|cheers\s+mate|thanks\s+heaps|if\s+you\s+could|if\s+possible|needs\s+doing"
    r"|and\s+(?:thanks|thank\s+you|cheers)|altogether|entirely"
    r"|is\s+something\s+(?:i|we)\s+(?:need|have)\s+to\s+do|(?:please|pls)\s+add(?:\s+it)?"
    rf"|{_TITLE_TRAILS})\b)+$"
)


# The end of a note is the user's own words but for thanks ("ask them to check the brakes too").
_THANKS_TAIL = re.compile(
    r"(?:[\s,.;:!?-]+|\b(?:please|pls|thanks|thank\s+you|thx|ty|cheers|lol|mate|ta|x+)\b)+$"
)


def _without_tail(tail: re.Pattern[str], s: str, start: int, end: int) -> tuple[int, int]:
    m = tail.search(s, start, end)
    return (start, m.start()) if m is not None and m.start() > start else (start, end)


def strip_polite(s: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `s` without the thanks, "please" and wrappers that end it."""
    return _without_tail(POLITE_TAIL, s, start, end)


def strip_thanks(s: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `s`, a note, without the thanks that end it."""
    return _without_tail(_THANKS_TAIL, s, start, end)


LIST_PHRASE_TAIL = re.compile(
    r"\s*(?:,\s*)?(?:to|on|in|onto|into|for|from|off)\s+(?:my|the|our)\s+(?:todo\s+|to-do\s+|to\s+do\s+|task\s+"
    r"|tasks\s+|shopping\s+|reminders\s+)?(?:list|tasks|todos|reminders|to-?dos)\s*$"
    r"|\s*(?:,\s*)?(?:to|on|in|onto|from|off)\s+(?:my\s+)?(?:todo|to-do|tasks|todos)\s*$"
    r"|\s+(?:as\s+a\s+(?:new\s+)?(?:task|todo|reminder))\s*$"
)
# The words that label a task's note ("details: …", "desc: …").
FIELD_LABEL = r"(?:details?|notes?|description|desc)"
DESCRIPTION = re.compile(
    r"(?:^|[.,;?!]\s*|\s+)(?:and\s+)?(?:with\s+)?(?:a\s+|the\s+)?(?:notes?|description|details|desc|comments?|info)"
    r"\s*(?::|-|saying|that\s+says|reading|=)\s*(?P<d>\S.*)$"
)
# A priority word after the tags is the priority ("label it bills, high priority").
# A tag is no priority word, nor the word that starts a date ("tagged kids, due end of the month").
_TAG_WORD = (
    r"(?!(?:high|low|normal|medium|urgent|important|top|asap|due|by|on|for|before|until|till|from"
    r"|end|next|this|tomorrow|today|tonight|no|not|whenever|please|pls|thanks)\b)#?[a-z0-9][\w-]*"
)
_TAGS_SAID = (
    r"(?:^|[.,;?!]\s*|\s+)(?:and\s+)?"
    # "with the work tag": the tag said before the word "tag"
    r"(?:(?P<before>(?:with|under|in)\s+(?:the\s+|a\s+)?(?!(?:same|other|new|that|this|any)\b)(?=#?[a-z0-9][\w-]*\s+(?:tag|label)\b))"
    r"|(?:with\s+)?(?:the\s+)?(?:tags|labels|tag(?:ged)?|label(?:l?ed)?)\b"
    r"(?:\s+(?:it|this|them|that)\b)?(?:\s+(?:as|with|under|in)\b)?\s*:?\s*)"
    rf"(?P<tags>{_TAG_WORD}(?:\s*(?:,|and|&|\s)\s*{_TAG_WORD})*)(?(before)\s+(?:tag|label)\b)"
)
TAGS_TAIL = re.compile(_TAGS_SAID + r"\s*$")
# Tags said in a clause of their own ("tagged kids and summer, due end of the month").
TAGS_CLAUSE = re.compile(_TAGS_SAID + r"(?=\s*(?:[.,;!?]|$))")
HASHTAG = re.compile(r"(?:^|(?<=\s)|(?<=[,(]))#(?P<tag>[a-z][\w-]{0,31})\b")
DATE_PREP = re.compile(
    r"(?:(?<![\w'])(?:(?:,|and)\s*)?(?:(?:due|by|on|for|before|until|till|til|at|from|starting|no\s+later\s+than"
    r"|deadline|due\s+date|due\s+by|due\s+on|by\s+the|on\s+the|in\s+the|sometime|some\s+time|this|the|every|each"
    r"|which\s+is|which's|that\s+is|that's|perhaps|maybe|ideally|preferably|hopefully|first\s+thing)\s*:?\s+)*)?$"
)
TIME_PREP = re.compile(
    r"(?:(?<![\w'])(?:(?:,|and)\s*)?(?:(?:at|by|around|before|after|from|for)\s+)*)?$"
)
LEADING_LINK = re.compile(r"(?:to|that|about|of|for|:|-|,)\s+|(?:to|that|about|of|for|:|-|,)$")
ARTICLE = re.compile(r"(?:the|a|an|my|our|that|this)\s+")

ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "last": -1,
    "top": 1,
}
NUMBER_TARGET = re.compile(
    r"(?:the\s+)?(?:task|item|todo|to-do|number|no\.?|num|entry|one)?\s*(?:number\s+|no\.?\s*)?#?\s*(?P<n>\d{1,3})"
    r"(?:\s+(?:on|in|from)\s+(?:the|my)\s+list)?$"
)
# "number two", "task no. three", "task seven": a list number said as a word.
NUMBER_WORD_TARGET = re.compile(
    r"(?:the\s+)?(?:(?:task|item)\s+(?:(?:number|no\.?|#)\s*)?|(?:number|no\.?|#)\s*)(?P<word>"
    + "|".join(word for word in NUMBER_WORDS if word.isalpha() and word not in {"a", "an", "few"})
    + r")(?:\s+(?:on|in|from)\s+(?:the|my)\s+list)?$"
)
ORDINAL_TARGET = re.compile(
    r"(?:the\s+)?(?:(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|last|top)|(?P<num>\d{1,2})(?:st|nd|rd|th))(?:\s+(?:one|ones|task|item|todo|entry|thing))?"
    r"(?:\s+(?:on|in|from)\s+(?:the|my)\s+list)?$"
)
PRONOUN_TARGET = re.compile(
    r"(?:it|its|that|this|them|that\s+one|this\s+one|that\s+task|this\s+task|the\s+task|the\s+one|same\s+one"
    r"|the\s+same\s+one|that\s+thing|this\s+thing|the\s+last\s+one\s+you\s+added|the\s+one\s+i\s+just\s+added"
    r"|the\s+new\s+one|the\s+latest\s+one|the\s+previous\s+one)?$"
)
TARGET_LEAD = re.compile(
    r"(?:task\s+)?(?:the\s+|a\s+|my\s+)?(?:task|todo|to-do|item|one|reminder|entry)\s+(?:called|named|titled|about|for|to"
    r"|that\s+says)\s+"
    r"|(?:the\s+)?(?:task|todo|item|reminder)\s*:\s*"
    r"|(?:the\s+|my\s+|a\s+|an\s+|our\s+)"
    rf"|(?:{alternatives('target_leads')})\s+"
)
TARGET_TAIL = re.compile(
    rf"\s+(?:{alternatives('target_tail_words')})$|"
    r"\s+(?:as\s+)?(?:done|complete|completed|finished)$"
    r"|\s+(?:from|off|on|in)\s+(?:my|the)\s+(?:list|tasks|todo\s+list|to-do\s+list)$|\s+off$"
    r"|\s+(?:from|off)\s+(?:mine|my\s+one)$"
    r"|\s+(?:this\s+(?:morning|afternoon|evening)|last\s+night|yesterday|earlier(?:\s+today)?|today"
    r"|just\s+now|already|at\s+last|finally)$"
)
# A repetition ("every morning", "weekly"): tasks have no repeat, so it stays in the title
# and the reply says it was not kept.
RECURRING = re.compile(
    r"\b(?:(?:every|each)\s+(?:day|week|month|year|morning|evening|night|weekday|other\s+\w+"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|daily|weekly|monthly|yearly)\b",
    re.IGNORECASE,
)
