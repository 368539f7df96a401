"""Value helpers for the generated ``_from_wire`` readers.

The readers bypass the models' constructors (they already hold values of
the right types, so the constructors' conversions would be repeated work);
every failure here is a plain exception that the caller turns into a
``DeserializationError`` with the converter's explanation.
"""

from __future__ import annotations

from typing import Any

from . import jsonload
from .enums import E
from .serde import parse_timestamp, structure_blob


def enum_member(cls: type[E], value: Any) -> E:
    if type(value) is not str:
        # Trusted as parsed, like every other scalar (see serde.py): a
        # number where a name belongs is left for the caller to notice.
        return value  # type: ignore[no-any-return]
    member = cls._value2member_map_.get(value)
    if member is not None:
        return member  # type: ignore[return-value]
    return cls(value)


def values(cls: type[E]) -> dict[str, E]:
    """The enum's map from value to member, which the readers look values
    up in directly. The same dict the enum keeps (and adds the unknown
    values it meets to), not a copy."""
    found: dict[str, E] = cls._value2member_map_  # type: ignore[assignment]
    return found


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; ``{}`` for an empty body."""
    if not body:
        return {}
    data = jsonload.loads(body)
    if type(data) is not dict:
        raise TypeError("not a JSON object")
    return data


def blob(value: Any) -> bytes:
    return structure_blob(value, bytes)


timestamp = parse_timestamp
