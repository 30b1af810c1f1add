"""The openai client's request transform, skipped for bodies it would hand back unchanged.

Before every request the client walks the body against the endpoint's TypedDict parameter
types, to rename aliased keys and format dates and files; for a union (every input item, every
tool) it walks the value once per member. With a 30-item history that walk costs ~15 ms of CPU
per Responses API request and ~6 ms per Chat Completions request, more than the rest of the
gateway's work on a turn. The parameter types of those two endpoints declare no alias and no
format, so for a body of plain JSON values (what the Agents SDK builds) the transform only drops
the omitted arguments: such bodies skip the walk, any other takes the client's own transform.
"""

import typing
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, Final

from openai import _utils as openai_utils
from openai.resources.chat.completions import completions
from openai.resources.responses import responses
from openai.types.chat import completion_create_params
from openai.types.responses import response_create_params

Transform = Callable[[Any, Any], Awaitable[Any]]

LIBRARY_TRANSFORM: Final[Transform] = openai_utils.async_maybe_transform
PLAIN_BODY_TYPES: Final = (
    response_create_params.ResponseCreateParamsStreaming,
    response_create_params.ResponseCreateParamsNonStreaming,
    completion_create_params.CompletionCreateParamsStreaming,
    completion_create_params.CompletionCreateParamsNonStreaming,
)
_CLIENT_MODULES: Final = (responses, completions)
_SCALARS: Final = (str, int, float, bool, type(None))
_EXACT_SCALARS: Final = frozenset(_SCALARS)


def declares_transforms(annotation: object, seen: set[int] | None = None) -> bool:
    """Whether ``annotation`` or any type inside it asks the client to rename or format."""
    seen = set() if seen is None else seen
    if id(annotation) in seen:
        return False
    seen.add(id(annotation))
    for marker in getattr(annotation, "__metadata__", ()):
        if isinstance(marker, openai_utils.PropertyInfo) and (marker.alias or marker.format):
            return True
    if isinstance(annotation, type) and openai_utils.is_typeddict(annotation):
        hints = typing.get_type_hints(annotation, include_extras=True)
        return any(declares_transforms(hint, seen) for hint in hints.values())
    return any(declares_transforms(arg, seen) for arg in typing.get_args(annotation))


@cache
def needs_no_transform(expected_type: object) -> bool:
    """Whether the client's transform leaves plain JSON of ``expected_type`` as it is."""
    return expected_type in PLAIN_BODY_TYPES and not declares_transforms(expected_type)


def is_plain(value: object) -> bool:
    """Whether ``value`` is JSON built of dicts, lists, strings, numbers, booleans and None."""
    # A loop over a stack, not recursion: a request body has hundreds of values, and a call
    # and a generator per value cost more than the check itself.
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is dict:
            for key in item:
                if type(key) is not str:
                    return False
            pending.extend(item.values())
        elif type(item) is list:
            pending.extend(item)
        elif type(item) not in _EXACT_SCALARS and not isinstance(item, _SCALARS):
            return False
    return True


async def transform_request_body(data: Any, expected_type: Any) -> Any:
    """What the client's transform returns for ``data``, without its walk when it is plain."""
    if type(data) is dict and needs_no_transform(expected_type):
        given = {key: value for key, value in data.items() if openai_utils.is_given(value)}
        if is_plain(given):
            return given
    return await LIBRARY_TRANSFORM(data, expected_type)


def skip_needless_transforms() -> None:
    """Route the Responses and Chat Completions clients' bodies through
    ``transform_request_body`` (idempotent; other endpoints keep the library's transform).
    Walks the parameter types now (~0.1 s) rather than in the first turn."""
    for body_type in PLAIN_BODY_TYPES:
        needs_no_transform(body_type)
    for module in _CLIENT_MODULES:
        module.async_maybe_transform = transform_request_body  # type: ignore[attr-defined]  # a module global of the client, not exported
