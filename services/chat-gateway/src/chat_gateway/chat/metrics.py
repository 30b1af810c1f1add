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
RATE_LIMITED = Counter(
    "chat_gateway_rate_limited_total", "Chat turns and widget actions refused by the rate limit."
)
WIDGET_ACTION_TYPES = frozenset(
    {
        "task.complete",
        "task.reopen",
        "task.delete",
        "confirmation.confirm",
        "confirmation.cancel",
        "change.undo",
    }
)


def action_label(action_type: str) -> str:
    """The metric label of a widget action type: one of a fixed set, or "unknown"."""
    return action_type if action_type in WIDGET_ACTION_TYPES else "unknown"
