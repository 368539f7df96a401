"""Run the whole benchmark suite and write the report.

    python -m bench            # full run, ~15-20 minutes: bench/results/, docs/performance.*
    python -m bench --quick    # ~3 minutes: bench/results/quick/ only
    python -m bench --render   # rewrite the report and chart from results.json

Everything talks to a canned Lambda endpoint (``bench.server``) in its own
process on 127.0.0.1. Each measurement runs in a fresh worker process, and the
clients are alternated round-robin within every round, so that a ratio to the
floor always compares runs made moments apart on the same machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import coldstart, fixtures, instructions, profiling, report, startup

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
#: A quick run's output, kept apart so it never overwrites the full run's report.
QUICK_RESULTS = RESULTS / "quick"
SMITHY_VENV = BENCH / ".venv312"
#: aiobotocore and the botocore it accepts (bench/setup_aiobotocore.sh).
AIOBOTOCORE_VENV = BENCH / ".venv-aiobotocore"
DOCS_PAGE = ROOT / "docs" / "performance.md"
DOCS_CHART = ROOT / "docs" / "performance.png"

OPS = ("get_function", "invoke")
CONCURRENCY = (1, 32, 256)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env() -> dict[str, str]:
    """The environment of every measured process: no AWS settings or files of
    this machine, and bytecode caching on (as after a pip install)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")
    }
    missing = str(BENCH / "results" / "no-such-aws-file")
    env.update(
        AWS_CONFIG_FILE=missing,
        AWS_SHARED_CREDENTIALS_FILE=missing,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def smithy_python() -> tuple[str | None, str]:
    """The Python 3.12 venv with aws-sdk-lambda, or why it cannot be used."""
    python = SMITHY_VENV / "bin" / "python"
    if not python.exists():
        return None, f"no {SMITHY_VENV.relative_to(ROOT)} (run `bash bench/setup_smithy.sh`)"
    probe = subprocess.run(
        [str(python), "-c", "import aws_sdk_lambda, aiohttp; print(aws_sdk_lambda.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        return None, f"aws-sdk-lambda does not import: {probe.stderr.strip()[-300:]}"
    return str(python), probe.stdout.strip()


def aiobotocore_python() -> tuple[str, dict[str, str]]:
    """The environment with aiobotocore, and the versions it runs on.

    aiobotocore pins botocore to a narrow range that the project's dev pin
    moves past, so it never shares the project's environment."""
    python = AIOBOTOCORE_VENV / "bin" / "python"
    if not python.exists():
        raise SystemExit(
            f"no {AIOBOTOCORE_VENV.relative_to(ROOT)}: run `bash bench/setup_aiobotocore.sh` "
            "(make bench does)"
        )
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import json, aiobotocore, botocore, aiohttp; print(json.dumps({"
            "'aiobotocore': aiobotocore.__version__, 'botocore': botocore.__version__, "
            "'aiohttp': aiohttp.__version__}))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        raise SystemExit(f"aiobotocore does not import: {probe.stderr.strip()[-300:]}")
    versions: dict[str, str] = json.loads(probe.stdout)
    import aiohttp

    if versions["aiohttp"] != aiohttp.__version__:
        raise SystemExit(
            f"aiobotocore's environment has aiohttp {versions['aiohttp']}, this one "
            f"{aiohttp.__version__}: run `bash bench/setup_aiobotocore.sh` again"
        )
    return str(python), versions


# -- the canned server -------------------------------------------------------------


def _cpus() -> list[int]:
    return sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def pinned(role: str) -> Callable[[], None] | None:
    """Keeps the canned server on one core and the measured client on
    another (when there are two): left to the scheduler, a client sometimes
    shares the server's core and its CPU per call jumps by a fifth, which
    made ratios of one round bimodal."""
    cpus = _cpus()
    if len(cpus) < 2:
        return None
    core = cpus[-1] if role == "server" else cpus[0]

    def pin() -> None:
        os.sched_setaffinity(0, {core})

    return pin


@contextlib.contextmanager
def canned_server(env: dict[str, str], max_seconds: float) -> Iterator[tuple[str, int]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.server", "--port", "0", "--max-seconds", str(max_seconds)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=pinned("server"),
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"canned server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def server_stats(url: str) -> dict[str, float]:
    with urllib.request.urlopen(url + "/__bench/stats", timeout=10) as response:  # noqa: S310
        stats: dict[str, float] = json.loads(response.read())
    return stats


def compile_project(env: dict[str, str]) -> None:
    """Write the bytecode of every project module before anything is measured,
    as a pip install does. Otherwise the first round's processes compile
    lambda_client from source while every other client loads installed
    bytecode, and on this machine code compiled in the process ran measurably
    faster than code loaded from a cache, which biased that round."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "lambda_client")],
        env=env,
        check=True,
        timeout=300,
    )
    # The bench's own modules only (-l): its comparison environments
    # (.venv-aiobotocore, .venv312) live below it, and the 3.12 one does not
    # compile under this Python.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "-l", str(BENCH)],
        env=env,
        check=True,
        timeout=300,
    )


def run_worker(python: str, env: dict[str, str], args: list[str], timeout: float) -> dict[str, Any]:
    done = subprocess.run(
        [python, "-m", "bench.worker", *args],
        cwd=ROOT,
        env=env,
        preexec_fn=pinned("client"),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the suite ---------------------------------------------------------------------------


def per_call(
    url: str,
    clients: list[tuple[str, str, str]],
    env: dict[str, str],
    rounds: int,
    duration: float,
    warmup: float,
) -> list[dict[str, Any]]:
    rows = []
    scenarios = [(op, c) for op in OPS for c in CONCURRENCY]
    for r in range(rounds):
        load = os.getloadavg()[0]
        log(f"per-call round {r + 1}/{rounds} (load average {load:.2f})")
        for op, concurrency in scenarios:
            # Rotate the client order each round and scenario.
            shift = (r + concurrency) % len(clients)
            for label, python, client in clients[shift:] + clients[:shift]:
                before = server_stats(url)
                result = run_worker(
                    python,
                    env,
                    [
                        f"--client={client}",
                        f"--op={op}",
                        f"--url={url}",
                        f"--concurrency={concurrency}",
                        f"--duration={duration}",
                        f"--warmup={warmup}",
                    ],
                    timeout=120,
                )
                after = server_stats(url)
                requests = after["requests"] - before["requests"] - 1
                result.update(
                    label=label,
                    round=r,
                    load=load,
                    server_cpu_per_request=(after["cpu"] - before["cpu"]) / max(requests, 1),
                )
                rows.append(result)
    return rows


def soak(
    url: str, clients: list[tuple[str, str, str]], env: dict[str, str], calls: int, bound: float
) -> dict[str, Any]:
    out = {}
    for label, python, client in clients:
        log(f"memory soak: {label}, {calls} GetFunction calls at 32 in flight")
        out[label] = run_worker(
            python,
            env,
            [
                f"--client={client}",
                "--op=get_function",
                f"--url={url}",
                "--mode=soak",
                "--concurrency=32",
                f"--calls={calls}",
                f"--max-seconds={bound}",
            ],
            timeout=bound + 120,
        )
    return out


#: Clients of the event-loop stall table, where they can run.
STALL_CLIENTS = ("floor", "floor_sigv4", "lambda_client", "aiobotocore")


def stalls(
    url: str, clients: list[tuple[str, str, str]], env: dict[str, str], calls: dict[str, int]
) -> list[dict[str, Any]]:
    """The longest event-loop step of each call (``bench/stalls.py``), per
    client and operation, each in a fresh process."""
    rows = []
    for op in fixtures.OPERATIONS:
        for label, python, client in clients:
            if client not in STALL_CLIENTS:
                continue
            log(f"event-loop stalls: {label} {op}, {calls[op]} sequential calls")
            result = run_worker(
                python,
                env,
                [
                    f"--client={client}",
                    f"--op={op}",
                    f"--url={url}",
                    "--mode=stalls",
                    f"--calls={calls[op]}",
                ],
                timeout=300,
            )
            result["label"] = label
            rows.append(result)
    return rows


def durable(env: dict[str, str], rounds: int, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """DurableServiceBackend against the SDK's boto3 client and the floor
    (``bench/durable.py``), alternating, each run in a fresh process."""
    clients = ["floor", "lambda_client", "boto3"]
    rows = []
    for r in range(rounds):
        shift = r % len(clients)
        for keep_alive in (True, False):
            for client in clients[shift:] + clients[:shift]:
                log(
                    f"durable backend round {r + 1}/{rounds}: {client}, "
                    + ("kept connections" if keep_alive else "a connection per call")
                )
                rows.append(durable_run(env, client, keep_alive, r, settings))
    return rows


def durable_run(
    env: dict[str, str], client: str, keep_alive: bool, round_: int, settings: dict[str, Any]
) -> dict[str, Any]:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench.durable", f"--client={client}"),
            f"--checkpoints={settings['durable_checkpoints']}",
            f"--pages={settings['durable_pages']}",
            f"--executions={settings['durable_executions']}",
            *(["--keep-alive"] if keep_alive else []),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        preexec_fn=pinned("client"),
    )
    if done.returncode != 0:
        raise RuntimeError(f"durable run {client} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["round"] = round_
    return result


def py_spy() -> str | None:
    """py-spy next to this interpreter or on PATH, if any."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def layers(url: str, env: dict[str, str], blocks: int) -> dict[str, Any]:
    """lambda_client's per-call CPU taken apart layer by layer, in one process
    (``bench/layers.py``)."""
    out: dict[str, Any] = {}
    for op in OPS:
        log(f"lambda_client {op} layer by layer at 32 in flight")
        done = subprocess.run(
            [
                *(sys.executable, "-m", "bench.layers", f"--url={url}", f"--op={op}"),
                *(f"--blocks={blocks}", "--concurrency=32"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
            preexec_fn=pinned("client"),
        )
        out[op] = json.loads(done.stdout)
    return out


def results_dir(quick: bool) -> Path:
    return QUICK_RESULTS if quick else RESULTS


def profile(url: str, env: dict[str, str], duration: float, out_dir: Path) -> dict[str, Any]:
    """cProfile (exact call counts, inflated small functions) and, when py-spy
    is installed and allowed to attach, sampling (true proportions)."""
    out: dict[str, Any] = {}
    spy = py_spy()
    for op in OPS:
        log(f"profiling lambda_client {op} at 32 in flight (cProfile)")
        path = out_dir / f"profile_{op}.prof"
        worker_args = [
            "--client=lambda_client",
            f"--op={op}",
            f"--url={url}",
            "--concurrency=32",
            f"--duration={duration}",
            "--warmup=0.5",
        ]
        result = run_worker(
            sys.executable, env, [*worker_args, "--mode=profile", f"--out={path}"], timeout=180
        )
        entry: dict[str, Any] = {"cprofile": profiling.summarize(str(path), result["calls"])}
        if spy is None:
            entry["py_spy"] = {"skipped": "py-spy is not installed"}
        else:
            log(f"profiling lambda_client {op} at 32 in flight (py-spy)")
            folded = out_dir / f"profile_{op}.folded"
            done = subprocess.run(
                [
                    *(spy, "record", "--rate", "1000", "--format", "raw"),
                    *("--output", str(folded), "--", sys.executable, "-m", "bench.worker"),
                    *worker_args,
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
                check=False,
            )
            try:
                # py-spy prints its own lines around the worker's JSON.
                (last,) = [x for x in done.stdout.splitlines() if x.startswith("{")][-1:]
                measured = json.loads(last)
                cpu_us = measured["cpu"] / measured["calls"] * 1e6
                entry["py_spy"] = profiling.summarize_folded(str(folded), cpu_us)
            except (KeyError, ValueError, OSError):
                reason = (done.stderr or done.stdout).strip()[-300:]
                entry["py_spy"] = {"skipped": f"py-spy failed (exit {done.returncode}): {reason}"}
        out[op] = entry
    return out


def machine(smithy_note: str, aiobotocore_versions: dict[str, str]) -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    from importlib.metadata import version

    def v(name: str) -> str:
        try:
            return version(name)
        except Exception:
            return "not installed"

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": {
            **{name: v(name) for name in ("lambda_client", "aiohttp")},
            "aiobotocore": aiobotocore_versions["aiobotocore"],
            "botocore (under aiobotocore)": aiobotocore_versions["botocore"],
            **{name: v(name) for name in ("botocore", "attrs", "cattrs")},
        },
        "smithy": smithy_note,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="lambda_client benchmark suite")
    parser.add_argument("--quick", action="store_true", help="~1-2 minutes, results only")
    parser.add_argument("--no-smithy", action="store_true", help="leave out aws-sdk-lambda")
    parser.add_argument("--rounds", type=int, help="per-call rounds (default 3, quick 1)")
    parser.add_argument(
        "--render", action="store_true", help="only rewrite the report from results.json"
    )
    args = parser.parse_args(argv)
    if args.render:
        saved = results_dir(args.quick) / "results.json"
        write_outputs(json.loads(saved.read_text()))
        return

    quick = args.quick
    rounds = args.rounds or (1 if quick else 5)
    settings = {
        "mode": "quick" if quick else "full",
        "rounds": rounds,
        "duration": 0.5 if quick else 1.5,
        "warmup": 0.2 if quick else 0.5,
        "soak_calls": 10_000 if quick else 100_000,
        "soak_bound_seconds": 30.0 if quick else 150.0,
        "startup_repeats": 3 if quick else 15,
        "profile_seconds": 1.0 if quick else 4.0,
        "layer_blocks": 4 if quick else 10,
        "coldstart_rounds": 3 if quick else 9,
        "stall_calls": (
            {"get_function": 50, "invoke": 50, "invoke_6mb": 10}
            if quick
            else {"get_function": 300, "invoke": 300, "invoke_6mb": 40}
        ),
        "durable_rounds": 1 if quick else 3,
        "durable_checkpoints": 100 if quick else 300,
        "durable_pages": 20 if quick else 50,
        "durable_executions": 2 if quick else 5,
        "large_invoke_payload_bytes": fixtures.LARGE_INVOKE_PAYLOAD_SIZE,
        "invoke_payload_bytes": fixtures.INVOKE_PAYLOAD_SIZE,
        "get_function_body_bytes": len(fixtures.get_function_body()),
        "command": "python -m bench" + (" --quick" if quick else ""),
    }
    out_dir = results_dir(quick)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = child_env()
    started = time.perf_counter()
    compile_project(env)

    py312, smithy_note = (None, "left out (--no-smithy)")
    if not args.no_smithy:
        py312, smithy_note = smithy_python()
    log(f"aws-sdk-lambda: {smithy_note if py312 is None else 'version ' + smithy_note}")

    py = sys.executable
    aio_py, aio_versions = aiobotocore_python()
    log(
        f"aiobotocore {aio_versions['aiobotocore']} (botocore {aio_versions['botocore']}) "
        f"from {AIOBOTOCORE_VENV.relative_to(ROOT)}"
    )
    clients = [
        ("floor", py, "floor"),
        ("floor+sigv4", py, "floor_sigv4"),
        ("lambda_client", py, "lambda_client"),
        ("aiobotocore", aio_py, "aiobotocore"),
    ]
    if py312 is not None:
        clients += [("floor@3.12", py312, "floor"), ("smithy", py312, "smithy")]

    results: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": settings,
        "machine": machine(
            f"aws-sdk-lambda not measured: {smithy_note}"
            if py312 is None
            else f"aws-sdk-lambda {smithy_note} on Python 3.12",
            aio_versions,
        ),
        "load_before": os.getloadavg(),
    }
    with canned_server(env, max_seconds=1800) as (url, _pid):
        results["per_call"] = per_call(
            url, clients, env, rounds, settings["duration"], settings["warmup"]
        )
        log("instructions per call under valgrind")
        results["instructions"] = instructions.measure(
            url,
            env,
            [
                c
                for c in clients
                if c[0] in ("floor", "floor+sigv4", "lambda_client", "aiobotocore")
            ],
            concurrencies=(32,) if quick else (32, 256),
            calls=(100, 300) if quick else (300, 1500),
            warmup=100 if quick else 300,
        )
        results["soak"] = soak(
            url,
            clients[:3],
            env,
            settings["soak_calls"],
            settings["soak_bound_seconds"],
        )
        results["profile"] = profile(url, env, settings["profile_seconds"], out_dir)
        results["layers"] = layers(url, env, settings["layer_blocks"])
        results["stalls"] = stalls(url, clients, env, settings["stall_calls"])
        log("cold start to the first answer, fresh interpreters")
        results["coldstart"] = coldstart.measure(
            {**dict.fromkeys(coldstart.SNIPPETS, py), "aiobotocore": aio_py},
            url,
            settings["coldstart_rounds"],
            env,
            str(ROOT),
        )

    log("durable backend against the SDK's boto3 client")
    results["durable"] = durable(env, settings["durable_rounds"], settings)

    log("start-up and RSS, fresh interpreters")
    variants = [
        ("python", py, "python"),
        ("aiohttp", py, "aiohttp"),
        ("lambda_client", py, "lambda_client"),
        ("aiobotocore", aio_py, "aiobotocore"),
    ]
    if py312 is not None:
        variants += [("aiohttp@3.12", py312, "aiohttp"), ("smithy", py312, "smithy")]
    results["startup"] = startup.measure(variants, settings["startup_repeats"], env, str(ROOT))

    log("event-stream decoding and SigV4 signing against botocore")
    micro = subprocess.run(
        [py, "-m", "bench.micro", *(["--quick"] if quick else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    results["micro"] = json.loads(micro.stdout)
    results["load_after"] = os.getloadavg()
    results["elapsed_seconds"] = time.perf_counter() - started

    (out_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    write_outputs(results)
    log(f"done in {results['elapsed_seconds']:.0f} s: {out_dir.relative_to(ROOT)}/report.md")


def write_outputs(results: dict[str, Any]) -> None:
    """The report, the profile summaries, the chart and (full runs) the docs page."""
    quick = results["settings"]["mode"] == "quick"
    out_dir = results_dir(quick)
    chart = out_dir / "performance.png" if quick else DOCS_CHART
    summary = report.summarize(results)
    report.chart(summary, chart)
    (out_dir / "report.md").write_text(
        report.markdown(results, summary, str(chart.relative_to(ROOT)))
    )
    for op in OPS:
        (out_dir / f"profile_{op}.txt").write_text(report.profile_text(results["profile"][op]))
    if not quick:
        report.update_docs(DOCS_PAGE, results, summary)


if __name__ == "__main__":
    main()
