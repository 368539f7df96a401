"""The single seam between the client and the network.

Everything above this module speaks `HttpRequest` / `HttpResponse`
and the exception tree; nothing above it imports aiohttp. Which failures mean
"the request never left" and which mean "the server may have acted on it" is
decided once, in `_translate()`, because the retry policy trusts
that answer when deciding whether an Invoke may be resent.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from . import allocator
from .chunked_body import body_data
from .client_config import ClientConfig
from .connect_errors import explain, scrub
from .deferred_import import import_in_thread
from .early_calls import EarlyCalls
from .exceptions import (
    ClientClosedError,
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TransportError,
)
from .http import HttpRequest, HttpResponse, response_of
from .large_body import LARGE_BODY_BYTES, gather
from .loops import LoopGuard, other_loop_running
from .messages import describe, foreign_cause
from .proxies import ProxyChoice, ProxySelector
from .read_watch import watched_protocols
from .slots import Slots
from .tls import TlsSettings, build_ssl_context

if TYPE_CHECKING:
    import ssl

    # Imported for real on the first request, off the event loop (see
    # AiohttpTransport._import_aiohttp): a program that builds a client
    # pays nothing for aiohttp until it sends something.
    import aiohttp
    from yarl import URL

__all__ = ["AiohttpTransport", "Transport"]


# Idle connections are dropped well before common server-side idle limits: a
# connection the server closes just as it is reused fails a request after it
# was sent, which the retry policy may not be allowed to repeat (Invoke).
KEEPALIVE_SECONDS = 15.0

# Distinct URLs kept parsed (see AiohttpTransport._url).
_URLS_KEPT = 256


# Closing aborts sockets rather than negotiating a TLS shutdown, so this only
# bounds a pathological case; it is not a grace period anyone waits out.
_CLOSE_BOUND_SECONDS = 5.0


@functools.cache
def _bare_request_class() -> type[aiohttp.ClientRequest]:
    """aiohttp's request without the headers it adds of its own accord.

    The caller's headers are exactly what was signed and what the service
    should see. Accept and Accept-Encoding must not be added, nor a
    Content-Type, which aiohttp puts on every body and on every POST, PUT and
    PATCH (a raw payload such as Invoke's goes without one, as botocore sends
    it; the serializer sets one wherever it belongs). The user agent is
    always set by the caller. Settled once here, on the class: aiohttp's
    ``skip_auto_headers`` argument would build and merge a header set on
    every request instead.
    """
    import aiohttp
    from multidict import CIMultiDict

    class BareRequest(aiohttp.ClientRequest):
        DEFAULT_HEADERS = {}  # noqa: RUF012 (aiohttp reads this class attribute)
        # Read wherever aiohttp (3.11 on) would add a Content-Type; only a
        # request given skip_auto_headers replaces it, and none is.
        _skip_auto_headers = CIMultiDict({"Content-Type": None})

    return BareRequest


def _retrieve(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


def refused(request: HttpRequest) -> ClientClosedError:
    """What a closed transport answers a request it will not send."""
    return ClientClosedError(
        describe("The client is closed; the request was not sent", host=request.host)
    )


class Transport(Protocol):
    """What the client needs from the network (public as
    ``lambda_client.transport.Transport``; its module says what a transport
    must do)."""

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        """Send ``request`` as given; return the response (any status).
        ``read_timeout`` bounds each silence while waiting for bytes; with
        ``stream=True`` the body comes as ``HttpResponse.stream``."""
        ...

    async def close(self) -> None:
        """Release connections; called once, by the client's ``close()``."""
        ...


class Stage(enum.Enum):
    POOL = "waiting for a pooled connection"
    EXCHANGE = "sending the request or awaiting the response"
    BODY = "reading the response"


