"""Function URLs end to end: a real LambdaClient over HTTP to a local server
that verifies every SigV4 signature independently (botocore recomputes it
from what arrived), streams, and fails on cue.

Counts are taken on the server side; waits between retries go through the
client's ``sleep=`` seam. The only real waits are the 200 ms gap of the
streaming endpoint and two 0.1 s read timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from lambda_client import (
    BlockingLambdaClient,
    ClientConfig,
    Credentials,
    FunctionUrl,
    LambdaClient,
    errors,
)
from tests.functional.faults import FaultServer, Received, Reply, closed_port, ok
from tests.functional.function_url_server import (
    ACCESS_KEY,
    REGION,
    SECRET_KEY,
    FunctionUrlServer,
    serve,
)

TOKEN = "IQoJb3JpZ2luX2VjEJr//////////token-for-tests=="


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)


class SleepLog:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@contextlib.asynccontextmanager
async def client_for(
    *,
    token: str | None = None,
    sleep: SleepLog | None = None,
    **config: Any,
) -> AsyncIterator[LambdaClient]:
    client = LambdaClient(
        region=REGION,
        endpoint_url="http://127.0.0.1:9",
        credentials=Credentials(
            access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=token
        ),
        config=ClientConfig(**{"read_timeout": 15, "pool_timeout": 5, **config}),
        sleep=sleep or SleepLog(),
    )
    try:
        yield client
    finally:
        await client.close()


@contextlib.asynccontextmanager
async def signed(**config: Any) -> AsyncIterator[tuple[FunctionUrlServer, FunctionUrl]]:
    async with serve() as server, client_for(**config) as client:
        # A local server is a "custom domain": the region must be given.
        yield server, client.function_url(server.url, region=REGION)


# --- every signed request is accepted by an independent verifier ----------


async def test_get_with_a_query_that_needs_encoding() -> None:
    async with signed() as (server, furl):
        resp = await furl.get(
            "/search/a b/ü",
            params={"q": "a b+c/d~é=&", "empty": "", "n": 3, "tag": ["x y", "z"]},
        )
        assert resp.status == 200
        assert server.refused == []
        seen = server.requests[0]
        # Encoded exactly once, RFC 3986 style, in the caller's order.
        assert seen.path == "/search/a%20b/%C3%BC"
        assert seen.query == "q=a%20b%2Bc%2Fd~%C3%A9%3D%26&empty=&n=3&tag=x%20y&tag=z"
        body = await resp.json()
        assert body["query"] == seen.query
        assert resp.request_id == "req-1"


async def test_post_json() -> None:
    async with signed() as (server, furl):
        resp = await furl.post("/orders", json={"id": 1, "name": "ünïcode", "items": [1.5, None]})
        assert resp.status == 200 and server.refused == []
        seen = server.requests[0]
        assert seen.headers["content-type"] == "application/json"
        assert json.loads(seen.body) == {"id": 1, "name": "ünïcode", "items": [1.5, None]}


async def test_binary_body() -> None:
    payload = bytes(range(256)) * 4
    async with signed() as (server, furl):
        resp = await furl.put("/blob", content=payload)
        assert resp.status == 200 and server.refused == []
        assert server.requests[0].body == payload
        assert "content-type" not in server.requests[0].headers


async def test_body_of_six_megabytes() -> None:
    payload = hashlib.sha256(b"seed").digest() * (6 * 1024 * 1024 // 32)
    assert len(payload) == 6 * 1024 * 1024
    async with signed() as (server, furl):
        resp = await furl.post("/upload", content=payload)
        assert resp.status == 200 and server.refused == []
        assert (await resp.json())["size"] == len(payload)


async def test_session_token_credentials() -> None:
    async with signed(token=TOKEN) as (server, furl):
        resp = await furl.delete("/orders/1")
        assert resp.status == 200 and server.refused == []
        seen = server.requests[0]
        assert seen.headers["x-amz-security-token"] == TOKEN
        assert "x-amz-security-token" in seen.headers["authorization"]


async def test_the_verifier_refuses_a_tampered_request() -> None:
    # The check can fail: the same server refuses a request whose body was
    # changed after signing.
    async with serve() as server, client_for() as client:
        furl = client.function_url(server.url, region=REGION)
        http_send = client._pipeline.transport.send

        async def tamper(request: Any, **kw: Any) -> Any:
            request.body = request.body + b"!"
            return await http_send(request, **kw)

        client._pipeline.transport.send = tamper  # type: ignore[method-assign]
        with pytest.raises(errors.FunctionUrlAuthError) as info:
            await furl.post("/orders", json={"id": 1})
        assert info.value.status == 403
        assert info.value.error_type == "InvalidSignatureException"
        assert "signature we calculated" in str(info.value)
        assert len(server.refused) == 1


async def test_credentials_from_the_lambda_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # What a function calling another function's URL has: credentials and
    # region in its environment, a trace id per invocation.
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "caller")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793")
    async with serve() as server, LambdaClient() as client:
        furl = client.function_url(server.url, region=client.region)
        resp = await furl.post("/", json={"from": "caller"})
        assert resp.status == 200 and server.refused == []
        seen = server.requests[0]
        assert seen.headers["x-amz-security-token"] == TOKEN
        assert seen.headers["x-amzn-trace-id"] == "Root=1-5759e988-bd862e3fe1be46a994272793"


async def test_unsigned_url_sends_no_signature() -> None:
    async with serve(signed=False) as server, client_for() as client:
        furl = client.function_url(server.url + "/base/", auth="NONE")
        assert furl.region is None
        await furl.get("/x")
        await furl.post("/y", content="hello")
        assert server.refused == []
        get, post = server.requests
        assert get.path == "/base/x" and post.path == "/base/y"
        assert "x-amz-content-sha256" not in get.headers
        assert post.headers["x-amz-content-sha256"] == hashlib.sha256(b"hello").hexdigest()
        assert post.headers["content-type"] == "text/plain; charset=utf-8"


# --- streaming -------------------------------------------------------------


async def test_first_chunk_arrives_before_the_second_is_sent() -> None:
    async with signed() as (server, furl):
        chunks = []
        async with furl.stream("POST", "/stream", json={}) as resp:
            assert resp.status == 200
            async for chunk in resp.iter_bytes():
                chunks.append(chunk)
                server.log("received", len(chunks))
        assert b"".join(chunks) == b"first chunk;second chunk"
        order = [(what, n) for what, n, _ in server.events]
        assert order == [("sent", 1), ("received", 1), ("sent", 2), ("received", 2)]
        assert resp.is_closed


async def test_breaking_out_of_the_loop_releases_the_connection() -> None:
    async with signed(max_pool_connections=1, pool_timeout=3) as (server, furl):
        async with furl.stream("GET", "/hold") as resp:
            async for chunk in resp.iter_bytes():
                assert chunk.startswith(b"one chunk")
                break
            # Still inside the block: only the break can have freed the
            # single pooled connection this call needs.
            nxt = await furl.get("/next")
            assert nxt.status == 200
        await asyncio.wait_for(server.hold_released.wait(), 5)
        assert [r.path for r in server.requests] == ["/hold", "/next"]


async def test_leaving_the_block_unread_releases_the_connection() -> None:
    async with signed(max_pool_connections=1, pool_timeout=3) as (_server, furl):
        async with furl.stream("GET", "/hold") as resp:
            assert resp.status == 200
        assert resp.is_closed
        assert (await furl.get("/next")).status == 200
        with pytest.raises(errors.LambdaClientError, match="read once"):
            await resp.read()


async def test_streamed_error_is_raised_and_releases_the_connection() -> None:
    big = b"x" * 100_000
    async with (
        FaultServer([Reply(status=500, body=big)]) as server,
        client_for(max_pool_connections=1, pool_timeout=3) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.FunctionUrlHTTPError) as info:
            async with furl.stream("GET", "/report"):
                pytest.fail("the block must not run for an error answer")
        assert info.value.status == 500
        assert info.value.error_type is None
        assert len(info.value.body) == 4096
        assert (await furl.get("/next")).status == 200


# --- retries, counted on the server -----------------------------------------


async def test_post_that_timed_out_after_sending_is_not_sent_again() -> None:
    sleep = SleepLog()
    async with (
        FaultServer([Reply(delay=5)]) as server,
        client_for(sleep=sleep, read_timeout=0.1) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.ReadTimeoutError) as info:
            await furl.post("/orders", json={"id": 1})
    assert len(server.requests) == 1
    assert info.value.attempts == 1
    assert "retry_sent=True" in (info.value.retry_stop_reason or "")
    assert sleep.delays == []


async def test_get_that_timed_out_is_sent_again() -> None:
    async with (
        FaultServer([Reply(delay=5)], then=ok(b'{"ok": true}')) as server,
        client_for(read_timeout=0.1) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        resp = await furl.get("/orders/1")
    assert await resp.json() == {"ok": True}
    assert resp.attempts == 2
    assert len(server.requests) == 2


async def test_post_is_sent_again_when_the_caller_opts_in() -> None:
    async with (
        FaultServer([Reply(reset=True)], then=ok()) as server,
        client_for() as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.ConnectionClosedError):
            await furl.post("/orders", json={"id": 1})
        assert len(server.requests) == 1
        server.load([Reply(reset=True)], then=ok())
        resp = await furl.post("/orders", json={"id": 1}, retry_sent=True)
        assert resp.status == 200 and resp.attempts == 2
        assert len(server.requests) == 3


def _throttled(retry_after: str) -> Reply:
    return Reply(
        status=429,
        headers={"x-amzn-ErrorType": "TooManyRequestsException", "Retry-After": retry_after},
        body=json.dumps(
            {"Reason": "ConcurrentInvocationLimitExceeded", "message": "Rate Exceeded."}
        ).encode(),
    )


async def test_429_with_retry_after_is_waited_out_and_retried() -> None:
    sleep = SleepLog()
    async with (
        FaultServer([_throttled("3")], then=ok()) as server,
        client_for(sleep=sleep) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        resp = await furl.post("/orders", json={"id": 1})
    assert resp.status == 200 and resp.attempts == 2
    assert len(server.requests) == 2
    assert sleep.delays == [3.0]
    # The retry was signed anew and carries the same body.
    assert server.requests[0].body == server.requests[1].body


async def test_retry_after_beyond_the_cap_fails_at_once() -> None:
    sleep = SleepLog()
    async with (
        FaultServer([_throttled("60")], then=ok()) as server,
        client_for(sleep=sleep, retry_after_cap=20) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.FunctionUrlThrottledError) as info:
            await furl.post("/orders", json={"id": 1})
    e = info.value
    assert (e.status, e.retry_after, e.error_type) == (429, 60.0, "TooManyRequestsException")
    assert e.message == "Rate Exceeded."
    assert e.request_id == "fault-0"
    assert "retry_after_cap" in (e.retry_stop_reason or "")
    assert (e.attempts, e.max_attempts) == (1, 3)
    assert len(server.requests) == 1 and sleep.delays == []


async def test_503_is_retried_for_any_method() -> None:
    sleep = SleepLog()
    async with (
        FaultServer([Reply(status=503, headers={"Retry-After": "1"})], then=ok()) as server,
        client_for(sleep=sleep) as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        resp = await furl.patch("/orders/1", json={"state": "paid"})
    assert resp.attempts == 2 and len(server.requests) == 2
    assert sleep.delays[0] >= 1.0


async def test_function_error_is_not_retried() -> None:
    async with (
        FaultServer([Reply(status=502, body=b"Internal Server Error")], then=ok()) as server,
        client_for() as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.FunctionUrlFunctionError) as info:
            await furl.get("/orders")
    assert len(server.requests) == 1
    assert info.value.message == "Internal Server Error"
    assert info.value.attempts == 1


async def test_connection_refused_before_sending_is_retried() -> None:
    port = closed_port()
    server = FaultServer(port=port)
    sleeps: list[float] = []
    async with contextlib.AsyncExitStack() as stack:

        async def sleep(seconds: float) -> None:
            # The endpoint "comes up" during the first backoff.
            sleeps.append(seconds)
            if len(sleeps) == 1:
                try:
                    await stack.enter_async_context(server)
                except OSError as e:
                    pytest.skip(f"lost the port to another process: {e}")

        client = LambdaClient(
            region=REGION,
            endpoint_url="http://127.0.0.1:9",
            credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
            sleep=sleep,
        )
        stack.push_async_callback(client.close)
        furl = client.function_url(f"http://127.0.0.1:{port}", region=REGION)
        async with asyncio.timeout(5):
            resp = await furl.post("/orders", json={"id": 1})
    assert resp.status == 200 and resp.attempts == 2
    assert len(server.requests) == 1
    assert len(sleeps) == 1


async def test_clock_skew_is_corrected_from_the_server_date(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def expired(seen: Received) -> Reply:
        return Reply(
            status=403,
            headers={"x-amzn-ErrorType": "InvalidSignatureException"},
            body=b'{"message": "Signature expired: 20200101T000000Z is now earlier than ..."}',
            date_offset=3600,
        )

    async with FaultServer([expired], then=ok()) as server, client_for() as client:
        furl = client.function_url(server.url, region=REGION)
        resp = await furl.post("/orders", json={})
    assert resp.attempts == 2
    first, second = (r.headers["x-amz-date"] for r in server.requests)
    assert second > first
    assert 3500 < client._pipeline.clock_offset < 3700
    # Logged as an API call's correction is.
    (record,) = [r for r in caplog.records if r.name == "lambda_client.retry"]
    assert record.levelname == "WARNING" and record.lambda_operation == "FunctionUrl"


# --- errors -------------------------------------------------------------------


async def test_aws_errors_and_the_functions_own_answers() -> None:
    forbidden = Reply(
        status=403,
        headers={"x-amzn-ErrorType": "AccessDeniedException"},
        body=b'{"Message": "Forbidden. For troubleshooting Function URL authorization issues"}',
    )
    too_large = Reply(
        status=413,
        headers={"x-amzn-ErrorType": "RequestEntityTooLargeException"},
        body=b'{"message": "Request must be smaller than 6291456 bytes"}',
    )
    not_found = Reply(status=404, body=b'{"error": "no such order"}')
    async with (
        FaultServer([forbidden, too_large, not_found, not_found, forbidden]) as server,
        client_for() as client,
    ):
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.FunctionUrlAuthError) as auth:
            await furl.get("/a")
        with pytest.raises(errors.FunctionUrlPayloadTooLargeError) as large:
            await furl.post("/b", content=b"x")
        with pytest.raises(errors.FunctionUrlHTTPError) as missing:
            await furl.get("/c")
        # The function's own 404 comes back when asked for...
        resp = await furl.get("/c", raise_for_status=False)
        assert resp.status == 404 and await resp.json() == {"error": "no such order"}
        # ...but what AWS generated is raised either way.
        with pytest.raises(errors.FunctionUrlAuthError):
            await furl.get("/a", raise_for_status=False)
    assert auth.value.message is not None and auth.value.message.startswith("Forbidden.")
    assert auth.value.error_type == "AccessDeniedException"
    assert large.value.status == 413
    assert missing.value.error_type is None and missing.value.status == 404
    assert "no such order" in str(missing.value)
    for e in (auth.value, large.value, missing.value):
        assert isinstance(e, errors.FunctionUrlError) and isinstance(e, errors.LambdaClientError)
        assert e.request_id is not None and e.request_id.startswith("fault-")


async def test_a_redirect_is_returned_not_followed() -> None:
    moved = Reply(status=302, headers={"Location": "https://elsewhere.example/"}, body=b"")
    async with FaultServer([moved]) as server, client_for() as client:
        furl = client.function_url(server.url, region=REGION)
        resp = await furl.get("/old")
    assert resp.status == 302 and resp.headers["location"] == "https://elsewhere.example/"
    assert len(server.requests) == 1


async def test_an_echoed_signature_and_token_never_reach_the_error() -> None:
    def echo(seen: Received) -> Reply:
        return Reply(status=400, body=json.dumps(dict(seen.headers)).encode())

    async with FaultServer([echo]) as server, client_for(token=TOKEN) as client:
        furl = client.function_url(server.url, region=REGION)
        with pytest.raises(errors.FunctionUrlHTTPError) as info:
            await furl.post("/echo", json={})
    signature = server.requests[0].headers["authorization"].rsplit("Signature=", 1)[1]
    e = info.value
    for text in (str(e), repr(e), e.body, e.message or "", "".join(getattr(e, "__notes__", []))):
        assert TOKEN not in text and signature not in text
    assert "<redacted>" in e.body


async def test_a_callers_own_authorization_never_reaches_the_error() -> None:
    def echo(seen: Received) -> Reply:
        return Reply(status=401, body=json.dumps(dict(seen.headers)).encode())

    async with FaultServer([echo]) as server, client_for() as client:
        furl = client.function_url(server.url, auth="NONE")
        with pytest.raises(errors.FunctionUrlAuthError) as info:
            await furl.get("/me", headers={"Authorization": "Bearer app-secret-123456"})
    assert server.requests[0].headers["authorization"] == "Bearer app-secret-123456"
    assert "app-secret-123456" not in str(info.value) + info.value.body


async def test_blocking_client_has_the_same_surface() -> None:
    async with signed(token=TOKEN) as (server, _furl):
        url = server.url

        def call() -> None:
            with BlockingLambdaClient(
                region=REGION,
                endpoint_url="http://127.0.0.1:9",
                credentials=Credentials(
                    access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=TOKEN
                ),
            ) as client:
                furl = client.function_url(url, region=REGION)
                resp = furl.post("/orders", json={"id": 1})
                assert resp.status == 200 and resp.json()["path"] == "/orders"
                assert resp.headers["X-AMZN-REQUESTID"] == resp.request_id
                with furl.stream("GET", "/stream") as streamed:
                    assert b"".join(streamed.iter_bytes()) == b"first chunk;second chunk"
                assert streamed.is_closed

        await asyncio.to_thread(call)
        assert server.refused == []
        assert len(server.requests) == 2
