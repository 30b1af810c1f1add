"""The command frames' vocabulary: the patterns that open or signal each intent."""

from __future__ import annotations

import re

from .vocabulary import VOCABULARY, alternatives

_W = r"(?:\s+|$)"
_WRAPPERS = alternatives("request_wrappers")
FILLER = re.compile(
    # A phrase comes before any word it starts with: "quick one:" is skipped whole, not as
    # "quick" that leaves "one:" in front of the frame.
    rf"(?:{_WRAPPERS}|hey\s+there|quick\s+one|real\s+quick|would\s+you\s+mind|one\s+more\s+thing"
    r"|finally|hi|hey|hello|hiya|yo|ok|okay|k|so|and|also|oh|ah|oops|whoops|ugh|argh|hmm+|um+|uh+|er+m?"
    r"|omg|omfg|yay+|woo+hoo+|phew|whew|crap|damn|dammit|dang|shoot|bugger|blast|drat|doh|d'oh"
    r"|well|actually|wait|grand|no(?![\s,]+(?:hurry|rush)\b)|nope|nah|naw|please|kindly|quick(?:ly)?|now|then|right|alright|great|cool"
    r"|sorry|btw|by\s+the\s+way|never\s*mind|just|good\s+(?:morning|afternoon|evening)"
    r"|yes|yeah|yep|yup|aye|sure|perfect|nice|awesome|thanks|thank\s+you|dear\s+assistant|assistant|bot"
    r"|buddy|mate|bro|bruh|dude|fam|another\s+thing|oh\s+and|(?:on\s+)?second\s+thoughts?|long\s+story\s+short|anyway|anyways|anyhow|eh|meh"
    r"|(?:i'm|im|i\s+am)\s+going\s+to\s+forget\s+(?:this|it)(?:\s+otherwise)?"
    r"|can\s+(?:you|i|ya)|could\s+(?:you|i|ya)|abeg|would\s+you|will\s+you|(?:you|u)\s+(?:can|may)|feel\s+free\s+to"
    r"|i\s+(?:wonder|wondered|was\s+wondering)\s+if\s+(?:you|u)\s+(?:might|could|would|can)(?:\s+be\s+able\s+to)?"
    r"|i\s+(?:want|wanna|need|would\s+like|'d\s+like)\s+(?:you\s+)?to|i'd\s+like\s+(?:you\s+)?to"
    r"|let's|lets|go\s+ahead\s+and|help\s+me|be\s+a\s+(?:dear|star|love|gem|legend|champ|darling|doll)\s+and|do\s+me\s+a\s+favou?r\s+and"
    r"|for\s+me|try\s+to|please\s+can\s+you)(?:[\s,:!.-]+|$)"
)
# "i need to X", "make sure i X": what follows is a task to add (`obligations`).
# "i need to remember to email the landlord", "i must not forget to X": the task is what is
# to be remembered.
OBLIGATION = re.compile(
    rf"(?:i\s+|i(?='))?(?:really\s+)?(?:{alternatives('obligations')})\s+(?:(?:remember|not\s+forget)\s+to\s+)?"
    # "i should really clean the oven"
    r"(?:(?:really|definitely|probably|actually|seriously)\s+)?"
)

