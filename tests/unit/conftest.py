"""Unit tests do not wait for real.

Retries, back-off, waiters and credential refreshes run on injected clocks
(``lambda_client.testing.LambdaStub`` gives clients a virtual one). To keep it
that way, every unit test runs with ``asyncio.sleep`` and ``time.sleep``
guarded: a sleep longer than ``MAX_REAL_SLEEP`` fails the test on the spot,
and again at teardown in case the code under test swallowed the failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

MAX_REAL_SLEEP = 0.2


class RealSleepError(AssertionError):
    """A unit test asked for a real sleep longer than MAX_REAL_SLEEP."""


@pytest.fixture(autouse=True)
def no_long_real_sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    asked: list[float] = []
    real_async_sleep = asyncio.sleep
    real_sleep = time.sleep

    def check(seconds: float) -> None:
        if seconds > MAX_REAL_SLEEP:
            asked.append(seconds)
            raise RealSleepError(
                f"a unit test asked to sleep {seconds} s for real (the limit is "
                f"{MAX_REAL_SLEEP} s): give the code a clock, e.g. a LambdaStub client"
            )

    async def guarded_async_sleep(delay: float, result: Any = None) -> Any:
        check(delay)
        return await real_async_sleep(delay, result)

    def guarded_sleep(seconds: float) -> None:
        check(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(asyncio, "sleep", guarded_async_sleep)
    monkeypatch.setattr(time, "sleep", guarded_sleep)
    yield asked
    if asked:
        pytest.fail(f"real sleeps over {MAX_REAL_SLEEP} s were asked for: {asked}", pytrace=False)
