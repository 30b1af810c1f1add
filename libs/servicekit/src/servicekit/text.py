"""Which strings PostgreSQL can store: no NUL character, no lone UTF-16 surrogate."""

import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_reason(value: str) -> str | None:
    """Why ``value`` cannot be stored as PostgreSQL text, or None when it can.

    JSON may escape a NUL ("\\u0000") or half of a surrogate pair ("\\ud800"); Python decodes
    both into a str that PostgreSQL (text) or UTF-8 (the wire) then refuses with a server error.
    """
    if "\x00" in value:
        return "a NUL character (U+0000)"
    if _SURROGATE.search(value):
        return "a lone UTF-16 surrogate (an invalid character)"
    return None


def first_unstorable(value: Any) -> str | None:
    """The reason of the first unstorable string anywhere in a decoded JSON value, or None."""
    if isinstance(value, str):
        return unstorable_reason(value)
    if isinstance(value, dict):
        for key, item in value.items():
            reason = first_unstorable(key) or first_unstorable(item)
            if reason is not None:
                return reason
    elif isinstance(value, list):
        for item in value:
            reason = first_unstorable(item)
            if reason is not None:
                return reason
    return None
