"""The async client's first calls go over the inline transport while aiohttp
is not loaded (early_calls.py), against real servers.

The fresh-interpreter tests run the client in a subprocess, since this
process imported aiohttp long ago. The others force the early path in this
process (the transport believes aiohttp is still loading) and compare what
callers see with the aiohttp path on the same server.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from lambda_client import LambdaClient
from lambda_client._runtime.early_calls import EARLY_CALLS
from lambda_client._runtime.exceptions import (
    ConnectError,
    LambdaClientError,
    ReadTimeoutError,
    TransportError,
)
from lambda_client._runtime.http import HttpRequest
from lambda_client._runtime.transport import AiohttpTransport
from lambda_client.config import ClientConfig

from .differential import signing
from .faults import closed_port
from .inline_support import DEADLINE, OK, Peer, RawServer, eventually, serve_each
from .test_inline_transport import headline
from .tls_support import Pki, client_for, isolate, serving

BODY = b'{"Configuration": {"FunctionName": "f", "State": "Active"}}'
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


def request(host: str, method: str = "GET") -> HttpRequest:
    return HttpRequest(
        method=method, scheme="http", host=host, path="/2015-03-31/functions/f", body=b""
    )


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpTransport]:
    t = AiohttpTransport(ClientConfig(connect_timeout=2.0, pool_timeout=2.0))
    yield t
    await t.close()


@pytest.fixture
def early(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process behaves as if aiohttp were still being imported."""
    monkeypatch.setattr(AiohttpTransport, "_loading_aiohttp", lambda self: True)


# -- fresh interpreters ---------------------------------------------------------

_CLIENT = """
import asyncio, json, sys, threading
from lambda_client import Credentials, LambdaClient

def client():
    return LambdaClient(
        region="us-east-1",
        endpoint_url=f"http://127.0.0.1:{PORT}",
        credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
    )
"""

_ONE_CALL = """
async def main():
    async with client() as c:
        out = await c.get_function(function_name="f")
        loaded = "aiohttp" in sys.modules
    print(json.dumps({"name": out.configuration.function_name, "aiohttp": loaded,
                      "attempts": out.response_metadata.attempts}))

asyncio.run(main())
"""

_MANY_CALLS = """
async def main():
    async with client() as client_:
        transport = client_._pipeline.transport
        await client_.get_function(function_name="f")
        after_first = "aiohttp" in sys.modules
        calls = 1
        # The second call starts the import; calls go on meanwhile.
        while transport._session is None and calls < 400:
            await client_.get_function(function_name="f")
            calls += 1
            await asyncio.sleep(0.005)
        on_aiohttp = transport._session is not None
        await client_.get_function(function_name="f")
        early_closed = transport._early._transport is None
    print(json.dumps({"after_first": after_first, "calls": calls,
                      "on_aiohttp": on_aiohttp, "early_closed": early_closed}))

asyncio.run(main())
"""


_OPENED_ON_IMPORT = """
async def main():
    async with client() as client_:
        transport = client_._pipeline.transport
        await client_.get_function(function_name="f")
        await client_.get_function(function_name="f")
        # The second early call started the import: once it is done, the
        # pool is open before any call goes through aiohttp.
        await asyncio.shield(transport._importing)
        await asyncio.sleep(0)
        opened = transport._session is not None
        retired = transport._early._retired
        await client_.get_function(function_name="f")
        guarded = transport._guard is not None
    print(json.dumps({"opened": opened, "retired": retired, "guarded": guarded}))

asyncio.run(main())
"""


_IMPORTED_NEVER_CLOSED = """
c = client()

async def main():
    await c.get_function(function_name="f")
    await c.get_function(function_name="f")
    await asyncio.shield(c._pipeline.transport._importing)
    for _ in range(100):
        if c._pipeline.transport._guard is not None:
            break
        await asyncio.sleep(0.01)

asyncio.run(main())
transport = c._pipeline.transport
session = transport._session
print(json.dumps({"opened": session is not None, "guarded": transport._guard is not None,
                  "closed": session is not None and session.closed}))
"""


_NEVER_CLOSED = """
c = client()

async def main():
    await c.get_function(function_name="f")

asyncio.run(main())
early = c._pipeline.transport._early
print(json.dumps({"sent": early.sent, "closed": early._transport is None}))
"""


