"""A TCP fault proxy on loopback: forwards bytes, and on demand cuts, refuses or holds them.

It runs its own asyncio loop in a background thread so that tests (synchronous or on their own
event loop) can drive faults with plain method calls while services keep talking through it.
"""

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
CHUNK = 65536


class FaultProxy:
    """Listens on 127.0.0.1:<port> and forwards each connection to ``upstream``.

    Faults: ``cut()`` resets every open connection; ``refuse()`` closes the listening socket
    so new connections are refused (as when a server is down) until ``accept()``; ``hold()``
    stops forwarding client bytes (a request stuck in flight) until ``release()``.
    """

    def __init__(self, name: str, upstream_port: int, upstream_host: str = "127.0.0.1") -> None:
        self.name = name
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.connections_total = 0
        self.held_chunks = 0
        self.bytes_held = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"proxy-{name}")
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._flowing: asyncio.Event | None = None

    def start(self) -> "FaultProxy":
        """Start listening on a free port (kept across refuse/accept)."""
        self._thread.daemon = True
        self._thread.start()
        self._run(self._listen())
        return self

    def stop(self) -> None:
        """Close everything and end the loop thread."""
        self._run(self._shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def cut(self) -> int:
        """Reset every open connection; returns how many were cut."""
        return self._run(self._cut())

    def refuse(self) -> None:
        """Close the listening socket: new connections are refused."""
        self._run(self._close_listener())

    def accept(self) -> None:
        """Listen again on the same port."""
        self._run(self._listen())

    def outage_begin(self) -> int:
        """The dependency goes down: refuse new connections and reset open ones."""
        self.refuse()
        return self.cut()

    def outage_end(self) -> None:
        """The dependency is back."""
        self.accept()

    def hold(self) -> None:
        """Stop forwarding client-to-upstream bytes (they wait in the proxy)."""
        self._run(self._set_flowing(False))

    def release(self) -> None:
        """Forward held and further bytes again."""
        self._run(self._set_flowing(True))

    @property
    def open_connections(self) -> int:
        """Connections currently open through the proxy."""
        return len(self._open) // 2

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _set_flowing(self, flowing: bool) -> None:
        if self._flowing is None:
            self._flowing = asyncio.Event()
        if flowing:
            self._flowing.set()
            self.held_chunks = 0
            self.bytes_held.clear()
        else:
            self._flowing.clear()

    async def _listen(self) -> None:
        if self._flowing is None:
            self._flowing = asyncio.Event()
            self._flowing.set()
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close_listener(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _cut(self) -> int:
        writers = list(self._open)
        for writer in writers:
            writer.transport.abort()
        self._open.clear()
        return len(writers) // 2

    async def _shutdown(self) -> None:
        await self._close_listener()
        await self._cut()

    async def _handle(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.upstream)
        except OSError:
            client.transport.abort()
            return
        self.connections_total += 1
        self._open.update((client, upstream))
        try:
            await asyncio.gather(
                self._pipe(client_reader, upstream, held=True),
                self._pipe(upstream_reader, client, held=False),
            )
        finally:
            for writer in (client, upstream):
                self._open.discard(writer)
                writer.transport.abort()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, held: bool
    ) -> None:
        try:
            while data := await source.read(CHUNK):
                if held and self._flowing is not None and not self._flowing.is_set():
                    self.held_chunks += 1
                    self.bytes_held.set()
                    await self._flowing.wait()
                if sink.transport.is_closing():
                    break
                sink.write(data)
                await sink.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            sink.transport.abort()
