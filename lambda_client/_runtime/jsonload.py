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
    # The number of opening brackets is a fast upper bound on the depth; only
    # a body with more of them than the limit needs measuring. One
    # ``translate`` keeping only them costs two thirds of two ``count`` passes.
    if (
        isinstance(value, (dict, list))
        and len(body.translate(None, _NOT_OPENING)) > MAX_DEPTH
        and depth(body, MAX_DEPTH) > MAX_DEPTH
    ):
        raise JsonLimitError(f"nested deeper than {MAX_DEPTH} levels")
    return value


# Maps both kinds of bracket to one (nesting is all that is measured) and
# deletes everything but brackets and quotes.
_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(range(256)).translate(None, b'[]{}"')
_NOT_OPENING = bytes(range(256)).translate(None, b"[{")


def depth(body: bytes, limit: int) -> int:
    """How deep the containers of ``body``, a valid JSON document, nest
    (``limit + 1`` for anything deeper than ``limit``).

    Done with bytes methods only, about a third of the time orjson takes to
    parse the same body: escapes go first (in valid JSON a backslash
    occurs only inside strings, and ``\\\\`` pairs are taken left to right as
    the parser takes them), then everything but brackets and quotes, then
    strings (two adjacent quotes bound no structure; the rare string left
    holding brackets is cut out by splitting), and each round removes the
    innermost ``[]`` pairs.
    """
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    compact = body.translate(_BRACKETS, _NOT_STRUCTURE).replace(b'""', b"")
    if b'"' in compact:
        compact = b"".join(compact.split(b'"')[::2])
    rounds = 0
    while compact:
        if rounds == limit:
            return limit + 1
        compact = compact.replace(b"[]", b"")
        rounds += 1
    return rounds
