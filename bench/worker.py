"""One client, one operation, one process: the unit every per-call number comes from.

    python -m bench.worker --client lambda_client --op get_function \\
        --concurrency 32 --duration 2 --warmup 0.5 --url http://127.0.0.1:PORT

Prints one JSON object on stdout. Modes:

- ``load`` (default): warm up, then run ``--concurrency`` tasks that call the
  operation until ``--duration`` seconds have passed (capped at
  ``--max-calls``); report calls, wall seconds, process CPU seconds and, when
  one call is in flight, each call's latency.
- ``soak``: run exactly ``--calls`` calls (or stop at ``--max-seconds``) and
  sample the resident set size every ``--calls // 10`` calls.
- ``profile``: like ``load`` but under cProfile; the stats go to ``--out``.
- ``stalls``: ``--calls`` sequential calls, each with the longest event-loop
  step it caused (``bench/stalls.py``).
- ``count``: ``--warmup-calls`` calls, then exactly ``--calls`` calls at
  ``--concurrency``, with no clock in the loop: the unit that
  ``bench/instructions.py`` runs under valgrind twice with different
  ``--calls`` and subtracts.

Besides the clients compared, ``lambda_client_own`` is lambda_client with
its transport replaced by one that answers at once with the canned
server's answer and its signer by one that does nothing: counted by
``bench/instructions.py``, the client's own work in a call.

Client libraries are imported inside the adapters, so that a worker for the
smithy SDK (Python 3.12 venv) never touches lambda_client and vice versa.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import fixtures

Call = Callable[[], Awaitable[Any]]
Close = Callable[[], Awaitable[None]]

LAYER_CLIENTS = tuple(f"layer{index}" for index in range(7))
CLIENTS = (
    "floor",
    "floor_sigv4",
    "lambda_client",
    "lambda_client_own",
    "aiobotocore",
    "smithy",
    *LAYER_CLIENTS,
)
OPS = fixtures.OPERATIONS


def rss_bytes() -> int:
    """Current resident set size of this process (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def settle_allocator() -> None:
    """Every client starts from the same allocator state. Until a process has
    freed one large block, glibc maps and unmaps asyncio's 256 KiB socket read
    buffer on every read, 10-15% of a call here; whether a process had done so
    by chance made the same client differ that much between runs.
    lambda_client does this itself (lambda_client/_runtime/allocator.py);
    doing it for all measures the clients' code, not the allocator's luck.
    The same 8 MiB block as lambda_client frees, so that 6 MB payloads are
    compared on the same heap settings too. (Kept here rather than imported:
    the smithy worker never loads lambda_client.)"""
    block = bytes(8 << 20)
    del block


def bare_session(pool: int) -> Any:
    """An aiohttp session that adds no headers of its own and drops none per
    request (aiohttp's skip_auto_headers costs about 4 µs a call): the
    cheapest way found to send a signed request through aiohttp."""
    import aiohttp

    class BareRequest(aiohttp.ClientRequest):
        DEFAULT_HEADERS = {}  # noqa: RUF012

    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=pool), request_class=BareRequest
    )


# -- adapters: build a client, return (call, close) -----------------------------


async def _floor(url: str, op: str, pool: int) -> tuple[Call, Close]:
    import aiohttp

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool))
    get_url = url + fixtures.GET_FUNCTION_PATH
    invoke_url = url + fixtures.INVOKE_PATH
    payload = fixtures.payload_for(op)
    loads = json.loads

    async def get_function() -> Any:
        async with session.get(get_url) as response:
            return loads(await response.read())

    async def invoke() -> Any:
        async with session.post(invoke_url, data=payload) as response:
            return await response.read()

    return (get_function if op == "get_function" else invoke), session.close


