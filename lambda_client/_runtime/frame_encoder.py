"""The event-stream frame encoder: the service's side of the codec in
``eventstream.py``.

The test stub answers ``InvokeWithResponseStream`` through it
(``service_wire.write_event``), and the tests build hostile and split
streams with it. Whatever it produces, `EventStreamDecoder` accepts:
frames the decoder would refuse raise `FrameEncodeError` instead.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import overload

from .eventstream import (
    EPOCH,
    I64,
    INT_STRUCTS,
    LENGTHS,
    MAX_HEADERS_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_PAYLOAD_LENGTH,
    MIN_MESSAGE_LENGTH,
    ONE_MS,
    U16,
    U32,
    HeaderSpec,
    HeaderType,
    HeaderValue,
)
from .exceptions import FrameEncodeError

__all__ = ["FrameEncodeError", "HeaderSpec", "HeaderType", "HeaderValue", "encode_message"]


def _infer_type(name: str, value: HeaderValue) -> HeaderType:
    # bool before int: bool is an int subclass.
    if isinstance(value, bool):
        return HeaderType.BOOL_TRUE if value else HeaderType.BOOL_FALSE
    if isinstance(value, int):
        return HeaderType.INTEGER if -(2**31) <= value < 2**31 else HeaderType.LONG
    if isinstance(value, bytes | bytearray):
        return HeaderType.BYTE_ARRAY
    if isinstance(value, str):
        return HeaderType.STRING
    if isinstance(value, datetime):
        return HeaderType.TIMESTAMP
    if isinstance(value, uuid.UUID):
        return HeaderType.UUID
    raise FrameEncodeError(f"header {name!r}: cannot encode a value of type {type(value).__name__}")


def _encode_value(out: bytearray, name: str, kind: HeaderType, value: HeaderValue) -> None:
    def wrong(expected: str) -> FrameEncodeError:
        # The value's type, not the value: a header may carry a token.
        return FrameEncodeError(
            f"header {name!r} of type {kind.name} needs {expected}, got {type(value).__name__}"
        )

    if kind is HeaderType.BOOL_TRUE or kind is HeaderType.BOOL_FALSE:
        if value is not (kind is HeaderType.BOOL_TRUE):
            raise wrong(str(kind is HeaderType.BOOL_TRUE))
    elif kind in INT_STRUCTS:
        packer = INT_STRUCTS[kind]
        bits = packer.size * 8
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("an int")
        if not -(1 << (bits - 1)) <= value < 1 << (bits - 1):
            raise wrong(f"a signed {bits}-bit int")
        out += packer.pack(value)
    elif kind is HeaderType.BYTE_ARRAY or kind is HeaderType.STRING:
        if kind is HeaderType.STRING:
            if not isinstance(value, str):
                raise wrong("a str")
            try:
                raw = value.encode("utf-8")
            except UnicodeEncodeError:
                raise wrong("text encodable as UTF-8 (no lone surrogates)") from None
        else:
            if not isinstance(value, bytes | bytearray):
                raise wrong("bytes")
            raw = bytes(value)
        if len(raw) > 0xFFFF:
            raise wrong("at most 65535 bytes")
        out += U16.pack(len(raw))
        out += raw
    elif kind is HeaderType.TIMESTAMP:
        if isinstance(value, datetime):
            if value.utcoffset() is None:
                raise wrong("a timezone-aware datetime")
            # Floor to whole milliseconds, the wire's resolution.
            millis = (value - EPOCH) // ONE_MS
        elif isinstance(value, int) and not isinstance(value, bool):
            millis = value
            if not -(2**63) <= millis < 2**63:
                raise wrong("milliseconds within a signed 64-bit int")
        else:
            raise wrong("a datetime or int milliseconds")
        out += I64.pack(millis)
    elif kind is HeaderType.UUID:
        if isinstance(value, uuid.UUID):
            out += value.bytes
        elif isinstance(value, bytes | bytearray) and len(value) == 16:
            out += value
        else:
            raise wrong("a uuid.UUID or 16 bytes")
    else:  # pragma: no cover - HeaderType() already rejected other values
        raise wrong("a known header type")


# Separate overloads give a dict display the Mapping context on its own;
# against the union mypy widens {"a": "x", "n": 1} to dict[str, object].
@overload
def encode_message(
    headers: Mapping[str, HeaderValue] = ..., payload: bytes | bytearray = ...
) -> bytes: ...
@overload
def encode_message(headers: Iterable[HeaderSpec], payload: bytes | bytearray = ...) -> bytes: ...
def encode_message(
    headers: Mapping[str, HeaderValue] | Iterable[HeaderSpec] = (),
    payload: bytes | bytearray = b"",
) -> bytes:
    """Encode one frame.

    ``headers`` is either a mapping, whose value types are inferred (``int``
    becomes INTEGER when it fits in 32 bits and LONG otherwise), or an
    iterable of ``(name, HeaderType, value)`` to choose the wire types, e.g.
    ``("n", HeaderType.SHORT, 7)``. TIMESTAMP takes an aware ``datetime``
    (floored to the millisecond) or int milliseconds; UUID takes a
    ``uuid.UUID`` or 16 bytes.

    Frames that `EventStreamDecoder` would reject (oversized, duplicate
    header names) raise `FrameEncodeError` instead of being produced.
    """
    specs: Iterable[tuple[str, HeaderType | int, HeaderValue]]
    if isinstance(headers, Mapping):
        specs = [(name, _infer_type(name, value), value) for name, value in headers.items()]
    else:
        specs = headers
    encoded = bytearray()
    seen: set[str] = set()
    for name, kind, value in specs:
        try:
            kind = HeaderType(kind)
        except ValueError:
            raise FrameEncodeError(f"header {name!r}: unknown header type {kind!r}") from None
        try:
            raw_name = name.encode("utf-8")
        except UnicodeEncodeError:
            raise FrameEncodeError("a header name must be encodable as UTF-8") from None
        if not 1 <= len(raw_name) <= 255:
            raise FrameEncodeError(
                f"header name {name!r} must be 1 to 255 UTF-8 bytes, not {len(raw_name)}"
            )
        if name in seen:
            raise FrameEncodeError(f"duplicate header {name!r}")
        seen.add(name)
        encoded.append(len(raw_name))
        encoded += raw_name
        encoded.append(kind)
        _encode_value(encoded, name, kind, value)
    if len(encoded) > MAX_HEADERS_LENGTH:
        raise FrameEncodeError(
            f"headers take {len(encoded)} bytes, over the maximum of {MAX_HEADERS_LENGTH}"
        )
    if len(payload) > MAX_PAYLOAD_LENGTH:
        raise FrameEncodeError(
            f"payload of {len(payload)} bytes is over the maximum of {MAX_PAYLOAD_LENGTH}"
        )
    total = MIN_MESSAGE_LENGTH + len(encoded) + len(payload)
    if total > MAX_MESSAGE_LENGTH:
        raise FrameEncodeError(
            f"frame of {total} bytes is over the maximum of {MAX_MESSAGE_LENGTH}"
        )
    frame = bytearray(LENGTHS.pack(total, len(encoded)))
    frame += U32.pack(zlib.crc32(frame))
    frame += encoded
    frame += payload
    frame += U32.pack(zlib.crc32(frame))
    return bytes(frame)
