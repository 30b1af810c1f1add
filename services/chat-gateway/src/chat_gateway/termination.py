"""Notice that the process was asked to stop, for work that would otherwise hold shutdown up.

On SIGTERM or SIGINT uvicorn stops accepting connections and waits, up to
``--timeout-graceful-shutdown``, for every open request to finish; the application hears of it
only afterwards (lifespan shutdown). An event stream never finishes by itself, so the gateway
chains a handler of its own onto the server's: event streams end at once and their clients
reconnect elsewhere with Last-Event-ID, while ordinary requests and chat turns run to their end.
"""

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType

_SIGNALS = (signal.SIGTERM, signal.SIGINT)

SignalHandler = Callable[[int, FrameType | None], object]


def call_on_termination(callback: Callable[[], None]) -> Callable[[], None]:
    """Run ``callback`` on the running event loop when the process gets SIGTERM or SIGINT.

    The handler installed before (the server's, which starts the graceful shutdown) still
    runs after ours. Signals whose handler is not a Python function (default or ignored) are
    left alone. Returns a function that puts the previous handlers back. Outside the main
    thread, where signals cannot be handled, nothing is installed.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous: dict[int, SignalHandler] = {}

    def handle(signum: int, frame: FrameType | None) -> None:
        # A signal handler runs between two bytecodes of whatever the loop was doing: hand
        # the work to the loop instead of touching its state here.
        loop.call_soon_threadsafe(callback)
        previous[signum](signum, frame)

    for signum in _SIGNALS:
        installed = signal.getsignal(signum)
        if callable(installed):
            previous[signum] = installed
            signal.signal(signum, handle)

    def restore() -> None:
        for signum, handler in previous.items():
            if signal.getsignal(signum) == handle:
                signal.signal(signum, handler)

    return restore
