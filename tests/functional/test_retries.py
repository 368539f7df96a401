"""The retry policy, end to end: a real LambdaClient over HTTP to a server
that fails on cue (tests/functional/faults.py).

Every count below is taken on the server side. Tests about real waiting use
the real clock; the rest record the delays the client asks for through the
``sleep=`` seam, which keeps them fast and exact. Each test runs under its
own deadline, and every server stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient
from lambda_client._runtime.exceptions import (
    ConnectError,
    ConnectionClosedError,
    ReadTimeoutError,
    ServiceError,
)
from lambda_client._runtime.http import ResponseMetadata
from lambda_client._runtime.retry import AdaptiveRateLimiter, RetryQuota
from lambda_client.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ServiceException,
    TooManyRequestsException,
)
from tests.functional.faults import (
    BudgetExceeded,
    FaultServer,
    Received,
    Reply,
    closed_port,
    error,
    ok,
)

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
DURABLE_ARN = f"{FUNCTION_ARN}:1/durable-execution/run/0f5c1b2e"

THROTTLED = error(429, "TooManyRequestsException", "Rate exceeded")
SERVER_ERROR = error(500, "ServiceException", "internal failure")
IN_PROGRESS = error(
    409,
    "ResourceConflictException",
    "The operation cannot be performed at this time. An update is in progress "
    f"for resource: {FUNCTION_ARN}",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The developer's own settings must not change attempt counts or modes here.
    for name in (
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_LAMBDA",
        "AWS_LAMBDA_FUNCTION_NAME",
    ):
        monkeypatch.delenv(name, raising=False)


class SleepLog:
    """A ``sleep=`` seam that records each requested delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def client_for(
    server: FaultServer | str, config: ClientConfig | None = None, **kw: Any
) -> AsyncIterator[LambdaClient]:
    url = server if isinstance(server, str) else server.url
    client = LambdaClient(
        region="us-east-1",
        endpoint_url=url,
        credentials=Credentials(access_key_id="AKIDEXAMPLE", secret_access_key="secret"),
        config=config,
        **kw,
    )
    try:
        yield client
    finally:
        await client.close()


def meta(output: Any) -> ResponseMetadata:
    found = output.response_metadata
    assert isinstance(found, ResponseMetadata)
    return found


def gaps(server: FaultServer) -> list[float]:
    arrivals = [r.arrived for r in server.requests]
    return [b - a for a, b in itertools.pairwise(arrivals)]


# -- Retry-After ---------------------------------------------------------------


async def test_retry_after_seconds_is_waited_out_for_real() -> None:
    script = [error(429, "TooManyRequestsException", "Rate exceeded", headers={"Retry-After": "2"})]
    async with asyncio.timeout(8), FaultServer(script) as server, client_for(server) as client:
        out = await client.get_function(function_name="f")

    assert len(server.requests) == 2
    assert gaps(server)[0] >= 2.0
    assert meta(out).attempts == 2
    assert meta(out).total_retry_delay >= 2.0
    assert meta(out).http_status_code == 200


async def test_x_amz_retry_after_millis_is_a_minimum_delay() -> None:
    script = [
        error(429, "TooManyRequestsException", "slow down", headers={"x-amz-retry-after": "1500"})
    ]
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer(script) as server,
        client_for(server, sleep=sleep) as client,
    ):
        out = await client.get_function(function_name="f")

    assert len(server.requests) == 2
    # The first throttle backoff is at most 1 s, so the service's 1.5 s decides.
    assert sleep.delays == [1.5]
    assert meta(out).total_retry_delay == 1.5


async def test_retry_after_above_the_cap_fails_at_once() -> None:
    script = [
        error(429, "TooManyRequestsException", "come back later", headers={"Retry-After": "60"})
    ]
    config = ClientConfig(retry_after_cap=5.0)
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer(script) as server,
        client_for(server, config, sleep=sleep) as client,
    ):
        started = time.monotonic()
        with pytest.raises(TooManyRequestsException) as info:
            await client.get_function(function_name="f")
        elapsed = time.monotonic() - started
        quota = client._pipeline.quota

    assert len(server.requests) == 1
    assert sleep.delays == []
    assert elapsed < 1.0
    e = info.value
    assert e.attempts == 1
    assert e.retry_stop_reason is not None
    assert "retry_after_cap" in e.retry_stop_reason and "60" in e.retry_stop_reason
    # A retry that never happened must not cost the other calls their quota.
    assert quota.available == RetryQuota().capacity


