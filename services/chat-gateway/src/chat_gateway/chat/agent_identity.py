"""The Agents SDK's agent identity map, without signatures where no two agents share a name.

Twice per run (its sandbox runtime and its tool-use snapshot) the SDK maps every agent of the
run's graph to an identity key: an agent's name, or ``name#2`` and on for later agents of the
same name, ordered by a signature of each agent's whole configuration (its tools' identities,
model settings, guardrails, ...; ~0.25 ms for the task agent). It computes that signature
even for an agent whose name no other agent has, where the key is the name whatever the
signature says. This map gives the same keys in the same order and leaves graphs with a
shared name to the SDK.
"""

from typing import Any

from agents import Agent, _run_state_agent_identity

_SDK_MAP = _run_state_agent_identity._build_agent_identity_map


def identity_map(initial_agent: Agent[Any]) -> dict[str, Agent[Any]]:
    """The SDK's identity map of the agents reachable from ``initial_agent``."""
    agents = list(_run_state_agent_identity._iter_agent_graph(initial_agent))
    by_name = {agent.name: agent for agent in agents}
    if len(by_name) < len(agents):
        return _SDK_MAP(initial_agent)
    return by_name


def use_plain_identity_map() -> None:
    """Make the SDK build identity keys with ``identity_map`` (idempotent)."""
    _run_state_agent_identity._build_agent_identity_map = identity_map