MANAGE_AFTER_OBLIGATION = re.compile(
    r"(?:mark|delete|remove|reopen|rename|move|postpone|prepone|reschedule|change|show|list|see|view|check"
    r"|tick|undo|clear|add|create|find|search|know|get\s+rid)\b"
)
# "put buy milk back on my list" and "put 'call the bank' back to pending" reopen the task;
# they do not add one.
_BACK_ON_LIST = (
    r"(?!\s+(?:\S+\s+){1,6}?back\s+(?:(?:on|onto|in|into|to)\s+(?:my|the)\s+(?:to-?do\s+)?list"
    r"|(?:to|as)\s+(?:pending|open|undone|incomplete|unfinished|not\s+done|to-?do))\b)"
)
# "put the washing out", "put up the shelves", "put the tree up": the task's own verb, not
# "put X on my list".
_PUT_PHRASAL = (
    r"(?!\s+(?:up|away|out)\b)(?!\s+(?:[\w'-]+\s+){1,4}?(?:out|up|away)\b"
    r"(?!\s+(?:on|onto|in|into|to)\s+(?:my|the|your)\b))"
)
ADD_VERB = (
    r"(?:adding|add|create|make|insert|log|jot\s+down|note\s+down|write\s+down|put\s+down"
    r"|set\s+up|put(?!\s+(?:it|them|those|everything|that|this)\s+back\b)"
    rf"{_BACK_ON_LIST}{_PUT_PHRASAL}|new)"
)
TASK_NOUN = r"(?:task|todo|to-do|to\s+do|reminder|item|entry|one\s+more|one)s?"
ADD_HEADS = [
    re.compile(
        rf"(?:{ADD_VERB}\s+|(?:set|make)\s+(?:me\s+)?(?=an?\s))(?:me\s+)?(?:a\s+|an\s+|another\s+"
        rf"|one\s+more\s+|the\s+)?(?P<prio>(?:high|low|normal|medium|urgent|important|top|critical)"
        rf"(?:[\s-]+priority)?\s+)?(?:new\s+|quick\s+)?{TASK_NOUN}\b(?!\s*#?\d)"
        r"\s*(?:for\s+(?:me|us)\s*(?:please\s*)?(?:[:,?.!-]|$)|(?:called|named|titled|that\s+says|saying"
        r"|for\s+me\s+to|for|about|to)\b|[:-])?\s*"
    ),
    re.compile(r"(?:new|todo|to-do|to\s+do|task|reminder|add|another(?:\s+one)?)\s*[:-]\s*"),
    # "and another one to email the accountant", "one more: ...", "oh and another one, ..."
    re.compile(
        r"(?:and\s+)?(?:another|one\s+more)(?:\s+(?:one|task|reminder|thing))?"
        r"(?:\s+(?:to|for)\s+|\s*[:,-]\s*|\s*$)"
    ),
    re.compile(r"(?:todo|to-do)\s+(?!lists?\b)"),
    # "note to self: X" (`add_leads`): what follows is the task.
    re.compile(rf"(?:{alternatives('add_leads')})\s*[:,-]?\s*"),
    # "remind me what i've got on" asks for the list.
    re.compile(
        r"(?:remind|reminder)\s+(?:me\b|to\b)(?!\s+(?:what|which|how|whether)\b)"
        r"\s*(?:to\b|about\b|that\b|of\b)?\s*"
    ),
    re.compile(
        r"(?:remember|don't\s+forget|dont\s+forget|don't\s+let\s+me\s+forget|do\s+not\s+forget)"
        r"\s+(?:to\b|about\b)?\s*"
    ),
    re.compile(
        rf"(?:{alternatives('add_verbs')}|put{_BACK_ON_LIST}{_PUT_PHRASAL}(?!\s+off\b)"
        r"(?!\s+(?:it|them|those|everything|that|this)\s+back\b)|schedule\s+a\s+task(?:\s+to)?)\b\s*"
    ),
]
ADD_TO_UPDATE = re.compile(
    # "for task 5 add details: ...", "on that one, add a note: ...", "task 2: add note - ...",
    # "for 'car service', put in the details: ..."
    r"(?:(?:(?:for|on)\s+(?:task\s+#?\d+|it|that|this|(?:that|this)\s+one|the\s+[\w'-]+(?:\s+[\w'-]+){0,3}?\s+one"
    r"|'\u2592+'|\"\u2592+\""
    # "for book venue add a note: …", not "for the record, add a note: …"
    rf"|(?!(?:{alternatives('for_idioms')})\b)(?:[\w'-]+\s+){{0,3}}?[\w'-]+(?=\s+add\b)"
    r")|task\s+#?\d+|#\d+)\s*[,:]?\s+)?"
    r"(?:add|ad|addd|put(?:\s+in)?|stick|leave|chuck|pop|write)\s+(?:a\s+|an\s+|the\s+|this\s+|some\s+|another\s+)?(?:note|notes|description|comment"
    r"|details?|tags?|labels?|due\s+date|deadline|priority)\b"
)
ADD_PRONOUN = re.compile(r"(?:add|put|save|log)\s+(?:it|this|that)\b(?!\s+back\b)")
# "put it at normal" sets the priority of the task; it adds nothing.
PUT_AT_PRIORITY = re.compile(
    r"put\s+(?:it|this|that)\s+(?:at|to|on|as)\s+(?:high|low|normal|medium)\b"
)

