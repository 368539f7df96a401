"""Calls run inline (in the caller's thread, no event loop) against real
servers: the same retries, the same wire and the same errors as the async
client's, measured side by side.

Each inline call runs in a worker thread (``asyncio.to_thread``) because
the fault server runs on the test's own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest
from multidict import CIMultiDict
from opentelemetry import trace

from lambda_client import BlockingLambdaClient, ClientConfig, Credentials, LambdaClient
from lambda_client._runtime.blocking import LoopThread
from lambda_client._runtime.exceptions import (
    ClientClosedError,
    ConnectionClosedError,
    ReadTimeoutError,
)
from lambda_client._runtime.inline import inline_view, run_inline
from lambda_client.errors import ResourceNotFoundException, TooManyRequestsException
from lambda_client.testing import LambdaStub
from tests.functional.differential.server import ACCESS_KEY, REGION, SECRET_KEY, Recorded
from tests.functional.differential.signing import verify
from tests.functional.faults import FaultServer, Reply, error, ok
from tests.functional.test_retries import SleepLog, client_for
from tests.functional.test_telemetry import Telemetry, otel  # noqa: F401 (fixture)

T = TypeVar("T")

FUNCTION = b'{"Configuration": {"FunctionName": "f", "State": "Active"}}'
CREDENTIALS = Credentials(access_key_id="AKIDEXAMPLE", secret_access_key="secret")


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_MAX_ATTEMPTS",
        "AWS_RETRY_MODE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


class Inline:
    """An inline view of a blocking client's async client, with the
    delays it was asked to wait recorded instead of slept."""

    def __init__(self, url: str, config: ClientConfig | None = None, **kw: Any) -> None:
        self.blocking = BlockingLambdaClient(
            region=kw.pop("region", "us-east-1"),
            endpoint_url=url,
            credentials=kw.pop("credentials", CREDENTIALS),
            config=config,
            **kw,
        )
        self.delays: list[float] = []
        made = inline_view(
            self.blocking.async_client, self.blocking._runner, sleep=self.delays.append
        )
        assert made is not None
        self.client, self.transport = made

    async def __call__(self, call: Callable[[LambdaClient], Coroutine[Any, Any, T]]) -> T:
        # The coroutine is made here and run to its end in a worker thread.
        return await asyncio.to_thread(run_inline, call(self.client))

    def close(self) -> None:
        self.transport.close_now()
        self.blocking.close()


@contextlib.asynccontextmanager
async def inline_for(
    server: FaultServer, config: ClientConfig | None = None
) -> AsyncIterator[Inline]:
    inline = await asyncio.to_thread(Inline, server.url, config)
    try:
        yield inline
    finally:
        await asyncio.to_thread(inline.close)


THROTTLE = error(429, "TooManyRequestsException", "Rate exceeded", headers={"Retry-After": "1"})
BROKEN = Reply(status=500, body=b'{"message": "internal"}')


async def test_retries_match_the_async_clients() -> None:
    """One script, both paths: the same attempts, headers, delays and output."""
    script = [THROTTLE, Reply(reset=True), BROKEN, ok(FUNCTION)]
    config = ClientConfig(max_attempts=5)
    sleep = SleepLog()
    async with asyncio.timeout(10):
        async with (
            FaultServer(script) as server,
            client_for(server, config, sleep=sleep) as client,
        ):
            expected = await client.get_function(function_name="f")
            async_requests = list(server.requests)
        async with FaultServer(script) as server, inline_for(server, config) as inline:
            got = await inline(lambda c: c.get_function(function_name="f"))
            inline_requests = list(server.requests)

    assert got.configuration == expected.configuration
    assert got.response_metadata is not None and expected.response_metadata is not None
    assert got.response_metadata.attempts == expected.response_metadata.attempts == 4
    assert len(inline.delays) == len(sleep.delays) == 3
    # The throttle's Retry-After is a floor on both paths.
    assert inline.delays[0] >= 1.0 and sleep.delays[0] >= 1.0

    def shape(requests: list[Any]) -> list[tuple[str, str, str]]:
        return [(r.method, r.path, r.headers["amz-sdk-request"]) for r in requests]

    assert shape(inline_requests) == shape(async_requests)
    # One call: one invocation id for all its attempts.
    assert len({r.headers["amz-sdk-invocation-id"] for r in inline_requests}) == 1


async def test_an_invoke_that_may_have_run_is_not_resent() -> None:
    async with (
        asyncio.timeout(10),
        FaultServer([Reply(reset=True)]) as server,
        inline_for(server) as inline,
    ):
        with pytest.raises(ConnectionClosedError) as info:
            await inline(lambda c: c.invoke(function_name="f", payload=b"{}"))

    assert len(server.requests) == 1
    assert info.value.attempts == 1
    assert inline.delays == []


async def test_a_service_error_is_the_modelled_exception_with_its_request_id() -> None:
    missing = error(
        404,
        "ResourceNotFoundException",
        "Function not found: f",
        headers={"x-amzn-RequestId": "req-1"},
    )
    async with asyncio.timeout(10), FaultServer([missing]) as server, inline_for(server) as inline:
        with pytest.raises(ResourceNotFoundException) as info:
            await inline(lambda c: c.get_function(function_name="f"))

    assert info.value.request_id == "req-1"
    assert len(server.requests) == 1


async def test_throttles_until_the_attempts_run_out() -> None:
    config = ClientConfig(max_attempts=2)
    async with (
        asyncio.timeout(10),
        FaultServer([], then=THROTTLE) as server,
        inline_for(server, config) as inline,
    ):
        with pytest.raises(TooManyRequestsException) as info:
            await inline(lambda c: c.get_function(function_name="f"))

    assert len(server.requests) == 2
    assert info.value.attempts == 2 and info.value.max_attempts == 2
    assert len(inline.delays) == 1


async def test_a_large_body_is_hashed_in_the_callers_thread() -> None:
    # Above the size the async path hashes in a worker thread of the loop;
    # there is no loop here, so it must be hashed in place, and right:
    # botocore's signer, server side, checks the signature over the body.
    payload = b'{"blob": "' + b"x" * (1024 * 1024) + b'"}'
    async with asyncio.timeout(10), FaultServer() as server:
        inline = await asyncio.to_thread(
            Inline,
            server.url,
            None,
            region=REGION,
            credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
        )
        try:
            await inline(lambda c: c.invoke(function_name="f", payload=payload))
        finally:
            await asyncio.to_thread(inline.close)

    (received,) = server.requests
    assert received.body == payload
    verify(
        Recorded(
            method=received.method,
            path=received.path,
            query=received.query,
            headers=CIMultiDict(received.headers),
            body=received.body,
        )
    )


async def test_connections_are_kept_between_calls() -> None:
    async with asyncio.timeout(10), FaultServer() as server, inline_for(server) as inline:
        for _ in range(3):
            await inline(lambda c: c.get_function(function_name="f"))
        pooled = sum(len(conns) for conns in inline.transport._idle.values())

    assert len(server.requests) == 3
    assert pooled == 1


async def test_a_closed_view_sends_nothing() -> None:
    async with asyncio.timeout(10), FaultServer() as server, inline_for(server) as inline:
        inline.transport.close_now()
        with pytest.raises(ClientClosedError, match="not sent"):
            await inline(lambda c: c.get_function(function_name="f"))

    assert server.requests == []


async def test_the_call_span_is_a_child_of_the_callers_span(otel: Telemetry) -> None:  # noqa: F811
    tracer = trace.get_tracer("caller")
    parents: list[int] = []

    def in_a_span(inline: Inline) -> None:
        with tracer.start_as_current_span("handler") as span:
            parents.append(span.get_span_context().span_id)
            run_inline(inline.client.get_function(function_name="f"))

    async with asyncio.timeout(10), FaultServer() as server, inline_for(server) as inline:
        await asyncio.to_thread(in_a_span, inline)

    (call,) = otel.finished()
    assert call.name == "Lambda.GetFunction"
    assert call.parent is not None and call.parent.span_id == parents[0]


async def test_profile_credentials_cross_to_the_loop_thread_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Credentials from the chain are fetched by the loop thread's resolver
    (it owns refreshes); while they need no refresh, calls read them in place."""
    credentials_file = tmp_path / "credentials"
    credentials_file.write_text(
        "[inline]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials_file))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    hops: list[str] = []
    run = LoopThread.run

    def counted(self: LoopThread, awaitable: Any) -> Any:
        hops.append(threading.current_thread().name)
        return run(self, awaitable)

    monkeypatch.setattr(LoopThread, "run", counted)
    async with asyncio.timeout(10), FaultServer() as server:
        inline = await asyncio.to_thread(
            Inline, server.url, None, credentials=None, profile="inline"
        )
        try:
            for _ in range(3):
                await inline(lambda c: c.get_function(function_name="f"))
        finally:
            await asyncio.to_thread(inline.close)

    assert len(hops) == 1
    assert all("Credential=AKIDPROFILE/" in r.headers["authorization"] for r in server.requests)


def test_no_inline_view_for_a_transport_of_the_callers() -> None:
    stub = LambdaStub()
    with BlockingLambdaClient(
        region="us-east-1", credentials=CREDENTIALS, transport=stub.transport
    ) as blocking:
        assert inline_view(blocking.async_client, blocking._runner) is None


def test_no_inline_view_when_a_proxy_applies_to_the_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxied = ClientConfig(proxies={"https": "http://127.0.0.1:9"})
    with BlockingLambdaClient(region="us-east-1", credentials=CREDENTIALS, config=proxied) as b:
        assert inline_view(b.async_client, b._runner) is None
    # NO_PROXY exempting the endpoint: nothing stands in the way.
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "lambda.us-east-1.amazonaws.com")
    with BlockingLambdaClient(region="us-east-1", credentials=CREDENTIALS) as b:
        made = inline_view(b.async_client, b._runner)
        assert made is not None
        view, transport = made
        # Shared with the client: the retry quota and the credentials' source.
        assert view._pipeline.quota is b.async_client._pipeline.quota
        transport.close_now()


