"""Soak: many calls, many in flight, against a server that misbehaves.

    python -m bench.soak [--calls 20000] [--concurrency 64] [--seed 1] [--json out.json]

A local server (tests/functional/faults.py's FaultServer, in a child
process, bound to 127.0.0.1) answers each request with a fault drawn at
random: a 5xx, a 429 with Retry-After, a connection reset after the request
was read, an answer slower than the client's read timeout, or an answer cut
off half-way; otherwise a proper one. Half the calls are GetFunction (safe
to resend), half are Invoke, each with a payload naming the call, so the
server can count how many times each call's "function" ran.

It reports calls per second, the outcome of every call by class, the
server's own counts, duplicate Invoke executions (which must be 0: an
Invoke whose request went out is never sent again), and the client
process's file descriptors, asyncio tasks and resident memory before and
after. ``--sleep-scale`` scales the waits between attempts (0 makes them
virtual, for the short run in the test suite).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import random
import signal
import sys
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from attrs import asdict, define, field

from . import fixtures

#: Fault -> share of requests (15% in all).
DEFAULT_FAULTS: Mapping[str, float] = {
    "5xx": 0.04,
    "429": 0.04,
    "reset": 0.025,
    "slow": 0.02,
    "truncated": 0.025,
}
#: Faults after which the function has run: the request was taken in. A 5xx
#: or a 429 is the service saying it did not run it.
RAN = frozenset({"ok", "reset", "slow", "truncated"})
COUNTS_PATH = "/__soak/counts"


# --------------------------------------------------------------------------- server side


@define
class FaultPlan:
    """Picks the fault for each request and counts what the server saw."""

    faults: Mapping[str, float]
    seed: int
    slow_seconds: float
    retry_after: str
    faulted: Counter[str] = field(factory=Counter)
    executions: Counter[str] = field(factory=Counter)
    requests: int = 0
    _random: random.Random = field(init=False)

    def __attrs_post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def pick(self) -> str:
        draw = self._random.random()
        for fault, share in self.faults.items():
            if draw < share:
                return fault
            draw -= share
        return "ok"

    def __call__(self, seen: Any) -> Any:
        from tests.functional.faults import Reply, error

        if seen.path == COUNTS_PATH:
            return Reply(body=json.dumps(self.report()).encode())
        self.requests += 1
        fault = self.pick()
        self.faulted[fault] += 1
        invoke = seen.path.endswith("/invocations")
        if invoke and fault in RAN:
            self.executions[json.loads(seen.body)["id"]] += 1
        body = seen.body if invoke else b'{"Configuration": {"FunctionName": "f"}}'
        if fault == "5xx":
            return error(self._random.choice([500, 502, 503]), "ServiceException", "injected")
        if fault == "429":
            return error(
                429,
                "TooManyRequestsException",
                "Rate exceeded",
                headers={"Retry-After": self.retry_after},
            )
        if fault == "reset":
            return Reply(reset=True)
        if fault == "slow":
            return Reply(delay=self.slow_seconds, body=body)
        if fault == "truncated":
            return Reply(truncate=True, body=body * 4)
        return Reply(body=body)

    def report(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "faulted": dict(self.faulted),
            "invokes_run": sum(self.executions.values()),
            "duplicate_invoke_executions": sum(n - 1 for n in self.executions.values() if n > 1),
        }


async def serve(plan: FaultPlan, max_seconds: float) -> None:
    from tests.functional.faults import FaultServer

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with FaultServer(then=plan, max_requests=10**9, lifetime=max_seconds) as server:
        print(f"URL {server.url}", flush=True)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max_seconds):
                await stop.wait()


# --------------------------------------------------------------------------- client side


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@define
class Report:
    calls: int
    concurrency: int
    seconds: float
    calls_per_second: float
    outcomes: dict[str, int]
    #: Failed calls by why they stopped retrying.
    stopped: dict[str, int]
    client_attempts: int
    server: dict[str, Any]
    fds_before: int
    fds_after: int
    tasks_before: int
    tasks_after: int
    rss_before: int
    rss_after: int
    unaccounted: int

    @property
    def rss_growth(self) -> int:
        return self.rss_after - self.rss_before


async def _calls(
    url: str, label: str, n: int, concurrency: int, args: argparse.Namespace
) -> tuple[Counter[str], Counter[str], int]:
    """``n`` calls, ``concurrency`` at a time: outcome counts, why failed
    calls stopped retrying, and attempts made."""
    from lambda_client import ClientConfig, Credentials, LambdaClient
    from lambda_client.errors import LambdaClientError

    scale = args.sleep_scale

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds * scale)

    client = LambdaClient(
        region="us-east-1",
        endpoint_url=url,
        credentials=Credentials(
            access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
        ),
        config=ClientConfig(
            read_timeout=args.read_timeout,
            max_pool_connections=concurrency,
            connect_timeout=5,
            retry_sent_invokes=args.retry_sent_invokes,
        ),
        sleep=sleep,
    )
    outcomes: Counter[str] = Counter()
    stops: Counter[str] = Counter()
    attempts = 0
    # ``concurrency`` workers share one sequence of call numbers: a task per
    # call, all created up front, would be the biggest thing in memory.
    numbers = iter(range(n))

    async def one(i: int) -> None:
        nonlocal attempts
        invoke = i % 2 == 1
        name = "Invoke" if invoke else "GetFunction"
        try:
            # Bounded: a call that hung would be a finding, not a stall.
            async with asyncio.timeout(args.call_deadline):
                if invoke:
                    out: Any = await client.invoke(
                        function_name="f", payload={"id": f"{label}-{i}"}
                    )
                else:
                    out = await client.get_function(function_name="f")
            attempts += out.response_metadata.attempts
            outcomes[f"{name} ok"] += 1
        except LambdaClientError as e:
            attempts += e.attempts or 1
            outcomes[f"{name} {type(e).__name__}"] += 1
            stops[_stop_kind(e.retry_stop_reason)] += 1
        except TimeoutError:
            outcomes[f"{name} HUNG"] += 1

    async def worker() -> None:
        for i in numbers:
            await one(i)

    async with client:
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return outcomes, stops, attempts


def _stop_kind(reason: str | None) -> str:
    """Why a failed call stopped retrying, in a word."""
    text = reason or ""
    if "may have run" in text:
        return "sent Invoke not resent"
    if "quota" in text:
        return "retry quota exhausted"
    if "attempts used" in text:
        return "attempts used up"
    return text or "not retried"


async def soak(args: argparse.Namespace) -> Report:
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.soak",
        "--serve",
        "--seed",
        str(args.seed),
        "--slow-seconds",
        str(args.slow_seconds),
        "--retry-after",
        args.retry_after,
        "--max-seconds",
        str(args.max_seconds),
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        line = (await asyncio.wait_for(server.stdout.readline(), 30)).decode()
        if not line.startswith("URL "):
            raise RuntimeError(f"the soak server did not start: {line!r}")
        url = line.split()[1]

        # A first batch warms up imports, caches and the allocator, so that
        # what is measured afterwards is what the calls themselves leave.
        await _calls(url, "warm-up", min(200, args.calls), min(16, args.concurrency), args)
        before = await _server_counts(url)
        gc.collect()
        fds_before, tasks_before, rss_before = open_fds(), len(asyncio.all_tasks()), rss_bytes()

        started = time.perf_counter()
        outcomes, stops, attempts = await _calls(url, "soak", args.calls, args.concurrency, args)
        seconds = time.perf_counter() - started

        gc.collect()
        await asyncio.sleep(0)
        fds_after, tasks_after, rss_after = open_fds(), len(asyncio.all_tasks()), rss_bytes()
        counts = _difference(await _server_counts(url), before)
    finally:
        if server.returncode is None:
            server.terminate()
        await server.wait()
    return Report(
        calls=args.calls,
        concurrency=args.concurrency,
        seconds=round(seconds, 2),
        calls_per_second=round(args.calls / seconds, 1),
        outcomes=dict(sorted(outcomes.items())),
        stopped=dict(sorted(stops.items())),
        client_attempts=attempts,
        server=counts,
        fds_before=fds_before,
        fds_after=fds_after,
        tasks_before=tasks_before,
        tasks_after=tasks_after,
        rss_before=rss_before,
        rss_after=rss_after,
        unaccounted=args.calls - sum(outcomes.values()),
    )


async def _server_counts(url: str) -> dict[str, Any]:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(url + COUNTS_PATH) as response:
        counts: dict[str, Any] = json.loads(await response.read())
    return counts


def _difference(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """The server's counts for the soak alone (the warm-up batch's taken out)."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        if isinstance(value, dict):
            out[key] = {k: v - before.get(key, {}).get(k, 0) for k, v in sorted(value.items())}
        else:
            out[key] = value - before.get(key, 0)
    return out


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--read-timeout", type=float, default=1.0)
    parser.add_argument("--slow-seconds", type=float, default=2.0)
    parser.add_argument("--retry-after", default="0.2")
    parser.add_argument("--sleep-scale", type=float, default=1.0)
    parser.add_argument("--call-deadline", type=float, default=60.0)
    parser.add_argument("--max-seconds", type=float, default=1800.0)
    parser.add_argument(
        "--retry-sent-invokes",
        action="store_true",
        help="resend Invokes after they went out (to see the duplicate count work)",
    )
    parser.add_argument("--json", help="also write the report here")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


class _CountRecords(logging.Handler):
    """Counts the library's log records by logger and level instead of
    printing them: under injected faults its warnings are expected."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[f"{record.name} {record.levelname}"] += 1


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    if args.serve:
        plan = FaultPlan(
            faults=DEFAULT_FAULTS,
            seed=args.seed,
            slow_seconds=args.slow_seconds,
            retry_after=args.retry_after,
        )
        asyncio.run(serve(plan, args.max_seconds))
        return
    library = logging.getLogger("lambda_client")
    records = _CountRecords()
    library.addHandler(records)
    library.propagate = False
    report = asyncio.run(soak(args))
    data = {
        **asdict(report),
        "rss_growth": report.rss_growth,
        "log_records_warning_and_above": {
            key: n for key, n in sorted(records.counts.items()) if not key.endswith(" DEBUG")
        },
    }
    print(json.dumps(data, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(data, f, indent=2)


if __name__ == "__main__":
    main()
