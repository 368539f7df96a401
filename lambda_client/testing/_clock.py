"""Time that passes only when the code under test waits for it."""

from __future__ import annotations

import asyncio
import time


class VirtualClock:
    """A clock for retries, back-off and waiters that never really sleeps.

    ``sleep`` records the delay in ``slept``, moves ``time``
    forward by it and returns at once (after letting other tasks run, as a
    real sleep would), so a waiter's ``timeout`` and a retry's back-off play
    out in full without taking any time.
    """

    def __init__(self, start: float | None = None) -> None:
        self.slept: list[float] = []
        """Every delay asked for, in order, in seconds."""
        self._now = time.time() if start is None else float(start)

    def time(self) -> float:
        """Seconds since the epoch, as ``time.time`` gives them."""
        return self._now

    async def sleep(self, seconds: float) -> None:
        """Record ``seconds`` and advance the clock by it, without waiting."""
        self.slept.append(seconds)
        self._now += max(seconds, 0.0)
        await asyncio.sleep(0)

    def advance(self, seconds: float) -> None:
        """Move the clock forward, as if ``seconds`` went by between calls."""
        if seconds < 0:
            raise ValueError(f"time does not go backwards: {seconds}")
        self._now += seconds

    def __repr__(self) -> str:
        return f"<VirtualClock at {self._now:.3f}, {len(self.slept)} sleep(s)>"
