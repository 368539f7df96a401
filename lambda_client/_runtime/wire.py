"""Value helpers for the generated ``_from_wire`` readers.

The readers bypass the models' constructors (they already hold values of
the right types, so the constructors' conversions would be repeated work);
every failure here is a plain exception that the caller turns into a
``DeserializationError`` with the converter's explanation.
"""

from __future__ import annotations

from typing import Any

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


def blob(value: Any) -> bytes:
    return structure_blob(value, bytes)


timestamp = parse_timestamp
