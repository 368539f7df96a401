"""Instructions per call, counted by valgrind rather than timed.

    python -m bench.instructions [--ops get_function,invoke] [--concurrency 32]
        [--clients floor,floor_sigv4,lambda_client] [--calls 300,1500]

CPU time per call on this shared machine moved by a third between full runs
of unchanged code; an instruction count does not depend on what else runs.
Each client's worker (``bench.worker --mode=count``) runs under
``valgrind --tool=cachegrind --cache-sim=no`` twice, once with the smaller
and once with the larger ``--calls``, after the same warm-up; the difference
of the two totals divided by the difference of the calls is the
instructions one call costs, with the start-up, imports and warm-up
cancelled out. The canned server runs outside valgrind. The worker runs
with a fixed hash seed, so that dict and set layouts are the same in both
runs.

Instructions are not time (a cache miss costs more than an add), but the
ratio of two clients' counts on the same path follows their CPU ratio
closely enough to decide whether a change helps and where a gap lies, and
it repeats to within a fraction of a percent.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Any

_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


def count(
    python: str,
    env: dict[str, str],
    url: str,
    client: str,
    op: str,
    concurrency: int,
    calls: int,
    warmup: int,
) -> int:
    """Instructions of one whole worker process."""
    # Here, not at the top: bench.run imports this module.
    from .run import ROOT

    with tempfile.NamedTemporaryFile(suffix=".cachegrind") as out:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={out.name}",
                python,
                "-m",
                "bench.worker",
                "--mode=count",
                f"--client={client}",
                f"--op={op}",
                f"--url={url}",
                f"--concurrency={concurrency}",
                f"--calls={calls}",
                f"--warmup-calls={warmup}",
            ],
            cwd=ROOT,
            env={**env, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"{client} {op} failed:\n{done.stderr[-2000:]}")
    found = _TOTAL.search(done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction total in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def measure(
    url: str,
    env: dict[str, str],
    clients: list[tuple[str, str, str]],
    ops: tuple[str, ...] = ("get_function", "invoke"),
    concurrencies: tuple[int, ...] = (32,),
    calls: tuple[int, int] = (300, 1500),
    warmup: int = 300,
) -> dict[str, Any]:
    """Instructions per call of each ``(label, python, client)``; no rows
    (``available`` false) when valgrind is not installed."""
    from .run import log

    if shutil.which("valgrind") is None:
        return {"available": False, "rows": []}
    low, high = calls
    rows: list[dict[str, Any]] = []
    for op in ops:
        for concurrency in concurrencies:
            for label, python, client in clients:
                small = count(python, env, url, client, op, concurrency, low, warmup)
                large = count(python, env, url, client, op, concurrency, high, warmup)
                per_call = (large - small) / (high - low)
                log(f"{op} @{concurrency} {label}: {per_call / 1e3:,.1f}k instructions a call")
                rows.append(
                    {"op": op, "concurrency": concurrency, "label": label, "per_call": per_call}
                )
    return {"available": True, "calls": list(calls), "warmup": warmup, "rows": rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="instructions per call under valgrind")
    parser.add_argument("--ops", default="get_function,invoke")
    parser.add_argument("--clients", default="floor,floor_sigv4,lambda_client")
    parser.add_argument("--concurrency", default="32")
    parser.add_argument("--calls", default="300,1500", help="the two call counts, small,large")
    parser.add_argument("--warmup", type=int, default=300)
    args = parser.parse_args(argv)
    # Here, not at the top: bench.run imports this module.
    from .run import canned_server, child_env, compile_project

    low, high = (int(n) for n in args.calls.split(","))
    env = child_env()
    compile_project(env)
    clients = [(c, sys.executable, c) for c in args.clients.split(",")]
    with canned_server(env, max_seconds=3600) as (url, _pid):
        result = measure(
            url,
            env,
            clients,
            tuple(args.ops.split(",")),
            tuple(int(c) for c in args.concurrency.split(",")),
            (low, high),
            args.warmup,
        )
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
