"""lambda_client.testing.LambdaStub: queued answers, checked when queued,
answered through the client's real pipeline on a virtual clock."""

from __future__ import annotations

import base64
import time
from datetime import UTC, datetime

import pytest

from lambda_client import ClientConfig, LambdaClient, errors, models
from lambda_client.testing import STUB_CREDENTIALS, LambdaStub, StubError, VirtualClock
from lambda_client.transport import HttpRequest, Transport

FUNCTION = models.GetFunctionResponse(
    configuration=models.FunctionConfiguration(function_name="f", runtime="python3.12")
)


def throttle(seconds: str = "1") -> errors.TooManyRequestsException:
    return errors.TooManyRequestsException(
        message="Rate exceeded", retry_after_seconds=seconds, type="User"
    )


# -- answering ---------------------------------------------------------------------


async def test_answers_go_in_order_and_calls_are_recorded_per_attempt() -> None:
    stub = LambdaStub()
    stub.add_error("get_function", throttle())
    stub.add_response("get_function", FUNCTION)
    stub.add_response("list_functions", models.ListFunctionsResponse(functions=[]))
    async with stub.client() as client:
        fn = await client.get_function(function_name="f", qualifier="live")
        listed = await client.list_functions(max_items=5)
    assert fn == FUNCTION and listed.functions == []
    assert [c.operation for c in stub.calls] == ["get_function", "get_function", "list_functions"]
    assert stub.calls[0].request == models.GetFunctionRequest(function_name="f", qualifier="live")
    assert stub.calls[2].request == models.ListFunctionsRequest(max_items=5)
    first, second = stub.calls[0].http, stub.calls[1].http
    assert (first.method, first.path, first.query) == (
        "GET",
        "/2015-03-31/functions/f",
        "Qualifier=live",
    )
    # Each attempt is signed as sent; the copies keep what each carried.
    assert first.headers["amz-sdk-request"] == "attempt=1; max=3"
    assert second.headers["amz-sdk-request"] == "attempt=2; max=3"
    assert first.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDSTUB/")
    assert "stub-secret" not in repr(stub.calls)
    assert "<redacted>" in repr(first)
    stub.assert_all_consumed()


async def test_a_throttled_call_backs_off_on_the_virtual_clock() -> None:
    stub = LambdaStub()
    for _ in range(3):
        stub.add_error("get_function", throttle("7"))
    stub.add_response("get_function", FUNCTION)
    began = time.monotonic()
    async with stub.client(config=ClientConfig(max_attempts=4)) as client:
        fn = await client.get_function(function_name="f")
    assert time.monotonic() - began < 1.0
    assert fn.response_metadata is not None and fn.response_metadata.attempts == 4
    # Retry-After is the floor of every delay, capped back-off above it.
    assert len(stub.slept) == 3 and all(7.0 <= d <= 20.0 for d in stub.slept)
    assert fn.response_metadata.total_retry_delay == pytest.approx(sum(stub.slept))


async def test_errors_arrive_as_their_class_with_every_member() -> None:
    stub = LambdaStub()
    stub.add_error(
        "get_function",
        errors.TooManyRequestsException(
            message="slow down",
            retry_after_seconds="3",
            type="User",
            reason="CallerRateLimitExceeded",
            request_id="req-42",
        ),
    )
    stub.add_error("delete_function", errors.ResourceNotFoundException(message="gone"))
    async with stub.client(config=ClientConfig(max_attempts=1)) as client:
        with pytest.raises(errors.TooManyRequestsException) as throttled:
            await client.get_function(function_name="f")
        with pytest.raises(errors.ResourceNotFoundException) as missing:
            await client.delete_function(function_name="f")
    e = throttled.value
    assert (e.message, e.retry_after_seconds, e.type, e.request_id, e.status_code) == (
        "slow down",
        "3",
        "User",
        "req-42",
        429,
    )
    assert e.reason is models.ThrottleReason.CALLER_RATE_LIMIT_EXCEEDED
    assert e.headers["Retry-After"] == "3"
    assert (missing.value.code, missing.value.status_code, missing.value.message) == (
        "ResourceNotFoundException",
        404,
        "gone",
    )
    assert missing.value.request_id is not None


