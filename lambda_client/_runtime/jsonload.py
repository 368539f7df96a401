"""Parsing response bodies: with orjson when it is installed, else the standard library.

orjson (the ``speedups`` extra) parses a GetFunction answer about three
times faster than ``json.loads``. It is stricter: it refuses ``NaN``,
``Infinity`` and lone surrogate escapes, which ``json.loads`` accepts, and
whatever it refuses goes to ``json.loads``, so a body parses to the same
values, or fails with the same error, with or without the extra. The one
difference: an integer outside the 64-bit range becomes a float with
orjson, and no Lambda member can hold one (the model's longs are 64-bit).
orjson is imported on the first response, not with the package.

Neither parser bounds what it is given, so `loads` does: a body over
`MAX_BYTES`, or nested deeper than `MAX_DEPTH`, is refused with
`JsonLimitError` (a ``ValueError``), as is anything that exhausts the
standard library's recursion (it raises ``RecursionError`` from about a
thousand levels, where orjson stops at 1024).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_impl: Callable[[bytes], Any] | None = None

#: Deepest nesting accepted. Lambda's answers nest seven levels at most
#: (durable-execution history events); a hostile body nests thousands deep
#: so that whatever walks the result later overflows the stack.
MAX_DEPTH = 64
#: Largest body parsed. Invoke's payload is raw bytes and never parsed here;
#: the largest JSON Lambda documents (a page of durable-execution state with
#: its 6 MB payloads) stays well below it.
MAX_BYTES = 128 * 1024 * 1024


class JsonLimitError(ValueError):
    """The document is larger or deeper than this parser accepts."""


def _choose() -> Callable[[bytes], Any]:
    try:
        import orjson
    except ImportError:
        return json.loads
    fast, standard = orjson.loads, json.loads

    def loads(body: bytes) -> Any:
        try:
            return fast(body)
        except ValueError:
            return standard(body)

    return loads


def loads(body: bytes) -> Any:
    """``json.loads(body)``, faster when orjson is installed, within
    `MAX_BYTES` and `MAX_DEPTH`. Raises only ``ValueError``."""
    global _impl
    if _impl is None:
        _impl = _choose()
    if len(body) > MAX_BYTES:
        raise JsonLimitError(f"larger than {MAX_BYTES} bytes")
    try:
        value = _impl(body)
    except RecursionError:
        raise JsonLimitError(f"nested deeper than {MAX_DEPTH} levels") from None
    if isinstance(value, (dict, list)) and not _shallow(body) and nests_deeper(value, MAX_DEPTH):
        raise JsonLimitError(f"nested deeper than {MAX_DEPTH} levels")
    return value


#: Up to this size a body is first checked for brackets (see `_shallow`).
_SCAN_BYTES = 8 * 1024
_NOT_OPENING = bytes(range(256)).translate(None, b"[{")


def _shallow(body: bytes) -> bool:
    """Whether a small body has too few opening brackets to nest past the
    limit. Costs about half a nanosecond a byte, where walking the parsed
    value costs about fifty a value: worth it only on small bodies, which
    almost always pass (GetFunction's 1.5 KB answer has 13 brackets). One
    ``translate`` keeping only the brackets costs two thirds of two
    ``count`` passes."""
    return len(body) <= _SCAN_BYTES and len(body.translate(None, _NOT_OPENING)) <= MAX_DEPTH


def nests_deeper(value: Any, limit: int) -> bool:
    """Whether the containers of a parsed document nest deeper than ``limit``.

    Level by level, without recursion, so a hostile document costs no stack;
    the work grows with the number of values, not with the bytes they were
    parsed from (a state page of 6 MB payloads is a few hundred values).
    """
    level = [value]
    for _ in range(limit):
        inner = []
        for container in level:
            for item in container.values() if type(container) is dict else container:
                if type(item) is dict or type(item) is list:
                    inner.append(item)
        if not inner:
            return False
        level = inner
    return True
