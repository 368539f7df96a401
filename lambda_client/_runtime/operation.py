"""The generated operation descriptor."""

from __future__ import annotations

import importlib
from typing import Any, Generic, TypeVar

from .records import FrozenRecord

I = TypeVar("I")  # noqa: E741 - input/output is the conventional pair
O = TypeVar("O")  # noqa: E741

_MODELS = "lambda_client._generated.models"


def load_model(ref: str) -> type[Any]:
    """Class for a ``"module:ClassName"`` reference into the generated models."""
    module, _, name = ref.partition(":")
    cls: type[Any] = getattr(importlib.import_module(f"{_MODELS}.{module}"), name)
    return cls


class OperationSpec(FrozenRecord, Generic[I, O]):
    """What the runtime needs to know about one operation; generated, one per
    operation. Model classes are named, not imported, so that describing all
    operations costs nothing until one is called."""

    __slots__ = (  # noqa: RUF023 (repr order)
        "name",
        "http_method",
        "uri",
        "success_code",
        "input_type",
        "output_type",
        "errors",
        "invokes_function",
        "streaming_output",
        "path_template",
        "static_query",
    )

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
    #: ``uri`` without its static query, and the static query's pairs.
    path_template: str
    static_query: tuple[tuple[str, str], ...]

    def __init__(
        self,
        name: str,
        http_method: str,
        uri: str,
        success_code: int,
        input_type: str,
        output_type: str | None,
        errors: tuple[str, ...],
        invokes_function: bool,
        streaming_output: bool,
    ) -> None:
        path, _, query = uri.partition("?")
        pairs = []
        for item in query.split("&") if query else ():
            key, _, value = item.partition("=")
            pairs.append((key, value))
        init = object.__setattr__
        init(self, "name", name)
        init(self, "http_method", http_method)
        init(self, "uri", uri)
        init(self, "success_code", success_code)
        init(self, "input_type", input_type)
        init(self, "output_type", output_type)
        init(self, "errors", errors)
        init(self, "invokes_function", invokes_function)
        init(self, "streaming_output", streaming_output)
        init(self, "path_template", path)
        init(self, "static_query", tuple(pairs))
