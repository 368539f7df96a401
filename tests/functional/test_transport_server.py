"""The transport against real sockets on 127.0.0.1.

Every server here binds port 0, every test runs under a hard deadline, and
every server handler ends by itself, so a regression fails fast instead of
hanging the suite.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import socket
import struct
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web

from lambda_client._runtime.exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ForeignCause,
    ReadTimeoutError,
)
from lambda_client._runtime.http import HttpRequest, ResponseStream
from lambda_client._runtime.transport import AiohttpTransport
from lambda_client.config import ClientConfig

# A stream reclaimed by the garbage collector warns; here that means a
# connection was released late, which these tests treat as a failure.
pytestmark = pytest.mark.filterwarnings("error::ResourceWarning")

DEADLINE = 10.0
INVOKE_PATH = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def web_server(handler: Handler) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    # Handlers are cancelled when the client goes away, so a test that gives
    # up on a slow response does not leave the handler running.
    runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    assert runner.addresses
    host, port = runner.addresses[0][:2]
    try:
        yield f"{host}:{port}"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def raw_server(handler: RawHandler) -> AsyncIterator[str]:
    async def bounded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(DEADLINE):
                await handler(reader, writer)
        finally:
            writer.transport.abort()

    server = await asyncio.start_server(bounded, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()[:2]
    try:
        yield f"{host}:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + await reader.readexactly(length)


def request(
    host: str, *, method: str = "POST", path: str = INVOKE_PATH, **kw: object
) -> HttpRequest:
    return HttpRequest(method=method, scheme="http", host=host, path=path, **kw)  # type: ignore[arg-type]


@pytest.fixture
async def transport() -> AsyncIterator[AiohttpTransport]:
    t = AiohttpTransport(ClientConfig(connect_timeout=2.0, pool_timeout=2.0))
    yield t
    await t.close()


@pytest.fixture(autouse=True)
async def deadline() -> AsyncIterator[None]:
    # Bounds the fixture's own teardown too; tests add their own, tighter ones.
    async with asyncio.timeout(DEADLINE * 2):
        yield


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (INVOKE_PATH, ""),
        ("/2015-03-31/functions/a%2Fb/invocations", ""),
        ("/2018-10-31/layers/l%3Ax/versions", "Marker=a%2Fb%3D%3D&MaxItems=5"),
        ("/2015-03-31/functions/f/aliases/%24LATEST%20x~", "Qualifier=%24LATEST"),
    ],
)
async def test_path_and_query_reach_the_server_byte_for_byte(
    transport: AiohttpTransport, path: str, query: str
) -> None:
    seen: list[str] = []

    async def handler(req: web.Request) -> web.Response:
        seen.append(req.raw_path)
        return web.Response(body=b"{}")

    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await transport.send(request(host, path=path, query=query), read_timeout=5)
    assert resp.status == 200
    assert seen == [f"{path}?{query}" if query else path]


async def test_server_receives_exactly_the_headers_we_set(transport: AiohttpTransport) -> None:
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                received.append(await read_request(reader))
            except asyncio.IncompleteReadError:
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")

    ours = {
        "x-amz-date": "20260101T000000Z",
        "x-amz-content-sha256": "abc",
        "authorization": "AWS4-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host, Signature=s",
        "user-agent": "lambda-client/0.1",
    }
    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        await transport.send(request(host, headers=ours, body=b'{"k": 1}'), read_timeout=5)
        await transport.send(
            request(host, method="GET", path="/2015-03-31/functions/", headers=ours),
            read_timeout=5,
        )
        # aiohttp labels any POST without a Content-Type, even an empty one.
        await transport.send(request(host, headers=ours, body=b""), read_timeout=5)

    def header_lines(raw: bytes) -> tuple[bytes, dict[str, str]]:
        head, _, _body = raw.partition(b"\r\n\r\n")
        start, *lines = head.split(b"\r\n")
        pairs = [line.decode().split(": ", 1) for line in lines]
        assert len({name.lower() for name, _ in pairs}) == len(pairs), "duplicate header"
        return start, {name.lower(): value for name, value in pairs}

    post_start, post_headers = header_lines(received[0])
    assert post_start == f"POST {INVOKE_PATH} HTTP/1.1".encode()
    assert post_headers == {**ours, "host": host, "content-length": "8"}
    assert received[0].endswith(b'\r\n\r\n{"k": 1}')

    get_start, get_headers = header_lines(received[1])
    assert get_start == b"GET /2015-03-31/functions/ HTTP/1.1"
    assert get_headers == {**ours, "host": host}

    _, empty_post_headers = header_lines(received[2])
    assert empty_post_headers == {**ours, "host": host, "content-length": "0"}


async def answers_late(req: web.Request) -> web.Response:
    await asyncio.sleep(5)
    return web.Response()


async def test_no_response_in_time_is_a_read_timeout(transport: AiohttpTransport) -> None:
    async with web_server(answers_late) as host, asyncio.timeout(DEADLINE):
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError) as info:
            await transport.send(request(host, body=b"{}"), read_timeout=0.3)
        elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 2.0
    assert info.value.request_sent is True


def trickling(pauses: list[float], chunk: bytes = b"x" * 100) -> Handler:
    """Answers at once, then sends ``chunk`` after each pause."""

    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.content_length = len(chunk) * len(pauses)
        await resp.prepare(req)
        for pause in pauses:
            await asyncio.sleep(pause)
            await resp.write(chunk)
        return resp

    return handler


async def test_a_body_that_keeps_arriving_outlasts_the_read_timeout(
    transport: AiohttpTransport,
) -> None:
    # Every silence is well under the limit; the whole read is several times it.
    async with web_server(trickling([0.1] * 8)) as host, asyncio.timeout(DEADLINE):
        started = time.monotonic()
        resp = await transport.send(request(host), read_timeout=0.4)
        elapsed = time.monotonic() - started
    assert resp.body == b"x" * 800
    assert elapsed > 0.4


async def test_a_body_that_stalls_is_a_read_timeout(transport: AiohttpTransport) -> None:
    async with web_server(trickling([0.05, 0.05, 5.0])) as host, asyncio.timeout(DEADLINE):
        started = time.monotonic()
        with pytest.raises(
            ReadTimeoutError,
            match=r"Nothing received within the read timeout .*reading the response",
        ):
            await transport.send(request(host), read_timeout=0.3)
        elapsed = time.monotonic() - started
        # Measured from the last chunk, not from the start of the exchange.
        assert 0.38 <= elapsed < 2.0
        # The slot came back and the broken connection was not pooled.
        fast = await transport.send(request(host, method="GET"), read_timeout=5, stream=True)
        assert fast.stream is not None
        await fast.stream.aclose()


async def test_read_timeouts_arm_no_loop_timer_per_call(transport: AiohttpTransport) -> None:
    async def answer(req: web.Request) -> web.Response:
        return web.Response(body=b'{"FunctionName": "f"}')

    loop = asyncio.get_running_loop()
    armed: list[str] = []
    call_at = loop.call_at

    def counting(
        when: float, callback: Callable[..., object], *args: object, **kw: object
    ) -> object:
        armed.append(getattr(callback, "__name__", ""))
        return call_at(when, callback, *args, **kw)  # type: ignore[arg-type]

    async with web_server(answer) as host, asyncio.timeout(DEADLINE):
        await transport.send(request(host, method="GET"), read_timeout=30)
        loop.call_at = counting  # type: ignore[method-assign]
        try:
            for _ in range(50):
                resp = await transport.send(request(host, method="GET"), read_timeout=30)
                assert resp.body == b'{"FunctionName": "f"}'
        finally:
            del loop.call_at  # type: ignore[method-assign]
    # aiohttp's own sock_read would arm two timers a call (read_watch.py).
    assert armed.count("_on_read_timeout") == 0
    assert armed.count("_wake") <= 1


async def test_cancelling_a_call_is_not_mistaken_for_a_read_timeout(
    transport: AiohttpTransport,
) -> None:
    async with web_server(answers_late) as host, asyncio.timeout(DEADLINE):
        call = asyncio.create_task(transport.send(request(host), read_timeout=0.3))
        await asyncio.sleep(0.1)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        # An outer deadline shorter than the read timeout is the caller's.
        with pytest.raises(TimeoutError) as outer:
            async with asyncio.timeout(0.1):
                await transport.send(request(host), read_timeout=0.3)
        assert not isinstance(outer.value, ReadTimeoutError)
        # Neither left anything behind: the pool still serves a call at once.
        with pytest.raises(ReadTimeoutError):
            await transport.send(request(host), read_timeout=0.2)


async def test_read_timeout_inside_an_outer_deadline_is_still_a_read_timeout(
    transport: AiohttpTransport,
) -> None:
    async with web_server(answers_late) as host, asyncio.timeout(DEADLINE):
        with pytest.raises(ReadTimeoutError):
            async with asyncio.timeout(3):
                await transport.send(request(host), read_timeout=0.2)
        # No cancellation request is left pending on the caller's task.
        task = asyncio.current_task()
        assert task is not None
        assert task.cancelling() == 0


async def test_stalled_stream_is_a_read_timeout(transport: AiohttpTransport) -> None:
    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"first")
        await asyncio.sleep(5)
        return resp

    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await transport.send(request(host), read_timeout=0.3, stream=True)
        assert resp.stream is not None
        chunks = resp.stream.iter_chunks()
        assert await anext(chunks) == b"first"
        with pytest.raises(ReadTimeoutError):
            await anext(chunks)
        await resp.stream.aclose()


async def test_stream_delivers_chunks_as_they_arrive(transport: AiohttpTransport) -> None:
    client_saw_first = asyncio.Event()

    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"one")
        # Without incremental delivery the client would never see "one" and
        # this wait would time out.
        async with asyncio.timeout(3):
            await client_saw_first.wait()
        await resp.write(b"two")
        await resp.write_eof()
        return resp

    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await transport.send(request(host), read_timeout=5, stream=True)
        assert resp.stream is not None
        got = []
        async for chunk in resp.stream.iter_chunks():
            got.append(chunk)
            client_saw_first.set()
    assert got == [b"one", b"two"]


async def test_refused_connection_is_a_connect_error_never_sent(
    transport: AiohttpTransport,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens on the port now.
    async with asyncio.timeout(DEADLINE):
        with pytest.raises(ConnectError) as info:
            await transport.send(request(f"127.0.0.1:{port}"), read_timeout=5)
    assert type(info.value) is ConnectError
    assert info.value.request_sent is False
    assert isinstance(info.value.__cause__, ForeignCause)
    assert info.value.__cause__.errno == errno.ECONNREFUSED


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(
    "partial",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n",
    ],
    ids=["content-length", "chunked"],
)
async def test_server_closing_mid_body_is_connection_closed(
    transport: AiohttpTransport, stream: bool, partial: bytes
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(partial)
        await writer.drain()
        writer.close()

    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        with pytest.raises(ConnectionClosedError) as info:
            resp = await transport.send(request(host), read_timeout=5, stream=stream)
            assert resp.stream is not None
            async for _ in resp.stream.iter_chunks():
                pass
    assert info.value.request_sent is True


LARGE = 3 * 1024 * 1024 + 17  # gathered as it arrives (large_body.py)


@pytest.fixture(params=["memfd", "buffer"])
def gathering(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways large_body.py gathers: the in-memory file where Linux has
    one, the sized buffer elsewhere."""
    if request.param == "memfd" and not hasattr(os, "memfd_create"):
        pytest.skip("no memfd_create on this platform")
    if request.param == "buffer":
        monkeypatch.delattr(os, "memfd_create", raising=False)
    return str(request.param)


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


