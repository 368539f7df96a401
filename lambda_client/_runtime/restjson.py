"""rest-json: request objects to HTTP requests, HTTP responses to outputs.

Where each member goes is read once per model class from its field metadata
(``loc``/``name``) and kept as a small plan, so a call does no model walking.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import attrs

from . import jsonload
from . import validate as _v
from .coerce import NOT_LISTS
from .exceptions import DeserializationError, LambdaClientError, ServiceError, UnknownServiceError
from .http import HttpRequest, HttpResponse
from .messages import describe, foreign_cause, structure_problems, type_name
from .operation import OperationSpec, load_model
from .serde import converter, parse_timestamp

# -- requests ------------------------------------------------------------------


def _iso8601(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar_text(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _iso8601(value)
    if isinstance(value, str):
        # Enum members are str subclasses; str() gives their wire value.
        return str.__str__(value)
    return str(value)


def _encode(text: str) -> str:
    # RFC 3986: everything but unreserved characters, so "/" -> %2F, ":" -> %3A,
    # "+" -> %2B and space -> %20 (never "+").
    return quote(text, safe="-_.~")


# Path labels name the same few functions, aliases and ARNs call after call
# (query values such as page markers do not repeat, so they are not kept).
_LABELS_KEPT = 1024
_encoded_labels: dict[str, str] = {}


def _encode_label(text: str) -> str:
    encoded = _encoded_labels.get(text)
    if encoded is None:
        encoded = _encode(text)
        if len(text) <= 256:
            if len(_encoded_labels) >= _LABELS_KEPT:
                _encoded_labels.clear()
            _encoded_labels[text] = encoded
    return encoded


_EMPTY_LABEL = "must not be empty: it is a segment of the request's URI path"


@attrs.frozen
class _RequestPlan:
    labels: tuple[tuple[str, str], ...]  # (placeholder, attribute)
    greedy: tuple[tuple[str, str], ...]
    query: tuple[tuple[str, str], ...]  # (wire name, attribute)
    headers: tuple[tuple[str, str], ...]  # (lower-case header name, attribute)
    payload: str | None
    #: The payload is a blob or string sent as the raw body, not a structure.
    raw_payload: bool
    has_body: bool
    idempotency_tokens: tuple[str, ...]


_request_plans: dict[type, _RequestPlan] = {}


def request_plan(cls: type) -> _RequestPlan:
    plan = _request_plans.get(cls)
    if plan is not None:
        return plan
    labels, greedy, query, headers, tokens = [], [], [], [], []
    payload = None
    raw_payload = has_body = False
    for f in attrs.fields(cls):
        meta = f.metadata
        loc = meta.get("loc")
        name = meta.get("name", meta.get("wire", f.name))
        if meta.get("idempotency_token"):
            tokens.append(f.name)
        if loc == "uri":
            labels.append(("{" + name + "}", f.name))
            greedy.append(("{" + name + "+}", f.name))
        elif loc == "querystring":
            query.append((name, f.name))
        elif loc == "header":
            headers.append((name.lower(), f.name))
        elif loc == "payload":
            payload = f.name
            raw_payload = isinstance(meta.get("check"), (_v.Blob, _v.Str))
        elif loc is None:
            has_body = True
    plan = _RequestPlan(
        labels=tuple(labels),
        greedy=tuple(greedy),
        query=tuple(query),
        headers=tuple(headers),
        payload=payload,
        raw_payload=raw_payload,
        has_body=has_body,
        idempotency_tokens=tuple(tokens),
    )
    _request_plans[cls] = plan
    return plan


def serialize_request(
    op: OperationSpec[Any, Any],
    request: Any,
    *,
    scheme: str,
    host: str,
    base_path: str,
) -> HttpRequest:
    plan = request_plan(type(request))
    path = op.path_template
    empty = [(attr, _EMPTY_LABEL) for _p, attr in plan.labels if getattr(request, attr) == ""]
    if empty:
        from .exceptions import ParamValidationError

        # "/functions/" is another resource than "/functions/{name}" (smithy
        # forbids empty labels; botocore sends them).
        raise ParamValidationError(op.name, empty)
    for placeholder, attr in plan.greedy:
        if placeholder in path:
            value = _scalar_text(getattr(request, attr))
            path = path.replace(placeholder, quote(value, safe="-_.~/"))
    for placeholder, attr in plan.labels:
        if placeholder in path:
            path = path.replace(placeholder, _encode_label(_scalar_text(getattr(request, attr))))

    pairs = [f"{_encode(k)}={_encode(v)}" for k, v in op.static_query]
    for wire, attr in plan.query:
        value = getattr(request, attr)
        if value is None:
            continue
        key = _encode(wire)
        if isinstance(value, Sequence) and not isinstance(value, NOT_LISTS):
            pairs.extend(f"{key}={_encode(_scalar_text(item))}" for item in value)
        else:
            pairs.append(f"{key}={_encode(_scalar_text(value))}")

    headers: dict[str, str] = {}
    for name, attr in plan.headers:
        value = getattr(request, attr)
        if value is not None:
            headers[name] = _scalar_text(value)

    body = b""
    if plan.payload is not None and plan.raw_payload:
        value = getattr(request, plan.payload)
        if isinstance(value, str):
            body = value.encode("utf-8")
        elif value is not None:
            body = bytes(value)
    elif plan.payload is not None:
        value = getattr(request, plan.payload)
        # An unset structure payload is still a JSON body, "{}", as botocore sends it.
        body = _dumps(converter().unstructure(value)) if value is not None else b"{}"
    elif plan.has_body:
        body = _dumps(converter().unstructure(request))
    # A raw payload goes without a Content-Type, as botocore sends it: that is
    # what Lambda has always received from boto3 and the CLI, whereas a type
    # picked here (JSON for arbitrary bytes) would often be false.
    if body and not plan.raw_payload and "content-type" not in headers:
        headers["content-type"] = "application/json"

    return HttpRequest(
        method=op.http_method,
        scheme=scheme,
        host=host,
        path=base_path + path,
        query="&".join(pairs),
        headers=headers,
        body=body,
    )


def _dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# What the generated serializers (``_to_http``, codegen/writers.py) write
# values with: the same functions as serialize_request, so both write the
# same bytes.
encode = _encode
encode_label = _encode_label
iso8601 = _iso8601


def json_body(value: Any) -> bytes:
    """A structure (a request, or its payload member) as the JSON body."""
    return b"{}" if value is None else _dumps(converter().unstructure(value))


# -- responses -----------------------------------------------------------------


def _header_parser(check: object) -> Callable[[str], Any]:
    if isinstance(check, _v.Int):
        return int
    if isinstance(check, _v.Bool):
        return lambda text: text.strip().lower() == "true"
    if isinstance(check, _v.Timestamp):
        return parse_timestamp
    return str


@attrs.frozen
class _ResponsePlan:
    cls: type
    headers: tuple[tuple[str, str, Callable[[str], Any]], ...]
    status: str | None
    payload: tuple[str, bool] | None  # (attribute, is raw bytes)
    event_stream: tuple[str, Mapping[str, type]] | None
    has_body: bool


_response_plans: dict[str, _ResponsePlan] = {}


def response_plan(ref: str) -> _ResponsePlan:
    plan = _response_plans.get(ref)
    if plan is not None:
        return plan
    cls = load_model(ref)
    headers = []
    status = payload = stream = None
    has_body = False
    for f in attrs.fields(cls):
        meta = f.metadata
        loc = meta.get("loc")
        if loc == "header":
            name = meta.get("name", meta["wire"]).lower()
            headers.append((f.name, name, _header_parser(meta.get("check"))))
        elif loc == "statusCode":
            status = f.name
        elif loc == "payload":
            payload = (f.name, isinstance(meta.get("check"), _v.Blob))
        elif loc == "eventstream":
            stream = (f.name, meta["events"])
        elif loc is None:
            has_body = True
    plan = _ResponsePlan(
        cls=cls,
        headers=tuple(headers),
        status=status,
        payload=payload,
        event_stream=stream,
        has_body=has_body,
    )
    _response_plans[ref] = plan
    return plan


class _Reading:
    """What a response-reading error may say about the response it came from."""

    __slots__ = ("body", "operation", "request_id", "status")

    def __init__(self, operation: str, response: HttpResponse, body: bytes) -> None:
        self.operation = operation
        self.status = response.status
        self.request_id = response.headers.get("x-amzn-requestid")
        self.body = body

    def error(self, summary: str, cause: BaseException | None = None) -> DeserializationError:
        return DeserializationError(
            describe(
                summary,
                operation=self.operation,
                status=self.status,
                request_id=self.request_id,
                cause=cause,
            ),
            status_code=self.status,
            body=self.body[:2048],
        )


def read_json(body: bytes) -> Any:
    """A JSON document (``{}`` for an empty body); raises only ``ValueError``."""
    if not body.strip():
        return {}
    return jsonload.loads(body)


def _load_json(body: bytes, reading: _Reading) -> Any:
    try:
        return read_json(body)
    except jsonload.JsonLimitError as e:
        raise reading.error(f"The response body is {e}") from None
    except ValueError as e:
        raise reading.error("The response body is not JSON", cause=e) from foreign_cause(e)


def structure(
    data: Any, cls: type, status: int, body: bytes = b"", *, operation: str | None = None
) -> Any:
    """``data`` as a ``cls``, or a `DeserializationError` saying where
    it does not fit (never what the offending value is)."""
    if not isinstance(data, dict):
        raise DeserializationError(
            describe(
                f"Expected a JSON object for {cls.__name__}, got {type(data).__name__}",
                operation=operation,
                status=status,
            ),
            status_code=status,
            body=body[:2048],
        )
    try:
        # The generated reader: straight-line code for this structure.
        return cls._from_wire(data)  # type: ignore[attr-defined]
    except Exception as e:
        raise _structure_error(e, data, cls, status, body, operation) from foreign_cause(e)


def _structure_error(
    e: Exception, data: Any, cls: type, status: int, body: bytes, operation: str | None
) -> DeserializationError:
    """Why ``data`` is not a ``cls``, found by the cattrs converter, which
    walks the data with paths (``FunctionConfiguration.Layers[0]``); the
    generated reader only knows that some value did not fit."""
    from cattrs.errors import BaseValidationError

    problems = [type_name(e)]
    try:
        converter().structure(data, cls)
    except BaseValidationError as explained:
        problems = structure_problems(explained, cls.__name__) or problems
    except Exception as explained:
        problems = [type_name(explained)]
    return DeserializationError(
        describe(
            f"Cannot read {cls.__name__}: {'; '.join(problems)}", operation=operation, status=status
        ),
        status_code=status,
        body=body[:2048],
    )


def _payload_class(cls: type, attr: str) -> type:
    hint = attrs.fields_dict(attrs.resolve_types(cls))[attr].type
    (inner,) = (a for a in getattr(hint, "__args__", (hint,)) if a is not type(None))
    if not isinstance(inner, type):
        raise TypeError(f"{cls.__name__}.{attr} is not bound to a structure")
    return inner


HttpReader = Callable[[int, Mapping[str, str], bytes], Any]
_UNKNOWN: Any = object()
_http_readers: dict[str, HttpReader | None] = {}


def _http_reader(ref: str) -> HttpReader | None:
    """The output's generated ``_from_http``: the whole response to the
    output in one call. It assumes a well-formed answer; whatever it cannot
    read, `_parse_output` reads again, to say what is wrong (or to read
    what the generated reader does not: event streams, structure payloads)."""
    read: HttpReader | None = getattr(load_model(ref), "_from_http", None)
    _http_readers[ref] = read
    return read


def parse_output(
    op: OperationSpec[Any, Any],
    response: HttpResponse,
    redactor: Callable[[], Callable[[str], str]] | None = None,
) -> Any:
    """The modelled output of a 2xx response (any 2xx: services and emulators
    disagree with the model on 200/201/202/204).

    Whatever the bytes, the only exception is the library's: a failure this
    module did not foresee is still a `DeserializationError`.
    ``redactor`` makes what cleans service text an event stream may carry later.
    """
    if response.stream is None and op.output_type is not None:
        read = _http_readers.get(op.output_type, _UNKNOWN)
        if read is _UNKNOWN:
            read = _http_reader(op.output_type)
        if read is not None:
            try:
                return read(response.status, response.headers, response.body)
            except Exception:  # noqa: S110 - read again below, which says what is wrong
                pass
    try:
        return _parse_output(op, response, redactor)
    except LambdaClientError:
        raise
    except Exception as e:
        reading = _Reading(op.name, response, response.body)
        raise reading.error("Cannot read the response", cause=e) from foreign_cause(e)


def _parse_output(
    op: OperationSpec[Any, Any],
    response: HttpResponse,
    redactor: Callable[[], Callable[[str], str]] | None,
) -> Any:
    if op.output_type is None:
        return None
    plan = response_plan(op.output_type)
    reading = _Reading(op.name, response, response.body)
    if plan.payload is not None:
        obj = plan.cls()
        attr, raw = plan.payload
        if raw:
            setattr(obj, attr, response.body)
        elif response.body.strip():
            data = _load_json(response.body, reading)
            payload_cls = _payload_class(plan.cls, attr)
            setattr(
                obj,
                attr,
                structure(data, payload_cls, response.status, response.body, operation=op.name),
            )
    elif plan.has_body and response.stream is None:
        data = _load_json(response.body, reading)
        obj = structure(data, plan.cls, response.status, response.body, operation=op.name)
    else:
        obj = plan.cls()
    headers = response.headers
    for attr, name, parse in plan.headers:
        text = headers.get(name)
        if text is not None:
            try:
                setattr(obj, attr, parse(text))
            except Exception as e:
                # The header's name, not its value: allow-listed facts only.
                raise reading.error(f"The {name} header cannot be read", cause=e) from (
                    foreign_cause(e)
                )
    if plan.status is not None:
        setattr(obj, plan.status, response.status)
    if plan.event_stream is not None:
        from .streaming import BufferedBody, EventStream, event_parser

        # A transport that read the body whole (a test double, a proxy that
        # buffers) still yields the events in it: the member is always a stream.
        body = response.stream if response.stream is not None else BufferedBody(response.body)
        attr, events = plan.event_stream
        setattr(obj, attr, EventStream(body, event_parser(events, op.name, redactor)))
    return obj


# -- errors --------------------------------------------------------------------


def _bare_code(value: str) -> str:
    # "com.amazonaws.lambda#Name:http://internal.amazon.com/..." -> "Name",
    # wherever the code came from: the suffix goes first, then the namespace.
    return value.split(":", 1)[0].rsplit("#", 1)[-1].strip()


def _error_code(headers: Mapping[str, str], data: Mapping[str, Any], status: int) -> str:
    # The restJson1 order, which botocore follows too: the header, then the
    # body's "code", then its "__type".
    code = headers.get("x-amzn-errortype")
    if code:
        return _bare_code(code)
    for key in ("code", "Code", "__type"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return _bare_code(value)
    return str(status)


#: Longest error code kept; a code is a shape name, and anything longer is junk.
_MAX_CODE = 128


def parse_error(op: OperationSpec[Any, Any], response: HttpResponse) -> ServiceError:
    """The typed exception for an error response. Never raises itself: an
    answer this function cannot make sense of still becomes a service error
    with the response's status (the failure chained as its cause)."""
    try:
        return _parse_error(op, response)
    except Exception as e:
        error = UnknownServiceError(
            code=str(response.status),
            message=None,
            status_code=response.status,
            operation=op.name,
        )
        error.__cause__ = foreign_cause(e)
        return error


