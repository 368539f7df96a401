"""Hypothesis strategies driven by botocore's shapes.

Two families:

- ``params(operation)``: botocore-shaped input values (member names,
  ``bytes``, aware ``datetime``), valid for both clients' validation. Regex
  patterns are ignored on purpose: neither client checks them, and the
  interesting inputs are exactly the characters patterns would exclude.
- ``wire_body(shape)``: JSON-ready documents as Lambda would put them on the
  wire (wire names, epoch seconds, base64), including what a tolerant reader
  has to survive: explicit nulls, unknown keys, unknown enum values, ISO 8601
  timestamps, integral doubles.
"""

from __future__ import annotations

import base64
import calendar
import string
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

from . import model

_INT_BOUNDS = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

# Characters that need percent-encoding somewhere (path, query, JSON) plus
# multi-byte UTF-8, mixed with ordinary ones so most strings look plausible.
_AWKWARD = "/:$+ %&=?#@!*'(),;[]~-_.é中😀"
_TEXT_CHARS = st.one_of(
    st.sampled_from(string.ascii_letters + string.digits),
    st.sampled_from(_AWKWARD),
    st.characters(codec="utf-8"),
)
# Header values travel as latin-1 through http.client and are trimmed by
# every HTTP parser, so they stay printable ASCII without whitespace.
_HEADER_CHARS = st.sampled_from("".join(chr(c) for c in range(33, 127)))

_ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
)
_TIMESTAMPS = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=_ZONES
)
#: Whole seconds and microseconds both, as the brief for every timestamp asks.
TIMESTAMPS = st.one_of(_TIMESTAMPS.map(lambda d: d.replace(microsecond=0)), _TIMESTAMPS)

_SMALL = 3  # most lists and maps stay small; minimums from the model still win


def _length(shape: Shape, *, floor: int = 0, spread: int = 12) -> tuple[int, int]:
    low = max(int(shape.metadata.get("min", 0)), floor)
    high = shape.metadata.get("max")
    top = low + spread
    return low, top if high is None else max(low, min(int(high), top))


def unknown_enum_value() -> st.SearchStrategy[str]:
    return st.text(string.ascii_letters, min_size=1, max_size=6).map(lambda s: f"Future{s}")


def _enum(shape: Shape) -> st.SearchStrategy[str]:
    known = st.sampled_from(list(shape.enum))
    # Roughly one value in five is one this model does not know.
    return st.one_of(known, known, known, known, unknown_enum_value())


def _string(shape: Shape, where: str | None) -> st.SearchStrategy[str]:
    if shape.enum:
        return _enum(shape)
    if where == "header":
        low, high = _length(shape)
        return st.text(_HEADER_CHARS, min_size=low, max_size=high)
    if where == "uri":
        low, high = _length(shape, floor=1)
        text = st.text(_TEXT_CHARS, min_size=low, max_size=high)
        # Dot segments are what HTTP stacks like to normalise away.
        dots = [d for d in (".", "..") if low <= len(d) <= high]
        return st.one_of(text, text, text, st.sampled_from(dots)) if dots else text
    low, high = _length(shape)
    return st.text(_TEXT_CHARS, min_size=low, max_size=high)


def _integer(shape: Shape) -> st.SearchStrategy[int]:
    low, high = _INT_BOUNDS[shape.type_name]
    low = int(shape.metadata.get("min", low))
    high = int(shape.metadata.get("max", high))
    return st.integers(low, high)


def _double(shape: Shape) -> st.SearchStrategy[float]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    return st.floats(
        min_value=None if low is None else float(low),
        max_value=None if high is None else float(high),
        allow_nan=False,
        allow_infinity=False,
    )


# -- inputs ----------------------------------------------------------------------


