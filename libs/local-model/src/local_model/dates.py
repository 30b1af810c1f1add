"""Date and time-of-day expressions in lowercase chat text, resolved against a given day.

Rules: today/tonight = that day; tomorrow = +1; a weekday name (also "next <weekday>") = the
next such day strictly after today; "in N days/weeks" = +N / +7N; "next week" = next Monday;
"this week" ends on Sunday; "end of the month" = its last day; explicit dates ("Dec 5",
"5 December", US "12/05", ISO) that are already past this year mean next year.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateMatch", "find_dates", "find_times", "format_day"]

WEEKDAYS: dict[str, int] = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "weds": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
}


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date expression found at [start, end) of the text.

    `value` is the day the expression names; `last` is the last day of the period it covers
    (the same day for a single day, Sunday for "this week", the month's end for "this month").
    """

    start: int
    end: int
    value: date
    last: date


def _alt(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_WD = _alt(WEEKDAYS)
_MO = _alt(MONTHS)
_NUM = _alt(NUMBER_WORDS)
_PART = r"(?:\s+(?:morning|afternoon|evening|night|eve))?"
_ORD = r"(?:st|nd|rd|th)?"
# The stop of a short name ("tue.", "dec."), not the full stop after a whole one ("by Tuesday.").
_SHORT_DOT = r"(?:(?<=\b[a-z]{3})\.|(?<=\b[a-z]{4})\.)?"

# An amount of days or weeks a due date moves by ("a couple of days", "2 weeks").
SHIFT_AMOUNT = re.compile(rf"\b(?P<n>\d{{1,2}}|{_NUM})\s+(?P<unit>days?|weeks?)\b")

_HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas eve": (12, 24),
    "christmas": (12, 25),
    "christmas day": (12, 25),
    "xmas": (12, 25),
    "new years eve": (12, 31),
    "new years": (1, 1),
    "new years day": (1, 1),
}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Before "today": "a week from today" is one date, not today.
    (
        "n_from_now",
        re.compile(
            rf"\b(?P<n>\d{{1,3}}|{_NUM})\s+(?P<unit>days?|weeks?|months?)\s+from\s+(?:now|today)\b"
        ),
    ),
    ("after_tomorrow", re.compile(r"\b(?:the\s+)?day\s+after\s+tomorrow\b")),
    # "today itself" (Indian English): that day, and no later.
    (
        "today",
        re.compile(
            r"\b(?:today|tonight|tonite|this\s+(?:morning|afternoon|evening)|later\s+today"
            r"|(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?day|eod)(?:\s+itself)?\b"
        ),
    ),
    ("tomorrow", re.compile(rf"\b(?:tomorrow|tmrw|tmr|tmrow|2morrow){_PART}(?:\s+itself)?\b")),
    ("end_week", re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?week\b")),
    ("end_month", re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month\b")),
    ("end_next_month", re.compile(r"\b(?:the\s+)?end\s+of\s+next\s+month\b")),
    ("weekend", re.compile(r"\b(?:this\s+|next\s+|the\s+)?weekend\b")),
    ("this_week", re.compile(r"\bthis\s+week\b(?!'s)")),
    ("next_week", re.compile(r"\bnext\s+week\b(?!'s)")),
    ("this_month", re.compile(r"\bthis\s+month\b(?!'s)")),
    ("next_month", re.compile(r"\bnext\s+month\b(?!'s)")),
    (
        "in_n",
        re.compile(
            rf"\b(?:in|within)\s+(?P<n>\d{{1,3}}|{_NUM})\s+(?P<unit>days?|weeks?|months?|fortnights?)\b"
        ),
    ),
    ("in_fortnight", re.compile(r"\b(?:in|within)\s+a\s+fortnight\b")),
    # A holiday is a date only after a date preposition: "buy the christmas tree" names none.
    (
        "holiday",
        re.compile(
            r"(?:(?<=\bby\s)|(?<=\bbefore\s)|(?<=\buntil\s)|(?<=\btill\s)|(?<=\bon\s))"
            r"(?P<holiday>christmas\s+eve|christmas(?:\s+day)?|xmas|new\s+year'?s\s+eve|new\s+year'?s(?:\s+day)?)\b"
        ),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:(?P<mod>this|next|coming|on)\s+)?(?P<wd>{_WD})\b{_SHORT_DOT}{_PART}"),
    ),
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")),
    (
        "month_day",
        re.compile(
            rf"\b(?P<mo>{_MO})\.?\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\b(?:,?\s+(?P<y>\d{{4}})\b)?"
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mo>{_MO})\b{_SHORT_DOT}(?:,?\s+(?P<y>\d{{4}})\b)?"
        ),
    ),
    (
        "numeric",
        re.compile(r"(?<![\w/#])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{2,4}))?(?![\w/])"),
    ),
    # "the 3rd one" points at a list's third task, not at a day of the month.
    (
        "day_of_month",
        re.compile(
            r"\bthe\s+(?P<d>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:one|task|item|thing|entry|of\s+them)s?\b)"
        ),
    ),
]

