"""OpenTelemetry spans, metrics and trace-context propagation.

Imported only by `telemetry`, for a client with telemetry on, once the
process has imported OpenTelemetry itself. Everything goes through the
global tracer and meter providers (proxies until the application installs
the SDK), so the SDK, exporters, samplers and views are the application's.

Names follow the OpenTelemetry semantic conventions for AWS SDK calls and
the metric set aws-sdk-go-v2 and smithy-rs emit; the tables are in
docs/guides/observability.md. Propagation never touches the payload: the
X-Ray trace header when the application's propagator speaks X-Ray, and the
Invoke ClientContext only when the client was told to
(``ClientConfig.propagate_client_context``).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from opentelemetry import metrics, trace
from opentelemetry.metrics import Counter, Histogram
from opentelemetry.trace import INVALID_SPAN, ProxyTracerProvider, SpanKind, Status, StatusCode

from . import logs
from .exceptions import ServiceError
from .version import VERSION

if TYPE_CHECKING:
    from opentelemetry.propagators.textmap import TextMapPropagator

    from .http import HttpRequest
    from .pipeline import Endpoint
    from .retry import Decision
    from .service_model import OperationSpec
    from .telemetry import CallWatch

try:
    # What the global meter provider is until the application sets one; the
    # API has no public name for it (its tracer counterpart is public).
    from opentelemetry.metrics._internal import _ProxyMeterProvider as _UnsetMeters
except ImportError:  # pragma: no cover - then metrics are always recorded
    _UnsetMeters = type(None)  # type: ignore[assignment,misc]

#: While the application has installed no provider, how often (seconds) a
#: client looks again. Asking the API costs ~2 µs a call while nothing is
#: installed (it looks for an environment variable every time), more than
#: everything else an unobserved call does here.
RECHECK_SECONDS = 1.0

SCOPE = "lambda_client"
SERVICE = "Lambda"
#: Lambda's limit on the base64 ClientContext header.
CLIENT_CONTEXT_LIMIT = 3583
_TRACE_HEADER = "x-amzn-trace-id"
_CLIENT_CONTEXT_HEADER = "x-amz-client-context"
# Fields of an X-Ray trace header that say where the trace is; the others
# (Lineage, which Lambda's recursive loop detection counts) are carried over
# from the invocation's own header when a span replaces it.
_TRACE_POSITION = frozenset({"root", "parent", "sampled", "self"})

# Bucket boundaries offered to the SDK (an application's views still win):
# whole calls run from milliseconds to an Invoke's 15 minutes; signing and
# parsing take microseconds.
_CALL_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
)  # fmt: skip
_STEP_BUCKETS = (
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1,
)  # fmt: skip

# Attribute names.
ATTEMPTS = "lambda_client.attempts"
FUNCTION_ERROR = "lambda_client.function_error"
STREAM_CLOSED_EARLY = "lambda_client.stream.closed_early"
RETRY_EVENT = "retry"


class Instruments:
    """The metric instruments, one set per process."""

    def __init__(self) -> None:
        meter = metrics.get_meter(SCOPE, VERSION)

        def seconds(name: str, description: str, buckets: tuple[float, ...]) -> Histogram:
            return meter.create_histogram(
                name,
                unit="s",
                description=description,
                explicit_bucket_boundaries_advisory=list(buckets),
            )

        self.call_duration = seconds(
            "client.call.duration",
            "Overall call duration, retries and a response stream included",
            _CALL_BUCKETS,
        )
        self.attempt_duration = seconds(
            "client.call.attempt_duration",
            "Time to send an attempt and receive its answer (of a stream, its headers)",
            _CALL_BUCKETS,
        )
        self.signing_duration = seconds(
            "client.call.auth.signing_duration", "Time to sign a request", _STEP_BUCKETS
        )
        self.deserialization_duration = seconds(
            "client.call.deserialization_duration",
            "Time to read a response into the operation's output",
            _STEP_BUCKETS,
        )
        self.attempts: Counter = meter.create_counter(
            "client.call.attempts", unit="{attempt}", description="Attempts made by calls"
        )
        self.errors: Counter = meter.create_counter(
            "client.call.errors", unit="{error}", description="Attempts and calls that failed"
        )


_instruments: Instruments | None = None


def instruments() -> Instruments:
    # The global meter provider hands out proxies that follow whatever
    # provider the application installs later, so one set serves every client.
    global _instruments
    if _instruments is None:
        _instruments = Instruments()
    return _instruments


class ClientTelemetry:
    """One client's tracer, instruments and fixed span attributes."""

    def __init__(
        self, *, region: str, endpoint: Endpoint, in_lambda: bool, propagate_client_context: bool
    ) -> None:
        self.tracer = trace.get_tracer(SCOPE, VERSION)
        self.instruments = instruments()
        self.region = region
        self.in_lambda = in_lambda
        self.propagate_client_context = propagate_client_context
        parts = urlsplit(f"{endpoint.scheme}://{endpoint.host}")
        self.server_address = parts.hostname or endpoint.host
        self.server_port = parts.port or (443 if endpoint.scheme == "https" else 80)
        self._metric_attributes: dict[str, dict[str, str]] = {}
        self._textmap: TextMapPropagator | None = None
        self._speaks_xray = False
        # A global provider, once set, stays: these only ever turn True.
        self._tracing = False
        self._measuring = False
        self._next_look = 0.0

    def _configured(self) -> tuple[bool, bool]:
        """Whether the application has installed a tracer and a meter
        provider. Until it has, calls skip OpenTelemetry (the proxies would
        record nothing), and the providers are looked at again at most once
        every RECHECK_SECONDS."""
        tracing, measuring = self._tracing, self._measuring
        if tracing and measuring:
            return True, True
        now = monotonic()
        if now < self._next_look:
            return tracing, measuring
        self._next_look = now + RECHECK_SECONDS
        if not tracing:
            tracing = self._tracing = not isinstance(
                trace.get_tracer_provider(), ProxyTracerProvider
            )
        if not measuring:
            measuring = self._measuring = not isinstance(metrics.get_meter_provider(), _UnsetMeters)
        return tracing, measuring

    def metric_attributes(self, operation: str) -> dict[str, str]:
        attributes = self._metric_attributes.get(operation)
        if attributes is None:
            attributes = {"rpc.service": SERVICE, "rpc.method": operation}
            self._metric_attributes[operation] = attributes
        return attributes

    def start(
        self, op: OperationSpec[Any, Any], request: Any, http: HttpRequest
    ) -> CallSpan | None:
        """The call's span and metrics, or None while the application has
        configured neither."""
        tracing, measuring = self._configured()
        if not tracing:
            if not measuring:
                return None
            return CallSpan(self, INVALID_SPAN, self.metric_attributes(op.name), measuring)
        attributes: dict[str, Any] = {
            "rpc.system": "aws-api",
            "rpc.service": SERVICE,
            "rpc.method": op.name,
            "cloud.region": self.region,
            "server.address": self.server_address,
            "server.port": self.server_port,
        }
        if op.invokes_function:
            name, region = invoked_function(getattr(request, "function_name", None) or "")
            attributes["faas.invoked_name"] = name
            attributes["faas.invoked_provider"] = "aws"
            attributes["faas.invoked_region"] = region or self.region
        span = self.tracer.start_span(
            f"{SERVICE}.{op.name}", kind=SpanKind.CLIENT, attributes=attributes
        )
        if span.get_span_context().is_valid:
            self._propagate(op, request, http, span)
        return CallSpan(self, span, self.metric_attributes(op.name), measuring)

    # -- propagation

    def _textmap_now(self) -> TextMapPropagator:
        from opentelemetry import propagate

        textmap = propagate.get_global_textmap()
        if textmap is not self._textmap:
            # The application may set its propagator after the client is made.
            self._textmap = textmap
            self._speaks_xray = any(f.lower() == _TRACE_HEADER for f in textmap.fields)
        return textmap

    def _propagate(
        self, op: OperationSpec[Any, Any], request: Any, http: HttpRequest, span: trace.Span
    ) -> None:
        textmap = self._textmap_now()
        inject_context = op.invokes_function and self.propagate_client_context
        if not self._speaks_xray and not inject_context:
            return
        # The current context (its baggage) with this call's span in it.
        ctx = trace.set_span_in_context(span)
        if self._speaks_xray:
            carrier: dict[str, str] = {}
            textmap.inject(carrier, context=ctx)
            value = next((v for k, v in carrier.items() if k.lower() == _TRACE_HEADER), None)
            if value:
                if self.in_lambda:
                    value = keep_lineage(value, os.environ.get("_X_AMZN_TRACE_ID"))
                http.headers[_TRACE_HEADER] = value
        if inject_context and _passes_client_context(request):
            fields: dict[str, str] = {}
            textmap.inject(fields, context=ctx)
            merged = merge_client_context(http.headers.get(_CLIENT_CONTEXT_HEADER), fields)
            if merged is not None:
                http.headers[_CLIENT_CONTEXT_HEADER] = merged