@pytest.mark.usefixtures("gathering")
@pytest.mark.parametrize("cut", [None, 1024 * 1024, LARGE - 1])
async def test_a_large_body_arrives_whole_or_is_connection_closed(
    transport: AiohttpTransport, cut: int | None
) -> None:
    body = bytes(range(256)) * (LARGE // 256) + b"x" * (LARGE % 256)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % LARGE)
        # In pieces, so that the client reads it over many loop steps.
        for start in range(0, LARGE if cut is None else cut, 256 * 1024):
            writer.write(body[start : min(start + 256 * 1024, LARGE if cut is None else cut)])
            await writer.drain()
        writer.close()

    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        if cut is None:
            resp = await transport.send(request(host), read_timeout=5)
            assert resp.body == body
            return
        with pytest.raises(ConnectionClosedError) as info:
            await transport.send(request(host), read_timeout=5)
    # A short body never passes for a whole one (its missing end is not zeros).
    assert info.value.request_sent is True


@pytest.mark.usefixtures("gathering")
async def test_a_large_body_abandoned_midway_leaves_no_descriptor_open(
    transport: AiohttpTransport,
) -> None:
    half = asyncio.Event()
    done = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % LARGE)
        writer.write(b"x" * (LARGE // 2))
        await writer.drain()
        half.set()
        await done.wait()

    before = open_descriptors()
    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        call = asyncio.create_task(transport.send(request(host), read_timeout=5))
        await half.wait()
        await asyncio.sleep(0.05)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        done.set()
    for _ in range(3):
        await asyncio.sleep(0)  # socket closes scheduled by the cancellation
    # The half-read connection is dropped with its socket, the server is
    # gone, and the answer's in-memory file is closed too.
    assert open_descriptors() == before


async def test_server_closing_without_answer_is_connection_closed(
    transport: AiohttpTransport,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.close()

    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        with pytest.raises(ConnectionClosedError) as info:
            await transport.send(request(host, body=b"{}"), read_timeout=5)
    assert info.value.request_sent is True


async def test_reset_after_reading_the_request_is_connection_closed(
    transport: AiohttpTransport,
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        sock = writer.get_extra_info("socket")
        # Linger 0 turns close into an RST instead of an orderly FIN.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async with raw_server(handler) as host, asyncio.timeout(DEADLINE):
        with pytest.raises(ConnectionClosedError) as info:
            await transport.send(request(host, body=b"{}"), read_timeout=5)
    # The server had the whole request: an Invoke may have run.
    assert info.value.request_sent is True


async def test_waiting_for_a_busy_pool_is_a_connect_timeout() -> None:
    hits = 0

    async def handler(req: web.Request) -> web.StreamResponse:
        nonlocal hits
        hits += 1
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"held")
        await asyncio.sleep(5)
        return resp

    t = AiohttpTransport(ClientConfig(max_pool_connections=1, pool_timeout=0.3))
    try:
        async with web_server(handler) as host, asyncio.timeout(DEADLINE):
            held = await t.send(request(host), read_timeout=5, stream=True)
            started = time.monotonic()
            with pytest.raises(ConnectTimeoutError) as info:
                await t.send(request(host), read_timeout=5)
            elapsed = time.monotonic() - started
            assert info.value.request_sent is False
            assert 0.25 <= elapsed < 2.0
            assert hits == 1

            # Giving the held connection back lets the next request through.
            assert held.stream is not None
            await held.stream.aclose()
            nxt = await t.send(request(host), read_timeout=5, stream=True)
            assert nxt.stream is not None
            assert await anext(nxt.stream.iter_chunks()) == b"held"
            await nxt.stream.aclose()
    finally:
        await t.close()


async def test_streams_abandoned_early_do_not_stall_a_small_pool() -> None:
    served = 0

    async def handler(req: web.Request) -> web.StreamResponse:
        nonlocal served
        served += 1
        resp = web.StreamResponse()
        await resp.prepare(req)
        # Far more than the client reads, and slow: only the client closing
        # the connection lets the pool move on.
        for _ in range(100):
            await resp.write(b"x" * 1024)
            await asyncio.sleep(0.05)
        return resp

    # Kept alive so that only breaking out of the loop can free a connection,
    # not the garbage collector's last-resort release.
    kept: list[ResponseStream] = []

    async def consume_one(t: AiohttpTransport, host: str) -> None:
        resp = await t.send(request(host), read_timeout=5, stream=True)
        assert resp.stream is not None
        kept.append(resp.stream)
        async for chunk in resp.stream.iter_chunks():
            assert chunk
            break

    t = AiohttpTransport(ClientConfig(max_pool_connections=2, pool_timeout=5.0))
    try:
        async with web_server(handler) as host, asyncio.timeout(DEADLINE):
            started = time.monotonic()
            await asyncio.gather(*(consume_one(t, host) for _ in range(50)))
            elapsed = time.monotonic() - started
    finally:
        await t.close()
    assert served == 50
    assert elapsed < 5.0
    assert len(kept) == 50


async def test_connections_are_reused_only_when_clean(transport: AiohttpTransport) -> None:
    peers: list[object] = []

    async def handler(req: web.Request) -> web.StreamResponse:
        peers.append(req.transport and req.transport.get_extra_info("peername"))
        if req.query.get("big"):
            resp = web.StreamResponse()
            await resp.prepare(req)
            for _ in range(50):
                await resp.write(b"y" * 65536)
            return resp
        return web.Response(body=b"small")

    async def stream_all(resp_stream: ResponseStream | None) -> bytes:
        assert resp_stream is not None
        return b"".join([c async for c in resp_stream.iter_chunks()])

    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        await transport.send(request(host), read_timeout=5)
        await transport.send(request(host), read_timeout=5)
        full = await transport.send(request(host), read_timeout=5, stream=True)
        assert await stream_all(full.stream) == b"small"
        await transport.send(request(host), read_timeout=5)
        partial = await transport.send(request(host, query="big=1"), read_timeout=5, stream=True)
        assert partial.stream is not None
        await anext(partial.stream.iter_chunks())
        await partial.stream.aclose()
        await transport.send(request(host), read_timeout=5)

    assert len(set(peers[:5])) == 1
    # A half-read body poisons its connection; the next request needs a new one.
    assert peers[5] != peers[4]


async def test_close_with_an_unread_stream_completes() -> None:
    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"unread")
        await asyncio.sleep(5)
        return resp

    t = AiohttpTransport(ClientConfig())
    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await t.send(request(host), read_timeout=5, stream=True)
        assert resp.stream is not None
        started = time.monotonic()
        await t.close()
        assert time.monotonic() - started < 1.0
        await t.close()
        with pytest.raises(ClientClosedError, match="client is closed; the request was not sent"):
            await t.send(request(host), read_timeout=5)
        # The body was cut off by the close; it must not read as complete.
        with pytest.raises(ConnectionClosedError):
            async for _ in resp.stream.iter_chunks():
                pass
        await resp.stream.aclose()


async def test_close_fails_a_read_in_progress_instead_of_truncating_it() -> None:
    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"part")
        await asyncio.sleep(5)
        return resp

    t = AiohttpTransport(ClientConfig())
    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await t.send(request(host), read_timeout=30, stream=True)
        assert resp.stream is not None
        stream = resp.stream
        first_chunk = asyncio.Event()

        async def consume() -> list[bytes]:
            got = []
            async for chunk in stream.iter_chunks():
                got.append(chunk)
                first_chunk.set()
            return got

        reader = asyncio.create_task(consume())
        await first_chunk.wait()
        await t.close()
        with pytest.raises(ConnectionClosedError):
            await asyncio.wait_for(reader, 2)


async def test_aclose_from_another_task_ends_a_read_quietly(transport: AiohttpTransport) -> None:
    async def handler(req: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        await resp.prepare(req)
        await resp.write(b"part")
        await asyncio.sleep(5)
        return resp

    async with web_server(handler) as host, asyncio.timeout(DEADLINE):
        resp = await transport.send(request(host), read_timeout=30, stream=True)
        assert resp.stream is not None
        stream = resp.stream
        first_chunk = asyncio.Event()

        async def consume() -> list[bytes]:
            got = []
            async for chunk in stream.iter_chunks():
                got.append(chunk)
                first_chunk.set()
            return got

        reader = asyncio.create_task(consume())
        await first_chunk.wait()
        await stream.aclose()
        assert await asyncio.wait_for(reader, 2) == [b"part"]