def _translate(error: Exception, stage: Stage, request: HttpRequest) -> Exception | None:
    """The library's exception for an aiohttp, asyncio or OS failure (None
    for anything else, which propagates unchanged).

    ``ConnectError`` promises the request never reached the server, so only
    failures aiohttp raises while acquiring a connection qualify; everything
    that can happen once bytes may have been written is reported as sent.
    Cancellation is a ``BaseException`` and never reaches here.

    The message is built from safe facts only (host, stage, the failure's
    type and OS error number): aiohttp's exceptions carry every request
    header, so neither their text nor their repr may appear in it, and the
    caller chains `foreign_cause` rather than the exception itself.
    """
    import aiohttp  # loaded: every error translated here came through it

    host = request.host
    where = stage.value
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        # Raised only around connector.connect(): DNS, TCP connect, TLS handshake.
        return ConnectTimeoutError(describe("Timed out connecting", host=host, cause=error))
    if isinstance(error, (aiohttp.ClientConnectorError, aiohttp.ServerFingerprintMismatch)):
        # DNS failure, refused, unreachable, TLS/certificate failure: no request yet.
        return ConnectError(describe("Could not connect", host=host, cause=error))
    if isinstance(error, aiohttp.ServerTimeoutError):
        return ReadTimeoutError(
            describe("Nothing received within the read timeout", host=host, stage=where)
        )
    if isinstance(error, (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError)):
        # Server disconnects, resets, truncated bodies. Also covers a pooled
        # connection that died while idle: the request bytes may have been
        # accepted by the kernel, so whether the server saw them is unknowable.
        return ConnectionClosedError(
            describe("The connection broke", host=host, stage=where, cause=error)
        )
    if isinstance(error, aiohttp.ClientError):
        # A response aiohttp could not parse (a header line without a colon,
        # a bad status line): the request was sent.
        return TransportError(
            describe("The HTTP exchange failed", host=host, stage=where, cause=error)
        )
    if isinstance(error, TimeoutError):
        if stage is Stage.POOL:
            return ConnectTimeoutError(
                describe("Timed out; all connections are in use", host=host, stage=where)
            )
        return ReadTimeoutError(describe("Timed out", host=host, stage=where))
    if isinstance(error, OSError):
        return ConnectionClosedError(
            describe("The connection failed", host=host, stage=where, cause=error)
        )
    return None


def _raise_translated(error: Exception, stage: Stage, request: HttpRequest) -> NoReturn:
    translated = _translate(error, stage, request)
    if translated is None:
        raise error
    raise translated from foreign_cause(error)


@contextlib.contextmanager
def _translated_errors(stage: Stage, request: HttpRequest) -> Iterator[None]:
    """Context-manager form of `_translate()` for the less travelled paths."""
    try:
        yield
    except Exception as e:
        _raise_translated(e, stage, request)


class _Lease:
    """A pool slot and the response occupying it; given back exactly once."""

    __slots__ = ("_done", "_leases", "_response", "_slots", "cut_off")

    def __init__(self, response: aiohttp.ClientResponse, slots: Slots, leases: set[_Lease]) -> None:
        self._response = response
        self._slots = slots
        self._leases = leases
        self._done = False
        #: Set when the transport closed under the response rather than the
        #: reader finishing or giving up on it.
        self.cut_off = False
        leases.add(self)

    @property
    def done(self) -> bool:
        return self._done

    def give_back(self) -> None:
        if self._done:
            return
        self._done = True
        self._leases.discard(self)
        try:
            if self._response.content.at_eof():
                # Fully read: the connection is clean and can serve the next request.
                self._response.release()
            else:
                # Unread bytes are still in flight; the socket cannot be reused.
                self._response.close()
        finally:
            self._slots.give()


class _Stream:
    """A response body read as it arrives; implements ``ResponseStream``."""

    def __init__(
        self, lease: _Lease, response: aiohttp.ClientResponse, request: HttpRequest
    ) -> None:
        self._lease = lease
        self._content = response.content
        self._request = request
        self._loop = asyncio.get_running_loop()

    def _finished(self) -> bool:
        """Whether reading is over, raising if it was cut short by close()."""
        if self._lease.cut_off:
            # aiohttp reports a connection closed from our side as a clean
            # end of body; passing that on would make a truncated response
            # look complete.
            raise ConnectionClosedError(
                describe(
                    "The client was closed while the response was being read",
                    host=self._request.host,
                )
            )
        return self._lease.done

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        # A generator, so that a consumer breaking out of ``async for`` has
        # its finally run by the loop's async-generator finalizer.
        try:
            while not self._finished():
                try:
                    with _translated_errors(Stage.BODY, self._request):
                        chunk = await self._content.readany()
                except TransportError:
                    if self._finished():
                        # aclose() from another task cut the read short on purpose.
                        return
                    raise
                if not chunk:
                    self._finished()
                    return
                yield chunk
        finally:
            self._lease.give_back()

    async def aclose(self) -> None:
        self._lease.give_back()

    def __del__(self) -> None:
        lease = self._lease
        if lease.done:
            return
        warnings.warn(
            f"Response stream from {self._request.host} was never closed; "
            "its connection is released by the garbage collector",
            ResourceWarning,
            source=self,
            stacklevel=1,
        )
        # The collector may run on any thread and after the loop is gone;
        # asyncio primitives may only be touched from their loop's thread.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(lease.give_back)