DONE_WORD = (
    r"(?:completed|complete|done|finished|checked(?:\s+off)?|ticked(?:\s+off)?|crossed\s+off"
    r"|ticked|closed)"
)
CLEAR = re.compile(
    r"(?:(?:bulk|mass)[\s-]+)?(?:clear|delete|remove|purge|clean\s*up|clean\s+out|get\s+rid\s+of|wipe|trash|archive"
    r"|drop|erase|bin|nuke|tidy\s+up|hide|dump|ditch|toss|empty)\b(?:\s+(?:out|away|off|up))?"
    rf"(?:\s+(?:{alternatives('clear_done_words')}))*"
    rf"\s+{DONE_WORD}\b"
)
# "tidy up my list by deleting everything that's already done": said anywhere in the clause.
CLEAR_WHAT_DONE = re.compile(
    r"\b(?:clear(?:ing)?|delet(?:e|ing)|remov(?:e|ing)|get(?:ting)?\s+rid\s+of)\s+(?:(?:away|out|off)\s+)?"
    r"(?:everything|all|anything|whatever|what|the\s+(?:ones|tasks|stuff|things))(?:'s|'ve)?\s+"
    r"(?:(?:that|which|i)(?:'s|'re|'ve|\s+is|\s+are|\s+have|\s+has)?\s+)?(?:already\s+)?(?:been\s+)?"
    r"(?:done|completed|finished|ticked\s+off|checked\s+off|crossed\s+off)\b"
)
# "clear those out", said of the completed tasks just shown.
CLEAR_SHOWN = re.compile(
    r"(?:clear|delete|remove|bin|get\s+rid\s+of|wipe|ditch|dump|purge)\s+(?:all\s+)?"
    r"(?:those|them|these|all\s+of\s+(?:them|those)|the\s+lot)(?:\s+(?:out|away|off))?\W*$"
)
CLEAR_BARE = re.compile(
    rf"(?:all\s+)?(?:the\s+)?{DONE_WORD}\s+(?:tasks?|ones|items)?\s*(?:clear|cleanup|purge)"
)

