"""Conveniences for invocation payloads and logs."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any, overload

from .exceptions import ParamValidationError
from .messages import foreign_cause, type_name

#: What ``invoke(payload=...)`` accepts: raw bytes, text (sent as UTF-8), or a
#: dict or list (sent as JSON).
InvokePayload = bytes | bytearray | memoryview | str | Mapping[str, Any] | Sequence[Any]


@overload
def encode_payload(operation: str, name: str, value: InvokePayload) -> bytes: ...


@overload
def encode_payload(operation: str, name: str, value: None) -> None: ...


def encode_payload(operation: str, name: str, value: InvokePayload | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (Mapping, list, tuple)):
        try:
            return json.dumps(value, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError, RecursionError) as e:
            # Not json's own words: they may quote a value of the payload.
            raise ParamValidationError(
                operation, [(name, f"cannot be encoded as JSON ({type_name(e)})")]
            ) from foreign_cause(e)
    raise ParamValidationError(
        operation, [(name, f"expected bytes, str, dict or list, got {type(value).__name__}")]
    )


def decode_base64_text(value: str | None) -> str | None:
    """Text of a base64 member; undecodable input is returned unchanged."""
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return value
