"""`InlineTransport` against real servers, and against `AiohttpTransport`.

The inline transport promises what the aiohttp one does: the same bytes on
the wire, and for the same failure the same exception class (the retry
policy reads "never sent" from ConnectError, ConnectTimeoutError and
ClientClosedError, "maybe sent" from the rest) in the same words, with no
secret in any rendering of it. Each case here runs on a real socket server
on 127.0.0.1 (threaded, scripted byte by byte, over TLS with a CA made at
test time where it matters); where the aiohttp transport can face the
same server, it does, as the oracle.

Every server socket times out, every thread is a daemon joined with a
bound, and every wait here has a deadline.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

import attrs
import pytest

from lambda_client._runtime import inline_transport
from lambda_client._runtime.exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TransportError,
)
from lambda_client._runtime.http import HttpRequest, HttpResponse
from lambda_client._runtime.http11 import Connection, exchange
from lambda_client._runtime.inline import run_inline
from lambda_client._runtime.inline_transport import InlineTransport
from lambda_client._runtime.tls import TlsSettings
from lambda_client._runtime.transport import AiohttpTransport
from lambda_client.config import ClientConfig
from tests.isolation import isolate_aws_settings

from .faults import closed_port
from .inline_support import (
    CALLS,
    OK,
    LoopRunner,
    Peer,
    RawServer,
    Recorded,
    answer,
    eventually,
    in_thread,
    leaks,
    pipeline_requests,
    serve_each,
)
from .tls_support import Pki

CONFIG = ClientConfig(connect_timeout=1.0, pool_timeout=1.0, max_pool_connections=4)
SYSTEM_TRUST = TlsSettings(verify=True)

E = TypeVar("E", bound=Exception)


# --------------------------------------------------------------------------- fixtures


class Pair:
    """An inline transport and the aiohttp oracle, with the same settings."""

    def __init__(self, aio: LoopRunner, config: ClientConfig, tls: TlsSettings) -> None:
        self.aio = aio
        self.inline = InlineTransport(config, tls=tls)
        self.oracle = AiohttpTransport(config, tls=tls)

    def send(self, request: HttpRequest, read_timeout: float = 1.0) -> HttpResponse:
        return self.inline.send_now(request, read_timeout=read_timeout)

    def send_oracle(self, request: HttpRequest, read_timeout: float = 1.0) -> HttpResponse:
        return self.aio.run(self.oracle.send(request, read_timeout=read_timeout))

    def start_oracle(
        self, request: HttpRequest, read_timeout: float = 1.0
    ) -> concurrent.futures.Future[HttpResponse]:
        """The oracle's send, started on its loop and not waited for."""
        call = self.oracle.send(request, read_timeout=read_timeout)
        return asyncio.run_coroutine_threadsafe(call, self.aio.loop)

    def close(self) -> None:
        self.inline.close_now()
        self.aio.run(self.oracle.close())


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The requests are built by a real client: no AWS setting of the
    # machine running the tests reaches them.
    isolate_aws_settings(monkeypatch, tmp_path)


@pytest.fixture
def aio() -> Iterator[LoopRunner]:
    runner = LoopRunner()
    yield runner
    runner.close()


@pytest.fixture
def pair(aio: LoopRunner) -> Iterator[Callable[..., Pair]]:
    made: list[Pair] = []

    def make(config: ClientConfig = CONFIG, tls: TlsSettings = SYSTEM_TRUST) -> Pair:
        made.append(Pair(aio, config, tls))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def inline() -> Iterator[Callable[..., InlineTransport]]:
    made: list[InlineTransport] = []

    def make(tls: TlsSettings = SYSTEM_TRUST, **config: object) -> InlineTransport:
        settings = {"connect_timeout": 1.0, "pool_timeout": 1.0, **config}
        made.append(InlineTransport(ClientConfig(**settings), tls=tls))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for transport in made:
        transport.close_now()


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def other_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("other-pki"))


def trusting(pki: Pki) -> TlsSettings:
    return TlsSettings(verify=str(pki.ca_file), verify_source="ClientConfig.verify")


