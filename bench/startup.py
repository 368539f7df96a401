"""Import + client construction time and RSS, each sample in a fresh interpreter.

Each variant is a small program run with ``python -c``; it times its own
imports and client construction with ``perf_counter`` from its first line,
then reports its resident set size with the client alive. Variants are
alternated (round-robin) and every one is run once first, unmeasured, so
that bytecode caches exist and the files are in the page cache.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from . import fixtures

#: The first line of every probe program (here and in coldstart.py): the
#: clock starts before its first import. Each snippet here prints
#: {"seconds", "cpu", "rss"} with its client still alive.
PRELUDE = "import time; _t0 = time.perf_counter(); _c0 = time.process_time()\n"
_REPORT = """
_t = time.perf_counter() - _t0
_c = time.process_time() - _c0
import os, json
with open("/proc/self/statm") as _f:
    _rss = int(_f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
print(json.dumps({"seconds": _t, "cpu": _c, "rss": _rss}))
"""

_CREDS = {
    "key": fixtures.ACCESS_KEY_ID,
    "secret": fixtures.SECRET_ACCESS_KEY,
    "region": fixtures.REGION,
    "url": "http://127.0.0.1:9",
}

SNIPPETS: dict[str, str] = {
    # The interpreter alone: what every other variant pays before its first import.
    "python": "",
    "aiohttp": "import aiohttp\n",
    "lambda_client": """
import lambda_client
client = lambda_client.LambdaClient(
    region={region!r}, endpoint_url={url!r},
    credentials=lambda_client.Credentials(access_key_id={key!r}, secret_access_key={secret!r}),
)
""",
    # create_client is an async context manager: entering it builds the client.
    "aiobotocore": """
import asyncio
from aiobotocore.session import get_session

async def _make():
    context = get_session().create_client(
        "lambda", region_name={region!r}, endpoint_url={url!r},
        aws_access_key_id={key!r}, aws_secret_access_key={secret!r},
    )
    return context, await context.__aenter__()

_loop = asyncio.new_event_loop()
context, client = _loop.run_until_complete(_make())
""",
    # The smithy SDK resolves its config asynchronously; the client itself
    # finishes its set-up on the first call, which is not counted here.
    "smithy": """
import asyncio
from aws_sdk_lambda.client import AsyncLambdaClient
from aws_sdk_lambda.config import AsyncLambdaConfig

async def _make():
    config = await AsyncLambdaConfig.resolve(
        region={region!r}, endpoint_uri={url!r},
        aws_access_key_id={key!r}, aws_secret_access_key={secret!r},
    )
    return AsyncLambdaClient(config=config)

_loop = asyncio.new_event_loop()
client = _loop.run_until_complete(_make())
""",
}


def program(variant: str) -> str:
    return PRELUDE + SNIPPETS[variant].format(**_CREDS) + _REPORT


def run_program(python: str, code: str, env: dict[str, str], cwd: str, what: str) -> dict[str, Any]:
    """Run a probe program in a fresh interpreter; the JSON object it printed last."""
    done = subprocess.run(
        [python, "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_once(python: str, variant: str, env: dict[str, str], cwd: str) -> dict[str, Any]:
    return run_program(python, program(variant), env, cwd, f"start-up probe {variant}")


def measure(
    variants: list[tuple[str, str, str]], repeats: int, env: dict[str, str], cwd: str
) -> dict[str, list[dict[str, Any]]]:
    """``variants`` are (label, python, snippet name); returns samples per label."""
    for _label, python, variant in variants:
        run_once(python, variant, env, cwd)  # bytecode and page cache
    samples: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in variants}
    for r in range(repeats):
        # Rotate the order so no variant always runs right after the same one.
        shift = r % len(variants)
        for label, python, variant in variants[shift:] + variants[:shift]:
            samples[label].append(run_once(python, variant, env, cwd))
    return samples
