"""Prometheus metrics of the chat path."""

from prometheus_client import Counter, Histogram

CHAT_TURNS = Counter("chat_gateway_turns_total", "Chat turns by outcome.", ["outcome"])
TURN_SECONDS = Histogram(
    "chat_gateway_turn_seconds",
    "Duration of a chat turn, first event to last.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
TOOL_CALLS = Counter(
    "chat_gateway_tool_calls_total", "MCP tool calls by tool and outcome.", ["tool", "outcome"]
)
TOOL_SECONDS = Histogram(
    "chat_gateway_tool_call_seconds",
    "Duration of an MCP tool call.",
    ["tool"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
WIDGET_ACTIONS = Counter(
    "chat_gateway_widget_actions_total",
    "Widget actions by type and outcome.",
    ["action", "outcome"],
)
RATE_LIMITED = Counter("chat_gateway_rate_limited_total", "Chat turns refused by the rate limit.")
