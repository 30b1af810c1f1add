"""The reliability suite's stack, its scoreboard, and the README section written from it."""

import os
import platform
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from .results_report import render_results, splice_into_readme
from .stack import ROOT, Stack

# The suite's ChatKit client is the end-to-end suite's (imported as tests.e2e.chatkit_wire).
sys.path.insert(0, str(ROOT))

ADMIN_DATABASE_URL = os.environ.get(
    "RELIABILITY_ADMIN_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
README_PATH = ROOT / "README.md"


@dataclass
class Scenario:
    """What one scenario promised, what it measured, and whether the promise held."""

    title: str
    promise: str
    figures: dict[str, Any] = field(default_factory=dict)
    outcome: str = "not run"
    failure: str = ""


@dataclass
class Scoreboard:
    """Scenarios of this session, by test node id."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)


SCOREBOARD = Scoreboard()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """The services, Redis, a database and the fault proxies, shared by every scenario.

    Logs stay under .run/reliability/<run>/ for the post-mortem of a failed run.
    """
    name = f"reliability_{secrets.token_hex(4)}"
    workdir = ROOT / ".run" / "reliability" / name
    workdir.mkdir(parents=True)
    running = Stack(workdir=workdir, admin_database_url=ADMIN_DATABASE_URL, database_name=name)
    try:
        running.start()
    except (OSError, RuntimeError, TimeoutError, subprocess.CalledProcessError) as error:
        logs = "\n".join(f"--- {s.slug}\n{s.log_tail()}" for s in running.services.values())
        running.stop()
        pytest.fail(f"the stack did not start: {error!r}\n{logs}")
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def healthy_stack(stack: Stack) -> Stack:
    """Each scenario starts from a whole stack: proxies open, every service running."""
    for proxy in stack.proxies.values():
        proxy.release()
        proxy.accept()
    for service in stack.services.values():
        if service.process is None or service.process.poll() is not None:
            service.start()
    return stack


@pytest.fixture
async def gateway(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client of chat-gateway."""
    async with httpx.AsyncClient(base_url=stack.gateway.url, timeout=20.0) as client:
        yield client


@pytest.fixture
async def auth(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    """A client of auth."""
    async with httpx.AsyncClient(base_url=stack.auth.url, timeout=20.0) as client:
        yield client


@pytest.fixture
def scenario(request: pytest.FixtureRequest) -> Scenario:
    """The scoreboard entry of the running test; its docstring's first line is the promise."""
    doc = (request.function.__doc__ or "").strip().splitlines()
    entry = Scenario(
        title=request.function.__name__.removeprefix("test_").replace("_", " "),
        promise=doc[0] if doc else "",
    )
    SCOREBOARD.scenarios[request.node.nodeid] = entry
    return entry


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    entry = SCOREBOARD.scenarios.get(item.nodeid)
    if entry is not None and (report.when == "call" or report.failed):
        entry.outcome = "held" if report.passed else ("broke" if report.failed else "skipped")
        if report.failed:
            lines = str(report.longrepr).splitlines()
            errors = [line.strip()[1:].strip() for line in lines if line.strip().startswith("E ")]
            entry.failure = (errors[0] if errors else lines[-1].strip())[:300]
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Rewrite the README's reliability section when the whole suite ran (not a selection)."""
    here = Path(__file__).parent
    if session.config.option.keyword or session.config.option.markexpr:
        return
    if any(Path(str(arg).split("::")[0]).resolve() != here for arg in session.config.args):
        return
    if not SCOREBOARD.scenarios:
        return
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    load_path = ROOT / "bench" / "results" / "load.json"
    section = render_results(
        list(SCOREBOARD.scenarios.values()),
        measured_at=datetime.now(UTC),
        commit=commit or "unknown",
        machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        load_json=load_path.read_text() if load_path.exists() else None,
    )
    README_PATH.write_text(splice_into_readme(README_PATH.read_text(), section))