async def _floor_sigv4(url: str, op: str, pool: int) -> tuple[Call, Close]:
    """The floor plus what the service requires of every client: a SigV4
    signature (x-amz-date, authorization; for Invoke, the payload's SHA-256)
    made with this project's signer, the cheapest one measured. Nothing an
    SDK adds: no validation, objects, retries or SDK headers."""

    from lambda_client import Credentials
    from lambda_client._runtime.http import HttpRequest
    from lambda_client._runtime.signer import SigV4Signer

    session = bare_session(pool)
    signer = SigV4Signer(service="lambda", region=fixtures.REGION)
    credentials = Credentials(
        access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
    )
    scheme, _, host = url.partition("://")
    payload = fixtures.payload_for(op)
    loads = json.loads

    def signed(method: str, path: str, body: bytes) -> dict[str, str]:
        request = HttpRequest(method=method, scheme=scheme, host=host, path=path, body=body)
        signer.sign(request, credentials)
        return request.headers

    async def get_function() -> Any:
        path = fixtures.GET_FUNCTION_PATH
        async with session.get(url + path, headers=signed("GET", path, b"")) as response:
            return loads(await response.read())

    async def invoke() -> Any:
        path = fixtures.INVOKE_PATH
        headers = signed("POST", path, payload)
        async with session.post(url + path, data=payload, headers=headers) as response:
            return await response.read()

    return (get_function if op == "get_function" else invoke), session.close


def _client_calls(client: Any, op: str) -> Call:
    """``op`` as lambda_client's worker calls it."""
    name = fixtures.FUNCTION_NAME
    payload = fixtures.payload_for(op)

    async def get_function() -> Any:
        out = await client.get_function(function_name=name)
        return out.configuration.function_name

    async def invoke() -> Any:
        out = await client.invoke(function_name=name, payload=payload)
        return out.payload

    return get_function if op == "get_function" else invoke


def _client(url: str, pool: int, transport: Any = None) -> Any:
    """The LambdaClient every lambda_client worker measures."""
    from lambda_client import ClientConfig, Credentials, LambdaClient

    return LambdaClient(
        region=fixtures.REGION,
        endpoint_url=url,
        credentials=Credentials(
            access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
        ),
        config=ClientConfig(max_pool_connections=pool),
        transport=transport,
    )


async def _lambda_client(url: str, op: str, pool: int) -> tuple[Call, Close]:
    client = _client(url, pool)
    return _client_calls(client, op), client.close


async def _lambda_client_own(url: str, op: str, pool: int) -> tuple[Call, Close]:
    """lambda_client with the network replaced by a canned answer (the
    canned server's headers and body) and signing by nothing: what is left
    is the client's own work in a call, for ``bench/instructions.py``."""
    from multidict import CIMultiDict, CIMultiDictProxy

    from lambda_client._runtime.http import HttpRequest, HttpResponse, response_of

    def headers(content_type: str, length: int, **more: str) -> Any:
        return CIMultiDictProxy(
            CIMultiDict(
                {
                    "Content-Type": content_type,
                    "x-amzn-RequestId": fixtures.REQUEST_ID,
                    "Content-Length": str(length),
                    "Date": "Mon, 07 Dec 2026 03:00:00 GMT",
                    "Server": "Python/3.11 aiohttp/3",
                    **more,
                }
            )
        )

    answer = fixtures.get_function_body()
    answer_headers = headers("application/json", len(answer))

    class CannedTransport:
        async def send(
            self, request: HttpRequest, *, read_timeout: float, stream: bool = False
        ) -> HttpResponse:
            if request.method == "POST":
                # Invoke: the payload echoed, as the canned server does.
                return response_of(
                    200,
                    headers(
                        "application/json",
                        len(request.body),
                        **{"X-Amz-Executed-Version": "$LATEST"},
                    ),
                    request.body,
                )
            return response_of(200, answer_headers, answer)

        async def close(self) -> None:
            return None

    class Unsigned:
        region = fixtures.REGION

        def sign(self, *args: Any, **kwargs: Any) -> None:
            return None

    client = _client(url, pool, CannedTransport())
    client._pipeline.signer = Unsigned()
    return _client_calls(client, op), client.close