# -- 409 conflicts ---------------------------------------------------------------


async def test_update_in_progress_is_retried_until_it_succeeds() -> None:
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer([IN_PROGRESS, IN_PROGRESS]) as server,
        client_for(server, sleep=sleep) as client,
    ):
        out = await client.update_function_configuration(function_name="f", timeout=30)

    assert len(server.requests) == 3
    assert all(r.method == "PUT" and r.path.endswith("/configuration") for r in server.requests)
    assert meta(out).attempts == 3
    # "In progress" backs off like a throttle, from 1 s.
    assert len(sleep.delays) == 2
    assert 0.0 <= sleep.delays[0] <= 1.0 and 0.0 <= sleep.delays[1] <= 2.0


async def test_already_exists_is_raised_after_one_request() -> None:
    exists = error(409, "ResourceConflictException", f"Alias already exists: {FUNCTION_ARN}:live")
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer([exists], then=exists) as server,
        client_for(server, sleep=sleep) as client,
    ):
        with pytest.raises(ResourceConflictException) as info:
            await client.create_alias(function_name="f", name="live", function_version="1")

    assert len(server.requests) == 1
    assert sleep.delays == []
    assert info.value.attempts == 1


# -- attempts ----------------------------------------------------------------------


async def test_server_errors_stop_after_three_attempts() -> None:
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer([SERVER_ERROR] * 5) as server,
        client_for(server, sleep=sleep) as client,
    ):
        with pytest.raises(ServiceException) as info:
            await client.get_function(function_name="f")

    assert len(server.requests) == 3
    e = info.value
    assert e.attempts == 3
    assert e.retry_stop_reason is not None and "all 3 attempts used" in e.retry_stop_reason
    notes = getattr(e, "__notes__", [])
    assert any("3 attempt(s)" in n and "all 3 attempts used" in n for n in notes)
    # Transient failures back off from 50 ms: full jitter keeps each wait under its ceiling.
    assert len(sleep.delays) == 2
    assert sleep.delays[0] <= 0.05 and sleep.delays[1] <= 0.1


async def test_aws_max_attempts_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "5")
    async with (
        asyncio.timeout(5),
        FaultServer(then=SERVER_ERROR) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceException) as info:
            await client.get_function(function_name="f")

    assert len(server.requests) == 5
    assert info.value.attempts == 5
    assert [r.headers["amz-sdk-request"] for r in server.requests][-1] == "attempt=5; max=5"


async def test_max_attempts_one_means_no_retry() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer(then=SERVER_ERROR) as server,
        client_for(server, ClientConfig(max_attempts=1), sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceException) as info:
            await client.get_function(function_name="f")

    assert len(server.requests) == 1
    assert info.value.attempts == 1


