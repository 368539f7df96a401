"""The guard in tests/unit/conftest.py: no real sleep over 0.2 s in unit tests."""

from __future__ import annotations

import asyncio
import time

import pytest

from lambda_client import ClientConfig, LambdaClient, errors, models
from lambda_client.testing import STUB_CREDENTIALS, LambdaStub
from tests.unit.conftest import MAX_REAL_SLEEP, RealSleepError


async def test_short_async_sleeps_pass_and_long_ones_fail(
    no_long_real_sleeps: list[float],
) -> None:
    await asyncio.sleep(0)
    await asyncio.sleep(0.01)
    with pytest.raises(RealSleepError, match=r"sleep 1 s for real"):
        await asyncio.sleep(1)
    assert no_long_real_sleeps == [1]
    no_long_real_sleeps.clear()  # asked for on purpose: not a failure at teardown
    assert MAX_REAL_SLEEP == 0.2


def test_short_blocking_sleeps_pass_and_long_ones_fail(no_long_real_sleeps: list[float]) -> None:
    time.sleep(0.001)
    with pytest.raises(RealSleepError, match=r"sleep 0\.5 s for real"):
        time.sleep(0.5)
    assert no_long_real_sleeps == [0.5]
    no_long_real_sleeps.clear()


async def test_a_client_on_real_time_is_caught_backing_off(
    no_long_real_sleeps: list[float],
) -> None:
    # What a unit test of retries looked like before the stub's virtual clock:
    # two throttles with Retry-After: 7 made it sleep 14 s.
    stub = LambdaStub()
    stub.add_error("get_function", errors.TooManyRequestsException(retry_after_seconds="7"))
    stub.add_response("get_function", models.GetFunctionResponse())
    client = LambdaClient(
        region="us-east-1",
        credentials=STUB_CREDENTIALS,
        transport=stub.transport,
        config=ClientConfig(max_attempts=2),
    )
    began = time.monotonic()
    with pytest.raises(RealSleepError):
        await client.get_function(function_name="f")
    assert time.monotonic() - began < 1.0
    assert no_long_real_sleeps and no_long_real_sleeps[0] >= 7
    no_long_real_sleeps.clear()
