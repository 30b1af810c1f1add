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


def _latency(figures: dict[str, Any], key: str) -> str:
    latency = figures.get(key) or {}
    return f"{_figure(latency.get('p50'))} / {_figure(latency.get('p99'))}"


def _level_row(figures: dict[str, Any]) -> str:
    generator = figures.get("generator", {})
    return (
        f"| {figures.get('users', '?')} | {_figure(figures.get('duration_seconds'))} "
        f"| {' '.join(_figure(x) for x in figures.get('load_average_before', []))} "
        f"| {_figure(figures.get('turns_per_second'))} "
        f"| {_latency(figures, 'turn_latency_ms')} "
        f"| {_latency(figures, 'dashboard_latency_ms')} "
        f"| {figures.get('server_errors', '?')} | {figures.get('lost_events', '?')} "
        f"| {generator.get('processes', '?')} / "
        f"{_figure(generator.get('busiest_process_cpu_share'))} "
        f"| {'yes' if figures.get('meets_targets') else 'no'} |"
    )


def _load_section(load_json: str | None) -> list[str]:
    if load_json is None:
        return ["No load run recorded yet (`make load` writes bench/results/load.json)."]
    load = json.loads(load_json)
    targets = load.get("targets", {})
    capacity = load.get("capacity_users")
    lines = [
        f"Last load run ({load.get('finished_at', '?')}, against {load.get('target', '?')} on "
        f"{load.get('cpus', '?')} cores shared with the load generator, "
        f"{_figure(load.get('think_seconds'))} s think time). Targets: turn p99 < "
        f"{_figure(targets.get('turn_p99_ms'))} ms, dashboard p99 < "
        f"{_figure(targets.get('dashboard_p99_ms'))} ms, no 5xx, no lost event.",
        "",
        (
            f"Capacity: **{capacity} users** meet the targets (search resolution "
            f"{load.get('capacity_resolution_users')} users)."
            if capacity is not None
            else "Capacity: not searched in this run (`bench/load_test.py --capacity`)."
        ),
        "",
        "| users | seconds | load average before | turns/s | turn p50 / p99 ms "
        "| dashboard p50 / p99 ms | 5xx | lost events | generator processes / busiest CPU "
        "| targets met |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    levels = list(load.get("levels", {}).values())
    probes = list(load.get("capacity_probes", {}).values())
    lines += [_level_row(figures) for figures in sorted(levels + probes, key=_users)]
    for figures in levels:
        users = figures.get("users")
        cpu = figures.get("stack_cpu_cores") or {}
        if cpu:
            shares = ", ".join(f"{name} {_figure(v)}" for name, v in cpu.items())
            lines += ["", f"CPU (cores) at {users} users: {shares}."]
        per_request = figures.get("stack_cpu_ms_per_request") or {}
        if per_request:
            costs = ", ".join(f"{name} {_figure(v)}" for name, v in per_request.items())
            generator_ms = _figure(figures.get("generator_cpu_ms_per_request"))
            lines += [
                "",
                f"CPU ms per answered request at {users} users (far less dependent than latency on "
                f"other programs' load): {costs}; the load generator {generator_ms}.",
            ]
        waits = figures.get("stack_run_queue_wait_per_cpu_second") or {}
        if waits:
            waited = ", ".join(f"{name} {_figure(v)}" for name, v in waits.items())
            lines += [
                "",
                f"Seconds waiting for a CPU per CPU second at {users} users: {waited}.",
            ]
    return lines


def _users(figures: dict[str, Any]) -> int:
    return int(figures.get("users", 0))


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