async def test_non_retryable_client_error_makes_one_request() -> None:
    bad = error(400, "InvalidParameterValueException", "Timeout must be between 1 and 900")
    async with (
        asyncio.timeout(5),
        FaultServer(then=bad) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(InvalidParameterValueException) as info:
            await client.update_function_configuration(function_name="f", timeout=30)

    assert len(server.requests) == 1
    assert info.value.attempts == 1
    assert info.value.retry_stop_reason == "InvalidParameterValueException is not retryable"


# -- timeouts and cut connections after sending ---------------------------------------

SLOW = Reply(delay=3.0, body=b'{"ok": true}')


async def test_invoke_read_timeout_is_not_resent() -> None:
    config = ClientConfig(read_timeout=0.3)
    async with (
        asyncio.timeout(5),
        FaultServer(then=SLOW) as server,
        client_for(server, config, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ReadTimeoutError) as info:
            await client.invoke(function_name="f", payload=b"{}")
        # Anything the client might still send would arrive in this window.
        await asyncio.sleep(0.3)

    assert len(server.requests) == 1
    e = info.value
    assert e.attempts == 1
    assert e.retry_stop_reason is not None and "may have run" in e.retry_stop_reason


async def test_invoke_read_timeout_is_resent_when_allowed() -> None:
    config = ClientConfig(read_timeout=0.3, retry_sent_invokes=True)
    async with (
        asyncio.timeout(5),
        FaultServer(then=SLOW) as server,
        client_for(server, config, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ReadTimeoutError) as info:
            await client.invoke(function_name="f", payload=b"{}")

    assert len(server.requests) == 3
    assert info.value.attempts == 3


async def test_get_function_read_timeout_is_retried() -> None:
    config = ClientConfig(read_timeout=0.3)
    async with (
        asyncio.timeout(5),
        FaultServer(then=SLOW) as server,
        client_for(server, config, sleep=SleepLog()) as client,
    ):
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError) as info:
            await client.get_function(function_name="f")
        elapsed = time.monotonic() - started

    assert len(server.requests) == 3
    assert info.value.attempts == 3
    # Each attempt gave up after the read timeout, not after the server's 3 s.
    assert 0.9 <= elapsed < 2.5


async def test_reset_after_sending_get_function_is_retried() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([Reply(reset=True)]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        out = await client.get_function(function_name="f")

    assert len(server.requests) == 2
    assert meta(out).attempts == 2
    assert meta(out).http_status_code == 200
    assert meta(out).request_id == "fault-1"


async def test_reset_after_sending_a_non_invoke_post_is_retried_by_the_policy() -> None:
    # A POST, so that the transport library has no retry of its own to hide
    # behind: the second request is the policy's.
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer([Reply(reset=True)]) as server,
        client_for(server, sleep=sleep) as client,
    ):
        out = await client.checkpoint_durable_execution(
            durable_execution_arn=DURABLE_ARN, checkpoint_token="t"
        )

    assert len(server.requests) == 2
    assert meta(out).attempts == 2
    assert [r.headers["amz-sdk-request"] for r in server.requests] == [
        "attempt=1; max=3",
        "attempt=2; max=3",
    ]
    assert len(sleep.delays) == 1


@pytest.mark.parametrize("fault", [Reply(reset=True), Reply(close=True)], ids=["reset", "close"])
async def test_every_request_on_the_wire_is_an_attempt_of_the_policy(fault: Reply) -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([fault]) as server,
        client_for(server, ClientConfig(max_attempts=1), sleep=SleepLog()) as client,
    ):
        with pytest.raises(ConnectionClosedError):
            await client.get_function(function_name="f")

    assert len(server.requests) == 1


async def test_reset_after_sending_invoke_is_not_resent() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([Reply(reset=True)]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ConnectionClosedError) as info:
            await client.invoke(function_name="f", payload=b"{}")
        await asyncio.sleep(0.2)

    assert len(server.requests) == 1
    assert info.value.attempts == 1


async def test_close_without_answer_on_invoke_is_not_resent() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([Reply(close=True)]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ConnectionClosedError):
            await client.invoke(function_name="f", payload=b"{}")
        await asyncio.sleep(0.2)

    assert len(server.requests) == 1


# -- connection refused: nothing was sent -----------------------------------------------


async def test_refused_invoke_uses_every_attempt() -> None:
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        client_for(f"http://127.0.0.1:{closed_port()}", sleep=sleep) as client,
    ):
        with pytest.raises(ConnectError) as info:
            await client.invoke(function_name="f", payload=b"{}")

    e = info.value
    assert e.attempts == 3
    assert e.retry_stop_reason is not None
    assert "before the request was sent" in e.retry_stop_reason
    assert "all 3 attempts used" in e.retry_stop_reason
    assert len(sleep.delays) == 2


async def test_refused_invoke_reaches_a_server_that_comes_up() -> None:
    port = closed_port()
    server = FaultServer(port=port)
    sleeps: list[float] = []
    async with contextlib.AsyncExitStack() as stack:

        async def sleep(seconds: float) -> None:
            # The service "comes back" during the first backoff.
            sleeps.append(seconds)
            if len(sleeps) == 1:
                try:
                    await stack.enter_async_context(server)
                except OSError as e:
                    # Free a moment ago, taken since: nothing to learn about the client.
                    pytest.skip(f"lost the port to another process: {e}")

        client = await stack.enter_async_context(
            client_for(f"http://127.0.0.1:{port}", sleep=sleep)
        )
        async with asyncio.timeout(5):
            out = await client.invoke(function_name="f", payload=b"{}")

    assert len(server.requests) == 1
    assert server.requests[0].headers["amz-sdk-request"] == "attempt=2; max=3"
    assert meta(out).attempts == 2
    assert len(sleeps) == 1