class CallSpan:
    """The span and metric attributes of one call."""

    __slots__ = ("_attributes", "_client", "_ended", "_measuring", "_recording", "span")

    def __init__(
        self,
        client: ClientTelemetry,
        span: trace.Span,
        attributes: dict[str, str],
        measuring: bool,
    ) -> None:
        self._client = client
        self.span = span
        self._recording = span.is_recording()
        self._measuring = measuring
        self._attributes = attributes
        self._ended = False

    def signed(self, seconds: float) -> None:
        if self._measuring:
            self._client.instruments.signing_duration.record(seconds, self._attributes)

    def deserialized(self, seconds: float) -> None:
        if self._measuring:
            self._client.instruments.deserialization_duration.record(seconds, self._attributes)

    def attempt(self, seconds: float, error_type: str | None) -> None:
        if not self._measuring:
            return
        instruments = self._client.instruments
        instruments.attempts.add(1, self._attributes)
        instruments.attempt_duration.record(seconds, self._attributes)
        if error_type is not None:
            instruments.errors.add(1, {**self._attributes, "error.type": error_type})

    def retry(
        self, watch: CallWatch, attempt: int, delay: float, decision: Decision, error_type: str
    ) -> None:
        if not self._recording:
            return
        event: dict[str, Any] = {
            "lambda_client.attempt": attempt,
            "lambda_client.retry.delay": delay,
            "lambda_client.retry.reason": decision.reason,
            "lambda_client.retry.kind": logs.RETRY_KINDS.get(decision.kind, decision.kind),
            "error.type": error_type,
        }
        if decision.retry_after is not None:
            event["lambda_client.retry.retry_after"] = decision.retry_after
        if watch.status is not None:
            event["http.response.status_code"] = watch.status
        if watch.request_id is not None:
            event["aws.request_id"] = watch.request_id
        self.span.add_event(RETRY_EVENT, event)

    def finish(
        self,
        watch: CallWatch,
        attempts: int,
        error: BaseException | None,
        output: object,
        duration: float,
        *,
        count_error: bool = False,
    ) -> None:
        """End the call: the span's last attributes and status and the
        call's duration; ``count_error`` for an error that no attempt
        counted (a broken stream, a call cancelled between attempts)."""
        if self._ended:
            return
        self._ended = True
        instruments = self._client.instruments
        closed_early = isinstance(error, GeneratorExit)
        failed = error is not None and not closed_early
        kind = None
        if failed:
            assert error is not None
            kind = error.code if isinstance(error, ServiceError) else type(error).__name__
        if self._measuring:
            instruments.call_duration.record(duration, self._attributes)
            if count_error and kind is not None:
                instruments.errors.add(1, {**self._attributes, "error.type": kind})
        span = self.span
        if self._recording:
            attributes: dict[str, Any] = {ATTEMPTS: attempts}
            if watch.status is not None:
                attributes["http.response.status_code"] = watch.status
            if watch.request_id is not None:
                attributes["aws.request_id"] = watch.request_id
            function_error = getattr(output, "function_error", None)
            if function_error:
                attributes[FUNCTION_ERROR] = str(function_error)
            if closed_early:
                attributes[STREAM_CLOSED_EARLY] = True
            if failed:
                assert error is not None and kind is not None
                attributes["error.type"] = kind
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, kind))
            span.set_attributes(attributes)
        span.end()


