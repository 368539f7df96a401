"""Turn the raw results into ratios, pass/fail lines, Markdown and a chart.

Every ratio is computed between runs of the same round (or the same
round-robin repeat), then the median over rounds is reported with its range;
absolute numbers are only context for the ratios.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
OP_NAMES = {"get_function": "GetFunction", "invoke": "Invoke", "invoke_6mb": "Invoke 6 MB"}
#: The operations of the per-call runs.
PER_CALL_OPS = ("get_function", "invoke")
#: The clients in the order tables and charts show them.
LABELS = ("floor", "floor+sigv4", "lambda_client", "aiobotocore", "floor@3.12", "smithy")
DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"


def floor_of(label: str) -> str:
    """The floor measured under the same interpreter as ``label``."""
    return "floor@3.12" if label in ("smithy", "floor@3.12") else "floor"


def sigv4_floor_of(label: str) -> str | None:
    """The floor+sigv4 run beside ``label``: raw aiohttp plus the signature
    the service requires of every client (none under Python 3.12)."""
    if label in ("smithy", "floor@3.12", "floor", "floor+sigv4"):
        return None
    return "floor+sigv4"


def _med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _ratio_stats(values: list[float]) -> dict[str, float]:
    return {"median": _med(values), "min": min(values), "max": max(values)}


def summarize(results: dict[str, Any]) -> dict[str, Any]:
    rows = results["per_call"]
    index: dict[tuple[str, str, int, int], dict[str, Any]] = {}
    for row in rows:
        index[row["label"], row["op"], row["concurrency"], row["round"]] = row
    labels = [label for label in LABELS if any(r["label"] == label for r in rows)]
    rounds = sorted({r["round"] for r in rows})

    per_call: list[dict[str, Any]] = []
    for op in PER_CALL_OPS:
        for concurrency in sorted({r["concurrency"] for r in rows}):
            for label in labels:
                mine = [index[label, op, concurrency, r] for r in rounds]
                floors = [index[floor_of(label), op, concurrency, r] for r in rounds]
                entry: dict[str, Any] = {
                    "label": label,
                    "op": op,
                    "concurrency": concurrency,
                    "calls_per_s": _med([m["calls"] / m["wall"] for m in mine]),
                    "cpu_us": _med([m["cpu"] / m["calls"] * 1e6 for m in mine]),
                    "first_call_ms": _med([m["first_call"] * 1e3 for m in mine]),
                    "rss_after_mib": _med([m.get("rss_after", 0) / 2**20 for m in mine]),
                    "server_us": _med([m["server_cpu_per_request"] * 1e6 for m in mine]),
                    # Cores the canned server kept busy: near 1.0 would make it the limit.
                    "server_cores": _med(
                        [m["server_cpu_per_request"] * m["calls"] / m["wall"] for m in mine]
                    ),
                    "cpu_ratio": _ratio_stats(
                        [
                            (m["cpu"] / m["calls"]) / (f["cpu"] / f["calls"])
                            for m, f in zip(mine, floors, strict=True)
                        ]
                    ),
                    "rate_ratio": _ratio_stats(
                        [
                            (m["calls"] / m["wall"]) / (f["calls"] / f["wall"])
                            for m, f in zip(mine, floors, strict=True)
                        ]
                    ),
                }
                sigv4 = sigv4_floor_of(label)
                if sigv4 is not None and (sigv4, op, concurrency, rounds[0]) in index:
                    signed = [index[sigv4, op, concurrency, r] for r in rounds]
                    entry["sigv4_cpu_ratio"] = _ratio_stats(
                        [
                            (m["cpu"] / m["calls"]) / (f["cpu"] / f["calls"])
                            for m, f in zip(mine, signed, strict=True)
                        ]
                    )
                    if concurrency == 1:
                        entry["sigv4_latency_ratio"] = _ratio_stats(
                            [
                                m["latency_median"] / f["latency_median"]
                                for m, f in zip(mine, signed, strict=True)
                            ]
                        )
                if concurrency == 1:
                    entry["latency_ms"] = _med([m["latency_median"] * 1e3 for m in mine])
                    entry["latency_p99_ms"] = _med([m["latency_p99"] * 1e3 for m in mine])
                    entry["latency_ratio"] = _ratio_stats(
                        [
                            m["latency_median"] / f["latency_median"]
                            for m, f in zip(mine, floors, strict=True)
                        ]
                    )
                per_call.append(entry)

    startup_samples = results["startup"]
    startup: dict[str, Any] = {}
    for label, samples in startup_samples.items():
        startup[label] = {
            "ms": _med([s["seconds"] * 1e3 for s in samples]),
            "cpu_ms": _med([s["cpu"] * 1e3 for s in samples]),
            "rss_mib": _med([s["rss"] / MIB for s in samples]),
        }

    def paired(a: str, b: str, key: str) -> dict[str, float] | None:
        if a not in startup_samples or b not in startup_samples:
            return None
        return _ratio_stats(
            [x[key] / y[key] for x, y in zip(startup_samples[a], startup_samples[b], strict=True)]
        )

    startup_ratios = {
        "lambda_client/aiohttp": paired("lambda_client", "aiohttp", "seconds"),
        "aiobotocore/aiohttp": paired("aiobotocore", "aiohttp", "seconds"),
        "smithy/aiohttp@3.12": paired("smithy", "aiohttp@3.12", "seconds"),
        "rss lambda_client/aiobotocore": paired("lambda_client", "aiobotocore", "rss"),
    }

    soak: dict[str, Any] = {}
    for label, data in results["soak"].items():
        samples = data["samples"]
        first, settled, last = samples[0], samples[min(1, len(samples) - 1)], samples[-1]
        soak[label] = {
            "calls": data["calls"],
            "wall": data["wall"],
            "rss_start_mib": first[1] / MIB,
            "rss_end_mib": last[1] / MIB,
            "growth_mib": (last[1] - first[1]) / MIB,
            # From the first sample (10% of the calls) on: what a leak would show.
            "growth_after_first_tenth_mib": (last[1] - settled[1]) / MIB,
            "samples": samples,
        }

    summary = {
        "per_call": per_call,
        "startup": startup,
        "startup_ratios": startup_ratios,
        "soak": soak,
        "micro": results["micro"],
        "coldstart": summarize_coldstart(results.get("coldstart")),
        "stalls": results.get("stalls"),
        "durable": summarize_durable(results.get("durable")),
    }
    summary["targets"] = targets(summary, results)
    return summary


#: Cold-start ratios reported: (numerator, denominator).
COLDSTART_PAIRS = (
    ("lambda_client", "aiohttp"),
    ("lambda_client", "boto3"),
    ("lambda_client blocking", "aiohttp"),
    ("lambda_client blocking", "boto3"),
    ("boto3", "aiohttp"),
    ("aiobotocore", "aiohttp"),
)


def summarize_coldstart(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """Medians per variant, and ratios between variants of the same round."""
    if not data:
        return None
    samples = data["samples"]
    variants = {
        name: {
            key: _med([x[key] * (1e3 if key != "rss" else 1 / MIB) for x in runs])
            for key in ("seconds", "cpu", "import", "process_seconds", "rss")
        }
        for name, runs in samples.items()
    }
    ratios = {}
    for a, b in COLDSTART_PAIRS:
        if a in samples and b in samples:
            ratios[f"{a}/{b}"] = {
                key: _ratio_stats(
                    [x[key] / y[key] for x, y in zip(samples[a], samples[b], strict=True)]
                )
                for key in ("seconds", "cpu")
            }
    return {
        "rounds": data["rounds"],
        "variants": variants,
        "ratios": ratios,
    }


def summarize_durable(rows: list[dict[str, Any]] | None) -> dict[str, Any] | None:
    """Medians per client and connection mode over rounds, and ratios to boto3
    within a round."""
    if not rows:
        return None
    by_round: dict[tuple[str, bool, int], dict[str, Any]] = {}
    for row in rows:
        by_round[row["client"], bool(row.get("keep_alive")), row["round"]] = row
    rounds = sorted({row["round"] for row in rows})
    modes: dict[str, dict[str, Any]] = {}
    for keep_alive in (True, False):
        clients: dict[str, Any] = {}
        for name in ("floor", "lambda_client", "boto3"):
            mine = [
                by_round[name, keep_alive, r] for r in rounds if (name, keep_alive, r) in by_round
            ]
            if not mine:
                continue
            entry: dict[str, Any] = {
                key: _med([m["per_call"][key] for m in mine])
                for key in (
                    "checkpoint_cpu_us",
                    "checkpoint_wall_us",
                    "page_cpu_us",
                    "page_wall_us",
                )
            }
            entry["page_operations"] = mine[0]["per_call"]["page_operations"]
            runs = [m["through_runner"] for m in mine if m.get("through_runner")]
            if runs:
                for key in ("handler_ms", "execution_ms", "invocations"):
                    entry[key] = _med([run[key] for run in runs])
                entry["steps"] = runs[0]["steps"]
            boto = [by_round.get(("boto3", keep_alive, m["round"])) for m in mine]
            if name != "boto3" and all(b is not None for b in boto):
                for key in ("checkpoint_cpu_us", "page_cpu_us"):
                    entry[f"{key}_vs_boto3"] = _ratio_stats(
                        [
                            m["per_call"][key] / b["per_call"][key]
                            for m, b in zip(mine, boto, strict=True)
                            if b is not None
                        ]
                    )
            clients[name] = entry
        if clients:
            modes["kept connections" if keep_alive else "a connection per call"] = clients
    return {"rounds": len(rounds), "modes": modes}


def _find(summary: dict[str, Any], label: str, op: str, concurrency: int) -> dict[str, Any]:
    for entry in summary["per_call"]:
        if (entry["label"], entry["op"], entry["concurrency"]) == (label, op, concurrency):
            return entry
    raise KeyError((label, op, concurrency))


def _range(stats: dict[str, float]) -> str:
    return f"{stats['median']:.2f}x ({stats['min']:.2f}-{stats['max']:.2f})"


#: RSS may wobble by allocator noise; more than this after the first tenth is growth.
FLAT_TOLERANCE_MIB = 1.0


#: Per-call targets against floor+sigv4 (issue: next to the signing floor).
SIGV4_CPU_GOALS = {"get_function": 1.15, "invoke": 1.08}
SIGV4_LATENCY_GOAL = 1.10
# The async client's and the blocking client's (whose plain calls need no
# aiohttp; what a synchronous Lambda handler or the durable backend uses).
COLDSTART_GOALS = {
    "lambda_client/aiohttp": 1.15,
    "lambda_client/boto3": 0.6,
    "lambda_client blocking/aiohttp": 1.15,
    "lambda_client blocking/boto3": 0.6,
}
STALL_GOAL_MS = 1.0
DURABLE_GOAL = 0.3


def targets(summary: dict[str, Any], results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def add(name: str, measured: str, goal: str, passed: bool) -> None:
        out.append({"target": name, "measured": measured, "goal": goal, "passed": passed})

    for op, goal in SIGV4_CPU_GOALS.items():
        for concurrency in (32, 256):
            try:
                entry = _find(summary, "lambda_client", op, concurrency)
            except KeyError:
                continue
            ratio = entry.get("sigv4_cpu_ratio")
            if ratio is None:
                continue
            add(
                f"{OP_NAMES[op]}, {concurrency} in flight: CPU per call vs floor+sigv4",
                _range(ratio),
                f"<= {goal}x",
                ratio["median"] <= goal,
            )
    for row in instruction_ratios(results):
        goal = SIGV4_CPU_GOALS.get(row["op"])
        if row["label"] == "lambda_client" and goal is not None and row["vs_sigv4"] is not None:
            add(
                f"{OP_NAMES[row['op']]}, {row['concurrency']} in flight: instructions per call "
                "vs floor+sigv4 (valgrind)",
                f"{row['vs_sigv4']:.3f}x",
                f"<= {goal}x",
                row["vs_sigv4"] <= goal,
            )
    for op in SIGV4_CPU_GOALS:
        try:
            latency = _find(summary, "lambda_client", op, 1).get("sigv4_latency_ratio")
        except KeyError:
            continue
        if latency is not None:
            add(
                f"{OP_NAMES[op]}, sequential: median latency vs floor+sigv4",
                _range(latency),
                f"<= {SIGV4_LATENCY_GOAL}x",
                latency["median"] <= SIGV4_LATENCY_GOAL,
            )
    cold = summary.get("coldstart")
    if cold:
        for pair, goal in COLDSTART_GOALS.items():
            ratio = cold["ratios"].get(pair)
            if ratio is None:
                continue
            a, b = pair.split("/")
            add(
                f"cold start to the first GetFunction answer: {a} vs {b}",
                _range(ratio["seconds"]) + f"; CPU {_range(ratio['cpu'])}",
                f"<= {goal}x",
                ratio["seconds"]["median"] <= goal,
            )
    for row in summary.get("stalls") or ():
        if row["label"] != "lambda_client":
            continue
        cpu = row["cpu"]
        add(
            f"event-loop stall, {OP_NAMES[row['op']]}: longest step per call",
            f"{cpu['median_ms']:.2f} ms median, {cpu['p90_ms']:.2f} ms p90, "
            f"{cpu['max_ms']:.2f} ms max ({cpu['over_1ms']} of {row['calls']} calls over 1 ms)",
            f"<= {STALL_GOAL_MS:g} ms",
            cpu["max_ms"] <= STALL_GOAL_MS,
        )
    durable = summary.get("durable")
    for mode, clients in (durable or {}).get("modes", {}).items():
        mine = clients.get("lambda_client")
        if mine is None:
            continue
        for key, what in (("checkpoint_cpu_us", "checkpoint"), ("page_cpu_us", "state page")):
            ratio = mine.get(f"{key}_vs_boto3")
            if ratio is not None:
                floor = clients.get("floor", {}).get(f"{key}_vs_boto3")
                add(
                    f"durable backend ({mode}): client CPU per {what} vs the SDK's boto3 client",
                    _range(ratio) + ("" if floor is None else f"; floor {_range(floor)}"),
                    f"<= {DURABLE_GOAL}x",
                    ratio["median"] <= DURABLE_GOAL,
                )
    ratios = summary["startup_ratios"]
    start = ratios["lambda_client/aiohttp"]
    add("import + client vs `import aiohttp`", _range(start), "<= 1.3x", start["median"] <= 1.3)
    rss = ratios["rss lambda_client/aiobotocore"]
    if rss is not None:
        add(
            "RSS after import + client vs aiobotocore",
            _range(rss),
            "<= 0.5x",
            rss["median"] <= 0.5,
        )
    soak = summary["soak"].get("lambda_client")
    if soak is not None:
        growth = soak["growth_after_first_tenth_mib"]
        add(
            f"RSS over {soak['calls']:,} GetFunction calls",
            f"{growth:+.2f} MiB after the first tenth ({soak['growth_mib']:+.2f} MiB in all)",
            f"flat (<= {FLAT_TOLERANCE_MIB:g} MiB)",
            growth <= FLAT_TOLERANCE_MIB and soak["calls"] >= results["settings"]["soak_calls"],
        )
    for case, data in summary["micro"]["eventstream"].items():
        plain = data.get("speedup_zlib_crc")
        add(
            f"event-stream decoding ({case.replace('_', ' ')}) vs botocore",
            f"{data['speedup']:.2f}x ({data['speedup_min']:.2f}-{data['speedup_max']:.2f})"
            + ("" if plain is None else f"; {plain:.2f}x without zlib-ng"),
            ">= 2x",
            data["speedup"] >= 2.0,
        )
    for op, data in summary["micro"]["signing"].items():
        add(
            f"SigV4 signing ({OP_NAMES[op]}) vs botocore",
            f"{data['speedup']:.2f}x ({data['speedup_min']:.2f}-{data['speedup_max']:.2f})",
            ">= 2x",
            data["speedup"] >= 2.0,
        )
    return out


# -- Markdown ---------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def targets_table(summary: dict[str, Any]) -> str:
    return _table(
        ["Target", "Measured (median, range over rounds)", "Goal", "Result"],
        [
            [t["target"], t["measured"], t["goal"], "pass" if t["passed"] else "**FAIL**"]
            for t in summary["targets"]
        ],
    )


def per_call_table(summary: dict[str, Any]) -> str:
    """Headline columns first: the distance to floor+sigv4 (what the service
    requires of any client); then the ratios to the unsigned floor and the
    absolute figures."""
    rows = []
    for e in summary["per_call"]:
        is_floor = e["label"] == floor_of(e["label"])
        sigv4_cpu = _range(e["sigv4_cpu_ratio"]) if "sigv4_cpu_ratio" in e else "-"
        sigv4_latency = _range(e["sigv4_latency_ratio"]) if "sigv4_latency_ratio" in e else "-"
        latency = "-"
        if "latency_ms" in e:
            latency = f"{e['latency_ms']:.3f}"
            if not is_floor:
                latency += f" ({e['latency_ratio']['median']:.2f}x)"
        rows.append(
            [
                OP_NAMES[e["op"]],
                str(e["concurrency"]),
                e["label"],
                sigv4_cpu,
                sigv4_latency,
                "1.00x" if is_floor else _range(e["cpu_ratio"]),
                "1.00x" if is_floor else _range(e["rate_ratio"]),
                latency,
                f"{e['cpu_us']:.0f}",
                f"{e['calls_per_s']:,.0f}",
                f"{e['server_cores']:.2f}",
            ]
        )
    return _table(
        [
            "Operation",
            "In flight",
            "Client",
            "**CPU/call vs floor+sigv4**",
            "**median latency vs floor+sigv4**",
            "CPU/call vs floor",
            "calls/s vs floor",
            "median latency ms (vs floor)",
            "CPU µs/call",
            "calls/s",
            "server cores busy",
        ],
        rows,
    )


def instruction_ratios(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each client's instructions per call, with its ratio to floor+sigv4
    counted for the same operation and concurrency."""
    rows = (results.get("instructions") or {}).get("rows", [])
    base = {(r["op"], r["concurrency"]): r["per_call"] for r in rows if r["label"] == "floor+sigv4"}
    out = []
    for r in rows:
        floor = base.get((r["op"], r["concurrency"]))
        out.append({**r, "vs_sigv4": r["per_call"] / floor if floor else None})
    return out


