"""A fake Lambda HTTP service on aiohttp, for the paginator, waiter and
streaming tests.

It knows just enough of the wire protocol: the list operations page by
``Marker`` / ``NextMarker`` / ``MaxItems``; the Get operations that waiters
poll answer from a script, one reply per poll; InvokeWithResponseStream
writes event-stream frames and can hold them back until a test says go.

Routes are written out here from the public API reference rather than taken
from the client's generated operation table, so that a wrong method, URI or
query in the client is a 404 from this server instead of agreeing with
itself. Every request is recorded with its decoded path labels and query.

The server binds 127.0.0.1 on a free port, lives inside ``async with``, and
never waits on a test for long: a held stream that is not released within
``GATE_TIMEOUT`` is cut, and a list operation that is asked for more than
``MAX_LIST_REQUESTS`` pages answers with an error, so a client bug that
would loop ends the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections import deque
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

from aiohttp import web
from attrs import define, field, frozen
from multidict import MultiDict, MultiDictProxy

from lambda_client import ClientConfig, Credentials, LambdaClient
from lambda_client._runtime.frame_encoder import encode_message
from lambda_client._runtime.pipeline import Clock, Sleep

GATE_TIMEOUT = 5.0
MAX_LIST_REQUESTS = 25
SHUTDOWN_TIMEOUT = 1.0


@frozen
class Route:
    operation: str
    method: str
    template: str
    #: Query pairs that tell this route apart from another on the same path.
    static_query: tuple[tuple[str, str], ...] = ()
    #: Member of a list operation's response that holds the items.
    result_key: str | None = None
    #: Key that carries an item's name inside each listed object; None when
    #: the items are plain strings.
    item_key: str | None = None
    pattern: re.Pattern[str] = field(init=False)

    def __attrs_post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(regex))


def _list(op: str, template: str, result_key: str, item_key: str | None, *query: str) -> Route:
    pairs = tuple((k, v) for k, _, v in (q.partition("=") for q in query))
    return Route(op, "GET", template, pairs, result_key, item_key)


#: Every paginated operation of Lambda.
LIST_ROUTES: tuple[Route, ...] = (
    _list(
        "GetDurableExecutionHistory",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/history",
        "Events",
        "Id",
    ),
    _list(
        "GetDurableExecutionState",
        "/2025-12-01/durable-executions/{DurableExecutionArn}/state",
        "Operations",
        "Id",
    ),
    _list("ListAliases", "/2015-03-31/functions/{FunctionName}/aliases", "Aliases", "Name"),
    _list(
        "ListCapacityProviders",
        "/2025-11-30/capacity-providers",
        "CapacityProviders",
        "CapacityProviderArn",
    ),
    _list(
        "ListCodeSigningConfigs",
        "/2020-04-22/code-signing-configs",
        "CodeSigningConfigs",
        "CodeSigningConfigId",
    ),
    _list(
        "ListDurableExecutionsByFunction",
        "/2025-12-01/functions/{FunctionName}/durable-executions",
        "DurableExecutions",
        "DurableExecutionName",
    ),
    _list(
        "ListEventSourceMappings",
        "/2015-03-31/event-source-mappings",
        "EventSourceMappings",
        "UUID",
    ),
    _list(
        "ListFunctionEventInvokeConfigs",
        "/2019-09-25/functions/{FunctionName}/event-invoke-config/list",
        "FunctionEventInvokeConfigs",
        "FunctionArn",
    ),
    _list(
        "ListFunctionUrlConfigs",
        "/2021-10-31/functions/{FunctionName}/urls",
        "FunctionUrlConfigs",
        "FunctionUrl",
    ),
    _list(
        "ListFunctionVersionsByCapacityProvider",
        "/2025-11-30/capacity-providers/{CapacityProviderName}/function-versions",
        "FunctionVersions",
        "FunctionArn",
    ),
    _list("ListFunctions", "/2015-03-31/functions", "Functions", "FunctionName"),
    _list(
        "ListFunctionsByCodeSigningConfig",
        "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions",
        "FunctionArns",
        None,
    ),
    _list(
        "ListLayerVersions",
        "/2018-10-31/layers/{LayerName}/versions",
        "LayerVersions",
        "LayerVersionArn",
    ),
    _list("ListLayers", "/2018-10-31/layers", "Layers", "LayerName"),
    _list(
        "ListProvisionedConcurrencyConfigs",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
        "ProvisionedConcurrencyConfigs",
        "FunctionArn",
        "List=ALL",
    ),
    _list(
        "ListVersionsByFunction",
        "/2015-03-31/functions/{FunctionName}/versions",
        "Versions",
        "Version",
    ),
)

#: Operations answered from a script (waiters poll these, and the stream).
SCRIPTED_ROUTES: tuple[Route, ...] = (
    Route("GetFunction", "GET", "/2015-03-31/functions/{FunctionName}"),
    Route("GetFunctionConfiguration", "GET", "/2015-03-31/functions/{FunctionName}/configuration"),
    Route(
        "GetProvisionedConcurrencyConfig",
        "GET",
        "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
    ),
    Route("GetEventSourceMapping", "GET", "/2015-03-31/event-source-mappings/{UUID}"),
    Route("GetDurableExecution", "GET", "/2025-12-01/durable-executions/{DurableExecutionArn}"),
    Route(
        "InvokeWithResponseStream",
        "POST",
        "/2021-11-15/functions/{FunctionName}/response-streaming-invocations",
    ),
)

# List routes first: ListProvisionedConcurrencyConfigs shares its path with
# GetProvisionedConcurrencyConfig and differs only by List=ALL.
ROUTES = LIST_ROUTES + SCRIPTED_ROUTES


@frozen
class Seen:
    """One request as the server decoded it."""

    operation: str
    method: str
    raw_path: str
    params: Mapping[str, str]
    query: MultiDictProxy[str]
    body: bytes


@frozen
class Reply:
    """A whole JSON answer."""

    status: int = 200
    body: Any = field(factory=dict)
    headers: Mapping[str, str] = field(factory=dict)


def ok(body: Any = None, **headers: str) -> Reply:
    return Reply(200, {} if body is None else body, headers)


def error(status: int, code: str, message: str = "") -> Reply:
    """An error the way Lambda sends one: the code in ``X-Amzn-ErrorType``."""
    return Reply(
        status,
        {"Type": "User" if status < 500 else "Service", "message": message or code},
        {"X-Amzn-ErrorType": code},
    )


class Cut:
    """A step of :class:`Frames`: drop the connection without ending the body."""


CUT = Cut()

Step = bytes | asyncio.Event | Cut


@define
class Frames:
    """A streamed answer: headers at once, then ``steps`` in order. Bytes are
    written as one chunk each, an Event holds the rest back until it is set
    (or ``GATE_TIMEOUT`` passes, which cuts the connection), and CUT drops
    the connection. Running off the end finishes the body cleanly."""

    steps: Sequence[Step]
    status: int = 200
    headers: Mapping[str, str] = field(
        factory=lambda: {
            "Content-Type": "application/vnd.amazon.eventstream",
            "X-Amz-Executed-Version": "$LATEST",
        }
    )


Answer = Reply | Frames


@define
class Listing:
    """Items of one list operation, served ``page_size`` at a time unless the
    request sets ``MaxItems``."""

    items: Sequence[str]
    page_size: int = 3
    #: How the last page says there is no more: no NextMarker, an empty one,
    #: or JSON null.
    end: Literal["absent", "empty", "null"] = "absent"
    #: Markers handed out instead of the real ones, in turn (the last repeats):
    #: a service that pages in a circle.
    stuck: Sequence[str] = ()


def marker_for(offset: int) -> str:
    # Opaque, and with characters that only survive a correctly encoded query.
    return f"after+{offset}/=="


def offset_of(marker: str) -> int | None:
    match = re.fullmatch(r"after\+(\d+)/==", marker)
    return int(match.group(1)) if match else None


# -------------------------------------------------------------------- frames


def event_frame(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    return encode_message(
        {":message-type": "event", ":event-type": event_type, ":content-type": content_type},
        payload,
    )


def payload_chunk(data: bytes) -> bytes:
    return event_frame("PayloadChunk", data, "application/octet-stream")


def invoke_complete(**members: str) -> bytes:
    return event_frame("InvokeComplete", json.dumps(members).encode())


def exception_frame(code: str, message: str) -> bytes:
    return encode_message(
        {
            ":message-type": "exception",
            ":exception-type": code,
            ":content-type": "application/json",
        },
        json.dumps({"message": message}).encode(),
    )


def corrupt(frame: bytes) -> bytes:
    """The frame with its message CRC broken (the prelude stays valid)."""
    return frame[:-1] + bytes([frame[-1] ^ 0xFF])


def error_frame(code: str, message: str) -> bytes:
    """A stream-level error, as opposed to a modelled exception."""
    return encode_message(
        {":message-type": "error", ":error-code": code, ":error-message": message}
    )


# -------------------------------------------------------------------- server


class LambdaFake:
    """The service. Configure it with :meth:`listing` and :meth:`script`,
    then run it with ``async with fake.serve() as endpoint_url``."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.listings: dict[str, Listing] = {}
        self.scripts: dict[str, deque[Answer]] = {}
        #: Streams whose handler is running right now, and the most at once.
        self.open_streams = 0
        self.peak_open_streams = 0
        #: Streams whose every step was written.
        self.finished_streams = 0
        #: Steps of Frames written so far, over all streams.
        self.steps_written = 0

    def listing(self, operation: str, listing: Listing) -> None:
        self.listings[operation] = listing

    def script(self, operation: str, *answers: Answer) -> None:
        """Answers to successive calls of ``operation``; the last one repeats."""
        self.scripts[operation] = deque(answers)

    def calls(self, operation: str) -> list[Seen]:
        return [s for s in self.seen if s.operation == operation]

    @contextlib.asynccontextmanager
    async def serve(self) -> AsyncIterator[str]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # A client that hangs up cancels its handler, so held streams end.
        runner = web.AppRunner(
            app, handler_cancellation=True, shutdown_timeout=SHUTDOWN_TIMEOUT, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        try:
            yield f"http://{host}:{port}"
        finally:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path, _, query_text = request.raw_path.partition("?")
        query = MultiDictProxy(MultiDict(parse_qsl(query_text, keep_blank_values=True)))
        for route in ROUTES:
            match = route.pattern.fullmatch(path)
            if (
                match is None
                or route.method != request.method
                or any(query.get(k) != v for k, v in route.static_query)
            ):
                continue
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            body = await request.read()
            self.seen.append(Seen(route.operation, request.method, path, params, query, body))
            if route.result_key is not None:
                return self._page(route, query)
            return await self._scripted(route.operation, request)
        return _json(
            error(404, "UnknownOperationException", f"no route for {request.method} {path}")
        )

    def _page(self, route: Route, query: MultiDictProxy[str]) -> web.Response:
        listing = self.listings.get(route.operation)
        if listing is None:
            return _json(error(400, "FakeNotConfigured", f"no listing for {route.operation}"))
        if len(self.calls(route.operation)) > MAX_LIST_REQUESTS:
            return _json(error(400, "FakeLoopGuard", f"{route.operation} paged too often"))
        marker = query.get("Marker")
        start = 0 if marker is None else offset_of(marker)
        if start is None and marker in listing.stuck:
            start = 0
        if start is None:
            return _json(error(400, "InvalidParameterValueException", f"bad Marker {marker!r}"))
        raw_size = query.get("MaxItems")
        size = listing.page_size if raw_size is None else int(raw_size)
        end = start + size
        chunk = listing.items[start:end]
        assert route.result_key is not None
        body: dict[str, Any] = {
            route.result_key: [
                item if route.item_key is None else {route.item_key: item} for item in chunk
            ]
        }
        if listing.stuck:
            turn = len(self.calls(route.operation)) - 1
            body["NextMarker"] = listing.stuck[min(turn, len(listing.stuck) - 1)]
        elif end < len(listing.items):
            body["NextMarker"] = marker_for(end)
        elif listing.end == "empty":
            body["NextMarker"] = ""
        elif listing.end == "null":
            body["NextMarker"] = None
        return _json(Reply(200, body))

    async def _scripted(self, operation: str, request: web.Request) -> web.StreamResponse:
        script = self.scripts.get(operation)
        if not script:
            return _json(error(400, "FakeNotConfigured", f"no script for {operation}"))
        answer = script.popleft() if len(script) > 1 else script[0]
        if isinstance(answer, Reply):
            return _json(answer)
        return await self._stream(answer, request)

    async def _stream(self, frames: Frames, request: web.Request) -> web.StreamResponse:
        self.open_streams += 1
        self.peak_open_streams = max(self.peak_open_streams, self.open_streams)
        try:
            response = web.StreamResponse(status=frames.status, headers=frames.headers)
            response.enable_chunked_encoding()
            await response.prepare(request)
            for step in frames.steps:
                if isinstance(step, asyncio.Event):
                    try:
                        async with asyncio.timeout(GATE_TIMEOUT):
                            await step.wait()
                    except TimeoutError:
                        step = CUT
                if isinstance(step, Cut):
                    assert request.transport is not None
                    request.transport.abort()
                    return response
                if isinstance(step, bytes):
                    await response.write(step)
                self.steps_written += 1
            await response.write_eof()
            self.finished_streams += 1
            return response
        finally:
            self.open_streams -= 1


def _json(reply: Reply) -> web.Response:
    return web.Response(
        status=reply.status,
        body=json.dumps(reply.body).encode(),
        headers={"Content-Type": "application/json", **reply.headers},
    )


def client_for(
    endpoint_url: str,
    *,
    sleep: Sleep | None = None,
    clock: Clock | None = None,
    **config: Any,
) -> LambdaClient:
    """A real client (real transport) pointed at the fake."""
    return LambdaClient(
        region="us-east-1",
        endpoint_url=endpoint_url,
        credentials=Credentials(access_key_id="AKIDFAKE", secret_access_key="fake-secret"),
        config=ClientConfig(**{"connect_timeout": 2.0, "pool_timeout": 5.0, **config}),
        sleep=sleep,
        clock=clock,
    )
