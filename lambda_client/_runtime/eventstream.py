"""The ``application/vnd.amazon.eventstream`` frame codec, over plain bytes.

``InvokeWithResponseStream`` answers with a sequence of binary frames:

```text
total length   u32  \\
headers length u32   } prelude, 12 bytes
prelude CRC32  u32  /   (over the two lengths)
headers        headers-length bytes
payload        total - headers - 16 bytes
message CRC32  u32      (over everything before it)
```

Each header is a name (u8 length, UTF-8), a type byte (`HeaderType`)
and a value whose encoding depends on the type. All integers are big-endian.

Nothing here does I/O: `EventStreamDecoder` is fed whatever chunks
the transport produces, and `iter_messages()` adapts it to an async
iterator of chunks.
"""

from __future__ import annotations

import enum
import struct
import uuid
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

from attrs import field, frozen

from .crc import crc32_function
from .exceptions import (
    ChecksumMismatchError,
    EventStreamError,
    InvalidFrameError,
    TruncatedStreamError,
)

__all__ = [
    "MAX_HEADERS_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_PAYLOAD_LENGTH",
    "MIN_MESSAGE_LENGTH",
    "PRELUDE_LENGTH",
    "ChecksumMismatchError",
    "EventMessage",
    "EventStreamDecoder",
    "HeaderSpec",
    "HeaderType",
    "HeaderValue",
    "InvalidFrameError",
    "TruncatedStreamError",
    "iter_messages",
]

#: Bytes of the prelude: total length, headers length, prelude CRC.
PRELUDE_LENGTH = 12
#: The smallest frame: a prelude and a message CRC, no headers, no payload.
MIN_MESSAGE_LENGTH = PRELUDE_LENGTH + 4
#: Largest frame accepted, prelude and CRCs included.
MAX_MESSAGE_LENGTH = 16 * 1024 * 1024
#: Largest headers section accepted.
MAX_HEADERS_LENGTH = 128 * 1024
#: Largest payload accepted.
MAX_PAYLOAD_LENGTH = 16 * 1024 * 1024

_PRELUDE = struct.Struct(">III")
LENGTHS = struct.Struct(">II")
U32 = struct.Struct(">I")
U16 = struct.Struct(">H")
I64 = struct.Struct(">q")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)


class HeaderType(enum.IntEnum):
    """The wire type byte of a header value."""

    BOOL_TRUE = 0
    BOOL_FALSE = 1
    BYTE = 2
    SHORT = 3
    INTEGER = 4
    LONG = 5
    BYTE_ARRAY = 6
    STRING = 7
    TIMESTAMP = 8
    UUID = 9


#: A decoded header value. Integers of every width decode to ``int``,
#: timestamps to an aware UTC ``datetime``, UUIDs to ``uuid.UUID``.
HeaderValue = bool | int | bytes | str | datetime | uuid.UUID
#: A header with an explicit wire type, for when the width matters.
HeaderSpec = tuple[str, HeaderType, HeaderValue]

INT_STRUCTS: dict[int, struct.Struct] = {
    HeaderType.BYTE: struct.Struct(">b"),
    HeaderType.SHORT: struct.Struct(">h"),
    HeaderType.INTEGER: struct.Struct(">i"),
    HeaderType.LONG: I64,
}

# The decoder's hot path compares type bytes against plain ints: each
# ``HeaderType.X`` would be an attribute lookup per header.
_BOOL_TRUE = 0
_BOOL_FALSE = 1
_BYTE_ARRAY = 6
_STRING = 7
_TIMESTAMP = 8
_UUID = 9

# Bounds of each decoder's cache of decoded headers sections (see
# EventStreamDecoder.__init__). Sections carrying per-frame values (ids,
# timestamps) never repeat and would otherwise grow it without limit; large
# sections are rare and not worth holding at all.
_HEADERS_CACHE_LIMIT = 32
_HEADERS_CACHE_MAX_SECTION = 512


def _freeze_headers(headers: Mapping[str, HeaderValue]) -> Mapping[str, HeaderValue]:
    # A frozen message whose headers dict could still be mutated would not be frozen.
    return MappingProxyType(dict(headers))