UNDO = re.compile(
    r"(?:undo(?!\s+(?:the\s+)?(?:tick|check|completion|completing|marking)\b)|revert|reverse|roll\s*back|take\s+(?:that|it|this)\s+back|put\s+it\s+back"
    r"|put\s+(?:them|those|everything|it\s+all)\s+back|go\s+back\s+to\s+(?:how|the\s+way)"
    r"|bring\s+(?:it|that|this|them|those|everything|it\s+all)\s+back"
    r"|cancel\s+(?:that|the\s+last)|ctrl\s*\+?\s*z)\b"
)
UNDO_ANY = re.compile(
    r"\b(?:undo\b(?!\s+(?:task|#|\d))|take\s+(?:that|it|this)\s+back|revert\s+(?:that|it|this|the\s+last)"
    r"|roll\s+(?:that|it)\s+back|undo\s+(?:that|it|the\s+last)"
    r"|bring\s+(?:it|that|this|them|those|everything|it\s+all)\s+back)"
)
HELP_HEAD = re.compile(
    r"(?:help|help\s+me|i\s+need\s+help|need\s+help|help\s+please|\?+)\s*$|(?:help|usage|commands)\s*\??$"
)
HELP_ANY = re.compile(
    r"\b(?:what\s+(?:else\s+|(?:kind|kinds|sort|sorts|type|types)\s+of\s+(?:\w+\s+)?)?can\s+(?:you|i)\s+(?:do|say|ask|use)|what\s+(?:do|can)\s+you\s+(?:do|understand|know|handle|support)"
    r"|what\s+(?:commands|features)|which\s+commands|what\s+are\s+(?:the\s+|your\s+)?commands"
    # "how do i add a task?", "explain how to mark something as finished", not "how do i get rid
    # of fruit flies?"
    r"|(?:how\s+(?:do|can|should|would)\s+i|(?:explain|tell\s+me)\s+how\s+(?:to|i|you))\b(?=.*\b(?:tasks?|to-?dos?|lists?|remind\w*|tags?|due|deadlines?"
    r"|priorit\w+|add|delete|remove|mark|complete|tick|undo|rename|edit|change|search|find|clear|reopen"
    r"|use|you|this|app|bot|assistant|it)\b)"
    r"|how\s+does\s+(?:this|it)\s+work|how\s+to\s+use"
    r"|what\s+are\s+you\s+(?:able|capable)|what\s+is\s+this|who\s+are\s+you|what\s+are\s+you\b(?!r)"
    r"|how\s+do\s+you\s+work|what\s+do\s+you\s+do|are\s+you\s+able\s+to|can\s+you\s+help"
    r"|what\s+can\s+this\s+(?:bot|thing|app)\s+do|show\s+me\s+how|instructions|examples?\s+of"
    r")"
)
# "what's the difference between deleting and clearing?", "how does undo work?": a question
# about the assistant whatever command it names, so it is never read as that command.
HELP_ABOUT = re.compile(
    r"what(?:'s|\s+is)\s+the\s+difference\s+between\b|how\s+(?:does|do)\s+(?:[\w-]+\s+){1,2}work\b"
    # "can i add tags to tasks?"
    r"|(?:(?:can|could|do)\s+(?:i|you|u|we)\s+|(?<=\bi\s)|(?<=\byou\s)|(?<=\bu\s))(?:add|set|use|give|put)\s+(?:tags|labels|priorities|due\s+dates|notes|descriptions)"
    r"\s+(?:to|on|for)\s+(?:my\s+)?tasks\b"
    # "can you tag tasks? how would i do that"
    r"|how\s+(?:would|do|can|should|could)\s+i\s+do\s+(?:that|this|it)\b"
    # "what does clearing completed tasks actually do?"
    r"|what\s+(?:does|do|would|will)\s+(?!(?:i|we|you|u|they|he|she|my|our)\b)(?:[\w-]+\s+){1,3}(?:actually\s+|really\s+|exactly\s+)?do\b(?=\s*(?:\?|$))"
    # "is there a way to make a task repeat every week?"
    r"|(?:is\s+there\s+(?:a|any)\s+way\s+to|can\s+(?:i|you)|how\s+(?:do|can)\s+i)\s+(?:make|have|get|set)"
    r"\s+(?:a\s+|my\s+|the\s+)?tasks?\s+(?:to\s+)?(?:repeat|recur)"
    # "is there a way to search my tasks?", "can i also give tasks tags?": what it can do
    r"|is\s+there\s+(?:a|any)\s+way\s+(?:to|i\s+can|of)\b"
    r"|(?:(?:can|could|do)\s+i\s+)?(?:also\s+)?(?:add|set|use|give|put)\s+(?:my\s+)?tasks\s+"
    r"(?:tags|labels|priorities|due\s+dates|notes|descriptions)\b"
    # "can you remind me what commands you understand?"
    r"|(?:remind\s+me\s+|tell\s+me\s+)?(?:what|which)\s+(?:commands|features|phrases)\b"
    # "list the commands you know", "show me your features"
    r"|(?:list|show|give|tell)\s+(?:me\s+)?(?:all\s+)?(?:the\s+|your\s+)?(?:commands|features|phrases)\b"
    # "do you guys sync with google calendar?"
    r"|(?:do|can|does|will)\s+(?:you|u|this|it)(?:\s+guys)?\s+(?:sync|integrate|connect|link|work)"
    r"\s+(?:with|to|up\s+with)\b"
)

