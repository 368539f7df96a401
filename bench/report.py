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
OP_NAMES = {"get_function": "GetFunction", "invoke": "Invoke"}
#: The clients in the order tables and charts show them.
LABELS = ("floor", "floor+sigv4", "lambda_client", "aiobotocore", "floor@3.12", "smithy")
DOCS_START = "<!-- bench:results:start -->"
DOCS_END = "<!-- bench:results:end -->"


def floor_of(label: str) -> str:
    """The floor measured under the same interpreter as ``label``."""
    return "floor@3.12" if label in ("smithy", "floor@3.12") else "floor"


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
    for op in OP_NAMES:
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
    }
    summary["targets"] = targets(summary, results)
    return summary


def _find(summary: dict[str, Any], label: str, op: str, concurrency: int) -> dict[str, Any]:
    for entry in summary["per_call"]:
        if (entry["label"], entry["op"], entry["concurrency"]) == (label, op, concurrency):
            return entry
    raise KeyError((label, op, concurrency))


def _range(stats: dict[str, float]) -> str:
    return f"{stats['median']:.2f}x ({stats['min']:.2f}-{stats['max']:.2f})"


#: RSS may wobble by allocator noise; more than this after the first tenth is growth.
FLAT_TOLERANCE_MIB = 1.0


def targets(summary: dict[str, Any], results: dict[str, Any]) -> list[dict[str, Any]]:
    out = []

    def add(name: str, measured: str, goal: str, passed: bool) -> None:
        out.append({"target": name, "measured": measured, "goal": goal, "passed": passed})

    for op, title in OP_NAMES.items():
        entry = _find(summary, "lambda_client", op, 32)
        cpu, rate = entry["cpu_ratio"], entry["rate_ratio"]
        add(
            f"{title}, 32 in flight: CPU per call vs floor",
            _range(cpu),
            "<= 1.5x",
            cpu["median"] <= 1.5,
        )
        add(
            f"{title}, 32 in flight: calls/s vs floor",
            _range(rate),
            ">= 0.8x",
            rate["median"] >= 0.8,
        )
    for op, title in OP_NAMES.items():
        latency = _find(summary, "lambda_client", op, 1)["latency_ratio"]
        add(
            f"{title}, sequential: median latency vs floor",
            _range(latency),
            "<= 1.3x",
            latency["median"] <= 1.3,
        )
    ratios = summary["startup_ratios"]
    start = ratios["lambda_client/aiohttp"]
    add("import + client vs `import aiohttp`", _range(start), "<= 1.3x", start["median"] <= 1.3)
    rss = ratios["rss lambda_client/aiobotocore"]
    add("RSS after import + client vs aiobotocore", _range(rss), "<= 0.5x", rss["median"] <= 0.5)
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
    rows = []
    for e in summary["per_call"]:
        is_floor = e["label"] == floor_of(e["label"])
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
            "CPU/call vs floor",
            "calls/s vs floor",
            "median latency ms (vs floor)",
            "CPU µs/call",
            "calls/s",
            "server cores busy",
        ],
        rows,
    )


def first_call_table(summary: dict[str, Any]) -> str:
    """The first call after construction (lazy imports, converters, the
    connection) and the memory of the process once its calls are done."""
    rows = []
    for op in OP_NAMES:
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
    for op in OP_NAMES:
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
    ratio_labels = [label for label in labels if label != floor_of(label)]
    rwidth = 0.8 / len(ratio_labels)
    for i, label in enumerate(ratio_labels):
        med = [by_key[label, op, c]["cpu_ratio"]["median"] for op, c in scenarios]
        low = [
            m - by_key[label, op, c]["cpu_ratio"]["min"]
            for m, (op, c) in zip(med, scenarios, strict=True)
        ]
        high = [
            by_key[label, op, c]["cpu_ratio"]["max"] - m
            for m, (op, c) in zip(med, scenarios, strict=True)
        ]
        ax.bar(
            [x + i * rwidth for x in xs],
            med,
            rwidth,
            yerr=[low, high],
            label=label,
            color=_COLOURS[label],
            capsize=2,
        )
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.axhline(1.5, color="red", linestyle="--", linewidth=0.8, label="target at 32 (1.5x)")
    ax.set_title("CPU per call relative to the floor (same round; bars: range)")
    ax.set_xticks([x + rwidth * (len(ratio_labels) - 1) / 2 for x in xs], names, fontsize=8)
    ax.legend(fontsize=8, loc="upper left")

    startup = summary["startup"]
    variants = [v for v in startup if v != "python"]
    colours = [_COLOURS.get(v, "#bbbbbb") for v in variants]
    ax = axes[1][0]
    ax.bar(variants, [startup[v]["ms"] for v in variants], color=colours)
    ax.set_title("Import + client construction (ms, fresh interpreter)")
    ax.tick_params(axis="x", labelsize=8)

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
