"""The user's event log over REST, and undo."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from servicekit.record_events import RecordEventPage

from notes_service.deps import Notes, UserId
from notes_service.notes import EVENTS_LIMIT_MAX
from notes_service.observability import tool_span
from notes_service.routes.notes import record_answer
from notes_service.schemas import NotePublic

router = APIRouter(prefix="/events", tags=["events"])


@router.get(
    "",
    response_model=RecordEventPage,
    responses={410: {"description": "Retention removed events after this version; reload."}},
)
async def list_events(
    user_id: UserId,
    notes: Notes,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=EVENTS_LIMIT_MAX)] = 500,
) -> RecordEventPage:
    """Events with a version above ``after``, oldest first, and the latest version."""
    return await notes.events_after(user_id, after, limit)


@router.post(
    "/{version}/revert",
    response_model=NotePublic,
    responses={409: {"description": "Unknown change, or its note changed after it."}},
)
async def revert_change(
    version: Annotated[int, Path(ge=1)], user_id: UserId, notes: Notes, response: Response
) -> NotePublic:
    """Undo one change (the revert_change tool); answers the note as it is now."""
    with tool_span("revert_change", "rest"):
        mutation = await notes.revert(user_id, "api", version)
    return record_answer(mutation, response)
