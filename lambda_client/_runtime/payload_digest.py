"""The SHA-256 of a large request body, computed off the event loop.

SigV4 signs the payload's SHA-256. hashlib runs at about 1.8 GB/s here, so
a 6 MB Invoke payload (Lambda's limit) would hold the event loop for about
3.4 ms, stalling every other task of the process. hashlib releases the GIL
while it hashes a buffer of more than 2 KiB, so in a worker thread the
loop keeps running meanwhile.

The hop to a thread and back costs about 45 µs of CPU (and the wait for a
thread to pick it up): as much as hashing 80 KiB inline. From
`OFF_LOOP_BYTES` up a body is hashed in a thread; below it, inline
hashing holds the loop at most about 0.14 ms, and the hop would cost a
large share of the hash itself.
"""

from __future__ import annotations

import asyncio
import hashlib

__all__ = ["OFF_LOOP_BYTES", "sha256_off_loop"]

#: Bodies of at least this many bytes are hashed in a worker thread.
OFF_LOOP_BYTES = 256 * 1024


def _hexdigest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


async def sha256_off_loop(body: bytes) -> str:
    """The hex SHA-256 of ``body``, computed in the loop's default executor."""
    return await asyncio.get_running_loop().run_in_executor(None, _hexdigest, body)
