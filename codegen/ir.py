"""The frozen intermediate representation the templates render.

Lowering (``lower.py``) turns botocore's JSON into these values once; the
templates only read them, so every decision about names, types and
bindings is made in one place and can be unit-tested.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class TypeRef:
    """A member's type. ``kind`` is one of: string, enum, integer, long,
    double, boolean, blob, timestamp, list, map, structure, eventstream."""

    kind: str
    shape: str
    #: Python annotation, e.g. ``list[Architecture]`` or ``VpcConfig``.
    annotation: str
    #: What a caller may pass for it: enums also as ``str``, collections as
    #: any ``Sequence``/``Mapping`` (covariant), e.g. ``Sequence[Architecture | str]``.
    input_annotation: str
    min: int | float | None = None
    max: int | float | None = None
    item: TypeRef | None = None
    key: TypeRef | None = None
    value: TypeRef | None = None
    sensitive: bool = False
    #: For event streams: (event name on the wire, structure) per event type.
    events: tuple[tuple[str, str], ...] = ()


@frozen
class Member:
    wire_name: str
    attr: str
    type: TypeRef
    #: body, uri, querystring, header, statusCode, payload, eventstream or
    #: eventpayload (the raw payload of an event).
    location: str
    #: The name on the wire for uri/querystring/header members.
    location_name: str
    required: bool
    documentation: str
    idempotency_token: bool = False
    #: Enum converter applied by the attrs constructor, if any.
    converter: str | None = None
    #: A blob the caller may give as bytes, str or JSON-able dict/list.
    flexible_payload: bool = False
    #: Required in the constructor, yet a response may leave it out (the
    #: structure is also read from responses), so typed ``X | None``.
    nullable: bool = False
    #: Present in every response, whatever the service sends, because of
    #: its binding (the HTTP status, the raw body, the event stream): typed
    #: ``X``, never ``X | None``. See docs/design/codegen.md.
    guaranteed: bool = False
    #: For guaranteed members: the constructor's default, as Python source
    #: (``200``, ``b""``), or a factory function's name (``no_events``).
    default: str | None = None
    factory: str | None = None
    #: A collection member of a structure callers send: the body of its
    #: constructor converter (named ``converter``), which takes any
    #: ``Sequence``/``Mapping`` and stores a ``list``/``dict``.
    converter_body: str | None = None
    #: A service limit the documentation states and the model does not:
    #: (maximum, unit, source), from customizations.DOCUMENTED_LIMITS.
    documented_limit: tuple[int, str, str] | None = None


@frozen
class Structure:
    name: str
    module: str
    members: tuple[Member, ...]
    documentation: str
    #: False for shapes only ever read from responses: every member is then
    #: optional, because services omit members the model calls required.
    enforce_required: bool
    #: Other structures this one's members refer to (for imports).
    references: tuple[str, ...]
    enums: tuple[str, ...]
    #: Enum converters used by the members.
    converters: tuple[str, ...]
    deprecated: bool = False
    uses_datetime: bool = False
    uses_eventstream: bool = False
    #: The output of some operation: carries ``response_metadata``.
    is_output: bool = False
    #: (property name, attribute) pairs decoding base64 members to text.
    text_properties: tuple[tuple[str, str], ...] = ()
    #: Read from responses or events: gets a generated ``_from_wire`` reader.
    reads_wire: bool = False
    #: The request URI (path template and static query) of the one operation
    #: that takes this structure as its input; None for any other structure.
    request_uri: str | None = None


@frozen
class EnumValue:
    name: str
    value: str


@frozen
class EnumShape:
    name: str
    values: tuple[EnumValue, ...]
    documentation: str
    #: Which converters (scalar, list, key) the models need for it.
    converters: tuple[str, ...]


@frozen
class ErrorShape:
    name: str
    status: int
    fault: str
    throttling: bool
    members: tuple[Member, ...]
    documentation: str


@frozen
class Operation:
    name: str
    method_name: str
    constant: str
    http_method: str
    uri: str
    success_code: int
    input: Structure
    output: Structure | None
    errors: tuple[str, ...]
    documentation: str
    deprecated: bool
    #: The function may run once the request is sent: never resend blindly.
    invokes_function: bool
    #: Member bound to the raw HTTP body (blob or structure), if any.
    payload: str | None
    streaming_output: bool


@frozen
class Paginator:
    name: str
    method_name: str
    operation: Operation
    #: Operation arguments the caller still passes (not marker or limit).
    arguments: tuple[Member, ...]
    input_token: str
    limit_key: str
    output_token: str
    result_attr: str
    item_annotation: str
    #: Wire names, for the documentation.
    limit_wire: str
    output_wire: str


@frozen
class WaiterAcceptor:
    state: str
    #: path, path_any, path_all, error or status.
    matcher: str
    #: Python literal of the expected value.
    expected: str
    #: Attribute names from the response to the compared value.
    path: tuple[str, ...]
    description: str


@frozen
class Waiter:
    name: str
    method_name: str
    operation: Operation
    delay: float
    max_attempts: int
    description: str
    acceptors: tuple[WaiterAcceptor, ...]
    #: Success can come from an error (FunctionDeleted): no response then.
    may_return_none: bool


@frozen
class Service:
    botocore_version: str
    api_version: str
    signing_name: str
    structures: tuple[Structure, ...]
    enums: tuple[EnumShape, ...]
    errors: tuple[ErrorShape, ...]
    operations: tuple[Operation, ...]
    paginators: tuple[Paginator, ...] = ()
    waiters: tuple[Waiter, ...] = ()
