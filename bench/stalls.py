"""How long one call holds the event loop: the longest single loop step.

Every step the loop takes (a task resuming, an I/O callback, a timer) runs
as ``asyncio.events.Handle._run``. `StepTimer` wraps it and keeps the
longest step seen since it was last reset; while a step runs, no other task
of the process can. A worker resets it before each call and reads it after
(one call in flight, and one step later, once the call's last step has
ended), which gives the longest stall that call caused, including
aiohttp's own steps for it.

Each step is timed twice: by the wall clock, and by the CPU time of the
loop's thread. On a machine shared with other work, the wall clock also
counts the moments the process was not scheduled at all, which no client
causes; the thread's CPU time does not, and is the figure the table leads
with. A step during which Python's cyclic garbage collector ran is set
apart: a collection pauses whatever step happens to allocate, at intervals
set by the whole process's allocations, not by the call.

The timer adds three clock reads per step, so its figures are for this
table only, never for CPU per call. The first call of a client is reported
apart: it may import modules and build classes on the loop, once per
process.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any


class StepTimer:
    """The longest loop step since `reset()`, in seconds of the loop
    thread's CPU and of the wall clock, steps with a garbage collection apart."""

    def __init__(self) -> None:
        self.longest_cpu = 0.0
        self.longest_wall = 0.0
        self.longest_with_gc = 0.0
        self._collected = False
        self._original: Callable[[asyncio.Handle], None] | None = None

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._collected = True

    def install(self) -> None:
        original = asyncio.events.Handle._run
        self._original = original
        timer = self
        wall, cpu = time.perf_counter, time.thread_time

        def _run(handle: asyncio.Handle) -> None:
            timer._collected = False
            wall0, cpu0 = wall(), cpu()
            try:
                original(handle)
            finally:
                took_cpu, took_wall = cpu() - cpu0, wall() - wall0
                if timer._collected:
                    timer.longest_with_gc = max(timer.longest_with_gc, took_wall)
                else:
                    timer.longest_cpu = max(timer.longest_cpu, took_cpu)
                    timer.longest_wall = max(timer.longest_wall, took_wall)

        asyncio.events.Handle._run = _run  # type: ignore[method-assign]
        gc.callbacks.append(self._on_gc)

    def uninstall(self) -> None:
        if self._original is not None:
            asyncio.events.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None
            gc.callbacks.remove(self._on_gc)

    def reset(self) -> None:
        self.longest_cpu = self.longest_wall = self.longest_with_gc = 0.0


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median_ms": statistics.median(ordered) * 1e3,
        "p90_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))] * 1e3,
        "max_ms": ordered[-1] * 1e3,
        "over_1ms": sum(1 for v in ordered if v > 1e-3),
    }


async def measure(call: Callable[[], Awaitable[Any]], calls: int) -> dict[str, Any]:
    """The longest loop step of each of ``calls`` sequential calls, the first apart."""
    timer = StepTimer()

    async def one() -> tuple[float, float, float]:
        timer.reset()
        await call()
        # The call's last step is still running here; it is timed when it
        # ends, so the reading waits for the next step.
        await asyncio.sleep(0)
        return timer.longest_cpu, timer.longest_wall, timer.longest_with_gc

    timer.install()
    try:
        first = await one()
        # As the per-call runs do after their warm-up: what the first call
        # left behind is collected before the measured calls.
        gc.collect()
        await asyncio.sleep(0)
        readings = [await one() for _ in range(calls)]
    finally:
        timer.uninstall()
    return {
        "calls": calls,
        "first_ms": {"cpu": first[0] * 1e3, "wall": first[1] * 1e3, "gc": first[2] * 1e3},
        "cpu": _spread([r[0] for r in readings]),
        "wall": _spread([r[1] for r in readings]),
        "gc_calls": sum(1 for r in readings if r[2] > 0),
        "gc_longest_ms": max(r[2] for r in readings) * 1e3,
    }
