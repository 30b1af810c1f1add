"""Serving an ASGI app with the uvicorn options a deployment's command line gives."""

import asyncio
import importlib.util
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import uvicorn
from k8s_manifests import REPO_ROOT
from uvicorn.main import main as uvicorn_cli

ASGIApp = Callable[..., Any]


def uvicorn_config(app: ASGIApp, command: list[str]) -> uvicorn.Config:
    """The Config uvicorn builds from ``command`` (``uvicorn ...`` or ``-m uvicorn ...``).

    The application named in the command is replaced by ``app``; host and port by a free
    loopback socket (see ``serving``).
    """
    args = command[command.index("uvicorn") + 1 :]
    params = uvicorn_cli.make_context("uvicorn", args).params
    return uvicorn.Config(
        app,
        proxy_headers=params["proxy_headers"],
        forwarded_allow_ips=params["forwarded_allow_ips"],
        timeout_keep_alive=params["timeout_keep_alive"],
        limit_concurrency=params["limit_concurrency"],
        h11_max_incomplete_event_size=params["h11_max_incomplete_event_size"],
        log_level="warning",
        lifespan="off",
    )


@asynccontextmanager
async def serving(config: uvicorn.Config) -> AsyncIterator[str]:
    """Run a real uvicorn server with ``config`` on a free loopback port; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        with anyio.fail_after(10):
            while not server.started:  # noqa: ASYNC110 - uvicorn.Server exposes only a flag
                await anyio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        with anyio.fail_after(15):
            await task
        sock.close()


def load_local_stack() -> ModuleType:
    """scripts/local_stack.py (what `make up` runs), imported as a module."""
    path: Path = REPO_ROOT / "scripts" / "local_stack.py"
    spec = importlib.util.spec_from_file_location("local_stack", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