def instructions_table(results: dict[str, Any]) -> str:
    rows = instruction_ratios(results)
    if not rows:
        return "Not measured (valgrind is not installed).\n"
    return _table(
        ["Operation", "In flight", "Client", "instructions/call", "**vs floor+sigv4**"],
        [
            [
                OP_NAMES[r["op"]],
                str(r["concurrency"]),
                r["label"],
                f"{r['per_call'] / 1e3:,.1f}k",
                "-" if r["vs_sigv4"] is None else f"{r['vs_sigv4']:.3f}x",
            ]
            for r in rows
        ],
    )


def coldstart_table(summary: dict[str, Any]) -> str:
    cold = summary.get("coldstart")
    if not cold:
        return "Not measured in this run.\n"
    rows = []
    for name, v in cold["variants"].items():
        rows.append(
            [
                name,
                f"{v['seconds']:.0f}",
                f"{v['cpu']:.0f}",
                f"{v['import']:.0f}",
                f"{v['process_seconds']:.0f}",
                f"{v['rss']:.1f}",
            ]
        )
    ratio_rows = [
        [pair.replace("/", " vs "), _range(r["seconds"]), _range(r["cpu"])]
        for pair, r in cold["ratios"].items()
    ]
    return (
        f"Fresh interpreter per sample, {cold['rounds']} alternated rounds, medians. "
        "Time and CPU from the program's first line to the parsed GetFunction answer "
        "from the canned endpoint (the import included); `import` is the library's "
        "import alone; `process` is what the parent waited for, interpreter start-up "
        "and exit included.\n\n"
        + _table(
            [
                "Client",
                "to first answer, ms",
                "CPU ms",
                "import, ms",
                "process, ms",
                "RSS MiB",
            ],
            rows,
        )
        + "\nRatios between runs of the same round (median, range):\n\n"
        + _table(["Ratio", "time to first answer", "CPU to first answer"], ratio_rows)
    )


