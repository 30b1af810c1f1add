"""Date expressions resolve against the current day by the task assistant's rules."""

from __future__ import annotations

from datetime import date

import pytest
from local_model.dates import find_dates, format_day

WEDNESDAY = date(2027, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2027, 3, 10)),
        ("tonight", date(2027, 3, 10)),
        ("tomorrow", date(2027, 3, 11)),
        ("the day after tomorrow", date(2027, 3, 12)),
        ("wednesday", date(2027, 3, 17)),
        ("next wednesday", date(2027, 3, 17)),
        ("this wednesday", date(2027, 3, 10)),
        ("fri", date(2027, 3, 12)),
        ("in 4 days", date(2027, 3, 14)),
        ("in two weeks", date(2027, 3, 24)),
        ("in a week", date(2027, 3, 17)),
        ("next week", date(2027, 3, 15)),
        ("end of the month", date(2027, 3, 31)),
        ("april 2nd", date(2027, 4, 2)),
        ("2 april", date(2027, 4, 2)),
        ("the 20th of march", date(2027, 3, 20)),
        ("feb 1", date(2028, 2, 1)),
        ("4/15", date(2027, 4, 15)),
        ("2027-06-30", date(2027, 6, 30)),
    ],
)
def test_expression_resolves_to_the_expected_day(text: str, expected: date) -> None:
    found = find_dates(text, WEDNESDAY)
    assert [(m.start, m.end, m.value) for m in found] == [(0, len(text), expected)]


def test_this_week_covers_the_days_through_sunday() -> None:
    (match,) = find_dates("due this week", WEDNESDAY)
    assert (match.value, match.last) == (WEDNESDAY, date(2027, 3, 14))


def test_possessive_next_week_is_not_a_date() -> None:
    assert find_dates("pack for next week's trip", WEDNESDAY) == []


def test_bare_sun_and_sat_are_words_not_days() -> None:
    assert find_dates("sit in the sun", WEDNESDAY) == []


def test_days_are_described_relative_to_today() -> None:
    assert [format_day(WEDNESDAY, WEDNESDAY), format_day(date(2027, 3, 11), WEDNESDAY)] == [
        "today",
        "tomorrow",
    ]
    assert format_day(date(2027, 3, 19), WEDNESDAY) == "Fri, Mar 19"
    assert format_day(date(2028, 1, 2), WEDNESDAY) == "Sun, Jan 2, 2028"
