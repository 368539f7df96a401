"""Large answers are gathered piece by piece, the loop running between steps."""

from __future__ import annotations

import asyncio
import os
from typing import Any
from unittest import mock

import pytest
from aiohttp import StreamReader

from lambda_client._runtime import large_body
from lambda_client._runtime.exceptions import ConnectionClosedError
from lambda_client._runtime.large_body import STEP_BYTES, gather

PIECE = 100 * 1024
PIECES = 24


@pytest.fixture(params=["memfd", "buffer"])
def gathering(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "memfd" and not hasattr(os, "memfd_create"):
        pytest.skip("no memfd_create on this platform")
    if request.param == "buffer":
        monkeypatch.delattr(os, "memfd_create", raising=False)
    return str(request.param)


def buffered_answer(pieces: list[bytes]) -> StreamReader:
    """A body whose every piece has arrived before anyone reads it, as when
    the reading task was slow to run."""
    protocol = mock.Mock(_reading_paused=False)
    reader = StreamReader(protocol, 2**16, loop=asyncio.get_running_loop())
    for piece in pieces:
        reader.feed_data(piece)
    reader.feed_eof()
    return reader


def pieces_of(count: int) -> list[bytes]:
    return [bytes([i % 251]) * PIECE for i in range(count)]


async def test_buffered_pieces_come_a_few_per_loop_step() -> None:
    pieces = pieces_of(PIECES)
    reader = buffered_answer(pieces)
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    received: list[tuple[int, bytes]] = []
    async for piece in large_body._Pieces(reader):
        received.append((ticks, piece))
    stop.set()
    await ticking
    assert b"".join(p for _, p in received) == b"".join(pieces)
    assert all(len(p) == PIECE for _, p in received)
    # readany() would hand over all 2.4 MB joined, in one step; here a step
    # takes at most STEP_BYTES, plus the piece that crosses it.
    per_step: dict[int, int] = {}
    for tick, piece in received:
        per_step[tick] = per_step.get(tick, 0) + len(piece)
    assert max(per_step.values()) <= STEP_BYTES + PIECE
    assert len(per_step) >= (PIECE * PIECES) // (STEP_BYTES + PIECE)


@pytest.mark.usefixtures("gathering")
async def test_buffered_pieces_are_gathered_whole() -> None:
    pieces = pieces_of(PIECES)
    assert await gather(buffered_answer(pieces), PIECE * PIECES) == b"".join(pieces)


async def test_pieces_are_written_as_they_came_never_joined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if not hasattr(os, "memfd_create"):
        pytest.skip("no memfd_create on this platform")
    sizes: list[int] = []
    real_write = os.write

    def write(fd: int, data: Any) -> int:
        sizes.append(len(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    pieces = pieces_of(8)
    assert await gather(buffered_answer(pieces), PIECE * 8) == b"".join(pieces)
    assert sizes and max(sizes) <= PIECE


@pytest.mark.usefixtures("gathering")
async def test_a_short_buffered_body_is_refused() -> None:
    pieces = pieces_of(4)
    with pytest.raises(ConnectionClosedError, match=f"after {PIECE * 4} of {PIECE * 5} bytes"):
        await gather(buffered_answer(pieces), PIECE * 5)
