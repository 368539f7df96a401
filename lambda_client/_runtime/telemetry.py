"""What a call tells about itself: log records, and OpenTelemetry spans and
metrics when the application uses OpenTelemetry.

The pipeline calls into one `Observer` per client at a few fixed
points. When nothing listens (DEBUG off on ``lambda_client.call`` and no
OpenTelemetry) `Observer.begin()` returns ``None`` and every other hook
of the call is skipped: the cost of a call is then one logger level check
and a dictionary lookup or two.

OpenTelemetry is looked for in the process, not on disk: once the
application (or its instrumentation) has imported ``opentelemetry``, the
client's calls go through the global tracer and meter providers, which do
nothing until the application installs the SDK. A process that never
imports OpenTelemetry never has it imported by this library, and
``ClientConfig(telemetry=False)`` keeps it out altogether. The decisions are
in docs/design/observability.md.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from time import perf_counter
from typing import TYPE_CHECKING, Any

from . import logs
from .exceptions import ServiceError, TransportError

if TYPE_CHECKING:
    from .client_config import ClientConfig
    from .http import HttpRequest, HttpResponse
    from .otel import CallSpan, ClientTelemetry
    from .pipeline import Endpoint
    from .retry import Decision
    from .service_model import OperationSpec

_DEBUG = logging.DEBUG
_OTEL_MODULES = ("opentelemetry.trace", "opentelemetry.metrics")


def error_type(error: BaseException) -> str:
    """The modelled error code of a service error, else the exception's class."""
    if isinstance(error, ServiceError):
        return error.code
    return type(error).__name__


class Observer:
    """One client's logging and telemetry; the pipeline's hooks start here."""

    def __init__(
        self,
        *,
        config: ClientConfig,
        endpoint: Endpoint,
        region: str,
        max_attempts: int,
        in_lambda: bool,
    ) -> None:
        self.endpoint = endpoint
        self.region = region
        self.max_attempts = max_attempts
        self.propagate_client_context = config.propagate_client_context
        #: Decided once, by the pipeline (Pipeline.in_lambda).
        self.in_lambda = in_lambda
        self._otel: ClientTelemetry | None = None
        # Still to look for OpenTelemetry in the process (until it is found).
        self._otel_wanted = config.telemetry
        url = f"{endpoint.scheme}://{endpoint.host}{endpoint.base_path}"
        logs.client_started(
            region=region,
            endpoint=url,
            settings=_settings(config, max_attempts),
            telemetry="on" if config.telemetry else "off",
        )
        if config.propagate_client_context and not config.telemetry:
            logs.CONFIG.warning(
                "ClientConfig.propagate_client_context has no effect with telemetry=False",
                extra={logs.ENDPOINT: url},
            )

    def begin(
        self, op: OperationSpec[Any, Any], request: Any, http: HttpRequest
    ) -> CallWatch | None:
        """A new call, serialized and about to be sent: its watch, or None
        when nothing is listening."""
        otel = self._otel
        if otel is None and self._otel_wanted:
            # Looked for in the process on every call until found; the
            # common case, OpenTelemetry not imported, is two lookups here.
            modules = sys.modules
            if _OTEL_MODULES[0] in modules or _OTEL_MODULES[1] in modules:
                otel = self._find_otel()
        span = None if otel is None else otel.start(op, request, http)
        log = logs.CALL.isEnabledFor(_DEBUG)
        if span is None and not log:
            return None
        return CallWatch(op, http, log, span)

    def _find_otel(self) -> ClientTelemetry | None:
        """Set up telemetry, once OpenTelemetry is in the process."""
        self._otel_wanted = False
        try:
            from .otel import ClientTelemetry

            self._otel = ClientTelemetry(
                region=self.region,
                endpoint=self.endpoint,
                in_lambda=self.in_lambda,
                propagate_client_context=self.propagate_client_context,
            )
        except Exception as e:
            # Part of OpenTelemetry is there but not the API this needs (an
            # old or broken install): the calls go on untraced.
            logs.CONFIG.warning(
                "OpenTelemetry is present but cannot be used (%s); no spans or metrics",
                type(e).__name__,
                extra={logs.ERROR_TYPE: type(e).__name__},
            )
            return None
        return self._otel

    # Records that do not depend on anyone listening to the call's DEBUG
    # records; they are on the failure paths only.

    def clock_corrected(self, operation: str, offset: float, error: BaseException) -> None:
        request_id = getattr(error, "request_id", None)
        logs.clock_corrected(operation=operation, offset=offset, request_id=request_id)

    def stopped(
        self,
        op: OperationSpec[Any, Any],
        request: Any,
        http: HttpRequest,
        error: BaseException,
        decision: Decision,
        stop: str,
    ) -> None:
        """The call gives up after ``error``: warn where the reason is one
        the application should know about."""
        if decision.retry and stop.endswith("retry quota exhausted"):
            logs.retry_quota_exhausted(
                operation=op.name,
                invocation_id=http.headers["amz-sdk-invocation-id"],
                error_type=error_type(error),
            )
        elif (
            not decision.retry
            and op.invokes_function
            and isinstance(error, TransportError)
            and error.request_sent
        ):
            logs.invoke_not_resent(
                operation=op.name,
                invocation_id=http.headers["amz-sdk-invocation-id"],
                function_name=getattr(request, "function_name", None),
                error_type=error_type(error),
            )


