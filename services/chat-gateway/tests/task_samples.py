"""Tasks as mcp-tasks returns them, for tests of the pieces that show or undo them."""

from typing import Any
from uuid import uuid4


def sample_task(title: str, *, completed: bool = False) -> dict[str, Any]:
    """A task with every field set, due on 2026-12-01."""
    return {
        "id": str(uuid4()),
        "title": title,
        "description": "",
        "due_date": "2026-12-01",
        "priority": "high",
        "tags": ["home"],
        "completed": completed,
        "completed_at": None,
        "created_at": "2026-11-26T10:00:00Z",
        "updated_at": "2026-11-26T10:00:00Z",
        "deleted_at": None,
    }