_TIME = re.compile(
    r"\b(?:at|@|by|around|before|after)?\s*(?:\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|"
    r"\d{1,2}:\d{2}|noon|midnight|midday)(?!\w)"
    # "at 8", "at 8 sharp", "at 8 to ...", not "at 8 people" or "at 8th"
    r"|\b(?:at|around)\s+\d{1,2}(?:\s+(?:sharp|o'?clock))?"
    r"(?!\s*(?:/|\d|st\b|nd\b|rd\b|th\b|%|(?!(?:to|on|and|tomorrow|today|tonight)\b)\w))"
    r"|\bin\s+the\s+(?:morning|afternoon|evening)\b"
)


def _next_weekday(today: date, weekday: int) -> date:
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _sunday_of_week(day: date) -> date:
    return day + timedelta(days=6 - day.weekday())


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _number(text: str) -> int:
    return int(text) if text.isdigit() else NUMBER_WORDS[re.sub(r"\s+", " ", text)]


def _calendar_day(today: date, month: int, day: int, year: str | None) -> date | None:
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        try:
            return date(full, month, day)
        except ValueError:
            return None
    for candidate_year in (today.year, today.year + 1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _resolve(kind: str, m: re.Match[str], today: date) -> tuple[date, date] | None:
    single: date | None = None
    if kind == "after_tomorrow":
        single = today + timedelta(days=2)
    elif kind == "today":
        single = today
    elif kind == "tomorrow":
        single = today + timedelta(days=1)
    elif kind in ("end_week", "this_week"):
        end = _sunday_of_week(today)
        return (end, end) if kind == "end_week" else (today, end)
    elif kind == "end_month":
        single = _month_end(today.year, today.month)
    elif kind == "end_next_month":
        nxt = _add_months(today.replace(day=1), 1)
        single = _month_end(nxt.year, nxt.month)
    elif kind == "weekend":
        saturday = today if today.weekday() == 5 else _next_weekday(today, 5)
        if m.group(0).startswith("next") and today.weekday() >= 5:
            saturday = _next_weekday(today, 5)
        return saturday, saturday + timedelta(days=1)
    elif kind == "next_week":
        monday = _next_weekday(today, 0)
        return monday, monday + timedelta(days=6)
    elif kind == "this_month":
        return today, _month_end(today.year, today.month)
    elif kind == "next_month":
        first = _add_months(today.replace(day=1), 1)
        return first, _month_end(first.year, first.month)
    elif kind in ("in_n", "n_from_now"):
        n = _number(m.group("n"))
        unit = m.group("unit")
        if unit.startswith("day"):
            single = today + timedelta(days=n)
        elif unit.startswith("week"):
            single = today + timedelta(days=7 * n)
        elif unit.startswith("fortnight"):
            single = today + timedelta(days=14 * n)
        else:
            single = _add_months(today, n)
    elif kind == "in_fortnight":
        single = today + timedelta(days=14)
    elif kind == "holiday":
        month, day = _HOLIDAYS[re.sub(r"\s+", " ", m.group("holiday").replace("'", ""))]
        single = _calendar_day(today, month, day, None)
    elif kind == "weekday":
        weekday = WEEKDAYS[m.group("wd")]
        if m.group("mod") == "this" and weekday == today.weekday():
            single = today
        else:
            single = _next_weekday(today, weekday)
    elif kind == "iso":
        try:
            single = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        except ValueError:
            return None
    elif kind in ("month_day", "day_month"):
        single = _calendar_day(today, MONTHS[m.group("mo")], int(m.group("d")), m.group("y"))
    elif kind == "numeric":
        single = _calendar_day(today, int(m.group("m")), int(m.group("d")), m.group("y"))
    elif kind == "day_of_month":
        day = int(m.group("d"))
        for months in (0, 1, 2):
            first = _add_months(today.replace(day=1), months)
            if day <= calendar.monthrange(first.year, first.month)[1]:
                candidate = first.replace(day=day)
                if candidate >= today:
                    single = candidate
                    break
    if single is None:
        return None
    return single, single


_DAY_PREPOSITION = re.compile(r"\b(?:by|for|on|to|before|until|till|due)\s+$")
# "every thursday" repeats: no due date is read from it, and the reply says repeating is not kept.
_REPEATING = re.compile(r"\b(?:every|each)\s+(?:other\s+|single\s+)?$")


_SAID_AGAINST = re.compile(r"\b(?:not|instead\s+of|rather\s+than)\s+(?:on\s+)?$")


_SHORT_DAY_LAST = re.compile(r"\s*(?:[,;!]|\.(?!\w)|$)")
# "i sat.", "in the sun": a verb or a noun, not a day
_NOT_A_DAY_BEFORE = re.compile(
    r"\b(?:i|we|he|she|they|you|it|who|the|a|in|at|my|your|our|and|just|then|have|had|was|were)\s+$"
)


def find_dates(text: str, today: date) -> list[DateMatch]:
    """Return the non-overlapping date expressions in `text` (lowercase), in text order."""
    found: list[DateMatch] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            if (
                kind == "weekday"
                and m.group("wd") in ("sat", "sun")
                and not m.group("mod")
                and _DAY_PREPOSITION.search(text, 0, m.start()) is None
                and not (
                    _SHORT_DAY_LAST.match(text, m.end())
                    and _NOT_A_DAY_BEFORE.search(text, 0, m.start()) is None
                )
            ):
                # also common words ("sat down", "the sun"), unless "by sat" or said last after
                # a task ("clean the gutters sat, tags home")
                continue
            if kind == "weekday" and _REPEATING.search(text, 0, m.start()) is not None:
                continue
            resolved = _resolve(kind, m, today)
            if resolved is not None:
                found.append(DateMatch(m.start(), m.end(), resolved[0], resolved[1]))
    found.sort(key=lambda f: f.start)
    # "friday not thursday", "dec 3 instead of dec 1": the date said against is not meant.
    meant = [f for f in found if _SAID_AGAINST.search(text, 0, f.start) is None]
    return meant or found


def find_times(text: str) -> list[tuple[int, int]]:
    """Return the spans of time-of-day expressions ("at 3", "6pm", "at 10:30") in `text`."""
    return [
        (m.end() - len(m.group(0).lstrip()), m.end())
        for m in _TIME.finditer(text)
        if m.group(0).strip()
    ]


def format_day(day: date, today: date) -> str:
    """A short human form of `day` relative to `today` ("today", "tomorrow", "Fri, Nov 27")."""
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    label = f"{day.strftime('%a')}, {day.strftime('%b')} {day.day}"
    return label if day.year == today.year else f"{label}, {day.year}"
