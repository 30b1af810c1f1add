"""A service's application imports, made with the cyclic collector paused.

Importing an application creates 200,000 to 300,000 objects that live as long as the process
(the pydantic models and schemas of the SDKs, SQLAlchemy's classes); the collector would
traverse them over and over while they are made, to find almost no garbage.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the imports in the block, then freeze what they made out
    of its passes (else the first collection afterwards would traverse all of it) and resume it.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
