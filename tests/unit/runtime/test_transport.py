"""The transport seam against a mocked aiohttp session (no sockets)."""

from __future__ import annotations

import asyncio
import errno
import gc
import re
import ssl
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp.client_reqrep import ConnectionKey
from aioresponses import aioresponses

from lambda_client._runtime.exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ForeignCause,
    LambdaClientError,
    ReadTimeoutError,
    TransportError,
)
from lambda_client._runtime.http import HttpRequest, HttpResponse, ResponseStream
from lambda_client._runtime.messages import type_name
from lambda_client._runtime.transport import AiohttpTransport, Transport
from lambda_client.config import ClientConfig

HOST = "lambda.us-east-1.amazonaws.com"
INVOKE_PATH = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations"
ANY_URL = re.compile(r"^https://lambda\.us-east-1\.amazonaws\.com/.*")
KEY = ConnectionKey(HOST, 443, True, True, None, None, None)


class MockedResponse(aiohttp.ClientResponse):
    """aioresponses 0.7.9 predates the ``stream_writer`` argument aiohttp 3.14
    requires, so successful mocked responses are built through this class."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


def invoke_request(**overrides: object) -> HttpRequest:
    fields: dict[str, object] = {
        "method": "POST",
        "scheme": "https",
        "host": HOST,
        "path": INVOKE_PATH,
        "headers": {
            "x-amz-date": "20260101T000000Z",
            "authorization": "AWS4-HMAC-SHA256 Credential=...",
            "content-type": "application/json",
        },
        "body": b'{"a": 1}',
    }
    fields.update(overrides)
    return HttpRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpTransport]:
    t = AiohttpTransport(ClientConfig(max_pool_connections=1, pool_timeout=0.5))
    yield t
    await t.close()


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


def test_satisfies_the_transport_protocol() -> None:
    def accepts(_t: Transport) -> None:
        pass

    # Built outside any running loop: the session must not be created yet.
    accepts(AiohttpTransport(ClientConfig()))


async def test_returns_status_case_insensitive_headers_and_body(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.post(
        ANY_URL,
        response_class=MockedResponse,
        status=202,
        body=b"payload",
        headers={"X-Amz-Executed-Version": "$LATEST", "X-Amzn-RequestId": "rid"},
    )
    resp = await transport.send(invoke_request(), read_timeout=5)
    assert isinstance(resp, HttpResponse)
    assert resp.status == 202
    assert resp.body == b"payload"
    assert resp.stream is None
    assert resp.headers["x-amz-executed-version"] == "$LATEST"
    assert resp.headers["X-AMZN-REQUESTID"] == "rid"


async def test_passes_headers_body_and_encoded_url_through(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"")
    request = invoke_request(query="Qualifier=a%2Fb")
    await transport.send(request, read_timeout=7.5)

    ((method, url), calls) = next(iter(mocked.requests.items()))
    assert method == "POST"
    # aioresponses re-encodes the query for matching; byte fidelity of the
    # whole target is proven against a real server in the functional tests.
    assert url.raw_path == INVOKE_PATH
    (call,) = calls
    assert call.kwargs["headers"] == request.headers
    assert call.kwargs["data"] == b'{"a": 1}'
    assert call.kwargs["allow_redirects"] is False
    assert call.kwargs["timeout"].sock_read == 7.5
    assert call.kwargs["timeout"].total is None


async def test_empty_body_is_sent_as_no_body(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.get(ANY_URL, response_class=MockedResponse, body=b"{}")
    await transport.send(
        invoke_request(method="GET", path="/2015-03-31/functions/", body=b""), read_timeout=5
    )
    ((_key, (call,)),) = mocked.requests.items()
    # b"" would make aiohttp add "Content-Length: 0" to a GET.
    assert call.kwargs["data"] is None


@pytest.mark.parametrize(
    ("raised", "expected", "sent"),
    [
        pytest.param(
            aiohttp.ConnectionTimeoutError("t"), ConnectTimeoutError, False, id="connect-timeout"
        ),
        pytest.param(
            aiohttp.ClientConnectorError(
                KEY, ConnectionRefusedError(errno.ECONNREFUSED, "refused")
            ),
            ConnectError,
            False,
            id="refused",
        ),
        pytest.param(
            aiohttp.ClientConnectorDNSError(KEY, OSError(-2, "Name or service not known")),
            ConnectError,
            False,
            id="dns",
        ),
        pytest.param(
            aiohttp.ClientConnectorSSLError(KEY, ssl.SSLError(1, "handshake failure")),
            ConnectError,
            False,
            id="tls-handshake",
        ),
        pytest.param(
            aiohttp.ClientConnectorCertificateError(KEY, ssl.CertificateError("bad cert")),
            ConnectError,
            False,
            id="certificate",
        ),
        pytest.param(
            aiohttp.ServerFingerprintMismatch(b"a", b"b", HOST, 443),
            ConnectError,
            False,
            id="fingerprint",
        ),
        pytest.param(
            aiohttp.SocketTimeoutError("slow"), ReadTimeoutError, True, id="sock-read-timeout"
        ),
        pytest.param(
            aiohttp.ServerTimeoutError("slow"), ReadTimeoutError, True, id="server-timeout"
        ),
        pytest.param(
            aiohttp.ServerDisconnectedError(), ConnectionClosedError, True, id="disconnected"
        ),
        pytest.param(
            aiohttp.ClientPayloadError("short"), ConnectionClosedError, True, id="payload"
        ),
        pytest.param(
            aiohttp.ClientOSError(errno.ECONNRESET, "reset"),
            ConnectionClosedError,
            True,
            id="os-reset",
        ),
        pytest.param(
            aiohttp.ClientConnectionResetError("Cannot write to closing transport"),
            ConnectionClosedError,
            True,
            id="write-on-closing",
        ),
        pytest.param(
            aiohttp.ClientConnectionError("Connection lost"), ConnectionClosedError, True, id="lost"
        ),
        pytest.param(
            aiohttp.ClientResponseError(None, (), status=400, message="Invalid response status"),  # type: ignore[arg-type]
            TransportError,
            True,
            id="bad-response",
        ),
        pytest.param(aiohttp.InvalidURL("x"), TransportError, True, id="invalid-url"),
        pytest.param(TimeoutError(), ReadTimeoutError, True, id="bare-timeout"),
        pytest.param(
            ConnectionResetError(errno.ECONNRESET, "reset"),
            ConnectionClosedError,
            True,
            id="bare-reset",
        ),
    ],
)
async def test_maps_each_failure_once_and_chains_it(
    transport: AiohttpTransport,
    mocked: aioresponses,
    raised: Exception,
    expected: type[TransportError],
    sent: bool,
) -> None:
    mocked.post(ANY_URL, exception=raised)
    with pytest.raises(TransportError) as info:
        await transport.send(invoke_request(), read_timeout=5)
    assert type(info.value) is expected
    assert info.value.request_sent is sent
    # Chained as a stand-in naming the failure's type: aiohttp's exceptions
    # carry the request's headers.
    assert isinstance(info.value.__cause__, ForeignCause)
    assert info.value.__cause__.type_name == type_name(raised)
    assert HOST in str(info.value)


async def test_cancellation_propagates_untouched_and_frees_the_slot(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    cancelled = asyncio.CancelledError()
    mocked.post(ANY_URL, exception=cancelled)
    with pytest.raises(asyncio.CancelledError) as info:
        await transport.send(invoke_request(), read_timeout=5)
    assert info.value is cancelled

    # The only pooled slot must be free again, or this waits out pool_timeout.
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"ok")
    assert (await transport.send(invoke_request(), read_timeout=5)).body == b"ok"


async def test_failures_do_not_leak_pool_slots(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    for _ in range(3):
        mocked.post(ANY_URL, exception=aiohttp.ServerDisconnectedError())
        with pytest.raises(ConnectionClosedError):
            await transport.send(invoke_request(), read_timeout=5)
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"ok")
    assert (await transport.send(invoke_request(), read_timeout=5)).body == b"ok"


async def test_programming_errors_are_not_disguised_as_transport_errors(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.post(ANY_URL, exception=TypeError("bug"))
    with pytest.raises(TypeError):
        await transport.send(invoke_request(), read_timeout=5)


async def test_stream_yields_the_body_and_releases_its_slot_at_the_end(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"event-bytes", repeat=True)
    resp = await transport.send(invoke_request(), read_timeout=5, stream=True)
    assert resp.body == b""
    assert resp.stream is not None
    stream: ResponseStream = resp.stream
    assert b"".join([chunk async for chunk in stream.iter_chunks()]) == b"event-bytes"

    # Ending the iteration gave the slot back: a pool of one is usable again.
    again = await transport.send(invoke_request(), read_timeout=5, stream=True)
    assert again.stream is not None
    await again.stream.aclose()
    await again.stream.aclose()
    assert [chunk async for chunk in again.stream.iter_chunks()] == []


async def test_unclosed_stream_is_reclaimed_with_a_resource_warning(
    transport: AiohttpTransport, mocked: aioresponses
) -> None:
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"never read", repeat=True)
    resp = await transport.send(invoke_request(), read_timeout=5, stream=True)
    with pytest.warns(ResourceWarning, match="never closed"):
        del resp
        gc.collect()
    resp = await transport.send(invoke_request(), read_timeout=5)
    assert resp.body == b"never read"


async def test_close_is_idempotent_and_later_sends_fail(mocked: aioresponses) -> None:
    t = AiohttpTransport(ClientConfig())
    await t.close()  # never opened
    t = AiohttpTransport(ClientConfig())
    mocked.post(ANY_URL, response_class=MockedResponse, body=b"ok")
    await t.send(invoke_request(), read_timeout=5)
    await t.close()
    await t.close()
    with pytest.raises(ClientClosedError, match="client is closed") as info:
        await t.send(invoke_request(), read_timeout=5)
    assert isinstance(info.value, LambdaClientError)
    assert not isinstance(info.value, TransportError)
    assert info.value.request_sent is False
