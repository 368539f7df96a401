"""`ReadWatch` on a virtual clock: which connections fail, when, and the one
timer that wakes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from lambda_client._runtime.read_watch import ReadWatch, watched_protocols


class Timer:
    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at, self.callback, self.cancelled = at, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """The two things the watch asks of its loop, on a clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0
        self.timers: list[Timer] = []

    def time(self) -> float:
        return self.now

    def call_at(self, at: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(at, callback)
        self.timers.append(timer)
        return timer

    def pending(self) -> list[Timer]:
        return [t for t in self.timers if not t.cancelled]

    def advance(self, seconds: float) -> None:
        """Move on, running every timer that falls due in order."""
        end = self.now + seconds
        while True:
            due = sorted((t for t in self.pending() if t.at <= end), key=lambda t: t.at)
            if not due:
                break
            timer = due[0]
            timer.cancelled = True
            self.now = max(self.now, timer.at)
            timer.callback()
        self.now = end


class Connection:
    def __init__(self, watch: ReadWatch, clock: Clock, timeout: float) -> None:
        self.watch, self.clock, self.timeout = watch, clock, timeout
        self.read_deadline: float | None = None
        self.timed_out_at: list[float] = []

    def bytes_arrive(self) -> None:
        self.read_deadline = self.clock.now + self.timeout
        self.watch.arm(self, self.read_deadline)

    def body_ends(self) -> None:
        self.read_deadline = None
        self.watch.forget(self)

    def _on_read_timeout(self) -> None:
        self.timed_out_at.append(self.clock.now)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watch(clock: Clock) -> ReadWatch:
    return ReadWatch(clock)  # type: ignore[arg-type]


def test_a_silence_as_long_as_the_timeout_fails_the_connection_at_its_deadline(
    clock: Clock, watch: ReadWatch
) -> None:
    conn = Connection(watch, clock, 5.0)
    conn.bytes_arrive()
    clock.advance(4.9)
    assert conn.timed_out_at == []
    clock.advance(0.2)
    assert conn.timed_out_at == [105.0]
    # Failed once, and forgotten: nothing is left to wake the watch.
    clock.advance(60)
    assert conn.timed_out_at == [105.0]
    assert clock.pending() == []


def test_bytes_that_keep_arriving_move_the_deadline_without_a_timer_each(
    clock: Clock, watch: ReadWatch
) -> None:
    conn = Connection(watch, clock, 5.0)
    for _ in range(120):
        conn.bytes_arrive()
        clock.advance(0.5)
    assert conn.timed_out_at == []
    # 120 arrivals over 60 s: the first timer, then one each time the watch
    # woke to find the deadline moved (about every 5 s), not one per arrival.
    assert 10 <= len(clock.timers) <= 14
    clock.advance(5.0)
    assert conn.timed_out_at == [pytest.approx(clock.now - 0.5)]


def test_a_body_that_ends_is_never_failed(clock: Clock, watch: ReadWatch) -> None:
    conn = Connection(watch, clock, 5.0)
    conn.bytes_arrive()
    conn.body_ends()
    clock.advance(30)
    assert conn.timed_out_at == []
    assert clock.pending() == []


def test_ended_connections_are_not_kept(clock: Clock, watch: ReadWatch) -> None:
    # A connection per call, each ended well before the timeout: the watch
    # holds none of them, however many there were.
    for _ in range(1000):
        conn = Connection(watch, clock, 60.0)
        conn.bytes_arrive()
        conn.body_ends()
        clock.advance(0.001)
    assert watch._watched == set()


def test_each_connection_fails_at_its_own_deadline(clock: Clock, watch: ReadWatch) -> None:
    slow = Connection(watch, clock, 10.0)
    fast = Connection(watch, clock, 1.0)
    busy = Connection(watch, clock, 1.0)
    slow.bytes_arrive()
    clock.advance(2.0)
    # An earlier deadline than the one the timer is set for moves the timer.
    fast.bytes_arrive()
    busy.bytes_arrive()
    clock.advance(0.5)
    busy.bytes_arrive()
    clock.advance(0.6)
    assert fast.timed_out_at == [103.0]
    assert busy.timed_out_at == []
    clock.advance(0.5)
    assert busy.timed_out_at == [103.5]
    assert slow.timed_out_at == []
    clock.advance(10)
    assert slow.timed_out_at == [110.0]


def test_a_connection_armed_again_while_failing_others_is_watched(
    clock: Clock, watch: ReadWatch
) -> None:
    late = Connection(watch, clock, 2.0)

    class Chained(Connection):
        def _on_read_timeout(self) -> None:
            super()._on_read_timeout()
            # Failing one request can start another's wait (a retry).
            late.bytes_arrive()

    first = Chained(watch, clock, 1.0)
    first.bytes_arrive()
    clock.advance(1.0)
    assert first.timed_out_at == [101.0]
    clock.advance(2.0)
    assert late.timed_out_at == [103.0]


async def test_a_connector_gets_watched_connections() -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector()
    try:
        watch = watched_protocols(connector, loop)
        assert watch is not None
        protocol: Any = connector._factory()  # type: ignore[attr-defined]
        assert isinstance(protocol, aiohttp.client_proto.ResponseHandler)
        protocol.read_timeout = 5.0
        protocol._reschedule_timeout()
        assert protocol.read_deadline == pytest.approx(loop.time() + 5.0, abs=0.5)
        # No timer of aiohttp's own, whatever happens to the connection.
        assert protocol._read_timeout_handle is None
        assert protocol in watch._watched
        protocol._drop_timeout()
        assert protocol.read_deadline is None
        assert protocol not in watch._watched
    finally:
        await connector.close()


def test_without_a_protocol_factory_aiohttp_keeps_its_own_timers() -> None:
    assert watched_protocols(object(), None) is None  # type: ignore[arg-type]