async def test_invoke_answers_carry_payload_status_and_headers() -> None:
    stub = LambdaStub()
    log = base64.b64encode(b"START\nEND").decode()
    stub.add_response(
        "invoke",
        models.InvocationResponse(
            payload=b'{"errorMessage": "boom"}',
            function_error="Unhandled",
            log_result=log,
            executed_version="7",
        ),
    )
    stub.add_response("invoke", models.InvocationResponse(status_code=202))
    async with stub.client() as client:
        out = await client.invoke(function_name="f", payload={"n": 1}, log_type="Tail")
        queued = await client.invoke(function_name="f", invocation_type="Event")
    assert (out.status_code, out.payload, out.function_error, out.executed_version) == (
        200,
        b'{"errorMessage": "boom"}',
        "Unhandled",
        "7",
    )
    assert out.log_text == "START\nEND"
    assert (queued.status_code, queued.payload) == (202, b"")
    assert stub.calls[0].http.body == b'{"n":1}'
    assert stub.calls[0].request.log_type is models.LogType.TAIL
    assert stub.calls[1].request.invocation_type == "Event"


async def test_operations_without_output_answer_none() -> None:
    stub = LambdaStub()
    stub.add_response("delete_alias", None)
    async with stub.client() as client:
        assert await client.delete_alias(function_name="f", name="live") is None
    assert stub.calls[0].http.method == "DELETE"


async def test_event_streams_deliver_their_events_and_end_with_an_error() -> None:
    stub = LambdaStub()
    stub.add_stream(
        "invoke_with_response_stream",
        events=[
            models.InvokeResponseStreamUpdate(payload=b"hel"),
            models.InvokeResponseStreamUpdate(payload=b"lo"),
            models.InvokeWithResponseStreamCompleteEvent(log_result="bG9n"),
        ],
        output=models.InvokeWithResponseStreamResponse(executed_version="3"),
    )
    stub.add_stream(
        "invoke_with_response_stream",
        events=[
            models.InvokeResponseStreamUpdate(payload=b"part"),
            errors.ServiceException(message="stream broke", type="Service"),
        ],
    )
    async with stub.client() as client:
        out = await client.invoke_with_response_stream(function_name="f")
        assert out.executed_version == "3" and out.event_stream is not None
        events = [event async for event in out.event_stream]
        broken = await client.invoke_with_response_stream(function_name="f")
        assert broken.event_stream is not None
        seen = []
        with pytest.raises(errors.ServiceException, match="stream broke"):
            async for event in broken.event_stream:
                seen.append(event)
    assert events == [
        models.InvokeResponseStreamUpdate(payload=b"hel"),
        models.InvokeResponseStreamUpdate(payload=b"lo"),
        models.InvokeWithResponseStreamCompleteEvent(log_result="bG9n"),
    ]
    assert seen == [models.InvokeResponseStreamUpdate(payload=b"part")]


async def test_a_streaming_call_can_be_answered_with_an_error() -> None:
    stub = LambdaStub()
    stub.add_error("invoke_with_response_stream", errors.ResourceNotFoundException(message="no"))
    async with stub.client() as client:
        with pytest.raises(errors.ResourceNotFoundException, match="no"):
            await client.invoke_with_response_stream(function_name="f")
    stub.assert_all_consumed()


async def test_raw_http_answers_reach_the_parser_as_they_are() -> None:
    stub = LambdaStub()
    stub.add_http(502, {"Content-Type": "text/html"}, "<html>Bad Gateway</html>")
    stub.add_http(200, {"Content-Type": "application/json"}, b'{"Configuration": 5}')
    stub.add_http(200, body=b"{}", operation="list_layers")
    async with stub.client(config=ClientConfig(max_attempts=1)) as client:
        with pytest.raises(errors.ServiceError) as gateway:
            await client.get_function(function_name="f")
        with pytest.raises(errors.DeserializationError):
            await client.get_function(function_name="f")
        with pytest.raises(StubError, match="next queued answer is for list_layers"):
            await client.list_functions()
    assert (gateway.value.code, gateway.value.message) == ("502", "<html>Bad Gateway</html>")


