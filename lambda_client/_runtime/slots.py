"""Connection-pool slots: how many requests may hold a connection at once."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Slots"]


class Slots:
    """A counting semaphore whose uncontended path is two attribute reads.

    ``asyncio.Semaphore`` scans its waiters with a generator on every
    acquire, once per request on the hot path. Here a free slot is taken
    synchronously with `try_take()`; only a caller that must wait
    creates a future. A slot given back goes straight to the longest
    waiter, so a burst of new callers cannot overtake the queue.
    """

    __slots__ = ("_free", "_waiters")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"size must be at least 1, got {size}")
        self._free = size
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        return self._free

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def try_take(self) -> bool:
        """Take a slot if one is free and nobody is queued for it."""
        if self._free and not self._waiters:
            self._free -= 1
            return True
        return False

    async def take(self) -> None:
        """Wait for a slot; cancelling the wait (a timeout) leaves none taken."""
        if self.try_take():
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                # Handed a slot just as the wait was cancelled: pass it on.
                self.give()
            else:
                self._waiters.remove(waiter)
            raise

    def give(self) -> None:
        """Give a slot back, to the longest waiter if there is one."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1
