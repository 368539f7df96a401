"""Read timeouts for the aiohttp transport's connections: one timer per
client instead of one per chunk.

aiohttp bounds each silence of a connection (``sock_read``) by cancelling
and re-arming an event-loop timer whenever bytes arrive: two timers and
two cancellations for a GetFunction, each pushed through the loop's heap
by Python-level comparisons. Counted by valgrind (``python -m
bench.instructions``), that was 33,000 of the client's 596,000 instructions
a call, a third of its distance to the signing floor.

`ReadWatch` keeps the same rule at the same moments (aiohttp still decides
when a silence starts, restarts and ends: after the request is written,
when bytes arrive, at the end of the body, while reading is paused) but
each connection only writes down its deadline, and one timer, set for the
earliest deadline, wakes the watch. When a deadline has passed, the
connection fails exactly as aiohttp's own timer would make it fail
(``_on_read_timeout``, aiohttp's ``SocketTimeoutError``); deadlines that
moved on are looked at again at their new time.

It relies on private names of aiohttp: three methods and two attributes of
``ResponseHandler`` (``_read_timeout``, ``_loop``) and the connector's
protocol factory; `watched_protocols` checks the methods and the factory
and otherwise leaves aiohttp's timers in place, and the transport tests
fail if the attributes change.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp.client_proto import ResponseHandler

_HANDLER_METHODS = ("_reschedule_timeout", "_drop_timeout", "_on_read_timeout")


class ReadWatch:
    """The read deadlines of one connector's connections, and the one timer
    that enforces them."""

    __slots__ = ("_at", "_handle", "_loop", "_watched")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._watched: set[Any] = set()
        self._handle: asyncio.TimerHandle | None = None
        self._at = math.inf

    def arm(self, protocol: Any, deadline: float) -> None:
        self._watched.add(protocol)
        # Deadlines mostly move later, so the timer rarely needs moving.
        if deadline < self._at:
            if self._handle is not None:
                self._handle.cancel()
            self._at = deadline
            self._handle = self._loop.call_at(deadline, self._wake)

    def forget(self, protocol: Any) -> None:
        # Dropped at once: a client that opens a connection per call would
        # otherwise keep every closed one until the watch next wakes.
        self._watched.discard(protocol)

    def _wake(self) -> None:
        self._handle = None
        self._at = math.inf
        now = self._loop.time()
        expired = []
        waiting = set()
        earliest = math.inf
        for protocol in self._watched:
            deadline = protocol.read_deadline
            if deadline is None:
                continue
            if deadline <= now:
                expired.append(protocol)
            else:
                waiting.add(protocol)
                earliest = min(earliest, deadline)
        self._watched = waiting
        for protocol in expired:
            protocol.read_deadline = None
            protocol._on_read_timeout()
        if earliest < self._at:
            self._at = earliest
            self._handle = self._loop.call_at(earliest, self._wake)


def watched_protocols(connector: Any, loop: asyncio.AbstractEventLoop) -> ReadWatch | None:
    """Make ``connector``'s new connections keep their read deadlines in a
    `ReadWatch`, and return it; None (aiohttp's own timers stay) when this
    aiohttp lacks what the watch relies on."""
    from aiohttp.client_proto import ResponseHandler

    if not all(callable(getattr(ResponseHandler, name, None)) for name in _HANDLER_METHODS):
        return None
    if not callable(getattr(connector, "_factory", None)):
        return None
    watch = ReadWatch(loop)
    handler = _watched_handler_class(ResponseHandler)

    def factory() -> ResponseHandler:
        protocol: Any = handler(loop=loop)
        protocol.read_watch = watch
        return protocol  # type: ignore[no-any-return]

    connector._factory = factory
    return watch


_handler_classes: dict[type, type] = {}


def _watched_handler_class(base: type[ResponseHandler]) -> Callable[..., ResponseHandler]:
    cls = _handler_classes.get(base)
    if cls is None:

        class WatchedResponseHandler(base):  # type: ignore[valid-type,misc]
            """aiohttp's protocol, its read deadline kept by a `ReadWatch`."""

            read_watch: ReadWatch
            read_deadline: float | None = None

            def _reschedule_timeout(self) -> None:
                timeout = self._read_timeout
                if timeout:
                    deadline = self._loop.time() + timeout
                    self.read_deadline = deadline
                    self.read_watch.arm(self, deadline)
                else:
                    self.read_deadline = None

            def _drop_timeout(self) -> None:
                if self.read_deadline is not None:
                    self.read_deadline = None
                    self.read_watch.forget(self)

        cls = _handler_classes[base] = WatchedResponseHandler
    return cls
