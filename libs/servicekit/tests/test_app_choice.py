"""The choice of a request's app: header, then host, then the first app."""

import re

import pytest
from servicekit.app_choice import HOST_PATTERN, choose_app, host_name

HOSTS = {"errands.localtest.me": "errands", "tasks.localtest.me": "tasks"}


@pytest.mark.parametrize(
    ("named", "host", "expected"),
    [
        ("errands", "tasks.localtest.me", "errands"),  # the header wins over the host
        (" tasks ", "errands.localtest.me", "tasks"),
        ("nosuch", None, "nosuch"),  # named as is: the caller refuses what it does not serve
        (None, "errands.localtest.me", "errands"),
        (None, "Errands.LocalTest.me:8080", "errands"),
        (None, "tasks.localtest.me", "tasks"),
        (None, "localhost:8000", "tasks-default"),
        (None, None, "tasks-default"),
    ],
)
def test_header_then_host_then_default(named: str | None, host: str | None, expected: str) -> None:
    assert choose_app(named, host, HOSTS, "tasks-default") == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("example.com", "example.com"),
        ("EXAMPLE.com:443", "example.com"),
        ("[::1]:8080", "[::1]"),
        (" example.com ", "example.com"),
    ],
)
def test_host_name_drops_port_and_case(host: str, expected: str) -> None:
    assert host_name(host) == expected


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        ("errands.localtest.me", True),
        ("localhost", True),
        ("Errands.localtest.me", False),
        ("errands.localtest.me:8080", False),
        ("-bad.example", False),
        ("", False),
    ],
)
def test_host_pattern(host: str, valid: bool) -> None:
    assert (re.fullmatch(HOST_PATTERN, host) is not None) is valid
