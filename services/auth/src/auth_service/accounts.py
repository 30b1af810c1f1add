"""Registration, sign-in and refresh-token rotation."""

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio
from servicekit.database import Database
from servicekit.sessions import RevokedSession
from servicekit.subjects import DEFAULT_APP
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from auth_service.config import Settings
from auth_service.errors import (
    InvalidCredentialsError,
    InvalidRefreshTokenError,
    TooManyAttemptsError,
    TooManyRegistrationsError,
)
from auth_service.keys import KeyRing
from auth_service.login_throttle import LoginThrottle
from auth_service.models import RefreshToken, User
from auth_service.passwords import Passwords
from auth_service.registration_throttle import RegistrationThrottle
from auth_service.tokens import issue_access_token, new_refresh_token, refresh_token_hash

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What a successful login or refresh hands out."""

    access_token: str
    refresh_token: str
    expires_in: int


class Accounts:
    """The auth use cases over the database, the password hasher, the keys and the throttle."""

    def __init__(
        self,
        database: Database,
        passwords: Passwords,
        keys: KeyRing,
        throttle: LoginThrottle,
        registrations: RegistrationThrottle,
        settings: Settings,
    ) -> None:
        self._database = database
        self._passwords = passwords
        self._keys = keys
        self._throttle = throttle
        self._registrations = registrations
        self._settings = settings

    async def register(self, email: str, password: str, address: str) -> None:
        """Create an account unless the email has one; TooManyRegistrationsError when throttled.

        Both outcomes cost one hash and one statement and return nothing, so neither the
        answer nor its timing tells whether the email was registered.
        """
        retry_after = await self._registrations.begin(address)
        if retry_after is not None:
            logger.warning("registration throttled", extra={"client_address": address})
            raise TooManyRegistrationsError(retry_after)
        password_hash = await self._passwords.hash(password)
        async with self._database.session() as session:
            user_id = await session.scalar(
                insert(User)
                .values(id=uuid.uuid4(), email=email, password_hash=password_hash)
                .on_conflict_do_nothing(index_elements=[User.email])
                .returning(User.id)
            )
        if user_id is None:
            logger.info("registration for an email that has an account")
        else:
            logger.info("user registered", extra={"user_id": str(user_id)})

    async def login(
        self, email: str, password: str, address: str, peer: str, app: str = DEFAULT_APP
    ) -> IssuedTokens:
        """Tokens of ``app`` for valid credentials; InvalidCredentialsError or
        TooManyAttemptsError.

        ``address`` is the caller's (behind trusted proxies), ``peer`` the TCP peer's; both
        are logged, so a forwarded address can always be checked against the connection.
        """
        where = {"client_address": address, "peer_address": peer}
        verdict = await self._throttle.begin_attempt(email, address)
        if verdict.retry_after is not None:
            logger.warning("login throttled", extra=where)
            raise TooManyAttemptsError(verdict.retry_after)
        if verdict.delay_seconds:
            logger.info(
                "login delayed after failures for the email",
                extra={**where, "delay_seconds": verdict.delay_seconds},
            )
            await anyio.sleep(verdict.delay_seconds)
        async with self._database.session() as session:
            user = await session.scalar(select(User).where(User.email == email))
        stored_hash = user.password_hash if user is not None else None
        if user is None or not await self._passwords.verify(stored_hash, password):
            logger.info("login failed", extra=where)
            raise InvalidCredentialsError
        await self._throttle.succeeded(email, address)
        async with self._database.session() as session:
            if self._passwords.needs_rehash(user.password_hash):
                new_hash = await self._passwords.hash(password)
                await session.execute(
                    update(User).where(User.id == user.id).values(password_hash=new_hash)
                )
            tokens = self._issue(session, user.id, uuid.uuid4(), app)
        logger.info("user signed in", extra={"user_id": str(user.id), "app": app})
        return tokens

    async def refresh(self, refresh_token: str, app: str = DEFAULT_APP) -> IssuedTokens:
        """Rotate a refresh token of ``app``; reusing a rotated one revokes its whole family.

        A token issued for another app is refused and left as it is.
        """
        now = datetime.now(UTC)
        async with self._database.session() as session:
            stored = await session.scalar(
                select(RefreshToken)
                .where(RefreshToken.token_hash == refresh_token_hash(refresh_token))
                .with_for_update()
            )
            if (
                stored is None
                or stored.app != app
                or stored.revoked_at is not None
                or stored.expires_at <= now
            ):
                raise InvalidRefreshTokenError
            if stored.rotated_at is None:
                stored.rotated_at = now
                return self._issue(session, stored.user_id, stored.family_id, app)
            # A rotated token came back: someone holds a copy. The revocation must commit,
            # so the error is raised only after the transaction ends.
            await self._revoke_family(session, stored.family_id, now)
        logger.warning(
            "rotated refresh token reused; family revoked",
            extra={"user_id": str(stored.user_id), "family_id": str(stored.family_id)},
        )
        raise InvalidRefreshTokenError

    async def logout(self, refresh_token: str, app: str = DEFAULT_APP) -> RevokedSession | None:
        """Revoke the family of ``refresh_token`` (a token of ``app``); returns the session it
        ended, if known.

        The caller records the session as revoked, so that access tokens already issued for
        it stop opening event streams and tickets.
        """
        now = datetime.now(UTC)
        async with self._database.session() as session:
            row = (
                await session.execute(
                    select(RefreshToken.family_id, RefreshToken.user_id).where(
                        RefreshToken.token_hash == refresh_token_hash(refresh_token),
                        RefreshToken.app == app,
                    )
                )
            ).first()
            if row is None:
                return None
            await self._revoke_family(session, row.family_id, now)
        return RevokedSession(row.family_id.hex, row.user_id)

    async def user(self, user_id: uuid.UUID) -> User | None:
        """The user with ``user_id``, if the account exists."""
        async with self._database.session() as session:
            return await session.get(User, user_id)

    def _issue(
        self, session: AsyncSession, user_id: uuid.UUID, family_id: uuid.UUID, app: str
    ) -> IssuedTokens:
        refresh_token = new_refresh_token()
        session.add(
            RefreshToken(
                id=uuid.uuid4(),
                user_id=user_id,
                family_id=family_id,
                token_hash=refresh_token_hash(refresh_token),
                app=app,
                expires_at=datetime.now(UTC)
                + timedelta(seconds=self._settings.refresh_token_ttl_seconds),
            )
        )
        return IssuedTokens(
            access_token=issue_access_token(user_id, self._keys, self._settings, family_id, app),
            refresh_token=refresh_token,
            expires_in=self._settings.access_token_ttl_seconds,
        )

    @staticmethod
    async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
