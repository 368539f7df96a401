"""Where lambda_client's per-call CPU goes, layer by layer, in one process.

    python -m bench.layers --url http://127.0.0.1:PORT [--op get_function] [--concurrency 32]

Each layer is the one before it plus one part of the client: raw aiohttp
(the floor), aiohttp sending the SDK's headers, the transport, signing,
building the request, reading the answer into objects, and the whole
client call. All layers run in the same process against the same server,
in short blocks alternating in order, so the differences between them are
not buried in the noise that separates two processes (on this machine two
runs of one client in two processes differ by 5-10%). The median CPU per
call over the blocks is reported for each layer.

A part costs several times more here than in a tight loop of its own
(``timeit``): in the event loop its code and data are cold again by the
next call. These in-loop figures are the ones that add up to the client's
cost per call. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import fixtures
from .worker import bare_session, settle_allocator

Call = Callable[[], Awaitable[Any]]

# The headers the SDK sends, with values of the right length, for the layers
# below signing (the signature itself is made by the layers above).
_SDK_HEADERS = {
    "user-agent": "lambda-client/0.1.0 lang/python#3.11.7 os/linux",
    "amz-sdk-invocation-id": "0b7a6f0e-3c1d-4f2a-9e8b-7d6c5b4a3928",
    "amz-sdk-request": "attempt=1; max=3",
    "x-amz-date": "20260314T092653Z",
    "authorization": (
        "AWS4-HMAC-SHA256 Credential=AKIDBENCHMARKEXAMPLE/20260314/us-east-1/lambda/"
        "aws4_request, SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;host;x-amz-date, "
        "Signature=" + "0" * 64
    ),
}

LAYERS = (
    "floor",
    "aiohttp with the SDK's headers",
    "+ transport",
    "+ signing",
    "+ building the request",
    "+ reading into objects",
    "client call",
)


async def build(
    url: str, op: str, pool: int
) -> tuple[dict[str, Call], Callable[[], Awaitable[None]]]:
    import aiohttp

    from lambda_client import ClientConfig, Credentials, LambdaClient
    from lambda_client._generated import models, operations
    from lambda_client._runtime.http import HttpRequest
    from lambda_client._runtime.jsonload import loads
    from lambda_client._runtime.response_binding import parse_output
    from lambda_client._runtime.transport import AiohttpTransport

    scheme, _, host = url.partition("://")
    invoke = op == "invoke"
    path = fixtures.INVOKE_PATH if invoke else fixtures.GET_FUNCTION_PATH
    method = "POST" if invoke else "GET"
    payload = fixtures.invoke_payload() if invoke else b""
    name = fixtures.FUNCTION_NAME

    def read(body: bytes) -> Any:
        return body if invoke else loads(body)

    floor_session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool))

    async def floor() -> Any:
        async with floor_session.request(method, url + path, data=payload or None) as response:
            body = await response.read()
            return body if invoke else json.loads(body)

    bare = bare_session(pool)

    async def headers_only() -> Any:
        async with bare.request(
            method, url + path, headers=dict(_SDK_HEADERS), data=payload or None
        ) as response:
            return read(await response.read())

    config = ClientConfig(max_pool_connections=pool)
    transport = AiohttpTransport(config)

    def request() -> HttpRequest:
        return HttpRequest(
            method=method,
            scheme=scheme,
            host=host,
            path=path,
            headers=dict(_SDK_HEADERS),
            body=payload,
        )

    fixed = request()

    async def transport_only() -> Any:
        return read((await transport.send(fixed, read_timeout=60.0)).body)

    client = LambdaClient(
        region=fixtures.REGION,
        endpoint_url=url,
        credentials=Credentials(
            access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
        ),
        config=config,
    )
    pipeline = client._pipeline
    credentials = pipeline.credentials.ready()
    assert credentials is not None
    spec = operations.INVOKE if invoke else operations.GET_FUNCTION

    async def signed() -> Any:
        http = request()
        pipeline.signer.sign(http, credentials, now=time.time())
        return read((await transport.send(http, read_timeout=60.0)).body)

    def model_request() -> Any:
        if invoke:
            return models.InvocationRequest(function_name=name, payload=payload)
        return models.GetFunctionRequest(function_name=name)

    async def built() -> Any:
        http = pipeline.prepare(spec, model_request())
        http.headers["amz-sdk-request"] = "attempt=1; max=3"
        return read((await pipeline.send_once(spec, http)).body)

    async def parsed() -> Any:
        http = pipeline.prepare(spec, model_request())
        http.headers["amz-sdk-request"] = "attempt=1; max=3"
        return parse_output(
            spec, await pipeline.send_once(spec, http), pipeline.service.error_classes
        )

    async def whole() -> Any:
        if invoke:
            return (await client.invoke(function_name=name, payload=payload)).payload
        return (await client.get_function(function_name=name)).configuration

    async def close() -> None:
        await floor_session.close()
        await bare.close()
        await transport.close()
        await client.close()

    calls: dict[str, Call] = dict(
        zip(
            LAYERS,
            (floor, headers_only, transport_only, signed, built, parsed, whole),
            strict=True,
        )
    )
    return calls, close


async def _block(call: Call, concurrency: int, warmup: float, seconds: float) -> float:
    """CPU µs per call of ``concurrency`` tasks calling for ``seconds`` after ``warmup``."""
    done = 0
    stop = False

    async def loop() -> None:
        nonlocal done
        while not stop:
            await call()
            done += 1

    tasks = [asyncio.create_task(loop()) for _ in range(concurrency)]
    await asyncio.sleep(warmup)
    calls0, cpu0 = done, time.process_time()
    await asyncio.sleep(seconds)
    calls1, cpu1 = done, time.process_time()
    stop = True
    await asyncio.gather(*tasks)
    return (cpu1 - cpu0) / max(1, calls1 - calls0) * 1e6


async def measure(url: str, op: str, concurrency: int, blocks: int) -> dict[str, Any]:
    calls, close = await build(url, op, concurrency)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    try:
        names = list(calls)
        for block in range(blocks + 2):
            for name in names if block % 2 == 0 else reversed(names):
                cost = await _block(calls[name], concurrency, 0.1, 0.3)
                if block >= 2:  # the first two blocks warm everything up
                    samples[name].append(cost)
    finally:
        await close()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    previous = None
    steps: dict[str, float | None] = {}
    for name, value in medians.items():
        steps[name] = None if previous is None else value - previous
        previous = value
    return {
        "op": op,
        "concurrency": concurrency,
        "blocks": blocks,
        "us_per_call": medians,
        "step_us": steps,
        "samples": samples,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--op", choices=("get_function", "invoke"), default="get_function")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=10)
    args = parser.parse_args(argv)
    settle_allocator()
    result = asyncio.run(measure(args.url, args.op, args.concurrency, args.blocks))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
