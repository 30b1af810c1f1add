"""The network policies allow exactly the intended connections, evaluated like the CNI does."""

from dataclasses import dataclass, field

import pytest
from k8s_manifests import NAMESPACE, Manifest

WORKLOAD_KINDS = ("Deployment", "StatefulSet")
PYTHON_SERVICES = ("auth", "chat-gateway", "mcp-tasks", "notes")


@dataclass(frozen=True)
class Pod:
    name: str
    namespace: str
    labels: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)
    """Named container ports (for policies that name a port)."""


INGRESS_CONTROLLER = Pod(
    "ingress-nginx", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"}
)
CLUSTER_DNS = Pod("kube-dns", "kube-system", {"k8s-app": "kube-dns"})
NAMESPACE_LABELS = {
    namespace: {"kubernetes.io/metadata.name": namespace}
    for namespace in (NAMESPACE, "ingress-nginx", "kube-system", "observability")
}


def pods_of(objects: list[Manifest]) -> list[Pod]:
    pods = []
    for obj in objects:
        if obj["kind"] not in WORKLOAD_KINDS:
            continue
        template = obj["spec"]["template"]
        ports = {
            port["name"]: port["containerPort"]
            for container in template["spec"]["containers"]
            for port in container.get("ports", [])
            if "name" in port
        }
        pods.append(Pod(obj["metadata"]["name"], NAMESPACE, template["metadata"]["labels"], ports))
    return pods


def selects(selector: Manifest, labels: dict[str, str]) -> bool:
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", expression
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def peer_matches(peer: Manifest, pod: Pod) -> bool:
    if "ipBlock" in peer:
        # Pod addresses are private and every ipBlock here excludes the private ranges.
        excluded = peer["ipBlock"].get("except", [])
        return not all(
            private in excluded for private in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
        )
    if "namespaceSelector" in peer:
        namespace_ok = selects(peer["namespaceSelector"], NAMESPACE_LABELS[pod.namespace])
    else:
        namespace_ok = pod.namespace == NAMESPACE
    return namespace_ok and selects(peer.get("podSelector", {}), pod.labels)


def rule_allows(
    rule: Manifest, peers_key: str, peer: Pod, target: Pod, port: int, protocol: str
) -> bool:
    ports = rule.get("ports")
    if ports is not None:
        wanted = [
            (target.ports.get(item["port"]) if isinstance(item["port"], str) else item["port"])
            for item in ports
            if item.get("protocol", "TCP") == protocol
        ]
        if port not in wanted:
            return False
    peers = rule.get(peers_key)
    return peers is None or any(peer_matches(item, peer) for item in peers)


def allowed(policies: list[Manifest], source: Pod, target: Pod, port: int, protocol: str) -> bool:
    """Both ends agree: the source's egress (if in the namespace) and the target's ingress."""

    def side(pod: Pod, direction: str, other: Pod) -> bool:
        if pod.namespace != NAMESPACE:
            return True  # another team's namespace: its own policies, not ours
        applying = [
            policy
            for policy in policies
            if direction in policy["spec"]["policyTypes"]
            and selects(policy["spec"]["podSelector"], pod.labels)
        ]
        if not applying:
            return True
        peers_key = "from" if direction == "Ingress" else "to"
        return any(
            rule_allows(rule, peers_key, other, target, port, protocol)
            for policy in applying
            for rule in policy["spec"].get(direction.lower(), [])
        )

    return side(source, "Egress", target) and side(target, "Ingress", source)


def reachable(objects: list[Manifest]) -> set[tuple[str, str, int, str]]:
    policies = [obj for obj in objects if obj["kind"] == "NetworkPolicy"]
    pods = pods_of(objects)
    targets = [(pod, port, "TCP") for pod in pods for port in pod.ports.values()]
    targets += [(CLUSTER_DNS, 53, "UDP"), (CLUSTER_DNS, 53, "TCP")]
    return {
        (source.name, target.name, port, protocol)
        for source in [*pods, INGRESS_CONTROLLER]
        for target, port, protocol in targets
        if source != target and allowed(policies, source, target, port, protocol)
    }


def dns_for(pods: list[str]) -> set[tuple[str, str, int, str]]:
    return {(pod, "kube-dns", 53, protocol) for pod in pods for protocol in ("UDP", "TCP")}


APPLICATION_PATHS = {
    ("ingress-nginx", "frontend", 8080, "TCP"),
    ("ingress-nginx", "auth", 8001, "TCP"),
    ("ingress-nginx", "chat-gateway", 8000, "TCP"),
    ("chat-gateway", "auth", 8001, "TCP"),
    ("chat-gateway", "mcp-tasks", 8002, "TCP"),
    ("chat-gateway", "notes", 8003, "TCP"),
}


def test_kind_policies_allow_exactly_the_application_paths_data_stores_and_dns(
    rendered: dict[str, list[Manifest]],
) -> None:
    data_store_paths = {
        (service, store, port, "TCP")
        for service in PYTHON_SERVICES
        for store, port in (("postgres", 5432), ("redis", 6379))
    }
    everyone = [*PYTHON_SERVICES, "frontend", "postgres", "redis", "ingress-nginx"]
    expected = APPLICATION_PATHS | data_store_paths | dns_for(everyone)
    assert reachable(rendered["kind"]) == expected


def test_production_policies_allow_exactly_the_application_paths_and_dns(
    rendered: dict[str, list[Manifest]],
) -> None:
    everyone = [*PYTHON_SERVICES, "frontend", "ingress-nginx"]
    assert reachable(rendered["production"]) == APPLICATION_PATHS | dns_for(everyone)


@pytest.mark.parametrize("tool_service", ["mcp-tasks", "notes"])
def test_tool_services_accept_connections_only_from_chat_gateway(
    rendered: dict[str, list[Manifest]], tool_service: str
) -> None:
    for overlay in ("kind", "production"):
        paths = reachable(rendered[overlay])
        callers = {source for source, target, _, _ in paths if target == tool_service}
        assert callers == {"chat-gateway"}


@pytest.mark.parametrize(
    ("port", "expected"),
    [
        (5432, {"auth", "chat-gateway", "mcp-tasks", "notes"}),
        (6379, {"auth", "chat-gateway", "mcp-tasks", "notes"}),
        (443, {"chat-gateway"}),
        (8080, set()),
    ],
)
def test_production_egress_to_public_addresses_is_limited_to_the_services_that_need_it(
    rendered: dict[str, list[Manifest]], port: int, expected: set[str]
) -> None:
    objects = rendered["production"]
    policies = [obj for obj in objects if obj["kind"] == "NetworkPolicy"]
    senders = set()
    for pod in pods_of(objects):
        egress_rules = [
            rule
            for policy in policies
            if "Egress" in policy["spec"]["policyTypes"]
            and selects(policy["spec"]["podSelector"], pod.labels)
            for rule in policy["spec"].get("egress", [])
        ]
        for rule in egress_rules:
            ports_ok = any(item["port"] == port for item in rule.get("ports", []))
            peers = rule.get("to")
            peers_ok = peers is None or any(
                peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0" for peer in peers
            )
            if ports_ok and peers_ok:
                senders.add(pod.name)
    assert senders == expected