@contextlib.contextmanager
def served(
    handler: Callable[[Peer], None], pki: Pki, *, tls: bool
) -> Iterator[tuple[RawServer, dict[str, HttpRequest], TlsSettings]]:
    """A server running ``handler``, over TLS or not; the pipeline's requests
    for it; the client's TLS settings that trust it."""
    with RawServer(handler, tls=pki.server_context() if tls else None) as server:
        scheme, settings = ("https", trusting(pki)) if tls else ("http", SYSTEM_TRUST)
        yield server, pipeline_requests(server.host, scheme), settings


def failure(action: Callable[[], object], kind: type[E]) -> E:
    with pytest.raises(kind) as info:
        action()
    return info.value


def headline(message: str) -> str:
    """A message without its facts in parentheses, nor the rule after a colon."""
    return message.split(" (", 1)[0].split(":", 1)[0]


def assert_like_oracle(ours: TransportError, oracle: TransportError, host: str) -> None:
    """The same class, the same words; the host named the same way."""
    assert type(ours) is type(oracle), (type(ours), type(oracle), str(ours), str(oracle))
    assert ours.request_sent is oracle.request_sent
    assert headline(str(ours)) == headline(str(oracle))
    assert f"host {host}" in str(ours)
    assert f"host {host}" in str(oracle)


def assert_no_secret(error: BaseException, request: HttpRequest) -> None:
    assert leaks(error, request) == []


def answering(
    reply: Callable[[Recorded], bytes | None] = lambda _seen: OK,
) -> Callable[[Peer], None]:
    return serve_each(reply)


def holding(
    arrived: threading.Event, release: threading.Event | None = None
) -> Callable[[Peer], None]:
    """Reads a request, says so, and answers only once released."""

    def handle(peer: Peer) -> None:
        if peer.read_request() is None:
            return
        arrived.set()
        peer.hold(release)
        if release is not None and release.is_set():
            peer.send(OK)

    return handle


# --------------------------------------------------------------------------- keep-alive


def test_sequential_requests_share_one_connection(inline: Callable[..., InlineTransport]) -> None:
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host)["get"]
        transport = inline()
        for _ in range(3):
            response = transport.send_now(request, read_timeout=1.0)
            assert (response.status, response.body) == (200, b"{}")
        assert server.connections == 1
        assert {seen.port for seen in server.requests} == {server.ports[0]}
        assert len(server.requests) == 3


def test_the_coroutine_form_completes_without_a_loop(
    inline: Callable[..., InlineTransport],
) -> None:
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host)["get"]
        response = run_inline(inline().send(request, read_timeout=1.0))
        assert response.body == b"{}"


@pytest.mark.parametrize(
    ("version", "extra", "connections"),
    [
        ("HTTP/1.1", "Connection: close\r\n", 2),
        ("HTTP/1.1", "Connection: Close\r\n", 2),
        ("HTTP/1.0", "", 2),
        ("HTTP/1.0", "Connection: keep-alive\r\n", 1),
        ("HTTP/1.1", "Connection: keep-alive\r\n", 1),
    ],
    ids=["close", "close-capitalised", "http10", "http10-keep-alive", "http11-keep-alive"],
)
def test_an_answer_that_ends_the_connection_is_not_reused(
    inline: Callable[..., InlineTransport], version: str, extra: str, connections: int
) -> None:
    def reply(_seen: Recorded) -> bytes:
        return f"{version} 200 OK\r\n{extra}Content-Length: 2\r\n\r\n{{}}".encode()

    with RawServer(answering(reply)) as server:
        request = pipeline_requests(server.host)["get"]
        transport = inline()
        for _ in range(2):
            assert transport.send_now(request, read_timeout=1.0).body == b"{}"
        assert server.connections == connections
        assert len(server.requests) == 2


def test_a_body_framed_by_the_end_of_the_connection(inline: Callable[..., InlineTransport]) -> None:
    def handle(peer: Peer) -> None:
        if peer.read_request() is not None:
            peer.send(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"a": 1}')

    with RawServer(handle) as server:
        request = pipeline_requests(server.host)["get"]
        transport = inline()
        for _ in range(2):
            assert transport.send_now(request, read_timeout=1.0).body == b'{"a": 1}'
        assert server.connections == 2


