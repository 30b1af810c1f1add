"""TaskEvent is the one wire format of task changes; user_channel names the Redis channel."""

import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError
from servicekit.events import TaskEvent, user_channel


def test_an_event_round_trips_through_json() -> None:
    event = TaskEvent(
        version=3,
        type="task.completed",
        task_id=uuid.uuid4(),
        task={"title": "buy milk", "completed": True},
        occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        actor="chat",
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
    )

    assert TaskEvent.model_validate_json(event.model_dump_json()) == event


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
