from __future__ import annotations

import asyncio
import struct
import uuid
import zlib
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from botocore.eventstream import EventStreamBuffer
from hypothesis import given, settings
from hypothesis import strategies as st

from lambda_client._runtime import eventstream, frame_encoder
from lambda_client._runtime.eventstream import (
    MAX_HEADERS_LENGTH,
    MAX_MESSAGE_LENGTH,
    PRELUDE_LENGTH,
    ChecksumMismatchError,
    EventMessage,
    EventStreamDecoder,
    HeaderSpec,
    HeaderType,
    HeaderValue,
    InvalidFrameError,
    TruncatedStreamError,
    iter_messages,
)
from lambda_client._runtime.exceptions import EventStreamError, LambdaClientError
from lambda_client._runtime.frame_encoder import FrameEncodeError, encode_message

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SAMPLE_UUID = uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")


# --------------------------------------------------------------------------- helpers


def raw_frame(
    headers: bytes = b"",
    payload: bytes = b"",
    *,
    total: int | None = None,
    headers_length: int | None = None,
) -> bytes:
    """Build a frame by hand, with correct CRCs over whatever lengths are given,
    so that tests can reach the checks behind the CRCs."""
    if total is None:
        total = 16 + len(headers) + len(payload)
    if headers_length is None:
        headers_length = len(headers)
    lengths = struct.pack(">II", total, headers_length)
    head = lengths + struct.pack(">I", zlib.crc32(lengths)) + headers + payload
    return head + struct.pack(">I", zlib.crc32(head))


def raw_header(name: str, type_byte: int, value: bytes) -> bytes:
    encoded = name.encode()
    return bytes([len(encoded)]) + encoded + bytes([type_byte]) + value


def decode_all(data: bytes, chunks: Iterable[int] | None = None) -> list[EventMessage]:
    """Decode ``data``, cut at the given offsets, and close the decoder."""
    decoder = EventStreamDecoder()
    messages: list[EventMessage] = []
    start = 0
    for cut in [*(chunks or ()), len(data)]:
        messages += decoder.feed(data[start:cut])
        start = cut
    decoder.close()
    return messages


def as_botocore(value: HeaderValue) -> object:
    """Our header value in botocore's representation of the same wire value."""
    if isinstance(value, datetime):
        return (value - EPOCH) // timedelta(milliseconds=1)
    if isinstance(value, uuid.UUID):
        return value.bytes
    return value


def botocore_decode(data: bytes) -> list[tuple[dict[str, Any], bytes]]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return [(message.headers, message.payload) for message in buffer]


def in_botocore_terms(messages: list[EventMessage]) -> list[tuple[dict[str, Any], bytes]]:
    return [
        ({name: as_botocore(value) for name, value in m.headers.items()}, m.payload)
        for m in messages
    ]


EVERY_TYPE: list[tuple[HeaderSpec, HeaderValue]] = [
    (("t", HeaderType.BOOL_TRUE, True), True),
    (("f", HeaderType.BOOL_FALSE, False), False),
    (("byte-min", HeaderType.BYTE, -128), -128),
    (("byte-max", HeaderType.BYTE, 127), 127),
    (("short-min", HeaderType.SHORT, -(2**15)), -(2**15)),
    (("short-max", HeaderType.SHORT, 2**15 - 1), 2**15 - 1),
    (("int-min", HeaderType.INTEGER, -(2**31)), -(2**31)),
    (("int-max", HeaderType.INTEGER, 2**31 - 1), 2**31 - 1),
    (("long-min", HeaderType.LONG, -(2**63)), -(2**63)),
    (("long-max", HeaderType.LONG, 2**63 - 1), 2**63 - 1),
    (("bytes-empty", HeaderType.BYTE_ARRAY, b""), b""),
    (("bytes", HeaderType.BYTE_ARRAY, bytes(range(256))), bytes(range(256))),
    (("bytes-max", HeaderType.BYTE_ARRAY, b"\xff" * 0xFFFF), b"\xff" * 0xFFFF),
    (("str-empty", HeaderType.STRING, ""), ""),
    (("str", HeaderType.STRING, "héllo, wörld ✓ 🐍"), "héllo, wörld ✓ 🐍"),
    (
        ("ts", HeaderType.TIMESTAMP, datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)),
        datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
    ),
    (
        ("ts-sub-ms", HeaderType.TIMESTAMP, datetime(2024, 5, 6, 7, 8, 9, 123999, tzinfo=UTC)),
        datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
    ),
    (
        (
            "ts-offset",
            HeaderType.TIMESTAMP,
            datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))),
        ),
        datetime(2024, 1, 1, tzinfo=UTC),
    ),
    (("ts-pre-epoch", HeaderType.TIMESTAMP, -1), EPOCH - timedelta(milliseconds=1)),
    (
        ("ts-ms", HeaderType.TIMESTAMP, 1_700_000_000_000),
        datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC),
    ),
    (("uuid", HeaderType.UUID, SAMPLE_UUID), SAMPLE_UUID),
    (("uuid-bytes", HeaderType.UUID, SAMPLE_UUID.bytes), SAMPLE_UUID),
]


