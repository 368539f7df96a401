"""What the generated layer hands the runtime: the service and its operations.

Everything model-derived reaches the runtime through these two values,
built in ``_generated/operations.py``: the signing name, the error registry
and the endpoint rules (`ServiceSpec`), and per operation its HTTP binding
and model classes (`OperationSpec`). The runtime never imports generated
code; it is given references that load it on first use, so describing all
operations at import costs nothing until one is called.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .records import FrozenRecord

if TYPE_CHECKING:
    from .exceptions import ServiceError

I = TypeVar("I")  # noqa: E741 - input/output is the conventional pair
O = TypeVar("O")  # noqa: E741

#: A Smithy endpoint rule set and the partition table it is evaluated against.
EndpointRules = tuple[Mapping[str, Any], Mapping[str, Any]]

_UNRESOLVED: Any = object()


class ServiceSpec(FrozenRecord):
    """The service as the runtime needs it; generated, one per client."""

    __slots__ = ("signing_name", "error_classes", "endpoint_rules")  # noqa: RUF023 (repr order)

    #: SigV4's service name (``lambda``), from the model's metadata.
    signing_name: str
    #: Error code -> exception class; loaded when the first error is read.
    error_classes: Callable[[], Mapping[str, type[ServiceError]]]
    #: The endpoint rule set and partitions; loaded on the first resolution.
    endpoint_rules: Callable[[], EndpointRules]

    def __init__(
        self,
        signing_name: str,
        error_classes: Callable[[], Mapping[str, type[ServiceError]]],
        endpoint_rules: Callable[[], EndpointRules],
    ) -> None:
        init = object.__setattr__
        init(self, "signing_name", signing_name)
        init(self, "error_classes", error_classes)
        init(self, "endpoint_rules", endpoint_rules)


class OperationSpec(FrozenRecord, Generic[I, O]):
    """What the runtime needs to know about one operation; generated, one per
    operation. Its model classes are given as functions that return them,
    called once, on first use."""

    __slots__ = (  # noqa: RUF023 (repr order)
        "name",
        "http_method",
        "uri",
        "success_code",
        "invokes_function",
        "streaming_output",
        "path_template",
        "static_query",
        "_input",
        "_output",
        "_input_class",
        "_output_class",
    )
    _FIELDS = __slots__[:8]

    name: str
    http_method: str
    #: The model's request URI: ``/2015-03-31/functions/{FunctionName}``,
    #: possibly with a static query (``/layers?find=LayerVersion``).
    uri: str
    #: The status the model gives a success (a stub answers with it).
    success_code: int
    #: Runs the user's function: never resend once the request went out.
    invokes_function: bool
    streaming_output: bool
    #: ``uri`` without its static query, and the static query's pairs.
    path_template: str
    static_query: tuple[tuple[str, str], ...]
    _input: Callable[[], type[I]]
    _output: Callable[[], type[O]] | None
    _input_class: Any
    _output_class: Any

    def __init__(
        self,
        name: str,
        http_method: str,
        uri: str,
        success_code: int,
        input_type: Callable[[], type[I]],
        output_type: Callable[[], type[O]] | None,
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
        init(self, "invokes_function", invokes_function)
        init(self, "streaming_output", streaming_output)
        init(self, "path_template", path)
        init(self, "static_query", tuple(pairs))
        init(self, "_input", input_type)
        init(self, "_output", output_type)
        init(self, "_input_class", _UNRESOLVED)
        init(self, "_output_class", _UNRESOLVED if output_type is not None else None)

    def _names(self) -> tuple[str, ...]:
        # The description, not the classes it has loaded so far.
        return self._FIELDS

    @property
    def input_type(self) -> type[I]:
        """The request class."""
        cls: type[I] = self._input_class
        if cls is _UNRESOLVED:
            cls = self._input()
            object.__setattr__(self, "_input_class", cls)
        return cls

    @property
    def output_type(self) -> type[O] | None:
        """The output class; None for an operation without output."""
        cls: type[O] | None = self._output_class
        if cls is _UNRESOLVED:
            assert self._output is not None
            cls = self._output()
            object.__setattr__(self, "_output_class", cls)
        return cls
