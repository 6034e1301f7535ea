"""Ctrl-C and SIGTERM as one exception, raised where it is safe to stop."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """Ctrl-C, or SIGTERM (``kill``, an IDE's stop button): the stack stops the same way for both."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.exit_code = 128 + signum


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def stop_on_signals() -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, _raise_stopped)


def on_signals(handler: Callable[[int, FrameType | None], None]) -> None:
    for signum in STOP_SIGNALS:
        signal.signal(signum, handler)


@contextmanager
def held_signals() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait for the end of the block, then stop as usual.

    For the few steps that, cut short, would leave a process nobody knows of: a child started but not yet recorded,
    a PostgreSQL whose ``pg_ctl start`` was abandoned half-way.
    """
    received: list[int] = []
    previous = {signum: signal.signal(signum, lambda n, _: received.append(n)) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if received:
            raise Stopped(received[0])
