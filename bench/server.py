"""A canned Lambda endpoint for the benchmarks, run in its own process.

    python -m bench.server [--port 0] [--max-seconds 1800]

Binds 127.0.0.1 only, prints ``PORT <n>`` once it listens, and exits on
SIGTERM/SIGINT or after ``--max-seconds`` at the latest. It answers:

- ``GET  /2015-03-31/functions/<name>``: a ~1.5 KB GetFunction configuration;
- ``POST /2015-03-31/functions/<name>/invocations``: the request body (up to
  Lambda's 6 MB) echoed back with Invoke's headers;
- ``GET  /__bench/stats``: this process's CPU seconds and request count, so
  the runner can tell when the server rather than the client was the limit.

It uses aiohttp's low-level server (no router, no middleware) with the answers
prepared once, to keep the server's own cost per request small. It does not
check signatures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import time

from aiohttp import web

from . import fixtures

_JSON_HEADERS = {"Content-Type": "application/json", "x-amzn-RequestId": fixtures.REQUEST_ID}
_INVOKE_HEADERS = {
    "Content-Type": "application/json",
    "x-amzn-RequestId": fixtures.REQUEST_ID,
    "X-Amz-Executed-Version": "$LATEST",
}
_NOT_FOUND = json.dumps(
    {"Type": "User", "message": "Function not found"}, separators=(",", ":")
).encode()


class _Handler:
    def __init__(self) -> None:
        self.requests = 0
        self.get_function = fixtures.get_function_body()

    async def __call__(self, request: web.BaseRequest) -> web.StreamResponse:
        self.requests += 1
        path = request.path
        if request.method == "POST" and path.endswith("/invocations"):
            # Read from the stream: request.read() refuses bodies over 1 MiB,
            # and the 6 MB Invoke is Lambda's own limit.
            body = await request.content.read()
            return web.Response(status=200, body=body, headers=_INVOKE_HEADERS)
        if request.method == "GET" and path.startswith("/2015-03-31/functions/"):
            return web.Response(status=200, body=self.get_function, headers=_JSON_HEADERS)
        if path == "/__bench/stats":
            stats = {"cpu": time.process_time(), "requests": self.requests}
            return web.json_response(stats)
        return web.Response(
            status=404,
            body=_NOT_FOUND,
            headers={**_JSON_HEADERS, "x-amzn-ErrorType": "ResourceNotFoundException"},
        )


async def serve(port: int, max_seconds: float) -> None:
    handler = _Handler()
    server = web.Server(handler, access_log=None)
    runner = web.ServerRunner(server, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    bound = runner.addresses[0][1]
    print(f"PORT {bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max_seconds):
            await stop.wait()
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--max-seconds", type=float, default=1800.0, help="exit after this long in any case"
    )
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.max_seconds))


if __name__ == "__main__":
    main()
