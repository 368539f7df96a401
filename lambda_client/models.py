"""Every structure and enum of the Lambda model, under the model's own names
(``models.FunctionConfiguration``, ``models.Runtime``). Classes are loaded on
first use, so importing this module is cheap."""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._generated import models as _generated
from ._runtime.exceptions import ParamValidationError
from ._runtime.http import ResponseMetadata
from ._runtime.messages import foreign_cause, type_name

if TYPE_CHECKING:
    from ._generated.models import *  # noqa: F403

__all__ = [*_generated.__all__, "from_dict", "to_dict"]

M = TypeVar("M")


def to_dict(obj: Any) -> dict[str, Any]:
    """The dict boto3 would give or take for this object: members under their
    wire names (``FunctionName``), unset members left out, bytes and
    datetimes as they are, enums as their string values. An operation
    output also carries ``ResponseMetadata`` as boto3's does."""
    from ._runtime.serde import dict_converter

    if not attrs.has(type(obj)):
        raise TypeError(f"to_dict() takes a lambda_client model, got {type(obj).__name__}")
    data: dict[str, Any] = dict_converter().unstructure(obj)
    metadata = getattr(obj, "response_metadata", None)
    if metadata is not None:
        # botocore's keys: RequestId only when the response carried one.
        shown: dict[str, Any] = {}
        if metadata.request_id is not None:
            shown["RequestId"] = metadata.request_id
        shown["HTTPStatusCode"] = metadata.http_status_code
        shown["HTTPHeaders"] = {k.lower(): v for k, v in metadata.http_headers.items()}
        shown["RetryAttempts"] = metadata.attempts - 1
        if metadata.max_attempts is not None and metadata.attempts >= metadata.max_attempts:
            # As botocore's standard mode: the last allowed attempt is marked.
            shown["MaxAttemptsReached"] = True
        data["ResponseMetadata"] = shown
    return data


def from_dict(cls: type[M], data: Any) -> M:
    """Build a model from a boto3-style dict (``{"FunctionName": ...}``).

    Every value's type is checked as the model is built: unknown keys,
    missing required members and wrong types (a string where a list belongs,
    ``"128"`` for a number) raise
    [`ParamValidationError`][lambda_client.errors.ParamValidationError]
    naming each path (``VpcConfig.SubnetIds``). An output's
    ``ResponseMetadata``, as ``to_dict`` and boto3 write it, becomes its
    ``response_metadata``.
    """
    from cattrs.errors import BaseValidationError

    from ._runtime.serde import dict_converter

    if not (isinstance(cls, type) and attrs.has(cls)):
        raise TypeError(f"from_dict() takes a lambda_client model class, got {cls!r}")
    name = cls.__name__
    metadata: ResponseMetadata | None = None
    takes_metadata = "response_metadata" in attrs.fields_dict(cls)
    if takes_metadata and isinstance(data, Mapping) and "ResponseMetadata" in data:
        data = dict(data)
        metadata = _response_metadata(data.pop("ResponseMetadata"), f"{name}.ResponseMetadata")
    try:
        result: M = dict_converter().structure(data, cls)  # type: ignore[assignment]
    except BaseValidationError as e:
        raise ParamValidationError(name, _problems(e, name)) from foreign_cause(e)
    except (TypeError, ValueError) as e:
        raise ParamValidationError(name, [(name, _leaf(e))]) from foreign_cause(e)
    if metadata is not None:
        result.response_metadata = metadata  # type: ignore[attr-defined]
    return result


def _problems(error: BaseException, path: str, *, sensitive: bool = False) -> list[tuple[str, str]]:
    """(path, problem) for every leaf of a cattrs error tree, with paths in
    the dict's own terms: wire names, list indexes and map keys, except the
    keys of a sensitive map (environment variables), shown as ``[<key>]``.
    Problems give types, never values."""
    from cattrs.errors import (
        ClassValidationError,
        ForbiddenExtraKeysError,
        IterableValidationError,
    )

    from ._runtime.model_base import redact

    out: list[tuple[str, str]] = []
    if isinstance(error, ClassValidationError):
        noted, unnoted = error.group_exceptions()
        fields = attrs.fields_dict(error.cl)
        for exc, note in noted:
            field = fields.get(note.name)
            wire = field.metadata.get("wire", note.name) if field is not None else note.name
            secret = sensitive or (field is not None and field.repr is redact)
            out += _problems(exc, f"{path}.{wire}", sensitive=secret)
        for exc in unnoted:
            out += _problems(exc, path, sensitive=sensitive)
    elif isinstance(error, IterableValidationError):
        items, others = error.group_exceptions()
        for exc, item in items:
            index = item.index
            shown = index if type(index) is int else "<key>" if sensitive else repr(index)
            out += _problems(exc, f"{path}[{shown}]", sensitive=sensitive)
        for exc in others:
            out += _problems(exc, path, sensitive=sensitive)
    elif isinstance(error, ForbiddenExtraKeysError):
        out.append((path, f"unknown member(s): {', '.join(sorted(error.extra_fields))}"))
    elif isinstance(error, KeyError):
        out.append((path, "is required"))
    else:
        out.append((path, _leaf(error)))
    return out


def _leaf(error: BaseException) -> str:
    """The converter's own words for a wrong type ("expected list, got
    str"), which name types only; anything else by its type, since a
    parser's words quote the value ("Invalid isoformat string: '...'")."""
    text = str(error)
    if isinstance(error, TypeError) and text.startswith("expected "):
        return text
    return f"invalid value ({type_name(error)})"


_METADATA_TYPES: dict[str, type] = {
    "RequestId": str,
    "HTTPStatusCode": int,
    "HTTPHeaders": Mapping,
    "RetryAttempts": int,
}


def _response_metadata(value: Any, path: str) -> ResponseMetadata:
    """boto3's ``ResponseMetadata`` dict, checked, as a ResponseMetadata."""
    if not isinstance(value, Mapping):
        raise ParamValidationError(path, [(path, f"expected dict, got {type(value).__name__}")])
    problems = [(f"{path}.{key}", "unknown member") for key in value if key not in _METADATA_TYPES]
    for key, kind in _METADATA_TYPES.items():
        item = value.get(key)
        if item is not None and (not isinstance(item, kind) or isinstance(item, bool)):
            problems.append(
                (f"{path}.{key}", f"expected {kind.__name__}, got {type(item).__name__}")
            )
    if problems:
        raise ParamValidationError(path, problems)
    return ResponseMetadata(
        request_id=value.get("RequestId") or None,
        http_status_code=value.get("HTTPStatusCode", 200),
        http_headers=dict(value.get("HTTPHeaders", {})),
        attempts=value.get("RetryAttempts", 0) + 1,
        # Not part of boto3's dict, so not recoverable from one.
        total_retry_delay=0.0,
        invocation_id="",
    )


def __getattr__(name: str) -> Any:
    value = _generated.load(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
