"""The caller's address is believed from X-Forwarded-For only as far as trusted proxies vouch."""

import httpx
import pytest
from fastapi import FastAPI, Request
from servicekit.client_address import ClientAddressMiddleware, forwarded_client, parse_networks

pytestmark = pytest.mark.anyio

INGRESS = parse_networks("10.244.0.0/16, fd00::/8")


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # The ingress overwrote the header with the address it saw.
        ("10.244.1.5", "203.0.113.7", "203.0.113.7"),
        # The ingress appended to a header the caller wrote: the caller's entries are ignored.
        ("10.244.1.5", "198.51.100.1, 192.0.2.9, 203.0.113.7", "203.0.113.7"),
        # Two trusted hops in a row are both skipped.
        ("10.244.1.5", "198.51.100.1, 203.0.113.7, 10.244.2.2", "203.0.113.7"),
        # A peer that is not a trusted proxy is the caller, whatever it claims.
        ("203.0.113.7", "198.51.100.1", "203.0.113.7"),
        # Garbage to the right of the caller ends the walk at the proxy that reported it.
        ("10.244.1.5", "198.51.100.1, not-an-address", "10.244.1.5"),
        ("fd00::5", "2001:db8::1", "2001:db8::1"),
        ("10.244.1.5", None, "10.244.1.5"),
    ],
)
def test_the_caller_is_the_right_most_address_not_vouched_for_by_a_trusted_hop(
    peer: str, forwarded_for: str | None, client: str
) -> None:
    assert forwarded_client(peer, forwarded_for, INGRESS) == client


def test_networks_are_parsed_from_a_comma_separated_list_and_refuse_garbage() -> None:
    assert [str(network) for network in parse_networks(" 10.0.0.1 ,fd00::/8,")] == [
        "10.0.0.1/32",
        "fd00::/8",
    ]
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        parse_networks("10.0.0.0/8,everyone")


def _echo_app(trusted: str) -> FastAPI:
    app = FastAPI()

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {
            "client": request.client.host if request.client else None,
            "peer": request.state.peer_address,
        }

    app.add_middleware(ClientAddressMiddleware, trusted_proxies=parse_networks(trusted))
    return app


async def test_without_trusted_proxies_a_forwarded_header_changes_nothing() -> None:
    transport = httpx.ASGITransport(app=_echo_app(""), client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        response = await client.get("/whoami", headers={"X-Forwarded-For": "198.51.100.1"})

    assert response.status_code == 200
    assert response.json() == {"client": "127.0.0.1", "peer": "127.0.0.1"}


async def test_behind_a_trusted_proxy_the_request_sees_the_caller_and_keeps_the_peer() -> None:
    transport = httpx.ASGITransport(app=_echo_app("10.244.0.0/16"), client=("10.244.1.5", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://app.test") as client:
        response = await client.get(
            "/whoami", headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
        )

    assert response.status_code == 200
    assert response.json() == {"client": "203.0.113.7", "peer": "10.244.1.5"}
