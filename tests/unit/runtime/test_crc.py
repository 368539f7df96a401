"""The CRC-32 the event-stream decoder uses: zlib-ng's when installed, zlib's otherwise."""

from __future__ import annotations

import sys
import zlib
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from zlib_ng import zlib_ng

from lambda_client._runtime import crc, eventstream
from lambda_client._runtime.eventstream import EventStreamDecoder
from lambda_client._runtime.frame_encoder import encode_message


@pytest.fixture
def fresh_choice() -> Iterator[None]:
    crc.crc32_function.cache_clear()
    yield
    crc.crc32_function.cache_clear()


@pytest.mark.usefixtures("fresh_choice")
def test_zlib_ng_is_chosen_when_installed() -> None:
    assert crc.crc32_function() is zlib_ng.crc32


@pytest.mark.usefixtures("fresh_choice")
def test_zlib_is_chosen_without_zlib_ng(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "zlib_ng", None)
    assert crc.crc32_function() is zlib.crc32


@given(
    data=st.binary(max_size=5000),
    start=st.integers(0, 2**32 - 1),
    cut=st.integers(0, 5000),
    kind=st.sampled_from([bytes, bytearray, memoryview]),
)
def test_both_compute_the_same_checksum(data: bytes, start: int, cut: int, kind: type) -> None:
    piece = kind(data)[:cut]
    assert zlib_ng.crc32(piece) == zlib.crc32(piece)
    assert zlib_ng.crc32(piece, start) == zlib.crc32(piece, start)


def test_the_decoder_checks_frames_with_the_chosen_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []

    def counting(data: bytes | bytearray | memoryview, value: int = 0, /) -> int:
        seen.append(len(data))
        return zlib.crc32(data, value)

    monkeypatch.setattr(eventstream, "crc32_function", lambda: counting)
    frame = encode_message({":event-type": "PayloadChunk"}, b"x" * 40_000)
    decoder = EventStreamDecoder()
    messages = [
        m
        for start in range(0, len(frame), 16_384)
        for m in decoder.feed(frame[start : start + 16_384])
    ]
    decoder.close()
    assert [m.payload for m in messages] == [b"x" * 40_000]
    # Everything before the message CRC was checksummed, in the pieces it arrived in.
    assert sum(seen) - 8 == len(frame) - 4