def three_frames() -> list[bytes]:
    return [
        encode_message({":message-type": "event", ":event-type": "PayloadChunk"}, b"a"),
        encode_message(
            [
                (":message-type", HeaderType.STRING, "event"),
                ("n", HeaderType.SHORT, -3),
                ("id", HeaderType.UUID, SAMPLE_UUID),
            ],
            b"x" * 300,
        ),
        encode_message({}, b""),
    ]


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize(("spec", "expected"), EVERY_TYPE, ids=[s[0] for s, _ in EVERY_TYPE])
def test_every_header_type_round_trips(spec: HeaderSpec, expected: HeaderValue) -> None:
    frame = encode_message([spec], b"payload")
    [message] = decode_all(frame)
    name = spec[0]
    assert message.headers == {name: expected}
    assert type(message.headers[name]) is type(expected)
    assert message.payload == b"payload"
    # The wire type byte is the one asked for.
    assert frame[PRELUDE_LENGTH + 1 + len(name)] == spec[1]


def test_all_header_types_in_one_frame_round_trip_and_botocore_agrees() -> None:
    frame = encode_message([spec for spec, _ in EVERY_TYPE], b"\x00\x01")
    [message] = decode_all(frame)
    assert dict(message.headers) == {spec[0]: expected for spec, expected in EVERY_TYPE}
    assert botocore_decode(frame) == in_botocore_terms([message])


@pytest.mark.parametrize(
    ("value", "wire_type"),
    [
        (True, HeaderType.BOOL_TRUE),
        (False, HeaderType.BOOL_FALSE),
        (0, HeaderType.INTEGER),
        (-(2**31), HeaderType.INTEGER),
        (2**31 - 1, HeaderType.INTEGER),
        (2**31, HeaderType.LONG),
        (-(2**31) - 1, HeaderType.LONG),
        (b"raw", HeaderType.BYTE_ARRAY),
        ("text", HeaderType.STRING),
        (datetime(2020, 2, 2, tzinfo=UTC), HeaderType.TIMESTAMP),
        (SAMPLE_UUID, HeaderType.UUID),
    ],
)
def test_mapping_headers_infer_wire_types(value: HeaderValue, wire_type: HeaderType) -> None:
    frame = encode_message({"h": value})
    assert frame[PRELUDE_LENGTH + 2] == wire_type
    [message] = decode_all(frame)
    assert message.headers == {"h": value}


def test_empty_frame_is_sixteen_bytes() -> None:
    frame = encode_message()
    assert len(frame) == 16
    assert decode_all(frame) == [EventMessage({}, b"")]


def test_message_is_frozen_and_compares_by_value() -> None:
    source: dict[str, HeaderValue] = {"a": "b"}
    message = EventMessage(source, b"p")
    source["a"] = "changed"
    assert message.headers["a"] == "b"
    with pytest.raises(TypeError):
        message.headers["a"] = "c"  # type: ignore[index]
    assert message == EventMessage({"a": "b"}, b"p")
    assert "{'a': 'b'}" in repr(message)


def test_well_known_header_properties() -> None:
    message = EventMessage(
        {
            ":message-type": "event",
            ":event-type": "PayloadChunk",
            ":content-type": "application/octet-stream",
        },
        b"",
    )
    assert message.message_type == "event"
    assert message.event_type == "PayloadChunk"
    assert message.content_type == "application/octet-stream"
    assert message.exception_type is None
    # A well-known name carrying a non-string value is not reported as one.
    assert EventMessage({":event-type": 5}).event_type is None


def test_exception_frame_decodes_as_a_message() -> None:
    frame = encode_message(
        {
            ":message-type": "exception",
            ":exception-type": "ServiceException",
            ":content-type": "application/json",
        },
        b'{"message":"boom"}',
    )
    [message] = decode_all(frame)
    assert message.message_type == "exception"
    assert message.exception_type == "ServiceException"
    assert message.content_type == "application/json"
    assert message.event_type is None
    assert message.payload == b'{"message":"boom"}'


# --------------------------------------------------------------------------- chunking


def test_many_frames_in_one_chunk() -> None:
    frames = three_frames()
    decoder = EventStreamDecoder()
    messages = decoder.feed(b"".join(frames))
    assert [m.payload for m in messages] == [b"a", b"x" * 300, b""]
    assert decoder.buffered == 0
    decoder.close()


def test_split_at_every_byte_boundary() -> None:
    frames = three_frames()
    data = b"".join(frames)
    expected = decode_all(data)
    assert len(expected) == 3
    for cut in range(len(data) + 1):
        assert decode_all(data, [cut]) == expected, cut


def test_split_at_every_pair_of_boundaries() -> None:
    data = b"".join(three_frames()[::2] * 2)
    expected = decode_all(data)
    for first in range(len(data) + 1):
        for second in range(first, len(data) + 1):
            assert decode_all(data, [first, second]) == expected, (first, second)


def test_one_byte_chunks_complete_each_message_on_its_last_byte() -> None:
    frames = three_frames()
    data = b"".join(frames)
    ends = {sum(len(f) for f in frames[: i + 1]) for i in range(len(frames))}
    decoder = EventStreamDecoder()
    messages: list[EventMessage] = []
    for i in range(len(data)):
        got = decoder.feed(data[i : i + 1])
        assert len(got) == (1 if i + 1 in ends else 0), i
        messages += got
    decoder.close()
    assert messages == decode_all(data)


def test_feed_accepts_bytearray_and_memoryview() -> None:
    data = b"".join(three_frames())
    decoder = EventStreamDecoder()
    messages = decoder.feed(bytearray(data[:40]))
    messages += decoder.feed(memoryview(data)[40:])
    decoder.close()
    assert messages == decode_all(data)


