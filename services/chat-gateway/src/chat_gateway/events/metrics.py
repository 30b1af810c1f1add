"""Prometheus metrics of the live event stream (GET /api/v1/events)."""

from prometheus_client import Counter, Gauge, Histogram

EVENT_CLIENTS = Gauge(
    "chat_gateway_event_clients",
    "Event stream clients connected to this process.",
)
EVENTS_DELIVERED = Counter(
    "chat_gateway_events_delivered_total",
    "Task events written to event stream clients.",
    ["source"],
)
EVENT_RESYNCS = Counter(
    "chat_gateway_event_resyncs_total",
    "Resync events sent (the client must reload its task list).",
    ["reason"],
)
EVENT_DELIVERY_LAG = Histogram(
    "chat_gateway_event_delivery_lag_seconds",
    "Time from a task change (occurred_at) to its live event being written to a client.",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
EVENT_HUB_RECONNECTS = Counter(
    "chat_gateway_event_hub_reconnects_total",
    "Times the Redis subscription connection was re-established after a failure.",
)
