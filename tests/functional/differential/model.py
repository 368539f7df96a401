"""botocore's Lambda model, and how its names map onto ours.

The tests walk botocore's shapes, not our generated metadata: a member our
generator dropped or renamed then shows up as a failure instead of being
skipped by construction.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs
import botocore.session
from botocore import xform_name
from botocore.model import OperationModel, ServiceModel, Shape

from lambda_client import errors, models
from lambda_client._generated import operations as generated_operations
from lambda_client._runtime.service_model import OperationSpec


@functools.cache
def service_model() -> ServiceModel:
    return botocore.session.get_session().get_service_model("lambda")


def operation_names() -> list[str]:
    return sorted(service_model().operation_names)


def operation_model(name: str) -> OperationModel:
    return service_model().operation_model(name)


@functools.cache
def _specs() -> dict[str, OperationSpec[Any, Any]]:
    return {
        spec.name: spec
        for spec in vars(generated_operations).values()
        if isinstance(spec, OperationSpec)
    }


def spec(name: str) -> OperationSpec[Any, Any]:
    return _specs()[name]


def method_name(operation: str) -> str:
    name: str = xform_name(operation)
    return name


def model_class(shape_name: str) -> type[Any]:
    cls: type[Any] = getattr(models, shape_name)
    return cls


@functools.cache
def attr_names(shape_name: str) -> dict[str, str]:
    """Member name -> attribute name on our class for ``shape_name``."""
    cls = model_class(shape_name)
    return {f.metadata["wire"]: f.name for f in attrs.fields(cls) if "wire" in f.metadata}


def location(member: Shape) -> str | None:
    loc: str | None = member.serialization.get("location")
    return loc


def payload_member(shape: Shape | None) -> str | None:
    if shape is None:
        return None
    name: str | None = shape.serialization.get("payload")
    return name


def is_raw_payload(shape: Shape | None) -> bool:
    """Whether the structure's payload is a blob sent as the raw body."""
    name = payload_member(shape)
    return name is not None and shape is not None and shape.members[name].type_name == "blob"


def event_stream_member(shape: Shape | None) -> str | None:
    name = payload_member(shape)
    if name is None or shape is None:
        return None
    return name if shape.members[name].serialization.get("eventstream") else None


def operations_with_output() -> list[str]:
    return [op for op in operation_names() if operation_model(op).output_shape is not None]


def operations_without_output() -> list[str]:
    return [op for op in operation_names() if operation_model(op).output_shape is None]


def error_cases() -> list[tuple[str, str]]:
    """Every (operation, modelled error) pair."""
    return [
        (op, error.name) for op in operation_names() for error in operation_model(op).error_shapes
    ]


def attr_names_of_error(error: str) -> dict[str, str]:
    """Member name -> attribute name on our exception class for ``error``."""
    cls = getattr(errors, error)
    return {wire: attr for attr, wire, *_ in cls._members}
