"""JSON (de)serialisation of the generated attrs models with one cattrs converter.

The rules of the rest-json body, as the Lambda service and botocore read and
write it: wire names come from field metadata; ``None`` is
omitted when unstructuring; blobs are base64; body timestamps are epoch
seconds; unknown keys are ignored (a strict converter is for tests only);
members bound elsewhere than the JSON body (URI, query, headers, status,
raw payload, event streams) are left out of both directions. Primitive
values from ``json.loads`` are trusted as they are, and ``Optional`` hooks
are resolved once per type rather than on every value: together these
halve structuring time.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin

import attrs

from .enums import OpenEnum

if TYPE_CHECKING:
    from cattrs import Converter


def _passthrough(value: Any, _type: Any) -> Any:
    return value


def _structure_float(value: Any, _type: Any) -> float:
    # JSON writes 1.0 as 1; keep float fields floats.
    return float(value)


def structure_blob(value: Any, _type: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError, ValueError) as e:
        raise ValueError(f"invalid base64 blob: {e}") from e


def _unstructure_blob(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def parse_timestamp(value: Any) -> datetime:
    """Epoch seconds (number or numeric string) or ISO 8601 -> aware datetime."""
    kind = type(value)
    if kind is float or kind is int:
        # Nearly every timestamp read: the wire's epoch seconds. Tested
        # first and with ``tz`` given by position, this takes half the time
        # the general tests below take (a durable state page holds two
        # timestamps an operation).
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if isinstance(value, str):
        try:
            return datetime.fromtimestamp(float(value), tz=UTC)
        except ValueError:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a timestamp: {value!r}")


def _structure_timestamp(value: Any, _type: Any) -> datetime:
    return parse_timestamp(value)


def epoch_seconds(value: datetime) -> int | float:
    """Whole seconds as an int, as botocore sends them; fractions kept otherwise."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    seconds = value.timestamp()
    return int(seconds) if seconds.is_integer() else seconds


def _none_or(hook: Any) -> Any:
    def structure_required(value: Any, tp: Any) -> Any:
        return None if value is None else hook(value, tp)

    return structure_required


def _is_optional(tp: Any) -> bool:
    origin = get_origin(tp)
    return origin in (Union, UnionType) and NoneType in get_args(tp)


def body_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """Fields serialised in the JSON body (no ``loc`` in their metadata)."""
    return tuple(f for f in attrs.fields(cls) if "loc" not in f.metadata)


#: Members never part of a wire-shaped dict: call metadata and live streams.
_NOT_IN_DICTS = frozenset({"metadata", "eventstream"})


def _overrides(cls: type, *, wire_dicts: bool = False) -> dict[str, Any]:
    from cattrs.gen import override

    out = {}
    for f in attrs.fields(cls):
        loc = f.metadata.get("loc")
        if loc is not None and (not wire_dicts or loc in _NOT_IN_DICTS):
            out[f.name] = override(omit=True)
        elif "wire" in f.metadata:
            # Unset members (None) are left out of dicts; members every
            # response has (a status, a body) are kept even at their default.
            always = f.default is not None and f.default is not attrs.NOTHING
            out[f.name] = override(rename=f.metadata["wire"], omit_if_default=not always)
    return out


def _structure_blob_or_text(value: Any, _type: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"expected bytes or str, got {type(value).__name__}")


def _exactly(expected: type, name: str) -> Any:
    # bool is an int subclass, but True as a memory size is a mistake.
    def structure_exactly(value: Any, _type: Any) -> Any:
        if isinstance(value, expected) and (expected is bool or not isinstance(value, bool)):
            return value
        raise TypeError(f"expected {name}, got {type(value).__name__}")

    return structure_exactly