def _parse_error(op: OperationSpec[Any, Any], response: HttpResponse) -> ServiceError:
    from .._generated.errors import ERRORS_BY_CODE

    body = response.body
    data: Any = {}
    text_message = None
    try:
        data = read_json(body)
    except ValueError:
        text_message = body[:512].decode("utf-8", "replace").strip()
    if not isinstance(data, dict):
        data = {}
    headers = response.headers
    code = _error_code(headers, data, response.status)[:_MAX_CODE]
    cls = ERRORS_BY_CODE.get(code, UnknownServiceError)
    fields: dict[str, Any] = {}
    for _attr, wire, location, name, _convert in cls._members:
        if location == "header":
            value = headers.get(name)
            if value is not None:
                fields[wire] = value
        elif wire in data:
            fields[wire] = data[wire]
    message = data.get("message", data.get("Message", data.get("errorMessage", text_message)))
    arguments: dict[str, Any] = {
        "code": code,
        "message": message if isinstance(message, str) else None,
        "status_code": response.status,
        "request_id": headers.get("x-amzn-requestid"),
        "headers": headers,
        "operation": op.name,
    }
    try:
        return cls(fields=fields, **arguments)
    except Exception:
        # A modelled member of a type its converter refuses (a hostile
        # answer): the typed error without its members beats no error.
        return cls(fields={}, **arguments)
