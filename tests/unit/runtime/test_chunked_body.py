"""Large request bodies are handed to aiohttp in slices, one loop step each."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from lambda_client._runtime.chunked_body import CHUNK_BYTES, body_data


class RecordingWriter:
    """Records each write and how many other loop steps ran before it."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.ticks = 0
        self.ticks_at_write: list[int] = []

    async def write(self, chunk: Any) -> None:
        self.writes.append(bytes(chunk))
        self.ticks_at_write.append(self.ticks)


async def _ticker(writer: RecordingWriter, stop: asyncio.Event) -> None:
    while not stop.is_set():
        writer.ticks += 1
        await asyncio.sleep(0)


def test_small_bodies_are_passed_as_they_are() -> None:
    assert body_data(b"") is None
    body = b"x" * CHUNK_BYTES
    assert body_data(body) is body


@pytest.mark.parametrize("content_length", [None, 3 * CHUNK_BYTES + 5])
async def test_a_large_body_is_written_in_slices_with_the_loop_running_between(
    content_length: int | None,
) -> None:
    body = bytes(range(256)) * ((4 * CHUNK_BYTES + 1000) // 256)
    payload = body_data(body)
    assert payload.size == len(body)
    writer = RecordingWriter()
    stop = asyncio.Event()
    ticker = asyncio.create_task(_ticker(writer, stop))
    await asyncio.sleep(0)
    try:
        await payload.write_with_length(writer, content_length)
    finally:
        stop.set()
        await ticker
    expected = body if content_length is None else body[:content_length]
    assert b"".join(writer.writes) == expected
    assert all(len(w) <= CHUNK_BYTES for w in writer.writes)
    # Another task ran between every two slices.
    ticks = writer.ticks_at_write
    assert all(later > earlier for earlier, later in itertools.pairwise(ticks))


async def test_the_payload_reads_back_as_the_body() -> None:
    body = b"\x00\xff" * CHUNK_BYTES
    payload = body_data(body)
    assert await payload.as_bytes() == body
    writer = RecordingWriter()
    await payload.write(writer)
    assert b"".join(writer.writes) == body
