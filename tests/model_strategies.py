"""Hypothesis strategies for valid instances of every generated model.

Driven by each field's type annotation and its validation check (bounds,
item types), so a drawn instance passes the client's own validation. The
differential tests draw from botocore's shapes instead; these are for
properties of our models themselves (dict and wire round trips).
"""

from __future__ import annotations

import functools
import string
from datetime import UTC, datetime
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import attrs
from hypothesis import strategies as st

from lambda_client import models
from lambda_client._runtime import validate as v
from lambda_client._runtime.enums import OpenEnum

#: Members that are not data: call metadata and live event streams.
NOT_DATA = frozenset({"metadata", "eventstream"})

# Header values must survive HTTP: printable ASCII, no surrounding space.
_HEADER_TEXT = st.text(
    st.sampled_from("".join(chr(c) for c in range(33, 127))), min_size=1, max_size=12
)
# Whole milliseconds: every encoding (epoch seconds, ISO 8601) keeps them exactly.
TIMESTAMPS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


def structure_classes() -> list[type[Any]]:
    """Every structure of the model (requests, outputs, nested shapes, events)."""
    out = []
    for name in models.__all__:
        value = getattr(models, name, None)
        if isinstance(value, type) and attrs.has(value):
            out.append(value)
    return out


def data_fields(cls: type[Any]) -> list[attrs.Attribute[Any]]:
    return [
        f for f in attrs.fields(attrs.resolve_types(cls)) if f.metadata.get("loc") not in NOT_DATA
    ]


def _strip_optional(tp: Any) -> Any:
    if get_origin(tp) in (Union, UnionType):
        args = [a for a in get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return args[0]
    return tp


def _sized(check: v._Sized, spread: int, cap: int | None = None) -> tuple[int, int]:
    low = check.min or 0
    high = low + spread if check.max is None else min(check.max, low + spread)
    if cap is not None:
        high = min(high, max(low, cap))
    return low, high


def _enum_values(cls: type[OpenEnum]) -> st.SearchStrategy[Any]:
    known = st.sampled_from(list(cls))
    unknown = st.text(string.ascii_letters, min_size=1, max_size=5).map(lambda s: cls(f"Future{s}"))
    return st.one_of(known, known, known, unknown)


def value_of(
    tp: Any, check: Any, *, header: bool = False, label: bool = False
) -> st.SearchStrategy[Any]:
    """A valid value for a field annotated ``tp`` with validation ``check``
    (``header``/``label``: bound to an HTTP header or a URI path segment)."""
    tp = _strip_optional(tp)
    if isinstance(check, v.Struct):
        return instances(check.cls)
    if isinstance(check, v.ListOf):
        (item_tp,) = get_args(tp)
        low, high = _sized(check, 3)
        return st.lists(value_of(item_tp, check.item, header=header), min_size=low, max_size=high)
    if isinstance(check, v.MapOf):
        key_tp, value_tp = get_args(tp)
        low, high = _sized(check, 3)
        return st.dictionaries(
            value_of(key_tp, check.key),
            value_of(value_tp, check.value),
            min_size=low,
            max_size=high,
        )
    if isinstance(check, v.EnumStr):
        return _enum_values(tp)
    if isinstance(check, v.Str):
        low, high = _sized(check, 12)
        if label:
            # The client refuses an empty path segment.
            low, high = max(low, 1), max(high, 1)
        if header:
            return _HEADER_TEXT.filter(lambda s: low <= len(s) <= high)
        return st.text(_TEXT_ALPHABET, min_size=low, max_size=high)
    if isinstance(check, v.Int):
        return st.integers(
            -(2**63) if check.min is None else check.min,
            2**63 - 1 if check.max is None else check.max,
        )
    if isinstance(check, v.Float):
        return st.floats(check.min, check.max, allow_nan=False, allow_infinity=False)
    if isinstance(check, v.Bool):
        return st.booleans()
    if isinstance(check, v.Blob):
        low, high = _sized(check, 16)
        return st.binary(min_size=low, max_size=high)
    if isinstance(check, v.Timestamp):
        return TIMESTAMPS
    raise NotImplementedError(f"no strategy for {check!r} ({tp!r})")


_TEXT_ALPHABET = st.one_of(
    st.sampled_from(string.ascii_letters + string.digits + "/:$+ %&=?#é中😀"),
    st.characters(codec="utf-8"),
)


@functools.cache
def instances(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Valid instances of ``cls``: required members always, others sometimes."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for f in data_fields(cls):
        loc = f.metadata.get("loc")
        if loc == "statusCode":
            strategy: st.SearchStrategy[Any] = st.sampled_from([200, 202, 204])
        else:
            strategy = value_of(
                f.type, f.metadata.get("check"), header=loc == "header", label=loc == "uri"
            )
        (required if f.default is attrs.NOTHING else optional)[f.name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(lambda kw: cls(**kw))


def mistyped(tp: Any, check: Any) -> Any:
    """A value of the wrong type for a field: what a hand-written dict gets wrong."""
    tp = _strip_optional(tp)
    if isinstance(check, (v.ListOf, v.MapOf, v.Struct)):
        return "subnet-123"
    if isinstance(check, (v.Int, v.Float)):
        return "128"
    if isinstance(check, v.Bool):
        return "yes"
    if isinstance(check, v.Timestamp):
        # A number would be read as epoch seconds, as boto3 reads it.
        return ["2024-01-01"]
    return 42
