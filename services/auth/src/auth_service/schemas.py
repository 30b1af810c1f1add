"""Request and response bodies of the auth API."""

import re
import unicodedata
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

REFRESH_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{32,256}$"
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")


def _encodable(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def normalise_email(value: str) -> str:
    """Trim, lower-case and NFC-normalise an email address; raise ValueError when invalid."""
    email = unicodedata.normalize("NFC", _encodable(value)).strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise ValueError("must be an email address")
    if any(unicodedata.category(char).startswith("C") for char in email):
        raise ValueError("must not contain control characters")
    return email


Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]


MAX_PASSWORD_LENGTH = 128


class UserCreate(BaseModel):
    """Registration: an email and a password of 8 to 128 characters."""

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[
        str, Field(min_length=8, max_length=MAX_PASSWORD_LENGTH), AfterValidator(_encodable)
    ]


class RegistrationAccepted(BaseModel):
    """The one answer to every valid registration, whether or not the email had an account."""

    status: Literal["accepted"] = "accepted"
    detail: str = (
        "Registration received. Sign in with this email and password; an email that already "
        "has an account keeps its own password."
    )


class Credentials(BaseModel):
    """Login with email and password.

    Browsers get the refresh token only as an HttpOnly cookie; a client that is not a browser
    (and keeps the token itself) asks for it in the answer with ``refresh_token_in_body``.
    """

    model_config = ConfigDict(extra="forbid")

    email: Email
    password: Annotated[str, Field(min_length=1, max_length=1024), AfterValidator(_encodable)]
    refresh_token_in_body: bool = False


class RefreshRequest(BaseModel):
    """A refresh token in the body; when absent the ``refresh_token`` cookie is used."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: Annotated[str, Field(pattern=REFRESH_TOKEN_PATTERN)] | None = None


class UserPublic(BaseModel):
    """A user as the API shows it."""

    id: uuid.UUID
    email: str
    created_at: datetime


class AccessToken(BaseModel):
    """A new access token; the refresh token travels in the HttpOnly cookie only."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class TokenPair(AccessToken):
    """An access token and the refresh token, for clients that asked for it in the body."""

    refresh_token: str