def _structure_number(value: Any, _type: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected float, got {type(value).__name__}")


def _is_list(tp: Any) -> bool:
    return get_origin(tp) is list


def _is_dict(tp: Any) -> bool:
    return get_origin(tp) is dict


def _checked_containers(conv: Converter) -> None:
    """List and dict hooks that check the value's type first and name each
    bad item: cattrs would build a list from a string's characters. (Enums
    go through the ``str`` hook: they are str subclasses.)"""
    from cattrs.errors import IterableValidationError, IterableValidationNote

    def items_failed(tp: Any, failures: list[Exception]) -> Exception:
        return IterableValidationError(f"While structuring {tp!r}", failures, tp)

    def list_hook(tp: Any) -> Any:
        (item_type,) = get_args(tp) or (Any,)
        item_hook = conv.get_structure_hook(item_type)

        def structure_list(value: Any, _type: Any) -> list[Any]:
            if not isinstance(value, (list, tuple)):
                raise TypeError(f"expected list, got {type(value).__name__}")
            out, failures = [], []
            for index, item in enumerate(value):
                try:
                    out.append(item_hook(item, item_type))
                except Exception as e:
                    e.add_note(IterableValidationNote(f"@ index {index}", index, item_type))
                    failures.append(e)
            if failures:
                raise items_failed(tp, failures)
            return out

        return structure_list

    def dict_hook(tp: Any) -> Any:
        key_type, value_type = get_args(tp) or (Any, Any)
        key_hook = conv.get_structure_hook(key_type)
        value_hook = conv.get_structure_hook(value_type)

        def structure_dict(value: Any, _type: Any) -> dict[Any, Any]:
            if not isinstance(value, Mapping):
                raise TypeError(f"expected dict, got {type(value).__name__}")
            out, failures = {}, []
            for key, item in value.items():
                try:
                    out[key_hook(key, key_type)] = value_hook(item, value_type)
                except Exception as e:
                    e.add_note(IterableValidationNote(f"@ key {key!r}", key, value_type))
                    failures.append(e)
            if failures:
                raise items_failed(tp, failures)
            return out

        return structure_dict

    conv.register_structure_hook_factory(_is_list, list_hook)
    conv.register_structure_hook_factory(_is_dict, dict_hook)


def make_converter(*, strict: bool = False, wire_dicts: bool = False) -> Converter:
    """The converter; ``strict`` rejects unknown keys (for tests over recorded
    responses). ``wire_dicts`` makes the dicts boto3 users know instead of JSON
    bodies: every member under its wire name, wherever it is bound, with bytes
    and datetimes as Python objects, required members enforced, and every
    value's type checked (people write these dicts; json.loads did not)."""
    # cattrs is imported here, on the first call, not when the package loads.
    from cattrs import Converter
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    conv = Converter(forbid_extra_keys=strict)
    if wire_dicts:
        conv.register_structure_hook(str, _exactly(str, "str"))
        conv.register_structure_hook(int, _exactly(int, "int"))
        conv.register_structure_hook(bool, _exactly(bool, "bool"))
        conv.register_structure_hook(float, _structure_number)
        _checked_containers(conv)
    else:
        for tp in (str, int, bool):
            conv.register_structure_hook(tp, _passthrough)
        conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(datetime, _structure_timestamp)
    if wire_dicts:
        # Plain strings, as boto3 has them: open enums are str subclasses and
        # would otherwise pass through as members. Registered on OpenEnum so
        # it is more specific than cattrs' own hook for str.
        conv.register_unstructure_hook(OpenEnum, lambda value: value.value)
        conv.register_structure_hook(bytes, _structure_blob_or_text)
        conv.register_unstructure_hook(bytes, lambda value: value)
        conv.register_unstructure_hook(datetime, lambda value: value)
    else:
        conv.register_structure_hook(bytes, structure_blob)
        conv.register_unstructure_hook(bytes, _unstructure_blob)
        conv.register_unstructure_hook(datetime, epoch_seconds)

    def optional_hook(tp: Any) -> Any:
        (inner,) = (a for a in get_args(tp) if a is not NoneType)
        hook = conv.get_structure_hook(inner)
        if hook is _passthrough:
            # None passes through as well: one call per member, not two.
            return _passthrough

        def structure_optional(value: Any, _type: Any) -> Any:
            return None if value is None else hook(value, inner)

        return structure_optional

    conv.register_structure_hook_factory(_is_optional, optional_hook)

    def structure_attrs(cls: type) -> Any:
        attrs.resolve_types(cls)
        overrides = _overrides(cls, wire_dicts=wire_dicts)
        # Services omit members the model calls required (and send them as
        # null), and botocore parses such answers without complaint. Those
        # members come out as None here rather than failing the whole call.
        # Dicts written by people are held to the model instead.
        required: list[str] = []
        for f in () if wire_dicts else body_fields(cls):
            if f.default is attrs.NOTHING:
                wire = f.metadata.get("wire", f.name)
                required.append(wire)
                hook = _none_or(conv.get_structure_hook(f.type))
                overrides[f.name] = override(rename=wire, struct_hook=hook)
        structure_fields: Any = make_dict_structure_fn(cls, conv, **overrides)
        absent = dict.fromkeys(required)

        def structure_object(value: Any, tp: Any) -> Any:
            # The generated function looks keys up with ``in``: handed a string
            # it would quietly build an empty object.
            if not isinstance(value, dict):
                raise TypeError(f"expected a JSON object, got {type(value).__name__}")
            if required and not all(key in value for key in required):
                value = {**absent, **value}
            return structure_fields(value, tp)

        return structure_object

    def unstructure_attrs(cls: type) -> Any:
        attrs.resolve_types(cls)
        return make_dict_unstructure_fn(
            cls, conv, _cattrs_omit_if_default=True, **_overrides(cls, wire_dicts=wire_dicts)
        )

    conv.register_structure_hook_factory(attrs.has, structure_attrs)
    conv.register_unstructure_hook_factory(attrs.has, unstructure_attrs)
    return conv


@cache
def converter() -> Converter:
    """The library's converter, built on first use (cattrs is not imported before)."""
    return make_converter()


@cache
def dict_converter() -> Converter:
    """The converter behind ``models.to_dict`` / ``models.from_dict``."""
    return make_converter(strict=True, wire_dicts=True)