@pytest.mark.parametrize("how", ["close", "reset"])
def test_a_connection_the_server_dropped_while_idle_is_replaced(
    inline: Callable[..., InlineTransport], how: str
) -> None:
    drop = threading.Event()

    def handle(peer: Peer) -> None:
        if peer.read_request() is None:
            return
        peer.send(OK)
        # Dropped only once the client has read the answer.
        peer.hold(drop)
        if how == "reset":
            peer.reset()

    with RawServer(handle) as server:
        request = pipeline_requests(server.host)["post-json"]
        transport = inline()
        assert transport.send_now(request, read_timeout=1.0).body == b"{}"
        drop.set()
        assert eventually(lambda: server.open_now == 0)
        # The idle check sees the close: no failed attempt, a new connection.
        assert transport.send_now(request, read_timeout=1.0).body == b"{}"
        assert server.connections == 2
        assert len(server.requests) == 2


def test_a_connection_idle_past_the_keepalive_limit_is_replaced(
    inline: Callable[..., InlineTransport], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inline_transport, "_KEEPALIVE_SECONDS", 0.0)
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host)["get"]
        transport = inline()
        for _ in range(2):
            assert transport.send_now(request, read_timeout=1.0).body == b"{}"
        assert server.connections == 2
        # The client closed the stale one itself.
        assert eventually(lambda: server.open_now == 1)


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
@pytest.mark.parametrize(
    "tail",
    [answer(200, b'{"stale": true}'), b"xx"],
    ids=["a second answer", "bytes past the content-length"],
)
def test_bytes_beyond_an_answer_are_never_read_as_the_next_answer(
    inline: Callable[..., InlineTransport], pki: Pki, tls: bool, tail: bytes
) -> None:
    # A server that sends more than it was asked for: reusing the
    # connection would hand those bytes to the next request as its answer
    # (a stale response, or a garbled one). AiohttpTransport never reuses
    # such a connection; neither may this one.
    def reply(seen: Recorded) -> bytes:
        number = len(server.requests)
        body = json.dumps({"n": number}).encode()
        return answer(200, body) + (tail if number == 1 else b"")

    with served(answering(reply), pki, tls=tls) as (server, requests, settings):
        request = requests["get"]
        transport = inline(tls=settings)
        bodies = [transport.send_now(request, read_timeout=1.0).body for _ in range(3)]
        assert bodies == [b'{"n": 1}', b'{"n": 2}', b'{"n": 3}']
        assert server.connections == 2


def test_a_stale_answer_is_dropped_as_aiohttp_drops_it(pair: Callable[..., Pair]) -> None:
    def reply(seen: Recorded) -> bytes:
        number = len(server.requests)
        extra = answer(200, b'{"stale": true}') if number in (1, 3) else b""
        return answer(200, json.dumps({"n": number}).encode()) + extra

    with RawServer(answering(reply)) as server:
        request = pipeline_requests(server.host)["get"]
        both = pair()
        ours = [both.send(request).body, both.send(request).body]
        theirs = [both.send_oracle(request).body, both.send_oracle(request).body]
    assert ours == [b'{"n": 1}', b'{"n": 2}']
    assert theirs == [b'{"n": 3}', b'{"n": 4}']


# --------------------------------------------------------------------------- concurrency


def test_threads_share_a_bounded_pool(inline: Callable[..., InlineTransport]) -> None:
    threads, per_thread = 8, 5

    def reply(seen: Recorded) -> bytes:
        # Long enough that the threads overlap and queue for the pool.
        time.sleep(0.002)
        return answer(200, json.dumps({"seq": seen.header_map()["x-test-seq"]}).encode())

    with RawServer(answering(reply)) as server:
        base = pipeline_requests(server.host)["post-json"]
        transport = inline(max_pool_connections=2, pool_timeout=5.0)

        def worker(thread: int) -> list[tuple[str, bytes]]:
            out = []
            for index in range(per_thread):
                seq = f"{thread}-{index}"
                request = attrs.evolve(base, headers={**base.headers, "x-test-seq": seq})
                out.append((seq, transport.send_now(request, read_timeout=2.0).body))
            return out

        waits = [in_thread(lambda t=t: worker(t)) for t in range(threads)]  # type: ignore[misc]
        results = [result for wait in waits for result in wait()]
    assert len(results) == threads * per_thread
    # Every answer came back to the request it belongs to.
    for seq, body in results:
        assert json.loads(body) == {"seq": seq}
    assert len(server.requests) == threads * per_thread
    assert server.connections <= 2
    assert server.max_open <= 2


