"""Every structure and enum of the Lambda model, under the model's own names
(``models.FunctionConfiguration``, ``models.Runtime``). Classes are loaded on
first use, so importing this module is cheap."""

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ._generated import models as _generated
from ._runtime.exceptions import ParamValidationError

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

    Unknown keys, missing required members and wrong types raise
    [`ParamValidationError`][lambda_client.errors.ParamValidationError]
    naming each path.
    """
    from cattrs.errors import BaseValidationError
    from cattrs.v import transform_error

    from ._runtime.serde import dict_converter

    if not (isinstance(cls, type) and attrs.has(cls)):
        raise TypeError(f"from_dict() takes a lambda_client model class, got {cls!r}")
    try:
        result: M = dict_converter().structure(data, cls)  # type: ignore[assignment]
    except BaseValidationError as e:
        problems = [_split(line) for line in transform_error(e, path=cls.__name__)]
        raise ParamValidationError(cls.__name__, problems) from e
    except (TypeError, ValueError) as e:
        raise ParamValidationError(cls.__name__, [(cls.__name__, str(e))]) from e
    return result


def _split(line: str) -> tuple[str, str]:
    problem, _, path = line.rpartition(" @ ")
    return (path or "?", problem or line)


def __getattr__(name: str) -> Any:
    value = _generated.load(name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
