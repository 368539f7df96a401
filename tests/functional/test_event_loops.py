"""One client across event loops: ``asyncio.run`` after ``asyncio.run`` (notebooks,
per-test loops), and a clear error for two running loops at once.

The server runs on its own loop thread so that the loops under test come
and go around it.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from lambda_client import LambdaClient
from lambda_client._runtime.blocking import LoopThread
from lambda_client.errors import EventLoopError

from .tls_support import TlsServer, client_for


@pytest.fixture
def server() -> Iterator[TlsServer]:
    runner = LoopThread("test-server")
    server = TlsServer(None)
    runner.run(server.start())
    try:
        yield server
    finally:
        runner.close(server.close())


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything reported from a __del__ or a finalizer ("Unclosed client
    session", "unclosed transport", "Event loop is closed")."""
    seen: list[str] = []

    def hook(info: Any) -> None:
        seen.append(f"{info.exc_type.__name__}: {info.exc_value} ({info.object!r})")

    monkeypatch.setattr(sys, "unraisablehook", hook)
    return seen


async def _calls(client: LambdaClient, n: int = 2) -> int:
    # Concurrent calls, so that the pool holds more than one connection.
    outs = await asyncio.gather(*(client.get_function(function_name="f") for _ in range(n)))
    return len(outs)


def test_one_client_survives_three_asyncio_runs(
    server: TlsServer, unraisable: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="asyncio")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client = client_for(server.url)
        for _ in range(3):
            assert asyncio.run(_calls(client)) == 2
        transport = client._pipeline.transport
        asyncio.run(client.close())
        del transport
        gc.collect()
    assert len(server.requests) == 6
    assert unraisable == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_each_run_gets_a_fresh_pool_and_the_old_one_is_closed(server: TlsServer) -> None:
    client = client_for(server.url)
    transport: Any = client._pipeline.transport
    sessions = []
    for _ in range(2):
        asyncio.run(_calls(client))
        sessions.append(transport._session)
    assert sessions[0] is not sessions[1]
    # The first run's pool was closed on its own loop as that loop shut down.
    assert sessions[0].closed
    asyncio.run(client.close())
    assert sessions[1].closed


def test_a_loop_closed_by_hand_is_left_behind_cleanly(
    server: TlsServer, unraisable: list[str]
) -> None:
    client = client_for(server.url)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(_calls(client, 1))
    # Closed without shutting down its async generators: the pool could not
    # close itself there; the next loop takes over without an error.
    loop.close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert asyncio.run(_calls(client, 1)) == 1
        asyncio.run(client.close())
    assert not any("Event loop is closed" in text for text in unraisable)
    assert not any("Unclosed client session" in text for text in unraisable)


def test_two_running_loops_at_once_get_the_documented_error(server: TlsServer) -> None:
    client = client_for(server.url)
    elsewhere = LoopThread("other-loop")
    try:
        assert elsewhere.run(_calls(client, 1)) == 1
        with pytest.raises(EventLoopError, match="one LambdaClient per event loop") as info:
            asyncio.run(_calls(client, 1))
        assert isinstance(info.value, RuntimeError)
        # The client still works on the loop it belongs to.
        assert elsewhere.run(_calls(client, 1)) == 1
    finally:
        elsewhere.close(client.close())
    assert len(server.requests) == 2


def test_close_from_a_new_loop_after_the_old_one_ended(server: TlsServer) -> None:
    client = client_for(server.url)
    asyncio.run(_calls(client, 1))
    asyncio.run(client.close())
    asyncio.run(client.close())  # idempotent
