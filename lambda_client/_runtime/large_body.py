"""Answers of a megabyte or more, read without holding the event loop.

aiohttp's ``read()`` keeps the pieces of a body and joins them when the last
one arrives: one copy of the whole body in a single loop step (about 0.5 ms
for a 6 MB Invoke answer, every other task of the process waiting). Copied
into a buffer sized up front as the pieces arrive, the copying is spread
over the steps that receive them, but sizing the buffer zeroes it, again in
one step (0.5-1 ms for 6 MB, and 3.7-3.9 ms in two of 120 calls; found with
a step-by-step probe of the loop). Python has no way to
make an uninitialised buffer that ends up as ``bytes``, so on Linux the
pieces go into an anonymous in-memory file (``memfd_create``) as they
arrive, and one ``pread`` in a worker thread makes the ``bytes``: the
kernel copies with the GIL released and the loop runs meanwhile. Where
there is no ``memfd_create`` the sized buffer is used.
"""

from __future__ import annotations

import asyncio
import io
import os
from typing import TYPE_CHECKING

from .exceptions import ConnectionClosedError

if TYPE_CHECKING:
    import aiohttp

__all__ = ["LARGE_BODY_BYTES", "gather"]

#: From this size an answer's body is gathered as it arrives.
LARGE_BODY_BYTES = 1024 * 1024
#: At most this many received bytes are copied in one loop step.
STEP_BYTES = 128 * 1024


async def gather(content: aiohttp.StreamReader, length: int) -> bytes:
    """A body of ``length`` bytes, read from ``content`` as it arrives."""
    if not hasattr(os, "memfd_create"):
        return await _in_buffer(content, length)
    fd = os.memfd_create("lambda_client-answer", os.MFD_CLOEXEC)
    reading = False
    try:
        received = 0
        async for chunk in _Pieces(content):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
            received += len(chunk)
        _check(received, length)

        def read_and_close() -> bytes:
            # Closed by the thread that reads it: a caller cancelled while
            # the read runs must not close (and free for reuse) the
            # descriptor under it.
            try:
                return os.pread(fd, length, 0)
            finally:
                os.close(fd)

        reading = True
        body = await asyncio.to_thread(read_and_close)
    finally:
        if not reading:
            os.close(fd)
    _check(len(body), length)
    return body


async def _in_buffer(content: aiohttp.StreamReader, length: int) -> bytes:
    """Copied into a BytesIO sized once (grown as pieces arrive, it would be
    moved whole whenever it could not grow in place); ``getvalue()`` then
    hands over the buffer itself, uncopied."""
    buffer = io.BytesIO()
    buffer.seek(length - 1)
    buffer.write(b"\0")
    buffer.seek(0)
    async for chunk in _Pieces(content):
        buffer.write(chunk)
    _check(buffer.tell(), length)
    return buffer.getvalue()


class _Pieces:
    """The body's pieces as they were received, never joined, and never
    more than `STEP_BYTES` of them handled in one loop step. A plain
    iterator, not an async generator: a cancelled read leaves nothing
    behind for the loop to finalise."""

    def __init__(self, content: aiohttp.StreamReader) -> None:
        self._content = content
        self._since_yield = 0

    def __aiter__(self) -> _Pieces:
        return self

    async def __anext__(self) -> bytes:
        if self._since_yield >= STEP_BYTES:
            # readchunk() does not wait while pieces are buffered.
            self._since_yield = 0
            await asyncio.sleep(0)
        # Not readany(): it joins whatever is buffered into one new bytes (a
        # megabyte or more when this task was slow to run), in one step.
        while True:
            chunk, _ = await self._content.readchunk()
            if chunk:
                self._since_yield += len(chunk)
                return chunk
            if self._content.at_eof():
                raise StopAsyncIteration
            # An empty piece before the end: an HTTP chunk's end, when the
            # answer is chunked.


def _check(received: int, length: int) -> None:
    # aiohttp frames the body by its length and raises for a short one;
    # should that ever change, a short body must not pass for a whole one.
    if received != length:
        raise ConnectionClosedError(f"The response body ended after {received} of {length} bytes")
