"""REST pieces every record tool service shares: the verified user, the event-version header
of a change, and the event log's routes (GET /events, POST /events/{version}/revert)."""

from collections.abc import Callable
from typing import Annotated, Any, Protocol, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import BaseModel

from servicekit.events import Actor
from servicekit.record_events import RecordEventPage
from servicekit.record_writer import EVENTS_LIMIT_MAX, Mutation
from servicekit.tool_calls import ToolSpan

EVENT_VERSION_HEADER = "X-Event-Version"
"""Carries the version of the event a change logged (what revert takes), like the tools' _meta."""

PublicT = TypeVar("PublicT", bound=BaseModel)


def verified_user_id(request: Request) -> UUID:
    """The user whose identity headers IdentityMiddleware verified for this request."""
    user = request.scope.get("state", {}).get("user_id")
    if not isinstance(user, UUID):
        raise HTTPException(401, "Valid identity headers are required.")
    return user


UserId = Annotated[UUID, Depends(verified_user_id)]


def record_answer(mutation: Mutation[PublicT], response: Response) -> PublicT:
    """The changed record, with the event version in a header when an event was logged."""
    if mutation.event_version is not None:
        response.headers[EVENT_VERSION_HEADER] = str(mutation.event_version)
    return mutation.record


class RecordHistory(Protocol):
    """The domain calls the event routes make."""

    async def events_after(self, user_id: UUID, after: int, limit: int) -> RecordEventPage: ...

    async def revert(self, user_id: UUID, actor: Actor, version: int) -> Mutation[Any]: ...


def events_router(
    history: Callable[[Request], RecordHistory],
    *,
    public: type[BaseModel],
    entity: str,
    tool_span: ToolSpan,
) -> APIRouter:
    """The user's event log over REST, and undo; ``history`` is the dependency that finds the
    domain service, ``public`` the record shape revert answers with."""
    router = APIRouter(prefix="/events", tags=["events"])
    History = Annotated[RecordHistory, Depends(history)]

    @router.get(
        "",
        response_model=RecordEventPage,
        responses={410: {"description": "Retention removed events after this version; reload."}},
    )
    async def list_events(
        user_id: UserId,
        records: History,
        after: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=EVENTS_LIMIT_MAX)] = 500,
    ) -> RecordEventPage:
        """Events with a version above ``after``, oldest first, and the latest version."""
        return await records.events_after(user_id, after, limit)

    @router.post(
        "/{version}/revert",
        response_model=public,
        responses={409: {"description": f"Unknown change, or its {entity} changed after it."}},
    )
    async def revert_change(
        version: Annotated[int, Path(ge=1)], user_id: UserId, records: History, response: Response
    ) -> Any:
        """Undo one change (the revert_change tool); answers the record as it is now."""
        with tool_span("revert_change", "rest", None):
            mutation = await records.revert(user_id, "api", version)
        return record_answer(mutation, response)

    return router
