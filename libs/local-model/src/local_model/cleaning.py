"""Cleaning of a chat message before it is understood: quotes, emoji, chat shorthand, typos.

The cleaned text keeps the user's casing (titles are stored as typed); `low` is its lowercase
twin with the same length, so spans found in one cut the same words out of the other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from .dictation import undictate
from .symbols import strip_symbols
from .vocabulary import VOCABULARY

__all__ = ["CleanText", "clean"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
    }
)

# Chat shorthand and misspellings read as the words they stand for ("tmrw", "lsit").
SHORTHAND: dict[str, str] = VOCABULARY["chat_shorthand"]

# Words whose misspelling changes what a message means; title words are never corrected.
KEYWORDS: tuple[str, ...] = tuple(VOCABULARY["misspelt_keywords"])
_KEYWORD_SET = frozenset(KEYWORDS)

# Real words one edit away from a keyword: never "corrected".
_DAY_WORDS = frozenset({"today", "tomorrow", "tonight", "yesterday"})
_NEAR_MISS_WORDS = frozenset(
    {
        "compete",
        "competed",
        "remain",
        "remains",
        "change",
        "charge",
        "chance",
        "clean",
        "clearer",
        "cleat",
        "shows",
        "shower",
        "slow",
        "lists",
        "listen",
        "lost",
        "last",
        "mist",
        "taste",
        "tasty",
        "tusk",
        "mask",
        "ask",
        "asks",
        "finishes",
        "finisher",
        "rename",
        "renamed",
        "remote",
        "removed",
        "removes",
        "delta",
        "deleted",
        "deletes",
        "today's",
        "research",
        "searches",
        "searched",
        "urgently",
        "priorities",
        "importance",
        "created",
        "creates",
        "crate",
        "remembered",
        "reminds",
        "reminded",
        "reminders",
        "undone",
        "undue",
        "under",
        "pleased",
        "pleasant",
        "sunday's",
        "changes",
        "changed",
        "mondays",
        "fridays",
        "everything's",
        "overdo",
        "reopens",
        "reopened",
        "listed",
        "showed",
        "shown",
        "tagged",
        "tagger",
        "clears",
        "cleared",
        "pending",
        "upcoming",
        "anything",
        "nothing",
        "something",
        "complete",
        "completes",
        "delegate",
        "declare",
        "stasks",
    }
)

# Short commands a message may start with; a short first word one edit away ("ad", "mrak",
# "hlep") is corrected unless it is a real word (`_SHORT_REAL_WORDS`).
LEADING_COMMANDS: tuple[str, ...] = ("add", "show", "list", "mark", "undo", "move", "help", "find")
_SHORT_REAL_WORDS = frozenset(
    {
        "and",
        "aid",
        "ads",
        "ado",
        "adds",
        "show",
        "shot",
        "shop",
        "shoe",
        "snow",
        "slow",
        "stow",
        "list",
        "lost",
        "last",
        "lust",
        "lint",
        "lisp",
        "lit",
        "mark",
        "mask",
        "mars",
        "marc",
        "mare",
        "murk",
        "mar",
        "undo",
        "move",
        "mode",
        "more",
        "mole",
        "mope",
        "mov",
        "help",
        "held",
        "hemp",
        "heap",
        "hell",
        "helm",
        "find",
        "fine",
        "fins",
        "fund",
        "fond",
        "fin",
        "fiend",
        "hel",
        "hep",
        "fid",
    }
)


def _swapped_letters() -> dict[str, str]:
    """Each short command word with two neighbouring letters swapped ("cna", "mkae", "taks"),
    mapped to the word: too short for the edit-distance correction, which would also turn
    real words ("car", "cat") into commands, while a swap of neighbours rarely makes one."""
    vocabulary = VOCABULARY["swapped_letters"]
    real = set(vocabulary["real_words"]) | _SHORT_REAL_WORDS
    swapped: dict[str, str] = {}
    for word in vocabulary["words"]:
        for i in range(len(word) - 1):
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
            if typo != word and typo not in real:
                swapped[typo] = word
    return swapped


_SWAPPED = _swapped_letters()
_FIRST_WORD = re.compile(r"^(\W*)([A-Za-z]{2,4})\b")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*[A-Za-z]|[a-z]\d\b|[A-Za-z]|\d+[a-z]+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
# "done w/ laundry": "w/" is "with"; "w/o" and "n/a" are left alone.
_WITH = re.compile(r"(?<![\w/])[wW]/(?=\s)")
# "the full list incl. completed ones": the stop of a short form ends no sentence.
_SHORT_FORM_STOP = re.compile(
    r"(?<![\w.])(incl|approx|appt|esp|vs)\.(?=\s+[a-z0-9])", re.IGNORECASE
)
# "would you mind marking task 2 as done": the command after "mind", as it is said bare.
_MIND_GERUNDS: dict[str, str] = VOCABULARY["mind_gerunds"]
_MIND_GERUND = re.compile(
    rf"\b((?:would|do)\s+(?:you|u|ya)\s+mind\s+)({'|'.join(_MIND_GERUNDS)})\b", re.IGNORECASE
)
# "need 2 get petrol", "remind me 2 submit": "2" for "to" after the words it follows.
_TWO_AS_TO = re.compile(
    r"\b(need|needs|have|has|got|want|wants|going|me|us|how|forget|remember|able|try|like)\s+2\s+(?=[a-z])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CleanText:
    """A cleaned message: `text` with the user's casing and `low`, its lowercase twin."""

    text: str
    low: str


