"""One large allocation, once per process, so that socket reads stop mapping memory.

asyncio reads a socket into a fresh 256 KiB buffer and shrinks it to what
arrived. Under glibc's default settings a block that large is served by
``mmap`` until the process has freed one large block; until then every read
maps, remaps and unmaps memory: three system calls and fresh pages per
read. On the benchmark machine that cost 10-15% of a call's CPU, in
any process that happened not to have freed a large block yet (for
instance one that loaded its modules from bytecode rather than compiling
them). Freeing a 1 MiB block moves glibc's thresholds where they would be
after any 1 MiB response: blocks under 1 MiB come from the heap, and up to
2 MiB of freed heap is kept for reuse. Nothing changes where the
thresholds were set explicitly (``MALLOC_MMAP_THRESHOLD_``, ``mallopt``),
which turns glibc's adjustment off, or under other allocators, where this
is one short-lived allocation.
"""

from __future__ import annotations

__all__ = ["settle"]

_SIZE = 1 << 20
_settled = False


def settle() -> None:
    """Allocate and free one 1 MiB block, the first time only."""
    global _settled
    if not _settled:
        _settled = True
        block = bytes(_SIZE)
        del block