def stalls_table(summary: dict[str, Any]) -> str:
    rows_in = summary.get("stalls")
    if not rows_in:
        return "Not measured in this run.\n"
    rows = []
    for row in rows_in:
        cpu, wall = row["cpu"], row["wall"]
        rows.append(
            [
                OP_NAMES[row["op"]],
                row["label"],
                str(row["calls"]),
                f"{cpu['median_ms']:.2f}",
                f"{cpu['p90_ms']:.2f}",
                f"{cpu['max_ms']:.2f}",
                str(cpu["over_1ms"]),
                f"{wall['median_ms']:.2f} / {wall['max_ms']:.2f}",
                f"{row['first_ms']['cpu']:.1f}",
                f"{row['gc_calls']} ({row['gc_longest_ms']:.1f} ms)",
            ]
        )
    return (
        "One call in flight; for each call, the longest single step of the event loop "
        "(`bench/stalls.py`), timed by the loop thread's CPU (what the call made the "
        "loop do; preemption by other processes on a shared machine shows only in the "
        "wall-clock column). Steps during which Python's garbage collector ran are "
        "counted apart. The first call of each process is reported apart (imports, "
        "class definitions).\n\n"
        + _table(
            [
                "Operation",
                "Client",
                "calls",
                "longest step per call, median ms",
                "p90 ms",
                "max ms",
                "calls over 1 ms",
                "wall clock median / max ms",
                "first call ms",
                "calls with a GC pass (longest)",
            ],
            rows,
        )
    )


