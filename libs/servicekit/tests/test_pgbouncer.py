"""Database behind a real PgBouncer in transaction mode (`make pgbouncer` installs Debian's):
sessions, per-call connections, read sessions and single statements, many clients over two server
connections, with ``?prepared_statements=off``."""

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from servicekit.database import Database
from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.anyio

_INSERT = text("INSERT INTO servicekit_bouncer_probe (id, data) VALUES (:id, :data)").bindparams(
    bindparam("data", type_=JSONB)
)
_COUNT = text("SELECT count(*) FROM servicekit_bouncer_probe WHERE data ->> 'run' = :run")
_DATA = select(text("data FROM servicekit_bouncer_probe")).where(text("id = :id"))


def _pgbouncer() -> str:
    found = shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
    )
    if found is None:
        pytest.fail("pgbouncer is not installed: run `make pgbouncer` (Debian's package)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def bouncer_url(database_url: str) -> Iterator[str]:
    """A PgBouncer in transaction mode, two server connections, in front of the test server."""
    server = make_url(database_url)
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="servicekit-pgbouncer-"))
    folder.chmod(0o755)
    (folder / "users.txt").write_text(f'"{server.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server.host} port={server.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 2\nmax_client_conn = 100\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    for path in folder.iterdir():
        path.chmod(0o644)
    # PgBouncer refuses to run as root.
    as_user = ["-u", "nobody"] if os.geteuid() == 0 else []
    process = subprocess.Popen(
        [_pgbouncer(), *as_user, str(folder / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    error = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"pgbouncer did not start: {error}")
                time.sleep(0.05)
        url = server.set(port=port).render_as_string(hide_password=False)
        yield f"{url}?prepared_statements=off"
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def probe_table(database_url: str) -> AsyncIterator[None]:
    direct = Database(database_url, pool_size=1, max_overflow=0, statement_pool_size=0)
    async with direct.session() as session:
        await session.execute(
            text(
                "CREATE TABLE IF NOT EXISTS servicekit_bouncer_probe"
                " (id uuid PRIMARY KEY, data jsonb NOT NULL)"
            )
        )
    try:
        yield
    finally:
        await direct.dispose()


async def test_every_path_works_through_pgbouncer_in_transaction_mode(
    bouncer_url: str, probe_table: None
) -> None:
    # Eight client connections share two server connections: consecutive statements of one
    # client run on whichever server connection is free.
    database = Database(bouncer_url, pool_size=4, max_overflow=0, statement_pool_size=4)
    run = uuid.uuid4().hex
    try:

        async def client(n: int) -> None:
            row_id = uuid.uuid4()
            await database.execute(_INSERT, {"id": row_id, "data": {"run": run, "n": n}})
            async with database.connection() as connection:
                data = await connection.scalar(_DATA, {"id": row_id})
            assert data == {"run": run, "n": n}
            async with database.read_sessions() as reading:
                assert await reading.scalar(_DATA, {"id": row_id}) == data
            async with database.session() as session:
                await session.execute(_INSERT, {"id": uuid.uuid4(), "data": {"run": run, "n": -n}})
                assert await session.scalar(_COUNT, {"run": run}) >= 2
            assert (await database.execute(_DATA, {"id": row_id}))[0]["data"]["n"] == n

        await asyncio.gather(*(client(n) for n in range(1, 61)))

        assert await database.scalar(_COUNT, {"run": run}) == 120
    finally:
        await database.dispose()


async def test_a_session_that_fails_leaves_nothing_behind_through_pgbouncer(
    bouncer_url: str, probe_table: None
) -> None:
    database = Database(bouncer_url, pool_size=2, max_overflow=0, statement_pool_size=1)
    run = uuid.uuid4().hex
    try:

        async def insert_then_fail() -> None:
            async with database.session() as session:
                await session.execute(_INSERT, {"id": uuid.uuid4(), "data": {"run": run}})
                raise LookupError("abort")

        with pytest.raises(LookupError):
            await insert_then_fail()

        assert await database.scalar(_COUNT, {"run": run}) == 0
    finally:
        await database.dispose()
