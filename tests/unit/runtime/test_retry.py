"""The retry policy in isolation: classification, backoff, quota, Retry-After,
the adaptive limiter and the clock offset. Time and randomness are injected,
so every number here is exact."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_client._generated.errors import ERRORS_BY_CODE
from lambda_client._generated.operations import (
    CHECKPOINT_DURABLE_EXECUTION,
    GET_FUNCTION,
    INVOKE,
    INVOKE_ASYNC,
    INVOKE_WITH_RESPONSE_STREAM,
    UPDATE_FUNCTION_CONFIGURATION,
)
from lambda_client._runtime.exceptions import (
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    DeserializationError,
    LambdaClientError,
    ParamValidationError,
    ReadTimeoutError,
    ServiceError,
    TransportError,
    UnknownServiceError,
)
from lambda_client._runtime.retry import (
    MAX_BACKOFF,
    QUOTA_CAPACITY,
    RETRY_COST,
    THROTTLE_BASE,
    TIMEOUT_COST,
    TRANSIENT_BASE,
    AdaptiveRateLimiter,
    Decision,
    RetryQuota,
    backoff,
    classify,
    is_clock_skew,
    server_clock_offset,
)
from lambda_client._runtime.service_model import OperationSpec

INVOKING: list[OperationSpec[Any, Any]] = [INVOKE, INVOKE_ASYNC, INVOKE_WITH_RESPONSE_STREAM]
NOT_INVOKING: list[OperationSpec[Any, Any]] = [
    GET_FUNCTION,
    UPDATE_FUNCTION_CONFIGURATION,
    CHECKPOINT_DURABLE_EXECUTION,
]


def service_error(
    code: str,
    status: int,
    message: str | None = "boom",
    headers: dict[str, str] | None = None,
    fields: dict[str, Any] | None = None,
) -> ServiceError:
    cls = ERRORS_BY_CODE.get(code, UnknownServiceError)
    return cls(code=code, message=message, status_code=status, headers=headers, fields=fields)


def decide(
    error: LambdaClientError,
    op: OperationSpec[Any, Any] = GET_FUNCTION,
    *,
    retry_sent_invokes: bool = False,
) -> Decision:
    return classify(op, error, retry_sent_invokes=retry_sent_invokes)


# -- classification ----------------------------------------------------------------

SERVICE_TABLE: list[tuple[str, int, str | None, bool, str]] = [
    # code, status, message, retry, kind
    ("TooManyRequestsException", 429, "Rate exceeded", True, "throttle"),
    ("EC2ThrottledException", 502, "EC2 throttled", True, "throttle"),
    ("ThrottlingException", 400, "Rate exceeded", True, "throttle"),
    ("SlowDown", 503, None, True, "throttle"),
    ("SomethingNew", 429, None, True, "throttle"),
    ("ServiceException", 500, "internal", True, "transient"),
    ("SomethingNew", 502, None, True, "transient"),
    ("SomethingNew", 503, None, True, "transient"),
    ("SomethingNew", 504, None, True, "transient"),
    ("RequestTimeoutException", 408, None, True, "transient"),
    ("InternalError", 400, None, True, "transient"),
    (
        "ResourceConflictException",
        409,
        "The operation cannot be performed at this time. An update is in progress "
        "for resource: arn:aws:lambda:us-east-1:123456789012:function:f",
        True,
        "conflict",
    ),
    (
        "ResourceConflictException",
        409,
        "The operation cannot be performed at this time. The function is currently "
        "in the following state: Pending",
        True,
        "conflict",
    ),
    ("ResourceConflictException", 409, "Alias already exists: arn:aws:lambda:...:live", False, ""),
    ("ResourceConflictException", 409, "Function already exist: f", False, ""),
    ("ResourceConflictException", 409, None, False, ""),
    (
        "InvalidSignatureException",
        403,
        "Signature expired: 20240101T000000Z is now earlier than 20240101T005500Z "
        "(20240101T010000Z - 5 min.)",
        True,
        "skew",
    ),
    (
        "InvalidSignatureException",
        403,
        "Signature not yet current: 20240101T010000Z is still later than 20240101T000500Z",
        True,
        "skew",
    ),
    ("RequestTimeTooSkewed", 403, None, True, "skew"),
    ("RequestExpired", 400, None, True, "skew"),
    (
        "InvalidSignatureException",
        403,
        "The request signature we calculated does not match the signature you provided.",
        False,
        "",
    ),
    ("InvalidParameterValueException", 400, "bad timeout", False, ""),
    ("ResourceNotFoundException", 404, "Function not found", False, ""),
    ("AccessDeniedException", 403, "no", False, ""),
    ("UnrecognizedClientException", 403, "bad token", False, ""),
]


@pytest.mark.parametrize(("code", "status", "message", "retry", "kind"), SERVICE_TABLE)
@pytest.mark.parametrize("op", [GET_FUNCTION, INVOKE], ids=lambda op: op.name)
def test_service_error_classification(
    op: OperationSpec[Any, Any],
    code: str,
    status: int,
    message: str | None,
    retry: bool,
    kind: str,
) -> None:
    # The service answered, so the function-may-have-run rule never applies.
    d = decide(service_error(code, status, message), op)
    assert (d.retry, d.kind) == (retry, kind)
    assert code in d.reason


def test_conflict_in_progress_can_be_read_from_the_type_field() -> None:
    e = service_error("ResourceConflictException", 409, None, fields={"Type": "Update in progress"})
    assert decide(e).kind == "conflict"


@pytest.mark.parametrize("op", INVOKING + NOT_INVOKING, ids=lambda op: op.name)
@pytest.mark.parametrize("cls", [ConnectError, ConnectTimeoutError])
def test_failures_before_sending_are_retried_for_every_operation(
    op: OperationSpec[Any, Any], cls: type[TransportError]
) -> None:
    d = decide(cls("refused"), op)
    assert (d.retry, d.kind) == (True, "timeout")
    assert "before the request was sent" in d.reason


@pytest.mark.parametrize("cls", [ReadTimeoutError, ConnectionClosedError, TransportError])
@pytest.mark.parametrize("op", NOT_INVOKING, ids=lambda op: op.name)
def test_failures_after_sending_are_retried_when_nothing_runs(
    op: OperationSpec[Any, Any], cls: type[TransportError]
) -> None:
    d = decide(cls("late"), op)
    assert (d.retry, d.kind) == (True, "timeout")


@pytest.mark.parametrize("cls", [ReadTimeoutError, ConnectionClosedError, TransportError])
@pytest.mark.parametrize("op", INVOKING, ids=lambda op: op.name)
def test_failures_after_sending_an_invoke_are_final(
    op: OperationSpec[Any, Any], cls: type[TransportError]
) -> None:
    d = decide(cls("late"), op)
    assert not d.retry
    assert op.name in d.reason and "may have run" in d.reason
    assert "retry_sent_invokes" in d.reason
    allowed = decide(cls("late"), op, retry_sent_invokes=True)
    assert (allowed.retry, allowed.kind) == (True, "timeout")


@pytest.mark.parametrize(
    "error",
    [
        DeserializationError("not json", status_code=200),
        ParamValidationError("GetFunction", [("function_name", "required")]),
        LambdaClientError("other"),
    ],
)
def test_errors_that_are_not_about_the_exchange_are_final(error: LambdaClientError) -> None:
    d = decide(error)
    assert not d.retry
    assert type(error).__name__ in d.reason


def test_invoke_flag_matches_the_operations_that_run_functions() -> None:
    assert {op.name for op in INVOKING if op.invokes_function} == {
        "Invoke",
        "InvokeAsync",
        "InvokeWithResponseStream",
    }
    assert not any(op.invokes_function for op in NOT_INVOKING)


def test_is_clock_skew_needs_the_right_message_for_signature_errors() -> None:
    assert is_clock_skew(service_error("SignatureDoesNotMatch", 403, "Signature expired: ..."))
    assert not is_clock_skew(service_error("SignatureDoesNotMatch", 403, "does not match"))
    assert not is_clock_skew(service_error("InvalidSignatureException", 403, None))


# -- Retry-After --------------------------------------------------------------------


def retry_after(headers: dict[str, str], code: str = "TooManyRequestsException") -> float | None:
    status = 429 if code == "TooManyRequestsException" else 500
    return decide(service_error(code, status, headers=headers)).retry_after


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"RETRY-AFTER": "7"}, 7.0),
        ({"x-amz-retry-after": "1500"}, 1.5),
        ({"X-Amz-Retry-After": "20"}, 0.02),
        # The precise header wins over the coarse one.
        ({"x-amz-retry-after": "1500", "Retry-After": "9"}, 1.5),
        # A garbled millisecond value falls back to the seconds header.
        ({"x-amz-retry-after": "soon", "Retry-After": "3"}, 3.0),
        ({"Retry-After": "-4"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": ""}, None),
        # The HTTP-date form is not honoured: only delays are.
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after(headers) == expected


def test_retry_after_is_read_for_transient_and_conflict_errors_too() -> None:
    assert retry_after({"Retry-After": "4"}, "ServiceException") == 4.0
    conflict = service_error(
        "ResourceConflictException", 409, "An update is in progress", {"Retry-After": "3"}
    )
    assert decide(conflict).retry_after == 3.0


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400"])
def test_retry_after_that_is_not_a_finite_number_is_ignored(value: str) -> None:
    assert retry_after({"Retry-After": value}) is None
    assert retry_after({"x-amz-retry-after": value}) is None


# -- backoff -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "retry", "ceiling"),
    [
        ("throttle", 1, 1.0),
        ("throttle", 2, 2.0),
        ("throttle", 5, 16.0),
        ("throttle", 6, 20.0),
        ("throttle", 50, 20.0),
        ("conflict", 3, 4.0),
        ("transient", 1, 0.05),
        ("transient", 2, 0.1),
        ("transient", 9, 12.8),
        ("transient", 10, 20.0),
        ("timeout", 3, 0.2),
    ],
)
def test_backoff_ceiling(kind: str, retry: int, ceiling: float) -> None:
    assert backoff(kind, retry, rand=lambda: 1.0) == pytest.approx(ceiling)
    assert backoff(kind, retry, rand=lambda: 0.5) == pytest.approx(ceiling / 2)
    assert backoff(kind, retry, rand=lambda: 0.0) == 0.0


@given(
    kind=st.sampled_from(["throttle", "conflict", "transient", "timeout"]),
    retry=st.integers(min_value=1, max_value=100_000),
    r=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_backoff_is_full_jitter_within_the_cap(kind: str, retry: int, r: float) -> None:
    base = THROTTLE_BASE if kind in ("throttle", "conflict") else TRANSIENT_BASE
    delay = backoff(kind, retry, rand=lambda: r)
    assert 0.0 <= delay <= MAX_BACKOFF
    assert delay <= base * 2.0 ** min(retry - 1, 64)


def test_backoff_uses_the_whole_jitter_range() -> None:
    delays = [backoff("throttle", 3) for _ in range(200)]
    # Full jitter spreads over [0, 4): many distinct values, some low and some high.
    # (Compared unrounded: rounding a draw just under 4 would make it 4.0.)
    assert len({round(d, 3) for d in delays}) > 50
    assert min(delays) < 1.0 < 3.0 < max(delays) < 4.0
    # The ends of the range, from the random source's own ends.
    assert backoff("throttle", 3, rand=lambda: 0.0) == 0.0
    assert backoff("throttle", 3, rand=lambda: 1.0 - 2**-53) < 4.0


# -- retry quota ------------------------------------------------------------------------


def test_quota_costs_and_refunds() -> None:
    q = RetryQuota()
    assert q.available == QUOTA_CAPACITY == 500
    assert q.acquire("throttle") == RETRY_COST == 5
    assert q.acquire("transient") == 5
    assert q.acquire("conflict") == 5
    assert q.acquire("timeout") == TIMEOUT_COST == 10
    assert q.available == 475
    q.release(25)
    assert q.available == 500
    # Never above capacity, whatever is given back.
    q.release(0)
    q.release(10)
    assert q.available == 500


def test_quota_exhaustion_and_refill() -> None:
    q = RetryQuota(available=12)
    assert q.acquire("timeout") == 10
    assert q.available == 2
    assert q.acquire("throttle") is None
    assert q.acquire("timeout") is None
    # A refused acquire takes nothing.
    assert q.available == 2
    for _ in range(3):
        q.release(0)
    assert q.available == 5
    assert q.acquire("transient") == 5
    assert q.available == 0


def test_quota_pays_for_exactly_capacity_over_cost_retries() -> None:
    q = RetryQuota()
    granted = 0
    while q.acquire("transient") is not None:
        granted += 1
    assert granted == QUOTA_CAPACITY // RETRY_COST == 100
    assert q.available == 0


# -- adaptive rate limiter -------------------------------------------------------------------


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def steady(limiter: AdaptiveRateLimiter, clock: FakeClock, rate: float, seconds: float) -> None:
    """Successful responses at ``rate`` per second for ``seconds``."""
    step = 1.0 / rate
    for _ in range(round(seconds * rate)):
        clock.now += step
        limiter.record(throttled=False)


def test_limiter_stays_out_of_the_way_until_the_first_throttle() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    steady(limiter, clock, 8, 3.0)
    assert not limiter.enabled
    assert limiter.measured_rate == pytest.approx(8.0, rel=0.01)
    assert all(limiter.delay_before_send() == 0.0 for _ in range(1000))


def test_limiter_measures_in_half_second_buckets_with_smoothing() -> None:
    clock = FakeClock(1000.0)
    limiter = AdaptiveRateLimiter(clock)
    # Four responses in each half second is 8/s; each finished bucket moves
    # the estimate 80% of the way towards it.
    expected = 0.0
    for _ in range(4):
        for _ in range(4):
            clock.now += 0.125
            limiter.record(throttled=False)
        expected = 0.8 * 8.0 + 0.2 * expected
        assert limiter.measured_rate == pytest.approx(expected)


def test_throttle_drops_the_rate_to_beta_times_the_measured_rate() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    steady(limiter, clock, 8, 3.0)
    clock.now += 0.125
    limiter.record(throttled=True)
    assert limiter.enabled
    assert limiter.fill_rate == pytest.approx(0.7 * limiter.measured_rate)
    assert limiter.fill_rate == pytest.approx(5.6, rel=0.01)
    assert limiter.max_capacity == pytest.approx(limiter.fill_rate)


def test_rate_grows_back_along_the_cubic_curve() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    steady(limiter, clock, 8, 3.0)
    clock.now += 0.125
    limiter.record(throttled=True)
    throttled_at = clock.now
    peak = limiter.measured_rate
    k = (peak * (1 - 0.7) / 0.4) ** (1 / 3)

    rates = []
    for _ in range(12):
        steady(limiter, clock, 8, 0.25)
        expected = 0.4 * (clock.now - throttled_at - k) ** 3 + peak
        # The cubic target, unless twice the measured rate is lower.
        assert limiter.fill_rate == pytest.approx(
            max(min(expected, 2 * limiter.measured_rate), 0.5)
        )
        rates.append(limiter.fill_rate)
    assert rates == sorted(rates)
    assert rates[0] < peak
    # Past the inflection point (k ~ 1.96 s) it is back above what was throttled.
    assert rates[-1] > peak


def test_repeated_throttles_compound_and_floor_at_half_a_request_per_second() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    steady(limiter, clock, 8, 3.0)
    clock.now += 0.01
    limiter.record(throttled=True)
    first = limiter.fill_rate
    clock.now += 0.01
    limiter.record(throttled=True)
    # Once enabled, a throttle starts from the lower of the measured and the allowed rate.
    assert limiter.fill_rate == pytest.approx(0.7 * first)
    for _ in range(50):
        clock.now += 0.01
        limiter.record(throttled=True)
    assert limiter.fill_rate == AdaptiveRateLimiter.MIN_FILL_RATE
    assert limiter.max_capacity == 1.0


def test_a_throttle_with_nothing_measured_starts_at_the_floor() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    limiter.record(throttled=True)
    assert limiter.enabled
    assert limiter.fill_rate == AdaptiveRateLimiter.MIN_FILL_RATE


def test_delay_before_send_follows_the_fill_rate() -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    limiter.record(throttled=True)
    # Empty bucket at 0.5 tokens/s: two seconds until the next request.
    assert limiter.delay_before_send() == pytest.approx(2.0)
    clock.now += 1.0
    assert limiter.delay_before_send() == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.delay_before_send() == 0.0
    # That took the token.
    assert limiter.delay_before_send() == pytest.approx(2.0)
    # The bucket holds at most one second's worth (and at least one token).
    clock.now += 100.0
    assert limiter.delay_before_send() == 0.0
    assert limiter.delay_before_send() > 0.0


@given(
    events=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=5.0), st.booleans(), st.booleans()),
        max_size=200,
    )
)
def test_limiter_invariants(events: list[tuple[float, bool, bool]]) -> None:
    clock = FakeClock()
    limiter = AdaptiveRateLimiter(clock)
    for dt, throttled, send in events:
        clock.now += dt
        if send:
            assert limiter.delay_before_send() >= 0.0
        limiter.record(throttled=throttled)
        if limiter.enabled:
            assert limiter.fill_rate >= AdaptiveRateLimiter.MIN_FILL_RATE
            assert limiter.max_capacity >= 1.0
            assert 0.0 <= limiter.capacity <= limiter.max_capacity
    assert limiter.enabled == any(t for _, t, _ in events)


# -- clock offset -----------------------------------------------------------------------------

EPOCH_2024 = 1704067200.0  # 2024-01-01T00:00:00Z


@pytest.mark.parametrize(
    ("date", "sent", "received", "offset"),
    [
        ("Mon, 01 Jan 2024 00:00:00 GMT", EPOCH_2024 - 5, EPOCH_2024 + 5, 0.0),
        ("Mon, 01 Jan 2024 01:00:00 GMT", EPOCH_2024 - 5, EPOCH_2024 + 5, 3600.0),
        # Measured against the midpoint, not the send or the receive time.
        ("Mon, 01 Jan 2024 00:00:00 GMT", EPOCH_2024 - 100, EPOCH_2024, 50.0),
        ("Sun, 31 Dec 2023 23:50:00 GMT", EPOCH_2024, EPOCH_2024 + 2, -601.0),
        ("Mon, 01 Jan 2024 00:00:00 +0000", EPOCH_2024, EPOCH_2024, 0.0),
        ("Monday, 01-Jan-24 00:00:00 GMT", EPOCH_2024, EPOCH_2024, 0.0),
    ],
)
def test_server_clock_offset(date: str, sent: float, received: float, offset: float) -> None:
    assert server_clock_offset(date, sent, received) == pytest.approx(offset)


@pytest.mark.parametrize(
    "date",
    [
        None,
        "",
        "yesterday",
        "Mon, 99 Foo 2024 00:00:00 GMT",
        # Years that overflow the parser, the platform, or what a signature can carry.
        "01 Jan 10000000000000000000000 00:00:00 GMT",
        "Fri, 01 Jan 99999999 00:00:00 GMT",
        "Fri, 31 Dec 9999 23:59:59 -2359",
        "Thu, 01 Jan 1970 00:00:00 GMT",
    ],
)
def test_server_clock_offset_without_a_usable_date(date: str | None) -> None:
    assert server_clock_offset(date, EPOCH_2024, EPOCH_2024) is None


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        yield
    finally:
        monkeypatch.undo()
        time.tzset()


@pytest.mark.usefixtures("far_from_utc")
@pytest.mark.parametrize("date", ["Mon Jan  1 00:00:00 2024", "Mon, 01 Jan 2024 00:00:00 -0000"])
def test_zone_less_dates_are_gmt_whatever_the_local_zone(date: str) -> None:
    assert time.timezone != 0
    assert server_clock_offset(date, EPOCH_2024, EPOCH_2024) == 0.0
