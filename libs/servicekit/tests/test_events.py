"""TaskEvent is the one wire format of task changes; user_channel names the Redis channel."""

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from servicekit.events import TaskEvent, user_channel

TASK_ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
TASK_JSON = {
    "id": str(TASK_ID),
    "title": "buy milk",
    "description": "",
    "due_date": "2026-01-03",
    "priority": "high",
    "tags": ["home"],
    "completed": True,
    "completed_at": "2026-01-02T03:04:05.123456Z",
    "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-02T03:04:05.123456Z",
    "deleted_at": None,
}


def event_json(task: dict[str, Any] | None) -> dict[str, Any]:
    """A task.created event as it travels on Redis and SSE."""
    return {
        "version": 1,
        "type": "task.created",
        "task_id": str(TASK_ID),
        "task": task,
        "occurred_at": "2026-01-02T03:04:05Z",
        "actor": "api",
        "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
    }


def test_an_event_round_trips_through_json() -> None:
    event = TaskEvent.model_validate(
        {**event_json(TASK_JSON), "occurred_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    )

    assert TaskEvent.model_validate_json(event.model_dump_json()) == event


def test_the_task_in_an_event_keeps_its_wire_format() -> None:
    event = TaskEvent.model_validate(event_json(TASK_JSON))

    assert json.loads(event.model_dump_json()) == event_json(TASK_JSON)


def test_an_event_of_a_task_missing_a_field_is_refused() -> None:
    incomplete = {key: value for key, value in TASK_JSON.items() if key != "priority"}
    with pytest.raises(ValidationError):
        TaskEvent.model_validate(event_json(incomplete))


def test_unknown_fields_and_types_are_refused() -> None:
    with pytest.raises(ValidationError):
        TaskEvent.model_validate(
            {
                "version": 1,
                "type": "task.exploded",
                "task_id": str(uuid.uuid4()),
                "task": None,
                "occurred_at": "2026-01-02T03:04:05Z",
                "actor": "api",
                "trace_id": None,
                "extra": 1,
            }
        )


def test_the_channel_is_named_after_the_user() -> None:
    user = uuid.UUID("12345678-1234-5678-1234-567812345678")

    assert user_channel(user) == "tasks:user:12345678-1234-5678-1234-567812345678"
