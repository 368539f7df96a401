"""rest-json responses: HTTP responses to outputs, and error responses to
the service's exceptions.

Where each output member comes from (header, status, payload, body, event
stream) is read once per output class from its field metadata and kept as a
small plan; the models themselves are read by ``model_reading``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import jsonload
from . import validate as _v
from .exceptions import DeserializationError, LambdaClientError, ServiceError, UnknownServiceError
from .http import HttpResponse
from .messages import describe, foreign_cause
from .model_reading import read_json, service_error, structure
from .serde import parse_timestamp
from .service_model import OperationSpec

if TYPE_CHECKING:
    #: What the generated layer hands over: error code -> class, loaded on first use.
    ErrorClasses = Callable[[], Mapping[str, type[ServiceError]]]


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


_response_plans: dict[type, _ResponsePlan] = {}


def response_plan(cls: type) -> _ResponsePlan:
    plan = _response_plans.get(cls)
    if plan is not None:
        return plan
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
    _response_plans[cls] = plan
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


def _load_json(body: bytes, reading: _Reading) -> Any:
    try:
        return read_json(body)
    except jsonload.JsonLimitError as e:
        raise reading.error(f"The response body is {e}") from None
    except ValueError as e:
        raise reading.error("The response body is not JSON", cause=e) from foreign_cause(e)


def _payload_class(cls: type, attr: str) -> type:
    hint = attrs.fields_dict(attrs.resolve_types(cls))[attr].type
    (inner,) = (a for a in getattr(hint, "__args__", (hint,)) if a is not type(None))
    if not isinstance(inner, type):
        raise TypeError(f"{cls.__name__}.{attr} is not bound to a structure")
    return inner


HttpReader = Callable[[int, Mapping[str, str], bytes], Any]
_UNKNOWN: Any = object()
_http_readers: dict[type, HttpReader | None] = {}


def _http_reader(cls: type) -> HttpReader | None:
    """The output's generated ``_from_http``: the whole response to the
    output in one call. It assumes a well-formed answer; whatever it cannot
    read, `_parse_output` reads again, to say what is wrong (or to read
    what the generated reader does not: event streams, structure payloads)."""
    read: HttpReader | None = getattr(cls, "_from_http", None)
    _http_readers[cls] = read
    return read


def parse_output(
    op: OperationSpec[Any, Any],
    response: HttpResponse,
    errors: ErrorClasses,
    redactor: Callable[[], Callable[[str], str]] | None = None,
) -> Any:
    """The modelled output of a 2xx response (any 2xx: services and emulators
    disagree with the model on 200/201/202/204).

    Whatever the bytes, the only exception is the library's: a failure this
    module did not foresee is still a `DeserializationError`.
    ``errors`` gives the classes of the service errors an event stream may
    carry, and ``redactor`` makes what cleans their text.
    """
    output_type = op.output_type
    if response.stream is None and output_type is not None:
        read = _http_readers.get(output_type, _UNKNOWN)
        if read is _UNKNOWN:
            read = _http_reader(output_type)
        if read is not None:
            try:
                return read(response.status, response.headers, response.body)
            except Exception:  # noqa: S110 - read again below, which says what is wrong
                pass
    try:
        return _parse_output(op, response, errors, redactor)
    except LambdaClientError:
        raise
    except Exception as e:
        reading = _Reading(op.name, response, response.body)
        raise reading.error("Cannot read the response", cause=e) from foreign_cause(e)


def _parse_output(
    op: OperationSpec[Any, Any],
    response: HttpResponse,
    errors: ErrorClasses,
    redactor: Callable[[], Callable[[str], str]] | None,
) -> Any:
    output_type = op.output_type
    if output_type is None:
        return None
    plan = response_plan(output_type)
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
        # Loaded with the first event stream: most programs never read one.
        from .streaming import BufferedBody, EventStream, event_parser

        # A transport that read the body whole (a test double, a proxy that
        # buffers) still yields the events in it: the member is always a stream.
        body = response.stream if response.stream is not None else BufferedBody(response.body)
        attr, events = plan.event_stream
        setattr(obj, attr, EventStream(body, event_parser(events, op.name, errors, redactor)))
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


def parse_error(
    op: OperationSpec[Any, Any], response: HttpResponse, errors: ErrorClasses
) -> ServiceError:
    """The typed exception for an error response, of the class ``errors``
    gives for its code. Never raises itself: an
    answer this function cannot make sense of still becomes a service error
    with the response's status (the failure chained as its cause)."""
    try:
        return _parse_error(op, response, errors)
    except Exception as e:
        error = UnknownServiceError(
            code=str(response.status),
            message=None,
            status_code=response.status,
            operation=op.name,
        )
        error.__cause__ = foreign_cause(e)
        return error


def _parse_error(
    op: OperationSpec[Any, Any], response: HttpResponse, errors: ErrorClasses
) -> ServiceError:
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
    cls = errors().get(code, UnknownServiceError)
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
    return service_error(cls, fields, **arguments)
