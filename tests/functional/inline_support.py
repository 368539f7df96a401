"""Real servers and real requests for the inline transport's tests.

`RawServer` is a threaded TCP server on 127.0.0.1 (over TLS when given a
context) whose handler, one thread per accepted connection, reads requests
and writes bytes as a test scripts them: kept-alive answers, answers cut
short, resets, silences, malformed answers. It records what arrived, from
which client port, and how many connections were open at once. Every
socket it opens times out, every thread is a daemon and is joined with a
bound, so a regression fails instead of hanging the suite.

`LoopRunner` runs an event loop on its own thread for `AiohttpTransport`,
the differential oracle, so that both transports can be driven from the
test's thread. `pipeline_requests` has the real client build and sign
requests (through a recording transport) for a given endpoint: what the
inline path sends is what the pipeline makes.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any, TypeVar

from attrs import define

from lambda_client import ClientConfig, Credentials, LambdaClient
from lambda_client._runtime.http import HttpRequest
from tests.fakes import FakeTransport

T = TypeVar("T")

#: No server socket waits longer than this for a client; no join longer.
DEADLINE = 5.0

ACCESS_KEY = "AKIAINLINESCANKEY001"
SECRET_KEY = "inline/Secret+AccessKey0123456789abcdefXYZ"
SESSION_TOKEN = "IQoJinlineSESSIONtoken0123456789abcdefXYZ"
#: Placed in every Invoke payload sent here; must never show in an error.
BODY_MARKER = "inline-body-marker-7f3c9d"

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


def answer(status: int = 200, body: bytes = b"{}", *, extra: str = "") -> bytes:
    """An HTTP/1.1 answer framed by Content-Length; ``extra`` adds header lines."""
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"{extra}Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


@define
class Recorded:
    """A request as it arrived, byte for byte."""

    start: bytes
    #: Header lines in arrival order, names as sent.
    headers: list[tuple[str, str]]
    body: bytes
    #: The client port of the connection it came on.
    port: int

    def header_map(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.headers}


class Peer:
    """The server's end of one accepted connection."""

    def __init__(self, sock: socket.socket, server: RawServer) -> None:
        self.sock = sock
        self.server = server
        self.port: int = sock.getpeername()[1]
        self._buffer = b""

    def read_request(self) -> Recorded | None:
        """The next whole request, or None when the client closed first."""
        while b"\r\n\r\n" not in self._buffer:
            data = self.sock.recv(65536)
            if not data:
                return None
            self._buffer += data
        head, _, rest = self._buffer.partition(b"\r\n\r\n")
        start, *lines = head.split(b"\r\n")
        headers = []
        for line in lines:
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        length = int({n.lower(): v for n, v in headers}.get("content-length", "0"))
        while len(rest) < length:
            data = self.sock.recv(65536)
            if not data:
                return None
            rest += data
        self._buffer = rest[length:]
        seen = Recorded(start=start, headers=headers, body=rest[:length], port=self.port)
        with self.server.lock:
            self.server.requests.append(seen)
        return seen

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def reset(self) -> None:
        """Abort with a TCP reset rather than an orderly close."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def hold(self, until: threading.Event | None = None) -> None:
        """Wait, without answering, for ``until`` or the server's close."""
        stopping = self.server.stopping
        end = time.monotonic() + DEADLINE
        while not stopping.is_set() and not (until is not None and until.is_set()):
            if time.monotonic() > end:
                return
            stopping.wait(0.01)


Handler = Callable[[Peer], None]


def serve_each(reply: Callable[[Recorded], bytes | None]) -> Handler:
    """A handler answering every request on a connection with ``reply(request)``;
    None closes the connection instead."""

    def handle(peer: Peer) -> None:
        while True:
            seen = peer.read_request()
            if seen is None:
                return
            data = reply(seen)
            if data is None:
                return
            peer.send(data)

    return handle


