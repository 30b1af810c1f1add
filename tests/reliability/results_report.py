"""Renders the "Reliability" section of the README from measured figures."""

import json
from datetime import datetime
from typing import Any, Protocol


class ScenarioResult(Protocol):
    title: str
    promise: str
    figures: dict[str, Any]
    outcome: str
    failure: str


def _figure(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _load_section(load_json: str | None) -> list[str]:
    if load_json is None:
        return ["No load run recorded yet (`make load` writes bench/results/load.json)."]
    load = json.loads(load_json)
    turn = load.get("turn_latency_ms", {})
    lines = [
        f"Last load run ({load.get('finished_at', '?')}, {load.get('users', '?')} users for "
        f"{load.get('duration_seconds', '?')} s against {load.get('target', '?')}):",
        "",
        "| figure | value |",
        "|---|---|",
        f"| chat turns | {load.get('turns', '?')} |",
        f"| turn latency p50 / p99 | {_figure(turn.get('p50'))} ms / "
        f"{_figure(turn.get('p99'))} ms |",
        f"| dashboard requests | {load.get('dashboard_requests', '?')} |",
        f"| task events received | {load.get('events_received', '?')} "
        f"({_figure(load.get('events_per_second'))}/s) |",
        f"| lost events | {load.get('lost_events', '?')} |",
        f"| 5xx answers | {load.get('server_errors', '?')} |",
        f"| other failures | {load.get('failures', '?')} |",
    ]
    return lines


def render_results(
    scenarios: list[ScenarioResult],
    *,
    measured_at: datetime,
    commit: str,
    machine: str,
    load_json: str | None,
) -> str:
    """Markdown of what ran, what held and what broke, with the figures each run measured."""
    held = sum(1 for s in scenarios if s.outcome == "held")
    lines = [
        "## Reliability",
        "",
        "<!-- Written by `make reliability` (tests/reliability/conftest.py); do not edit. -->",
        "",
        f"Measured {measured_at:%Y-%m-%d %H:%M} UTC at commit {commit} on {machine}: "
        f"{held} of {len(scenarios)} fault scenarios held.",
        "",
        "The suite starts its own auth, mcp-tasks and chat-gateway processes on free loopback "
        "ports, a private redis-server, and a fresh database on the local PostgreSQL. Every "
        "link to PostgreSQL, Redis and mcp-tasks passes through a TCP fault proxy of our own. "
        'PostgreSQL itself is never stopped (other programs share it): a "restart" is the '
        "proxy resetting every open connection and refusing new ones for the outage, which is "
        "what the services see when the server restarts.",
        "",
        "| scenario | promise | result | figures |",
        "|---|---|---|---|",
    ]
    for s in scenarios:
        figures = "; ".join(f"{k}: {_figure(v)}" for k, v in s.figures.items()) or "-"
        result = s.outcome if not s.failure else f"{s.outcome}: {s.failure}"
        lines.append(f"| {s.title} | {s.promise} | {result.replace('|', '/')} | {figures} |")
    lines += ["", "### Load", "", *_load_section(load_json), ""]
    return "\n".join(lines)


README_BEGIN = "<!-- reliability:begin -->"
README_END = "<!-- reliability:end -->"


def splice_into_readme(readme: str, section: str) -> str:
    """The README with ``section`` between its reliability markers (replacing what was there)."""
    head, begin, rest = readme.partition(README_BEGIN)
    _, end, tail = rest.partition(README_END)
    if not begin or not end:
        raise ValueError(f"README.md lacks the {README_BEGIN} / {README_END} markers")
    return f"{head}{README_BEGIN}\n{section.strip()}\n{README_END}{tail}"
