"""Retry policy: which failures are retried, how long to wait, and when to stop.

The numbers and their reasons are in docs/design/retries.md. Everything here
is sans-IO: time comes from an injected clock, waiting is the caller's job.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from .exceptions import LambdaClientError, ServiceError, TransportError
from .records import FrozenRecord, Record
from .service_model import OperationSpec

#: Full-jitter backoff bases (seconds): throttles and "in progress" conflicts
#: back off from 1 s, other transient failures from 50 ms; all capped at 20 s.
THROTTLE_BASE = 1.0
TRANSIENT_BASE = 0.05
MAX_BACKOFF = 20.0

#: Retry quota: a token bucket shared by the client's calls, so a failing
#: service is not hammered: retries spend tokens, successes earn them back.
QUOTA_CAPACITY = 500
RETRY_COST = 5
TIMEOUT_COST = 10
NO_RETRY_INCREMENT = 1

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "InternalError"})
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
SKEW_CODES = frozenset(
    {"RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException", "SignatureDoesNotMatch"}
)
_SKEW_MESSAGE = re.compile(r"signature (has )?expired|not yet current|too skewed|clock", re.I)
# Lambda's 409 text for a resource that is busy rather than duplicated:
# "An update is in progress for resource: ..." or "The function is currently
# in the following state: Pending".
_IN_PROGRESS = re.compile(r"in progress|currently in the following state", re.I)

#: 409 conflicts that no wait resolves, whatever their text says: the
#: function must be updated first. Code -> why, for ``retry_stop_reason``.
PERMANENT_CONFLICTS = {
    "RuntimeAliasDeletedException": (
        "the function's runtime alias no longer exists; update the function to an available one"
    ),
    "RuntimeVersionDeletedException": (
        "the function's runtime version no longer exists; update the function to an "
        "available runtime version or alias"
    ),
}
#: Operations whose ResourceConflictException means the durable execution is
#: in a state the request does not accept (DeleteDurableExecution: not ended
#: yet, which can take up to a year; Pause/Resume: ended, or not running or
#: paused). Whether and when that changes is the execution's business, so the
#: conflict is raised at once, whatever its text; GetDurableExecution and the
#: durable-execution waiters tell the state.
DURABLE_STATE_OPERATIONS = frozenset(
    {"DeleteDurableExecution", "PauseDurableExecution", "ResumeDurableExecution"}
)


class Decision(FrozenRecord):
    """Whether to retry one failed attempt, and how."""

    __slots__ = ("retry", "reason", "kind", "retry_after")  # noqa: RUF023 (repr order)

    retry: bool
    reason: str
    #: throttle | transient | timeout | conflict | skew
    kind: str
    #: Minimum wait the service asked for (seconds), if any.
    retry_after: float | None

    def __init__(
        self, retry: bool, reason: str, kind: str = "", retry_after: float | None = None
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "retry", retry)
        setattr_(self, "reason", reason)
        setattr_(self, "kind", kind)
        setattr_(self, "retry_after", retry_after)


def _header(error: ServiceError, name: str) -> str | None:
    headers = error.headers
    value = headers.get(name)
    if value is None:
        # Plain dicts from fakes are case-sensitive; real responses are not.
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


def _delay(value: str | None) -> float | None:
    """A non-negative number of time units, or None for anything else."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    # float() also accepts "nan" and "inf", and turns "1e400" into inf: none
    # is a delay, and nan would slip through every comparison with the cap.
    return max(number, 0.0) if math.isfinite(number) else None


def _retry_after(error: ServiceError) -> float | None:
    millis = _delay(_header(error, "x-amz-retry-after"))
    if millis is not None:
        return millis / 1000.0
    return _delay(_header(error, "retry-after"))


def is_clock_skew_code(code: str | None, message: str | None) -> bool:
    """Whether an error code (and its message) says the request's signature
    time is off: the same rule for API errors and function-URL refusals."""
    if code in ("RequestTimeTooSkewed", "RequestExpired"):
        return True
    return code in SKEW_CODES and bool(_SKEW_MESSAGE.search(message or ""))


def is_clock_skew(error: ServiceError) -> bool:
    return is_clock_skew_code(error.code, error.message)