def _headers_repr(headers: Mapping[str, HeaderValue]) -> str:
    return repr(dict(headers))


@frozen(slots=True)
class EventMessage:
    """One decoded frame.

    The well-known ``:``-prefixed headers are exposed as properties; each is
    ``None`` when the header is absent or is not a string.
    """

    headers: Mapping[str, HeaderValue] = field(converter=_freeze_headers, repr=_headers_repr)
    payload: bytes = b""

    # Each property does its own lookup: a shared helper would add a call to
    # what consumers do on every message.
    @property
    def message_type(self) -> str | None:
        """``:message-type``: ``event``, ``exception`` or ``error``."""
        value = self.headers.get(":message-type")
        return value if isinstance(value, str) else None

    @property
    def event_type(self) -> str | None:
        """``:event-type``, set on ``event`` messages."""
        value = self.headers.get(":event-type")
        return value if isinstance(value, str) else None

    @property
    def exception_type(self) -> str | None:
        """``:exception-type``, set on ``exception`` messages."""
        value = self.headers.get(":exception-type")
        return value if isinstance(value, str) else None

    @property
    def content_type(self) -> str | None:
        """``:content-type`` of the payload."""
        value = self.headers.get(":content-type")
        return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- decoding


def _utf8(data: memoryview, what: str, frame_offset: int) -> str:
    try:
        return str(data, "utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidFrameError(
            f"frame at stream offset {frame_offset}: {what} is not valid UTF-8 ({exc.reason})"
        ) from None


def _decode_headers(
    view: memoryview, start: int, end: int, frame_offset: int
) -> dict[str, HeaderValue]:
    headers: dict[str, HeaderValue] = {}
    pos = start

    def need(count: int, what: str) -> None:
        if pos + count > end:
            raise InvalidFrameError(
                f"frame at stream offset {frame_offset}: {what} needs {count} bytes "
                f"but only {end - pos} remain in the headers section"
            )

    while pos < end:
        name_length = view[pos]
        pos += 1
        # The name and the type byte after it must both fit.
        need(name_length + 1, "header name")
        name = _utf8(view[pos : pos + name_length], "a header name", frame_offset)
        pos += name_length
        type_byte = view[pos]
        pos += 1
        value: HeaderValue
        if type_byte == HeaderType.BOOL_TRUE:
            value = True
        elif type_byte == HeaderType.BOOL_FALSE:
            value = False
        elif type_byte in INT_STRUCTS:
            packer = INT_STRUCTS[type_byte]
            need(packer.size, f"the value of header {name!r}")
            (value,) = packer.unpack_from(view, pos)
            pos += packer.size
        elif type_byte == HeaderType.BYTE_ARRAY or type_byte == HeaderType.STRING:
            need(2, f"the length of header {name!r}")
            (length,) = U16.unpack_from(view, pos)
            pos += 2
            need(length, f"the value of header {name!r}")
            raw = view[pos : pos + length]
            pos += length
            if type_byte == HeaderType.STRING:
                value = _utf8(raw, f"the value of header {name!r}", frame_offset)
            else:
                value = bytes(raw)
        elif type_byte == HeaderType.TIMESTAMP:
            need(8, f"the value of header {name!r}")
            (millis,) = I64.unpack_from(view, pos)
            pos += 8
            try:
                value = EPOCH + timedelta(milliseconds=millis)
            except OverflowError:
                raise InvalidFrameError(
                    f"frame at stream offset {frame_offset}: timestamp header {name!r} "
                    f"({millis} ms) is outside the range of datetime"
                ) from None
        elif type_byte == HeaderType.UUID:
            need(16, f"the value of header {name!r}")
            value = uuid.UUID(bytes=bytes(view[pos : pos + 16]))
            pos += 16
        else:
            raise InvalidFrameError(
                f"frame at stream offset {frame_offset}: header {name!r} has unknown "
                f"value type {type_byte}"
            )
        if name in headers:
            # Last-wins would let a second copy silently override the first.
            raise InvalidFrameError(
                f"frame at stream offset {frame_offset}: duplicate header {name!r}"
            )
        headers[name] = value
    return headers


