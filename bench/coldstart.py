"""Cold start: a fresh process that imports a client library, builds a
client and gets its first GetFunction answer from the canned endpoint.

This is what a Lambda function that calls Lambda pays on every cold start
(and a durable function checkpointing on its first invocation). Each sample
is a fresh interpreter running a small program with ``python -c``; it times
itself from its first line to the parsed answer (wall and CPU), then reports
its resident set size. The variants are alternated round-robin, and every
one runs once first, unmeasured, so that bytecode caches exist and the files
are in the page cache.

Variants: raw aiohttp (session, GET, ``json.loads``: the floor), lambda_client
(async, and its blocking client), boto3 and aiobotocore.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from . import fixtures
from .startup import PRELUDE, run_program

# Each program sets _t (seconds to the answer), _c (CPU seconds to the
# answer) and _i (seconds to import the library) before this runs.
_REPORT = """
import os, json
with open("/proc/self/statm") as _f:
    _rss = int(_f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
print(json.dumps({"seconds": _t, "cpu": _c, "import": _i, "rss": _rss}))
"""

_ARGS = {
    "key": fixtures.ACCESS_KEY_ID,
    "secret": fixtures.SECRET_ACCESS_KEY,
    "region": fixtures.REGION,
    "name": fixtures.FUNCTION_NAME,
    "path": fixtures.GET_FUNCTION_PATH,
}

SNIPPETS: dict[str, str] = {
    "aiohttp": """
import asyncio, json
import aiohttp
_i = time.perf_counter() - _t0

async def _first():
    async with aiohttp.ClientSession() as session:
        async with session.get({url!r} + {path!r}) as response:
            answer = json.loads(await response.read())
        t, c = time.perf_counter() - _t0, time.process_time() - _c0
        assert answer["Configuration"]["FunctionName"] == {name!r}
        return t, c

_t, _c = asyncio.run(_first())
""",
    "lambda_client": """
import asyncio
import lambda_client
_i = time.perf_counter() - _t0

async def _first():
    async with lambda_client.LambdaClient(
        region={region!r}, endpoint_url={url!r},
        credentials=lambda_client.Credentials(access_key_id={key!r}, secret_access_key={secret!r}),
    ) as client:
        answer = await client.get_function(function_name={name!r})
        t, c = time.perf_counter() - _t0, time.process_time() - _c0
        assert answer.configuration.function_name == {name!r}
        return t, c

_t, _c = asyncio.run(_first())
""",
    "lambda_client blocking": """
import lambda_client
_i = time.perf_counter() - _t0
with lambda_client.BlockingLambdaClient(
    region={region!r}, endpoint_url={url!r},
    credentials=lambda_client.Credentials(access_key_id={key!r}, secret_access_key={secret!r}),
) as client:
    answer = client.get_function(function_name={name!r})
    _t, _c = time.perf_counter() - _t0, time.process_time() - _c0
    assert answer.configuration.function_name == {name!r}
""",
    "boto3": """
import boto3
_i = time.perf_counter() - _t0
client = boto3.client(
    "lambda", region_name={region!r}, endpoint_url={url!r},
    aws_access_key_id={key!r}, aws_secret_access_key={secret!r},
)
answer = client.get_function(FunctionName={name!r})
_t, _c = time.perf_counter() - _t0, time.process_time() - _c0
assert answer["Configuration"]["FunctionName"] == {name!r}
""",
    "aiobotocore": """
import asyncio
from aiobotocore.session import get_session
_i = time.perf_counter() - _t0

async def _first():
    async with get_session().create_client(
        "lambda", region_name={region!r}, endpoint_url={url!r},
        aws_access_key_id={key!r}, aws_secret_access_key={secret!r},
    ) as client:
        answer = await client.get_function(FunctionName={name!r})
        t, c = time.perf_counter() - _t0, time.process_time() - _c0
        assert answer["Configuration"]["FunctionName"] == {name!r}
        return t, c

_t, _c = asyncio.run(_first())
""",
}

#: The baseline every ratio is taken against.
FLOOR = "aiohttp"


def program(variant: str, url: str) -> str:
    return PRELUDE + SNIPPETS[variant].format(url=url, **_ARGS) + _REPORT


def run_once(python: str, variant: str, url: str, env: dict[str, str], cwd: str) -> dict[str, Any]:
    started = time.perf_counter()
    result = run_program(python, program(variant, url), env, cwd, f"cold-start probe {variant}")
    # Interpreter start-up and exit included: what the parent waited for.
    result["process_seconds"] = time.perf_counter() - started
    return result


def measure(
    pythons: Mapping[str, str], url: str, rounds: int, env: dict[str, str], cwd: str
) -> dict[str, Any]:
    """Samples per variant, alternated round-robin with a rotating start.

    `pythons` names each variant's interpreter: aiobotocore runs from its
    own environment (`bench/setup_aiobotocore.sh`), the rest from the project's.
    """
    variants = list(SNIPPETS)
    for variant in variants:
        run_once(pythons[variant], variant, url, env, cwd)  # bytecode and page cache
    samples: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    for r in range(rounds):
        shift = r % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            samples[variant].append(run_once(pythons[variant], variant, url, env, cwd))
    return {"rounds": rounds, "samples": samples}