def classify(
    op: OperationSpec[Any, Any], error: LambdaClientError, *, retry_sent_invokes: bool
) -> Decision:
    if isinstance(error, TransportError):
        if not error.request_sent:
            return Decision(True, "connection failed before the request was sent", "timeout")
        if op.invokes_function and not retry_sent_invokes:
            return Decision(
                False,
                f"{type(error).__name__} after {op.name} was sent: the function may have "
                "run, so it is not sent again (ClientConfig.retry_sent_invokes allows it)",
            )
        return Decision(True, f"{type(error).__name__} after sending", "timeout")
    if not isinstance(error, ServiceError):
        return Decision(False, f"{type(error).__name__} is not retryable")
    code = error.code
    if is_clock_skew(error):
        return Decision(True, f"{code}: clock skew", "skew")
    if error.is_throttling or code in THROTTLING_CODES or error.status_code == 429:
        return Decision(True, f"{code}: throttled", "throttle", _retry_after(error))
    if code in PERMANENT_CONFLICTS:
        return Decision(False, f"{code}: {PERMANENT_CONFLICTS[code]}")
    if code == "ResourceConflictException" and op.name in DURABLE_STATE_OPERATIONS:
        return Decision(
            False, f"{code}: the durable execution's state does not allow {op.name} now"
        )
    if code == "ResourceConflictException" or error.status_code == 409:
        text = " ".join(str(v) for v in (error.message, getattr(error, "type", None)) if v)
        if _IN_PROGRESS.search(text):
            return Decision(True, f"{code}: operation in progress", "conflict", _retry_after(error))
        return Decision(False, f"{code}: conflict that waiting will not resolve")
    if code in TRANSIENT_CODES or error.status_code in TRANSIENT_STATUS:
        return Decision(True, f"{code}: transient", "transient", _retry_after(error))
    return Decision(False, f"{code} is not retryable")


def backoff(kind: str, retry_number: int, rand: Callable[[], float] = random.random) -> float:
    """Full jitter: uniform in [0, min(base * 2**(n-1), MAX_BACKOFF)]."""
    base = THROTTLE_BASE if kind in ("throttle", "conflict") else TRANSIENT_BASE
    # The cap is reached long before 2**64; bounding the exponent keeps a
    # huge max_attempts from overflowing the float power (at retry 1025).
    exponent = min(retry_number - 1, 64)
    ceiling: float = min(base * 2.0**exponent, MAX_BACKOFF)
    return rand() * ceiling


class CallAttempts(Record):
    """The retry bookkeeping of one call (an API call or a function-URL
    request), for `next_step`."""

    __slots__ = ("max_attempts", "attempt", "spent", "total_delay", "skew_corrected")  # noqa: RUF023

    def __init__(self, max_attempts: int) -> None:
        self.max_attempts = max_attempts
        #: The attempt under way (1 for the first).
        self.attempt = 0
        #: Quota tokens the call's retries took, given back when it succeeds.
        self.spent = 0
        #: Seconds waited between attempts so far.
        self.total_delay = 0.0
        #: A clock-skew retry was made (a second skew refusal stops the call).
        self.skew_corrected = False


def next_step(
    decision: Decision,
    attempts: CallAttempts,
    quota: RetryQuota,
    *,
    retry_after_cap: float,
    offset: float | None,
) -> tuple[str | None, float]:
    """After a failed attempt: why the call stops (None: it retries) and the
    wait before the next attempt. A retry takes its tokens from ``quota``
    (kept in ``attempts.spent``); ``offset`` is the server's clock offset
    learned from a clock-skew refusal, if it could be read."""
    if not decision.retry:
        return decision.reason, 0.0
    max_attempts = attempts.max_attempts
    if attempts.attempt >= max_attempts:
        return f"{decision.reason}; all {max_attempts} attempts used", 0.0
    if decision.kind == "skew":
        if attempts.skew_corrected:
            return f"{decision.reason}, again after re-signing with the server's clock", 0.0
        if offset is None:
            return f"{decision.reason}, and the server's Date cannot correct it", 0.0
        # Re-signed with the server's time and sent again at once.
        attempts.skew_corrected = True
        return None, 0.0
    cap = retry_after_cap
    if decision.retry_after is not None and decision.retry_after > cap:
        # Decided before touching the quota: a retry that will not happen
        # must not take tokens from the client's other calls.
        return (
            f"{decision.reason}; the service asked to wait {decision.retry_after:g} s, "
            f"more than retry_after_cap ({cap:g} s)",
            0.0,
        )
    cost = quota.acquire(decision.kind)
    if cost is None:
        return f"{decision.reason}; retry quota exhausted", 0.0
    attempts.spent += cost
    delay = backoff(decision.kind, attempts.attempt)
    if decision.retry_after is not None:
        delay = max(delay, decision.retry_after)
    return None, delay


