"""A small forward proxy on 127.0.0.1 that logs every request it relays.

It speaks the two forms a client uses: absolute-form requests for plain
HTTP (``GET http://host:port/path HTTP/1.1``, relayed to the origin in
origin-form, one request per connection) and ``CONNECT host:port`` tunnels
for HTTPS (bytes relayed both ways, unseen). With ``credentials`` set it
demands Basic proxy authentication and answers 407 otherwise, as a
corporate proxy does. Only loopback targets are relayed.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
from collections.abc import AsyncIterator

import attrs

_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@attrs.frozen
class ProxyLogEntry:
    method: str
    target: str
    #: The Proxy-Authorization header as received (None when absent).
    authorization: str | None
    allowed: bool


class ForwardProxy:
    def __init__(
        self, credentials: tuple[str, str] | None = None, context: ssl.SSLContext | None = None
    ) -> None:
        self.credentials = credentials
        #: Serve TLS to clients (an https:// proxy) with this context.
        self.context = context
        self.log: list[ProxyLogEntry] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def expected_authorization(self) -> str | None:
        if self.credentials is None:
            return None
        user, password = self.credentials
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.context)
        host, port = self._server.sockets[0].getsockname()[:2]
        scheme = "https" if self.context is not None else "http"
        self.url = f"{scheme}://{host}:{port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers.append((name.strip(), value.strip()))
        auth = next((v for k, v in headers if k.lower() == "proxy-authorization"), None)
        allowed = self.credentials is None or auth == self.expected_authorization
        self.log.append(ProxyLogEntry(method, target, auth, allowed))
        if not allowed:
            writer.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\n'
                b"Content-Length: 0\r\nConnection: close\r\n\r\n"
            )
            await writer.drain()
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            if host not in _LOOPBACK:
                writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await _relay_both(reader, writer, up_reader, up_writer)
            return
        await self._forward(method, target, version, headers, reader, writer)

    async def _forward(
        self,
        method: str,
        target: str,
        version: str,
        headers: list[tuple[str, str]],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        scheme, _, rest = target.partition("://")
        hostport, slash, path = rest.partition("/")
        host, _, port = hostport.rpartition(":")
        if scheme != "http" or host not in _LOOPBACK:
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        body = await reader.readexactly(length) if length else b""
        up_reader, up_writer = await asyncio.open_connection(host, int(port or 80))
        kept = [
            (k, v)
            for k, v in headers
            if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
        ]
        head = f"{method} {slash}{path} {version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in kept)
        # One request per connection keeps the relay simple: the origin
        # closes after answering, and so does the proxy.
        up_writer.write(head.encode("latin-1") + b"Connection: close\r\n\r\n" + body)
        await up_writer.drain()
        try:
            while chunk := await up_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            up_writer.close()


async def _relay_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while chunk := await src.read(65536):
                dst.write(chunk)
                await dst.drain()
        finally:
            with contextlib.suppress(Exception):
                dst.close()

    await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer), return_exceptions=True)


@contextlib.asynccontextmanager
async def forward_proxy(
    credentials: tuple[str, str] | None = None, context: ssl.SSLContext | None = None
) -> AsyncIterator[ForwardProxy]:
    proxy = ForwardProxy(credentials, context)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()