def _run(script: str, port: int) -> dict[str, object]:
    source = f"PORT = {port}\n" + textwrap.dedent(_CLIENT) + textwrap.dedent(script)
    done = subprocess.run(
        [sys.executable, "-c", source],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def test_a_program_that_makes_one_call_never_imports_aiohttp() -> None:
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        out = _run(_ONE_CALL, server.port)
        assert server.failures == []
    assert out == {"name": "f", "aiohttp": False, "attempts": 1}
    [seen] = server.requests
    assert seen.start == b"GET /2015-03-31/functions/f HTTP/1.1"
    assert "authorization" in seen.header_map()


def test_later_calls_move_to_aiohttp_and_the_early_connection_closes() -> None:
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        out = _run(_MANY_CALLS, server.port)
        assert server.failures == []
        assert server.open_now == 0
    assert out["after_first"] is False
    assert out["on_aiohttp"] is True
    assert out["early_closed"] is True
    assert isinstance(out["calls"], int) and 2 <= out["calls"] < 400
    # One kept-alive connection for the early calls, one for aiohttp's.
    assert server.connections == 2


def test_the_pool_opens_when_aiohttp_is_loaded_not_in_a_call() -> None:
    # Opening it inside the first call through aiohttp made that call's
    # longest loop step the 6 MB Invoke's longest of all (bench/stalls.py).
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        out = _run(_OPENED_ON_IMPORT, server.port)
        assert server.failures == []
    assert out == {"opened": True, "retired": True, "guarded": True}
    assert server.connections == 2


def test_a_pool_opened_by_the_import_closes_with_the_loop_of_a_client_never_closed() -> None:
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        out = _run(_IMPORTED_NEVER_CLOSED, server.port)
        assert server.failures == []
        assert eventually(lambda: server.open_now == 0)
    assert out == {"opened": True, "guarded": True, "closed": True}


def test_early_connections_close_with_the_loop_of_a_client_never_closed() -> None:
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        out = _run(_NEVER_CLOSED, server.port)
        assert server.failures == []
        assert eventually(lambda: server.open_now == 0)
    assert out == {"sent": 1, "closed": True}


# -- the early path forced in this process ----------------------------------------


@pytest.mark.usefixtures("early")
async def test_an_early_call_keeps_its_connection(transport: AiohttpTransport) -> None:
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        for _ in range(3):
            response = await transport.send(request(server.host), read_timeout=5)
            assert response.status == 200
            assert response.body == BODY
        assert server.connections == 1
    assert transport._session is None


async def _failure(
    transport: AiohttpTransport, host: str, read_timeout: float
) -> LambdaClientError:
    with pytest.raises(LambdaClientError) as info:
        await transport.send(request(host), read_timeout=read_timeout)
    return info.value


async def arrived(server: RawServer) -> None:
    """Until the server has read a request (waited for off the loop)."""
    assert await asyncio.to_thread(eventually, lambda: bool(server.requests))


async def test_early_failures_read_as_aiohttp_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    def silent(peer: Peer) -> None:
        peer.read_request()
        peer.hold()

    refused_host = f"127.0.0.1:{closed_port()}"
    seen: dict[bool, list[LambdaClientError]] = {}
    with RawServer(silent) as server:
        for forced in (False, True):
            if forced:
                monkeypatch.setattr(AiohttpTransport, "_loading_aiohttp", lambda self: True)
            t = AiohttpTransport(ClientConfig(connect_timeout=2.0, pool_timeout=2.0))
            try:
                seen[forced] = [
                    await _failure(t, refused_host, 5),
                    await _failure(t, server.host, 0.3),
                ]
                assert (t._session is None) is forced
            finally:
                await t.close()
    for aiohttp_error, early_error in zip(seen[False], seen[True], strict=True):
        assert type(early_error) is type(aiohttp_error)
        assert isinstance(early_error, TransportError)
        assert isinstance(aiohttp_error, TransportError)
        assert early_error.request_sent == aiohttp_error.request_sent
        assert headline(str(early_error)) == headline(str(aiohttp_error))
    assert isinstance(seen[True][0], ConnectError)
    assert isinstance(seen[True][1], ReadTimeoutError)


@pytest.mark.usefixtures("early")
async def test_the_loop_runs_while_an_early_call_waits(transport: AiohttpTransport) -> None:
    release = threading.Event()

    def slow(peer: Peer) -> None:
        peer.read_request()
        peer.hold(release)
        peer.send(ANSWER)

    with RawServer(slow) as server:
        call = asyncio.create_task(transport.send(request(server.host), read_timeout=5))
        ticks = 0
        while not server.requests and ticks < 100_000:
            ticks += 1
            await asyncio.sleep(0)
        assert server.requests, "the request never arrived while the loop ran"
        release.set()
        async with asyncio.timeout(DEADLINE):
            response = await call
    assert response.body == BODY
    assert ticks > 0
    assert transport._early.sent == 1
    assert transport._session is None


@pytest.mark.usefixtures("early")
async def test_closing_fails_an_early_call_in_progress_at_once(
    transport: AiohttpTransport,
) -> None:
    def silent(peer: Peer) -> None:
        peer.read_request()
        peer.hold()

    with RawServer(silent) as server:
        call = asyncio.create_task(transport.send(request(server.host), read_timeout=30))
        await arrived(server)
        started = time.monotonic()
        await transport.close()
        with pytest.raises(TransportError) as info:
            async with asyncio.timeout(DEADLINE):
                await call
        assert time.monotonic() - started < 2.0
        assert info.value.request_sent is True
        assert transport._early.sent == 1
        with pytest.raises(LambdaClientError, match="closed"):
            await transport.send(request(server.host), read_timeout=5)


@pytest.mark.usefixtures("early")
async def test_a_cancelled_early_call_leaves_the_transport_usable(
    transport: AiohttpTransport,
) -> None:
    release = threading.Event()
    answers = iter([None, ANSWER])

    def first_slow(peer: Peer) -> None:
        while (seen := peer.read_request()) is not None:
            if next(answers) is None:
                peer.hold(release)
            peer.send(ANSWER)
            del seen

    with RawServer(first_slow) as server:
        call = asyncio.create_task(transport.send(request(server.host), read_timeout=5))
        await arrived(server)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        release.set()
        response = await transport.send(request(server.host), read_timeout=5)
        assert response.body == BODY
    assert transport._early.sent == 2
    assert transport._session is None


@pytest.mark.usefixtures("early")
async def test_a_burst_sends_at_most_a_few_calls_early(transport: AiohttpTransport) -> None:
    def slowly(peer: Peer) -> None:
        while peer.read_request() is not None:
            time.sleep(0.05)
            peer.send(OK)

    with RawServer(slowly) as server:
        async with asyncio.timeout(DEADLINE * 2):
            answers = await asyncio.gather(
                *(transport.send(request(server.host), read_timeout=5) for _ in range(12))
            )
    assert [a.status for a in answers] == [200] * 12
    assert transport._early.sent == EARLY_CALLS
    # The rest waited for aiohttp, which now serves every call.
    assert transport._session is not None


# -- TLS trust on the early path ----------------------------------------------------


@pytest.fixture
def pki(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Pki:
    isolate(monkeypatch, tmp_path)
    return Pki(tmp_path)


async def _first_call(client: LambdaClient) -> tuple[str | None, bool]:
    """The first GetFunction's function name, and whether it went early."""
    try:
        out = await client.get_function(function_name="f")
        went_early = client._pipeline.transport._early.sent == 1  # type: ignore[attr-defined]
    finally:
        await client.close()
    assert out.configuration is not None
    return out.configuration.function_name, went_early


@pytest.mark.usefixtures("early")
@pytest.mark.parametrize("source", ["verify", "AWS_CA_BUNDLE"])
async def test_an_early_call_trusts_the_configured_ca(
    pki: Pki, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(pki.server_context()) as server:
        if source == "verify":
            client = client_for(server.url, verify=str(pki.ca_file))
        else:
            monkeypatch.setenv("AWS_CA_BUNDLE", str(pki.ca_file))
            client = client_for(server.url)
        assert await _first_call(client) == ("f", True)
        [seen] = server.requests
        signing.verify(seen)


async def test_an_untrusted_server_is_refused_alike_early_and_through_aiohttp(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: dict[bool, ConnectError] = {}
    async with serving(pki.server_context()) as server:
        for forced in (False, True):
            if forced:
                monkeypatch.setattr(AiohttpTransport, "_loading_aiohttp", lambda self: True)
            client = client_for(server.url)
            with pytest.raises(ConnectError) as info:
                await _first_call(client)
            errors[forced] = info.value
            sent_early = client._pipeline.transport._early.sent  # type: ignore[attr-defined]
            assert sent_early == (1 if forced else 0)
        assert server.requests == []
    for error in errors.values():
        assert "certificate verification failed for 127.0.0.1" in str(error)
        assert "AWS_CA_BUNDLE" in str(error)  # says how to fix it
        assert error.request_sent is False
    assert headline(str(errors[True])) == headline(str(errors[False]))


@pytest.mark.usefixtures("early")
async def test_a_proxied_endpoint_never_goes_early(
    pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The inline transport speaks only to the endpoint itself; with a proxy
    # configured the call goes through aiohttp, here to a proxy that is not
    # listening.
    proxy = f"http://127.0.0.1:{closed_port()}"
    with RawServer(serve_each(lambda seen: ANSWER)) as server:
        client = client_for(f"http://{server.host}", proxies={"http": proxy})
        with pytest.raises(ConnectError):
            await _first_call(client)
        assert server.requests == []
    assert client._pipeline.transport._early.sent == 0  # type: ignore[attr-defined]


async def test_the_pool_stays_shut_after_a_failed_import_or_a_close(
    transport: AiohttpTransport,
) -> None:
    loop = asyncio.get_running_loop()
    transport._loop = loop  # as after a first (early) call on this loop
    failed: asyncio.Future[None] = loop.create_future()
    failed.set_exception(ImportError("no aiohttp here"))
    transport._imported(failed)
    assert transport._session is None
    done: asyncio.Future[None] = loop.create_future()
    done.set_result(None)
    await transport.close()
    transport._imported(done)
    assert transport._session is None