def test_empty_chunks_are_ignored() -> None:
    decoder = EventStreamDecoder()
    assert decoder.feed(b"") == []
    frame = encode_message({"a": 1})
    assert decoder.feed(frame[:5]) == []
    assert decoder.feed(b"") == []
    assert len(decoder.feed(frame[5:])) == 1
    decoder.close()


def test_large_frame_in_small_chunks() -> None:
    # With whole-buffer copying per chunk this would move gigabytes.
    payload = bytes(range(256)) * (4 * 1024 * 4)
    frame = encode_message({":event-type": "PayloadChunk"}, payload)
    decoder = EventStreamDecoder()
    messages: list[EventMessage] = []
    for start in range(0, len(frame), 256):
        messages += decoder.feed(frame[start : start + 256])
    decoder.close()
    assert [m.payload for m in messages] == [payload]


def test_largest_allowed_frame() -> None:
    payload = b"\x00" * (MAX_MESSAGE_LENGTH - 16)
    frame = encode_message({}, payload)
    assert len(frame) == MAX_MESSAGE_LENGTH
    [message] = decode_all(frame)
    assert message.payload == payload
    with pytest.raises(FrameEncodeError, match="over the maximum"):
        encode_message({}, payload + b"\x00")


# --------------------------------------------------------------------------- corruption


@pytest.mark.parametrize("index", range(PRELUDE_LENGTH))
def test_corrupt_prelude_is_caught_by_the_prelude_crc(index: int) -> None:
    frame = bytearray(encode_message({"a": "b"}, b"payload"))
    frame[index] ^= 0x01
    decoder = EventStreamDecoder()
    # The prelude alone is enough to reject the frame.
    with pytest.raises(ChecksumMismatchError, match="prelude CRC mismatch") as caught:
        decoder.feed(bytes(frame[:PRELUDE_LENGTH]))
    assert caught.value.part == "prelude"
    assert caught.value.expected != caught.value.computed


def test_corrupt_message_crc_at_every_byte_after_the_prelude() -> None:
    frame = encode_message({"a": "b", "n": 7}, b"payload")
    for index in range(PRELUDE_LENGTH, len(frame)):
        corrupt = bytearray(frame)
        corrupt[index] ^= 0x80
        decoder = EventStreamDecoder()
        with pytest.raises(ChecksumMismatchError, match="message CRC mismatch") as caught:
            decoder.feed(bytes(corrupt))
        assert caught.value.part == "message", index


def test_errors_belong_to_the_library_tree() -> None:
    for cls in (ChecksumMismatchError, InvalidFrameError, TruncatedStreamError):
        assert issubclass(cls, EventStreamError)
        assert issubclass(cls, LambdaClientError)
    assert issubclass(FrameEncodeError, EventStreamError)
    assert issubclass(FrameEncodeError, ValueError)


def test_error_names_the_frame_offset() -> None:
    good = encode_message({}, b"ok")
    bad = bytearray(encode_message({}, b"bad"))
    bad[-1] ^= 1
    decoder = EventStreamDecoder()
    assert len(decoder.feed(good)) == 1
    with pytest.raises(ChecksumMismatchError, match=f"stream offset {len(good)}"):
        decoder.feed(bytes(bad))


def test_good_messages_before_a_bad_frame_are_returned_then_the_error() -> None:
    good = encode_message({}, b"ok")
    bad = bytearray(encode_message({}, b"bad"))
    bad[-1] ^= 1
    decoder = EventStreamDecoder()
    assert [m.payload for m in decoder.feed(good + bytes(bad))] == [b"ok"]
    with pytest.raises(ChecksumMismatchError):
        decoder.feed(good)
    # The decoder stays failed.
    with pytest.raises(ChecksumMismatchError):
        decoder.close()


def test_deferred_error_surfaces_on_close() -> None:
    good = encode_message({}, b"ok")
    decoder = EventStreamDecoder()
    assert len(decoder.feed(good + raw_frame(total=8))) == 1
    with pytest.raises(InvalidFrameError, match="below the minimum"):
        decoder.close()


def test_feed_after_close_is_refused() -> None:
    decoder = EventStreamDecoder()
    decoder.close()
    decoder.close()
    with pytest.raises(EventStreamError, match="closed"):
        decoder.feed(encode_message())


# --------------------------------------------------------------------------- truncation


def test_truncation_at_every_offset() -> None:
    frames = three_frames()
    data = b"".join(frames)
    boundaries = {sum(len(f) for f in frames[:i]) for i in range(len(frames) + 1)}
    for cut in range(len(data) + 1):
        decoder = EventStreamDecoder()
        decoder.feed(data[:cut])
        if cut in boundaries:
            decoder.close()
            continue
        with pytest.raises(TruncatedStreamError, match="ended inside the frame") as caught:
            decoder.close()
        assert decoder.buffered == 0
        # Closing again reports the same failure rather than succeeding.
        with pytest.raises(TruncatedStreamError) as again:
            decoder.close()
        assert again.value is caught.value


def test_truncation_message_says_how_much_arrived() -> None:
    frame = encode_message({}, b"0123456789")
    decoder = EventStreamDecoder()
    decoder.feed(frame[:5])
    with pytest.raises(TruncatedStreamError, match="5 of the 12 prelude bytes"):
        decoder.close()
    decoder = EventStreamDecoder()
    decoder.feed(frame[:20])
    with pytest.raises(TruncatedStreamError, match=f"20 of {len(frame)} bytes"):
        decoder.close()


# --------------------------------------------------------------------------- lengths and limits


