"""Pure-CPU comparisons against botocore, in one process, alternated per repeat.

    python -m bench.micro [--quick]

- Event-stream decoding: lambda_client's ``EventStreamDecoder.feed`` against
  botocore's ``EventStreamBuffer`` over the same InvokeWithResponseStream
  bytes, fed in the same 16 KiB chunks, every message's headers and payload
  decoded by both (checked before timing).
- SigV4: lambda_client's ``SigV4Signer.sign`` against botocore's
  ``SigV4Auth.add_auth`` on the same GetFunction and Invoke requests (the
  signatures are checked to be identical at a fixed time before timing).

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from unittest import mock

from . import fixtures

READ_SIZE = 16 * 1024
HOST = f"lambda.{fixtures.REGION}.amazonaws.com"


def _chunks(data: bytes) -> list[bytes]:
    return [data[i : i + READ_SIZE] for i in range(0, len(data), READ_SIZE)]


def _ours_decode(chunks: list[bytes]) -> list[tuple[dict[str, Any], bytes]]:
    from lambda_client._runtime.eventstream import EventStreamDecoder

    decoder = EventStreamDecoder()
    out = []
    for chunk in chunks:
        for message in decoder.feed(chunk):
            out.append((dict(message.headers), message.payload))
    decoder.close()
    return out


def _botocore_decode(chunks: list[bytes]) -> list[tuple[dict[str, Any], bytes]]:
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    out = []
    for chunk in chunks:
        buffer.add_data(chunk)
        for message in buffer:
            out.append((message.headers, message.payload))
    return out


def _decode_loop_ours(chunks: list[bytes]) -> int:
    from lambda_client._runtime.eventstream import EventStreamDecoder

    decoder = EventStreamDecoder()
    count = 0
    for chunk in chunks:
        for message in decoder.feed(chunk):
            # What a consumer reads of each event.
            message.event_type  # noqa: B018
            message.payload  # noqa: B018
            count += 1
    decoder.close()
    return count


def _decode_loop_ours_zlib_crc(chunks: list[bytes]) -> int:
    """Ours without the speedups extra's CRC-32 (zlib-ng): the standard library's."""
    from lambda_client._runtime import eventstream

    with mock.patch.object(eventstream, "crc32_function", lambda: zlib.crc32):
        return _decode_loop_ours(chunks)


def _decode_loop_botocore(chunks: list[bytes]) -> int:
    from botocore.eventstream import EventStreamBuffer

    buffer = EventStreamBuffer()
    count = 0
    for chunk in chunks:
        buffer.add_data(chunk)
        for message in buffer:
            message.headers.get(":event-type")
            message.payload  # noqa: B018
            count += 1
    return count


def _alternate(
    pair: dict[str, Callable[[], object]], repeats: int, inner: int
) -> dict[str, list[float]]:
    """Seconds per inner call of each function, one sample per repeat, alternating
    which goes first."""
    samples: dict[str, list[float]] = {name: [] for name in pair}
    names = list(pair)
    for r in range(repeats):
        for name in names if r % 2 == 0 else reversed(names):
            fn = pair[name]
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples[name].append((time.perf_counter() - start) / inner)
    return samples


def _summary(samples: dict[str, list[float]]) -> dict[str, Any]:
    ours, theirs = samples["lambda_client"], samples["botocore"]
    extra = {}
    if "lambda_client_zlib_crc" in samples:
        plain = samples["lambda_client_zlib_crc"]
        extra["speedup_zlib_crc"] = statistics.median(
            t / o for o, t in zip(plain, theirs, strict=True)
        )
    return {
        **extra,
        "seconds": {name: statistics.median(values) for name, values in samples.items()},
        # botocore time / ours: >1 means we are faster.
        "speedup": statistics.median(t / o for o, t in zip(ours, theirs, strict=True)),
        "speedup_min": min(t / o for o, t in zip(ours, theirs, strict=True)),
        "speedup_max": max(t / o for o, t in zip(ours, theirs, strict=True)),
    }


def bench_eventstream(repeats: int, quick: bool) -> dict[str, Any]:
    cases = {
        # Many small chunks: header decoding and per-frame overhead dominate.
        "small_frames": fixtures.response_stream(chunk_payload=256, frames=4000),
        # Few large chunks: CRC32 and copying dominate.
        "large_frames": fixtures.response_stream(chunk_payload=32 * 1024, frames=32),
    }
    out: dict[str, Any] = {}
    for name, data in cases.items():
        chunks = _chunks(data)
        ours, theirs = _ours_decode(chunks), _botocore_decode(chunks)
        if ours != theirs:
            raise AssertionError(f"decoders disagree on {name}")
        inner = 1 if quick else 3
        samples = _alternate(
            {
                "lambda_client": lambda c=chunks: _decode_loop_ours(c),
                "lambda_client_zlib_crc": lambda c=chunks: _decode_loop_ours_zlib_crc(c),
                "botocore": lambda c=chunks: _decode_loop_botocore(c),
            },
            repeats,
            inner,
        )
        result = _summary(samples)
        result["bytes"] = len(data)
        result["messages"] = len(ours)
        result["mb_per_s"] = {
            client: len(data) / seconds / 1e6 for client, seconds in result["seconds"].items()
        }
        out[name] = result
    return out


def _requests(kind: str) -> tuple[Any, Any]:
    from botocore.awsrequest import AWSRequest

    from lambda_client._runtime.http import HttpRequest

    if kind == "get_function":
        method, path, body = "GET", fixtures.GET_FUNCTION_PATH, b""
        extra: dict[str, str] = {}
    else:
        method, path, body = "POST", fixtures.INVOKE_PATH, fixtures.invoke_payload()
        extra = {"x-amz-invocation-type": "RequestResponse"}
    headers = {
        "user-agent": "bench/1.0",
        "amz-sdk-invocation-id": "0b7a6f0e-3c1d-4f2a-9e8b-7d6c5b4a3928",
        "amz-sdk-request": "attempt=1; max=3",
        **extra,
    }
    ours = HttpRequest(
        method=method, scheme="https", host=HOST, path=path, headers=dict(headers), body=body
    )
    theirs = AWSRequest(
        method=method, url=f"https://{HOST}{path}", headers=dict(headers), data=body
    )
    return ours, theirs


def bench_signing(repeats: int, quick: bool) -> dict[str, Any]:
    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.credentials import Credentials as BotoCredentials

    from lambda_client import Credentials
    from lambda_client._runtime.signer import SigV4Signer

    creds = Credentials(
        access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
    )
    boto_creds = BotoCredentials(fixtures.ACCESS_KEY_ID, fixtures.SECRET_ACCESS_KEY)
    out: dict[str, Any] = {}
    for kind in ("get_function", "invoke"):
        signer = SigV4Signer(service="lambda", region=fixtures.REGION)
        auth = SigV4Auth(boto_creds, "lambda", fixtures.REGION)
        ours, theirs = _requests(kind)

        # Same request, same instant: the two signatures must be the same bytes.
        fixed = datetime(2026, 3, 14, 9, 26, 53, tzinfo=UTC)
        signer.sign(ours, creds, now=fixed)
        with mock.patch.object(
            botocore.auth, "get_current_datetime", lambda at=fixed: at.replace(tzinfo=None)
        ):
            auth.add_auth(theirs)
        if ours.headers["authorization"] != theirs.headers["Authorization"]:
            raise AssertionError(
                f"signatures differ for {kind}:\n{ours.headers['authorization']}\n"
                f"{theirs.headers['Authorization']}"
            )

        inner = 500 if quick else 2000
        samples = _alternate(
            {
                "lambda_client": lambda s=signer, r=ours: s.sign(r, creds),
                "botocore": lambda a=auth, r=theirs: a.add_auth(r),
            },
            repeats,
            inner,
        )
        result = _summary(samples)
        result["us_per_sign"] = {
            client: seconds * 1e6 for client, seconds in result["seconds"].items()
        }
        out[kind] = result
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="event-stream and SigV4 micro-benchmarks")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    repeats = 5 if args.quick else 15
    print(
        json.dumps(
            {
                "eventstream": bench_eventstream(repeats, args.quick),
                "signing": bench_signing(repeats, args.quick),
            }
        )
    )


if __name__ == "__main__":
    main()
