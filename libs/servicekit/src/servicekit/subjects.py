"""Data subjects: the id that a user's data is stored and published under, per app.

Several apps share one backend. Each app names a data domain (its own id unless two apps are
configured to share one); data is keyed by the subject of (data domain, user), never by the
user alone, so the same person in two domains has two separate sets of data. The default
domain ``tasks`` maps a user to their own id (the data of the first app stays where it was);
any other domain maps to a stable UUIDv5 of (domain, user), as OIDC pairwise identifiers do.
"""

import re
from typing import Self
from uuid import UUID, uuid5

DEFAULT_APP = "tasks"
"""The id (and data domain) of the app every deployment has; requests that name none are its."""

APP_ID_PATTERN = r"^[a-z][a-z0-9-]{0,31}$"
_APP_ID = re.compile(APP_ID_PATTERN)
_NAMESPACE = UUID("5f0c8a4e-2d0b-5c4e-9a57-6b1f4c2e9d31")


def is_app_id(value: str) -> bool:
    """Whether ``value`` is a well-formed app or data-domain id."""
    return _APP_ID.fullmatch(value) is not None


def data_subject(data_domain: str, user_id: UUID) -> UUID:
    """The id the data of ``user_id`` in ``data_domain`` is keyed by."""
    if data_domain == DEFAULT_APP:
        return user_id
    return uuid5(_NAMESPACE, f"{data_domain}\n{user_id}")


class Subject(UUID):
    """A data subject that remembers whose it is.

    It equals, hashes and prints as the subject id, so that every query, channel and limit
    keyed by it is scoped to (data domain, user); ``user_id`` and ``data_domain`` are what a
    signed identity carries to the tool services and what logs show.
    """

    __slots__ = ("data_domain", "user_id")
    user_id: UUID
    data_domain: str

    def __init__(self, user_id: UUID, data_domain: str = DEFAULT_APP) -> None:
        super().__init__(int=data_subject(data_domain, user_id).int)
        object.__setattr__(self, "user_id", user_id)
        object.__setattr__(self, "data_domain", data_domain)

    def __reduce__(self) -> tuple[type[Self], tuple[UUID, str]]:
        return (type(self), (self.user_id, self.data_domain))

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: object) -> Self:
        return self
