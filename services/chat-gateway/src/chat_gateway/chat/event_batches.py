"""Server-Sent Events written in batches: the events that are ready go out in one write.

A turn produces its events in bursts (a whole streamed model answer arrives in a few reads);
one ASGI ``send`` per event costs the middleware stack, h11 and a socket write each time.
The stream's producer runs in its own task and the writer takes everything it has produced
so far whenever it is ready to write again, so no event ever waits for a later one.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio


@dataclass(frozen=True, slots=True)
class _End:
    error: BaseException | None = None


async def _produce(chunks: AsyncIterator[bytes], ready: "asyncio.Queue[bytes | _End]") -> None:
    try:
        async for chunk in chunks:
            ready.put_nowait(chunk)
    except Exception as exc:  # noqa: BLE001  # the reader raises it again
        ready.put_nowait(_End(exc))
    else:
        ready.put_nowait(_End())


async def coalesced(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """``chunks`` joined into as few writes as their timing allows, in order.

    An error of ``chunks`` is raised after every chunk produced before it. When the reader
    goes away (the client disconnected), the producer is cancelled where it is and waited
    for, so that its cancellation handling (keeping a partial answer) finishes first.
    """
    ready: asyncio.Queue[bytes | _End] = asyncio.Queue()
    producer = asyncio.ensure_future(_produce(chunks, ready))
    try:
        while True:
            taken = [await ready.get()]
            while not ready.empty():
                taken.append(ready.get_nowait())
            batch = [chunk for chunk in taken if isinstance(chunk, bytes)]
            if batch:
                yield b"".join(batch)
            end = taken[-1]
            if isinstance(end, _End):
                if end.error is not None:
                    raise end.error
                return
    finally:
        if not producer.done():
            producer.cancel()
        with anyio.CancelScope(shield=True):
            await asyncio.gather(producer, return_exceptions=True)