async def _aiobotocore(url: str, op: str, pool: int) -> tuple[Call, Close]:
    from aiobotocore.config import AioConfig
    from aiobotocore.session import get_session

    session = get_session()
    context = session.create_client(
        "lambda",
        region_name=fixtures.REGION,
        endpoint_url=url,
        aws_access_key_id=fixtures.ACCESS_KEY_ID,
        aws_secret_access_key=fixtures.SECRET_ACCESS_KEY,
        config=AioConfig(max_pool_connections=pool),
    )
    client = await context.__aenter__()
    name = fixtures.FUNCTION_NAME
    payload = fixtures.payload_for(op)

    async def get_function() -> Any:
        out = await client.get_function(FunctionName=name)
        return out["Configuration"]["FunctionName"]

    async def invoke() -> Any:
        out = await client.invoke(FunctionName=name, Payload=payload)
        return await out["Payload"].read()

    async def close() -> None:
        await context.__aexit__(None, None, None)

    return (get_function if op == "get_function" else invoke), close


async def _smithy(url: str, op: str, pool: int) -> tuple[Call, Close]:
    import aiohttp
    from aws_sdk_lambda.client import AsyncLambdaClient
    from aws_sdk_lambda.config import AsyncLambdaConfig
    from aws_sdk_lambda.models import GetFunctionInput, InvokeInput
    from smithy_http.aio.aiohttp import AIOHTTPClient

    # The SDK's own session settings, with the pool sized like the others'.
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=pool),
        auto_decompress=False,
        headers={"Accept-Encoding": "identity"},
    )
    config = await AsyncLambdaConfig.resolve(
        region=fixtures.REGION,
        endpoint_uri=url,
        aws_access_key_id=fixtures.ACCESS_KEY_ID,
        aws_secret_access_key=fixtures.SECRET_ACCESS_KEY,
        transport=AIOHTTPClient(_session=session),
    )
    client = AsyncLambdaClient(config=config)
    name = fixtures.FUNCTION_NAME
    payload = fixtures.payload_for(op)

    async def get_function() -> Any:
        out = await client.get_function(GetFunctionInput(function_name=name))
        return out.configuration.function_name  # type: ignore[union-attr]

    async def invoke() -> Any:
        out = await client.invoke(InvokeInput(function_name=name, payload=payload))
        return out.payload

    async def close() -> None:
        await session.close()

    return (get_function if op == "get_function" else invoke), close


def _layer(index: int) -> Callable[[str, str, int], Awaitable[tuple[Call, Close]]]:
    """One of ``bench/layers.py``'s layers as a client of its own, so that
    ``bench/instructions.py`` can count where the instructions go."""

    async def adapter(url: str, op: str, pool: int) -> tuple[Call, Close]:
        from . import layers

        calls, close = await layers.build(url, op, pool)
        return calls[layers.LAYERS[index]], close

    return adapter


ADAPTERS: dict[str, Callable[[str, str, int], Awaitable[tuple[Call, Close]]]] = {
    "floor": _floor,
    "floor_sigv4": _floor_sigv4,
    "lambda_client": _lambda_client,
    "lambda_client_own": _lambda_client_own,
    "aiobotocore": _aiobotocore,
    "smithy": _smithy,
    **{f"layer{index}": _layer(index) for index in range(7)},
}


# -- drivers ---------------------------------------------------------------------


async def _run_for(call: Call, concurrency: int, seconds: float, max_calls: int) -> dict[str, Any]:
    """``concurrency`` tasks call until the deadline; every call started is finished."""
    latencies: list[float] = []
    done = 0
    perf = time.perf_counter
    deadline = perf() + seconds

    async def sequential() -> None:
        nonlocal done
        while done < max_calls and perf() < deadline:
            start = perf()
            await call()
            latencies.append(perf() - start)
            done += 1

    async def loop() -> None:
        nonlocal done
        while done < max_calls and perf() < deadline:
            done += 1
            await call()

    cpu0 = time.process_time()
    wall0 = perf()
    if concurrency == 1:
        await sequential()
    else:
        await asyncio.gather(*(loop() for _ in range(concurrency)))
    wall = perf() - wall0
    cpu = time.process_time() - cpu0
    out: dict[str, Any] = {"calls": done, "wall": wall, "cpu": cpu}
    if latencies:
        latencies.sort()
        out["latency_median"] = statistics.median(latencies)
        out["latency_p99"] = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return out


