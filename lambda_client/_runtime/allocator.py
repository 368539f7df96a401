"""One large allocation, once per process, so that socket reads stop mapping memory.

asyncio reads a socket into a fresh 256 KiB buffer and shrinks it to what
arrived. Under glibc's default settings a block that large is served by
``mmap`` until the process has freed one large block; until then every read
maps, remaps and unmaps memory: three system calls and fresh pages per
read. On the benchmark machine that cost 10-15% of a call's CPU, in
any process that happened not to have freed a large block yet (for
instance one that loaded its modules from bytecode rather than compiling
them).

Freeing an 8 MiB block moves glibc's thresholds where they would be after
an 8 MiB response: blocks under 8 MiB come from the heap, and up to 16 MiB
of freed heap is kept for reuse. 8 MiB covers Lambda's 6 MB payload limit.
A 6 MB Invoke holds about 13 MB at its peak (the payload, aiohttp's copy of
it with the headers, the answer's chunks and their join); with the
thresholds glibc derives by itself after the first such call (about 6 and
12 MiB) the heap was given back to the system after every call and touched
afresh on the next, about 2,500 page faults and 3-5 ms of CPU a call, much
of it inside a single step of the event loop. Memory is only kept once a
process has used it; one that makes small calls never grows its heap that
far. Nothing changes where the thresholds were set explicitly
(``MALLOC_MMAP_THRESHOLD_``, ``mallopt``), which turns glibc's adjustment
off, or under other allocators, where this is one short-lived allocation
(of untouched, zeroed pages: it costs a map and an unmap, not 8 MiB of
writes).
"""

from __future__ import annotations

__all__ = ["settle"]

_SIZE = 8 << 20
_settled = False


def settle() -> None:
    """Allocate and free one 8 MiB block, the first time only."""
    global _settled
    if not _settled:
        _settled = True
        block = bytes(_SIZE)
        del block