def value(shape: Shape, where: str | None = None) -> st.SearchStrategy[Any]:
    """A botocore-shaped value of ``shape``; ``where`` is the member's location."""
    kind = shape.type_name
    if kind == "structure":
        return structure(shape)
    if kind == "list":
        low, high = _length(shape, spread=_SMALL)
        return st.lists(value(shape.member, where), min_size=low, max_size=high)
    if kind == "map":
        low, high = _length(shape, spread=_SMALL)
        return st.dictionaries(value(shape.key), value(shape.value), min_size=low, max_size=high)
    if kind == "string":
        return _string(shape, where)
    if kind in _INT_BOUNDS:
        return _integer(shape)
    if kind in ("double", "float"):
        return _double(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        low, high = _length(shape, spread=24)
        return st.binary(min_size=low, max_size=high)
    if kind == "timestamp":
        return TIMESTAMPS
    raise NotImplementedError(f"no strategy for {kind} shape {shape.name}")


def structure(shape: Shape) -> st.SearchStrategy[dict[str, Any]]:
    required = set(shape.required_members)
    members = {
        name: value(member, model.location(member)) for name, member in shape.members.items()
    }
    return st.fixed_dictionaries(
        {k: v for k, v in members.items() if k in required},
        optional={k: v for k, v in members.items() if k not in required},
    )


def params(operation: str) -> st.SearchStrategy[dict[str, Any]]:
    shape = model.operation_model(operation).input_shape
    return structure(shape) if shape is not None else st.just({})


def minimal(shape: Shape, where: str | None = None) -> Any:
    """The smallest valid value of ``shape``: fills required members only."""
    kind = shape.type_name
    if kind == "structure":
        return {
            name: minimal(shape.members[name], model.location(shape.members[name]))
            for name in shape.required_members
        }
    if kind == "list":
        return [minimal(shape.member, where) for _ in range(int(shape.metadata.get("min", 0)))]
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "x" * max(int(shape.metadata.get("min", 0)), 1)
    if kind in _INT_BOUNDS:
        return int(shape.metadata.get("min", 1))
    if kind in ("double", "float"):
        return float(shape.metadata.get("min", 0))
    if kind == "boolean":
        return False
    if kind == "blob":
        return b"x" * int(shape.metadata.get("min", 0))
    if kind == "timestamp":
        return datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    raise NotImplementedError(f"no minimal value for {kind} shape {shape.name}")


def minimal_params(operation: str) -> dict[str, Any]:
    shape = model.operation_model(operation).input_shape
    return minimal(shape) if shape is not None else {}


# -- wire documents (responses) ----------------------------------------------------


def _epoch(moment: datetime) -> int | float:
    whole = calendar.timegm(moment.utctimetuple())
    if not moment.microsecond:
        return whole
    return (whole * 10**6 + moment.microsecond) / 10**6


def _iso(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def _wire_timestamp() -> st.SearchStrategy[Any]:
    # Lambda sends epoch seconds; ISO 8601 text is what some emulators send.
    return st.one_of(TIMESTAMPS.map(_epoch), TIMESTAMPS.map(_epoch), TIMESTAMPS.map(_iso))


def _wire_double(shape: Shape) -> st.SearchStrategy[Any]:
    doubles = _double(shape)
    # JSON writers print 3.0 as 3; readers must still give a float.
    integral = doubles.map(lambda f: int(f) if f.is_integer() and abs(f) < 2**53 else f)
    return st.one_of(doubles, integral)


_UNKNOWN_KEYS = st.dictionaries(
    st.sampled_from(["FutureMember", "x-amzn-Extra", "__meta"]),
    st.one_of(st.none(), st.integers(), st.text(max_size=4), st.just({"nested": [1, 2]})),
    max_size=2,
)


def wire_value(shape: Shape) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        return wire_body(shape)
    if kind == "list":
        low, high = _length(shape, spread=_SMALL)
        return st.lists(wire_value(shape.member), min_size=low, max_size=high)
    if kind == "map":
        low, high = _length(shape, spread=_SMALL)
        return st.dictionaries(
            wire_value(shape.key), wire_value(shape.value), min_size=low, max_size=high
        )
    if kind == "string":
        return _string(shape, None)
    if kind in _INT_BOUNDS:
        return _integer(shape)
    if kind in ("double", "float"):
        return _wire_double(shape)
    if kind == "boolean":
        return st.booleans()
    if kind == "blob":
        low, high = _length(shape, spread=24)
        return st.binary(min_size=low, max_size=high).map(
            lambda b: base64.b64encode(b).decode("ascii")
        )
    if kind == "timestamp":
        return _wire_timestamp()
    raise NotImplementedError(f"no wire strategy for {kind} shape {shape.name}")


@st.composite
def _with_extras(
    draw: st.DrawFn, body: st.SearchStrategy[dict[str, Any]], nullable: list[str]
) -> dict[str, Any]:
    doc = draw(body)
    # An explicit null is how some services and emulators say "absent".
    for name in nullable:
        if name not in doc and draw(st.integers(0, 7)) == 0:
            doc[name] = None
    extras = draw(_UNKNOWN_KEYS)
    for key, extra in extras.items():
        doc.setdefault(key, extra)
    return doc


def wire_body(shape: Shape) -> st.SearchStrategy[dict[str, Any]]:
    """The JSON body of a structure: members without a location, by wire name."""
    body = {
        member.serialization.get("name", name): wire_value(member)
        for name, member in shape.members.items()
        if model.location(member) is None and not member.serialization.get("eventstream")
    }
    # Required members of outputs are not guaranteed either: services omit them.
    return _with_extras(st.fixed_dictionaries({}, optional=body), list(body))


def header_value(shape: Shape) -> st.SearchStrategy[str]:
    if shape.type_name != "string":
        raise NotImplementedError(f"header of type {shape.type_name} in {shape.name}")
    return _string(shape, "header")
