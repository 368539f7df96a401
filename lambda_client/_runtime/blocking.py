"""Running the async client from synchronous code: the one sync adapter.

The blocking client's operations, paginators (`BlockingPaginator`), event
streams (`BlockingEventStream`) and function-URL responses all go through
here. One private event loop runs on a daemon thread per blocking client; every
call is submitted to it with ``run_coroutine_threadsafe``, so any number of
threads may call at once while the async client itself is only ever used on
its own loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, Generic, TypeVar

from .exceptions import ClientClosedError, LambdaClientError
from .streaming import EventStream

T = TypeVar("T")
P = TypeVar("P")

#: Seconds ``close()`` waits for the loop thread to finish.
_JOIN_SECONDS = 10.0


class LoopThread:
    """An event loop on its own thread, started on creation."""

    def __init__(self, name: str = "lambda-client") -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._closed = False
        self._thread.start()
        self._ready.wait()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._ready.set)
        try:
            self._loop.run_forever()
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def run(self, awaitable: Awaitable[T]) -> T:
        """Run on the loop thread and wait for the result in this thread."""
        if self._closed:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise ClientClosedError("The blocking client is closed; the request was not sent")
        if threading.current_thread() is self._thread:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise LambdaClientError(
                "a blocking client method was called from its own event loop; "
                "use the async LambdaClient there"
            )
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(awaitable), self._loop)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            raise LambdaClientError("the blocking client was closed during the call") from None
        except BaseException:
            future.cancel()
            raise

    def close(self, final: Coroutine[Any, Any, Any] | None = None) -> None:
        """Run ``final`` (the client's close) on the loop, then stop it. Idempotent."""
        if self._closed:
            if final is not None:
                final.close()
            return
        self._closed = True
        try:
            if final is not None:
                asyncio.run_coroutine_threadsafe(final, self._loop).result(_JOIN_SECONDS)
        finally:
            # Calls still running in other threads would otherwise wait forever
            # on a loop that no longer runs: cancel them, so they raise.
            shutdown = asyncio.run_coroutine_threadsafe(_cancel_others(), self._loop)
            try:
                shutdown.result(_JOIN_SECONDS)
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(_JOIN_SECONDS)


async def _cancel_others() -> None:
    current = asyncio.current_task()
    others = [task for task in asyncio.all_tasks() if task is not current]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    return await awaitable


class BlockingIterator(Generic[T]):
    """Iterates an async iterator from synchronous code, one step at a time
    on the loop thread; leaving early closes it (and releases its connection)."""

    def __init__(self, runner: LoopThread, source: AsyncIterator[T]) -> None:
        self._runner = runner
        self._source = source

    def __iter__(self) -> Iterator[T]:
        try:
            while True:
                try:
                    yield self._runner.run(anext(self._source))
                except StopAsyncIteration:
                    return
        finally:
            close = getattr(self._source, "aclose", None)
            if close is not None:
                self._runner.run(close())


class BlockingPaginator(Generic[P, T]):
    """Synchronous view of an `AsyncPaginator`."""

    def __init__(self, runner: LoopThread, paginator: Any) -> None:
        self._runner = runner
        self._paginator = paginator

    def __iter__(self) -> Iterator[T]:
        return iter(BlockingIterator[T](self._runner, self._paginator.__aiter__()))

    def pages(self) -> Iterator[P]:
        return iter(BlockingIterator[P](self._runner, self._paginator.pages()))

    def all(self) -> list[T]:
        return list(self)


class BlockingEventStream(EventStream[T]):
    """An event stream for synchronous code: the blocking client's
    ``invoke_with_response_stream`` returns its events in one. Iterate it
    with ``for`` (one event at a time, fetched on the loop thread); leaving
    the loop early or ``close()`` releases the connection."""

    def __init__(self, runner: LoopThread, stream: EventStream[T]) -> None:
        # A view of the async stream, not a second one: it owns the
        # connection and tells telemetry when it ends.
        self._runner = runner
        self._source = stream

    def __iter__(self) -> Iterator[T]:
        return iter(BlockingIterator(self._runner, self._source.__aiter__()))

    def close(self) -> None:
        """Release the connection. Idempotent."""
        self._runner.run(self._source.aclose())

    def __aiter__(self) -> AsyncIterator[T]:
        return self._source.__aiter__()

    async def aclose(self) -> None:
        await self._source.aclose()

    def on_end(self, callback: Callable[[BaseException | None], None]) -> None:
        self._source.on_end(callback)

    def __repr__(self) -> str:
        return f"<BlockingEventStream of {self._source!r}>"