async def test_waiters_poll_on_the_virtual_clock() -> None:
    def state(value: str) -> models.GetFunctionResponse:
        return models.GetFunctionResponse(
            configuration=models.FunctionConfiguration(function_name="f", state=value)
        )

    stub = LambdaStub()
    for value in ("Pending", "Pending", "Active"):
        stub.add_response("get_function", state(value))
    for _ in range(4):
        stub.add_response("get_function", state("Pending"))
    async with stub.client() as client:
        done = await client.wait_until_function_active_v2(function_name="f", delay=5)
        assert done.configuration is not None and done.configuration.state == "Active"
        assert stub.slept == [5, 5]
        with pytest.raises(errors.WaiterTimeoutError):
            await client.wait_until_function_active_v2(function_name="f", delay=5, timeout=12)
    assert stub.slept == [5, 5, 5, 5, 2]
    stub.assert_all_consumed()


def test_the_virtual_clock_moves_only_when_waited_on() -> None:
    clock = VirtualClock(start=1_000.0)
    assert clock.time() == 1_000.0
    clock.advance(2.5)
    assert clock.time() == 1_002.5
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


async def test_requests_are_signed_at_the_virtual_time() -> None:
    stub = LambdaStub(start_time=datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC).timestamp())
    stub.add_error("get_function", throttle("15"))
    stub.add_response("get_function", FUNCTION)
    async with stub.client() as client:
        await client.get_function(function_name="f")
    dates = [call.http.headers["x-amz-date"] for call in stub.calls]
    assert dates[0] == "20300506T070809Z"
    assert dates[1] >= "20300506T070824Z"


# -- loud failures -----------------------------------------------------------------


async def test_a_call_for_another_operation_fails_loudly_and_is_not_retried() -> None:
    stub = LambdaStub()
    stub.add_response("list_functions", models.ListFunctionsResponse())
    async with stub.client() as client:
        with pytest.raises(StubError) as info:
            await client.get_function(function_name="f")
    message = str(info.value)
    assert "get_function was called" in message and "list_functions" in message
    assert not isinstance(info.value, errors.LambdaClientError)
    assert len(stub.calls) == 1
    with pytest.raises(StubError) as leftover:
        stub.assert_all_consumed()
    assert "list_functions -> ListFunctionsResponse" in str(leftover.value)
    assert "get_function was called" in str(leftover.value)


async def test_a_call_with_nothing_queued_fails_loudly() -> None:
    stub = LambdaStub()
    stub.add_response("get_function", FUNCTION)
    async with stub.client() as client:
        await client.get_function(function_name="f")
        with pytest.raises(
            StubError, match=r"nothing is queued \(all 1 queued answers were used\)"
        ):
            await client.get_function(function_name="f")
    assert stub.unanswered == [
        "get_function was called, but nothing is queued (all 1 queued answers were used)"
    ]


@pytest.mark.parametrize(
    ("queue", "problem"),
    [
        (
            lambda s: s.add_response("get_function", models.ListFunctionsResponse()),
            "get_function returns GetFunctionResponse, not ListFunctionsResponse",
        ),
        (
            lambda s: s.add_response(
                "get_function",
                models.GetFunctionResponse(
                    configuration=models.FunctionConfiguration(memory_size="128")  # type: ignore[arg-type]
                ),
            ),
            "GetFunctionResponse.configuration.memory_size: expected int, got str",
        ),
        (
            lambda s: s.add_response("get_function", None),
            "get_function returns GetFunctionResponse, not NoneType",
        ),
        (
            lambda s: s.add_response("delete_alias", models.GetFunctionResponse()),
            "delete_alias has no output",
        ),
        (
            lambda s: s.add_response("get_funtcion", FUNCTION),
            "'get_funtcion' is not a Lambda operation; did you mean get_function",
        ),
        (
            lambda s: s.add_response(
                "invoke_with_response_stream", models.InvokeWithResponseStreamResponse()
            ),
            "queue it with add_stream()",
        ),
        (
            lambda s: s.add_response("invoke", models.InvocationResponse(status_code=404)),
            "InvocationResponse.status_code: a success status is 2xx, not 404",
        ),
        (
            lambda s: s.add_error("get_function", ValueError("nope")),
            "add_error() takes an instance of an errors class",
        ),
        (
            lambda s: s.add_error("get_function", errors.ServiceException(status_code=200)),
            "ServiceException.status_code must be an HTTP error status (400-599), got 200",
        ),
        (
            lambda s: s.add_error(
                "get_function",
                errors.TooManyRequestsException(retry_after_seconds=1),  # type: ignore[arg-type]
            ),
            "TooManyRequestsException.retry_after_seconds: expected str, got int",
        ),
        (
            lambda s: s.add_stream("get_function", events=[]),
            "get_function does not answer with an event stream",
        ),
        (
            lambda s: s.add_stream("invoke_with_response_stream", events=[FUNCTION]),
            "events[0]: expected InvokeResponseStreamUpdate or "
            "InvokeWithResponseStreamCompleteEvent or an errors exception",
        ),
        (
            lambda s: s.add_stream(
                "invoke_with_response_stream",
                events=[models.InvokeResponseStreamUpdate(payload="text")],  # type: ignore[arg-type]
            ),
            "events[0].payload: expected bytes, got str",
        ),
        (lambda s: s.add_http(700), "status must be an HTTP status code (100-599), got 700"),
        (lambda s: s.add_http(200, {"X-N": 1}), "header names and values must be str"),
    ],
)
def test_queued_values_are_checked_against_the_model(queue: object, problem: str) -> None:
    stub = LambdaStub()
    with pytest.raises(StubError) as info:
        queue(stub)  # type: ignore[operator]
    assert problem in str(info.value)
    stub.assert_all_consumed()


