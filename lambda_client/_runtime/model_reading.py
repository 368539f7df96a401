"""Reading models from parsed JSON: structures and service errors.

The generated ``_from_wire`` readers do the work, with the value helpers
here (``enum_member``, ``blob``, ``timestamp``). They bypass the models'
constructors (they already hold values of the right types, so the
constructors' conversions would be repeated work); every failure in them is
a plain exception that `structure` turns into a ``DeserializationError``
with the cattrs converter's explanation of where the data does not fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import jsonload
from .enums import E
from .exceptions import DeserializationError, ServiceError
from .messages import describe, foreign_cause, structure_problems, type_name
from .serde import converter, parse_timestamp, structure_blob


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


def read_json(body: bytes) -> Any:
    """A JSON document (``{}`` for an empty body); raises only ``ValueError``."""
    if not body.strip():
        return {}
    return jsonload.loads(body)


def structure(
    data: Any, cls: type, status: int, body: bytes = b"", *, operation: str | None = None
) -> Any:
    """``data`` as a ``cls``, or a `DeserializationError` saying where
    it does not fit (never what the offending value is)."""
    if not isinstance(data, dict):
        raise DeserializationError(
            describe(
                f"Expected a JSON object for {cls.__name__}, got {type(data).__name__}",
                operation=operation,
                status=status,
            ),
            status_code=status,
            body=body[:2048],
        )
    try:
        # The generated reader: straight-line code for this structure.
        return cls._from_wire(data)  # type: ignore[attr-defined]
    except Exception as e:
        raise _structure_error(e, data, cls, status, body, operation) from foreign_cause(e)


def _structure_error(
    e: Exception, data: Any, cls: type, status: int, body: bytes, operation: str | None
) -> DeserializationError:
    """Why ``data`` is not a ``cls``, found by the cattrs converter, which
    walks the data with paths (``FunctionConfiguration.Layers[0]``); the
    generated reader only knows that some value did not fit."""
    from cattrs.errors import BaseValidationError

    problems = [type_name(e)]
    try:
        converter().structure(data, cls)
    except BaseValidationError as explained:
        problems = structure_problems(explained, cls.__name__) or problems
    except Exception as explained:
        problems = [type_name(explained)]
    return DeserializationError(
        describe(
            f"Cannot read {cls.__name__}: {'; '.join(problems)}", operation=operation, status=status
        ),
        status_code=status,
        body=body[:2048],
    )


def service_error(
    cls: type[ServiceError], fields: Mapping[str, Any], **arguments: Any
) -> ServiceError:
    """A service error of ``cls`` with its modelled members from ``fields``;
    should a member be of a type its converter refuses (a hostile answer),
    the typed error without its members, which beats no error."""
    try:
        return cls(fields=fields, **arguments)
    except Exception:
        return cls(fields={}, **arguments)
