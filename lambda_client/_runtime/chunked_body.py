"""Large request bodies handed to aiohttp in slices, one event-loop step each.

Given a `bytes` body, aiohttp (on Python before 3.12.9) joins it with the
headers into one new buffer and writes that in a single call; whatever the
socket does not take at once is copied again into the transport's buffer.
For a 6 MB Invoke that one step held the loop for 2-3 ms. aiohttp also warns
(`ResourceWarning`) on every `bytes` body over 1 MiB, and the `BytesIO` it
suggests instead is copied whole to be measured, then read back in copied
chunks. Here a body larger than one slice is written as memoryview slices of
`CHUNK_BYTES`, yielding to the loop between them: no copy of the body is
made up front, no step copies more than one slice, and no warning is given.
The wire is the same: a Content-Length, no Content-Type (the transport's
request class never adds one), the same bytes.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp.abc import AbstractStreamWriter
    from aiohttp.payload import Payload

__all__ = ["CHUNK_BYTES", "body_data"]

#: Bytes written per step. Handing 256 KiB to the socket of a local peer
#: took 0.65-1.3 ms of the loop thread's CPU in one step (the kernel's copy
#: and TCP work are charged to the sender); half as much keeps a step well
#: under a millisecond.
CHUNK_BYTES = 128 * 1024


@functools.cache
def _chunked_payload_class() -> type[Payload]:
    # Only called once a request is being sent, when aiohttp is loaded.
    from aiohttp.payload import Payload

    class ChunkedBytesPayload(Payload):
        _value: bytes
        _autoclose = True  # bytes in memory: nothing to close

        def __init__(self, value: bytes) -> None:
            super().__init__(value)
            self._size = len(value)

        def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
            return self._value.decode(encoding, errors)

        async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
            return self._value

        async def write(self, writer: AbstractStreamWriter) -> None:
            await self.write_with_length(writer, None)

        async def write_with_length(
            self, writer: AbstractStreamWriter, content_length: int | None
        ) -> None:
            # Not released with `with`: the transport may still hold a
            # slice of it when this returns.
            view = memoryview(self._value)
            end = len(view) if content_length is None else min(content_length, len(view))
            for start in range(0, end, CHUNK_BYTES):
                if start:
                    # The writer drains only once the socket is full; a
                    # fast peer would otherwise take the body in one step.
                    await asyncio.sleep(0)
                await writer.write(view[start : min(start + CHUNK_BYTES, end)])

    return ChunkedBytesPayload


def body_data(body: bytes) -> Any:
    """What to pass aiohttp as `data=` for `body`: the bytes themselves
    (None when empty), or a slicing payload when larger than one slice."""
    if len(body) > CHUNK_BYTES:
        return _chunked_payload_class()(body)
    return body or None
