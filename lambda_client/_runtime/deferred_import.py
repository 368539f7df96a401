"""Work off the event loop in a thread of its own: an import, or a call
sent before aiohttp is loaded.

An import inside a coroutine holds the loop for as long as it runs (about
0.1 s for aiohttp); in a thread of its own the loop keeps serving other
tasks meanwhile (the GIL is shared, but released between bytecodes). A
plain thread rather than ``run_in_executor``: on a cold start the default
executor's machinery (``concurrent.futures.thread``, ``queue``, the pool)
costs more than the thread itself, and a pool outlives the one import it
would ever run.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["call_in_thread", "import_in_thread"]

T = TypeVar("T")


def import_in_thread(name: str) -> asyncio.Future[None]:
    """A future, on the running loop, of importing ``name`` in a new daemon thread."""

    def load() -> None:
        importlib.import_module(name)

    return call_in_thread(load, f"lambda_client-import-{name}")


def call_in_thread(work: Callable[[], T], name: str) -> asyncio.Future[T]:
    """A future, on the running loop, of ``work()`` run in a new daemon thread.

    Cancelling the future does not stop the thread; its result is dropped.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(result)  # type: ignore[arg-type]
        else:
            future.set_exception(error)

    def run() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = work()
        except BaseException as e:  # handed to the awaiting coroutine, never lost
            error = e
        # The loop may have been closed meanwhile; nobody waits then.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
