"""Between botocore-shaped values (dicts keyed by member name) and our attrs
objects, walking botocore's shapes so that both directions are checked
against the model rather than against our own metadata."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.model import Shape

from . import model


def _enum_member(shape: Shape, text: str) -> Any:
    enum_cls = model.model_class(shape.name)
    # Known values go in as enum members, unknown ones as plain str: the
    # client must accept both.
    return enum_cls(text) if text in shape.enum else text


def to_ours(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return model.model_class(shape.name)(**kwargs(shape, value))
    if kind == "list":
        return [to_ours(shape.member, item) for item in value]
    if kind == "map":
        return {to_ours(shape.key, k): to_ours(shape.value, v) for k, v in value.items()}
    if kind == "string" and shape.enum:
        return _enum_member(shape, value)
    return value


def kwargs(shape: Shape, value: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments for our class (or client method) of ``shape``."""
    names = model.attr_names(shape.name)
    return {names[member]: to_ours(shape.members[member], v) for member, v in value.items()}


def _text(value: Any) -> Any:
    # Our enum members are str subclasses; botocore gives plain str.
    return str.__str__(value) if isinstance(value, str) else value


def from_ours(shape: Shape, obj: Any, *, skip: frozenset[str] = frozenset()) -> Any:
    """Our value as botocore would have parsed it (``None`` members left out)."""
    kind = shape.type_name
    if kind == "structure":
        names = model.attr_names(shape.name)
        out = {}
        for member, member_shape in shape.members.items():
            if member in skip:
                continue
            # A KeyError here means our class lacks a member of the model.
            item = getattr(obj, names[member])
            if item is not None:
                out[member] = from_ours(member_shape, item)
        return out
    if kind == "list":
        return [from_ours(shape.member, item) for item in obj]
    if kind == "map":
        return {_text(k): from_ours(shape.value, v) for k, v in obj.items()}
    if kind == "string":
        return _text(obj)
    if kind == "blob":
        return bytes(obj)
    return obj


def differences(ours: Any, boto: Any, path: str = "") -> list[str]:
    """Where two parsed values differ, types included: ``==`` alone would call
    1 and 1.0, or 1 and True, the same."""
    if isinstance(boto, dict) and isinstance(ours, dict):
        found = []
        for key in sorted(ours.keys() | boto.keys(), key=str):
            where = f"{path}.{key}"
            if key not in ours:
                found.append(f"{where}: missing from ours (botocore: {boto[key]!r})")
            elif key not in boto:
                found.append(f"{where}: only in ours ({ours[key]!r})")
            else:
                found.extend(differences(ours[key], boto[key], where))
        return found
    if isinstance(boto, list) and isinstance(ours, list):
        if len(ours) != len(boto):
            return [f"{path}: {len(ours)} items, botocore has {len(boto)}: {ours!r} vs {boto!r}"]
        return [
            d
            for i, pair in enumerate(zip(ours, boto, strict=True))
            for d in differences(*pair, f"{path}[{i}]")
        ]
    if type(ours) is not type(boto) or ours != boto:
        return [
            f"{path or 'value'}: ours {ours!r} ({type(ours).__name__}), botocore {boto!r} ({type(boto).__name__})"
        ]
    return []


def plain(value: Any) -> Any:
    """Our scalar as botocore gives it: enum members as plain ``str``."""
    return _text(value)