class AiohttpTransport:
    """Sends requests over one lazily created `aiohttp.ClientSession`.

    The session (and its pool) is created on the first `send()`, inside the
    running loop, so the transport itself may be built anywhere. The pool is
    bounded by ``max_pool_connections``; a request waits at most
    ``pool_timeout`` for a free connection.
    """

    def __init__(
        self,
        config: ClientConfig,
        *,
        tls: TlsSettings | None = None,
        proxies: ProxySelector | None = None,
    ) -> None:
        self._config = config
        self._session: aiohttp.ClientSession | None = None
        self._slots: Slots | None = None
        self._leases: set[_Lease] = set()
        self._closed = False
        self._timeouts: dict[tuple[float, float], aiohttp.ClientTimeout] = {}
        #: The same timeouts by read timeout alone, for calls that keep the
        #: client's connect timeout (nearly all).
        self._read_timeouts: dict[float, aiohttp.ClientTimeout] = {}
        self._importing: asyncio.Future[None] | None = None
        #: Arms the loop guard of a pool opened by _imported (kept referenced).
        self._arming: asyncio.Task[None] | None = None
        self._url_class: type[URL] | None = None
        #: Parsed URLs by their text, see _url().
        self._urls: dict[str, URL] = {}
        self._proxies = proxies or ProxySelector(config.proxies)
        #: Whether any request could go through a proxy (decided once).
        self._proxied = self._proxies.active
        proxy_tls = (config.proxies_config or {}) if self._proxies.tls_proxy else {}
        self._tls = tls or TlsSettings(
            verify=True if config.verify is None else config.verify,
            client_cert=config.client_cert,
            proxy_ca_bundle=proxy_tls.get("proxy_ca_bundle"),
            proxy_client_cert=proxy_tls.get("proxy_client_cert"),
        )
        #: Built once per client, in a worker thread, before the first TLS connection.
        self._ssl_context: ssl.SSLContext | None = None
        self._ssl_building: asyncio.Future[ssl.SSLContext] | None = None
        #: The loop the current pool belongs to, and the hook that closes
        #: the pool when that loop shuts down (see loops.py).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._guard: LoopGuard | None = None
        #: Pools left on loops that were idle, not closed, when the client
        #: moved on; each closes itself when its loop shuts down.
        self._retired: list[tuple[aiohttp.ClientSession, LoopGuard]] = []
        #: The first calls, sent while aiohttp loads (early_calls.py), and
        #: what closes their connections if the loop shuts down first.
        self._early = EarlyCalls(config, self._tls)
        self._early_guard: LoopGuard | None = None

    @property
    def tls(self) -> TlsSettings:
        """What the client's SSL context is built from."""
        return self._tls

    @property
    def proxies(self) -> ProxySelector:
        """Which proxy, if any, each request goes through."""
        return self._proxies

    def _loading_aiohttp(self) -> bool:
        """Whether aiohttp has yet to be imported (or is being imported)."""
        importing = self._importing
        # During the import "aiohttp" is in sys.modules already, half made.
        return "aiohttp" not in sys.modules or (importing is not None and not importing.done())

    def _start_import(self) -> None:
        loop = asyncio.get_running_loop()
        if self._importing is None or self._importing.get_loop() is not loop:
            self._importing = import_in_thread("aiohttp")
            # Nobody may await it: a failure is retrieved here, and raised
            # again to the call that needs aiohttp.
            self._importing.add_done_callback(_retrieve)
            self._importing.add_done_callback(self._imported)

    def _imported(self, importing: asyncio.Future[None]) -> None:
        """Open the pool as soon as aiohttp is loaded, in a loop step of its
        own. Opened by the first call through aiohttp instead, in the same
        step as that call's signing and request start, it made a 6 MB
        Invoke's longest step (0.9-1.1 ms)."""
        if (
            importing.cancelled()
            or importing.exception() is not None
            or self._closed
            or self._session is not None
            or asyncio.get_running_loop() is not self._loop
            or self._loading_aiohttp()
        ):
            return
        self._open()
        self._early.retire()
        # Guarded as when a call opens it: a client never closed has its
        # pool closed with the loop. A task, since arming awaits.
        self._arming = asyncio.get_running_loop().create_task(self._arm_guard())
        self._arming.add_done_callback(_retrieve)

    async def _import_aiohttp(self) -> None:
        """Import aiohttp in a worker thread, once for all the first requests.

        Importing it takes about 0.1 s of CPU; in a thread the event loop
        goes on serving other tasks (with the GIL shared) instead of
        stalling, which is what an import inside a coroutine would do.
        """
        self._start_import()
        assert self._importing is not None
        # Shielded: a caller cancelled while waiting must not cancel the
        # import the other first requests are waiting for.
        await asyncio.shield(self._importing)

    def _open(self) -> tuple[aiohttp.ClientSession, Slots, type[URL]]:
        if self._closed:
            # Closed while this call awaited something on its way here.
            raise ClientClosedError("The client is closed; the request was not sent")
        if self._session is None or self._slots is None:
            import aiohttp
            from yarl import URL

            allocator.settle()
            self._url_class = URL
            config = self._config
            connector = aiohttp.TCPConnector(
                limit=config.max_pool_connections,
                keepalive_timeout=KEEPALIVE_SECONDS,
                # Never aiohttp's own default context: TLS goes through the
                # client's (send() builds it before any TLS connection).
                ssl=self._ssl_context or True,
            )
            # Read timeouts without a loop timer per chunk (read_watch.py).
            watched_protocols(connector, asyncio.get_running_loop())
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    # No overall deadline: a synchronous Invoke may legitimately
                    # take 15 minutes; read_timeout bounds silence instead.
                    total=None,
                    # DNS is outside sock_connect in aiohttp; this bounds it too.
                    connect=config.connect_timeout,
                    sock_connect=config.connect_timeout,
                ),
                auto_decompress=False,
                request_class=_bare_request_class(),
                cookie_jar=aiohttp.DummyCookieJar(),
                # Environment proxies and .netrc would add headers we did not
                # sign; proxies are chosen per request by ProxySelector.
                trust_env=False,
                raise_for_status=False,
            )
            # aiohttp silently resends GET/HEAD/PUT/DELETE once when a pooled
            # connection drops; every request on the wire must be an attempt
            # the retry policy counted (quota, backoff, amz-sdk-request). The
            # switch is private; aiohttp's own test client sets it the same way.
            self._session._retry_connection = False
            # aiohttp's own pool wait cannot be told apart from connecting and
            # shares its deadline, so the wait for a slot is bounded here with
            # the same size as the connector's limit.
            self._slots = Slots(config.max_pool_connections)
        assert self._url_class is not None
        return self._session, self._slots, self._url_class

    async def send(
        self,
        request: HttpRequest,
        *,
        read_timeout: float,
        stream: bool = False,
        connect_timeout: float | None = None,
    ) -> HttpResponse:
        """Send ``request`` exactly as given and return the response.

        ``read_timeout`` bounds each silence while waiting for response bytes,
        not the whole exchange, so a long Invoke or event stream that keeps
        talking is never cut off. With ``stream=True`` the response returns
        as soon as its headers arrive and holds its connection until the
        stream is read to the end or closed. ``connect_timeout`` overrides the
        client's for this request (``with_options``).
        """
        if self._closed:
            raise refused(request)
        if asyncio.get_running_loop() is not self._loop:
            await self._enter_loop()
        proxy = self._proxies.select(request.scheme, request.host) if self._proxied else None
        if self._ssl_context is None and (
            request.scheme == "https" or (proxy is not None and proxy.url.startswith("https:"))
        ):
            await self._build_ssl_context()
        if self._guard is None:
            # No pool yet, or one opened by _imported, not yet guarded.
            if self._session is None:
                if self._loading_aiohttp():
                    if not stream and proxy is None and self._early.available():
                        if self._early.sent:
                            # From the second call on: a program that makes one
                            # call never loads aiohttp, and the import does not
                            # compete with the first call for the GIL.
                            self._start_import()
                        elif self._early_guard is None:
                            await self._guard_early()
                        return await self._early.send(
                            request,
                            read_timeout=read_timeout,
                            connect_timeout=connect_timeout,
                            ssl_context=self._ssl_context,
                        )
                    await self._import_aiohttp()
                self._open()
                self._early.retire()
            await self._arm_guard()
        session, slots = self._session, self._slots
        if session is None or slots is None:
            session, slots, _ = self._open()
        if not slots.try_take():
            # Only a call that has to wait for a connection pays for a timer.
            with _translated_errors(Stage.POOL, request):
                async with asyncio.timeout(self._config.pool_timeout):
                    await slots.take()
        try:
            if self._closed:
                # Closed while this call waited for a connection.
                raise refused(request)
            headers = request.headers
            timeout = (
                self._read_timeouts.get(read_timeout) if connect_timeout is None else None
            ) or self._timeout(read_timeout, connect_timeout)
            if proxy is None:
                response = await session.request(
                    request.method,
                    self._url(request),
                    headers=headers,
                    data=body_data(request.body),
                    allow_redirects=False,
                    timeout=timeout,
                    ssl=self._ssl_context or True,
                )
            else:
                if proxy.authorization is not None and request.scheme == "http":
                    # Absolute-form requests carry the proxy's credentials
                    # themselves; the signature does not cover this header.
                    headers = {**headers, "proxy-authorization": proxy.authorization}
                response = await session.request(
                    request.method,
                    self._url(request),
                    headers=headers,
                    data=body_data(request.body),
                    allow_redirects=False,
                    timeout=timeout,
                    ssl=self._ssl_context or True,
                    **self._via(proxy, request),
                )
        except Exception as e:
            slots.give()
            translated = explain(e, request.host, proxy, self._tls) or _translate(
                e, Stage.EXCHANGE, request
            )
            if translated is None:
                raise
            # Chained as a stand-in: aiohttp's exception holds the request's
            # headers and, through a proxy, the proxy's credentials.
            raise scrub(translated, proxy) from foreign_cause(e)
        except BaseException:
            slots.give()
            raise

        lease = _Lease(response, slots, self._leases)
        if stream:
            return HttpResponse(
                status=response.status,
                headers=response.headers,
                stream=_Stream(lease, response, request),
            )
        try:
            length = response.content_length
            if length is not None and length >= LARGE_BODY_BYTES:
                body = await gather(response.content, length)
            else:
                body = await response.read()
        except Exception as e:
            _raise_translated(e, Stage.BODY, request)
        finally:
            lease.give_back()
        return response_of(response.status, response.headers, body)

    def _timeout(self, read_timeout: float, connect_timeout: float | None) -> aiohttp.ClientTimeout:
        # A client sees two read timeouts (ordinary and invoke): build each once.
        connect = self._config.connect_timeout if connect_timeout is None else connect_timeout
        key = (read_timeout, connect)
        timeout = self._timeouts.get(key)
        if timeout is None:
            import aiohttp

            timeout = aiohttp.ClientTimeout(
                total=None, connect=connect, sock_connect=connect, sock_read=read_timeout
            )
            if len(self._timeouts) < 16:
                self._timeouts[key] = timeout
                if connect_timeout is None:
                    self._read_timeouts[read_timeout] = timeout
        return timeout

    def _url(self, request: HttpRequest) -> URL:
        """The request's URL, parsed once per distinct text: a call that
        repeats a URL (the same function, the same page) reuses the parsed
        one, whose parts aiohttp reads on every request and which it keeps
        once worked out. Bounded: query strings such as page markers vary."""
        text = request.url
        url = self._urls.get(text)
        if url is None:
            assert self._url_class is not None
            # encoded=True: the path and query were percent-encoded and
            # signed by the caller; re-quoting them would break the signature.
            url = self._url_class(text, encoded=True)
            if len(text) <= 1024:
                if len(self._urls) >= _URLS_KEPT:
                    self._urls.clear()
                self._urls[text] = url
        return url

    def _via(self, proxy: ProxyChoice, request: HttpRequest) -> dict[str, Any]:
        assert self._url_class is not None
        via: dict[str, Any] = {"proxy": self._url_class(proxy.url)}
        if proxy.authorization is not None and request.scheme == "https":
            # Sent on the CONNECT request only; never inside the tunnel.
            via["proxy_headers"] = {"Proxy-Authorization": proxy.authorization}
        return via

    async def _build_ssl_context(self) -> None:
        """Build the client's SSL context in a worker thread, once, shared by
        the first requests that need it."""
        loop = asyncio.get_running_loop()
        building = self._ssl_building
        if building is None or (building.get_loop() is not loop and not building.done()):
            building = loop.run_in_executor(None, build_ssl_context, self._tls)
            self._ssl_building = building
        if building.done():
            self._ssl_context = building.result()
            return
        self._ssl_context = await asyncio.shield(building)

    async def _enter_loop(self) -> None:
        """Move the pool to the running loop: a loop that was closed or is
        idle keeps (or already closed) its own pool; one still running on
        another thread means two loops at once, which is refused."""
        loop = asyncio.get_running_loop()
        old = self._loop
        if old is not None and old.is_running() and not old.is_closed():
            raise other_loop_running(old)
        session, guard = self._session, self._guard
        self._session, self._slots, self._guard = None, None, None
        # Responses of the old loop cannot be read from this one.
        self._leases = set()
        self._loop = loop
        if session is not None and guard is not None:
            self._retired.append((session, guard))
        await self._sweep_retired()

    async def _sweep_retired(self) -> None:
        keep = []
        for session, guard in self._retired:
            if session.closed or guard.released:
                continue
            if guard.loop.is_closed():
                # Closed without shutting down its async generators (a loop
                # closed by hand): nothing can run there any more. The
                # session lets go of its connector; the connector's close
                # is a no-op on a closed loop but must still be awaited.
                guard.abandon()
                connector = session.connector
                session.detach()
                if connector is not None:
                    await connector.close()
                continue
            keep.append((session, guard))
        self._retired = keep

    async def _guard_early(self) -> None:
        guard = self._early_guard = LoopGuard(asyncio.get_running_loop())
        early = self._early

        async def close_at_shutdown() -> None:
            early.close()

        await guard.arm(close_at_shutdown)

    async def _arm_guard(self) -> None:
        session = self._session
        if session is None or self._guard is not None:
            return
        guard = LoopGuard(asyncio.get_running_loop())
        self._guard = guard
        leases = self._leases

        async def close_at_shutdown() -> None:
            self._cut_off(leases)
            await self._close_session(session)

        await guard.arm(close_at_shutdown)

    async def close(self) -> None:
        """Close every connection; responses still being read fail. Idempotent.

        Called on another loop than the pool's (the pool's loop being
        closed or idle), it leaves that pool to close with its loop.
        """
        self._closed = True
        self._early.close()
        early_guard, self._early_guard = self._early_guard, None
        if early_guard is not None:
            if early_guard.loop is asyncio.get_running_loop():
                await early_guard.release()
            elif early_guard.loop.is_closed():
                early_guard.abandon()
        if asyncio.get_running_loop() is not self._loop:
            await self._enter_loop()
        self._cut_off(self._leases)
        session, self._session = self._session, None
        guard, self._guard = self._guard, None
        if guard is not None:
            await guard.release()
        await self._sweep_retired()
        if session is not None:
            await self._close_session(session)

    @staticmethod
    def _cut_off(leases: set[_Lease]) -> None:
        # Responses still being read are cut off first, so that their readers
        # fail instead of seeing the closed socket as the end of the body.
        for lease in list(leases):
            lease.cut_off = True
            lease.give_back()

    @staticmethod
    async def _close_session(session: aiohttp.ClientSession) -> None:
        if session.closed:
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_CLOSE_BOUND_SECONDS):
                await session.close()