@lru_cache(maxsize=4096)
def _correct(word: str) -> str:
    """The keyword `word` (lowercase) is a misspelling of, else `word` itself."""
    if word in _KEYWORD_SET or word in _NEAR_MISS_WORDS or len(word) < 5 or not word.isalpha():
        return word
    if word.endswith("s") and word[:-1] in _KEYWORD_SET and word[:-1] not in _DAY_WORDS:
        return word  # a plural ("tuesdays"); but "tomorrows tasks" means "tomorrow's"
    if word.endswith("ed") and (word[:-1] in _KEYWORD_SET or word[:-2] in _KEYWORD_SET):
        return word  # a past tense ("rescheduled", "postponed"), no misspelling
    allowed = 1 if len(word) < 8 else 2
    best, best_distance = word, allowed + 1
    for keyword in KEYWORDS:
        if abs(len(keyword) - len(word)) > allowed or keyword[0] != word[0]:
            continue
        distance = OSA.distance(word, keyword, score_cutoff=allowed)
        if distance < best_distance:
            best, best_distance = keyword, distance
    return best


@lru_cache(maxsize=1024)
def _correct_leading(word: str) -> str:
    """The short command the first word (lowercase) is a misspelling of, else `word`."""
    if word in _SHORT_REAL_WORDS or word in SHORTHAND:
        return word
    for command in LEADING_COMMANDS:
        if command[0] == word[0] and OSA.distance(word, command, score_cutoff=1) <= 1:
            return command
    return word


def _fix_first_word(m: re.Match[str]) -> str:
    word = m.group(2)
    fixed = _correct_leading(word.lower())
    return m.group(1) + (word if fixed == word.lower() else fixed)


def _lower_same_length(text: str) -> str:
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def _fix_word(m: re.Match[str]) -> str:
    word = m.group(0)
    lower = word.lower()
    if lower in SHORTHAND:
        return SHORTHAND[lower]
    if lower in _SWAPPED:
        return _SWAPPED[lower]
    fixed = _correct(lower)
    return word if fixed == lower else fixed


def clean(message: str) -> CleanText:
    """Clean a chat message: normalise quotes and dashes, drop emoji, expand chat shorthand
    ("pls", "tmrw"), write dictated punctuation ("comma") and correct misspelt command words
    ("remnid", "serach", a first "ad")."""
    text = unicodedata.normalize("NFKC", message).translate(_QUOTES)
    text = undictate(strip_symbols(text))
    text = _MIND_GERUND.sub(lambda m: m.group(1) + _MIND_GERUNDS[m.group(2).lower()], text)
    text = _TWO_AS_TO.sub(
        r"\1 to ", _TOKEN.sub(_fix_word, _WITH.sub("with", _SHORT_FORM_STOP.sub(r"\1", text)))
    )
    text = _FIRST_WORD.sub(_fix_first_word, text, count=1)
    text = _SPACES.sub(" ", text).strip()
    return CleanText(text, _lower_same_length(text))