def test_an_exhausted_pool_times_out_unsent(
    inline: Callable[..., InlineTransport], pair: Callable[..., Pair]
) -> None:
    arrived, release = threading.Event(), threading.Event()
    with RawServer(holding(arrived, release)) as server:
        requests = pipeline_requests(server.host)
        transport = inline(max_pool_connections=1, pool_timeout=0.2)
        held = in_thread(lambda: transport.send_now(requests["get"], read_timeout=3.0))
        try:
            assert arrived.wait(2.0)
            started = time.monotonic()
            error = failure(
                lambda: transport.send_now(requests["post-json"], read_timeout=3.0),
                ConnectTimeoutError,
            )
            waited = time.monotonic() - started
        finally:
            release.set()
        assert held().body == b"{}"
        assert 0.15 <= waited < 1.5
        assert "all connections are in use" in str(error)
        assert "waiting for a pooled connection" in str(error)
        assert error.request_sent is False
        assert len(server.requests) == 1
        assert server.connections == 1
        assert_no_secret(error, requests["post-json"])

    # The oracle says the same thing for the same wait.
    arrived, release = threading.Event(), threading.Event()
    with RawServer(holding(arrived, release)) as oracle_server:
        requests = pipeline_requests(oracle_server.host)
        both = pair(ClientConfig(connect_timeout=1.0, pool_timeout=0.2, max_pool_connections=1))
        oracle_held = both.start_oracle(requests["get"], read_timeout=3.0)
        try:
            assert arrived.wait(2.0)
            oracle = failure(lambda: both.send_oracle(requests["post-json"]), ConnectTimeoutError)
        finally:
            release.set()
        assert oracle_held.result(2.0).body == b"{}"
    assert str(error).replace(server.host, "<host>") == str(oracle).replace(
        oracle_server.host, "<host>"
    )


# --------------------------------------------------------------------------- failures


def test_a_refused_connection_is_a_connect_error_unsent(pair: Callable[..., Pair]) -> None:
    host = f"127.0.0.1:{closed_port()}"
    request = pipeline_requests(host)["post-json"]
    both = pair()
    ours = failure(lambda: both.send(request), ConnectError)
    oracle = failure(lambda: both.send_oracle(request), ConnectError)
    assert type(ours) is ConnectError
    assert ours.request_sent is False
    assert "ECONNREFUSED" in str(ours)
    assert_like_oracle(ours, oracle, host)
    assert_no_secret(ours, request)


