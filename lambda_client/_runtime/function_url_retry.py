"""Which failed function-URL attempts are sent again, and the error a
error answer (400 or above) becomes.

A function URL runs the caller's own function, so the rule is stricter
than for the Lambda API: a request that may have reached the function is
sent again only when its method is idempotent or the caller allows it.
How long to wait, the cap on ``Retry-After`` and the retry quota are the
client's (retry.py, through the pipeline), shared with its API calls. The
reasons are in docs/design/function-urls.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from . import jsonload
from .exceptions import (
    FunctionUrlAuthError,
    FunctionUrlError,
    LambdaClientError,
    TransportError,
    error_class,
)
from .function_url_request import IDEMPOTENT_METHODS
from .retry import Decision, is_clock_skew_code

__all__ = ["BODY_LIMIT", "classify", "make_error", "read_limit", "retry_after"]

#: Characters of an error body kept for the exception.
BODY_LIMIT = 4096
_MESSAGE_LIMIT = 300
_REDACTED = "<redacted>"


def _http_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, OverflowError):
        return None


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds the server asked to wait: ``Retry-After`` as seconds or as an
    HTTP date (measured against the response's ``Date`` when it has one, so
    a skewed local clock does not distort it); ``None`` when absent or bad."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        when = _http_date(value)
        if when is None:
            return None
        date = headers.get("date")
        reference = (_http_date(date) if date else None) or now
        return max(when - reference, 0.0)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _message(body: str, error_type: str | None) -> str | None:
    """AWS's message from a JSON error body, else the start of the body."""
    if error_type:
        try:
            # Bounded in size and depth: a hostile body cannot make this raise.
            data: Any = jsonload.loads(body.encode("utf-8", "surrogatepass"))
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ("message", "Message", "errorMessage"):
                value = data.get(key)
                if isinstance(value, str) and value:
                    return value[:_MESSAGE_LIMIT]
    text = " ".join(body.split())
    if not text:
        return None
    return text if len(text) <= _MESSAGE_LIMIT else text[:_MESSAGE_LIMIT] + "..."


def read_limit(secrets: tuple[str, ...]) -> int:
    """Bytes of an error body to read so that the first BODY_LIMIT
    characters can be cleaned of ``secrets``: a character takes at most
    four bytes, and a secret that starts inside the excerpt must be whole
    in what was read to be recognised."""
    return 4 * BODY_LIMIT + max((len(s) for s in secrets), default=0)


def _excerpt(body: bytes, secrets: tuple[str, ...]) -> str:
    """The first BODY_LIMIT characters of the body, every secret blanked out
    before the cut, so that the cut cannot leave part of one behind."""
    text = body[: read_limit(secrets)].decode("utf-8", "replace")
    for secret in secrets:
        text = text.replace(secret, _REDACTED)
    return text[:BODY_LIMIT]


def make_error(
    *,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    method: str,
    url: str,
    secrets: tuple[str, ...],
    now: float,
) -> FunctionUrlError:
    """The exception for an error answer; never raises itself."""
    raw_type = headers.get("x-amzn-errortype")
    # "Name:http://internal.amazon.com/..." -> "Name".
    error_type = (raw_type.split(":", 1)[0].strip() or None) if raw_type else None
    text = _excerpt(body, secrets)
    return error_class(status)(
        status=status,
        method=method,
        url=url,
        request_id=headers.get("x-amzn-requestid"),
        headers=headers,
        error_type=error_type,
        message=_message(text, error_type),
        body=text,
        retry_after=retry_after(headers, now),
    )


def is_clock_skew(error: FunctionUrlError) -> bool:
    """A signature refused because the client's clock is off."""
    if not isinstance(error, FunctionUrlAuthError) or error.error_type is None:
        return False
    return is_clock_skew_code(error.error_type, error.message)


def classify(error: LambdaClientError, *, method: str, retry_sent: bool) -> Decision:
    """Whether to try a failed attempt again, and how."""
    if isinstance(error, TransportError):
        if not error.request_sent:
            return Decision(True, "connection failed before the request was sent", "timeout")
        if method in IDEMPOTENT_METHODS:
            return Decision(True, f"{type(error).__name__} after sending {method}", "timeout")
        if retry_sent:
            return Decision(
                True, f"{type(error).__name__} after sending; retry_sent allows it", "timeout"
            )
        return Decision(
            False,
            f"{type(error).__name__} after {method} was sent: the function may have run, "
            "so it is not sent again (retry_sent=True allows it)",
        )
    if not isinstance(error, FunctionUrlError):
        return Decision(False, f"{type(error).__name__} is not retryable")
    label = f"HTTP {error.status}" + (f" {error.error_type}" if error.error_type else "")
    if is_clock_skew(error):
        return Decision(True, f"{label}: clock skew", "skew")
    # 429 and 503 are refusals: the server says it did not act on the
    # request (RFC 6585 4, RFC 9110 15.6.4), so any method may be resent.
    if error.status == 429:
        return Decision(True, f"{label}: throttled", "throttle", error.retry_after)
    if error.status == 503:
        return Decision(True, f"{label}: unavailable", "transient", error.retry_after)
    return Decision(False, f"{label} is not retried")