# -- the blocking client ----------------------------------------------------------


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls handed to a blocking client's loop thread."""
    seen: list[str] = []
    run = LoopThread.run

    def counted(self: LoopThread, awaitable: Any) -> Any:
        seen.append(type(awaitable).__name__)
        return run(self, awaitable)

    monkeypatch.setattr(LoopThread, "run", counted)
    return seen


def _blocking(url: str, **kw: Any) -> BlockingLambdaClient:
    return BlockingLambdaClient(region="us-east-1", endpoint_url=url, credentials=CREDENTIALS, **kw)


async def test_blocking_operations_run_in_the_calling_thread(hops: list[str]) -> None:
    async with asyncio.timeout(10), FaultServer([THROTTLE, ok(FUNCTION)]) as server:

        def calls() -> Any:
            with _blocking(server.url) as client:
                out = client.get_function(function_name="f")
                client.delete_function(function_name="f")
                return out

        out = await asyncio.to_thread(calls)

    assert out.configuration.function_name == "f"
    assert out.response_metadata.attempts == 2
    assert [r.method for r in server.requests] == ["GET", "GET", "DELETE"]
    # Nothing went through the loop thread (closing the client does not use run()).
    assert hops == []


async def test_a_with_options_view_goes_inline_with_its_own_timeouts(hops: list[str]) -> None:
    slow = ok(FUNCTION, delay=1.0)
    async with asyncio.timeout(10), FaultServer([slow], then=ok(FUNCTION)) as server:

        def calls() -> tuple[Any, Any]:
            with _blocking(server.url) as client:
                hasty = client.with_options(read_timeout=0.2, max_attempts=1, connect_timeout=2)
                with pytest.raises(ReadTimeoutError) as info:
                    hasty.get_function(function_name="f")
                # The client itself still waits as configured, on the same connections.
                return info.value, client.get_function(function_name="f")

        timed_out, out = await asyncio.to_thread(calls)

    assert timed_out.attempts == 1
    assert out.configuration.function_name == "f"
    assert hops == []


