"""Spans, metrics and trace-context propagation, read back through the
OpenTelemetry SDK's in-memory span exporter and metric reader.

The SDK is installed as the global tracer and meter provider once for the
process, as an application would; the library is never handed a provider.
Calls go over HTTP to the fault server and the streaming fake; the payload
and headers asserted are the ones the server received.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from opentelemetry import metrics, propagate, trace
from opentelemetry.propagators.aws import AwsXRayPropagator
from opentelemetry.propagators.composite import CompositePropagator
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from lambda_client import ClientConfig
from lambda_client._runtime.exceptions import ConnectError, ServiceError
from lambda_client._runtime.otel import invoked_function, keep_lineage, merge_client_context
from lambda_client.errors import ResourceNotFoundException, ServiceException
from tests.functional import lambda_fake
from tests.functional.faults import FaultServer, closed_port, error, ok
from tests.functional.test_observability_logs import (
    PAYLOAD_MARKER,
    SECRET_KEY,
    SESSION_TOKEN,
    client_with_secrets,
)
from tests.functional.test_retries import SleepLog, client_for

FUNCTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:live"


class Telemetry:
    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        tracer_provider = TracerProvider()
        tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        # Deltas: each read returns what the calls since the last read recorded.
        self.reader = InMemoryMetricReader(
            preferred_temporality={
                Counter: AggregationTemporality.DELTA,
                Histogram: AggregationTemporality.DELTA,
            }
        )
        meter_provider = MeterProvider(metric_readers=[self.reader])
        trace.set_tracer_provider(tracer_provider)
        metrics.set_meter_provider(meter_provider)
        self.tracer_provider = tracer_provider

    def reset(self) -> None:
        self.spans.clear()
        self.reader.get_metrics_data()

    def finished(self) -> list[ReadableSpan]:
        return [s for s in self.spans.get_finished_spans() if s.name.startswith("Lambda.")]

    def points(self) -> dict[str, list[tuple[dict[str, Any], Any]]]:
        """Metric name -> (attributes, point) for the calls since the last read."""
        found: dict[str, list[tuple[dict[str, Any], Any]]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                if scope.scope.name != "lambda_client":
                    continue
                for metric in scope.metrics:
                    for point in metric.data.data_points:
                        found.setdefault(metric.name, []).append((dict(point.attributes), point))
        return found

    def units(self) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    found[metric.name] = (metric.unit or "", type(metric.data).__name__)
        return found


_TELEMETRY: Telemetry | None = None


@pytest.fixture
def otel() -> Iterator[Telemetry]:
    global _TELEMETRY
    if _TELEMETRY is None:
        _TELEMETRY = Telemetry()
    if trace.get_tracer_provider() is not _TELEMETRY.tracer_provider:
        pytest.skip("another tracer provider was installed in this process")
    _TELEMETRY.reset()
    textmap = propagate.get_global_textmap()
    try:
        yield _TELEMETRY
    finally:
        propagate.set_global_textmap(textmap)
        _TELEMETRY.reset()


@pytest.fixture(autouse=True)
async def deadline(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)
    async with asyncio.timeout(10):
        yield


LAMBDA = {"rpc.service": "Lambda"}


def counts(points: list[tuple[dict[str, Any], Any]]) -> list[tuple[dict[str, Any], int]]:
    return sorted(
        ((attrs, getattr(p, "count", None) or p.value) for attrs, p in points),
        key=lambda item: sorted(item[0].items()),
    )


async def test_get_function_span_and_metrics(otel: Telemetry) -> None:
    async with FaultServer([]) as server, client_for(server) as client:
        await client.get_function(function_name="f")

    (span,) = otel.finished()
    port = int(server.url.rpartition(":")[2])
    assert span.name == "Lambda.GetFunction"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes or {}) == {
        "rpc.system": "aws-api",
        "rpc.service": "Lambda",
        "rpc.method": "GetFunction",
        "cloud.region": "us-east-1",
        "server.address": "127.0.0.1",
        "server.port": port,
        "aws.request_id": "fault-0",
        "http.response.status_code": 200,
        "lambda_client.attempts": 1,
    }
    # Instrumentation leaves a successful span's status unset.
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "lambda_client"

    points = otel.points()
    op = {**LAMBDA, "rpc.method": "GetFunction"}
    assert counts(points["client.call.attempts"]) == [(op, 1)]
    for name in (
        "client.call.duration",
        "client.call.attempt_duration",
        "client.call.auth.signing_duration",
        "client.call.deserialization_duration",
    ):
        ((attrs, point),) = points[name]
        assert attrs == op
        assert point.count == 1 and point.sum >= 0
    assert "client.call.errors" not in points
    ((_, call),) = points["client.call.duration"]
    ((_, sign),) = points["client.call.auth.signing_duration"]
    assert call.sum >= sign.sum


async def test_metric_instruments_follow_the_sdk_names(otel: Telemetry) -> None:
    async with (
        FaultServer([error(500, "ServiceException", "x")]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        await client.get_function(function_name="f")
    otel.reader.get_metrics_data()  # the deltas are not needed here
    # Cumulative shape does not matter: names, units and kinds do.
    async with FaultServer([error(500, "ServiceException", "x")]) as server:
        async with client_for(server, sleep=SleepLog()) as client:
            await client.get_function(function_name="f")
        assert otel.units() == {
            "client.call.duration": ("s", "Histogram"),
            "client.call.attempt_duration": ("s", "Histogram"),
            "client.call.auth.signing_duration": ("s", "Histogram"),
            "client.call.deserialization_duration": ("s", "Histogram"),
            "client.call.attempts": ("{attempt}", "Sum"),
            "client.call.errors": ("{error}", "Sum"),
        }


async def test_failing_call_sets_error_status_and_type(otel: Telemetry) -> None:
    missing = error(404, "ResourceNotFoundException", "Function not found: f")
    async with FaultServer([missing]) as server, client_for(server) as client:
        with pytest.raises(ResourceNotFoundException):
            await client.get_function(function_name="f")

    (span,) = otel.finished()
    attributes = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.ERROR
    assert attributes["error.type"] == "ResourceNotFoundException"
    assert attributes["http.response.status_code"] == 404
    assert attributes["aws.request_id"] == "fault-0"
    assert attributes["lambda_client.attempts"] == 1
    (exception,) = [e for e in span.events if e.name == "exception"]
    exception_type = str((exception.attributes or {})["exception.type"])
    assert exception_type.endswith("ResourceNotFoundException")

    points = otel.points()
    op = {**LAMBDA, "rpc.method": "GetFunction"}
    assert counts(points["client.call.errors"]) == [
        ({**op, "error.type": "ResourceNotFoundException"}, 1)
    ]
    assert counts(points["client.call.attempts"]) == [(op, 1)]
    assert "client.call.deserialization_duration" not in points


async def test_transport_failure_names_the_library_exception(otel: Telemetry) -> None:
    config = ClientConfig(max_attempts=2)
    sleep = SleepLog()
    async with client_for(f"http://127.0.0.1:{closed_port()}", config, sleep=sleep) as client:
        with pytest.raises(ConnectError):
            await client.get_function(function_name="f")

    (span,) = otel.finished()
    attributes = dict(span.attributes or {})
    assert attributes["error.type"] == "ConnectError"
    assert "http.response.status_code" not in attributes
    assert attributes["lambda_client.attempts"] == 2
    (retry,) = [e for e in span.events if e.name == "retry"]
    assert (retry.attributes or {})["lambda_client.retry.kind"] == "connection"
    assert (retry.attributes or {})["lambda_client.retry.delay"] == sleep.delays[0]
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "GetFunction"}
    assert counts(points["client.call.errors"]) == [({**op, "error.type": "ConnectError"}, 2)]
    assert counts(points["client.call.attempts"]) == [(op, 2)]


async def test_retried_call_has_one_event_per_retry(otel: Telemetry) -> None:
    throttled = error(429, "TooManyRequestsException", "slow", headers={"Retry-After": "1.5"})
    busy = error(503, "ServiceException", "busy")
    sleep = SleepLog()
    async with (
        FaultServer([throttled, busy]) as server,
        client_for(server, sleep=sleep) as client,
    ):
        await client.get_function(function_name="f")

    (span,) = otel.finished()
    assert span.status.status_code is StatusCode.UNSET
    attributes = dict(span.attributes or {})
    assert attributes["lambda_client.attempts"] == 3
    assert attributes["aws.request_id"] == "fault-2"
    first, second = span.events
    assert first.name == second.name == "retry"
    assert dict(first.attributes or {}) == {
        "lambda_client.attempt": 1,
        "lambda_client.retry.delay": 1.5,
        "lambda_client.retry.reason": "TooManyRequestsException: throttled",
        "lambda_client.retry.kind": "throttled",
        "lambda_client.retry.retry_after": 1.5,
        "error.type": "TooManyRequestsException",
        "http.response.status_code": 429,
        "aws.request_id": "fault-0",
    }
    assert dict(second.attributes or {}) == {
        "lambda_client.attempt": 2,
        "lambda_client.retry.delay": sleep.delays[1],
        "lambda_client.retry.reason": "ServiceException: transient",
        "lambda_client.retry.kind": "transient",
        "error.type": "ServiceException",
        "http.response.status_code": 503,
        "aws.request_id": "fault-1",
    }
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "GetFunction"}
    assert counts(points["client.call.attempts"]) == [(op, 3)]
    assert counts(points["client.call.errors"]) == [
        ({**op, "error.type": "ServiceException"}, 1),
        ({**op, "error.type": "TooManyRequestsException"}, 1),
    ]
    ((_, attempts),) = points["client.call.attempt_duration"]
    assert attempts.count == 3
    ((_, call),) = points["client.call.duration"]
    assert call.count == 1


async def test_invoke_span_and_untouched_payload(otel: Telemetry) -> None:
    payload = b'{"traceparent": "keep me", "n": [1, 2, 3]}\n\x00\xff'
    async with FaultServer([ok(b"{}")]) as server, client_for(server) as client:
        out = await client.invoke(function_name=FUNCTION_ARN, payload=payload)

    assert out.status_code == 200
    (request,) = server.requests
    assert request.body == payload
    assert "traceparent" not in request.headers
    assert "X-Amz-Client-Context" not in request.headers
    (span,) = otel.finished()
    attributes = dict(span.attributes or {})
    assert span.name == "Lambda.Invoke"
    assert attributes["faas.invoked_name"] == "orders"
    assert attributes["faas.invoked_provider"] == "aws"
    assert attributes["faas.invoked_region"] == "eu-west-1"
    assert attributes["rpc.method"] == "Invoke"
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "Invoke"}
    assert counts(points["client.call.attempts"]) == [(op, 1)]
    for name in ("client.call.duration", "client.call.deserialization_duration"):
        assert counts(points[name]) == [(op, 1)]


async def test_invoke_function_error_is_an_attribute_not_a_failure(otel: Telemetry) -> None:
    unhandled = ok(b'{"errorMessage": "boom"}', headers={"X-Amz-Function-Error": "Unhandled"})
    async with FaultServer([unhandled]) as server, client_for(server) as client:
        out = await client.invoke(function_name="orders", payload=b"{}")

    assert out.function_error == "Unhandled"
    (span,) = otel.finished()
    attributes = dict(span.attributes or {})
    assert attributes["lambda_client.function_error"] == "Unhandled"
    assert attributes["faas.invoked_name"] == "orders"
    assert attributes["faas.invoked_region"] == "us-east-1"
    assert span.status.status_code is StatusCode.UNSET


async def test_xray_header_from_the_active_span_when_the_propagator_speaks_xray(
    otel: Telemetry,
) -> None:
    propagate.set_global_textmap(
        CompositePropagator([TraceContextTextMapPropagator(), AwsXRayPropagator()])
    )
    payload = b'{"n": 1}'
    tracer = trace.get_tracer("app")
    async with FaultServer([]) as server, client_for(server) as client:
        with tracer.start_as_current_span("handler") as parent:
            await client.invoke(function_name="orders", payload=payload)

    (request,) = server.requests
    (span,) = otel.finished()
    context = span.get_span_context()
    trace_id = f"{context.trace_id:032x}"
    header = request.headers["X-Amzn-Trace-Id"]
    assert header == (
        f"Root=1-{trace_id[:8]}-{trace_id[8:]};Parent={context.span_id:016x};Sampled=1"
    )
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    # Only the X-Ray header goes on Lambda's API; W3C headers would reach nobody.
    assert "traceparent" not in request.headers
    assert request.body == payload


async def test_no_trace_header_without_an_xray_propagator(otel: Telemetry) -> None:
    propagate.set_global_textmap(TraceContextTextMapPropagator())
    async with FaultServer([]) as server, client_for(server) as client:
        await client.get_function(function_name="f")
    (request,) = server.requests
    assert "X-Amzn-Trace-Id" not in request.headers
    assert "traceparent" not in request.headers


async def test_inside_lambda_the_span_header_keeps_the_invocations_lineage(
    otel: Telemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "caller")
    monkeypatch.setenv(
        "_X_AMZN_TRACE_ID",
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:3",
    )
    propagate.set_global_textmap(AwsXRayPropagator())
    async with FaultServer([]) as server:
        async with client_for(server) as client:
            await client.get_function(function_name="f")
        async with client_for(server, ClientConfig(telemetry=False)) as plain:
            await plain.get_function(function_name="f")

    traced, untraced = server.requests
    (span,) = otel.finished()
    context = span.get_span_context()
    assert traced.headers["X-Amzn-Trace-Id"].startswith("Root=1-")
    assert f"Parent={context.span_id:016x}" in traced.headers["X-Amzn-Trace-Id"]
    assert traced.headers["X-Amzn-Trace-Id"].endswith(";Lineage=a87bd80c:3")
    # Without telemetry the invocation's own header goes on, as before.
    assert untraced.headers["X-Amzn-Trace-Id"] == (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;"
        "Lineage=a87bd80c:3"
    )


def decode_context(header: str) -> Any:
    return json.loads(base64.b64decode(header))


async def test_client_context_injection_is_opt_in_and_merges(otel: Telemetry) -> None:
    propagate.set_global_textmap(TraceContextTextMapPropagator())
    mine = {"custom": {"tenant": "acme", "traceparent": "mine wins"}, "env": {"locale": "de"}}
    theirs = base64.b64encode(json.dumps(mine).encode()).decode()
    payload = b'{"order": 7}'
    tracer = trace.get_tracer("app")
    async with FaultServer([]) as server:
        async with client_for(server) as default:
            with tracer.start_as_current_span("handler"):
                await default.invoke(function_name="orders", payload=payload)
        opted = ClientConfig(propagate_client_context=True)
        async with client_for(server, opted) as client:
            with tracer.start_as_current_span("handler"):
                await client.invoke(function_name="orders", payload=payload)
                await client.invoke(function_name="orders", payload=payload, client_context=theirs)
                await client.invoke(
                    function_name="orders",
                    payload=payload,
                    client_context=base64.b64encode(b'{"custom": {"k": "v"}}').decode(),
                    invocation_type="Event",
                )

    plain, fresh, merged, event = server.requests
    assert "X-Amz-Client-Context" not in plain.headers
    spans = otel.finished()
    injected = decode_context(fresh.headers["X-Amz-Client-Context"])
    context = spans[1].get_span_context()
    assert injected == {
        "custom": {
            "traceparent": (
                f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"
            )
        }
    }
    # The caller's context is kept whole, and its own keys win.
    assert decode_context(merged.headers["X-Amz-Client-Context"]) == mine
    # An asynchronous invocation never hands ClientContext to the function.
    assert decode_context(event.headers["X-Amz-Client-Context"]) == {"custom": {"k": "v"}}
    for request in server.requests:
        assert request.body == payload


async def test_streamed_invoke_span_ends_when_the_stream_ends(otel: Telemetry) -> None:
    release = asyncio.Event()
    fake = lambda_fake.LambdaFake()
    fake.script(
        "InvokeWithResponseStream",
        lambda_fake.Frames(
            [
                lambda_fake.payload_chunk(b"first"),
                release,
                lambda_fake.payload_chunk(b"second"),
                lambda_fake.invoke_complete(),
            ]
        ),
    )
    async with fake.serve() as url, lambda_fake.client_for(url) as client:
        out = await client.invoke_with_response_stream(function_name=FUNCTION_ARN, payload=b"{}")
        assert out.event_stream is not None
        events = aiter(out.event_stream)
        await anext(events)
        # The call returned and an event arrived, but the stream goes on.
        assert otel.finished() == []
        release.set()
        rest = [event async for event in events]

    assert len(rest) == 2
    (span,) = otel.finished()
    attributes = dict(span.attributes or {})
    assert span.name == "Lambda.InvokeWithResponseStream"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert attributes["faas.invoked_name"] == "orders"
    assert attributes["faas.invoked_region"] == "eu-west-1"
    assert attributes["http.response.status_code"] == 200
    assert attributes["lambda_client.attempts"] == 1
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "InvokeWithResponseStream"}
    ((attrs, call),) = points["client.call.duration"]
    assert attrs == op and call.count == 1
    assert counts(points["client.call.attempts"]) == [(op, 1)]
    assert "client.call.errors" not in points
    assert span.end_time is not None and span.start_time is not None
    # The call's duration runs to the end of the stream, past the first event.
    assert call.sum * 1e9 >= (span.end_time - span.start_time) * 0.5


async def test_streamed_invoke_error_frame_fails_the_span(otel: Telemetry) -> None:
    fake = lambda_fake.LambdaFake()
    fake.script(
        "InvokeWithResponseStream",
        lambda_fake.Frames(
            [
                lambda_fake.payload_chunk(b"part"),
                lambda_fake.exception_frame("ServiceException", "function crashed"),
            ]
        ),
    )
    async with fake.serve() as url, lambda_fake.client_for(url) as client:
        out = await client.invoke_with_response_stream(function_name="orders", payload=b"{}")
        assert out.event_stream is not None
        with pytest.raises(ServiceException):
            async for _ in out.event_stream:
                pass

    (span,) = otel.finished()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "ServiceException"
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "InvokeWithResponseStream"}
    assert counts(points["client.call.errors"]) == [({**op, "error.type": "ServiceException"}, 1)]


async def test_streamed_invoke_closed_early_ends_the_span(otel: Telemetry) -> None:
    fake = lambda_fake.LambdaFake()
    hold = asyncio.Event()
    fake.script(
        "InvokeWithResponseStream",
        lambda_fake.Frames(
            [lambda_fake.payload_chunk(b"one"), hold, lambda_fake.invoke_complete()]
        ),
    )
    async with fake.serve() as url, lambda_fake.client_for(url) as client:
        out = await client.invoke_with_response_stream(function_name="orders", payload=b"{}")
        assert out.event_stream is not None
        async with out.event_stream as stream:
            async for _ in stream:
                break
        (span,) = otel.finished()
        hold.set()

    assert span.status.status_code is StatusCode.UNSET
    assert (span.attributes or {})["lambda_client.stream.closed_early"] is True


async def test_cancelled_during_backoff_ends_the_span(otel: Telemetry) -> None:
    parked = asyncio.Event()

    async def slow_sleep(seconds: float) -> None:
        parked.set()
        await asyncio.sleep(30)

    async with (
        FaultServer([error(503, "ServiceException", "busy")]) as server,
        client_for(server, sleep=slow_sleep) as client,
    ):
        call = asyncio.create_task(client.get_function(function_name="f"))
        await parked.wait()
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call

    (span,) = otel.finished()
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "CancelledError"
    points = otel.points()
    op = {**LAMBDA, "rpc.method": "GetFunction"}
    assert counts(points["client.call.attempts"]) == [(op, 1)]
    assert counts(points["client.call.errors"]) == [
        ({**op, "error.type": "CancelledError"}, 1),
        ({**op, "error.type": "ServiceException"}, 1),
    ]


async def test_telemetry_off_makes_no_span(otel: Telemetry) -> None:
    async with FaultServer([]) as server, client_for(server, ClientConfig(telemetry=False)) as c:
        await c.get_function(function_name="f")
    assert otel.finished() == []
    assert "client.call.attempts" not in otel.points()


async def test_no_span_attribute_or_event_carries_a_secret(otel: Telemetry) -> None:
    script = [error(429, "TooManyRequestsException", "x"), ok(), error(400, "X", "y")]
    async with FaultServer(script) as server, client_with_secrets(server.url) as client:
        await client.invoke(function_name="f", payload=PAYLOAD_MARKER.encode())
        with pytest.raises(ServiceError):
            await client.invoke(function_name="f", payload=PAYLOAD_MARKER.encode())

    signatures = [r.headers["Authorization"].rpartition("Signature=")[2] for r in server.requests]
    text = repr(
        [(s.attributes, [(e.name, e.attributes) for e in s.events]) for s in otel.finished()]
    )
    for secret in (SECRET_KEY, SESSION_TOKEN, PAYLOAD_MARKER, *signatures):
        assert secret not in text


# -- the helpers, on their own -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("orders", ("orders", None)),
        ("orders:live", ("orders", None)),
        ("123456789012:function:orders", ("orders", None)),
        ("123456789012:function:orders:7", ("orders", None)),
        ("arn:aws:lambda:eu-west-1:123456789012:function:orders", ("orders", "eu-west-1")),
        (FUNCTION_ARN, ("orders", "eu-west-1")),
    ],
)
def test_invoked_function(name: str, expected: tuple[str, str | None]) -> None:
    assert invoked_function(name) == expected


def test_keep_lineage() -> None:
    span = "Root=1-a-b;Parent=c;Sampled=1"
    assert keep_lineage(span, None) == span
    assert keep_lineage(span, "Root=1-x-y;Parent=z;Sampled=0") == span
    assert keep_lineage(span, "Root=1-x-y;Parent=z;Sampled=0;Lineage=1:2") == span + ";Lineage=1:2"
    assert keep_lineage(span + ";Lineage=9:9", "Root=1-x;Lineage=1:2") == span + ";Lineage=9:9"


def test_merge_client_context_refuses_what_it_cannot_merge() -> None:
    fields = {"traceparent": "00-abc-def-01"}
    assert merge_client_context(None, {}) is None
    assert merge_client_context("not base64!", fields) is None
    assert merge_client_context(base64.b64encode(b"[1, 2]").decode(), fields) is None
    assert merge_client_context(base64.b64encode(b'{"custom": 3}').decode(), fields) is None
    big = base64.b64encode(json.dumps({"custom": {"pad": "x" * 2650}}).encode()).decode()
    assert len(big) < 3583
    assert merge_client_context(big, fields) is None
    added = merge_client_context(None, fields)
    assert added is not None
    assert json.loads(base64.b64decode(added)) == {"custom": fields}