# -- clock skew -------------------------------------------------------------------

SERVER_AHEAD = 3600.0


def _amz(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y%m%dT%H%M%SZ")


def skewed_service(request: Received) -> Reply:
    """A service whose clock is an hour ahead and that rejects signatures
    more than five minutes off its own time, as Lambda does."""
    now = time.time() + SERVER_AHEAD
    stamp = request.headers["X-Amz-Date"]
    signed = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    if abs(now - signed) > 300:
        message = (
            f"Signature expired: {stamp} is now earlier than {_amz(now - 300)} "
            f"({_amz(now)} - 5 min.)"
        )
        return error(403, "InvalidSignatureException", message, date_offset=SERVER_AHEAD)
    return ok(date_offset=SERVER_AHEAD)


async def test_clock_skew_is_corrected_and_kept() -> None:
    sleep = SleepLog()
    async with (
        asyncio.timeout(5),
        FaultServer(then=skewed_service) as server,
        client_for(server, sleep=sleep) as client,
    ):
        first = await client.get_function(function_name="f")
        second = await client.get_function(function_name="f")

    assert meta(first).attempts == 2
    assert meta(second).attempts == 1
    assert len(server.requests) == 3
    dates = [r.headers["X-Amz-Date"] for r in server.requests]
    signed = [datetime.strptime(d, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp() for d in dates]
    assert abs(signed[1] - signed[0] - SERVER_AHEAD) < 5
    assert abs(signed[2] - signed[0] - SERVER_AHEAD) < 5
    # Re-signed and resent at once: skew is not a reason to back off.
    assert sleep.delays == []


async def test_clock_skew_is_learned_even_without_a_retry() -> None:
    config = ClientConfig(max_attempts=1)
    async with (
        asyncio.timeout(5),
        FaultServer(then=skewed_service) as server,
        client_for(server, config, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceError) as info:
            await client.get_function(function_name="f")
        out = await client.get_function(function_name="f")

    assert info.value.code == "InvalidSignatureException"
    assert info.value.attempts == 1
    assert meta(out).attempts == 1
    assert len(server.requests) == 2


async def test_skew_that_survives_re_signing_is_not_retried_again() -> None:
    always = error(
        403,
        "InvalidSignatureException",
        "Signature expired: 20240101T000000Z is now earlier than 20240101T005500Z",
        date_offset=SERVER_AHEAD,
    )
    async with (
        asyncio.timeout(5),
        FaultServer(then=always) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceError) as info:
            await client.get_function(function_name="f")

    assert len(server.requests) == 2
    assert info.value.attempts == 2
    assert "again after re-signing" in (info.value.retry_stop_reason or "")


async def test_skew_without_a_usable_date_is_not_retried() -> None:
    rejected = error(
        403,
        "InvalidSignatureException",
        "Signature expired: 20240101T000000Z is now earlier than 20240101T005500Z",
        headers={"Date": "not a date"},
    )
    async with (
        asyncio.timeout(5),
        FaultServer(then=rejected) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceError) as info:
            await client.get_function(function_name="f")
        offset = client._pipeline.clock_offset

    assert len(server.requests) == 1
    assert "cannot correct it" in (info.value.retry_stop_reason or "")
    assert offset == 0.0


# -- what each attempt carries --------------------------------------------------------


async def test_invocation_id_and_attempt_headers() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([SERVER_ERROR, SERVER_ERROR]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        first = await client.get_function(function_name="f")
        second = await client.get_function(function_name="f")

    seen = server.requests
    assert len(seen) == 4
    ids = [r.headers["amz-sdk-invocation-id"] for r in seen]
    assert ids[0] == ids[1] == ids[2] != ids[3]
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert [r.headers["amz-sdk-request"] for r in seen] == [
        "attempt=1; max=3",
        "attempt=2; max=3",
        "attempt=3; max=3",
        "attempt=1; max=3",
    ]
    assert meta(first).invocation_id == ids[0]
    assert meta(second).invocation_id == ids[3]


async def test_checkpoint_client_token_is_filled_once_per_call() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([SERVER_ERROR, THROTTLED]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        await client.checkpoint_durable_execution(
            durable_execution_arn=DURABLE_ARN, checkpoint_token="t1"
        )
        await client.checkpoint_durable_execution(
            durable_execution_arn=DURABLE_ARN, checkpoint_token="t2"
        )
        server.load([SERVER_ERROR])
        await client.checkpoint_durable_execution(
            durable_execution_arn=DURABLE_ARN, checkpoint_token="t3", client_token="mine-1"
        )

    tokens = [r.json().get("ClientToken") for r in server.requests]
    assert len(tokens) == 6
    assert tokens[0] == tokens[1] == tokens[2]
    assert uuid.UUID(tokens[0]).version == 4
    assert tokens[3] != tokens[0]
    assert uuid.UUID(tokens[3]).version == 4
    assert tokens[4] == tokens[5] == "mine-1"
    assert [r.json()["CheckpointToken"] for r in server.requests] == ["t1"] * 3 + ["t2"] + [
        "t3"
    ] * 2


# -- retry quota -------------------------------------------------------------------------


async def test_retry_quota_runs_out_under_a_storm_and_refills() -> None:
    calls, workers = 200, 10
    sleep = SleepLog()
    async with (
        asyncio.timeout(20),
        FaultServer(then=SERVER_ERROR) as server,
        client_for(server, sleep=sleep) as client,
    ):
        quota = client._pipeline.quota
        errors: dict[int, ServiceException] = {}
        order = iter(range(calls))

        async def worker() -> None:
            for i in order:
                with pytest.raises(ServiceException) as info:
                    await client.get_function(function_name="f")
                errors[i] = info.value

        await asyncio.gather(*(worker() for _ in range(workers)))

        # 500 tokens at 5 per retry pay for exactly 100 retries, whatever the
        # interleaving, and no call succeeded to earn any back.
        assert len(server.requests) == calls + 100
        assert sum(e.attempts or 0 for e in errors.values()) == len(server.requests)
        assert quota.available == 0
        exhausted = [
            i for i, e in errors.items() if "retry quota exhausted" in (e.retry_stop_reason or "")
        ]
        used_all = [
            i for i, e in errors.items() if "all 3 attempts used" in (e.retry_stop_reason or "")
        ]
        assert len(exhausted) + len(used_all) == calls
        assert len(used_all) <= 50
        # By the time call 60 starts, 50 calls have finished and spent the quota.
        late = [errors[i] for i in range(60, calls)]
        assert all(e.attempts == 1 for e in late)
        assert all("retry quota exhausted" in (e.retry_stop_reason or "") for e in late)
        # botocore's ResponseMetadata keys for the same facts.
        assert all(e.response["ResponseMetadata"]["RetryQuotaReached"] is True for e in late)
        assert all(e.response["ResponseMetadata"]["RetryAttempts"] == 0 for e in late)
        assert all(
            errors[i].response["ResponseMetadata"]["MaxAttemptsReached"] is True for i in used_all
        )
        assert all(
            "RetryQuotaReached" not in errors[i].response["ResponseMetadata"] for i in used_all
        )

        # Successes earn a token each, so retries become affordable again.
        server.load([], then=ok())
        for _ in range(10):
            await client.get_function(function_name="f")
        assert quota.available == 10
        server.load([SERVER_ERROR])
        before = len(server.requests)
        out = await client.get_function(function_name="f")
        assert meta(out).attempts == 2
        assert len(server.requests) - before == 2
        assert quota.available == 10


# -- adaptive mode -----------------------------------------------------------------------

# Two equal windows at the start and the end of the run, apart by half a second.
WINDOW = 0.75
RUN = 2.0


async def _sustained_throttling(client: LambdaClient, server: FaultServer) -> tuple[int, int]:
    """Twenty callers throttled on every request for RUN seconds; the number
    of requests the server saw in the first and in the last window."""

    async def caller() -> None:
        while True:
            with contextlib.suppress(TooManyRequestsException):
                await client.get_function(function_name="f")

    start = time.monotonic()
    tasks = [asyncio.create_task(caller()) for _ in range(20)]
    try:
        await asyncio.sleep(RUN)
    finally:
        for t in tasks:
            t.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    # Any failure other than the cancellation above is a bug in the client.
    assert all(isinstance(r, asyncio.CancelledError) for r in results)
    first = len(server.between(start, start + WINDOW))
    last = len(server.between(start + RUN - WINDOW, start + RUN))
    return first, last


@pytest.mark.parametrize("how", ["config", "env"])
async def test_adaptive_mode_slows_down_under_sustained_throttling(
    how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if how == "env":
        monkeypatch.setenv("AWS_RETRY_MODE", "adaptive")
        config = ClientConfig(max_attempts=1)
    else:
        config = ClientConfig(max_attempts=1, retry_mode="adaptive")
    async with (
        asyncio.timeout(10),
        FaultServer(then=THROTTLED, max_requests=5000) as server,
        client_for(server, config) as client,
    ):
        limiter = client._pipeline.limiter
        assert isinstance(limiter, AdaptiveRateLimiter)
        assert not limiter.enabled
        first, last = await _sustained_throttling(client, server)

    assert first >= 20
    assert last < first / 4
    assert limiter.enabled
    assert AdaptiveRateLimiter.MIN_FILL_RATE <= limiter.fill_rate < first / WINDOW


async def test_standard_mode_keeps_its_rate_under_the_same_load() -> None:
    # The control for the test above: without the limiter the same callers
    # keep sending, so the drop there is the limiter's doing. The bound is
    # absolute because the rate here is CPU-bound and moves with machine load;
    # at its floor the limiter lets one or two requests through per window.
    config = ClientConfig(max_attempts=1)
    async with (
        asyncio.timeout(10),
        FaultServer(then=THROTTLED, max_requests=100_000) as server,
        client_for(server, config) as client,
    ):
        assert client._pipeline.limiter is None
        first, last = await _sustained_throttling(client, server)

    assert first >= 20
    assert last >= 100


# -- the fault server itself --------------------------------------------------------------
# The counts above are only as good as the server's log; these pin it down.


async def test_fault_server_follows_its_script_and_logs_every_request() -> None:
    script = [SERVER_ERROR, Reply(status=202, headers={"x-extra": "1"}, date_offset=-7200.0)]
    async with (
        asyncio.timeout(5),
        FaultServer(script, then=ok(b'{"n": 1}')) as server,
        aiohttp.ClientSession() as session,
    ):
        answers = []
        for i in range(4):
            async with session.post(f"{server.url}/p/{i}?q={i}", data=b"body-%d" % i) as r:
                answers.append((r.status, r.headers, await r.read()))

    assert [a[0] for a in answers] == [500, 202, 200, 200]
    assert answers[0][1]["x-amzn-ErrorType"].startswith("ServiceException:")
    assert answers[1][1]["x-extra"] == "1"
    date = datetime.strptime(answers[1][1]["Date"], "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(date.replace(tzinfo=UTC).timestamp() - (time.time() - 7200)) < 5
    assert answers[3][2] == b'{"n": 1}'
    assert [(r.index, r.method, r.path, r.query, r.body) for r in server.requests] == [
        (i, "POST", f"/p/{i}", f"q={i}", b"body-%d" % i) for i in range(4)
    ]
    assert [r.arrived for r in server.requests] == sorted(r.arrived for r in server.requests)


async def test_fault_server_refuses_requests_beyond_its_budget() -> None:
    server = FaultServer(max_requests=2)
    statuses = []
    with pytest.raises(BudgetExceeded):
        async with asyncio.timeout(5), server, aiohttp.ClientSession() as session:
            for _ in range(3):
                async with session.get(server.url) as r:
                    statuses.append(r.status)

    assert statuses == [200, 200, 599]
    assert len(server.requests) == 2


async def test_fault_server_stops_by_itself() -> None:
    async with asyncio.timeout(5), FaultServer(lifetime=0.3) as server:
        await asyncio.sleep(0.6)
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientConnectorError):
                await session.get(server.url)