class CallWatch:
    """One call being watched: times its parts, logs each attempt at DEBUG
    and feeds the call's span and metrics."""

    __slots__ = (
        "_attempt",
        "_attempt_open",
        "_attempt_started",
        "_log",
        "_op",
        "_received_at",
        "_responded",
        "_signing_started",
        "_span",
        "_started",
        "invocation_id",
        "request_id",
        "status",
    )

    def __init__(
        self, op: OperationSpec[Any, Any], http: HttpRequest, log: bool, span: CallSpan | None
    ) -> None:
        self._op = op
        self._log = log
        self.invocation_id = http.headers["amz-sdk-invocation-id"]
        #: Status and request id of the latest answer (None: no answer).
        self.status: int | None = None
        self.request_id: str | None = None
        self._started = self._attempt_started = self._received_at = perf_counter()
        self._signing_started = 0.0
        self._attempt = 1
        # An attempt is under way and not yet counted (metrics, records).
        self._attempt_open = True
        self._responded = False
        self._span = span

    # -- hooks, in the order the pipeline reaches them

    def signing(self) -> None:
        self._signing_started = perf_counter()

    def signed(self) -> None:
        if self._span is not None:
            self._span.signed(perf_counter() - self._signing_started)

    def received(self, response: HttpResponse) -> None:
        """The status and headers of an attempt's answer are in."""
        self._received_at = perf_counter()
        self._responded = True
        self.status = response.status
        self.request_id = response.headers.get("x-amzn-requestid")

    def succeeded(self, output: object, attempt: int, max_attempts: int) -> None:
        now = perf_counter()
        self._attempt = attempt
        duration = self._received_at - self._attempt_started
        self._attempt_open = False
        if self._log:
            self._record(attempt, max_attempts, duration, "success")
        stream = _event_stream(output) if self._op.streaming_output else None
        span = self._span
        if span is None:
            if stream is not None and self._log:
                stream.on_end(self._stream_ended(now, None))
            return
        span.attempt(duration, None)
        span.deserialized(now - self._received_at)
        if stream is None:
            span.finish(self, attempt, None, output, perf_counter() - self._started)
        else:
            # The call goes on until its event stream ends or is closed.
            stream.on_end(self._stream_ended(now, span))

    def failed(
        self,
        error: BaseException,
        decision: Decision,
        attempt: int,
        max_attempts: int,
        stop: str | None,
        delay: float,
    ) -> None:
        """An attempt failed and the policy decided; ``stop`` is None when
        the call goes on after ``delay`` seconds."""
        now = perf_counter()
        kind = error_type(error)
        self._attempt = attempt
        duration = self._attempt_over(now)
        if self._log:
            self._record(
                attempt,
                max_attempts,
                duration,
                "retry" if stop is None else "error",
                error_type=kind,
                retry_delay=delay if stop is None else None,
                retry_reason=decision.reason,
                retry_kind=decision.kind or None,
                retry_after=decision.retry_after,
                stop_reason=stop,
            )
        span = self._span
        if span is not None:
            span.attempt(duration, kind)
            if stop is None:
                span.retry(self, attempt, delay, decision, kind)
            else:
                span.finish(self, attempt, error, None, now - self._started)
        self._responded = False
        self._attempt_started = now
        # Without a wait the next attempt starts at once.
        self._attempt_open = stop is None and delay <= 0

    def escaped(self, error: BaseException, attempt: int | None = None) -> None:
        """Something other than a failed attempt ended the call: credentials
        that cannot be had, an answer that cannot be read, cancellation."""
        now = perf_counter()
        kind = error_type(error)
        attempt = self._attempt if attempt is None else attempt
        duration = self._attempt_over(now)
        if self._log:
            self._record(
                attempt,
                0,
                duration,
                "error",
                error_type=kind,
                stop_reason=f"{kind} ended the call",
            )
        span = self._span
        if span is not None:
            if self._attempt_open:
                span.attempt(duration, kind)
            span.finish(
                self,
                attempt,
                error,
                None,
                now - self._started,
                count_error=not self._attempt_open,
            )
        self._attempt_open = False
        self._responded = False

    def _attempt_over(self, now: float) -> float:
        """The duration of the attempt that just ended: to its answer's
        headers, or to ``now`` when it got no answer."""
        if not self._responded:
            self._received_at = now
            self.status = None
            self.request_id = None
        return self._received_at - self._attempt_started

    def _record(
        self, attempt: int, max_attempts: int, duration: float, outcome: str, **decision: Any
    ) -> None:
        logs.attempt(
            operation=self._op.name,
            attempt=attempt,
            max_attempts=max_attempts,
            status=self.status,
            request_id=self.request_id,
            invocation_id=self.invocation_id,
            duration=duration,
            outcome=outcome,
            **decision,
        )

    async def wait(
        self, sleep: Callable[[float], Awaitable[None]], seconds: float, *, backoff: bool = True
    ) -> None:
        """A wait inside the call: the backoff before the next attempt
        (which starts when it ends), or the rate limiter holding an attempt
        back. A call cancelled while it waits ends here."""
        try:
            await sleep(seconds)
        except BaseException as e:
            self.escaped(e)
            raise
        if backoff:
            self._attempt += 1
            self._attempt_started = perf_counter()
            self._attempt_open = True

    def _stream_ended(
        self, started: float, span: CallSpan | None
    ) -> Callable[[BaseException | None], None]:
        """What runs once when the call's event stream ends; it holds what
        it needs, not the watch's output."""
        op, invocation_id, request_id = self._op.name, self.invocation_id, self.request_id
        call_started, attempt = self._started, self._attempt
        watch = self

        def ended(error: BaseException | None) -> None:
            if span is not None:
                span.finish(
                    watch, attempt, error, None, perf_counter() - call_started, count_error=True
                )
            if logs.CALL.isEnabledFor(_DEBUG):
                logs.stream_ended(
                    operation=op,
                    invocation_id=invocation_id,
                    request_id=request_id,
                    duration=perf_counter() - started,
                    error=None if error is None else error_type(error),
                )

        return ended


def _event_stream(output: object) -> Any:
    stream = getattr(output, "event_stream", None)
    return stream if stream is not None and hasattr(stream, "on_end") else None


def _settings(config: ClientConfig, max_attempts: int) -> dict[str, Any]:
    """The settings a client-start record shows: named one by one, so that a
    setting added later (a proxy URL with a password, say) is never logged
    by accident."""
    return {
        "max_attempts": max_attempts,
        "retry_mode": config.resolved_retry_mode(),
        "connect_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
        "pool_timeout": config.pool_timeout,
        "max_pool_connections": config.max_pool_connections,
        "retry_after_cap": config.retry_after_cap,
        "retry_sent_invokes": config.retry_sent_invokes,
        "validate_params": config.validate_params,
        "strict_enums": config.strict_enums,
        "propagate_client_context": config.propagate_client_context,
    }
