"""The user's event log over REST, and undo."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from servicekit.record_events import RecordEventPage

from entries_service.deps import Entries, UserId
from entries_service.entries import EVENTS_LIMIT_MAX
from entries_service.observability import tool_span
from entries_service.routes.entries import record_answer
from entries_service.schemas import EntryPublic

router = APIRouter(prefix="/events", tags=["events"])


@router.get(
    "",
    response_model=RecordEventPage,
    responses={410: {"description": "Retention removed events after this version; reload."}},
)
async def list_events(
    user_id: UserId,
    entries: Entries,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=EVENTS_LIMIT_MAX)] = 500,
) -> RecordEventPage:
    """Events with a version above ``after``, oldest first, and the latest version."""
    return await entries.events_after(user_id, after, limit)


@router.post(
    "/{version}/revert",
    response_model=EntryPublic,
    responses={409: {"description": "Unknown change, or its entry changed after it."}},
)
async def revert_change(
    version: Annotated[int, Path(ge=1)], user_id: UserId, entries: Entries, response: Response
) -> EntryPublic:
    """Undo one change (the revert_change tool); answers the entry as it is now."""
    with tool_span("revert_change", "rest"):
        mutation = await entries.revert(user_id, "api", version)
    return record_answer(mutation, response)
