"""Which app a request is for, when one backend serves several apps.

The app's front proxy (or the client) names it in the X-Chat-App header; without the header
the request's Host chooses it (each app may list the host names a browser reaches it by);
otherwise it is the first app. Auth and the gateway choose the same way, so a browser on an
app's own host name gets that app's tokens, branding and tools without sending any header.
"""

from collections.abc import Mapping

APP_HEADER = "X-Chat-App"
"""The request header naming the app a request is for."""

HOST_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
"""A host name as an app lists it: lower case, no port."""


def host_name(host: str) -> str:
    """``host`` (a Host header) without its port, in lower case."""
    name = host.strip().lower()
    if name.startswith("["):
        return name.partition("]")[0] + "]"
    return name.rpartition(":")[0] if ":" in name else name


def choose_app(
    named: str | None, host: str | None, apps_by_host: Mapping[str, str], default: str
) -> str:
    """The id of the app a request is for: the one it names, else its host's, else ``default``.

    A named id is returned as named (stripped); the caller refuses one it does not serve.
    """
    if named is not None:
        return named.strip()
    if host is not None:
        return apps_by_host.get(host_name(host), default)
    return default
