"""Understanding of one chat message in the task domain: its intent and its slots.

A message is cleaned (quotes, emoji, shorthand, typos), the contents of quotes are masked so
that words inside a quoted title never act as commands, and it is cut into clauses. Each
clause is matched against command frames, strongest first: a command verb at the start of a
clause ("add ...", "delete ...", "mark ... done") wins over a cue elsewhere ("... is done"),
which wins over a bare phrase with a date ("milk tmrw"). The argument of the winning frame is
then taken apart into slots: dates, priority, tags, description, list filters, the target task.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from .cleaning import clean
from .dates import DateMatch, find_dates, find_times
from .references import (
    HistoryMessage,
    Referent,
    asked_for_title,
    clarification_options,
    find_referent,
)

__all__ = ["INTENTS", "Target", "Understanding", "understand"]

INTENTS = (
    "add_task",
    "list_tasks",
    "complete_task",
    "reopen_task",
    "update_task",
    "delete_task",
    "clear_completed",
    "undo",
    "help",
    "none",
)
Intent = Literal[
    "add_task",
    "list_tasks",
    "complete_task",
    "reopen_task",
    "update_task",
    "delete_task",
    "clear_completed",
    "undo",
    "help",
    "none",
]
TARGETED = frozenset({"complete_task", "reopen_task", "update_task", "delete_task"})

_MASK = "\u2592"


@dataclass(frozen=True, slots=True)
class Target:
    """How a message refers to an existing task.

    kind "number": `text` is its number in the latest list shown ("task 3", "the third one");
    "title": `text` is words of its title (as typed); "pronoun": "it" / "that one" with nothing
    in the history to resolve it. `task_id` is set when the history names the task's id.
    """

    kind: Literal["number", "title", "pronoun"]
    text: str
    task_id: str | None = None


@dataclass(slots=True)
class Understanding:
    """The intent of a message and the slots it states (dates already resolved)."""

    intent: Intent
    title: str | None = None
    description: str | None = None
    due: date | None = None
    clear_due: bool = False
    priority: str | None = None
    tags: list[str] = field(default_factory=list)
    status: str | None = None
    due_on: date | None = None
    due_before: date | None = None
    overdue: bool = False
    query: str | None = None
    tag: str | None = None
    target: Target | None = None
    new_title: str | None = None

    def slots(self) -> dict[str, object]:
        """The slots in the evaluation format: lowercase titles, dates as YYYY-MM-DD."""
        out: dict[str, object] = {}
        if self.title:
            out["title"] = self.title.lower()
        if self.description:
            out["description"] = self.description.lower()
        if self.due:
            out["due"] = self.due.isoformat()
        if self.clear_due:
            out["clear_due_date"] = True
        if self.priority:
            out["priority"] = self.priority
        if self.tags:
            out["tags"] = list(self.tags)
        if self.status:
            out["status"] = self.status
        if self.due_on:
            out["due_on"] = self.due_on.isoformat()
        if self.due_before:
            out["due_before"] = self.due_before.isoformat()
        if self.overdue:
            out["overdue"] = True
        if self.query:
            out["query"] = self.query.lower()
        if self.tag:
            out["tag"] = self.tag.lower()
        if self.target:
            out["target"] = self.target.text.lower()
        if self.new_title:
            out["new_title"] = self.new_title.lower()
        return out


@dataclass(frozen=True, slots=True)
class _Msg:
    text: str
    low: str
    masked: str
    quotes: tuple[tuple[int, int], ...]


@dataclass(slots=True)
class _Hit:
    intent: Intent
    strength: float
    start: int
    end: int
    arg: int = -1
    target: tuple[int, int] | None = None
    priority: str | None = None


_QUOTE = re.compile(r"""(?<![\w'])(['"])(?!\s)(.+?)(?<!\s)\1(?![\w])""")
_CLAUSE_SPLIT = re.compile(r"[!?;]+\s*|\.+(?:\s+|$)|,\s+|\s+-+\s+|\n+")


def _prepare(message: str) -> _Msg:
    cleaned = clean(message)
    masked = list(cleaned.low)
    quotes = []
    for m in _QUOTE.finditer(cleaned.low):
        quotes.append((m.start(2), m.end(2)))
        masked[m.start(2) : m.end(2)] = _MASK * (m.end(2) - m.start(2))
    return _Msg(cleaned.text, cleaned.low, "".join(masked), tuple(quotes))


# --------------------------------------------------------------------------- vocabulary

_W = r"(?:\s+|$)"
_FILLER = re.compile(
    r"(?:hi|hey|hello|hiya|yo|ok|okay|k|so|and|also|oh|ah|oops|whoops|ugh|argh|hmm+|um+|uh+|er+m?"
    r"|well|actually|wait|no|nope|please|kindly|quick(?:ly)?|now|then|right|alright|great|cool"
    r"|sorry|btw|by\s+the\s+way|never\s*mind|just|hey\s+there|good\s+(?:morning|afternoon|evening)"
    r"|yes|yeah|yep|sure|perfect|nice|awesome|thanks|thank\s+you|dear\s+assistant|assistant|bot"
    r"|buddy|mate|one\s+more\s+thing|another\s+thing|quick\s+one|real\s+quick|oh\s+and"
    r"|can\s+(?:you|i)|could\s+(?:you|i)|would\s+you|will\s+you|would\s+you\s+mind"
    r"|i\s+(?:want|wanna|need|would\s+like|'d\s+like)\s+(?:you\s+)?to|i'd\s+like\s+(?:you\s+)?to"
    r"|let's|lets|go\s+ahead\s+and|help\s+me|be\s+a\s+dear\s+and|do\s+me\s+a\s+favou?r\s+and"
    r"|for\s+me|try\s+to|please\s+can\s+you)(?:[\s,:!.-]+|$)"
)
_OBLIGATION = re.compile(
    r"(?:i\s+)?(?:really\s+)?(?:need\s+to|have\s+to|gotta|got\s+to|must|should|ought\s+to"
    r"|'ve\s+got\s+to|'ll\s+need\s+to|am\s+going\s+to|'m\s+going\s+to|want\s+to|wanna)\s+"
)

_MANAGE_AFTER_OBLIGATION = re.compile(
    r"(?:mark|delete|remove|reopen|rename|move|postpone|reschedule|change|show|list|see|view|check"
    r"|tick|undo|clear|add|create|find|search|know|get\s+rid)\b"
)
_ADD_VERB = (
    r"(?:add|create|make|insert|log|jot\s+down|note\s+down|write\s+down|put\s+down"
    r"|set\s+up|put|new)"
)
_TASK_NOUN = r"(?:task|todo|to-do|to\s+do|reminder|item|entry|one)s?"
_ADD_HEADS = [
    re.compile(
        rf"(?:{_ADD_VERB}|(?:set|make)\s+(?:me\s+)?(?=an?\s))\s+(?:me\s+)?(?:a\s+|an\s+|another\s+"
        rf"|one\s+more\s+|the\s+)?(?P<prio>(?:high|low|normal|medium|urgent|important|top|critical)"
        rf"(?:[\s-]+priority)?\s+)?(?:new\s+|quick\s+)?{_TASK_NOUN}\b(?!\s*#?\d)"
        r"\s*(?:(?:called|named|titled|that\s+says|saying|for\s+me\s+to|for|about|to)\b|[:-])?\s*"
    ),
    re.compile(r"(?:new|todo|to-do|to\s+do|task|reminder|add)\s*[:-]\s*"),
    re.compile(r"(?:todo|to-do)\s+(?!lists?\b)"),
    re.compile(r"(?:remind|reminder)\s+(?:me\b|to\b)\s*(?:to\b|about\b|that\b|of\b)?\s*"),
    re.compile(
        r"(?:remember|don't\s+forget|dont\s+forget|don't\s+let\s+me\s+forget|do\s+not\s+forget)"
        r"\s+(?:to\b|about\b)?\s*"
    ),
    re.compile(
        r"(?:add|ad|addd|create|insert|jot\s+down|note\s+down|write\s+down|put(?!\s+off\b)|schedule\s+a\s+task)\b\s*"
    ),
]
_ADD_TO_UPDATE = re.compile(
    r"add\s+(?:a\s+|an\s+|the\s+|this\s+|some\s+|another\s+)?(?:note|notes|description|comment"
    r"|details?|tags?|labels?|due\s+date|deadline|priority)\b"
)
_ADD_PRONOUN = re.compile(r"(?:add|put|save|log)\s+(?:it|this|that)\b")

_DONE_WORD = (
    r"(?:completed|complete|done|finished|checked(?:\s+off)?|ticked(?:\s+off)?|crossed\s+off"
    r"|ticked|closed)"
)
_CLEAR = re.compile(
    r"(?:clear|delete|remove|purge|clean\s*up|clean\s+out|get\s+rid\s+of|wipe|trash|archive"
    r"|drop|erase|bin|nuke|tidy\s+up|hide|dump|ditch|toss|empty)\b(?:\s+(?:out|away|off|up))?"
    r"(?:\s+(?:all|the|my|of|everything|every|any|task|tasks|that|that's|thats|which|are|is|were"
    r"|i|i've|i'd|i'm|have|had|already|been|marked|as|ones?|items?|stuff|things?|those|these"
    r"|you|we|list|out|up))*"
    rf"\s+{_DONE_WORD}\b"
)
_CLEAR_BARE = re.compile(
    rf"(?:all\s+)?(?:the\s+)?{_DONE_WORD}\s+(?:tasks?|ones|items)?\s*(?:clear|cleanup|purge)"
)

_UNDO = re.compile(
    r"(?:undo|revert|reverse|roll\s*back|take\s+(?:that|it|this)\s+back|put\s+it\s+back"
    r"|cancel\s+(?:that|the\s+last)|ctrl\s*\+?\s*z)\b"
)
_UNDO_ANY = re.compile(
    r"\b(?:undo\b(?!\s+(?:task|#|\d))|take\s+(?:that|it|this)\s+back|revert\s+(?:that|it|this|the\s+last)"
    r"|roll\s+(?:that|it)\s+back|undo\s+(?:that|it|the\s+last))"
)
_HELP_HEAD = re.compile(
    r"(?:help|help\s+me|i\s+need\s+help|need\s+help|help\s+please|\?+)\s*$|(?:help|usage|commands)\s*\??$"
)
_HELP_ANY = re.compile(
    r"\b(?:what\s+(?:else\s+)?can\s+(?:you|i)\s+(?:do|say|ask|use)|what\s+(?:do|can)\s+you\s+(?:do|understand|know|handle|support)"
    r"|what\s+(?:commands|features)|which\s+commands|what\s+are\s+(?:the\s+|your\s+)?commands"
    r"|how\s+(?:do|can|should|would)\s+i\b|how\s+does\s+(?:this|it)\s+work|how\s+to\s+use"
    r"|what\s+are\s+you\s+(?:able|capable)|what\s+is\s+this|who\s+are\s+you|what\s+are\s+you"
    r"|how\s+do\s+you\s+work|what\s+do\s+you\s+do|are\s+you\s+able\s+to|can\s+you\s+help"
    r"|what\s+can\s+this\s+(?:bot|thing|app)\s+do|show\s+me\s+how|instructions|examples?\s+of)"
)

_REOPEN_HEAD = re.compile(
    r"(?:re-?open|un-?mark|un-?check|un-?tick|un-?complete|un-?finish|un-?cross|restart|resume"
    r"|mark\s+as\s+(?:not\s+done|undone|incomplete|open|pending))\b\s*"
)
_NOT_DONE = (
    r"(?:not\s+(?:yet\s+|actually\s+)?(?:done|complete|completed|finished)|undone|incomplete|unfinished"
    r"|open|pending|to\s*do|active|uncompleted|not\s+complete|unchecked|unticked|not\s+completed)"
)
_REOPEN_MARK = re.compile(
    rf"(?:mark|set|flag|make|put)\s+(?P<t>.+?)\s+(?:as\s+|to\s+|back\s+to\s+|back\s+as\s+)?{_NOT_DONE}\b"
)
_REOPEN_CUE = re.compile(
    r"(?P<t>.+?)\s+(?:is\s*n't|isn't|isnt|is\s+not|wasn't|wasnt|was\s+not|ain't|hasn't\s+been"
    r"|has\s+not\s+been|aren't|are\s+not|'s\s+not)\s+(?:actually\s+|really\s+|quite\s+|yet\s+|fully\s+)?"
    r"(?:done|finished|complete|completed)\b"
)
_COMPLETE_HEADS = [
    re.compile(
        r"(?:mark|set|flag|check|tick|make)\s+(?P<t>.+?)\s+(?:as\s+|to\s+)?(?:done|complete|completed|finished"
        r"|checked(?:\s+off)?|ticked(?:\s+off)?|resolved)\b"
    ),
    re.compile(r"(?:tick|check|cross|strike|knock)\s+off\s+(?P<t>.+)"),
    re.compile(r"(?:tick|check|cross|strike|knock)\s+(?P<t>.+?)\s+off\b"),
    re.compile(r"(?:tick|cross)\s+(?P<t>.+)"),
    _FINISH_HEAD := re.compile(r"(?:complete|finish|close|resolve)\s+(?P<t>.+)"),
    re.compile(r"(?:done|finished|completed|complete)\b\s*(?:with\b|:|-|now\b)?\s*(?P<t>.*)"),
]
_COMPLETE_CUES = [
    re.compile(
        r"(?P<t>.+?)(?:\s+is|'s|\s+are|\s+was|\s+has\s+been|\s+have\s+been|\s+got|\s+is\s+now|\s+are\s+all)"
        r"\s+(?:now\s+|all\s+|finally\s+|already\s+|totally\s+|completely\s+)?(?:done|finished|complete|completed"
        r"|sorted|taken\s+care\s+of|handled|ticked\s+off|checked\s+off)\b"
    ),
    re.compile(
        r"i(?:\s+have|'ve|\s+just|\s+already|\s+finally|\s+totally|\s+got)*\s+(?:finished|completed|done|did"
        r"|accomplished|wrapped\s+up)\b\s*(?P<t>.*)"
    ),
    re.compile(r"(?:i\s+)?got\s+(?P<t>.+?)\s+(?:done|finished|sorted)\b"),
    re.compile(r"(?P<t>.+?)\s+(?:done|finished|completed|complete)\s*$"),
    re.compile(
        r"i(?:'m|\s+am)\s+(?:all\s+|now\s+|finally\s+)?(?:done|finished|through)\s+with\s+(?P<t>.+)"
    ),
]
_UPDATE_CLEAR_DUE = re.compile(
    r"(?:remove|delete|clear|drop|unset|take\s+off|get\s+rid\s+of)\s+(?:the\s+)?(?:due\s+date|deadline|date)"
    r"\s+(?:from|of|on|for)\s+"
)
_DELETE_HEAD = re.compile(
    r"(?:delete|remove|erase|scrap|trash|drop|discard|bin|kill|nuke|get\s+rid\s+of|throw\s+(?:away|out)"
    r"|toss|ditch|axe|scratch|nix|take\s+(?:off|out)|cross\s+out|strike)\b\s*"
)
_CANCEL_HEAD = re.compile(r"cancel\s+(?=(?:task|#|\d|it\b|that\b|this\b|the\s+\w+\s+task|['\"]))")
_UPDATE_HEAD = re.compile(
    r"(?:rename|re-name|retitle|change|update|edit|modify|set|make|move|push|postpone|reschedule"
    r"|delay|bump|shift|put\s+off|defer|prioriti[sz]e|deprioriti[sz]e|tag|label|mark|give|adjust|switch"
    r"|raise|lower|bring\s+forward)\b"
)
_LIST_HEAD = re.compile(
    r"(?:show|list|display|view|see|print|open|pull\s+up|bring\s+up|read\s+(?:out|me)|check|review"
    r"|find|search|look\s+(?:up|for)|lookup|filter|get|give\s+me|tell\s+me|remind\s+me\s+what"
    r"|what\s+about)\b"
)
_TASK_WORDS = re.compile(
    r"\b(?:tasks?|todos?|to-?dos?|to\s+do|list|lists|agenda|plate|reminders?|items?|due|overdue|left|done"
    r"|finished|completed|complete|pending|open|outstanding|remaining|upcoming|tagged|tag|schedule|coming\s+up|scheduled|planned|on\s+for"
    r"|do\s+i\s+have|have\s+i\s+got|i\s+have\s+to"
    r"|deadlines?|everything|anything|planned|ones|late|need\s+to\s+do|have\s+to\s+do|to\s+get\s+done)\b"
)
_QUESTION_START = re.compile(
    r"(?:what|what's|whats|which|how\s+many|how\s+much|do\s+i|did\s+i|have\s+i|am\s+i|is\s+there|are\s+there"
    r"|any|anything|got\s+any|when|where|is\s+anything|are\s+any|was\s+there|can\s+i\s+see|may\s+i\s+see)\b"
)
_LIST_NOUN_START = re.compile(
    r"(?:(?:my|all|the|all\s+my|all\s+the)\s+)?(?:(?:open|pending|finished|completed|done|overdue|remaining"
    r"|outstanding|upcoming|current|today's|tomorrow's|unfinished|old)\s+)?(?:tasks|todos|to-?dos|ones|items|agenda"
    r"|to-?do\s+list|list)\b"
)
_SMALL_TALK = re.compile(
    r"(?:hi|hey|hello|hiya|yo|good\s+(?:morning|afternoon|evening|night)|thanks|thank\s+you|thx|ty|cheers"
    r"|bye|goodbye|see\s+you|ok|okay|cool|great|nice|awesome|lol|haha|how\s+are\s+you|how's\s+it\s+going"
    r"|what's\s+up|sup|tell\s+me\s+a\s+joke|who\s+made\s+you)\b"
)
_TASK_VERBS = frozenset(
    (
        "buy",
        "call",
        "email",
        "e-mail",
        "pay",
        "pick",
        "book",
        "fix",
        "clean",
        "send",
        "write",
        "read",
        "get",
        "take",
        "water",
        "renew",
        "order",
        "schedule",
        "cook",
        "wash",
        "text",
        "reply",
        "submit",
        "file",
        "prepare",
        "plan",
        "bring",
        "visit",
        "return",
        "print",
        "review",
        "organize",
        "organise",
        "sort",
        "mow",
        "vacuum",
        "feed",
        "walk",
        "collect",
        "drop",
        "grab",
        "ring",
        "phone",
        "contact",
        "finalize",
        "finalise",
        "draft",
        "research",
        "study",
        "practice",
        "practise",
        "learn",
        "pack",
        "unpack",
        "repair",
        "paint",
        "install",
        "cancel",
        "sign",
        "register",
        "apply",
        "check",
        "iron",
        "fold",
        "tidy",
        "hoover",
        "shop",
        "meet",
        "attend",
        "backup",
        "back",
        "post",
        "ship",
        "mail",
        "deposit",
        "transfer",
        "withdraw",
        "invoice",
        "follow",
        "ask",
        "confirm",
        "arrange",
        "sweep",
        "empty",
        "replace",
        "charge",
        "refill",
        "update",
        "upload",
        "download",
        "print",
        "memorize",
        "call-back",
        "rsvp",
    )
)

_PRIORITY_HIGH = (
    r"(?:(?:very\s+|really\s+|super\s+)?(?:high|top|highest|max(?:imum)?|urgent|important|critical)\s+priority"
    r"|priority\s*(?::|=|is|to|of)?\s*(?:high|top|urgent|1|one)|p1|urgent(?:ly)?|(?:very\s+|really\s+|super\s+)?important"
    r"|asap|as\s+soon\s+as\s+possible|critical|a\s+priority|high\s+prio|prio\s+high|top\s+prio)"
)
_PRIORITY_LOW = (
    r"(?:(?:low|lowest|least|no)\s+priority|priority\s*(?::|=|is|to|of)?\s*(?:low|lowest|3|three)|p3"
    r"|not\s+(?:urgent|important|a\s+priority|that\s+important)|no\s+rush|no\s+hurry|low\s+prio"
    r"|whenever(?:\s+i\s+(?:can|get\s+(?:to\s+it|a\s+chance)))?|when\s+i\s+have\s+time|someday|eventually|no\s+deadline)"
)
_PRIORITY_NORMAL = (
    r"(?:(?:normal|medium|regular|default|average|standard|mid)\s+priority"
    r"|priority\s*(?::|=|is|to|of)?\s*(?:normal|medium|regular|default|2|two)|p2)"
)
_PRIORITY_BARE = r"(?:high|low|normal|medium|top|urgent)"
_PRIORITY = re.compile(
    rf"(?P<high>{_PRIORITY_HIGH})|(?P<low>{_PRIORITY_LOW})|(?P<normal>{_PRIORITY_NORMAL})"
)
_PRIORITY_CONNECTOR = re.compile(
    r"(?:(?:,|and|&|but)\s+)*(?:(?:make|mark|set|flag|give)\s+(?:it|that|this|them)\s+(?:as\s+|to\s+|a\s+)?"
    r"|(?:it's|its|it\s+is|this\s+is|that's|as|with|at|to|a|an|is)\s+)*$"
)
_BARE_PRIORITY_AFTER = re.compile(
    rf"(?:make|set|mark|flag)\s+(?:it|that|this|them)\s+(?:as\s+|to\s+)?(?P<p>{_PRIORITY_BARE})\b"
    rf"|priority\s+(?:\S+\s+){{0,8}}?(?:to|as|at|=|:)\s+(?P<p2>{_PRIORITY_BARE})\b"
)

_POLITE_TAIL = re.compile(
    r"(?:[\s,.;:!?-]+|\b(?:please|pls|thanks|thank\s+you|thx|ty|cheers|for\s+me|if\s+you\s+can|when\s+you\s+can"
    r"|will\s+you|would\s+you|ok|okay|too|as\s+well|right\s+now|now|again|then|real\s+quick|quickly"
    r"|for\s+good|permanently|completely|already|though|lol|mate|buddy)\b)+$"
)
_LIST_PHRASE_TAIL = re.compile(
    r"\s*(?:,\s*)?(?:to|on|in|onto|into|for|from|off)\s+(?:my|the|our)\s+(?:todo\s+|to-do\s+|to\s+do\s+|task\s+"
    r"|tasks\s+|shopping\s+|reminders\s+)?(?:list|tasks|todos|reminders|to-?dos)\s*$"
    r"|\s*(?:,\s*)?(?:to|on|in|onto|from|off)\s+(?:my\s+)?(?:todo|to-do|tasks|todos)\s*$"
    r"|\s+(?:as\s+a\s+(?:new\s+)?(?:task|todo|reminder))\s*$"
)
_DESCRIPTION = re.compile(
    r"(?:^|[.,;?!]\s*|\s+)(?:and\s+)?(?:with\s+)?(?:a\s+|the\s+)?(?:notes?|description|details|desc|comments?|info)"
    r"\s*(?::|-|saying|that\s+says|reading|=)\s*(?P<d>\S.*)$"
)
_TAGS_TAIL = re.compile(
    r"(?:^|[.,;?!]\s*|\s+)(?:and\s+)?(?:with\s+)?(?:the\s+)?(?:tag(?:ged)?|label(?:l?ed)?|tags|labels)"
    r"(?:\s+(?:it|this|them|that))?(?:\s+(?:as|with|under|in))?\s*:?\s*"
    r"(?P<tags>#?[a-z0-9][\w-]*(?:\s*(?:,|and|&|\s)\s*#?[a-z0-9][\w-]*)*)\s*$"
)
_HASHTAG = re.compile(r"(?:^|(?<=\s)|(?<=[,(]))#(?P<tag>[a-z][\w-]{0,31})\b")
_DATE_PREP = re.compile(
    r"(?:(?<![\w'])(?:(?:,|and)\s*)?(?:(?:due|by|on|for|before|until|till|til|at|from|starting|no\s+later\s+than"
    r"|deadline|due\s+date|due\s+by|due\s+on|by\s+the|on\s+the|in\s+the|sometime|some\s+time|this|the)\s*:?\s+)*)?$"
)
_TIME_PREP = re.compile(
    r"(?:(?<![\w'])(?:(?:,|and)\s*)?(?:(?:at|by|around|before|after|from)\s+)*)?$"
)
_LEADING_LINK = re.compile(r"(?:to|that|about|of|for|:|-|,)\s+|(?:to|that|about|of|for|:|-|,)$")
_ARTICLE = re.compile(r"(?:the|a|an|my|our|that|this)\s+")

_ORDINALS: dict[str, int] = {
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
_NUMBER_TARGET = re.compile(
    r"(?:the\s+)?(?:task|item|todo|to-do|number|no\.?|num|entry|one)?\s*(?:number\s+|no\.?\s*)?#?\s*(?P<n>\d{1,3})"
    r"(?:\s+(?:on|in|from)\s+(?:the|my)\s+list)?$"
)
_ORDINAL_TARGET = re.compile(
    r"(?:the\s+)?(?:(?P<word>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|last|top)|(?P<num>\d{1,2})(?:st|nd|rd|th))(?:\s+(?:one|task|item|todo|entry|thing))?"
    r"(?:\s+(?:on|in|from)\s+(?:the|my)\s+list)?$"
)
_PRONOUN_TARGET = re.compile(
    r"(?:it|that|this|them|that\s+one|this\s+one|that\s+task|this\s+task|the\s+task|the\s+one|same\s+one"
    r"|the\s+same\s+one|that\s+thing|this\s+thing|the\s+last\s+one\s+you\s+added|the\s+one\s+i\s+just\s+added"
    r"|the\s+new\s+one|the\s+latest\s+one|the\s+previous\s+one)?$"
)
_TARGET_LEAD = re.compile(
    r"(?:the\s+|a\s+|my\s+)?(?:task|todo|to-do|item|one|reminder|entry)\s+(?:called|named|titled|about|for|to|that\s+says)\s+"
    r"|(?:the\s+)?(?:task|todo|item|reminder)\s*:\s*"
    r"|(?:the\s+|my\s+|a\s+|an\s+|our\s+)"
)
_TARGET_TAIL = re.compile(
    r"\s+(?:task|todo|to-do|item|reminder|one|thing)$|\s+(?:as\s+)?(?:done|complete|completed|finished)$"
    r"|\s+(?:from|off|on|in)\s+(?:my|the)\s+(?:list|tasks|todo\s+list|to-do\s+list)$|\s+off$"
)


# --------------------------------------------------------------------------- helpers


def _skip(pattern: re.Pattern[str], s: str, pos: int, end: int) -> int:
    while pos < end:
        m = pattern.match(s, pos, end)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    return pos


def _clauses(masked: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_SPLIT.finditer(masked):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(masked):
        spans.append((start, len(masked)))
    return spans


def _trim(s: str, start: int, end: int) -> tuple[int, int]:
    while start < end and s[start] in " ,.;:!?-\"'":
        start += 1
    while end > start and s[end - 1] in " ,.;:!?-\"'":
        end -= 1
    return start, end


def _unquote(msg: _Msg, start: int, end: int) -> str:
    start, end = _trim(msg.low, start, end)
    return msg.text[start:end].strip()


def _quote_inside(msg: _Msg, start: int, end: int) -> tuple[int, int] | None:
    for q_start, q_end in msg.quotes:
        if start <= q_start and q_end <= end:
            return q_start, q_end
    return None


def _dates_in(msg: _Msg, today: date, start: int = 0, end: int | None = None) -> list[DateMatch]:
    stop = len(msg.masked) if end is None else end
    return [d for d in find_dates(msg.masked, today) if start <= d.start and d.end <= stop]


# --------------------------------------------------------------------------- clause frames


def _classify_clause(msg: _Msg, start: int, end: int, today: date) -> _Hit | None:
    s = msg.masked
    pos = _skip(_FILLER, s, start, end)
    if pos >= end:
        if _SMALL_TALK.match(s, start, end):
            return _Hit("none", 1, start, end)
        return None
    obligation = _OBLIGATION.match(s, pos, end)
    body = obligation.end() if obligation else pos

    def hit(intent: Intent, strength: float, **kwargs: object) -> _Hit:
        found = _Hit(intent, strength, start, end)
        for key, value in kwargs.items():
            setattr(found, key, value)
        return found

    if obligation is not None and not _MANAGE_AFTER_OBLIGATION.match(s, body, end):
        return hit("add_task", 2.5, arg=body)
    if _ADD_TO_UPDATE.match(s, body, end):
        return hit("update_task", 3, arg=body)
    if _ADD_PRONOUN.match(s, body, end) and not re.match(
        r"\w+\s+\w+\s+to\s+(?:task|#|\d)", s[body:end]
    ):
        return hit("add_task", 2.8, arg=-2)
    for pattern in _ADD_HEADS:
        m = pattern.match(s, body, end)
        if m is not None:
            prio = m.groupdict().get("prio")
            word = prio.split()[0].split("-")[0] if prio else None
            return hit("add_task", 3, arg=m.end(), priority=_bare_priority(word) if word else None)
    if _UNDO.match(s, body, end) and not re.match(r"\w+\s+(?:task\b|#|\d)", s[body:end]):
        return hit("undo", 3)
    if _CLEAR.match(s, body, end) or _CLEAR_BARE.match(s, body, end):
        return hit("clear_completed", 3)
    if _HELP_HEAD.match(s, body, end):
        return hit("help", 3)
    if _UPDATE_CLEAR_DUE.match(s, body, end):
        return hit("update_task", 3, arg=body)
    m = _REOPEN_MARK.match(s, body, end)
    if m is not None:
        return hit("reopen_task", 3, target=m.span("t"))
    m = _REOPEN_HEAD.match(s, body, end)
    if m is not None:
        return hit("reopen_task", 3, target=(m.end(), end))
    for pattern in _COMPLETE_HEADS:
        m = pattern.match(s, body, end)
        if m is not None:
            t_start, t_end = m.span("t")
            if pattern is _FINISH_HEAD and (
                _dates_in(msg, today, t_start, end)
                or re.match(r"\s*(?:setting|the\s+setup)", s[t_start:t_end])
            ):
                break
            return hit("complete_task", 3, target=(t_start, t_end))
    m = _DELETE_HEAD.match(s, body, end) or _CANCEL_HEAD.match(s, body, end)
    if m is not None:
        return hit("delete_task", 3, target=(m.end(), end))
    if _UPDATE_HEAD.match(s, body, end):
        return hit("update_task", 3, arg=body)
    if _LIST_HEAD.match(s, body, end) and (
        not re.match(r"(?:tell|give)\s+me\b|get\b", s[body:end]) or _TASK_WORDS.search(s, body, end)
    ):
        return hit("list_tasks", 3)
    if _HELP_ANY.search(s, body, end):
        return hit("help", 2.6)
    if (
        _QUESTION_START.match(s, body, end) or s[body:end].rstrip().endswith("?")
    ) and _TASK_WORDS.search(s, body, end):
        return hit("list_tasks", 2.6)
    if _LIST_NOUN_START.match(s, body, end):
        return hit("list_tasks", 2.6)
    m = _REOPEN_CUE.match(s, body, end)
    if m is not None:
        return hit("reopen_task", 2.5, target=m.span("t"))
    for pattern in _COMPLETE_CUES:
        m = pattern.match(s, body, end)
        if m is not None:
            return hit("complete_task", 2.5, target=m.span("t"))
    if _UNDO_ANY.search(s, body, end):
        return hit("undo", 2.5)
    question = bool(_QUESTION_START.match(s, body, end)) or s[pos:end].rstrip().endswith("?")
    if obligation is not None and not question:
        return hit("add_task", 2, arg=body)
    if _SMALL_TALK.match(s, body, end):
        return hit("none", 1)
    if question:
        return None
    first = re.match(r"[\w'-]+", s[body:end])
    has_modifier = bool(_dates_in(msg, today, body, end)) or bool(_PRIORITY.search(s, body, end))
    if has_modifier or (first is not None and first.group(0) in _TASK_VERBS):
        return hit("add_task", 1.5, arg=body)
    return None


def _choose(hits: list[_Hit]) -> _Hit | None:
    best: _Hit | None = None
    for found in hits:
        if best is None or found.strength > best.strength:
            best = found
    return best


# --------------------------------------------------------------------------- slot extraction


def _priority_value(m: re.Match[str]) -> str:
    if m.group("high"):
        return "high"
    if m.group("low"):
        return "low"
    return "normal"


def _bare_priority(word: str) -> str:
    aliases = {"top": "high", "urgent": "high", "important": "high", "critical": "high"}
    return aliases.get(word, "normal" if word == "medium" else word)


@dataclass(slots=True)
class _TaskFields:
    title: str | None = None
    description: str | None = None
    due: date | None = None
    priority: str | None = None
    tags: list[str] = field(default_factory=list)


def _split_tags(text: str) -> list[str]:
    tags: list[str] = []
    for part in re.split(r"\s*(?:,|\band\b|&|\s)\s*", text):
        tag = part.strip().lstrip("#").strip(".")
        if tag and tag not in tags and len(tag) <= 32:
            tags.append(tag)
    return tags[:10]


def _strip_modifiers_tail(
    msg: _Msg, start: int, end: int, today: date, fields: _TaskFields
) -> tuple[int, int]:
    """Remove dates, times, priority, tags, politeness and "to my list" from the end."""
    s = msg.masked
    dates = _dates_in(msg, today, start, end)
    times = find_times(s[:end])
    changed = True
    while changed and end > start:
        changed = False
        m = _POLITE_TAIL.search(s, start, end)
        if m is not None and m.start() < end and m.start() >= start:
            end = m.start()
            changed = True
        m = _LIST_PHRASE_TAIL.search(s, start, end)
        if m is not None:
            end = m.start()
            changed = True
            continue
        m = _TAGS_TAIL.search(s, start, end)
        if m is not None and m.start() > start:
            fields.tags = fields.tags or _split_tags(m.group("tags"))
            end = m.start()
            changed = True
            continue
        for pm in _PRIORITY.finditer(s, start, end):
            if pm.end() == end and (pm.start() == start or not s[pm.start() - 1].isalnum()):
                fields.priority = fields.priority or _priority_value(pm)
                conn = _PRIORITY_CONNECTOR.search(s, start, pm.start())
                end = conn.start() if conn is not None else pm.start()
                changed = True
                break
        if changed:
            continue
        m = re.search(
            rf"(?:(?:,|and)\s+)?(?:make|set|mark)\s+(?:it|that)\s+(?:as\s+|to\s+)?(?P<p>{_PRIORITY_BARE})$",
            s[start:end],
        )
        if m is not None:
            fields.priority = fields.priority or _bare_priority(m.group("p"))
            end = start + m.start()
            changed = True
            continue
        for d in reversed(dates):
            if d.end == end or (d.end < end and not s[d.end : end].strip(" ,.;:!?-")):
                if fields.due is None:
                    fields.due = (
                        d.value if d.value == d.last else d.last if _is_deadline(s, d) else d.value
                    )
                prep = _DATE_PREP.search(s, start, d.start)
                end = prep.start() if prep is not None else d.start
                changed = True
                break
        if changed:
            continue
        for t_start, t_end in reversed(times):
            if t_start >= start and t_end <= end and not s[t_end:end].strip(" ,.;:!?-"):
                prep = _TIME_PREP.search(s, start, t_start)
                end = prep.start() if prep is not None else t_start
                changed = True
                break
    return start, end


def _is_deadline(s: str, d: DateMatch) -> bool:
    return bool(re.search(r"(?:by|before|until|till|through)\s+(?:the\s+)?$", s[: d.start]))


def _strip_modifiers_head(
    msg: _Msg, start: int, end: int, today: date, fields: _TaskFields
) -> tuple[int, int]:
    s = msg.masked
    changed = True
    while changed and start < end:
        changed = False
        new = _skip(
            re.compile(r"[\s,.;:!?-]+|(?:please|pls|also|then|just|quickly)\b"), s, start, end
        )
        if new != start:
            start, changed = new, True
        for d in _dates_in(msg, today, start, end):
            prep = re.compile(r"(?:(?:on|by|for|due|this|next)\s+)*").match(s, start, d.start)
            if d.start == start or (prep is not None and prep.end() == d.start):
                if fields.due is None:
                    fields.due = d.value
                start = d.end
                m = _LEADING_LINK.match(s, _skip(re.compile(r"\s+"), s, start, end), end)
                start = m.end() if m is not None else start
                changed = True
            break
        for t_start, t_end in find_times(s[:end]):
            if t_start == start:
                start, changed = t_end, True
            break
    return start, end


def _task_fields(msg: _Msg, start: int, end: int, today: date) -> _TaskFields:
    """Title, description, due, priority and tags of a new task described in [start, end)."""
    s = msg.masked
    fields = _TaskFields()
    m = _DESCRIPTION.search(s, start, end)
    if m is not None:
        fields.description = _unquote(msg, m.start("d"), end) or None
        end = m.start()
    for hm in reversed(list(_HASHTAG.finditer(s, start, end))):
        tag = hm.group("tag")
        if tag not in fields.tags:
            fields.tags.insert(0, tag)
        before, after = s[start : hm.start()].rstrip(), s[hm.end() : end].strip(" ,.;:!?")
        if not after:
            end = start + len(before)
    quoted = _quote_inside(msg, start, end)
    if quoted is not None:
        fields.title = msg.text[quoted[0] : quoted[1]].strip()
        _fields_from_anywhere(msg, quoted[1] + 1, end, today, fields)
        _fields_from_anywhere(msg, start, quoted[0] - 1, today, fields)
        return fields
    start, end = _strip_modifiers_tail(msg, start, end, today, fields)
    start, end = _strip_modifiers_head(msg, start, end, today, fields)
    start, end = _strip_modifiers_tail(msg, start, end, today, fields)
    m = re.match(r"(?:a\s+)?(?:task|todo|reminder)\s+(?:to|called|named|for)\s+", s[start:end])
    if m is not None:
        start += m.end()
    for d in _dates_in(msg, today, start, end):
        prep = re.search(r"\s+due\s+(?:on\s+|by\s+|date\s+)?$", s[start : d.start])
        if prep is not None and fields.due is None:
            fields.due = d.value
            tail = s[d.end : end]
            end = start + prep.start() if not tail.strip() else end
            break
    title = _unquote(msg, start, end)
    title = re.sub(r"\s+", " ", title).strip()
    fields.title = title or None
    return fields


def _fields_from_anywhere(
    msg: _Msg, start: int, end: int, today: date, fields: _TaskFields
) -> None:
    s = msg.masked
    if start >= end:
        return
    dates = _dates_in(msg, today, start, end)
    if dates and fields.due is None:
        d = dates[-1]
        fields.due = d.last if _is_deadline(s, d) else d.value
    if fields.priority is None:
        pm = _PRIORITY.search(s, start, end)
        if pm is not None:
            fields.priority = _priority_value(pm)
        else:
            bm = _BARE_PRIORITY_AFTER.search(s, start, end)
            if bm is not None:
                fields.priority = _bare_priority(bm.group("p") or bm.group("p2"))
    if not fields.tags:
        m = _TAGS_TAIL.search(s, start, end)
        if m is not None:
            fields.tags = _split_tags(m.group("tags"))


def _target(msg: _Msg, start: int, end: int) -> Target:
    s = msg.masked
    start, end = _trim(s, start, end)
    m = _POLITE_TAIL.search(s, start, end)
    if m is not None and m.start() >= start:
        end = m.start()
    start = _skip(re.compile(r"(?:please|pls|just|also|now|again)\s+"), s, start, end)
    quoted = _quote_inside(msg, start - 1, end + 1)
    if quoted is not None:
        return Target("title", msg.text[quoted[0] : quoted[1]].strip())
    text = s[start:end].strip()
    n = _NUMBER_TARGET.match(text)
    if n is not None:
        return Target("number", str(int(n.group("n"))))
    o = _ORDINAL_TARGET.match(text)
    if o is not None:
        number = _ORDINALS[o.group("word")] if o.group("word") else int(o.group("num"))
        return Target("number", str(number))
    if _PRONOUN_TARGET.match(text):
        return Target("pronoun", text or "it")
    changed = True
    while changed:
        changed = False
        lead = _TARGET_LEAD.match(s, start, end)
        if lead is not None and lead.end() < end:
            start, changed = lead.end(), True
        tail = _TARGET_TAIL.search(s, start, end)
        if tail is not None and tail.start() > start:
            end, changed = tail.start(), True
        start, end = _trim(s, start, end)
    text = s[start:end]
    n = _NUMBER_TARGET.match(text)
    if n is not None:
        return Target("number", str(int(n.group("n"))))
    return Target("title", re.sub(r"\s+", " ", msg.text[start:end]).strip())


_UPDATE_VERB = re.compile(
    r"(?:please\s+)?(?:rename|re-name|retitle|change|update|edit|modify|set|make|move|push|postpone"
    r"|reschedule|delay|bump|shift|put\s+off|defer|prioriti[sz]e|deprioriti[sz]e|mark|give|adjust|switch"
    r"|raise|lower|bring\s+forward|add|tag|label)\b\s*(?:back\s+|up\s+|out\s+)?"
)
_UPDATE_FIELD = re.compile(
    r"(?:the\s+)?(?:due\s+date|deadline|date|priority|title|name|description|note|notes|details|tags?"
    r"|labels?|due)\s+(?:of|for|on|in|to)\s+"
)
_UPDATE_BOUNDARY = re.compile(
    r"\s+(?:to|as|into|due|for|until|till|by|on|from|and|with|at|back|up|'s)\b|'s\b|[,:;?!]|\s+-\s+"
)


def _update_fields(msg: _Msg, start: int, today: date, result: Understanding) -> None:
    s = msg.masked
    end = len(s)
    cleared = _UPDATE_CLEAR_DUE.search(s, start, end)
    if cleared is not None:
        result.clear_due = True
        result.target = _target(msg, cleared.end(), end)
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
    ).search(s, start, end)
    if rename is not None:
        for t_group, n_group in (
            ("t", "n"),
            ("t2", "n2"),
            ("t3", "n3"),
            ("t4", "n4"),
            ("t5", "n5"),
            ("t6", "n6"),
        ):
            if rename.group(n_group) is not None:
                result.new_title = _unquote(msg, *_strip_polite(s, *rename.span(n_group)))
                result.target = _target(msg, *rename.span(t_group))
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
                result.description = _unquote(msg, *desc.span(d_group))
                result.target = _target(msg, *desc.span(t_group))
                return
    tags = re.compile(
        r"(?:add|put|attach|give)\s+(?:the\s+|a\s+)?(?:tags?|labels?)\s+(?P<tags>.+?)\s+(?:to|on)\s+(?P<t>.+)$"
        r"|(?:tag|label)\s+(?P<t2>.+?)\s+(?:as|with)\s+(?P<tags2>.+)$"
    ).search(s, start, end)
    if tags is not None:
        if tags.group("tags") is not None:
            result.tags = _split_tags(tags.group("tags"))
            result.target = _target(msg, *tags.span("t"))
        else:
            result.tags = _split_tags(tags.group("tags2"))
            result.target = _target(msg, *tags.span("t2"))
        return
    fields = _TaskFields()
    m = _DESCRIPTION.search(s, start, end)
    if m is not None:
        fields.description = _unquote(msg, m.start("d"), end)
        end = m.start()
    _fields_from_anywhere(msg, start, end, today, fields)
    if fields.priority is None and re.search(r"\b(?:prioriti[sz]e|raise)\b", s[start:end]):
        fields.priority = "high"
    if fields.priority is None and re.search(r"\b(?:deprioriti[sz]e|lower)\b", s[start:end]):
        fields.priority = "low"
    result.description = fields.description
    result.due = fields.due
    result.priority = fields.priority
    result.tags = [h.group("tag") for h in _HASHTAG.finditer(s, start, end)] or fields.tags
    t_start = _skip(_FILLER, s, start, end)
    verb = _UPDATE_VERB.match(s, t_start, end)
    if verb is not None:
        t_start = verb.end()
    field_m = _UPDATE_FIELD.match(s, t_start, end)
    if field_m is not None:
        t_start = field_m.end()
    quoted = _quote_inside(msg, t_start, end)
    if quoted is not None and quoted[0] - 1 <= t_start + 1:
        result.target = Target("title", msg.text[quoted[0] : quoted[1]].strip())
        return
    t_end = end
    b = _UPDATE_BOUNDARY.search(s, t_start, end)
    if b is not None and b.start() > t_start:
        t_end = b.start()
    for d in _dates_in(msg, today, t_start, t_end):
        t_end = d.start
        break
    pm = _PRIORITY.search(s, t_start, t_end) or re.compile(
        rf"\b{_PRIORITY_BARE}\s+priority\b"
    ).search(s, t_start, t_end)
    if pm is not None and pm.start() > t_start:
        t_end = pm.start()
    result.target = _target(msg, t_start, t_end)


def _strip_polite(s: str, start: int, end: int) -> tuple[int, int]:
    m = _POLITE_TAIL.search(s, start, end)
    if m is not None and m.start() > start:
        end = m.start()
    return start, end


_QUERY = re.compile(
    r"\b(?:about|mentioning|mention|mentions|containing|contain|contains|regarding|related\s+to|matching|involving"
    r"|with\s+the\s+words?|called|named|titled|re:|that\s+say|that\s+says|for\s+the\s+word|with)\s+(?P<q>.+)$"
)
_SEARCH = re.compile(
    r"(?:find|search(?:\s+for)?|look\s+(?:up|for)|lookup|filter(?:\s+by)?)\s+(?P<q>.+)$"
)


def _always(match: re.Match[str] | None) -> re.Match[str]:
    """The match of a pattern that also matches the empty string, so it cannot fail."""
    assert match is not None
    return match


_QUERY_NOISE = re.compile(
    r"(?:(?:any|all|my|the|a|an|some|anything|something|everything|tasks?|todos?|items?|stuff|things?"
    r"|ones?|that|which|are|is|of|in|on)\s+)*"
)


def _list_filters(msg: _Msg, today: date, result: Understanding) -> None:
    s = msg.masked
    if re.search(
        r"\b(?:including|incl|as\s+well\s+as|both|along\s+with|plus\s+the)\b", s
    ) or re.search(
        r"\b(?:open|pending|unfinished|current|active|incomplete|remaining)\s+(?:tasks\s+|ones\s+)?"
        r"(?:and|&|\+|or)\s+(?:the\s+)?(?:finished|completed|done|closed)\b",
        s,
    ):
        result.status = "all"
    elif re.search(
        r"\b(?:completed|finished|done|checked\s+off|ticked\s+off|crossed\s+off|closed|accomplished"
        r"|got\s+through)\b",
        s,
    ) and not re.search(
        r"\b(?:not|to|need|needs|gotta|still|yet\s+to|un)\s+(?:get\s+|be\s+)?(?:done|finished|completed)\b",
        s,
    ):
        result.status = "completed"
    elif re.search(r"\b(?:all|everything|every|whole|entire|full)\b", s):
        result.status = "all"
    elif re.search(
        r"\b(?:open|pending|left|remaining|outstanding|unfinished|incomplete|not\s+(?:yet\s+)?(?:done|finished|completed)"
        r"|still|undone|active|uncompleted|yet\s+to|need\s+to\s+do|to\s+be\s+done|to\s+get\s+done|current)\b",
        s,
    ):
        result.status = "pending"
    if re.search(r"\b(?:overdue|late|past\s+due|past\s+their\s+due|missed|behind)\b", s):
        result.overdue = True
    for d in find_dates(s, today):
        before = s[: d.start]
        if (
            re.search(
                r"(?:before|by|until|till|through|thru|up\s+to|no\s+later\s+than|within)\s+(?:the\s+)?$",
                before,
            )
            or d.value != d.last
        ):
            result.due_before = d.last
        else:
            result.due_on = d.value
        break
    m = re.search(
        r"\b(?:tagged|tag|labell?ed|label|with\s+(?:the\s+)?tag|with\s+(?:the\s+)?label)\s+(?:as\s+|with\s+)?#?(?P<tag>[a-z0-9][\w-]*)",
        s,
    )
    hashtag = _HASHTAG.search(s)
    if m is not None:
        result.tag = m.group("tag")
    elif hashtag is not None:
        result.tag = hashtag.group("tag")
    m = _QUERY.search(s) or _SEARCH.search(s)
    if m is not None and result.tag is None:
        q_start, q_end = m.span("q")
        q_start = _always(_QUERY_NOISE.match(s, q_start, q_end)).end()
        q_start, q_end = _strip_polite(s, q_start, q_end)
        inner = _QUERY.search(s, q_start, q_end)
        if inner is not None:
            q_start = _always(_QUERY_NOISE.match(s, inner.start("q"), q_end)).end()
        q_start, q_end = _trim(s, q_start, q_end)
        for d in find_dates(s, today):
            if q_start <= d.start < q_end:
                q_end = d.start
        q_end = _always(_DATE_PREP.search(s, q_start, q_end)).start()
        tail = re.compile(
            r"\s+(?:tasks?|todos?|items?|on\s+my\s+list|in\s+my\s+list|please)$"
        ).search(s, q_start, q_end)
        if tail is not None:
            q_end = tail.start()
        query = _unquote(msg, q_start, q_end)
        if query and query.lower() not in ("tasks", "task", "everything", "anything", "all"):
            result.query = query


# --------------------------------------------------------------------------- entry point


def _title_of_user_message(text: str, today: date) -> str | None:
    previous = _understand_message(text, [], today)
    if previous.intent == "add_task":
        return previous.title
    if previous.target is not None and previous.target.kind == "title":
        return previous.target.text
    return None


def _understand_message(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding:
    msg = _prepare(message)
    spans = _clauses(msg.masked)
    hits = [
        h for span in spans if (h := _classify_clause(msg, span[0], span[1], today)) is not None
    ]
    best = _choose(hits)
    if asked_for_title(history) and (best is None or best.strength < 2.6):
        best = _Hit("add_task", 3, 0, len(msg.masked), arg=0)
    if best is None:
        return Understanding("none")
    result = Understanding(best.intent)
    if best.intent == "add_task":
        start = best.arg
        if start == -2:
            clause_index = next(i for i, sp in enumerate(spans) if sp[0] == best.start)
            start = spans[0][0]
            end = spans[clause_index - 1][1] if clause_index > 0 else best.start
            s = msg.masked
            start = _skip(_FILLER, s, start, end)
            ob = _OBLIGATION.match(s, start, end)
            if ob is not None:
                start = ob.end()
            fields = _task_fields(msg, start, end, today)
            tail_fields = _TaskFields()
            _fields_from_anywhere(msg, best.end, len(s), today, tail_fields)
            fields.priority = fields.priority or tail_fields.priority
            fields.due = fields.due or tail_fields.due
            fields.tags = fields.tags or tail_fields.tags
        else:
            fields = _task_fields(msg, start, len(msg.masked), today)
        result.title = fields.title
        result.description = fields.description
        result.due = fields.due
        result.priority = fields.priority or best.priority
        result.tags = fields.tags
        if result.title and re.fullmatch(
            r"(?:it|this|that|a\s+task|task|one|something)", result.title.lower()
        ):
            result.title = None
    elif best.intent == "list_tasks":
        _list_filters(msg, today, result)
    elif best.intent == "update_task":
        _update_fields(msg, best.arg if best.arg >= 0 else best.start, today, result)
    elif best.intent in TARGETED and best.target is not None:
        result.target = _target(msg, *best.target)
        if result.target.kind == "pronoun":
            for other in hits:
                if other is not best and other.intent == best.intent and other.target is not None:
                    candidate = _target(msg, *other.target)
                    if candidate.kind != "pronoun":
                        result.target = candidate
                        break
    return result


def understand(history: Sequence[HistoryMessage], message: str, today: date) -> Understanding:
    """Understand `message`, the user's latest message, given the earlier `history`.

    Relative dates resolve against `today` (the current date in the user's time zone).
    Pronoun targets ("it", "that one") resolve to the task discussed last in `history`.
    """
    result = _understand_message(message, history, today)
    if result.intent in ("none", "add_task", "list_tasks"):
        answer = _clarification_answer(message, history, today)
        if answer is not None:
            return answer
    if result.target is not None and result.target.kind == "pronoun":
        referent: Referent | None = find_referent(
            history, lambda text: _title_of_user_message(text, today)
        )
        if referent is not None:
            result.target = Target("title", referent.title, referent.task_id)
    return result


def _clarification_answer(
    message: str, history: Sequence[HistoryMessage], today: date
) -> Understanding | None:
    """When the previous reply asked which task was meant, a bare answer ("the second one",
    "the oat milk one") continues the request that raised the question."""
    index = next(
        (i for i in range(len(history) - 1, -1, -1) if history[i].role == "assistant"), None
    )
    if index is None or clarification_options(history[index].text) is None:
        return None
    request = next((i for i in range(index - 1, -1, -1) if history[i].role == "user"), None)
    if request is None:
        return None
    msg = _prepare(message)
    start = _skip(_FILLER, msg.masked, 0, len(msg.masked))
    if len(msg.masked[start:].split()) > 8:
        return None
    answer = _target(msg, start, len(msg.masked))
    earlier = _understand_message(history[request].text, history[:request], today)
    if earlier.intent not in TARGETED:
        return None
    earlier.target = answer
    return earlier