def durable_table(summary: dict[str, Any]) -> str:
    durable = summary.get("durable")
    if not durable:
        return "Not measured in this run.\n"
    names = {
        "floor": "floor (signer + http.client + json)",
        "lambda_client": "DurableServiceBackend",
        "boto3": "SDK default (boto3)",
    }
    rows = []
    page_operations: Any = "-"
    steps: Any = "-"
    for mode, clients in durable["modes"].items():
        for name, e in clients.items():
            vs_cp = e.get("checkpoint_cpu_us_vs_boto3")
            vs_page = e.get("page_cpu_us_vs_boto3")
            page_operations = e["page_operations"]
            steps = e.get("steps", steps)
            rows.append(
                [
                    mode,
                    names[name],
                    f"{e['checkpoint_cpu_us']:.0f}",
                    "-" if vs_cp is None else _range(vs_cp),
                    f"{e['page_cpu_us']:.0f}",
                    "-" if vs_page is None else _range(vs_page),
                    f"{e['checkpoint_wall_us']:.0f} / {e['page_wall_us']:.0f}",
                    f"{e['handler_ms']:.0f}" if "handler_ms" in e else "-",
                    f"{e['execution_ms']:.0f}" if "execution_ms" in e else "-",
                ]
            )
    return (
        f"The Durable Execution SDK's test server in its own process; {durable['rounds']} "
        "alternated round(s), medians. CPU is the measured process's, per call of the "
        "SDK's `DurableServiceClient` protocol (the SDK's own `to_dict`/`from_dict` "
        f"included); a state page holds {page_operations:.0f} operations. As shipped, the "
        "test server answers HTTP/1.0, so every call of every client opens a connection "
        "of its own; `kept connections` runs it answering HTTP/1.1 with a length, so "
        "clients keep their connections, as they do with Lambda. The floor is the least "
        "a synchronous client does (this project's signer, `http.client`, `json`, the "
        f"SDK's `from_dict`). The workflow has {steps} steps and a wait (two "
        "invocations); its handler and execution wall times come from the server's own "
        "invocations.\n\n"
        + _table(
            [
                "Server",
                "Client",
                "CPU µs / checkpoint",
                "vs boto3",
                "CPU µs / state page",
                "vs boto3",
                "wall µs checkpoint / page",
                "handler wall ms",
                "execution wall ms",
            ],
            rows,
        )
    )


