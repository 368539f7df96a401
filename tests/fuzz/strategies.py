"""Hypothesis strategies for hostile answers, read off the generated models.

A body is sometimes noise, sometimes arbitrary JSON, and mostly shaped like
the operation's output (its wire names, its nesting) with values of the
wrong type, out of range, deeply nested or missing mixed in: the readers'
interesting failures are in the documents that are almost right.

``FUZZ_SCALE`` (an environment variable; ``make fuzz`` sets it) multiplies
every example count: the default keeps the whole suite under a minute on
an idle machine.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime
from functools import cache
from typing import Any

import attrs
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from lambda_client._runtime import validate as _v

SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=SCALE == 1,
    )


# Text that parsers trip on: digits, signs, exponents, dates, escapes, huge numbers.
_TRICKY = st.sampled_from(
    [
        "",
        "0",
        "-1",
        "1e400",
        "NaN",
        "-Infinity",
        "9" * 40,
        "1.5",
        "true",
        "null",
        "2024-02-30T25:61:61Z",
        "Fri, 01 Jan 99999999 00:00:00 GMT",
        "01 Jan 10000000000000000000000 00:00:00 GMT",
        "Mon, 01 Jan 0001 00:00:00 -2359",
        "\ud800",
        "\x00",
        "é" * 3,
        "%ZZ",
        "=?utf-8?b?Zm9v?=",
    ]
)
TEXT = st.text(max_size=24) | _TRICKY

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | TEXT
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


class _Deep:
    """A document nested ``depth`` levels, serialised without recursion."""

    def __init__(self, depth: int, kind: str) -> None:
        self.depth = depth
        self.kind = kind

    def json(self) -> bytes:
        if self.kind == "list":
            return b"[" * self.depth + b"1" + b"]" * self.depth
        return b'{"a":' * self.depth + b"1" + b"}" * self.depth


def _deep(depth: int, kind: str) -> _Deep:
    return _Deep(depth, kind)


# Just past the library's limit, around the parsers' own (orjson stops at
# 1024 levels, the standard library at its recursion limit), and far beyond.
_DEPTHS = st.sampled_from([65, 1000, 1025, 3000, 20000]) | st.integers(50, 3000)
DEEP = st.builds(_deep, _DEPTHS, st.sampled_from(["list", "dict"]))


def _timestamps() -> st.SearchStrategy[Any]:
    return (
        st.integers()
        | st.floats(allow_nan=True, allow_infinity=True)
        | TEXT
        | st.datetimes().map(datetime.isoformat)
    )


def _blobs() -> st.SearchStrategy[Any]:
    return st.binary(max_size=16).map(lambda b: base64.b64encode(b).decode()) | TEXT


def for_check(check: Any, depth: int) -> st.SearchStrategy[Any]:
    """Values of the type ``check`` describes, with junk mixed in."""
    typed: st.SearchStrategy[Any]
    if isinstance(check, (_v.Str, _v.EnumStr)):
        typed = TEXT
    elif isinstance(check, _v.Int):
        typed = st.integers() | st.sampled_from([2**63, -(2**63) - 1, 10**30])
    elif isinstance(check, _v.Float):
        typed = st.floats(allow_nan=True, allow_infinity=True) | st.integers()
    elif isinstance(check, _v.Bool):
        typed = st.booleans()
    elif isinstance(check, _v.Timestamp):
        typed = _timestamps()
    elif isinstance(check, _v.Blob):
        typed = _blobs()
    elif isinstance(check, _v.ListOf):
        typed = st.lists(for_check(check.item, depth + 1), max_size=3)
    elif isinstance(check, _v.MapOf):
        typed = st.dictionaries(TEXT, for_check(check.value, depth + 1), max_size=3)
    elif isinstance(check, _v.Struct):
        typed = shaped(check.cls, depth + 1)
    else:
        typed = JUNK
    return typed | JUNK | DEEP if depth == 0 else typed | JUNK


@cache
def shaped(cls: type, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with ``cls``'s body members under their wire names."""
    if depth > 4:
        return st.just({})
    members = {
        f.metadata.get("wire", f.name): f.metadata.get("check")
        for f in attrs.fields(cls)
        if "loc" not in f.metadata
    }
    if not members:
        return st.dictionaries(TEXT, JUNK, max_size=2)
    return st.fixed_dictionaries(
        {},
        optional={wire: for_check(check, depth) for wire, check in members.items()},
    )


def dumps(value: Any) -> bytes:
    """JSON bytes of ``value``; a deep document inside is spliced in as
    bytes, since ``json.dumps`` itself would recurse through it."""
    deep: dict[str, bytes] = {}

    def splice(item: Any) -> str:
        if not isinstance(item, _Deep):
            raise TypeError(type(item).__name__)
        key = f"@@deep{len(deep)}@@"
        deep[key] = item.json()
        return key

    out = json.dumps(value, allow_nan=True, default=splice).encode("utf-8", "surrogatepass")
    for key, raw in deep.items():
        out = out.replace(f'"{key}"'.encode(), raw)
    return out


def bodies(cls: type | None) -> st.SearchStrategy[bytes]:
    """Bytes of a response body for output class ``cls``."""
    choices = [
        st.binary(max_size=64),
        JUNK.map(dumps),
        DEEP.map(dumps),
        st.just(b""),
    ]
    if cls is not None:
        document = shaped(cls)
        choices.append(document.map(dumps))
        choices.append(document.map(dumps))
        # A valid document cut anywhere.
        choices.append(
            st.tuples(document.map(dumps), st.integers(0, 200)).map(lambda t: t[0][: t[1]])
        )
    return st.one_of(choices)


def headers(names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Some of ``names`` with tricky values, and a request id."""
    return st.fixed_dictionaries(
        {"x-amzn-RequestId": st.just("fuzz")},
        optional={
            name: TEXT.map(lambda t: t.encode("utf-8", "replace").decode()) for name in names
        },
    )


#: ``Date`` header values: real ones, ones out of every range, and noise.
DATES = (
    st.sampled_from(
        [
            "Mon, 01 Jan 2024 00:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Fri, 01 Jan 99999999 00:00:00 GMT",
            "01 Jan 10000000000000000000000 00:00:00 GMT",
            "Mon, 01 Jan 0001 00:00:00 +2359",
            "Fri, 31 Dec 9999 23:59:59 -2359",
            "Mon, 32 Foo 2024 99:99:99 XYZ",
        ]
    )
    | TEXT
)