class _Malformed(Exception):
    """Raised inside `_decode_headers_fast()` for a check it makes itself."""


# Everything _decode_headers_fast can raise on bad input. UnicodeDecodeError is
# a ValueError, and so is what uuid.UUID raises for a short value.
_FAST_PATH_FAILURES = (_Malformed, IndexError, ValueError, OverflowError, struct.error)


def _decode_headers_fast(section: bytes) -> dict[str, HeaderValue]:
    """Decode a whole headers section, raising one of `_FAST_PATH_FAILURES`
    on anything malformed.

    Indexing and slicing ``bytes`` is much cheaper than bounds-checking every
    field by hand and decoding through memoryview slices, so this runs
    unguarded and lets an out-of-range read fail on its own; the caller then
    re-runs `_decode_headers()` over the same bytes to raise the precise
    error.
    """
    headers: dict[str, HeaderValue] = {}
    end = len(section)
    pos = 0
    value: HeaderValue
    while pos < end:
        start = pos + 1
        pos = start + section[pos]
        name = section[start:pos].decode()
        # Indexing past the end here means the name or the type byte does not fit.
        type_byte = section[pos]
        pos += 1
        if type_byte == _STRING:
            start = pos + 2
            pos = start + (section[pos] << 8 | section[pos + 1])
            if pos > end:
                raise _Malformed
            value = section[start:pos].decode()
        elif type_byte == _BYTE_ARRAY:
            start = pos + 2
            pos = start + (section[pos] << 8 | section[pos + 1])
            if pos > end:
                raise _Malformed
            value = section[start:pos]
        elif type_byte == _BOOL_TRUE:
            value = True
        elif type_byte == _BOOL_FALSE:
            value = False
        elif type_byte == _TIMESTAMP:
            (millis,) = I64.unpack_from(section, pos)
            pos += 8
            value = EPOCH + timedelta(milliseconds=millis)
        elif type_byte == _UUID:
            start = pos
            pos += 16
            value = uuid.UUID(bytes=section[start:pos])
        else:
            packer = INT_STRUCTS.get(type_byte)
            if packer is None:
                raise _Malformed
            (value,) = packer.unpack_from(section, pos)
            pos += packer.size
        if name in headers:
            raise _Malformed
        headers[name] = value
    return headers


def _message_checksum_error(
    frame_offset: int, expected: int, computed: int
) -> ChecksumMismatchError:
    return ChecksumMismatchError(
        f"frame at stream offset {frame_offset}: message CRC mismatch "
        f"(frame says 0x{expected:08x}, computed 0x{computed:08x})",
        part="message",
        expected=expected,
        computed=computed,
    )


# The decoder fills a new EventMessage through its slots rather than calling
# __init__: the converter would copy a headers mapping that is already a
# private read-only one, possibly shared with earlier messages.
_new_message = object.__new__
_set_message_headers = vars(EventMessage)["headers"].__set__
_set_message_payload = vars(EventMessage)["payload"].__set__

# An incomplete frame keeps a view of each piece of a caller's immutable chunk
# at least this long instead of copying it. Below that a copy costs about as
# much as the view, and many small views would outweigh the bytes they show.
_MIN_SHARED_PIECE = 4096


def _gather(pieces: list[memoryview | bytearray], size: int, start: int, end: int) -> bytes:
    """Bytes ``start:end`` of the ``size`` bytes held as ``pieces``, copied once."""
    first = pieces[0]
    if end <= len(first):
        # The usual case for the headers section.
        return memoryview(first)[start:end].tobytes()
    last = pieces[-1]
    last_start = size - len(last)
    if start < len(first) and end > last_start:
        # The usual case for a payload: from within the first piece to within the last.
        return b"".join(
            [memoryview(first)[start:], *pieces[1:-1], memoryview(last)[: end - last_start]]
        )
    parts: list[memoryview] = []
    for piece in pieces:
        piece_size = len(piece)
        if start < piece_size:
            parts.append(memoryview(piece)[start:end])
            if end <= piece_size:
                break
            start = 0
        else:
            start -= piece_size
        end -= piece_size
    return b"".join(parts)