def first_call_table(summary: dict[str, Any]) -> str:
    """The first call after construction (lazy imports, converters, the
    connection) and the memory of the process once its calls are done."""
    rows = []
    for op in PER_CALL_OPS:
        for e in summary["per_call"]:
            if e["op"] == op and e["concurrency"] == 1:
                rss = f"{e['rss_after_mib']:.1f}" if e["rss_after_mib"] else "-"
                rows.append([OP_NAMES[op], e["label"], f"{e['first_call_ms']:.1f}", rss])
    return _table(
        ["Operation", "Client", "first call after construction, ms", "RSS after the run, MiB"],
        rows,
    )


def startup_table(summary: dict[str, Any]) -> str:
    base = {
        "lambda_client": "aiohttp",
        "aiobotocore": "aiohttp",
        "smithy": "aiohttp@3.12",
    }
    aio_rss = summary["startup"].get("aiobotocore", {}).get("rss_mib")
    rows = []
    for label, data in summary["startup"].items():
        versus = "-"
        if label in base and base[label] in summary["startup"]:
            versus = f"{data['ms'] / summary['startup'][base[label]]['ms']:.2f}x {base[label]}"
        rss_vs = f"{data['rss_mib'] / aio_rss:.2f}x" if aio_rss and label != "python" else "-"
        rows.append(
            [
                label,
                f"{data['ms']:.0f}",
                versus,
                f"{data['cpu_ms']:.0f}",
                f"{data['rss_mib']:.1f}",
                rss_vs,
            ]
        )
    return _table(
        [
            "Variant",
            "import + client, ms",
            "vs import aiohttp",
            "CPU ms",
            "RSS MiB",
            "RSS vs aiobotocore",
        ],
        rows,
    )