async def test_a_swallowed_stub_error_is_still_reported() -> None:
    stub = LambdaStub()

    async def careless(client: LambdaClient) -> str | None:
        try:
            fn = await client.get_function(function_name="f")
        except Exception:
            return None
        return fn.configuration.function_name if fn.configuration else None

    async with stub.client() as client:
        assert await careless(client) is None
    with pytest.raises(StubError, match="nothing is queued"):
        stub.assert_all_consumed()


# -- wiring ------------------------------------------------------------------------


async def test_a_client_built_with_the_stub_transport() -> None:
    stub = LambdaStub()
    stub.add_response("get_function", FUNCTION)
    stub.add_response("get_function", FUNCTION)
    transport: Transport = stub.transport
    client = LambdaClient(region="eu-west-1", credentials=STUB_CREDENTIALS, transport=transport)
    assert (await client.get_function(function_name="f")) == FUNCTION
    assert stub.calls[0].http.host == "lambda.eu-west-1.amazonaws.com"
    await client.close()
    with pytest.raises(errors.TransportError, match="closed"):
        await client.get_function(function_name="f")
    # Another client on the same stub is unaffected by that close.
    async with stub.client() as other:
        assert (await other.get_function(function_name="f")) == FUNCTION


async def test_a_base_path_in_the_endpoint_still_routes() -> None:
    stub = LambdaStub()
    stub.add_response("get_function", FUNCTION)
    async with stub.client(endpoint_url="http://localhost:9000/lambda-proxy") as client:
        await client.get_function(function_name="a/b")
    call = stub.calls[0]
    assert call.http.path == "/lambda-proxy/2015-03-31/functions/a%2Fb"
    assert call.request == models.GetFunctionRequest(function_name="a/b")


def test_stub_clients_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/config")
    stub = LambdaStub()
    assert stub.client().region == "us-east-1"
    with pytest.raises(TypeError, match="stub's transport"):
        stub.client(transport=stub.transport)


def test_blocking_clients_run_on_the_virtual_clock_and_close_with_the_stub() -> None:
    stub = LambdaStub()
    stub.add_error("get_function", throttle("2"))
    stub.add_response("get_function", FUNCTION)
    stub.add_stream(
        "invoke_with_response_stream",
        events=[models.InvokeResponseStreamUpdate(payload=b"x")],
    )
    client = stub.blocking_client()
    assert client.get_function(function_name="f") == FUNCTION
    assert len(stub.slept) == 1 and stub.slept[0] >= 2.0
    out = client.invoke_with_response_stream(function_name="f")
    assert out.event_stream is not None
    assert list(out.event_stream) == [models.InvokeResponseStreamUpdate(payload=b"x")]
    stub.close()
    with pytest.raises(errors.LambdaClientError, match="closed"):
        client.get_function(function_name="f")


def test_no_lambda_operation_is_named_as_such() -> None:
    stub = LambdaStub()
    stub.add_http(200, body=b"ok")
    request = HttpRequest(method="GET", scheme="https", host="h", path="/orders")
    import asyncio

    response = asyncio.run(stub.transport.send(request, read_timeout=1))
    assert (response.status, response.body) == (200, b"ok")
    assert stub.calls[0].operation is None and stub.calls[0].request is None
    with pytest.raises(StubError, match=r"GET /orders \(no Lambda operation\)"):
        asyncio.run(stub.transport.send(request, read_timeout=1))
