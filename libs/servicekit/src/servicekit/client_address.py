"""The caller's address behind trusted reverse proxies, from X-Forwarded-For.

Uvicorn's own proxy-header handling trusts 127.0.0.1 by default and, with
``--forwarded-allow-ips=*``, believes the left-most entry, which the caller writes. Services
run uvicorn with ``--no-proxy-headers`` and resolve the address here instead: only hops in
the configured networks are believed, and the address is the right-most one that is not a
trusted hop, the last one a trusted proxy saw.
"""

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
PEER_ADDRESS_KEY = "peer_address"


def parse_networks(value: str | Iterable[str]) -> list[IPNetwork]:
    """Networks from a comma-separated string or a list of addresses and CIDR blocks.

    Raises ValueError on an entry that is neither.
    """
    entries = value.split(",") if isinstance(value, str) else value
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def forwarded_client(peer: str, forwarded_for: str | None, trusted: Sequence[IPNetwork]) -> str:
    """The caller's address: ``peer`` unless it is a trusted proxy that forwarded the request.

    Walks X-Forwarded-For from the right past trusted hops; the first entry that is not a
    trusted hop is the caller. An entry that is not an address ends the walk at the hop
    that reported it, since everything to its left was written by someone untrusted.
    """
    current = _address(peer)
    if current is None or forwarded_for is None:
        return peer
    for entry in reversed(forwarded_for.split(",")):
        if not any(current in network for network in trusted):
            break
        hop = _address(entry)
        if hop is None:
            break
        current = hop
    return str(current)


class ClientAddressMiddleware:
    """Sets ``scope["client"]`` to the caller's address behind ``trusted_proxies``.

    The TCP peer stays available as ``request.state.peer_address`` for logs. With no trusted
    proxies (the default everywhere but behind an ingress) X-Forwarded-For is ignored.
    """

    def __init__(self, app: ASGIApp, *, trusted_proxies: Sequence[IPNetwork]) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("client"):
            peer, port = scope["client"]
            scope.setdefault("state", {})[PEER_ADDRESS_KEY] = peer
            if self.trusted_proxies:
                forwarded = [
                    value.decode("latin-1")
                    for key, value in scope["headers"]
                    if key == b"x-forwarded-for"
                ]
                header = ",".join(forwarded) if forwarded else None
                scope["client"] = (forwarded_client(peer, header, self.trusted_proxies), port)
        await self.app(scope, receive, send)
