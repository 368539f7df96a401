"""Importing a module without stalling the event loop.

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

__all__ = ["import_in_thread"]


def import_in_thread(name: str) -> asyncio.Future[None]:
    """A future, on the running loop, of importing ``name`` in a new daemon thread."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(None)
        else:
            future.set_exception(error)

    def run() -> None:
        error: BaseException | None = None
        try:
            importlib.import_module(name)
        except BaseException as e:  # handed to the awaiting coroutine, never lost
            error = e
        # The loop may have been closed while the import ran; nobody waits then.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, error)

    threading.Thread(target=run, name=f"lambda_client-import-{name}", daemon=True).start()
    return future
