"""A real HTTP server on 127.0.0.1 that records requests and replays one
canned answer, and the two clients pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
import botocore.config
import botocore.session
from aiohttp import web
from multidict import CIMultiDict

from lambda_client import ClientConfig, Credentials, LambdaClient

from . import model

ACCESS_KEY = "AKID"
SECRET_KEY = "SECRET"
REGION = "us-east-1"


@attrs.frozen
class Recorded:
    method: str
    path: str  # exactly as received, still percent-encoded
    query: str
    headers: CIMultiDict[str]
    body: bytes

    @property
    def host(self) -> str:
        return self.headers["host"]


@attrs.define
class Canned:
    """One answer. ``chunks`` streams the body in those pieces instead."""

    status: int = 200
    headers: dict[str, str] = attrs.field(factory=dict)
    body: bytes = b""
    chunks: list[bytes] | None = None


class RecordingServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.canned = Canned()
        self._runner: web.ServerRunner | None = None
        self.url = ""

    async def start(self) -> None:
        # The low-level server has no router: every request reaches the
        # handler, whatever its path decodes to (newlines, dot segments).
        server = web.Server(self._handle, handler_cancellation=True)
        self._runner = web.ServerRunner(server, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def answer(self, canned: Canned) -> None:
        self.canned = canned
        self.requests.clear()

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        path, _, query = request.raw_path.partition("?")
        self.requests.append(
            Recorded(
                method=request.method,
                path=path,
                query=query,
                headers=CIMultiDict(request.headers),
                body=await request.read(),
            )
        )
        canned = self.canned
        if canned.chunks is None:
            return web.Response(status=canned.status, headers=canned.headers, body=canned.body)
        response = web.StreamResponse(status=canned.status, headers=canned.headers)
        await response.prepare(request)
        for chunk in canned.chunks:
            await response.write(chunk)
            # A pause between writes makes the client see separate reads.
            await asyncio.sleep(0)
        await response.write_eof()
        return response


def botocore_client(url: str) -> Any:
    session = botocore.session.get_session()
    return session.create_client(
        "lambda",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=botocore.config.Config(
            retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15
        ),
    )


def our_client(url: str) -> LambdaClient:
    return LambdaClient(
        region=REGION,
        endpoint_url=url,
        credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
        # One attempt, as botocore is configured: an error answer must reach
        # the test, not a retry. Short timeouts turn a leaked connection or a
        # stuck handler into a failure rather than a hung suite.
        config=ClientConfig(max_attempts=1, read_timeout=15, pool_timeout=15),
    )


@attrs.define
class Harness:
    server: RecordingServer
    ours: LambdaClient
    boto: Any

    async def call_boto(
        self, operation: str, params: dict[str, Any], read: Callable[[Any], Any]
    ) -> Any:
        """Runs botocore off the event loop, which the server needs."""

        def call() -> Any:
            return read(getattr(self.boto, model.method_name(operation))(**params))

        return await asyncio.to_thread(call)


@contextlib.asynccontextmanager
async def harness() -> AsyncIterator[Harness]:
    server = RecordingServer()
    await server.start()
    boto = botocore_client(server.url)
    ours = our_client(server.url)
    try:
        yield Harness(server=server, ours=ours, boto=boto)
    finally:
        await ours.close()
        boto.close()
        await server.close()
