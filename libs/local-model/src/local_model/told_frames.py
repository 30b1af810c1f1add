"""Changes told rather than commanded ("the report isn't needed anymore", "X is due friday
now", "task 8 should be tagged #garden"), and news told with no request at all: the frames
that read a statement as a change, or as none."""

from __future__ import annotations

import re

# "i need dog food", "we're out of coffee": a thing to get, maybe a task; asked about.
ITEM_NEEDED = re.compile(
    r"(?:(?:i|we)\s+(?:really\s+)?(?:need|needs)\s+(?!to\b|you\b|u\b|help\b|a\s+(?:break|holiday|nap|drink)\b)"
    r"(?:some\s+|more\s+|new\s+)?"
    r"|(?:we're|we\s+are|i'm|im|i\s+am)\s+(?:all\s+)?(?:out\s+of|running\s+(?:low\s+on|out\s+of)|low\s+on)\s+"
    r"(?!(?:ideas|time|energy|patience|luck|options|breath|here|it|my\s+mind|my\s+depth)\b))"
    r"(?=[a-z])"
)

# "the second one should be called 'buy oat milk'", "the first one should say …": a rename told.
RENAME_CUE = re.compile(
    r".+?\s+(?:(?:should|needs\s+to|has\s+to)\s+be\s+(?:called|named|renamed)|(?:should|needs\s+to)\s+(?:say|read))\b"
)
REOPEN_CUE = re.compile(
    r"(?P<t>.+?)\s+(?:is\s*n't|isn't|isnt|is\s+not|wasn't|wasnt|was\s+not|ain't|hasn't\s+been"
    r"|has\s+not\s+been|aren't|are\s+not|'s\s+not)\s+(?:actually\s+|really\s+|quite\s+|yet\s+|fully\s+)?"
    r"(?:done|finished|complete|completed)\b"
    # "fix the fence needs reopening", "call the landlord should be open again"
    r"|(?P<t2>.+?)\s+(?:(?:needs|need)\s+(?:re-?opening|to\s+be\s+re-?opened|un-?ticking)"
    r"|(?:should|needs\s+to|has\s+to)\s+be\s+(?:re-?opened|open\s+again|not\s+done|undone"
    r"|back\s+on\s+(?:my|the)\s+list))\b"
)
# "the dentist got moved to next tuesday": the task moved, told as news.
MOVED_TOLD = (
    r"\s+(?:got|has\s+been|have\s+been|was|were|is\s+being)\s+(?:moved|pushed(?:\s+back)?|changed"
    r"|rescheduled|postponed|bumped|put\s+back|brought\s+forward)\s+(?=to|till|until|til)\b"
)
# "oh and it's due end of the month" (with a date in the clause): a change of the task meant.
DUE_TOLD = re.compile(
    r"(?:it's|it\s+is|its|it\s+should\s+be|that's|that\s+is|that\s+should\s+be|that\s+one's)"
    r"\s+(?:actually\s+|now\s+|really\s+)?(?:due|needed)\b"
    # "the third one can wait till next week"
    r"|.+?\s+can\s+wait\s+(?:till|until|til|to|for)\b"
    # "the osce prep is due 22 april now", "the report is now due friday": a date changed
    r"|.+?\s+(?:(?:is|are)\s+)?(?:now\s+due\b|due\s+(?=.*\bnow\W*$))"
    # "the dentist got moved to next tuesday"
    rf"|.+?{MOVED_TOLD}"
)
# "that's urgent actually", "no rush on that one", "normal priority is fine": the priority of
# the task talked about.
PRIORITY_TOLD = re.compile(
    r"(?:it's|it\s+is|its|that's|that\s+is|thats|this\s+is|this\s+one's|that\s+one's)\s+"
    r"(?:actually\s+|really\s+|quite\s+|super\s+|very\s+|pretty\s+|now\s+)*"
    r"(?:urgent|important|high\s+priority|top\s+priority|not\s+urgent|low\s+priority|not\s+important)\b"
    r"|(?:no\s+rush|no\s+hurry)\s+(?:on|with|for)\s+(?:that|this|it)(?:\s+one)?\b"
    # "hmm actually it isn't that urgent"
    r"|(?:it|that|this)(?:\s+one)?\s+(?:isn't|is\s+not)\s+(?:that\s+|so\s+|really\s+)?(?:urgent|important)\b"
    r"|not\s+(?:that\s+|so\s+)?(?:urgent|important)(?=\s+actually|\s+after\s+all|\s*$)"
    r"|(?:high|low|normal|medium)\s+priority\s+(?:is|would\s+be)\s+(?:fine|ok|okay|better|enough|good)\b"
)
# "quarterly review slides are top priority now": a named task's priority, told.
PRIORITY_NAMED = re.compile(
    r".+?\s+(?:is|are)\s+(?:now\s+)?(?:top|the\s+top|high|highest|low|urgent)\s+priority(?:\s+now)?\W*$"
)
# "task 8 should be tagged #garden"
TAGS_TOLD = re.compile(r".+?\s+(?:should|needs\s+to|has\s+to|must)\s+be\s+(?:tagged|labell?ed)\b")
# "tag it with travel and admin", "label the santa one as xmas": a task named as one, not
# "label the jam jars with dates", which may be a new task.
TAG_COMMAND = re.compile(
    r"(?:re-?)?(?:tag|label)\s+(?:it|that|this|them|(?:that|this)\s+one|the\s+.+?\s+(?:task|one)"
    r"|task\s+#?\d+|#\d+|'\u2592+'|\"\u2592+\")\s+(?:with\s+|as\s+)?#?[a-z]"
)
# "details for task 5: gate code is 4471", "note: the booking ref is in the email" (not "note to
# self: ...", which adds).
NOTE_TOLD = re.compile(
    r"(?:details?|notes?|description)(?:\s+(?:for|on|of|to)\s+(?!self\b)[^:]+?)?\s*:\s*\S"
)
# "chuck 'X' in the done pile", "that one can go in the done pile": told done, not added.
DONE_PILE = re.compile(
    r"(?:(?:chuck|put|move|stick|throw|pop|bung)\s+(?P<t>.+?)|(?P<t2>.+?)\s+can\s+go)"
    r"\s+(?:in|into|on|onto|to)\s+(?:the\s+)?(?:done|finished|completed)\s+(?:pile|list|column|bin)\b"
)
# "i don't need the dog food anymore", "we no longer need the skip": told, not commanded.
DELETE_CUE = re.compile(
    r"(?:(?:i|we)\s+(?:don't|dont|do\s+not|no\s+longer)\s+(?:need|want)\s+(?:to\s+(?:do\s+)?)?"
    r"(?P<t>.+?)\s+(?:any\s*more|after\s+all)"
    # "the report isn't needed anymore", "the bbq is no longer happening"
    r"|(?P<t2>.+?)\s+(?:isn't|is\s+not|aren't|are\s+not|is\s+no\s+longer|are\s+no\s+longer)"
    r"\s+(?:needed|happening|going\s+ahead|a\s+thing)(?:\s+any\s*more)?)\W*$"
)
# "the last one can go", "the third one can go, too late in the season" (not "... can go in the
# done pile", a completion)
GOES = re.compile(r"(?P<t>.+?)\s+(?:can|could|should|may)\s+go(?:\s+now)?\W*$")
# "lol my cat just knocked my coffee all over the keyboard", "my sister finished her exams
# today", "i wish i had time to learn the guitar", "ugh what a week", "happy friday": news of
# someone else, a wish, a greeting or an exclamation, told whole, no request.
NEWS = re.compile(
    r"(?:(?:lol|haha+|omg|ugh|aw+|so)\W+)?"
    r"(?:i\s+(?:really\s+)?wish\s+i\b(?![^?]*\b(?:remind|add|task)\b)[^?]*$"
    r"|what\s+an?\s+(?:\w+\s+)?(?:day|week|morning|night|month|year|mess|nightmare)\W*$"
    # "had a brilliant day at the beach", "just got back from the dentist", "just got engaged!!!"
    r"|(?:i\s+)?(?:just\s+)?(?:had\s+(?:a|an|the|such\s+a)\s+(?:\w+\s+)?(?:day|time|night|weekend|morning|evening|week)"
    r"|(?:lovely|nice|beautiful|gorgeous|glorious|horrible|awful|terrible|miserable|grim|crazy)\s+weather"
    r"|got\s+back\s+from|(?:got|am|are|we're|i'm)\s+(?:engaged|married|promoted|hired|the\s+job|a\s+new\s+job))\b"
    # told whole: nothing joined on ("... so move the dentist"), no request or task word
    r"(?![^?]*\b(?:so|and|but|then|need|needs|have\s+to|gotta|should|can|could|please|pls|remind|add"
    r"|task|list|mark|tick|delete|move|push|done|finished|sorted|it|that)\b)[^?]*$"
    # "happy friday", "happy new year in advance", "have a good weekend", "i hate tuesdays"
    r"|(?:happy|merry)\s+(?:new\s+year|christmas|xmas|holidays|easter|birthday|friday|monday|weekend"
    r"|new\s+week|diwali|eid|hanukkah|thanksgiving|halloween|anniversary|valentine'?s(?:\s+day)?"
    r"|(?:mother'?s|father'?s|st\s+patrick'?s|paddy'?s)\s+day)"
    r"(?:\s+(?:in\s+advance|to\s+you|to\s+all|everyone|all|mate|again))*\W*$"
    r"|have\s+an?\s+(?:good|great|nice|lovely|wonderful|fab)\s+"
    r"(?:day|weekend|week|night|evening|morning|afternoon|one)\W*$"
    r"|i\s+(?:really\s+|just\s+|so\s+)?(?:hate|love|loathe|can't\s+stand|cant\s+stand)\s+"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days|mornings|weekends|winter|summer|rain|snow|traffic"
    r"|this\s+weather|the\s+rain|the\s+cold|the\s+heat)\W*$"
    # "ugh mondays 😩", "mondays am i right"
    r"|(?:(?:mon|tues|wednes|thurs|fri|satur|sun)days|mornings)(?:\s+am\s+i\s+right|\s+eh|\s+huh)?\W*$"
    r"|(?:my|our)\s+(?:little\s+|big\s+|baby\s+|older\s+|younger\s+)?"
    r"(?:cat|dog|kitten|puppy|sister|brother|mum|mom|dad|son|daughter|kid|kids|baby|partner|wife|husband"
    r"|boyfriend|girlfriend|boss|friend|mate|neighbou?r|flatmate|roommate|cousin|nan|gran|grandma|grandad)"
    r"\s+(?:just\s+|finally\s+|has\s+|have\s+|actually\s+)?"
    # "my boss moved the deadline": a change to a task maybe, so not news
    r"(?!(?:moved|changed|pushed|postponed|rescheduled|cancel+ed|booked|asked|wanted|needed)\b)"
    r"(?:[a-z]+ed|did|got|went|came|ate|broke|won|ran|fell|took|made|threw|spilt|passed|bought|sent)\b"
    r"(?![^?]*\b(?:remind|add|task|list|mark|tick|delete|it|that)\b)[^?]*$)"
)