def silent(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.hold()


def closes_after_reading(peer: Peer) -> None:
    peer.read_request()


def resets_mid_body(peer: Peer) -> None:
    if peer.read_request() is None:
        return
    peer.send(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"a')
    time.sleep(0.05)
    peer.reset()


def cut_short(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.send(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"a')


def cut_short_chunked(peer: Peer) -> None:
    if peer.read_request() is not None:
        peer.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{")


def sends(data: bytes) -> Callable[[Peer], None]:
    def handle(peer: Peer) -> None:
        if peer.read_request() is not None:
            peer.send(data)
            peer.hold()

    return handle


FAILURES: dict[str, tuple[Callable[[Peer], None], type[TransportError]]] = {
    "read timeout": (silent, ReadTimeoutError),
    "closed after reading": (closes_after_reading, ConnectionClosedError),
    "reset mid-body": (resets_mid_body, ConnectionClosedError),
    "body cut short": (cut_short, ConnectionClosedError),
    "chunked body cut short": (cut_short_chunked, ConnectionClosedError),
    "header line without a colon": (
        sends(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nNoColonHere\r\n\r\n{}"),
        TransportError,
    ),
    "not a status line": (sends(b"\x16\x03\x01\x02\x00 hello\r\n\r\n"), TransportError),
    "status not a number": (
        sends(b"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n{}"),
        TransportError,
    ),
    "content-length not a number": (
        sends(b"HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n{}"),
        TransportError,
    ),
    "chunk size not hex": (
        sends(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"),
        TransportError,
    ),
    "chunk longer than its size": (
        sends(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"),
        TransportError,
    ),
    "header line too long": (
        sends(b"HTTP/1.1 200 OK\r\nX-A: " + b"a" * 70_000 + b"\r\nContent-Length: 2\r\n\r\n{}"),
        TransportError,
    ),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_each_failure_raises_what_aiohttp_raises(pair: Callable[..., Pair], name: str) -> None:
    handler, kind = FAILURES[name]
    with RawServer(handler) as server:
        request = pipeline_requests(server.host)["post-json"]
        both = pair()
        started = time.monotonic()
        ours = failure(lambda: both.send(request, read_timeout=0.2), kind)
        elapsed = time.monotonic() - started
        oracle = failure(lambda: both.send_oracle(request, read_timeout=0.2), kind)
    assert type(ours) is kind
    assert ours.request_sent is True
    assert_like_oracle(ours, oracle, server.host)
    assert_no_secret(ours, request)
    # Failures are prompt; a read timeout waits for the silence, not longer.
    assert elapsed < 1.5
    if kind is ReadTimeoutError:
        assert elapsed >= 0.15
    # The request reached the server (and so "maybe sent" is the truth).
    assert len(server.requests) == 2


def quoted_in_the_status_line(seen: Recorded) -> bytes:
    # The body as the status, the header lines without their colons.
    quoted = b"\r\n".join(f"{name}{value}".encode() for name, value in seen.headers)
    return b"HTTP/1.1 2" + seen.body + b"\r\n" + quoted + b"\r\n\r\n"


def quoted_in_the_headers(seen: Recorded) -> bytes:
    # The body as the reason phrase, the header lines as broken ones.
    quoted = b"\r\n".join(f"{name} {value}".encode() for name, value in seen.headers)
    return b"HTTP/1.1 200 " + seen.body + b"\r\n" + quoted + b"\r\n\r\n"


@pytest.mark.parametrize("reply", [quoted_in_the_status_line, quoted_in_the_headers])
def test_a_malformed_answer_that_quotes_the_request_shows_none_of_it(
    inline: Callable[..., InlineTransport], reply: Callable[[Recorded], bytes]
) -> None:
    with RawServer(answering(reply)) as server:
        request = pipeline_requests(server.host)["post-json"]
        error = failure(lambda: inline().send_now(request, read_timeout=1.0), TransportError)
    assert type(error) is TransportError
    assert_no_secret(error, request)


def test_a_silent_tls_handshake_is_a_connect_timeout(pair: Callable[..., Pair]) -> None:
    # The server accepts and never speaks: the handshake runs under the
    # connect timeout, and nothing was sent.
    with RawServer(silent) as server:
        request = pipeline_requests(server.host, "https")["post-json"]
        both = pair(ClientConfig(connect_timeout=0.3, pool_timeout=1.0))
        started = time.monotonic()
        ours = failure(lambda: both.send(request, read_timeout=5.0), ConnectTimeoutError)
        elapsed = time.monotonic() - started
        oracle = failure(lambda: both.send_oracle(request, read_timeout=5.0), ConnectTimeoutError)
        assert server.requests == []
    assert 0.25 <= elapsed < 1.5
    assert ours.request_sent is False
    assert_like_oracle(ours, oracle, server.host)
    assert_no_secret(ours, request)


@contextlib.contextmanager
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full, so that a connect hangs (Linux
    drops SYNs to a listener whose queue is full); skips where a probe
    shows otherwise."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port: int = listener.getsockname()[1]
        for _ in range(4):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        except TimeoutError:
            pass
        except OSError as e:
            pytest.skip(f"a full accept queue refuses here ({type(e).__name__}) instead of hanging")
        else:
            pytest.skip("a full accept queue still accepts here")
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_connect_that_hangs_is_a_connect_timeout(pair: Callable[..., Pair]) -> None:
    with full_backlog() as port:
        host = f"127.0.0.1:{port}"
        request = pipeline_requests(host)["post-json"]
        both = pair(ClientConfig(connect_timeout=0.3, pool_timeout=1.0))
        started = time.monotonic()
        ours = failure(lambda: both.send(request), ConnectTimeoutError)
        elapsed = time.monotonic() - started
        oracle = failure(lambda: both.send_oracle(request), ConnectTimeoutError)
    assert 0.25 <= elapsed < 1.5
    assert ours.request_sent is False
    assert_like_oracle(ours, oracle, host)
    assert_no_secret(ours, request)


# --------------------------------------------------------------------------- close()


class LateReader:
    """A connection's reader that, on its first use, says so and waits for
    ``go``: the calling thread paused after writing its request and before
    reading a byte of the answer, where a scheduler may leave it."""

    def __init__(self, reader: BinaryIO, reading: threading.Event, go: threading.Event) -> None:
        self._reader = reader
        self._reading = reading
        self._go = go

    def _wait(self) -> None:
        if not self._reading.is_set():
            self._reading.set()
            assert self._go.wait(2.0)

    def readline(self, limit: int = -1) -> bytes:
        self._wait()
        return self._reader.readline(limit)

    def read(self, size: int = -1) -> bytes:
        self._wait()
        return self._reader.read(size)

    def close(self) -> None:
        self._reader.close()


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
@pytest.mark.parametrize("moment", ["while it reads", "before its first read"])
def test_close_cuts_off_a_thread_waiting_for_its_answer(
    inline: Callable[..., InlineTransport],
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
    tls: bool,
    moment: str,
) -> None:
    reading, go = threading.Event(), threading.Event()
    if moment == "before its first read":
        # Over TLS, the server's session tickets are still unread in the
        # socket then: the read that follows must fail as a broken
        # connection, not take those encrypted bytes for an answer.
        def late(conn: Connection, request: HttpRequest, host: str) -> object:
            conn.reader = LateReader(conn.reader, reading, go)  # type: ignore[assignment]
            return exchange(conn, request, host)

        monkeypatch.setattr(inline_transport, "exchange", late)
    else:
        reading.set()
        go.set()
    arrived = threading.Event()
    with served(holding(arrived), pki, tls=tls) as (server, requests, settings):
        request = requests["post-json"]
        transport = inline(tls=settings)
        call = in_thread(lambda: transport.send_now(request, read_timeout=5.0), timeout=1.5)
        assert reading.wait(2.0)
        assert arrived.wait(2.0)
        started = time.monotonic()
        transport.close_now()
        go.set()
        # Well under the five seconds of its read timeout.
        error = failure(call, ConnectionClosedError)
        assert time.monotonic() - started < 1.0
        assert error.request_sent is True
        assert_no_secret(error, request)

        # Later calls are refused before anything leaves.
        refused = failure(lambda: transport.send_now(request, read_timeout=1.0), ClientClosedError)
        assert refused.request_sent is False
        assert_no_secret(refused, request)
        transport.close_now()  # idempotent
        assert len(server.requests) == 1
        assert server.connections == 1


def test_close_releases_idle_connections(inline: Callable[..., InlineTransport]) -> None:
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host)["get"]
        transport = inline()
        transport.send_now(request, read_timeout=1.0)
        assert server.open_now == 1
        transport.close_now()
        assert eventually(lambda: server.open_now == 0)
        failure(lambda: run_inline(transport.send(request, read_timeout=1.0)), ClientClosedError)
        assert server.connections == 1


def test_close_refuses_a_call_waiting_for_the_pool(inline: Callable[..., InlineTransport]) -> None:
    arrived = threading.Event()
    with RawServer(holding(arrived)) as server:
        request = pipeline_requests(server.host)["post-json"]
        transport = inline(max_pool_connections=1, pool_timeout=3.0)
        first = in_thread(lambda: transport.send_now(request, read_timeout=5.0), timeout=1.5)
        assert arrived.wait(2.0)
        waiting = in_thread(lambda: transport.send_now(request, read_timeout=5.0), timeout=1.5)
        time.sleep(0.05)  # let the second call reach the pool's wait
        transport.close_now()
        failure(first, ConnectionClosedError)
        error = failure(waiting, ClientClosedError)
        assert error.request_sent is False
        # Nothing of the second call reached the server, not even a connection.
        assert len(server.requests) == 1
        assert server.connections == 1


# --------------------------------------------------------------------------- TLS


def test_tls_with_the_ca_bundle_keeps_its_connection(
    inline: Callable[..., InlineTransport], pki: Pki
) -> None:
    with RawServer(answering(), tls=pki.server_context()) as server:
        request = pipeline_requests(server.host, "https")["get"]
        transport = inline(tls=trusting(pki))
        for _ in range(3):
            assert transport.send_now(request, read_timeout=1.0).body == b"{}"
        assert server.connections == 1
        assert len(server.requests) == 3


@pytest.mark.parametrize("trust", ["system", "wrong CA"])
def test_an_untrusted_certificate_is_refused_in_aiohttps_words(
    pair: Callable[..., Pair], pki: Pki, other_pki: Pki, trust: str
) -> None:
    settings = (
        SYSTEM_TRUST
        if trust == "system"
        else TlsSettings(verify=str(other_pki.ca_file), verify_source="AWS_CA_BUNDLE")
    )
    with RawServer(answering(), tls=pki.server_context()) as server:
        request = pipeline_requests(server.host, "https")["post-json"]
        both = pair(tls=settings)
        ours = failure(lambda: both.send(request), ConnectError)
        oracle = failure(lambda: both.send_oracle(request), ConnectError)
        assert server.requests == []
    assert type(ours) is type(oracle) is ConnectError
    assert str(ours) == str(oracle)
    assert f"certificate verification failed for {server.host}" in str(ours)
    assert ours.request_sent is False
    assert_no_secret(ours, request)


def test_tls_without_verification_connects(
    inline: Callable[..., InlineTransport], pki: Pki
) -> None:
    with RawServer(answering(), tls=pki.server_context()) as server:
        request = pipeline_requests(server.host, "https")["get"]
        assert (
            inline(tls=TlsSettings(verify=False)).send_now(request, read_timeout=1.0).body == b"{}"
        )


def test_tls_with_a_client_certificate(pair: Callable[..., Pair], pki: Pki) -> None:
    with RawServer(answering(), tls=pki.server_context(require_client_cert=True)) as server:
        request = pipeline_requests(server.host, "https")["post-json"]
        with_cert = TlsSettings(verify=str(pki.ca_file), client_cert=str(pki.client_pem))
        both = pair(tls=with_cert)
        assert both.send(request).body == b"{}"
        assert both.send(request).body == b"{}"
        assert server.connections == 1

        # Refused by the server after the handshake (TLS 1.3): sent, as far
        # as the client can tell, as aiohttp reports it.
        without = pair(tls=trusting(pki))
        ours = failure(lambda: without.send(request), TransportError)
        oracle = failure(lambda: without.send_oracle(request), TransportError)
        # Whatever the client wrote, the server never read a request.
        assert len(server.requests) == 2
    assert type(ours) is type(oracle)
    assert ours.request_sent is oracle.request_sent
    assert_no_secret(ours, request)


# --------------------------------------------------------------------------- the wire


@pytest.mark.parametrize("kind", list(CALLS))
def test_the_wire_is_aiohttps(pair: Callable[..., Pair], kind: str) -> None:
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host)[kind]
        both = pair()
        both.send(request)
        both.send_oracle(request)
        ours, theirs = server.requests
    assert ours.start == theirs.start
    assert ours.header_map() == theirs.header_map()
    assert len(ours.headers) == len(ours.header_map()), "a header sent twice"
    assert ours.body == theirs.body == request.body


def test_a_user_agent_beyond_ascii_goes_as_aiohttp_sends_it(pair: Callable[..., Pair]) -> None:
    # user_agent_extra is the caller's text, sent as it is (and unsigned):
    # both transports write it as UTF-8, rather than one of them refusing
    # what the other sends.
    with RawServer(answering()) as server:
        request = pipeline_requests(server.host, user_agent_extra="café/1 €uro")["get"]
        both = pair()
        assert both.send(request).status == 200
        assert both.send_oracle(request).status == 200
        ours, theirs = server.requests
    assert ours.header_map() == theirs.header_map()
    # As the server received them, byte for byte (read as Latin-1).
    assert ours.header_map()["user-agent"].endswith("café/1 €uro".encode().decode("latin-1"))
