"""A stand-in for a function URL on 127.0.0.1 that checks every signature.

Each request is recorded as it arrived and, unless the server is told it
serves an unsigned URL, verified with the differential suite's verifier
(botocore's signer recomputes the signature from what the server received,
service ``lambda``); the payload hash the client sent must also be the hash
of the body that arrived. A request that fails verification gets AWS's 403.

Routes: ``/stream`` sends two chunks 200 ms apart and logs when each went
out; ``/hold`` sends one chunk and then waits for the client to go away;
anything else answers 200 with a small JSON body.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
from collections.abc import AsyncIterator

from aiohttp import web
from multidict import CIMultiDict

from .differential.server import ACCESS_KEY, REGION, SECRET_KEY, Recorded
from .differential.signing import SignatureMismatch, verify

__all__ = ["ACCESS_KEY", "REGION", "SECRET_KEY", "FunctionUrlServer", "serve"]

#: Seconds between the two chunks of /stream, as the issue describes it.
CHUNK_GAP = 0.2
# Bodies up to this size are read (the function URL limit is 6 MB).
_MAX_BODY = 8 * 1024 * 1024
# Upper bound on /hold: the handler is cancelled when the client leaves.
_HOLD_SECONDS = 10.0


class FunctionUrlServer:
    def __init__(self, *, signed: bool = True) -> None:
        self.signed = signed
        self.requests: list[Recorded] = []
        #: Signature problems, one per refused request.
        self.refused: list[str] = []
        #: ("sent", n) / ("received", n) in the order they happened; the
        #: test appends the "received" entries from the client side.
        self.events: list[tuple[str, int, float]] = []
        self.url = ""
        self.hold_released = asyncio.Event()
        self._runner: web.AppRunner | None = None

    def log(self, what: str, index: int) -> None:
        self.events.append((what, index, time.monotonic()))

    async def start(self) -> None:
        app = web.Application(client_max_size=_MAX_BODY)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _check(self, seen: Recorded) -> str | None:
        if not self.signed:
            if "authorization" in seen.headers or "x-amz-date" in seen.headers:
                return "an unsigned URL received signing headers"
            return None
        try:
            verify(seen, required=frozenset({"x-amz-content-sha256"}))
        except SignatureMismatch as e:
            return str(e)
        if seen.headers["x-amz-content-sha256"] != hashlib.sha256(seen.body).hexdigest():
            return "x-amz-content-sha256 is not the hash of the body received"
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path, _, query = request.raw_path.partition("?")
        seen = Recorded(
            method=request.method,
            path=path,
            query=query,
            headers=CIMultiDict(request.headers),
            body=await request.read(),
        )
        self.requests.append(seen)
        problem = self._check(seen)
        if problem is not None:
            self.refused.append(problem)
            return web.Response(
                status=403,
                headers={"x-amzn-ErrorType": "InvalidSignatureException"},
                text=json.dumps({"message": "The request signature we calculated does not match"}),
            )
        headers = {"x-amzn-RequestId": f"req-{len(self.requests)}"}
        if path.endswith("/stream"):
            return await self._stream(request, headers)
        if path.endswith("/hold"):
            return await self._hold(request, headers)
        body = {"path": path, "query": query, "size": len(seen.body)}
        return web.json_response(body, headers=headers)

    async def _stream(self, request: web.Request, headers: dict[str, str]) -> web.StreamResponse:
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        await response.write(b"first chunk;")
        self.log("sent", 1)
        await asyncio.sleep(CHUNK_GAP)
        self.log("sent", 2)
        await response.write(b"second chunk")
        await response.write_eof()
        return response

    async def _hold(self, request: web.Request, headers: dict[str, str]) -> web.StreamResponse:
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        await response.write(b"one chunk, then silence")
        try:
            await asyncio.sleep(_HOLD_SECONDS)
        finally:
            # Cancelled when the client closes the connection.
            self.hold_released.set()
        return response


@contextlib.asynccontextmanager
async def serve(*, signed: bool = True) -> AsyncIterator[FunctionUrlServer]:
    server = FunctionUrlServer(signed=signed)
    await server.start()
    try:
        yield server
    finally:
        await server.close()
