"""The checks a record tool service applies to a record's text fields (a title, a longer text,
tags), so every service words its errors the same way. Each raises InvalidInputError naming
the field, with a message that says how to fix it."""

from collections.abc import Sequence

from servicekit.record_errors import InvalidInputError, storable_text

# An error quotes at most this much of the value it refuses.
_QUOTED_MAX = 64


def title_text(title: str, *, entity: str, limit: int, rest_field: str) -> str:
    """The title trimmed, or an error when it is empty or longer than ``limit``; the error
    for a long one says to put the rest in ``rest_field``."""
    text = storable_text(title, "title").strip()
    if not text:
        raise InvalidInputError("title", f"The title is empty. Give the {entity} a short title.")
    if len(text) > limit:
        raise InvalidInputError(
            "title",
            f"The title is {len(text)} characters long; the limit is {limit}. Shorten it "
            f"and put the rest in the {rest_field}.",
        )
    return text


def bounded_text(value: str, field: str, limit: int) -> str:
    """``value`` unchanged, or an error when it is longer than ``limit``."""
    storable_text(value, field)
    if len(value) > limit:
        raise InvalidInputError(
            field,
            f"The {field} is {len(value)} characters long; the limit is {limit}. Shorten it.",
        )
    return value


def tag_text(raw: str, limit: int, field: str = "tags") -> str:
    """One tag trimmed and lowercased, or an error when it is empty or longer than ``limit``."""
    tag = storable_text(raw, field).strip().lower()
    if not tag or len(tag) > limit:
        raise InvalidInputError(
            field,
            f"The tag {raw[:_QUOTED_MAX]!r} must be 1 to {limit} characters long. Fix or drop it.",
        )
    return tag


def tag_list(tags: Sequence[str], *, entity: str, tag_limit: int, count_limit: int) -> list[str]:
    """Tags trimmed, lowercased and de-duplicated (first occurrence kept), or an error when
    one is empty or too long or there are more than ``count_limit``."""
    cleaned: list[str] = []
    for raw in tags:
        tag = tag_text(raw, tag_limit)
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > count_limit:
        raise InvalidInputError(
            "tags",
            f"Each {entity} can have at most {count_limit} tags; {len(cleaned)} were given.",
        )
    return cleaned
