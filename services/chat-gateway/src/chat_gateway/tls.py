"""The one TLS client context of the gateway process, shared by its outgoing HTTP clients."""

import ssl
from functools import cache


@cache
def client_tls_context() -> ssl.SSLContext:
    """A verifying client context with the system's CA certificates, made once per process.

    Loading the certificates costs ~25 ms of CPU each time; the JWKS client, each tool
    service's MCP client and the model client would each load them again, at start, before
    readiness.
    """
    return ssl.create_default_context()
