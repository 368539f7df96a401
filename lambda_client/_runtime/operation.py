"""The generated operation descriptor."""

from __future__ import annotations

import importlib
from typing import Any, Generic, TypeVar

from attrs import field, frozen

I = TypeVar("I")  # noqa: E741 - input/output is the conventional pair
O = TypeVar("O")  # noqa: E741

_MODELS = "lambda_client._generated.models"


def load_model(ref: str) -> type[Any]:
    """Class for a ``"module:ClassName"`` reference into the generated models."""
    module, _, name = ref.partition(":")
    cls: type[Any] = getattr(importlib.import_module(f"{_MODELS}.{module}"), name)
    return cls


@frozen
class OperationSpec(Generic[I, O]):
    """What the runtime needs to know about one operation; generated, one per
    operation. Model classes are named, not imported, so that describing all
    operations costs nothing until one is called."""

    name: str
    http_method: str
    #: The model's request URI: ``/2015-03-31/functions/{FunctionName}``,
    #: possibly with a static query (``/layers?find=LayerVersion``).
    uri: str
    success_code: int
    input_type: str
    output_type: str | None
    errors: tuple[str, ...]
    #: Runs the user's function: never resend once the request went out.
    invokes_function: bool
    streaming_output: bool
    path_template: str = field(init=False)
    static_query: tuple[tuple[str, str], ...] = field(init=False)

    def __attrs_post_init__(self) -> None:
        path, _, query = self.uri.partition("?")
        pairs = []
        for item in query.split("&") if query else ():
            key, _, value = item.partition("=")
            pairs.append((key, value))
        object.__setattr__(self, "path_template", path)
        object.__setattr__(self, "static_query", tuple(pairs))
