"""The library's log records: logger names, record attributes, and the
records themselves.

Every record is made here, so the names of the loggers and of the
attributes each record carries (``extra``) are defined once; the
observability guide documents them and a test holds them to it. Records
never carry a secret: credentials are described by where they came from,
configuration by an allow-list of fields that cannot hold one, and errors by
their code or class, never by a foreign exception's repr.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

#: Per-attempt records (DEBUG) and the end of response streams.
CALL = logging.getLogger("lambda_client.call")
#: Retry decisions that need attention (WARNING): an exhausted retry quota,
#: a corrected clock, an Invoke that is not sent again.
RETRY = logging.getLogger("lambda_client.retry")
#: Where credentials came from (DEBUG). The module of the same name logs here too.
CREDENTIALS = logging.getLogger("lambda_client.credentials")
#: The resolved endpoint and settings of a new client (DEBUG); settings that
#: weaken security (WARNING).
CONFIG = logging.getLogger("lambda_client.config")

# Attribute names put on records through ``extra``. One prefix keeps them
# apart from LogRecord's own attributes and from those other libraries add
# (the Lambda runtime puts its invocation's id on records as aws_request_id).
OPERATION = "lambda_operation"
ATTEMPT = "lambda_attempt"
MAX_ATTEMPTS = "lambda_max_attempts"
HTTP_STATUS = "lambda_http_status"
REQUEST_ID = "lambda_request_id"
INVOCATION_ID = "lambda_invocation_id"
DURATION_MS = "lambda_duration_ms"
OUTCOME = "lambda_outcome"
ERROR_TYPE = "lambda_error_type"
RETRY_DELAY = "lambda_retry_delay"
RETRY_REASON = "lambda_retry_reason"
RETRY_KIND = "lambda_retry_kind"
RETRY_AFTER = "lambda_retry_after"
STOP_REASON = "lambda_stop_reason"
FUNCTION_NAME = "lambda_function_name"
CLOCK_OFFSET = "lambda_clock_offset"
REGION = "lambda_region"
ENDPOINT = "lambda_endpoint"
CONFIG_VALUES = "lambda_config"
TELEMETRY = "lambda_telemetry"
CREDENTIALS_SOURCE = "lambda_credentials_source"
CREDENTIALS_METHOD = "lambda_credentials_method"
PROFILE = "lambda_profile"
EXPIRATION = "lambda_credentials_expiration"

#: The retry policy's internal kinds, as the records name them.
RETRY_KINDS = {
    "throttle": "throttled",
    "conflict": "in_progress",
    "transient": "transient",
    "timeout": "connection",
    "skew": "clock_skew",
}


def attempt(
    *,
    operation: str,
    attempt: int,
    max_attempts: int,
    status: int | None,
    request_id: str | None,
    invocation_id: str,
    duration: float,
    outcome: str,
    error_type: str | None = None,
    retry_delay: float | None = None,
    retry_reason: str | None = None,
    retry_kind: str | None = None,
    retry_after: float | None = None,
    stop_reason: str | None = None,
) -> None:
    """One attempt of a call, at DEBUG on ``lambda_client.call``; the caller
    has checked that DEBUG is enabled."""
    fields: dict[str, Any] = {
        OPERATION: operation,
        ATTEMPT: attempt,
        MAX_ATTEMPTS: max_attempts,
        HTTP_STATUS: status,
        REQUEST_ID: request_id,
        INVOCATION_ID: invocation_id,
        DURATION_MS: round(duration * 1000.0, 3),
        OUTCOME: outcome,
        ERROR_TYPE: error_type,
        RETRY_DELAY: retry_delay,
        RETRY_REASON: retry_reason,
        RETRY_KIND: RETRY_KINDS.get(retry_kind or "", retry_kind),
        RETRY_AFTER: retry_after,
        STOP_REASON: stop_reason,
    }
    what = f"HTTP {status}" if status is not None else "no response"
    if error_type is not None:
        what = f"{what} {error_type}"
    if outcome == "retry":
        after = f", Retry-After {retry_after:g} s" if retry_after is not None else ""
        decision = f"retrying in {retry_delay or 0.0:.3f} s ({retry_reason}{after})"
    elif outcome == "success":
        decision = "done"
    else:
        decision = f"stopped: {stop_reason}"
    CALL.debug(
        "%s attempt %d/%d: %s, request id %s, %.1f ms; %s",
        operation,
        attempt,
        max_attempts,
        what,
        request_id,
        duration * 1000.0,
        decision,
        extra=fields,
    )


def stream_ended(
    *,
    operation: str,
    invocation_id: str,
    request_id: str | None,
    duration: float,
    error: str | None,
) -> None:
    """The event stream of a streaming call ended (DEBUG); the caller has
    checked that DEBUG is enabled."""
    CALL.debug(
        "%s event stream ended after %.1f ms: %s",
        operation,
        duration * 1000.0,
        "complete" if error is None else error,
        extra={
            OPERATION: operation,
            INVOCATION_ID: invocation_id,
            REQUEST_ID: request_id,
            DURATION_MS: round(duration * 1000.0, 3),
            OUTCOME: "success" if error is None else "error",
            ERROR_TYPE: error,
        },
    )


def retry_quota_exhausted(*, operation: str, invocation_id: str, error_type: str) -> None:
    RETRY.warning(
        "%s: not retried, the client's retry quota is exhausted (%s); the service is "
        "failing many calls and this client stops adding retries until calls succeed again",
        operation,
        error_type,
        extra={OPERATION: operation, INVOCATION_ID: invocation_id, ERROR_TYPE: error_type},
    )


def clock_corrected(*, operation: str, offset: float, request_id: str | None) -> None:
    RETRY.warning(
        "%s: the service rejected the request's signing time; the local clock is %.1f s "
        "off the service's, and this client now signs with the service's time",
        operation,
        -offset,
        extra={OPERATION: operation, CLOCK_OFFSET: offset, REQUEST_ID: request_id},
    )


def invoke_not_resent(
    *, operation: str, invocation_id: str, function_name: str | None, error_type: str
) -> None:
    RETRY.warning(
        "%s of %s: %s after the request was sent; it is not sent again because the "
        "function may have run (invocation id %s; ClientConfig.retry_sent_invokes allows it)",
        operation,
        function_name,
        error_type,
        invocation_id,
        extra={
            OPERATION: operation,
            INVOCATION_ID: invocation_id,
            FUNCTION_NAME: function_name,
            ERROR_TYPE: error_type,
        },
    )


def tls_verification_off(*, endpoint: str) -> None:
    """Called once per client whose settings turn certificate verification
    off, so that such a client is never silent about it."""
    CONFIG.warning(
        "TLS certificate verification is off for %s: the connection can be intercepted",
        endpoint,
        extra={ENDPOINT: endpoint},
    )


def client_started(
    *, region: str, endpoint: str, settings: Mapping[str, Any], telemetry: str
) -> None:
    if not CONFIG.isEnabledFor(logging.DEBUG):
        return
    shown = ", ".join(f"{k}={v!r}" for k, v in settings.items())
    CONFIG.debug(
        "client for %s at %s: %s; telemetry %s",
        region,
        endpoint,
        shown,
        telemetry,
        extra={
            REGION: region,
            ENDPOINT: endpoint,
            CONFIG_VALUES: dict(settings),
            TELEMETRY: telemetry,
        },
    )


def credentials_found(
    *,
    source: str,
    method: str | None = None,
    profile: str | None = None,
    expiration: str | None = None,
) -> None:
    """Where a client's credentials came from, never what they are."""
    if not CREDENTIALS.isEnabledFor(logging.DEBUG):
        return
    parts = [source]
    if method is not None:
        parts.append(f"provider {method}")
    if profile is not None:
        parts.append(f"profile {profile!r}")
    if expiration is not None:
        parts.append(f"expiring {expiration}")
    CREDENTIALS.debug(
        "AWS credentials from %s",
        ", ".join(parts),
        extra={
            CREDENTIALS_SOURCE: source,
            CREDENTIALS_METHOD: method,
            PROFILE: profile,
            EXPIRATION: expiration,
        },
    )