async def _load(args: argparse.Namespace) -> dict[str, Any]:
    call, close = await ADAPTERS[args.client](args.url, args.op, args.concurrency)
    try:
        first = time.perf_counter()
        await call()
        first_call = time.perf_counter() - first
        await _run_for(call, args.concurrency, args.warmup, args.max_calls)
        gc.collect()
        if args.mode == "profile":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
            result = await _run_for(call, args.concurrency, args.duration, args.max_calls)
            profiler.disable()
            profiler.dump_stats(args.out)
        else:
            result = await _run_for(call, args.concurrency, args.duration, args.max_calls)
        # With everything the calls needed loaded: the memory of a client in use.
        result["rss_after"] = rss_bytes()
    finally:
        await close()
    result["first_call"] = first_call
    return result


async def _stalls(args: argparse.Namespace) -> dict[str, Any]:
    from . import stalls

    call, close = await ADAPTERS[args.client](args.url, args.op, 1)
    try:
        return await stalls.measure(call, args.calls)
    finally:
        await close()


async def _count(args: argparse.Namespace) -> dict[str, Any]:
    call, close = await ADAPTERS[args.client](args.url, args.op, args.concurrency)
    try:
        await _exactly(call, args.concurrency, args.warmup_calls)
        gc.collect()
        await _exactly(call, args.concurrency, args.calls)
    finally:
        await close()
    return {"calls": args.calls}


async def _exactly(call: Call, concurrency: int, calls: int) -> None:
    """``calls`` calls from ``concurrency`` tasks, without reading a clock
    (a clock read per call would be counted as the client's)."""
    left = calls

    async def loop() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            await call()

    await asyncio.gather(*(loop() for _ in range(concurrency)))


async def _soak(args: argparse.Namespace) -> dict[str, Any]:
    call, close = await ADAPTERS[args.client](args.url, args.op, args.concurrency)
    samples: list[tuple[int, int]] = []
    try:
        # Warm-up: lazily built state (models, converters, pooled connections).
        await _run_for(call, args.concurrency, 60.0, max(1000, args.concurrency * 10))
        gc.collect()
        step = max(1, args.calls // 10)
        samples.append((0, rss_bytes()))
        done = 0
        started = time.perf_counter()
        deadline = started + args.max_seconds
        while done < args.calls and time.perf_counter() < deadline:
            batch = min(step, args.calls - done)
            result = await _run_for(call, args.concurrency, args.max_seconds, batch)
            done += result["calls"]
            samples.append((done, rss_bytes()))
        wall = time.perf_counter() - started
    finally:
        await close()
    return {"calls": done, "wall": wall, "samples": samples}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="one benchmark worker")
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--op", choices=OPS, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument(
        "--mode", choices=("load", "soak", "profile", "stalls", "count"), default="load"
    )
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--warmup", type=float, default=0.5)
    parser.add_argument("--max-calls", type=int, default=1_000_000)
    parser.add_argument(
        "--calls", type=int, default=100_000, help="soak, stalls, count: calls to make"
    )
    parser.add_argument("--warmup-calls", type=int, default=500, help="count: calls first")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="soak: time bound")
    parser.add_argument("--out", help="profile: where to write the cProfile stats")
    args = parser.parse_args(argv)
    settle_allocator()
    runner = {"soak": _soak, "stalls": _stalls, "count": _count}.get(args.mode, _load)
    result = asyncio.run(runner(args))
    result.update(
        client=args.client,
        op=args.op,
        concurrency=args.concurrency,
        python=".".join(map(str, sys.version_info[:3])),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