@pytest.mark.parametrize(
    ("total", "headers_length", "match"),
    [
        (0, 0, "total length 0 is below the minimum of 16"),
        (15, 0, "total length 15 is below the minimum of 16"),
        (MAX_MESSAGE_LENGTH + 1, 0, "total length .* exceeds the maximum"),
        (2**32 - 1, 0, "total length .* exceeds the maximum"),
        (1024 * 1024, MAX_HEADERS_LENGTH + 1, "headers length .* exceeds the maximum"),
        (16, 1, "headers length 1 does not fit in a frame of total length 16"),
        (100, 85, "headers length 85 does not fit"),
    ],
)
def test_bad_lengths_are_rejected_from_the_prelude(
    total: int, headers_length: int, match: str
) -> None:
    frame = raw_frame(total=total, headers_length=headers_length)
    decoder = EventStreamDecoder()
    with pytest.raises(InvalidFrameError, match=match):
        decoder.feed(frame[:PRELUDE_LENGTH])


def test_headers_filling_the_whole_frame_are_accepted() -> None:
    headers = raw_header("a", HeaderType.STRING, b"\x00\x01z")
    [message] = decode_all(raw_frame(headers))
    assert message.headers == {"a": "z"}
    assert message.payload == b""


def test_payload_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under the default limits the total-length cap is reached first; a
    # lower payload cap shows the payload check is applied on its own.
    monkeypatch.setattr(eventstream, "MAX_PAYLOAD_LENGTH", 8)
    monkeypatch.setattr(frame_encoder, "MAX_PAYLOAD_LENGTH", 8)
    assert decode_all(raw_frame(payload=b"x" * 8))[0].payload == b"x" * 8
    with pytest.raises(InvalidFrameError, match="payload length 9 exceeds the maximum of 8"):
        EventStreamDecoder().feed(raw_frame(payload=b"x" * 9))
    with pytest.raises(FrameEncodeError, match="payload"):
        encode_message({}, b"x" * 9)


def test_encoder_refuses_oversized_headers() -> None:
    headers = {f"h{i}": "v" * 60000 for i in range(3)}
    with pytest.raises(FrameEncodeError, match="headers take"):
        encode_message(headers)


# --------------------------------------------------------------------------- header decoding


@pytest.mark.parametrize("type_byte", [10, 11, 127, 255])
def test_unknown_header_type(type_byte: int) -> None:
    frame = raw_frame(raw_header("odd", type_byte, b"\x00" * 4))
    with pytest.raises(InvalidFrameError, match=f"header 'odd' has unknown value type {type_byte}"):
        decode_all(frame)


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        (b"\x05abc", "header name needs 6 bytes but only 3 remain"),
        (b"\x03abc", "header name needs 4 bytes but only 3 remain"),
        (raw_header("b", HeaderType.BYTE, b""), "value of header 'b' needs 1 bytes"),
        (raw_header("s", HeaderType.SHORT, b"\x00"), "value of header 's' needs 2 bytes"),
        (raw_header("i", HeaderType.INTEGER, b"\x00" * 3), "value of header 'i' needs 4 bytes"),
        (raw_header("l", HeaderType.LONG, b"\x00" * 7), "value of header 'l' needs 8 bytes"),
        (raw_header("a", HeaderType.BYTE_ARRAY, b"\x00"), "length of header 'a' needs 2 bytes"),
        (raw_header("a", HeaderType.BYTE_ARRAY, b"\x00\x05abcd"), "value of header 'a' needs 5"),
        (raw_header("s", HeaderType.STRING, b"\xff\xffabc"), "value of header 's' needs 65535"),
        (raw_header("t", HeaderType.TIMESTAMP, b"\x00" * 4), "value of header 't' needs 8"),
        (raw_header("u", HeaderType.UUID, b"\x00" * 15), "value of header 'u' needs 16"),
    ],
)
def test_header_values_must_fit_in_the_headers_section(headers: bytes, match: str) -> None:
    # A payload after the headers must not be read as header bytes.
    frame = raw_frame(headers, payload=b"\x00" * 32)
    with pytest.raises(InvalidFrameError, match=match):
        decode_all(frame)


@pytest.mark.parametrize(
    ("headers", "match"),
    [
        (b"\x02\xff\xfe" + bytes([HeaderType.BOOL_TRUE]), "a header name is not valid UTF-8"),
        (
            raw_header("s", HeaderType.STRING, b"\x00\x02\xc3\x28"),
            "the value of header 's' is not valid UTF-8",
        ),
        (
            raw_header("d", HeaderType.BOOL_TRUE, b"") * 2,
            "duplicate header 'd'",
        ),
        (
            raw_header("t", HeaderType.TIMESTAMP, struct.pack(">q", 2**63 - 1)),
            "timestamp header 't' .* is outside the range of datetime",
        ),
    ],
)
def test_bad_header_contents(headers: bytes, match: str) -> None:
    with pytest.raises(InvalidFrameError, match=match):
        decode_all(raw_frame(headers))


def test_header_name_of_255_bytes() -> None:
    name = "n" * 255
    [message] = decode_all(encode_message({name: True}))
    assert message.headers == {name: True}
    with pytest.raises(FrameEncodeError, match="1 to 255 UTF-8 bytes"):
        encode_message({name + "n": True})
    with pytest.raises(FrameEncodeError, match="1 to 255 UTF-8 bytes"):
        encode_message({"": True})


