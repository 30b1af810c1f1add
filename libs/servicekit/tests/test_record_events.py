from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError
from servicekit.events import user_channel
from servicekit.record_events import RecordEvent, service_user_channel


def test_channel_of_the_tasks_service_matches_the_task_event_channel() -> None:
    user = uuid4()
    assert service_user_channel("tasks", user) == user_channel(user)


def test_event_round_trips_through_json() -> None:
    event = RecordEvent(
        version=3,
        type="note.pinned",
        record_id=uuid4(),
        record={"title": "Ana", "pinned": True},
        occurred_at=datetime.now(UTC),
        actor="chat",
        trace_id=None,
    )
    assert RecordEvent.model_validate_json(event.model_dump_json()) == event


@pytest.mark.parametrize("event_type", ["created", "Note.created", "note.", "note created"])
def test_event_type_must_be_entity_dot_change(event_type: str) -> None:
    with pytest.raises(ValidationError):
        RecordEvent(
            version=1,
            type=event_type,
            record_id=uuid4(),
            record=None,
            occurred_at=datetime.now(UTC),
            actor="api",
            trace_id=None,
        )