# "show me some examples", "(can you) set reminders?": asked of the assistant, not of the list.
HELP_ASKED = re.compile(
    r"(?:show|give|tell)\s+me\s+(?:some\s+|an\s+)?examples?\b"
    r"|(?:set|send|do)\s+reminders(?:\s+(?:at|for|with|on)\s+[^?]*)?\s*\?*\s*$"
    # "can you set recurring tasks?": what the assistant can do, not a change.
    r"|(?:(?:do|can|could|will)\s+you\s+)?(?:do|set|make|handle|support|create)\s+"
    r"(?:recurring|repeating|shared|sub-?)\s*(?:tasks|reminders"
    r"|todos)\s*\?*\s*$"
)
REOPEN_HEAD = re.compile(
    r"(?:re-?open|un-?mark|un-?check|un-?tick|un-?complete|un-?finish|un-?cross|restart|resume"
    r"|mark\s+as\s+(?:not\s+done|undone|incomplete|open|pending)"
    r"|undo\s+(?:the\s+)?(?:tick|check(?:mark)?|completion|completing|marking)(?:\s+(?:on|of|for))?)\b\s*"
)
NOT_DONE = (
    r"(?:not\s+(?:yet\s+|actually\s+)?(?:done|complete|completed|finished)|undone|incomplete|unfinished"
    r"|open|pending|to\s*do|active|uncompleted|not\s+complete|unchecked|unticked|not\s+completed"
    r"|back\s+(?:on|onto|in|into|to)\s+(?:my|the)\s+(?:to-?do\s+)?list)"
)
# "i ticked off X by mistake", "i accidentally marked X as done": X is to be reopened (not
# "the wrong one", which names no task).
_MARKED_DONE = (
    r"(?:ticked|checked|crossed|marked|completed)\s+(?!(?:off\s+)?(?:the\s+)?wrong\b)(?:off\s+)?(?P<{t}>.+?)"
    r"(?:\s+off)?(?:\s+(?:as\s+)?(?:done|complete|completed|finished))?"
)
REOPEN_MISTAKE = re.compile(
    r"(?:i\s+)?(?:(?:accidentally|mistakenly)\s+"
    + _MARKED_DONE.format(t="t")
    + r"|"
    + _MARKED_DONE.format(t="t2")
    + r"\s+(?:by\s+(?:mistake|accident)|accidentally|in\s+error|too\s+early|too\s+soon))\W*$"
)
# "open it back up", "open the fence one up again": reopened, not a task about opening.
REOPEN_AGAIN = re.compile(
    r"open\s+(?:(?P<t>.+?)\s+(?:back\s+up|up\s+again)|(?P<t2>it|that|this|that\s+one)\s+again)\W*$"
)
REOPEN_MARK = re.compile(
    rf"(?:mark|set|flag|make|put)\s+(?P<t>.+?)\s+(?:as\s+|to\s+|back\s+to\s+|back\s+as\s+)?{NOT_DONE}\b"
)
COMPLETE_HEADS = [
    # "done: buy milk", "✔️ task 4" (a check mark is written "- done")
    re.compile(
        r"[\s-]*done\s*[:-]?\s+(?!(?:for|with|now|and|yet|already|it|that|this|so|then|deal|by|on|in|at|to)\b)"
        r"(?P<t>.+)"
    ),
    # "chuck a tick next to mow the lawn"
    re.compile(
        r"(?:put|chuck|stick|pop|add|place)\s+a\s+(?:tick|check(?:mark)?|checkmark)\s+"
        r"(?:next\s+to|by|against|on|beside|for)\s+(?P<t>.+)"
    ),
    # "i've finished the shopping, mark as complete": no task named, so "it".
    re.compile(r"(?:mark|set|flag)\s+(?P<t>)(?:as|to)\s+(?:done|complete|completed|finished)\b"),
    re.compile(
        r"(?:mark|set|flag|check|tick|make)\s+(?P<t>.+?)\s+(?:as\s+|to\s+)?(?:done|complete|completed|finished|paid"
        r"|checked(?:\s+off)?|ticked(?:\s+off)?|resolved)\b"
        # "mark milk as bought", "mark the parcel as sent"
        r"|mark\s+(?P<t2>.+?)\s+as\s+(?:bought|purchased|sent|posted|collected|picked\s+up|booked|returned"
        r"|submitted|renewed|fixed|cleaned|called|emailed|delivered)\b"
    ),
    re.compile(r"(?:tick|check|cross|strike|knock|mark)\s+off?\s+(?P<t>.+)"),
    re.compile(r"(?:tick|check|cross|strike|knock|mark)\s+(?P<t>.+?)\s+off\b"),
    re.compile(r"(?:tick|cross)\s+(?P<t>.+)"),
    FINISH_HEAD := re.compile(r"(?:complete|finish|close|resolve)\s+(?P<t>.+)"),
    re.compile(
        r"(?:done(?:\s+and\s+dusted)?|finished|completed|complete)\b\s*(?:with\b|:|-|now\b)?\s*(?P<t>.*)"
    ),
]
_DONE_STATES = "|".join(
    r"\s+".join(state.split()) for state in sorted(VOCABULARY["done_states"], key=len, reverse=True)
)
COMPLETE_CUES = [
    re.compile(
        r"(?P<t>.+?)(?:\s+is|'s\s+been|'s|\s+are|\s+was|\s+has\s+been|\s+have\s+been|\s+got|\s+is\s+now|\s+are\s+all"
        r"|\s+(?:can|could|should|may)\s+(?:now\s+)?be(?:\s+marked(?:\s+as)?)?)"
        r"\s+(?:now\s+|all\s+|finally\s+|already\s+|totally\s+|completely\s+)?(?:done|finished|complete|completed"
        r"|sorted|taken\s+care\s+of|handled|ticked\s+off|checked\s+off)\b"
    ),
    re.compile(
        r"i(?:\s+have|'ve|\s+just|\s+already|\s+finally|\s+totally|\s+got)*\s+(?:finished|completed|done|did"
        r"|accomplished|wrapped\s+up)\b\s*(?P<t>.*)"
    ),
    # "got the car done", "had the boiler service done this morning"
    re.compile(
        r"(?:(?:i|we)\s+)?(?:got|had)\s+(?P<t>.+?)\s+(?:done|finished|sorted|fixed|seen\s+to)\b"
    ),
    # "just paid the electricity bill", "i've already posted the parcel"
    re.compile(
        r"(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|already\s+|finally\s+)?(?:paid|posted|returned|handed\s+in|submitted"
        r"|renewed)\s+(?:off\s+)?(?P<t>(?:the|my|our)\s+.+)"
    ),
    # "smashed out the tax return this morning", "nailed the presentation": slang for done.
    re.compile(
        r"(?:i(?:'ve|\s+have)?\s+)?(?:just\s+|finally\s+|totally\s+)?(?:(?:smashed|knocked|banged|bashed"
        r"|cranked|churned|ripped)\s+out|nailed|aced|crushed|powered\s+through|got\s+through)"
        r"\s+(?P<t>(?:the|my|our)\s+.+)"
    ),
    # "ticked off the gas bill" (`ticked_off_words`): told as done, with or without "i".
    re.compile(
        r"(?:i(?:\s+have|'ve|\s+just|\s+already|\s+finally)*\s+)?(?:just\s+|already\s+|finally\s+)?"
        rf"(?:{alternatives('ticked_off_words')})\s+(?P<t>.+)"
    ),
    # A task told in its finished state ("the car is washed", "the rent's paid"), at the clause end.
    re.compile(
        r"(?P<t>.+?)(?:\s+is|'s\s+been|'s|\s+are|\s+was|\s+were|\s+has\s+been|\s+have\s+been|\s+got)"
        rf"\s+(?:now\s+|all\s+|finally\s+|already\s+)?(?:{_DONE_STATES})"
        r"(?:\s+(?:now|already|today|yesterday|at\s+last|this\s+morning|last\s+night))?\s*[.!]*\s*$"
    ),
    re.compile(r"(?P<t>.+?)\s+(?:done|finished|completed|complete)\s*$"),
    re.compile(
        r"i(?:'m|\s+am)\s+(?:all\s+|now\s+|finally\s+)?(?:done|finished|through)\s+with\s+(?P<t>.+)"
    ),
]
UPDATE_CLEAR_DUE = re.compile(
    r"(?:remove|delete|clear|drop|unset|take\s+off|get\s+rid\s+of)\s+(?:the\s+)?(?:due\s+date|deadline|date)"
    r"\s+(?:from|of|on|for)\s+"
)
DELETE_HEAD = re.compile(
    r"(?:delete|remove|erase|scrap|trash|drop|discard|bin|kill|nuke|get\s+rid\s+of|throw\s+(?:away|out)"
    r"|toss|ditch|axe|scratch|nix|take\s+(?:off|out)|cross\s+out|strike"
    r"|forget\s+about(?!\s+(?:it|that|this|them)\b)"
    # "lose the haircut one", not "lose 5 kg"
    r"|lose(?=\s+(?:it|that|this|task|#|\d|the\s+(?:[\w'-]+\s+){1,3}(?:one|task)\b))"
    # "wipe the school trip money task", not "wipe down the counters"
    r"|wipe(?=\s+(?:the\s+)?(?:[\w'-]+\s+){1,4}(?:task|one|reminder|item)\b))\b\s*"
)
CANCEL_HEAD = re.compile(
    r"cancel\s+(?=(?:task|#|\d|it\b|that\b|this\b|the\s+(?:[\w'-]+\s+){1,4}task\b|['\"]))"
)
# "take the gym one off", "take it off": a task named as one, taken off (not "take the bins out").
TAKE_OFF = re.compile(
    r"take\s+(?P<t>it|that|this|(?:that|this)\s+one|the\s+(?:[\w'-]+\s+){1,3}one|task\s+#?\d+|#\d+"
    r"|number\s+\d+)\s+off\b(?!\s+(?:of\s+)?(?:my|the)\b)"
)
# "take the gym off my list": the task named before the list it comes off (`off_list_verbs`).
DELETE_OFF_LIST = re.compile(
    rf"(?:{alternatives('off_list_verbs')})\s+(?=\S.*?\s+off\s+(?:of\s+)?(?:my|the)\s+"
    r"(?:to-?do\s+)?list\b)"
)
UPDATE_HEAD = re.compile(
    r"(?:rename|re-name|retitle|change|update|edit|modify|set|make|move|push|postpone|prepone|reschedule"
    r"|delay|bump|shift|put\s+off|defer|prioriti[sz]e|deprioriti[sz]e|(?:re-?)?tag|(?:re-?)?label|mark"
    r"|give(?!\s+me\b)"
    r"|adjust|switch"
    r"|raise|lower|bring\s+forward|bring(?=\s+(?:\S+\s+){1,5}forward\b)"
    # "call it 'order school photos' instead"
    r"|(?:call|name)(?=\s+(?:it|that|this|the\s+(?:[\w'-]+\s+){1,3}one)(?:\s+one)?\s+['\"]))\b"
)
LIST_HEAD = re.compile(
    r"(?:show|list|display|view|see|print|open|pull\s+up|bring\s+up|read\s+(?:out|me)|check|review"
    r"|find|search|look\s+(?:up|for)|lookup|filter|get|give\s+me|tell\s+me"
    # "remind me what i've got on", not "remind me what today's date is"
    r"|remind\s+me\s+what(?!\s+(?:today's\s+|the\s+|day\s+|time\s+)?(?:date|day|time|year|month)\b)"
    r"|what\s+about)\b"
)
# "did i already put something in (about X)?": whether a task was added, a question.
ADDED_ALREADY = (
    r"(?:did|have)\s+i\s+(?:already\s+)?(?:put|add(?:ed)?|saved?|made|make|created?)\s+"
    r"(?:something|anything|a\s+task|a\s+reminder)(?:\s+(?:in|down|on\s+here))?"
)
TASK_WORDS = re.compile(
    r"\b(?:tasks?|todos?|to-?dos?|to\s+do|list|lists|agenda|plate|reminders?|items?|due|overdue|left|done"
    r"|finished|completed|complete|pending|open|outstanding|remaining|upcoming|tagged|tag|schedule|coming\s+up|scheduled|planned|on\s+for"
    r"|do\s+i\s+have|have\s+i\s+got|i\s+have\s+to|on\s+(?:there|here)"
    r"|deadlines?|everything|anything|planned|ones|late|need\s+to\s+do|have\s+to\s+do|to\s+get\s+done"
    r"|(?:tick|check|cross|knock)(?:ed)?\s+off"
    rf"|{ADDED_ALREADY})\b"
)
QUESTION_START = re.compile(
    r"(?:what|what's|whats|which|how\s+many|how\s+much|do\s+i|did\s+i|have\s+i|am\s+i|is\s+there|are\s+there"
    r"|any|anything|got\s+any|when|where|is\s+anything|are\s+any|was\s+there|can\s+i\s+see|may\s+i\s+see)\b"
)
LIST_NOUN_START = re.compile(
    r"(?:(?:my|all|the|all\s+my|all\s+the)\s+)?(?:(?:open|pending|finished|completed|done|overdue|remaining"
    r"|outstanding|upcoming|current|today's|tomorrow's|unfinished|old)\s+)?(?:tasks|todos|to-?dos|ones|items|agenda"
    r"|to-?do\s+list|list)\b"
)
# "what's the date?", "remind me what today's date is": small talk, not the tasks due today.
CLOCK_QUESTION = re.compile(
    r"(?:remind\s+me\s+|tell\s+me\s+)?(?:what(?:'s|\s+is)\s+(?:the\s+|today's\s+)?(?:date|time|day)"
    r"(?:\s+(?:today|now|it\s+is))?|what\s+(?:the\s+|today's\s+)?(?:date|day|time)\s+(?:it\s+)?is(?:\s+today)?"
    r"|what\s+(?:day|time)\s+is\s+it(?:\s+today)?)\W*$"
)
# "I'm done for today", "just bored tbh", "logging off": how the user is, not a task's state.
_WEARY = r"knackered|exhausted|tired|shattered"
WEARY = re.compile(rf"\b(?:{_WEARY})\b")
_SIGN_OFF_STATE = (
    rf"(?:(?:i'm|im|i\s+am|we're|we\s+are)\s+(?:all\s+|so\s+|just\s+)?(?:done|finished|off|out|back"
    rf"|bored|{_WEARY})"
    r"|(?:done|finished)\s+for\s+(?:today|tonight|the\s+day|the\s+night|now)"
    rf"|(?:just\s+|so\s+|really\s+)?(?:bored|{_WEARY})"
    r"|(?:logging|signing|heading|clocking)\s+off|calling\s+it\s+a\s+day|not\s+much|back(?:\s+now)?"
    r"|(?:i'm\s+)?off\s+to\s+(?:bed|sleep|work)|(?:gotta|got\s+to|have\s+to|need\s+to)\s+(?:go|run|dash)"
    r"|that(?:'s|\s+is|s)\s+(?:all|it|everything)|all\s+(?:good|set|sorted)|nothing\s+else)"
)
SIGN_OFF = re.compile(
    rf"{_SIGN_OFF_STATE}(?:\W+(?:{_SIGN_OFF_STATE}|for\s+(?:today|tonight|the\s+day|the\s+night|now)"
    r"|now|today|tonight|tbh|lol|haha|honestly|mate))*\W*$"
)
SMALL_TALK = re.compile(
    r"(?:hi|hey|hello|hiya|yo|good\s+(?:morning|afternoon|evening|night)|thanks|thank\s+you|thx|ty|cheers"
    r"|bye|goodbye|see\s+you|ok|okay|cool|great|nice|awesome|lol|haha|how\s+are\s+you|how's\s+it\s+going"
    r"|what's\s+up|sup|tell\s+me\s+a\s+joke|who\s+made\s+you)\b"
)
TASK_VERBS = frozenset(VOCABULARY["task_verbs"])
