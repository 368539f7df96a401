"""Sending from the calling thread, for inline calls.

`InlineTransport` has the transport's interface but never suspends: its
``send`` blocks the calling thread until the answer is read, so a pipeline
built on it can be run to the end by `inline.run_inline` without an event
loop (see inline.py for who uses it and why). It keeps a thread-safe pool
of kept-alive connections, speaks HTTP/1.1 through `http11`, and answers
failures with the same exceptions, and the same words, as
`AiohttpTransport`: which failures mean the request never left is decided
the same way, because the retry policy relies on it.

It serves direct connections only, without streamed bodies: the inline
path is not offered when a proxy applies to the endpoint, and the
operations that use it answer with whole JSON documents.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .client_config import ClientConfig
from .connect_errors import handshake_failed, untrusted
from .exceptions import (
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    LambdaClientError,
    ReadTimeoutError,
    TransportError,
)
from .http import HttpRequest, HttpResponse, response_of
from .http11 import Connection, MalformedResponse, exchange
from .messages import describe, foreign_cause
from .signer import host_header
from .tls import TlsSettings, build_ssl_context
from .transport import KEEPALIVE_SECONDS, Stage, refused

if TYPE_CHECKING:
    import ssl

__all__ = ["InlineTransport"]

# As AiohttpTransport's: idle connections go well before servers drop them.
_KEEPALIVE_SECONDS = KEEPALIVE_SECONDS

_DEFAULT_PORTS = {"http": 80, "https": 443}


class InlineTransport:
    """Blocking HTTP/1.1 with a pool of at most ``max_pool_connections``
    connections per client; any number of threads may send at once."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        tls: TlsSettings,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._config = config
        self._tls = tls
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(config.max_pool_connections)
        #: Idle connections by (scheme, host), each with when it went idle;
        #: the most recently used is reused first.
        self._idle: dict[tuple[str, str], list[Connection]] = {}
        #: Connections carrying a request now, shut by close() under them.
        self._busy: set[Connection] = set()
        #: (host name, port, Host header) by the request's scheme and host.
        self._addresses: dict[tuple[str, str], tuple[str, int, str]] = {}
        #: Built from ``tls`` on the first TLS connection, unless given.
        self._ssl_context = ssl_context
        self._closed = False

    async def send(
        self,
        request: HttpRequest,
        *,
        read_timeout: float,
        stream: bool = False,
        connect_timeout: float | None = None,
    ) -> HttpResponse:
        """Send ``request`` as given and read the whole answer, blocking.

        A coroutine only in form: nothing in it awaits, so it completes on
        its first step.
        """
        if stream:
            # Never asked: the inline path serves only whole-body operations.
            raise LambdaClientError(
                "the inline transport does not stream response bodies "
                "(a defect in lambda_client; the request was not sent)"
            )
        return self.send_now(request, read_timeout=read_timeout, connect_timeout=connect_timeout)

    def send_now(
        self, request: HttpRequest, *, read_timeout: float, connect_timeout: float | None = None
    ) -> HttpResponse:
        """``send`` without the coroutine; ``connect_timeout`` overrides the
        client's for this request (``with_options``)."""
        if self._closed:
            raise refused(request)
        if not self._slots.acquire(timeout=self._config.pool_timeout):
            raise ConnectTimeoutError(
                describe(
                    "Timed out; all connections are in use",
                    host=request.host,
                    stage=Stage.POOL.value,
                )
            )
        try:
            if self._closed:
                # Closed while this call waited for a connection.
                raise refused(request)
            return self._exchange(request, read_timeout, connect_timeout)
        finally:
            self._slots.release()

    def _exchange(
        self, request: HttpRequest, read_timeout: float, connect_timeout: float | None
    ) -> HttpResponse:
        key = (request.scheme, request.host)
        address = self._address(key, request)
        conn = self._reuse(key) or self._connect(request, address, connect_timeout)
        with self._lock:
            if self._closed:
                conn.close()
                raise refused(request)
            self._busy.add(conn)
        keep = False
        try:
            conn.sock.settimeout(read_timeout)
            try:
                status, headers, body, will_close = exchange(conn, request, address[2])
            except Exception as e:
                translated = _exchange_error(e, request)
                if translated is None:
                    raise
                raise translated from foreign_cause(e)
            keep = not will_close
        finally:
            with self._lock:
                self._busy.discard(conn)
                if keep and not self._closed:
                    conn.idle_since = time.monotonic()
                    self._idle.setdefault(key, []).append(conn)
                else:
                    conn.close()
        return response_of(status, headers, body)

    def _address(self, key: tuple[str, str], request: HttpRequest) -> tuple[str, int, str]:
        """(host name, port, Host header) of ``key``, the request's scheme and host."""
        address = self._addresses.get(key)
        if address is None:
            parts = urlsplit(f"//{request.host}")
            address = (
                parts.hostname or request.host,
                parts.port or _DEFAULT_PORTS[request.scheme],
                host_header(request),
            )
            if len(self._addresses) < 16:
                self._addresses[key] = address
        return address

    def _reuse(self, key: tuple[str, str]) -> Connection | None:
        """The freshest idle connection still open, dropping stale ones."""
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                conn = idle.pop()
            if now - conn.idle_since < _KEEPALIVE_SECONDS and not _dropped(conn):
                return conn
            conn.close()

    def _connect(
        self, request: HttpRequest, address: tuple[str, int, str], connect_timeout: float | None
    ) -> Connection:
        hostname, port, _ = address
        if connect_timeout is None:
            connect_timeout = self._config.connect_timeout
        sock = None
        try:
            sock = socket.create_connection((hostname, port), timeout=connect_timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if request.scheme == "https":
                # The handshake runs under the connect timeout too.
                sock = self._context().wrap_socket(sock, server_hostname=hostname)
        except Exception as e:
            if sock is not None:
                sock.close()
            translated = self._connect_error(e, request.host)
            if translated is None:
                raise
            raise translated from foreign_cause(e)
        return Connection(sock)

    def _context(self) -> ssl.SSLContext:
        context = self._ssl_context
        if context is None:
            with self._lock:
                if self._ssl_context is None:
                    self._ssl_context = build_ssl_context(self._tls)
                context = self._ssl_context
        return context

    def _connect_error(self, error: Exception, host: str) -> Exception | None:
        """No request was written yet: what went wrong while connecting."""
        import ssl

        if isinstance(error, TimeoutError):
            return ConnectTimeoutError(describe("Timed out connecting", host=host, cause=error))
        if isinstance(error, ssl.SSLCertVerificationError):
            return untrusted(error, host, self._tls)
        if isinstance(error, ssl.SSLError):
            return handshake_failed(error, host)
        if isinstance(error, OSError):
            # DNS failure, refused, unreachable.
            return ConnectError(describe("Could not connect", host=host, cause=error))
        return None

    async def close(self) -> None:
        self.close_now()

    def close_now(self) -> None:
        """Close every connection; calls still exchanging fail, later ones
        are refused unsent. Idempotent."""
        with self._lock:
            self._closed = True
            idle = [conn for conns in self._idle.values() for conn in conns]
            self._idle.clear()
            busy = list(self._busy)
        for conn in idle:
            conn.close()
        for conn in busy:
            # Wakes a thread blocked reading it (closing alone may not); that
            # thread closes it. The socket's own shutdown, not SSLSocket's:
            # that one also drops the TLS layer, and a thread about to read
            # would then take the encrypted bytes still in the socket (TLS
            # 1.3 session tickets) for the answer.
            with contextlib.suppress(OSError, AttributeError):
                socket.socket.shutdown(conn.sock, socket.SHUT_RDWR)


def _exchange_error(error: Exception, request: HttpRequest) -> Exception | None:
    """Bytes may have been written: every failure here counts as sent."""
    host = request.host
    where = Stage.EXCHANGE.value
    if isinstance(error, TimeoutError):
        return ReadTimeoutError(
            describe("Nothing received within the read timeout", host=host, stage=where)
        )
    if isinstance(error, OSError):
        # Resets, a server that hung up or cut its answer short (http11's
        # ShortResponse), a pooled connection that died as it was reused.
        return ConnectionClosedError(
            describe("The connection broke", host=host, stage=where, cause=error)
        )
    if isinstance(error, MalformedResponse):
        return TransportError(
            describe(f"The HTTP exchange failed: {error}", host=host, stage=where)
        )
    # Anything else (http11's ValueError for a header it will not write, as
    # aiohttp raises one) propagates unchanged.
    return None


def _dropped(conn: Connection) -> bool:
    """Whether an idle connection can no longer serve a request: the server
    closed it, or sent something unasked, which the next request would read
    as its answer (a server that answered twice, or beyond its
    Content-Length).

    Such bytes may already sit in the reader's buffer, or in TLS's, where
    polling the socket cannot see them: a read that must not wait looks at
    all three at once. Nothing to read now is the only good answer. The
    exchange sets the socket's timeout again before it writes.
    """
    conn.sock.settimeout(0.0)
    try:
        return conn.reader.read(1) is not None
    except OSError as e:
        import ssl

        # TLS with nothing for the application says so by raising.
        return not isinstance(e, ssl.SSLWantReadError)
    except ValueError:
        return True
