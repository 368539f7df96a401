"""A connection pool belongs to one event loop; a client may outlive it.

Notebooks and test runners call ``asyncio.run`` (or make a new loop) again
and again with the same client. Sockets and aiohttp's session are bound to
the loop that made them, so the transport keeps one pool per loop: a call
from a new loop gets a fresh pool, and the old one is closed on its own
loop while that loop shuts down. ``asyncio.run`` and ``asyncio.Runner`` end
by finalising every async generator the loop still knows
(``loop.shutdown_asyncgens``), while the loop still runs: a suspended
generator registered per pool is that hook, and its ``finally`` closes the
pool cleanly, with no "Unclosed client session" and no "Event loop is
closed" afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable

from .exceptions import EventLoopError

__all__ = ["EventLoopError", "LoopGuard"]


def other_loop_running(owner: asyncio.AbstractEventLoop) -> EventLoopError:
    return EventLoopError(
        "This LambdaClient is in use on another event loop that is still running "
        "(another thread). A client's connections belong to one running loop at a "
        "time: create one LambdaClient per event loop or thread, or share a "
        "BlockingLambdaClient across threads."
    )


async def _close_on_shutdown(
    close: Callable[[], Awaitable[None]], guard: LoopGuard
) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        # Reached from loop.shutdown_asyncgens() (the loop still runs, so
        # the pool closes on its own loop) or from LoopGuard.release().
        if not guard.released:
            guard.released = True
            await close()


class LoopGuard:
    """Closes one pool when its loop shuts down, unless released first."""

    __slots__ = ("_gen", "loop", "released")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.released = False
        self._gen: AsyncGenerator[None, None] | None = None

    async def arm(self, close: Callable[[], Awaitable[None]]) -> None:
        """Register with the running loop (its first-iteration hook records
        the generator for shutdown_asyncgens)."""
        gen = _close_on_shutdown(close, self)
        await gen.__anext__()
        self._gen = gen

    async def release(self) -> None:
        """The pool was closed by its owner on its own loop: stand down."""
        self.released = True
        gen, self._gen = self._gen, None
        if gen is not None:
            await gen.aclose()

    def abandon(self) -> None:
        """The loop is gone: finish the generator without awaiting anything,
        so that the dead loop's finalizer is never asked to schedule it."""
        self.released = True
        gen, self._gen = self._gen, None
        if gen is None:
            return
        closing = gen.aclose()
        try:
            closing.send(None)
        except StopIteration:
            pass
        finally:
            closing.close()
