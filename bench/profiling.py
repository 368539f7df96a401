"""Summaries of a worker's cProfile dump: where lambda_client's per-call CPU goes."""

from __future__ import annotations

import pstats
from typing import Any

# (bucket, substring of the code's file name); first match wins.
_BUCKETS = (
    ("lambda_client generated", "lambda_client/_generated/"),
    ("lambda_client runtime", "lambda_client/_runtime/"),
    ("lambda_client other", "lambda_client/"),
    ("cattrs generated", "<cattrs generated"),
    ("attrs generated", "<attrs generated"),
    ("cattrs", "/cattrs/"),
    ("attrs", "/attr/"),
    ("aiohttp", "/aiohttp/"),
    ("yarl", "/yarl/"),
    ("multidict", "/multidict/"),
    ("asyncio", "/asyncio/"),
    ("json (stdlib)", "/json/"),
    ("hashlib/hmac (stdlib)", "/hmac.py"),
    ("enum (stdlib)", "/enum.py"),
    ("uuid (stdlib)", "/uuid.py"),
)


def _bucket(filename: str, name: str) -> str:
    for bucket, needle in _BUCKETS:
        if needle in filename:
            return bucket
    if filename == "~":
        # Built-in functions: name them by what they are.
        if "hash" in name or "hmac" in name or "sha256" in name:
            return "hashing (C)"
        if "json" in name or "decode" in name or "encode" in name:
            return "codecs (C)"
        if "socket" in name or "send" in name or "recv" in name or "select" in name:
            return "socket/selector (C)"
        return "other built-ins (C)"
    return "stdlib/other"


def _short(filename: str) -> str:
    """A file name without this machine's directories."""
    for marker in ("site-packages/", "lambda_client/", "bench/", "lib/python"):
        index = filename.find(marker)
        if index >= 0:
            return filename[index:].removeprefix("site-packages/")
    return filename


def summarize(path: str, calls: int, top: int = 25) -> dict[str, Any]:
    """Self time per bucket and the top functions by self and cumulative time,
    all in CPU microseconds per call (cProfile's overhead included)."""
    stats = pstats.Stats(path)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in raw.values())
    buckets: dict[str, float] = {}
    rows = []
    for (filename, line, name), (_cc, ncalls, tottime, cumtime, _callers) in raw.items():
        bucket = _bucket(filename, name)
        buckets[bucket] = buckets.get(bucket, 0.0) + tottime
        where = f"{_short(filename)}:{line}({name})" if filename != "~" else name
        rows.append((where, ncalls, tottime, cumtime))
    per_call = 1e6 / max(calls, 1)
    by_self = sorted(rows, key=lambda r: r[2], reverse=True)[:top]
    by_cum = sorted((r for r in rows if "lambda_client" in r[0]), key=lambda r: r[3], reverse=True)[
        :top
    ]

    def fmt(rs: list[tuple[str, int, float, float]]) -> list[dict[str, Any]]:
        return [
            {
                "function": where,
                "calls_per_call": ncalls / max(calls, 1),
                "self_us": tottime * per_call,
                "cum_us": cumtime * per_call,
                "self_share": tottime / total if total else 0.0,
            }
            for where, ncalls, tottime, cumtime in rs
        ]

    return {
        "calls": calls,
        "total_us_per_call": total * per_call,
        "buckets": {
            name: {"us": seconds * per_call, "share": seconds / total if total else 0.0}
            for name, seconds in sorted(buckets.items(), key=lambda kv: kv[1], reverse=True)
        },
        "top_self": fmt(by_self),
        "top_cumulative_lambda_client": fmt(by_cum),
    }


# -- py-spy (sampling: true proportions, no per-call overhead) ------------------------


def _frame_key(frame: str) -> str:
    # "Pipeline.call (lambda_client/_runtime/pipeline.py:133)" -> without the line
    head, _, where = frame.rpartition(" (")
    return f"{head} ({where.rsplit(':', 1)[0]})" if where else frame


def _frame_bucket(key: str) -> str:
    name, _, where = key.rpartition(" (")
    # py-spy names files relative to their package ("aiohttp/client.py").
    return _bucket("/" + where.rstrip(")"), name) if where else "other built-ins (C)"


def summarize_folded(path: str, cpu_us_per_call: float, top: int = 25) -> dict[str, Any]:
    """Summarise py-spy's raw (folded) output of a worker.

    Only samples taken while the event loop runs count, less imports and the
    one-off building of converters, so start-up and the first call do not
    blur the steady state. Shares are turned into µs per call with the CPU per
    call the worker measured itself. A sample's own frame is where Python was;
    time in C (hashing, JSON, socket calls) is charged to the calling frame.
    """
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    with open(path) as f:
        for line in f:
            stack, _, count_text = line.rstrip("\n").rpartition(" ")
            if not stack or "run_forever" not in stack:
                continue
            if "_find_and_load" in stack or "cattrs/gen/" in stack:
                continue
            count = int(count_text)
            frames = [_frame_key(x) for x in stack.split(";")]
            total += count
            own[frames[-1]] = own.get(frames[-1], 0) + count
            for key in set(frames):
                inclusive[key] = inclusive.get(key, 0) + count
    if not total:
        raise ValueError(f"no usable samples in {path}")
    buckets: dict[str, int] = {}
    for key, count in own.items():
        bucket = _frame_bucket(key)
        buckets[bucket] = buckets.get(bucket, 0) + count

    def rows(counts: dict[str, int], keep: Any) -> list[dict[str, Any]]:
        chosen = sorted((kv for kv in counts.items() if keep(kv[0])), key=lambda kv: -kv[1])
        return [
            {"function": key, "share": n / total, "us": n / total * cpu_us_per_call}
            for key, n in chosen[:top]
        ]

    return {
        "samples": total,
        "cpu_us_per_call": cpu_us_per_call,
        "buckets": {
            name: {"us": n / total * cpu_us_per_call, "share": n / total}
            for name, n in sorted(buckets.items(), key=lambda kv: -kv[1])
        },
        "top_self": rows(own, lambda key: True),
        "top_inclusive_lambda_client": rows(inclusive, lambda key: "lambda_client/" in key),
    }