class RawServer:
    """``with RawServer(handler) as server: ... server.host ...``"""

    def __init__(self, handler: Handler, *, tls: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.tls = tls
        self.lock = threading.Lock()
        self.requests: list[Recorded] = []
        #: Client port of every accepted connection, in order.
        self.ports: list[int] = []
        self.open_now = 0
        self.max_open = 0
        #: Handler failures other than the client going away.
        self.failures: list[str] = []
        self._peers: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self.stopping = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self.host = f"127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connections(self) -> int:
        return len(self.ports)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(DEADLINE)
            with self.lock:
                self._peers.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
                with self.lock:
                    self._peers.append(sock)
            peer = Peer(sock, self)
            with self.lock:
                self.ports.append(peer.port)
                self.open_now += 1
                self.max_open = max(self.max_open, self.open_now)
            try:
                self.handler(peer)
            finally:
                with self.lock:
                    self.open_now -= 1
        except (OSError, ValueError):
            # The client went away, a TLS handshake was refused, or close()
            # shut the socket under the handler: all expected here.
            pass
        except Exception:
            with self.lock:
                self.failures.append(traceback.format_exc())
        finally:
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        self.stopping.set()
        self._acceptor.join(DEADLINE)
        self._listener.close()
        with self.lock:
            peers = list(self._peers)
        for sock in peers:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        for thread in self._threads:
            thread.join(DEADLINE)
        assert not self._acceptor.is_alive(), "the accept thread did not stop"
        assert not any(t.is_alive() for t in self._threads), "a handler did not stop"


class LoopRunner:
    """An event loop on a daemon thread; ``run`` waits a bounded time."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, awaitable: Awaitable[T], timeout: float = DEADLINE) -> T:
        async def call() -> T:
            return await awaitable

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(timeout)

    def close(self) -> None:
        async def drain() -> None:
            # Let aiohttp's connection-close callbacks run before stopping.
            await asyncio.sleep(0)

        with contextlib.suppress(Exception):
            self.run(drain())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(DEADLINE)
        assert not self._thread.is_alive(), "the event loop did not stop"
        self.loop.close()


def in_thread(action: Callable[[], T], timeout: float = DEADLINE) -> Callable[[], T]:
    """Start ``action`` on a daemon thread; the returned function waits for
    it (at most ``timeout``) and returns its result or raises its error."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("ok", action()))
        except BaseException as e:
            outcome.append(("error", e))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    def wait() -> T:
        thread.join(timeout)
        assert not thread.is_alive(), f"still running after {timeout} s"
        kind, value = outcome[0]
        if kind == "error":
            raise value
        result: T = value
        return result

    return wait


def eventually(check: Callable[[], bool], timeout: float = DEADLINE) -> bool:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            return False
        time.sleep(0.005)
    return True


# --------------------------------------------------------------------------- requests

CREDENTIALS = Credentials(
    access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=SESSION_TOKEN
)

#: What each kind of request is, as the client builds it.
CALLS: dict[str, Callable[[LambdaClient], Coroutine[Any, Any, Any]]] = {
    "get": lambda c: c.get_function(function_name="f"),
    "get-query": lambda c: c.list_functions(marker="a/b==+c", max_items=5),
    "post-json": lambda c: c.invoke(
        function_name="f", payload={"secret": BODY_MARKER, "n": [1, 2, 3]}
    ),
    "post-empty": lambda c: c.invoke(function_name="f"),
    "put": lambda c: c.put_function_concurrency(
        function_name="f", reserved_concurrent_executions=1
    ),
    "delete": lambda c: c.delete_function(function_name="f"),
}


def pipeline_requests(host: str, scheme: str = "http", **config: Any) -> dict[str, HttpRequest]:
    """Each of `CALLS` as the client signs it for ``scheme://host``;
    ``config`` adds to the client's `ClientConfig`."""
    recorder = FakeTransport()
    client = LambdaClient(
        region="us-east-1",
        endpoint_url=f"{scheme}://{host}",
        credentials=CREDENTIALS,
        config=ClientConfig(max_attempts=1, **config),
        transport=recorder,
    )

    async def build() -> None:
        async with client:
            for call in CALLS.values():
                with contextlib.suppress(Exception):
                    # The recorder answers `{}`, which not every output accepts.
                    await call(client)

    asyncio.run(build())
    assert len(recorder.requests) == len(CALLS)
    return dict(zip(CALLS, recorder.requests, strict=True))


def secrets_of(request: HttpRequest) -> list[str]:
    """What no error about ``request`` may show: the signature, the session
    token, the secret key and the body's marker."""
    authorization = request.headers["authorization"]
    signature = authorization.rpartition("Signature=")[2]
    assert len(signature) == 64
    return [signature, request.headers["x-amz-security-token"], SECRET_KEY, BODY_MARKER]


def chain(error: BaseException) -> Iterator[BaseException]:
    """The exception, every ``__cause__`` and every ``__context__`` (suppressed or not)."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        link = pending.pop()
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        pending += [e for e in (link.__cause__, link.__context__) if e is not None]


def renderings(error: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(error))]
    for link in chain(error):
        texts += [str(link), repr(link), *map(str, getattr(link, "__notes__", ()))]
    return texts


def leaks(error: BaseException, request: HttpRequest) -> list[str]:
    secrets = secrets_of(request)
    return sorted(
        {secret[:12] for text in renderings(error) for secret in secrets if secret[:16] in text}
    )