def soak_table(summary: dict[str, Any]) -> str:
    rows = []
    for label, s in summary["soak"].items():
        rows.append(
            [
                label,
                f"{s['calls']:,}",
                f"{s['wall']:.1f}",
                f"{s['rss_start_mib']:.1f}",
                f"{s['rss_end_mib']:.1f}",
                f"{s['growth_after_first_tenth_mib']:+.2f}",
                " ".join(f"{rss / MIB:.1f}" for _calls, rss in s["samples"]),
            ]
        )
    return _table(
        [
            "Client",
            "calls",
            "seconds",
            "RSS after warm-up, MiB",
            "RSS at end, MiB",
            "growth after first tenth, MiB",
            "samples every tenth, MiB",
        ],
        rows,
    )


def micro_tables(summary: dict[str, Any]) -> str:
    micro = summary["micro"]
    stream_rows = []
    for case, d in micro["eventstream"].items():
        stream_rows.append(
            [
                case.replace("_", " "),
                f"{d['messages']:,} msgs / {d['bytes'] / 1e6:.2f} MB",
                f"{d['mb_per_s']['lambda_client']:.0f}",
                f"{d['mb_per_s'].get('lambda_client_zlib_crc', float('nan')):.0f}",
                f"{d['mb_per_s']['botocore']:.0f}",
                f"{d['speedup']:.2f}x",
            ]
        )
    sign_rows = []
    for op, d in micro["signing"].items():
        sign_rows.append(
            [
                OP_NAMES[op],
                f"{d['us_per_sign']['lambda_client']:.1f}",
                f"{d['us_per_sign']['botocore']:.1f}",
                f"{d['speedup']:.2f}x",
            ]
        )
    return (
        "Event-stream decoding (same bytes, 16 KiB chunks). lambda_client checks "
        "frames with zlib-ng's CRC-32 when the `speedups` extra is installed, as here; "
        "the next column is the same decoder with the standard library's zlib:\n\n"
        + _table(
            [
                "Frames",
                "Stream",
                "lambda_client MB/s",
                "without zlib-ng MB/s",
                "botocore MB/s",
                "speed-up",
            ],
            stream_rows,
        )
        + "\nSigV4 signing (identical signatures checked at a fixed time first):\n\n"
        + _table(["Request", "lambda_client µs", "botocore SigV4Auth µs", "speed-up"], sign_rows)
    )


def layers_table(results: dict[str, Any]) -> str:
    """lambda_client's CPU per call built up layer by layer (bench/layers.py)."""
    layers = results.get("layers")
    if not layers:
        return "Not measured in this run.\n"
    ops = [op for op in OP_NAMES if op in layers]
    names = list(layers[ops[0]]["us_per_call"])
    rows = []
    for name in names:
        row = [name]
        for op in ops:
            value = layers[op]["us_per_call"][name]
            step = layers[op]["step_us"][name]
            row += [f"{value:.0f}", "" if step is None else f"{step:+.0f}"]
        rows.append(row)
    header = ["Layer"]
    for op in ops:
        header += [f"{OP_NAMES[op]} µs/call", "step"]
    return (
        "Each layer adds one part of the client to the one above it; all run in one "
        "process against the same server, alternating in short blocks, so the steps are "
        "not lost in the noise between processes (median of "
        f"{layers[ops[0]]['blocks']} blocks, 32 in flight). A part costs several times "
        "more here than timed alone in a tight loop: by the next call its code and data "
        "are cold again.\n\n" + _table(header, rows)
    )


def _cprofile_text(summary: dict[str, Any]) -> list[str]:
    lines = [
        f"cProfile: {summary['calls']} calls; {summary['total_us_per_call']:.0f} µs of profiled "
        "CPU per call. cProfile inflates small Python functions several-fold; use it for "
        "call counts (a coroutine counts one call per resumption), py-spy for proportions.",
        "",
        "Self time by layer (µs per call, share):",
    ]
    for name, b in summary["buckets"].items():
        lines.append(f"  {name:28s} {b['us']:8.1f}  {b['share']:6.1%}")
    lines += ["", "Top functions by self time (µs per call, calls per call):"]
    for row in summary["top_self"]:
        lines.append(f"  {row['self_us']:7.1f} {row['calls_per_call']:6.1f}  {row['function']}")
    lines += ["", "lambda_client functions by cumulative time (µs per call, calls per call):"]
    for row in summary["top_cumulative_lambda_client"]:
        lines.append(f"  {row['cum_us']:7.1f} {row['calls_per_call']:6.1f}  {row['function']}")
    return lines


def _py_spy_text(summary: dict[str, Any]) -> list[str]:
    if "skipped" in summary:
        return [f"py-spy: skipped ({summary['skipped']})"]
    lines = [
        f"py-spy: {summary['samples']} samples of the running event loop; shares scaled to "
        f"the {summary['cpu_us_per_call']:.0f} µs of CPU per call the worker measured. "
        "Time in C is charged to the Python frame that called it. py-spy stops the process "
        "to sample, which favours frames that make system calls (asyncio.timeout and "
        "current_task reach getpid() through get_running_loop): trust the layers and the "
        "inclusive blocks more than single small functions.",
        "",
        "Own time by layer (µs per call, share):",
    ]
    for name, b in summary["buckets"].items():
        lines.append(f"  {name:28s} {b['us']:8.1f}  {b['share']:6.1%}")
    lines += ["", "Top functions by own time (µs per call, share):"]
    for row in summary["top_self"]:
        lines.append(f"  {row['us']:7.1f} {row['share']:6.1%}  {row['function']}")
    lines += ["", "lambda_client functions, inclusive (µs per call, share):"]
    for row in summary["top_inclusive_lambda_client"]:
        lines.append(f"  {row['us']:7.1f} {row['share']:6.1%}  {row['function']}")
    return lines