# --------------------------------------------------------------------------- encoder input checks


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (("b", HeaderType.BYTE, 128), "signed 8-bit int"),
        (("s", HeaderType.SHORT, -(2**15) - 1), "signed 16-bit int"),
        (("i", HeaderType.INTEGER, 2**31), "signed 32-bit int"),
        (("l", HeaderType.LONG, 2**63), "signed 64-bit int"),
        (("i", HeaderType.INTEGER, True), "an int"),
        (("i", HeaderType.INTEGER, "1"), "an int"),
        (("t", HeaderType.BOOL_TRUE, False), "needs True"),
        (("f", HeaderType.BOOL_FALSE, True), "needs False"),
        (("a", HeaderType.BYTE_ARRAY, "text"), "needs bytes"),
        (("a", HeaderType.BYTE_ARRAY, b"\x00" * 65536), "at most 65535 bytes"),
        (("s", HeaderType.STRING, b"bytes"), "needs a str"),
        (("s", HeaderType.STRING, "é" * 32768), "at most 65535 bytes"),
        (("t", HeaderType.TIMESTAMP, datetime(2020, 1, 1)), "timezone-aware"),
        (("t", HeaderType.TIMESTAMP, "2020"), "a datetime or int"),
        (("t", HeaderType.TIMESTAMP, 2**63), "signed 64-bit"),
        (("u", HeaderType.UUID, b"\x00" * 15), "uuid.UUID or 16 bytes"),
        (("x", 10, 0), "unknown header type 10"),
    ],
)
def test_encoder_rejects_values_that_do_not_fit(spec: Any, match: str) -> None:
    with pytest.raises(FrameEncodeError, match=match):
        encode_message([spec])


def test_encoder_rejects_unsupported_mapping_values_and_duplicates() -> None:
    with pytest.raises(FrameEncodeError, match="cannot encode a value of type float"):
        encode_message({"f": 1.5})  # type: ignore[dict-item]
    with pytest.raises(FrameEncodeError, match="duplicate header 'd'"):
        encode_message([("d", HeaderType.STRING, "1"), ("d", HeaderType.STRING, "2")])
    with pytest.raises(FrameEncodeError, match="signed 64-bit"):
        encode_message({"big": 2**63})


# --------------------------------------------------------------------------- botocore as oracle


def test_botocore_decodes_our_frames_as_we_do() -> None:
    data = b"".join(three_frames())
    assert botocore_decode(data) == in_botocore_terms(decode_all(data))


def test_hand_built_frames_decode_the_same_in_botocore() -> None:
    headers = (
        raw_header(":message-type", HeaderType.STRING, b"\x00\x05event")
        + raw_header(":event-type", HeaderType.STRING, b"\x00\x0cPayloadChunk")
        + raw_header("flag", HeaderType.BOOL_FALSE, b"")
        + raw_header("short", HeaderType.SHORT, b"\xff\xfe")
        + raw_header("when", HeaderType.TIMESTAMP, struct.pack(">q", 1_234_567_890_123))
        + raw_header("id", HeaderType.UUID, SAMPLE_UUID.bytes)
        + raw_header("blob", HeaderType.BYTE_ARRAY, b"\x00\x03\x01\x02\x03")
    )
    data = raw_frame(headers, b'{"a": 1}') + raw_frame(payload=b"second")
    ours = decode_all(data)
    assert botocore_decode(data) == in_botocore_terms(ours)
    assert ours[0].headers["short"] == -2
    assert ours[0].headers["when"] == EPOCH + timedelta(milliseconds=1_234_567_890_123)


HEADER_NAMES = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30)


def header_specs() -> st.SearchStrategy[HeaderSpec]:
    def spec(kind: HeaderType, values: st.SearchStrategy[Any]) -> st.SearchStrategy[HeaderSpec]:
        return st.tuples(HEADER_NAMES, st.just(kind), values)

    return st.one_of(
        spec(HeaderType.BOOL_TRUE, st.just(True)),
        spec(HeaderType.BOOL_FALSE, st.just(False)),
        spec(HeaderType.BYTE, st.integers(-(2**7), 2**7 - 1)),
        spec(HeaderType.SHORT, st.integers(-(2**15), 2**15 - 1)),
        spec(HeaderType.INTEGER, st.integers(-(2**31), 2**31 - 1)),
        spec(HeaderType.LONG, st.integers(-(2**63), 2**63 - 1)),
        spec(HeaderType.BYTE_ARRAY, st.binary(max_size=64)),
        spec(HeaderType.STRING, st.text(alphabet=st.characters(codec="utf-8"), max_size=40)),
        spec(
            HeaderType.TIMESTAMP,
            st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0)),
        ),
        spec(HeaderType.UUID, st.uuids()),
    )


