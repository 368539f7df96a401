"""`run_inline`: a call's coroutine driven to its end without an event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest

from lambda_client._runtime.exceptions import LambdaClientError
from lambda_client._runtime.inline import run_inline


async def _answer(value: int) -> int:
    await asyncio.sleep(0)  # a bare yield: stepped over
    return value * 2


def test_the_result_comes_back() -> None:
    assert run_inline(_answer(21)) == 42


def test_an_exception_comes_back_unchanged() -> None:
    class Boom(Exception):
        pass

    async def fails() -> None:
        raise Boom("as raised")

    with pytest.raises(Boom, match="as raised"):
        run_inline(fails())


class _Suspends:
    """What waiting on a loop's future looks like to the driver."""

    def __await__(self) -> Generator[Any, None, None]:
        yield object()


def test_a_call_that_waits_on_a_loop_is_refused_and_closed() -> None:
    finished: list[str] = []

    async def waits() -> None:
        try:
            await _Suspends()
        finally:
            finished.append("closed")

    with pytest.raises(LambdaClientError, match="waited on an event loop"):
        run_inline(waits())
    # Closed, not left suspended: its cleanup ran.
    assert finished == ["closed"]


def test_no_event_loop_is_made_or_needed() -> None:
    async def running_loop() -> asyncio.AbstractEventLoop | None:
        try:
            return asyncio.get_running_loop()
        except RuntimeError:
            return None

    assert run_inline(running_loop()) is None