async def test_a_sleep_seam_keeps_the_calls_on_the_loop_thread(hops: list[str]) -> None:
    sleep = SleepLog()
    async with asyncio.timeout(10), FaultServer([THROTTLE, ok(FUNCTION)]) as server:

        def calls() -> Any:
            with _blocking(server.url, sleep=sleep) as client:
                return client.get_function(function_name="f")

        await asyncio.to_thread(calls)

    assert hops == ["coroutine"]
    assert len(sleep.delays) == 1


_NO_AIOHTTP = """
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BODY = json.dumps({"Configuration": {"FunctionName": "f"}}).encode()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()

from lambda_client import BlockingLambdaClient, Credentials

with BlockingLambdaClient(
    region="us-east-1",
    endpoint_url="http://127.0.0.1:%d" % server.server_address[1],
    credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
) as client:
    name = client.get_function(function_name="f").configuration.function_name
server.shutdown()
print(json.dumps({"name": name, "aiohttp": "aiohttp" in sys.modules}))
"""


def test_a_blocking_client_that_makes_plain_calls_never_imports_aiohttp() -> None:
    # In a fresh interpreter: this one imported aiohttp long ago.
    result = subprocess.run(
        [sys.executable, "-c", _NO_AIOHTTP],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={
            **os.environ,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        },
    )
    assert json.loads(result.stdout) == {"name": "f", "aiohttp": False}