def invoked_function(name: str) -> tuple[str, str | None]:
    """The function's name (no alias or version) and its region when the
    caller named it by ARN: ``faas.invoked_name`` and ``faas.invoked_region``."""
    parts = name.split(":")
    if len(parts) >= 7 and parts[0] == "arn":
        return parts[6], parts[3] or None
    if len(parts) >= 3 and parts[1] == "function":
        return parts[2], None
    return parts[0], None


def keep_lineage(header: str, invocation_header: str | None) -> str:
    """The span's X-Ray header plus the fields of the invocation's own header
    that are not about the trace position (``Lineage``: Lambda's recursive
    loop detection counts hops in it)."""
    if not invocation_header:
        return header
    present = {item.partition("=")[0].strip().lower() for item in header.split(";")}
    extra = [
        item.strip()
        for item in invocation_header.split(";")
        if item.strip()
        and (key := item.partition("=")[0].strip().lower()) not in _TRACE_POSITION
        and key not in present
    ]
    return ";".join([header, *extra]) if extra else header


def _passes_client_context(request: Any) -> bool:
    # Lambda hands ClientContext to the function on synchronous calls only.
    kind = getattr(request, "invocation_type", None)
    return kind is None or str(kind) == "RequestResponse"


def merge_client_context(existing: str | None, fields: dict[str, str]) -> str | None:
    """The ClientContext header with ``fields`` added to its ``custom`` map,
    or None to leave the header as it is: nothing to add, a caller's context
    that is not a base64 JSON object, or a result over Lambda's limit. The
    caller's own keys always win."""
    if not fields:
        return None
    document: dict[str, Any] = {}
    if existing:
        try:
            decoded = json.loads(base64.b64decode(existing, validate=True))
        except (binascii.Error, ValueError):
            return None
        if not isinstance(decoded, dict):
            return None
        document = decoded
    custom = document.get("custom")
    if custom is None:
        custom = document["custom"] = {}
    elif not isinstance(custom, dict):
        return None
    added = False
    for key, value in fields.items():
        if key not in custom:
            custom[key] = value
            added = True
    if not added:
        return None
    encoded = base64.b64encode(json.dumps(document, separators=(",", ":")).encode()).decode()
    if len(encoded) > CLIENT_CONTEXT_LIMIT:
        logs.CALL.debug(
            "ClientContext left without trace context: it would exceed %d bytes",
            CLIENT_CONTEXT_LIMIT,
        )
        return None
    return encoded