class EventStreamDecoder:
    """Incremental decoder: feed it bytes as they arrive, get whole messages back.

    Chunks may split frames anywhere, or hold many frames. A frame's prelude
    is checked as soon as its 12 bytes are in, so an absurd length is
    rejected at once instead of after waiting for that many bytes. Call `close()` when the
    source ends: it raises `TruncatedStreamError` if a frame was left
    incomplete.

    If a chunk holds good frames followed by a bad one, `feed()` returns
    the good messages and the error is raised by the next `feed()` or
    `close()`, so that nothing validated is lost and the error still
    surfaces in stream order. Once an error has occurred the decoder stays
    failed and raises it again on every call.

    The caller may reuse or resize a ``bytearray`` (or a view of one) as soon
    as `feed()` returns: the decoder copies what it holds of a mutable
    chunk. Of an immutable ``bytes`` chunk it may keep a view, until the frame
    that view belongs to completes.
    """

    def __init__(self) -> None:
        # The incomplete frame (or nothing) between calls, in arrival order.
        # A frame larger than a chunk is mostly held as views of the chunks
        # and copied only once, into its payload, when it completes.
        self._pieces: list[memoryview | bytearray] = []
        # Bytes in self._pieces.
        self._have = 0
        # The incomplete frame's lengths, once its prelude is in (0 before).
        self._total = 0
        self._headers_length = 0
        # CRC32 of what has arrived of the incomplete frame, up to its last
        # four bytes (the message CRC itself), so that completing a large
        # frame does not read all of it again.
        self._crc = 0
        # Stream offset of the incomplete frame, or of the next byte when
        # there is none; error messages point at frames by it.
        self._offset = 0
        self._error: EventStreamError | None = None
        self._closed = False
        # A stream repeats the same few headers sections (every PayloadChunk
        # frame carries identical headers), so most frames skip header
        # decoding. Sharing one mapping between messages is sound because it
        # is read-only and its values are immutable.
        self._headers_cache: dict[bytes, Mapping[str, HeaderValue]] = {}
        self._crc32 = crc32_function()

    @property
    def buffered(self) -> int:
        """Bytes held for a frame that is not complete yet."""
        return self._have

    def feed(self, data: bytes | bytearray | memoryview) -> list[EventMessage]:
        """Add bytes; return the messages they complete, in stream order."""
        if self._error is not None or self._closed:
            self._raise_if_unusable()
            raise EventStreamError("feed() called on a closed EventStreamDecoder")
        messages: list[EventMessage] = []
        with memoryview(data) as incoming:
            chunk = incoming if incoming.format == "B" else incoming.cast("B")
            if not chunk:
                return messages
            start = 0
            try:
                if self._have:
                    start = self._resume(chunk, messages)
                    if start < 0:
                        return messages
                # Parse straight from the caller's chunk; only a trailing
                # partial frame is held.
                used = self._decode_frames(chunk, start, messages)
                if used < len(chunk):
                    self._hold(chunk[used:])
            except Exception as caught:
                # One guard for the whole reader: a failure the checks above
                # did not foresee is still a frame error, never a foreign one.
                exc = (
                    caught
                    if isinstance(caught, EventStreamError)
                    else InvalidFrameError(
                        f"frame at stream offset {self._offset} could not be decoded "
                        f"({type(caught).__name__})"
                    )
                )
                self._error = exc
                self._drop_pending()
                if not messages:
                    if exc is caught:
                        raise
                    raise exc from None
                return messages
        self._offset += used - start
        return messages

    def close(self) -> None:
        """Declare the end of the stream; raise if it ended inside a frame."""
        self._raise_if_unusable()
        if self._closed:
            return
        self._closed = True
        if self._have:
            if self._total:
                detail = f"{self._have} of {self._total} bytes"
            else:
                detail = f"{self._have} of the {PRELUDE_LENGTH} prelude bytes"
            self._error = TruncatedStreamError(
                f"event stream ended inside the frame at stream offset {self._offset}: "
                f"received {detail}"
            )
            self._drop_pending()
            raise self._error

    def _raise_if_unusable(self) -> None:
        if self._error is not None:
            # Re-raising the stored instance would grow its traceback on every call.
            raise self._error.with_traceback(None)

    def _drop_pending(self) -> None:
        for piece in self._pieces:
            if isinstance(piece, memoryview):
                # A failed feed()'s traceback still refers to the piece that
                # completed the frame; released, it no longer pins the
                # caller's buffer (a bytearray could not be resized).
                piece.release()
        self._pieces = []
        self._have = self._total = self._crc = 0

    def _take(self, piece: memoryview) -> None:
        """Hold ``piece``, the next bytes of a frame it does not complete.

        ``piece`` must be a view of its own (a slice), never feed()'s view of
        the whole chunk, which is released when feed() returns.
        """
        size = len(piece)
        covered = self._total - 4 - self._have
        if covered >= size:
            self._crc = self._crc32(piece, self._crc)
        elif covered > 0:
            self._crc = self._crc32(piece[:covered], self._crc)
        self._have += size
        if size >= _MIN_SHARED_PIECE and piece.readonly and isinstance(piece.obj, bytes):
            self._pieces.append(piece)
        elif self._pieces and isinstance(self._pieces[-1], bytearray):
            self._pieces[-1] += piece
        else:
            self._pieces.append(bytearray(piece))

    def _hold(self, rest: memoryview) -> None:
        """Start holding a frame that ``rest``, the end of a chunk, leaves incomplete."""
        if len(rest) >= PRELUDE_LENGTH:
            # _decode_frames has already checked this prelude.
            self._total, self._headers_length = LENGTHS.unpack_from(rest)
        self._take(rest)

    def _resume(self, chunk: memoryview, out: list[EventMessage]) -> int:
        """Continue the incomplete frame with the start of ``chunk``.

        Returns how many bytes of ``chunk`` completed the frame, or -1 if it
        took all of them and the frame is still incomplete.
        """
        taken = 0
        if not self._total:
            missing = PRELUDE_LENGTH - self._have
            if len(chunk) < missing:
                self._take(chunk[:])
                return -1
            prelude = b"".join([*self._pieces, chunk[:missing]])
            self._total, self._headers_length = self._check_prelude(
                memoryview(prelude), 0, self._offset
            )
            self._pieces = []
            self._have = 0
            self._take(memoryview(prelude))
            taken = missing
        total = self._total
        have = self._have
        end = taken + total - have
        if len(chunk) < end:
            self._take(chunk[taken:])
            return -1
        # The piece that completes the frame is used up before feed()
        # returns, so it is never copied, even from a mutable chunk.
        last = chunk[taken:end]
        pieces = self._pieces
        pieces.append(last)
        crc = self._crc
        # Bytes of the last piece before the message CRC; negative when that
        # CRC started in an earlier piece.
        covered = total - 4 - have
        if covered > 0:
            crc = self._crc32(last[:covered], crc)
        if covered >= 0:
            (expected,) = U32.unpack_from(last, covered)
        else:
            (expected,) = U32.unpack(_gather(pieces, total, total - 4, total))
        frame_offset = self._offset
        if crc != expected:
            raise _message_checksum_error(frame_offset, expected, crc)
        headers_end = PRELUDE_LENGTH + self._headers_length
        section = _gather(pieces, total, PRELUDE_LENGTH, headers_end)
        headers = self._headers_cache.get(section)
        if headers is None:
            headers = self._decode_section(section, frame_offset)
        message = _new_message(EventMessage)
        _set_message_headers(message, headers)
        _set_message_payload(message, _gather(pieces, total, headers_end, total - 4))
        out.append(message)
        self._pieces = []
        self._have = self._total = self._crc = 0
        self._offset = frame_offset + total
        return end

    def _decode_section(self, section: bytes, frame_offset: int) -> Mapping[str, HeaderValue]:
        """Decode a headers section that is not in the cache, and cache it."""
        try:
            decoded = _decode_headers_fast(section)
        except _FAST_PATH_FAILURES:
            decoded = _decode_headers(memoryview(section), 0, len(section), frame_offset)
        headers = MappingProxyType(decoded)
        if len(section) <= _HEADERS_CACHE_MAX_SECTION:
            cache = self._headers_cache
            if len(cache) >= _HEADERS_CACHE_LIMIT:
                cache.clear()
            cache[section] = headers
        return headers

    def _decode_frames(self, view: memoryview, pos: int, out: list[EventMessage]) -> int:
        """Decode the whole frames in ``view`` from ``pos``; return where they end."""
        # Stream offset of view[0]; only error messages need it.
        base = self._offset - pos
        available = len(view)
        crc32 = self._crc32
        cache = self._headers_cache
        new_message = _new_message
        set_headers = _set_message_headers
        set_payload = _set_message_payload
        while available - pos >= PRELUDE_LENGTH:
            total, headers_length, expected = _PRELUDE.unpack_from(view, pos)
            if (
                crc32(view[pos : pos + 8]) != expected
                or not MIN_MESSAGE_LENGTH + headers_length <= total <= MAX_MESSAGE_LENGTH
                or headers_length > MAX_HEADERS_LENGTH
                or total - MIN_MESSAGE_LENGTH - headers_length > MAX_PAYLOAD_LENGTH
            ):
                # One combined test keeps good frames fast; the full check
                # runs only to say what is wrong.
                self._check_prelude(view, pos, base + pos)
            if available - pos < total:
                break
            end = pos + total
            (expected,) = U32.unpack_from(view, end - 4)
            computed = crc32(view[pos : end - 4])
            if computed != expected:
                raise _message_checksum_error(base + pos, expected, computed)
            headers_start = pos + PRELUDE_LENGTH
            headers_end = headers_start + headers_length
            section = view[headers_start:headers_end].tobytes()
            headers = cache.get(section)
            if headers is None:
                headers = self._decode_section(section, base + pos)
            message = new_message(EventMessage)
            set_headers(message, headers)
            set_payload(message, view[headers_end : end - 4].tobytes())
            out.append(message)
            pos = end
        return pos

    @staticmethod
    def _check_prelude(view: memoryview, pos: int, frame_offset: int) -> tuple[int, int]:
        total, headers_length, expected = _PRELUDE.unpack_from(view, pos)
        # Nothing in the lengths can be trusted until their CRC matches.
        computed = zlib.crc32(view[pos : pos + 8])
        if computed != expected:
            raise ChecksumMismatchError(
                f"frame at stream offset {frame_offset}: prelude CRC mismatch "
                f"(frame says 0x{expected:08x}, computed 0x{computed:08x})",
                part="prelude",
                expected=expected,
                computed=computed,
            )
        where = f"frame at stream offset {frame_offset}"
        if total < MIN_MESSAGE_LENGTH:
            raise InvalidFrameError(
                f"{where}: total length {total} is below the minimum of {MIN_MESSAGE_LENGTH}"
            )
        if total > MAX_MESSAGE_LENGTH:
            raise InvalidFrameError(
                f"{where}: total length {total} exceeds the maximum of {MAX_MESSAGE_LENGTH}"
            )
        if headers_length > MAX_HEADERS_LENGTH:
            raise InvalidFrameError(
                f"{where}: headers length {headers_length} exceeds the maximum of "
                f"{MAX_HEADERS_LENGTH}"
            )
        if headers_length > total - MIN_MESSAGE_LENGTH:
            raise InvalidFrameError(
                f"{where}: headers length {headers_length} does not fit in a frame of "
                f"total length {total}"
            )
        payload_length = total - MIN_MESSAGE_LENGTH - headers_length
        if payload_length > MAX_PAYLOAD_LENGTH:
            raise InvalidFrameError(
                f"{where}: payload length {payload_length} exceeds the maximum of "
                f"{MAX_PAYLOAD_LENGTH}"
            )
        return total, headers_length


async def iter_messages(chunks: AsyncIterable[bytes]) -> AsyncIterator[EventMessage]:
    """Decode an async source of byte chunks, yielding each message as soon as
    its last byte arrives.

    Raises `TruncatedStreamError` if the source ends inside a frame.
    The source is not closed here: whoever opened it owns it.
    """
    decoder = EventStreamDecoder()
    async for chunk in chunks:
        for message in decoder.feed(chunk):
            yield message
    decoder.close()