MESSAGES = st.lists(
    st.tuples(
        st.lists(header_specs(), max_size=6, unique_by=lambda s: s[0]),
        st.binary(max_size=200),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(messages=MESSAGES, data=st.data())
def test_random_messages_any_chunking_agree_with_botocore(
    messages: list[tuple[list[HeaderSpec], bytes]], data: st.DataObject
) -> None:
    stream = b"".join(encode_message(headers, payload) for headers, payload in messages)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    ours = decode_all(stream, cuts)
    assert [(dict(m.headers), m.payload) for m in ours] == [
        ({name: value for name, _, value in headers}, payload) for headers, payload in messages
    ]
    assert botocore_decode(stream) == in_botocore_terms(ours)


@st.composite
def headers_sections(draw: st.DrawFn) -> bytes:
    """Headers sections as they appear on the wire, intact or damaged."""
    specs = draw(st.lists(header_specs(), max_size=4, unique_by=lambda s: s[0]))
    section = bytearray(encode_message(specs)[PRELUDE_LENGTH:-4])
    if draw(st.booleans()):
        # Every name twice, which the decoder must refuse.
        section *= 2
    for _ in range(draw(st.integers(0, 3))):
        if section:
            section[draw(st.integers(0, len(section) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(section)))
    return bytes(section[:cut] if draw(st.booleans()) else section)


@settings(max_examples=500, deadline=None)
@given(section=st.one_of(headers_sections(), st.binary(max_size=64)))
def test_fast_header_decoding_agrees_with_the_checked_decoding(section: bytes) -> None:
    # The decoder tries the unchecked fast path first and falls back to the
    # checked one only when the fast path fails, so the two must agree on
    # what is valid and on what it decodes to.
    try:
        checked: dict[str, HeaderValue] | None = eventstream._decode_headers(
            memoryview(section), 0, len(section), 0
        )
    except InvalidFrameError:
        checked = None
    try:
        fast: dict[str, HeaderValue] | None = eventstream._decode_headers_fast(section)
    except eventstream._FAST_PATH_FAILURES:
        fast = None
    assert fast == checked
    if fast is not None and checked is not None:
        assert [type(v) for v in fast.values()] == [type(v) for v in checked.values()]


def test_repeated_headers_sections_are_decoded_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    real = eventstream._decode_headers_fast

    def counting(section: bytes) -> dict[str, HeaderValue]:
        calls.append(section)
        return real(section)

    monkeypatch.setattr(eventstream, "_decode_headers_fast", counting)
    chunk = encode_message({":event-type": "PayloadChunk"}, b"1")
    done = encode_message({":event-type": "InvokeComplete"}, b"")
    messages = decode_all(chunk + chunk + done + chunk)
    assert [(m.event_type, m.payload) for m in messages] == [
        ("PayloadChunk", b"1"),
        ("PayloadChunk", b"1"),
        ("InvokeComplete", b""),
        ("PayloadChunk", b"1"),
    ]
    assert len(calls) == 2
    # A section decoded once and handed to several messages is still read-only.
    with pytest.raises(TypeError):
        messages[0].headers[":event-type"] = "x"  # type: ignore[index]


def test_headers_cache_is_bounded() -> None:
    limit = eventstream._HEADERS_CACHE_LIMIT
    decoder = EventStreamDecoder()
    for seq in range(3 * limit):
        [message] = decoder.feed(encode_message({"seq": seq}))
        assert message.headers == {"seq": seq}
        assert len(decoder._headers_cache) <= limit
    # A section too large to be worth keeping is decoded but not cached.
    big = "x" * eventstream._HEADERS_CACHE_MAX_SECTION
    [message] = decoder.feed(encode_message({"big": big}))
    assert message.headers == {"big": big}
    assert all(
        len(section) <= eventstream._HEADERS_CACHE_MAX_SECTION for section in decoder._headers_cache
    )
    decoder.close()


# --------------------------------------------------------------------------- frames larger than a chunk

# Frames bigger than the chunks they arrive in are held piece by piece (views
# of immutable chunks, copies of mutable ones, a running CRC) rather than in
# one buffer, so every way a chunk boundary can fall inside them is covered.

LARGE_HEADERS = {
    ":message-type": "event",
    ":event-type": "PayloadChunk",
    ":content-type": "application/octet-stream",
}


def large_frames() -> list[bytes]:
    """A small frame, then two frames several times the size of a 4 KiB read."""
    return [
        encode_message({":event-type": "Small"}, b"s"),
        encode_message(LARGE_HEADERS, bytes(range(256)) * 48),
        encode_message({"n": 1}, b"\xab" * 9000),
    ]


def boundaries(frame_start: int, frame: bytes) -> dict[str, list[int]]:
    """Stream offsets inside each part of ``frame``, by part."""
    total, headers_length = struct.unpack_from(">II", frame)
    headers_end = frame_start + PRELUDE_LENGTH + headers_length
    end = frame_start + total
    return {
        "prelude": [frame_start + 1, frame_start + 11, frame_start + PRELUDE_LENGTH],
        "headers": [frame_start + 13, headers_end - 1, headers_end],
        # Far enough from both ends that the pieces either side are long
        # enough to be held as views.
        "payload": [headers_end + 1, headers_end + 4500, end - 4500, end - 5],
        "crc": [end - 4, end - 3, end - 1, end],
    }


def decode_in_chunks(
    data: bytes, cuts: Iterable[int], kind: str = "bytes"
) -> tuple[list[EventMessage], EventStreamDecoder]:
    """Decode ``data`` cut at ``cuts``, without closing the decoder.

    ``kind`` is how each chunk is handed over: ``bytes``, a ``memoryview``
    of bytes, or ``reused``: one bytearray that is refilled for every chunk
    and scribbled over after each feed, as a reader filling its own buffer
    would.
    """
    decoder = EventStreamDecoder()
    messages: list[EventMessage] = []
    buffer = bytearray()
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        piece = data[start:cut]
        start = cut
        if kind == "reused":
            # Resizing raises BufferError if the decoder still holds a view of it.
            buffer[:] = piece
            messages += decoder.feed(buffer)
            buffer[:] = b"\xee" * (len(buffer) + 1)
        elif kind == "memoryview":
            messages += decoder.feed(memoryview(piece))
        else:
            messages += decoder.feed(piece)
    return messages, decoder


@pytest.fixture(params=["installed", "stdlib"])
def crc(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Large frames with the CRC-32 the decoder picks (zlib-ng when the
    speedups extra is installed, as it is for the tests) and with zlib's."""
    if request.param == "stdlib":
        monkeypatch.setattr(eventstream, "crc32_function", lambda: zlib.crc32)
    return str(request.param)


@pytest.mark.usefixtures("crc")
@pytest.mark.parametrize("kind", ["bytes", "memoryview", "reused"])
def test_large_frames_split_at_every_pair_of_boundaries(kind: str) -> None:
    frames = large_frames()
    data = b"".join(frames)
    expected = decode_all(data)
    assert [len(m.payload) for m in expected] == [1, 256 * 48, 9000]
    first = boundaries(len(frames[0]), frames[1])
    second = boundaries(len(frames[0]) + len(frames[1]), frames[2])
    points = sorted({p for part in (*first.values(), *second.values()) for p in part})
    for a in points:
        for b in points:
            if a <= b:
                messages, decoder = decode_in_chunks(data, [a, b], kind)
                decoder.close()
                assert messages == expected, (a, b)


@pytest.mark.usefixtures("crc")
@pytest.mark.parametrize("kind", ["bytes", "reused"])
@pytest.mark.parametrize("size", [1000, 4096, 5000, 16 * 1024])
def test_large_frames_in_fixed_size_reads(kind: str, size: int) -> None:
    data = b"".join(large_frames() * 3)
    messages, decoder = decode_in_chunks(data, range(size, len(data), size), kind)
    assert decoder.buffered == 0
    decoder.close()
    assert messages == decode_all(data)


def test_buffered_counts_the_held_part_of_a_large_frame() -> None:
    frames = large_frames()
    data = frames[0] + frames[1]
    decoder = EventStreamDecoder()
    assert [m.payload for m in decoder.feed(data[:5000])] == [b"s"]
    assert decoder.buffered == 5000 - len(frames[0])
    assert decoder.feed(data[5000:10000]) == []
    assert decoder.buffered == 10000 - len(frames[0])
    [message] = decoder.feed(data[10000:])
    assert message.payload == bytes(range(256)) * 48
    assert decoder.buffered == 0
    decoder.close()


@st.composite
def large_streams(draw: st.DrawFn) -> tuple[list[tuple[list[HeaderSpec], bytes]], bytes, list[int]]:
    """Frames of up to 20 KB with cuts biased towards their part boundaries."""
    messages = []
    for _ in range(draw(st.integers(1, 3))):
        specs = draw(st.lists(header_specs(), max_size=4, unique_by=lambda s: s[0]))
        # A short random pattern repeated: large payloads without drawing every byte.
        pattern = draw(st.binary(min_size=1, max_size=16))
        size = draw(st.integers(0, 20_000))
        messages.append((specs, (pattern * (size // len(pattern) + 1))[:size]))
    frames = [encode_message(specs, payload) for specs, payload in messages]
    stream = b"".join(frames)
    near: list[int] = []
    start = 0
    for frame in frames:
        near += [p for part in boundaries(start, frame).values() for p in part]
        start += len(frame)
    near = [p for p in near if 0 <= p <= len(stream)]
    cut = st.one_of(st.sampled_from(near), st.integers(0, len(stream)))
    cuts = draw(st.lists(cut, max_size=6))
    return messages, stream, cuts


@settings(max_examples=150, deadline=None)
@given(case=large_streams(), kind=st.sampled_from(["bytes", "memoryview", "reused"]))
def test_random_large_frames_any_chunking(
    case: tuple[list[tuple[list[HeaderSpec], bytes]], bytes, list[int]], kind: str
) -> None:
    messages, stream, cuts = case
    decoded, decoder = decode_in_chunks(stream, cuts, kind)
    decoder.close()
    assert [(dict(m.headers), m.payload) for m in decoded] == [
        ({name: value for name, _, value in headers}, payload) for headers, payload in messages
    ]


def corrupt_large_stream(part: str) -> tuple[bytes, int]:
    """The large frames with one bit flipped in ``part`` of the second frame,
    and that frame's stream offset."""
    frames = large_frames()
    offset = len(frames[0])
    index = {
        "headers": PRELUDE_LENGTH + 3,
        "payload": len(frames[1]) // 2,
        "payload end": len(frames[1]) - 5,
        "crc": len(frames[1]) - 2,
    }[part]
    bad = bytearray(frames[1])
    bad[index] ^= 0x10
    return frames[0] + bytes(bad) + frames[2], offset


@pytest.mark.usefixtures("crc")
@pytest.mark.parametrize("part", ["headers", "payload", "payload end", "crc"])
@pytest.mark.parametrize("size", [1000, 5000])
@pytest.mark.parametrize("kind", ["bytes", "reused"])
def test_corrupt_byte_in_a_large_frame_across_chunks(part: str, size: int, kind: str) -> None:
    data, offset = corrupt_large_stream(part)
    # The same bytes in one chunk take the path that never holds a frame; the
    # good first frame comes back and the error is deferred to close().
    reference = EventStreamDecoder()
    assert [m.payload for m in reference.feed(data)] == [b"s"]
    with pytest.raises(ChecksumMismatchError) as whole:
        reference.close()
    decoder = EventStreamDecoder()
    messages: list[EventMessage] = []
    buffer = bytearray()
    with pytest.raises(ChecksumMismatchError) as caught:
        for start in range(0, len(data), size):
            chunk = data[start : start + size]
            if kind == "reused":
                buffer[:] = chunk
                messages += decoder.feed(buffer)
            else:
                messages += decoder.feed(chunk)
    assert str(caught.value) == str(whole.value)
    assert str(caught.value).startswith(f"frame at stream offset {offset}: message CRC mismatch")
    assert caught.value.part == "message"
    assert (caught.value.expected, caught.value.computed) == (
        whole.value.expected,
        whole.value.computed,
    )
    assert [m.payload for m in messages] == [b"s"]
    assert decoder.buffered == 0
    # The failed feed holds no view of the caller's buffer, and the error sticks.
    buffer.clear()
    with pytest.raises(ChecksumMismatchError):
        decoder.feed(large_frames()[0])
    with pytest.raises(ChecksumMismatchError):
        decoder.close()


@pytest.mark.usefixtures("crc")
def test_corrupt_crc_split_between_chunks() -> None:
    data, offset = corrupt_large_stream("crc")
    end = offset + len(large_frames()[1])
    for cuts in ([end - 2], [end - 3, end - 1], [offset + 6, end - 2], [offset + 6000, end - 4]):
        with pytest.raises(ChecksumMismatchError, match=f"stream offset {offset}: message CRC"):
            decode_in_chunks(data, cuts)


def test_held_frame_completed_before_a_bad_frame_in_the_same_chunk() -> None:
    frames = large_frames()
    bad = bytearray(frames[0])
    bad[-1] ^= 1
    data = frames[0] + frames[1] + bytes(bad)
    held = len(frames[0]) + 6000
    decoder = EventStreamDecoder()
    assert [m.payload for m in decoder.feed(data[:held])] == [b"s"]
    # The held frame completes and comes back; the bad one after it fails
    # the next call.
    [message] = decoder.feed(data[held:])
    assert message.payload == bytes(range(256)) * 48
    with pytest.raises(
        ChecksumMismatchError, match=f"stream offset {len(frames[0]) + len(frames[1])}: message"
    ):
        decoder.close()


@pytest.mark.parametrize(
    ("into", "detail"),
    [
        (5, "5 of the 12 prelude bytes"),
        (PRELUDE_LENGTH + 20, "32 of {total} bytes"),
        (7000, "7000 of {total} bytes"),
        # Negative: counted back from the end of the frame, here into its CRC.
        (-2, "{received} of {total} bytes"),
    ],
)
def test_close_inside_a_large_frame_reports_truncation(into: int, detail: str) -> None:
    frames = large_frames()
    total = len(frames[1])
    received = into % total
    data = frames[0] + frames[1][:received]
    decoder = EventStreamDecoder()
    for start in range(0, len(data), 5000):
        decoder.feed(data[start : start + 5000])
    assert decoder.buffered == received
    expected = detail.format(total=total, received=received)
    with pytest.raises(
        TruncatedStreamError, match=f"stream offset {len(frames[0])}: received {expected}$"
    ):
        decoder.close()
    assert decoder.buffered == 0
    with pytest.raises(TruncatedStreamError):
        decoder.close()


# --------------------------------------------------------------------------- iter_messages


async def from_list(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_iter_messages_decodes_a_chunked_stream() -> None:
    data = b"".join(three_frames())
    chunks = [data[i : i + 7] for i in range(0, len(data), 7)]
    messages = [m async for m in iter_messages(from_list(chunks))]
    assert messages == decode_all(data)


async def test_iter_messages_yields_before_the_source_produces_the_rest() -> None:
    frames = three_frames()
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    waiting = asyncio.Event()

    async def source() -> AsyncIterator[bytes]:
        while True:
            if queue.empty():
                waiting.set()
            chunk = await queue.get()
            if chunk is None:
                return
            yield chunk

    # The first frame plus part of the second: only the first is complete.
    queue.put_nowait(frames[0] + frames[1][:10])
    messages = iter_messages(source())
    first = await asyncio.wait_for(anext(messages), timeout=5)
    assert first.payload == b"a"
    assert queue.empty()

    # The second message needs bytes that are not there yet: the source blocks.
    pending = asyncio.ensure_future(anext(messages))
    await asyncio.wait_for(waiting.wait(), timeout=5)
    assert not pending.done()

    queue.put_nowait(frames[1][10:] + frames[2])
    queue.put_nowait(None)
    second = await asyncio.wait_for(pending, timeout=5)
    assert second.payload == b"x" * 300
    rest = [m async for m in messages]
    assert [m.payload for m in rest] == [b""]


async def test_iter_messages_raises_when_the_source_ends_mid_frame() -> None:
    frames = three_frames()
    seen: list[EventMessage] = []
    with pytest.raises(TruncatedStreamError):
        async for message in iter_messages(from_list([frames[0], frames[1][:-1]])):
            seen.append(message)
    assert [m.payload for m in seen] == [b"a"]


async def test_iter_messages_yields_good_messages_before_a_bad_frame() -> None:
    good = encode_message({}, b"ok")
    bad = bytearray(encode_message({}, b"bad"))
    bad[5] ^= 1
    seen: list[EventMessage] = []
    with pytest.raises(ChecksumMismatchError, match="prelude"):
        async for message in iter_messages(from_list([good + bytes(bad)])):
            seen.append(message)
    assert [m.payload for m in seen] == [b"ok"]


def test_text_that_is_not_utf8_is_an_encode_error() -> None:
    # A lone surrogate is a str but no UTF-8: the encoder's own error, not
    # a UnicodeEncodeError from inside it.
    with pytest.raises(FrameEncodeError, match="UTF-8"):
        encode_message({"name": "\ud800"})
    with pytest.raises(FrameEncodeError, match="UTF-8"):
        encode_message({"\ud800": "value"})
