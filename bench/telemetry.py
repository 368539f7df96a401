"""What logs and telemetry add to a call's CPU, measured where it runs.

    python -m bench.telemetry [--op get_function] [--blocks 10] [--main-tree DIR]

Starts the canned server, then runs groups of client variants, each group in
one fresh process, alternating short blocks of calls between its variants
the way ``bench.layers`` does (32 in flight), and reports each variant's
median CPU per call and its difference to ``off`` in the same process:

- ``off``: ``ClientConfig(telemetry=False)``, DEBUG off: the hooks skipped;
- ``noop``: telemetry on, OpenTelemetry imported but no SDK installed (the
  global providers are no-op proxies), as in an application whose
  dependencies pull in ``opentelemetry-api`` without configuring it;
- ``sdk``: the OpenTelemetry SDK installed, every span recorded and exported
  to an in-memory exporter (``SimpleSpanProcessor``, synchronous), metrics
  aggregated by an in-memory reader;
- ``logs``: telemetry off, DEBUG on for ``lambda_client`` with a handler that
  formats every record and drops it.

A global tracer provider can be installed once per process, so ``sdk`` runs
in a group of its own. With ``--main-tree DIR`` (a checkout or
``git archive`` of another revision), ``off`` is also run alternately in
processes importing that tree's ``lambda_client`` and this one's, to compare
the hooks' absence with their skipped presence; each process reports its
median, and the medians of the processes are compared. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import statistics
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from . import fixtures
from .layers import _block
from .worker import settle_allocator

BENCH = Path(__file__).resolve().parent
GROUPS = (("off", "noop", "logs"), ("off", "sdk"))


class _Discard(logging.Handler):
    """Formats each record, as a real handler would, and keeps nothing."""

    def emit(self, record: logging.LogRecord) -> None:
        self.format(record)


def _install_sdk() -> Callable[[], None]:
    from opentelemetry import metrics, trace
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    metrics.set_meter_provider(MeterProvider(metric_readers=[InMemoryMetricReader()]))
    return exporter.clear


async def _clients(
    url: str, op: str, pool: int, variants: tuple[str, ...]
) -> tuple[dict[str, Callable[[], Awaitable[Any]]], list[Any], Callable[[], None]]:
    import attrs

    from lambda_client import ClientConfig, Credentials, LambdaClient

    has_switch = "telemetry" in {f.name for f in attrs.fields(ClientConfig)}
    between_blocks: Callable[[], None] = lambda: None  # noqa: E731
    if "noop" in variants or "sdk" in variants:
        import opentelemetry.metrics
        import opentelemetry.trace  # noqa: F401
    if "sdk" in variants:
        between_blocks = _install_sdk()
    calls: dict[str, Callable[[], Awaitable[Any]]] = {}
    clients = []
    payload = fixtures.invoke_payload()
    for variant in variants:
        telemetry = variant in ("noop", "sdk")
        config = (
            ClientConfig(max_pool_connections=pool, telemetry=telemetry)
            if has_switch
            else ClientConfig(max_pool_connections=pool)
        )
        client = LambdaClient(
            region=fixtures.REGION,
            endpoint_url=url,
            credentials=Credentials(
                access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
            ),
            config=config,
        )
        clients.append(client)

        async def call(client: LambdaClient = client) -> Any:
            if op == "invoke":
                out = await client.invoke(function_name=fixtures.FUNCTION_NAME, payload=payload)
                return out.payload
            return (await client.get_function(function_name=fixtures.FUNCTION_NAME)).configuration

        calls[variant] = call
    return calls, clients, between_blocks


def _debug_logs(on: bool, handler: logging.Handler) -> None:
    """DEBUG on for the library, into ``handler``, while one block runs."""
    library = logging.getLogger("lambda_client")
    if on:
        library.setLevel(logging.DEBUG)
        library.addHandler(handler)
    else:
        library.removeHandler(handler)
        library.setLevel(logging.NOTSET)


async def measure(
    url: str, op: str, concurrency: int, blocks: int, variants: tuple[str, ...]
) -> dict[str, Any]:
    import lambda_client

    calls, clients, between_blocks = await _clients(url, op, concurrency, variants)
    handler = _Discard()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    samples: dict[str, list[float]] = {name: [] for name in calls}
    try:
        names = list(calls)
        for block in range(blocks + 2):
            for name in names if block % 2 == 0 else reversed(names):
                if name == "logs":
                    _debug_logs(True, handler)
                cost = await _block(calls[name], concurrency, 0.1, 0.3)
                if name == "logs":
                    _debug_logs(False, handler)
                between_blocks()
                if block >= 2:
                    samples[name].append(cost)
    finally:
        for client in clients:
            await client.close()
    medians = {name: statistics.median(values) for name, values in samples.items()}
    return {
        "op": op,
        "lambda_client": str(Path(lambda_client.__file__).parent),
        "us_per_call": medians,
        "added_us": {name: value - medians["off"] for name, value in medians.items()},
        "samples": samples,
    }


def _child(cwd: Path, url: str, op: str, blocks: int, variants: tuple[str, ...]) -> Any:
    from .run import child_env, pinned

    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench.telemetry", "--child", f"--url={url}"),
            *(f"--op={op}", f"--blocks={blocks}", f"--variants={','.join(variants)}"),
        ],
        cwd=cwd,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        preexec_fn=pinned("client"),
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout)


def run(op: str, blocks: int, main_tree: Path | None, rounds: int) -> dict[str, Any]:
    from .run import ROOT, canned_server, child_env

    out: dict[str, Any] = {"op": op, "groups": [], "versions": None}
    with canned_server(child_env(), 3600) as (url, _pid):
        for group in GROUPS:
            out["groups"].append(_child(ROOT, url, op, blocks, group))
        if main_tree is not None:
            # The other tree gets this module (it may predate it); its own
            # lambda_client is the one imported from its working directory.
            shutil.copy(BENCH / "telemetry.py", main_tree / "bench" / "telemetry.py")
            trees = {"this": ROOT, "other": main_tree}
            medians: dict[str, list[float]] = {name: [] for name in trees}
            imported: dict[str, str] = {}
            for turn in range(rounds):
                order = list(trees) if turn % 2 == 0 else list(reversed(trees))
                for name in order:
                    result = _child(trees[name], url, op, blocks, ("off",))
                    medians[name].append(result["us_per_call"]["off"])
                    imported[name] = result["lambda_client"]
            out["versions"] = {
                "imported": imported,
                "us_per_call": medians,
                "median_us": {name: statistics.median(v) for name, v in medians.items()},
            }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--op", choices=("get_function", "invoke"), default="get_function")
    parser.add_argument("--blocks", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--main-tree", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--variants", default="off", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        settle_allocator()
        variants = tuple(args.variants.split(","))
        result = asyncio.run(measure(args.url, args.op, args.concurrency, args.blocks, variants))
    else:
        result = run(args.op, args.blocks, args.main_tree, args.rounds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