class RetryQuota(Record):
    """Token bucket limiting retries across all calls of one client."""

    __slots__ = ("capacity", "available")  # noqa: RUF023 (repr order)

    def __init__(self, capacity: int = QUOTA_CAPACITY, available: int = QUOTA_CAPACITY) -> None:
        self.capacity = capacity
        self.available = available

    def acquire(self, kind: str) -> int | None:
        """Tokens taken for one retry, or None when the quota is spent."""
        cost = TIMEOUT_COST if kind == "timeout" else RETRY_COST
        if cost > self.available:
            return None
        self.available -= cost
        return cost

    def release(self, spent: int) -> None:
        """A call succeeded: give back what its retries spent, or earn a token."""
        self.available = min(self.capacity, self.available + (spent or NO_RETRY_INCREMENT))


class AdaptiveRateLimiter:
    """Client-side rate limiting that slows down after throttles (adaptive mode).

    A token bucket whose fill rate follows CUBIC congestion control: on a
    throttle the rate drops to BETA times the measured send rate; after that
    it grows back along a cubic curve centred on the rate that was throttled.
    It does nothing until the first throttle.
    """

    BETA = 0.7
    SCALE = 0.4
    MIN_FILL_RATE = 0.5
    SMOOTHING = 0.8
    BUCKET_SECONDS = 0.5

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.enabled = False
        self.fill_rate = 0.0
        self.max_capacity = 0.0
        self.capacity = 0.0
        self._last_refill = clock()
        self._last_max_rate = 0.0
        self._last_throttle = clock()
        self._window = 0.0
        self.measured_rate = 0.0
        self._bucket_start = math.floor(clock() * 2) / 2
        self._bucket_count = 0

    def delay_before_send(self) -> float:
        """Seconds to wait before the next request may go out (0 if none);
        the caller sleeps that long and asks again."""
        if not self.enabled:
            return 0.0
        self._refill()
        if self.capacity >= 1.0:
            self.capacity -= 1.0
            return 0.0
        return (1.0 - self.capacity) / self.fill_rate

    def _refill(self) -> None:
        now = self._clock()
        self.capacity = min(
            self.max_capacity, self.capacity + (now - self._last_refill) * self.fill_rate
        )
        self._last_refill = now

    def _measure(self) -> None:
        now = self._clock()
        bucket = math.floor(now * 2) / 2
        self._bucket_count += 1
        if bucket > self._bucket_start:
            current = self._bucket_count / (bucket - self._bucket_start)
            self.measured_rate = current * self.SMOOTHING + self.measured_rate * (
                1 - self.SMOOTHING
            )
            self._bucket_count = 0
            self._bucket_start = bucket

    def record(self, *, throttled: bool) -> None:
        """Update the rate after a response (throttled or not)."""
        self._measure()
        now = self._clock()
        if throttled:
            rate = (
                self.measured_rate if not self.enabled else min(self.measured_rate, self.fill_rate)
            )
            self._last_max_rate = rate
            self._window = (self._last_max_rate * (1 - self.BETA) / self.SCALE) ** (1 / 3)
            self._last_throttle = now
            target = rate * self.BETA
            self.enabled = True
        else:
            elapsed = now - self._last_throttle
            target = self.SCALE * (elapsed - self._window) ** 3 + self._last_max_rate
        if not self.enabled:
            return
        self._refill()
        self.fill_rate = max(min(target, 2 * self.measured_rate), self.MIN_FILL_RATE)
        self.max_capacity = max(self.fill_rate, 1.0)
        self.capacity = min(self.capacity, self.max_capacity)


def server_clock_offset(
    date_header: str | None, sent_at: float, received_at: float
) -> float | None:
    """Seconds to add to the local clock to match the server's ``Date``,
    measured against the midpoint of the exchange; None when the header is
    missing, is not a date, or names a time no server keeps (before 2000 or
    from 3000 on)."""
    if not date_header:
        return None
    # One guard for the whole reader: besides ValueError, a year such as
    # 99999999 overflows (OverflowError) and platforms refuse timestamps
    # out of their range (OSError). A bad Date means no correction.
    try:
        parsed = parsedate_to_datetime(date_header)
        if parsed.tzinfo is None:
            # The asctime form and a "-0000" zone parse without a zone, and
            # timestamp() would then read them as local time; HTTP dates are GMT.
            parsed = parsed.replace(tzinfo=UTC)
        server_time = parsed.timestamp()
    except Exception:
        return None
    if not _PLAUSIBLE_SERVER_TIME[0] <= server_time < _PLAUSIBLE_SERVER_TIME[1]:
        # Every later request would be signed at that time, and a date past
        # year 9999 cannot even be written: a correction to it is refused.
        return None
    return server_time - (sent_at + received_at) / 2


# Server clocks a skew correction may adopt: 2000-01-01 to 3000-01-01 (UTC).
_PLAUSIBLE_SERVER_TIME = (946_684_800.0, 32_503_680_000.0)
