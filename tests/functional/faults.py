"""A stand-in for the Lambda service that misbehaves on cue, for retry tests.

The server answers request N with step N of its script; once the script is
used up, every request gets ``then``. A step is a :class:`Reply` or a function
of the request that returns one, for answers that depend on what was sent
(a signing date, a token). Every request is logged on arrival, before any
fault, so a test counts what reached the server rather than what the client
believes it sent.

The server binds 127.0.0.1 only. It refuses to answer more than
``max_requests`` requests, caps every injected delay, and shuts itself down
after ``lifetime`` seconds, so a client that loops or a test that forgets it
cannot keep it alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import formatdate
from types import TracebackType
from typing import Any, Self

from aiohttp import web
from attrs import define, field, frozen
from multidict import CIMultiDict, CIMultiDictProxy


@frozen(kw_only=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    headers: Mapping[str, str] = field(factory=dict)
    body: bytes = b"{}"
    #: Seconds to wait, after reading the request, before answering.
    delay: float = 0.0
    #: Abort the connection with a TCP reset after reading the request.
    reset: bool = False
    #: Close the connection (FIN) after reading the request, without answering.
    close: bool = False
    #: Send the status, the headers (with a Content-Length promising more)
    #: and half the body, then close the connection.
    truncate: bool = False
    #: Send a ``Date`` header this many seconds away from the real clock.
    date_offset: float | None = None


def ok(body: bytes = b"{}", **kw: Any) -> Reply:
    return Reply(status=200, body=body, **kw)


def error(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    **kw: Any,
) -> Reply:
    """An error shaped the way Lambda sends them: the code in
    ``x-amzn-ErrorType``, the message in a JSON body."""
    body = json.dumps({"Type": "User", "message": message}).encode()
    return Reply(
        status=status,
        headers={
            "x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/",
            **(headers or {}),
        },
        body=body,
        **kw,
    )


@frozen
class Received:
    """A request as the server saw it."""

    index: int
    method: str
    path: str
    query: str
    headers: CIMultiDictProxy[str]
    body: bytes
    #: ``time.monotonic()`` when the request's body had been read.
    arrived: float

    def json(self) -> Any:
        return json.loads(self.body)


Step = Reply | Callable[[Received], Reply]


class BudgetExceeded(AssertionError):
    """More requests reached the server than the test allowed for."""


@define
class _State:
    script: list[Step]
    then: Step


class FaultServer:
    """``async with FaultServer([...]) as server: ... server.url ...``"""

    def __init__(
        self,
        script: Sequence[Step] = (),
        *,
        then: Step | None = None,
        port: int = 0,
        max_requests: int = 1000,
        lifetime: float = 20.0,
    ) -> None:
        self._state = _State(list(script), then if then is not None else ok())
        self._port = port
        self.max_requests = max_requests
        self.lifetime = lifetime
        self.requests: list[Received] = []
        self.url = ""
        self.over_budget = False
        self._runner: web.AppRunner | None = None
        self._watchdog: asyncio.Task[None] | None = None

    def load(self, script: Sequence[Step], *, then: Step | None = None) -> None:
        """Replace what the server will answer from the next request on."""
        self._state = _State(list(script), then if then is not None else ok())

    def between(self, start: float, end: float) -> list[Received]:
        """Requests that arrived in ``[start, end)``, in ``time.monotonic()`` seconds."""
        return [r for r in self.requests if start <= r.arrived < end]

    async def __aenter__(self) -> Self:
        # Invoke bodies reach 6 MB; aiohttp's own default refuses over 1 MiB.
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A client that gives up on a delayed answer disconnects; cancelling
        # the handler then is what keeps delays from outliving the test.
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self._port, reuse_address=False)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        self._watchdog = asyncio.create_task(self._expire())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if exc is None and self.over_budget:
            raise BudgetExceeded(f"more than {self.max_requests} requests reached the server")

    async def stop(self) -> None:
        watchdog, self._watchdog = self._watchdog, None
        if watchdog is not None and watchdog is not asyncio.current_task():
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def _expire(self) -> None:
        await asyncio.sleep(self.lifetime)
        await self.stop()

    def _next_step(self) -> Step:
        state = self._state
        return state.script.pop(0) if state.script else state.then

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        seen = Received(
            index=len(self.requests),
            method=request.method,
            path=request.raw_path.partition("?")[0],
            query=request.query_string,
            headers=CIMultiDictProxy(CIMultiDict(request.headers)),
            body=body,
            arrived=time.monotonic(),
        )
        if seen.index >= self.max_requests:
            self.over_budget = True
            return web.Response(status=599, text="fault server: request budget exhausted")
        self.requests.append(seen)
        step = self._next_step()
        reply = step if isinstance(step, Reply) else step(seen)
        transport = request.transport
        if reply.reset or reply.close:
            if transport is not None:
                if reply.reset:
                    sock = transport.get_extra_info("socket")
                    # Linger 0 turns close into an RST instead of an orderly FIN.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    transport.abort()
                else:
                    transport.close()
            # The lost connection cancels this handler; the sleep only bounds
            # the case where that notice never comes.
            await asyncio.sleep(self.lifetime)
            raise web.HTTPInternalServerError
        if reply.delay > 0:
            await asyncio.sleep(min(reply.delay, self.lifetime))
        headers = CIMultiDict(reply.headers)
        headers.setdefault("x-amzn-RequestId", f"fault-{seen.index}")
        if reply.date_offset is not None:
            headers["Date"] = formatdate(time.time() + reply.date_offset, usegmt=True)
        if reply.truncate:
            return await self._truncated(request, reply, headers)
        return web.Response(status=reply.status, headers=headers, body=reply.body)

    async def _truncated(
        self, request: web.Request, reply: Reply, headers: CIMultiDict[str]
    ) -> web.StreamResponse:
        response = web.StreamResponse(status=reply.status, headers=headers)
        response.content_length = len(reply.body) + 64
        await response.prepare(request)
        await response.write(reply.body[: len(reply.body) // 2])
        if request.transport is not None:
            request.transport.close()
        # As for a reset: the lost connection cancels this handler.
        await asyncio.sleep(self.lifetime)
        return response


def closed_port() -> int:
    """A local port with nothing listening on it (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
