"""Domain errors of the auth service and their problem+json mapping."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from servicekit.errors import problem_response


class AuthError(Exception):
    """Base of the errors a client caused; each maps to one HTTP status."""

    status = 400
    title = "Bad Request"
    detail = "The request cannot be processed."
    headers: dict[str, str] | None = None


class InvalidCredentialsError(AuthError):
    """Unknown email or wrong password (one answer for both, so accounts cannot be probed)."""

    status = 401
    title = "Unauthorized"
    detail = "Invalid email or password"


class InvalidRefreshTokenError(AuthError):
    """The refresh token is missing, unknown, expired, revoked or was already used."""

    status = 401
    title = "Unauthorized"
    detail = "The refresh token is invalid or expired. Sign in again."


class UnknownAppError(AuthError):
    """The X-Chat-App header names an app tokens are not issued for."""

    detail = "The X-Chat-App header names no app served here."


class NotAuthenticatedError(AuthError):
    """No valid access token on a route that needs one."""

    status = 401
    title = "Unauthorized"
    detail = "A valid Bearer access token is required."
    headers = {"WWW-Authenticate": "Bearer"}  # noqa: RUF012 - read-only class constant


class TooManyAttemptsError(AuthError):
    """Too many failed logins from the client address, or for the email from that address."""

    status = 429
    title = "Too Many Requests"
    detail = "Too many failed sign-in attempts. Try again later."

    def __init__(self, retry_after: int) -> None:
        super().__init__(self.detail)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class TooManyRegistrationsError(TooManyAttemptsError):
    """Too many registrations from the client address, or for the whole service."""

    detail = "Too many registrations. Try again later."


def install_auth_error_handler(app: FastAPI) -> None:
    """Answer every AuthError with its status as problem+json."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AuthError)
        return problem_response(exc.status, exc.detail, title=exc.title, headers=exc.headers)

    app.add_exception_handler(AuthError, handle)
