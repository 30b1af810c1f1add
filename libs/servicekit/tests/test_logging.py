"""JSON-lines logging with the service name and the active trace context."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from servicekit.logging import JsonFormatter, configure_logging
from servicekit.telemetry import setup_telemetry


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("svc"))
    logger = logging.getLogger("servicekit.tests")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_record_inside_a_span_carries_its_trace_and_span_ids(captured: io.StringIO) -> None:
    setup_telemetry("servicekit-tests", None)
    tracer = trace.get_tracer("servicekit.tests")

    with tracer.start_as_current_span("work") as span:
        logging.getLogger("servicekit.tests").info("inside", extra={"task_id": "t-1"})
        context = span.get_span_context()

    [entry] = _lines(captured)
    assert entry["message"] == "inside"
    assert entry["service"] == "svc"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "servicekit.tests"
    assert entry["task_id"] == "t-1"
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")


def test_a_record_outside_a_span_has_no_trace_ids(captured: io.StringIO) -> None:
    logging.getLogger("servicekit.tests").warning("outside %s", "any span")

    [entry] = _lines(captured)
    assert entry["message"] == "outside any span"
    assert "trace_id" not in entry
    assert "span_id" not in entry


def test_an_exception_is_logged_with_its_traceback(captured: io.StringIO) -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        logging.getLogger("servicekit.tests").exception("failed")

    [entry] = _lines(captured)
    assert entry["message"] == "failed"
    assert isinstance(entry["exception"], str)
    assert "ValueError: broken" in entry["exception"]


def test_configure_logging_installs_exactly_one_json_handler() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        configure_logging("svc", "DEBUG")
        configure_logging("svc", "WARNING")

        assert len(root.handlers) == 1
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        assert root.level == logging.WARNING
        assert logging.getLogger("uvicorn.access").level == logging.WARNING
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
