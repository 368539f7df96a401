"""CRC-32 for event-stream frames: zlib-ng's when it is installed.

Every byte of a response stream is checksummed once. The zlib bundled with
most Pythons computes CRC-32 at a few GB/s, which for large frames is most
of the decoding time; zlib-ng (the ``speedups`` extra) uses the CPU's
carry-less multiply and is over ten times faster. Both compute the same
checksum (the zlib polynomial), so the choice changes speed only. zlib-ng
is imported when the first decoder is made, not with the package.
"""

from __future__ import annotations

import functools
import zlib
from typing import Protocol

__all__ = ["Crc32", "crc32_function"]


class Crc32(Protocol):
    """``crc32(data, start=0)``, as `zlib.crc32()`."""

    def __call__(self, data: bytes | bytearray | memoryview, value: int = 0, /) -> int: ...


@functools.cache
def crc32_function() -> Crc32:
    try:
        from zlib_ng import zlib_ng
    except ImportError:
        return zlib.crc32
    fast: Crc32 = zlib_ng.crc32
    return fast
