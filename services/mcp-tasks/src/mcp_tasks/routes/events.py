"""The user's task event log over REST."""

from typing import Annotated

from fastapi import APIRouter, Query

from mcp_tasks.deps import Tasks, UserId
from mcp_tasks.schemas import EventPage
from mcp_tasks.tasks import EVENTS_LIMIT_MAX

router = APIRouter(prefix="/events", tags=["events"])


@router.get(
    "",
    response_model=EventPage,
    responses={410: {"description": "Retention removed events after this version; reload."}},
)
async def list_events(
    user_id: UserId,
    tasks: Tasks,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=EVENTS_LIMIT_MAX)] = 500,
) -> EventPage:
    """Events with a version above ``after``, oldest first, and the latest version."""
    return await tasks.events_after(user_id, after, limit)