def profile_text(entry: dict[str, Any]) -> str:
    lines = [*_py_spy_text(entry["py_spy"]), "", "", *_cprofile_text(entry["cprofile"])]
    return "\n".join(lines) + "\n"


def machine_notes(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["settings"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items())
    load_before = " ".join(f"{x:.2f}" for x in results["load_before"])
    load_after = " ".join(f"{x:.2f}" for x in results["load_after"])
    return (
        f"- Run: {results['started']} UTC, `{s['command']}` ({s['mode']}), "
        f"{results['elapsed_seconds']:.0f} s.\n"
        f"- Machine: {m['cpu']}, {m['cores']} cores, Linux {m['kernel']}; shared with other "
        f"work (load average {load_before} before, {load_after} after).\n"
        f"- Python {m['python']}; {versions}; {m['smithy']}.\n"
        f"- Per-call runs: {s['rounds']} round(s), each client in its own process, "
        f"{s['warmup']} s warm-up then {s['duration']} s measured; pool size = calls in flight "
        f"for every client; GetFunction answer {s['get_function_body_bytes']} bytes, Invoke "
        f"payload {s['invoke_payload_bytes'] // 1024} KiB each way.\n"
    )


def markdown(results: dict[str, Any], summary: dict[str, Any], chart: str) -> str:
    quick = results["settings"]["mode"] == "quick"
    parts = [
        "# lambda_client benchmark report\n",
        (
            "**Quick run: one round of short runs. Use the full run for numbers to quote.**\n"
            if quick
            else ""
        ),
        machine_notes(results),
        "\nRatios compare runs made in the same round, moments apart; the median over rounds "
        "is shown with its range. Absolute numbers are context only: the machine is shared.\n",
        "\n## Targets\n\n",
        targets_table(summary),
        "\n## Per-call cost against the canned endpoint\n\n",
        "CPU is the client process's CPU time (user + system) divided by its calls. "
        "`floor` is raw aiohttp plus `json.loads`, signing nothing. `floor+sigv4` adds "
        "only what the service requires of any client, a SigV4 signature (with this "
        "project's signer; for Invoke it hashes the 64 KiB payload): it bounds what a "
        "signing client can reach against the floor."
        + (
            " The smithy SDK needs Python 3.12, so its ratios are to `floor@3.12`, the same "
            "floor run under 3.12."
            if any(r["label"] == "smithy" for r in results["per_call"])
            else ""
        )
        + " `server cores busy` is the canned server's CPU use: well below 1, it was "
        "not the limit.\n\n",
        per_call_table(summary),
        "\n### Instructions per call\n\n",
        "The same workers counted by valgrind (`python -m bench.instructions`): each runs "
        "twice under `valgrind --tool=cachegrind` with different numbers of calls after the "
        "same warm-up, and the difference of the totals divided by the difference of the "
        "calls is one call's instructions. Unlike CPU time, the count does not depend on "
        "what else the machine runs; it repeats to within 0.1% between runs. It weighs "
        "every instruction alike, so a client whose code misses the caches more costs "
        "more time than its count says. Under valgrind SHA-256 takes the software path "
        "(about 28 instructions a byte; natively this machine's CPU hashes with its SHA "
        "extensions), which inflates the 64 KiB Invoke of every signing client alike and "
        "brings its ratios towards 1.\n\n",
        instructions_table(results),
        "\n## Cold start: import, client, first answer\n\n",
        coldstart_table(summary),
        "\n## Event-loop stalls\n\n",
        stalls_table(summary),
        "\n## Durable backend\n\n",
        durable_table(summary),
        "\n## Import, start-up and memory\n\n",
        "Fresh interpreter per sample; time from the first line to a constructed client; "
        "RSS with the client alive.\n\n",
        startup_table(summary),
        "\nThe first call of a new client (median over the sequential runs), which pays for "
        "whatever was deferred: model classes, converters, the first connection, and for "
        "lambda_client the import of aiohttp (made in a worker thread). The last column is "
        "the resident set size at the end of the sequential run, with everything the calls "
        "needed loaded: the memory of a client in use.\n\n",
        first_call_table(summary),
        "\n## RSS over many calls\n\n",
        soak_table(summary),
        "\n## Event streams and signing\n\n",
        micro_tables(summary),
        "\n## Where lambda_client's time goes\n\n",
        layers_table(results),
        "\n## Profile of lambda_client at 32 in flight\n\n",
    ]
    for op in PER_CALL_OPS:
        parts.append(f"### {OP_NAMES[op]}\n\n```\n{profile_text(results['profile'][op])}```\n\n")
    parts.append(f"Chart: `{chart}`.\n")
    return "".join(parts)


def update_docs(page: Path, results: dict[str, Any], summary: dict[str, Any]) -> None:
    """Replace the generated block of docs/performance.md with this run's tables."""
    text = page.read_text()
    start, end = text.find(DOCS_START), text.find(DOCS_END)
    if start < 0 or end < start:
        raise RuntimeError(f"{page} lacks the {DOCS_START} ... {DOCS_END} block")
    block = (
        f"{DOCS_START}\n"
        "<!-- Written by `python -m bench`; edits inside this block are overwritten. -->\n\n"
        + machine_notes(results)
        + "\n### Targets\n\n"
        + targets_table(summary)
        + "\n### Per-call cost\n\n"
        + per_call_table(summary)
        + "\nInstructions per call, counted by valgrind (`python -m bench.instructions`; "
        "see `bench/results/report.md` for the method):\n\n"
        + instructions_table(results)
        + "\n### Cold start: import, client, first answer\n\n"
        + coldstart_table(summary)
        + "\n### Event-loop stalls\n\n"
        + stalls_table(summary)
        + "\n### Durable backend\n\n"
        + durable_table(summary)
        + "\n### Import, start-up and memory\n\n"
        + startup_table(summary)
        + "\n"
        + first_call_table(summary)
        + "\n"
        + soak_table(summary)
        + "\n### Event streams and signing\n\n"
        + micro_tables(summary)
        + "\n### Where lambda_client's time goes\n\n"
        + layers_table(results)
        + "\n"
    )
    page.write_text(text[:start] + block + text[end:])


# -- chart ----------------------------------------------------------------------------------

_COLOURS = {
    "aiohttp": "#9e9e9e",
    "boto3": "#d62728",
    "lambda_client blocking": "#6baed6",
    "floor": "#9e9e9e",
    "floor+sigv4": "#616161",
    "lambda_client": "#1f77b4",
    "aiobotocore": "#ff7f0e",
    "floor@3.12": "#cfcfcf",
    "smithy": "#2ca02c",
}


def chart(summary: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = summary["per_call"]
    scenarios = []
    for e in entries:
        key = (e["op"], e["concurrency"])
        if key not in scenarios:
            scenarios.append(key)
    labels = [label for label in LABELS if any(e["label"] == label for e in entries)]
    by_key = {(e["label"], e["op"], e["concurrency"]): e for e in entries}

    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    width = 0.8 / len(labels)
    xs = range(len(scenarios))
    names = [f"{OP_NAMES[op]}\n{c} in flight" for op, c in scenarios]

    ax = axes[0][0]
    for i, label in enumerate(labels):
        values = [by_key[label, op, c]["cpu_us"] for op, c in scenarios]
        ax.bar([x + i * width for x in xs], values, width, label=label, color=_COLOURS[label])
    ax.set_title("Client CPU per call (µs, lower is better)")
    ax.set_xticks([x + width * (len(labels) - 1) / 2 for x in xs], names, fontsize=8)
    ax.legend(fontsize=8)

    ax = axes[0][1]
    ratio_labels = [
        label
        for label in labels
        if all("sigv4_cpu_ratio" in by_key[label, op, c] for op, c in scenarios)
    ]
    rwidth = 0.8 / max(1, len(ratio_labels))
    for i, label in enumerate(ratio_labels):
        stats = [by_key[label, op, c]["sigv4_cpu_ratio"] for op, c in scenarios]
        med = [st["median"] for st in stats]
        ax.bar(
            [x + i * rwidth for x in xs],
            med,
            rwidth,
            yerr=[
                [m - st["min"] for m, st in zip(med, stats, strict=True)],
                [st["max"] - m for m, st in zip(med, stats, strict=True)],
            ],
            label=label,
            color=_COLOURS[label],
            capsize=2,
        )
    ax.axhline(1.0, color="black", linewidth=0.8)
    for op, goal in SIGV4_CPU_GOALS.items():
        ax.axhline(
            goal,
            color="red",
            linestyle="--" if op == "get_function" else ":",
            linewidth=0.8,
            label=f"{OP_NAMES[op]} target ({goal}x)",
        )
    ax.set_yscale("log")
    ax.set_title("CPU per call relative to floor+sigv4 (same round; bars: range)")
    ax.set_xticks([x + rwidth * (len(ratio_labels) - 1) / 2 for x in xs], names, fontsize=8)
    ax.legend(fontsize=8, loc="upper left")

    startup = summary["startup"]
    variants = [v for v in startup if v != "python"]
    colours = [_COLOURS.get(v, "#bbbbbb") for v in variants]
    ax = axes[1][0]
    cold = summary.get("coldstart")
    if cold:
        names_cold = list(cold["variants"])
        ax.bar(
            names_cold,
            [cold["variants"][v]["seconds"] for v in names_cold],
            color=[_COLOURS.get(v, "#bbbbbb") for v in names_cold],
        )
        ax.set_title("Cold start: import, client, first GetFunction answer (ms)")
    else:
        ax.bar(variants, [startup[v]["ms"] for v in variants], color=colours)
        ax.set_title("Import + client construction (ms, fresh interpreter)")
    ax.tick_params(axis="x", labelsize=7)

    ax = axes[1][1]
    ax.bar(variants, [startup[v]["rss_mib"] for v in variants], color=colours)
    if "python" in startup:
        ax.axhline(
            startup["python"]["rss_mib"],
            color="black",
            linewidth=0.8,
            linestyle=":",
            label="bare interpreter",
        )
        ax.legend(fontsize=8)
    ax.set_title("RSS after import + one client (MiB)")
    ax.tick_params(axis="x", labelsize=8)

    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
