"""The service's end of rest-json: requests read back into typed request
objects, outputs and errors written as the HTTP responses Lambda sends.

It is the mirror of ``request_binding`` and ``response_binding`` and reads the same field metadata
(``loc``/``name``/``wire``/``check``), so whatever the client writes can be
read here and whatever is written here is what the client's parser reads.
The test stub (``lambda_client.testing``) answers through it, which is how
a stubbed call still runs serialisation, signing, retries and parsing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote

import attrs

from . import validate as _v
from .exceptions import ServiceError
from .frame_encoder import encode_message
from .http import HttpRequest
from .request_binding import dumps, scalar_text
from .response_binding import response_plan
from .serde import converter, parse_timestamp
from .service_model import OperationSpec

JSON = "application/json"
EVENT_STREAM = "application/vnd.amazon.eventstream"

# -- operations ------------------------------------------------------------------


@attrs.frozen
class _Route:
    spec: OperationSpec[Any, Any]
    method_name: str
    pattern: re.Pattern[str]
    static_query: frozenset[tuple[str, str]]
    #: Literal characters of the URI template; more is more specific.
    literal: int


def _route(method_name: str, spec: OperationSpec[Any, Any]) -> _Route:
    regex = ""
    literal = 0
    for part in re.split(r"(\{[^}]+\})", spec.path_template):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = name.endswith("+")
            regex += "(.+)" if greedy else "([^/]+)"
        else:
            regex += re.escape(part)
            literal += len(part)
    # A client endpoint may carry a base path in front of the template.
    pattern = re.compile(f"(?:/.*)?{regex}/?")
    return _Route(spec, method_name, pattern, frozenset(spec.static_query), literal)


class Routes:
    """Which operation a request is for, among ``operations`` (each under
    its client method name, ``get_function``)."""

    def __init__(self, operations: Mapping[str, OperationSpec[Any, Any]]) -> None:
        self._routes = tuple(_route(name, spec) for name, spec in operations.items())

    def match(self, request: HttpRequest) -> tuple[str, OperationSpec[Any, Any]] | None:
        """The operation (method name, descriptor) a request is for, if any."""
        query = frozenset(_query_pairs(request.query))
        best: _Route | None = None
        for route in self._routes:
            if route.spec.http_method != request.method:
                continue
            if not route.static_query <= query or not route.pattern.fullmatch(request.path):
                continue
            key = (len(route.static_query), route.literal)
            if best is None or key > (len(best.static_query), best.literal):
                best = route
        return None if best is None else (best.method_name, best.spec)


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for item in query.split("&") if query else ():
        key, _, value = item.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


# -- requests --------------------------------------------------------------------


class RequestReadError(ValueError):
    """A request that does not fit its operation's input."""


def _from_text(check: object, text: str, where: str) -> Any:
    try:
        if isinstance(check, _v.Int):
            return int(text)
        if isinstance(check, _v.Float):
            return float(text)
        if isinstance(check, _v.Bool):
            if text not in ("true", "false"):
                raise ValueError(f"expected true or false, got {text!r}")
            return text == "true"
        if isinstance(check, _v.Timestamp):
            return parse_timestamp(text)
    except ValueError as e:
        raise RequestReadError(f"{where}: {e}") from e
    return text


def _label_values(spec: OperationSpec[Any, Any], path: str) -> dict[str, str]:
    names = re.findall(r"\{([^}]+)\}", spec.path_template)
    match = _route(spec.name, spec).pattern.fullmatch(path)
    if match is None:
        raise RequestReadError(f"{path} does not match {spec.path_template}")
    return {
        name.rstrip("+"): unquote(value) for name, value in zip(names, match.groups(), strict=True)
    }


def read_request(spec: OperationSpec[Any, Any], request: HttpRequest) -> Any:
    """The typed request object that ``request`` carries."""
    cls = spec.input_type
    hints = attrs.fields_dict(attrs.resolve_types(cls))
    labels = _label_values(spec, request.path)
    query: dict[str, list[str]] = {}
    for key, value in _query_pairs(request.query):
        query.setdefault(key, []).append(value)
    body: Any = None
    values: dict[str, Any] = {}
    for f in attrs.fields(cls):
        meta = f.metadata
        loc = meta.get("loc")
        wire = meta.get("wire", f.name)
        name = meta.get("name", wire)
        check = meta.get("check")
        where = f"{cls.__name__}.{f.name}"
        if loc == "uri":
            if name in labels:
                values[f.name] = _from_text(check, labels[name], where)
        elif loc == "querystring":
            texts = query.get(name)
            if texts is None:
                # An empty list sends no pair: empty where one is required.
                if isinstance(check, _v.ListOf) and f.default is attrs.NOTHING:
                    values[f.name] = []
                continue
            if isinstance(check, _v.ListOf):
                values[f.name] = [_from_text(check.item, t, where) for t in texts]
            else:
                values[f.name] = _from_text(check, texts[-1], where)
        elif loc == "header":
            text = request.headers.get(name.lower())
            if text is not None:
                values[f.name] = _from_text(check, text, where)
        elif loc == "payload":
            # An empty raw body is an empty value where one is required, and
            # no value otherwise: the wire cannot tell b"" from absent.
            required = f.default is attrs.NOTHING
            if isinstance(check, _v.Blob):
                values[f.name] = request.body if request.body or required else None
            elif isinstance(check, _v.Str):
                text = request.body.decode("utf-8")
                values[f.name] = text if text or required else None
            else:
                data = _json(request.body) if request.body else {}
                # The client sends "{}" for an unset structure payload.
                if data or required:
                    values[f.name] = _structure(data, hints[f.name].type, where)
        elif loc is None:
            if body is None:
                body = _json(request.body) if request.body else {}
            if wire in body:
                values[f.name] = _structure(body[wire], hints[f.name].type, where)
    for f in attrs.fields(cls):
        # A request the client sent without validation may lack required members.
        if f.default is attrs.NOTHING:
            values.setdefault(f.name, None)
    return cls(**values)


def _json(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except ValueError as e:
        raise RequestReadError(f"body is not JSON: {e}") from e
    if not isinstance(data, dict):
        raise RequestReadError(f"body is a JSON {type(data).__name__}, not an object")
    return data


def _structure(value: Any, tp: Any, where: str) -> Any:
    try:
        return converter().structure(value, tp)
    except Exception as e:
        raise RequestReadError(f"{where}: {e}") from e


# -- responses -------------------------------------------------------------------


@attrs.frozen
class WireResponse:
    """A response as bytes on the wire. Header names are as Lambda spells them."""

    status: int
    headers: Mapping[str, str]
    body: bytes = b""


def write_output(spec: OperationSpec[Any, Any], output: Any) -> WireResponse:
    """The 2xx response that parses into ``output``. The event stream member
    (if any) is left out: its frames are written by ``write_event``."""
    if spec.output_type is None:
        return WireResponse(status=spec.success_code, headers={})
    plan = response_plan(spec.output_type)
    status = spec.success_code
    headers: dict[str, str] = {}
    body = b""
    if plan.event_stream is not None:
        headers["Content-Type"] = EVENT_STREAM
    elif plan.payload is None and plan.has_body:
        body = dumps(converter().unstructure(output))
        headers["Content-Type"] = JSON
    for f in attrs.fields(plan.cls):
        loc = f.metadata.get("loc")
        value = getattr(output, f.name)
        if value is None:
            continue
        if loc == "header":
            headers[f.metadata.get("name", f.metadata["wire"])] = scalar_text(value)
        elif loc == "statusCode":
            status = value
        elif loc == "payload" and isinstance(f.metadata.get("check"), _v.Blob):
            body = value
            headers.setdefault("Content-Type", "application/octet-stream")
        elif loc == "payload":
            body = dumps(converter().unstructure(value))
            headers["Content-Type"] = JSON
    return WireResponse(status=status, headers=headers, body=body)


def _error_body(error: ServiceError) -> dict[str, Any]:
    header_bound = {wire for _a, wire, loc, _n, _c in error._members if loc == "header"}
    data = {
        wire: value
        for wire, value in error.fields.items()
        if value is not None and wire not in header_bound
    }
    if error.message is not None:
        key = next((wire for attr, wire, *_ in error._members if attr == "message"), "message")
        data[key] = error.message
    return data


def write_error(error: ServiceError) -> WireResponse:
    """The error response Lambda sends for ``error``: the code in
    ``x-amzn-ErrorType``, header-bound members (``Retry-After``) as headers,
    the rest and the message in a JSON body."""
    headers = {"x-amzn-ErrorType": error.code, "Content-Type": JSON}
    for _attr, wire, location, name, _convert in error._members:
        value = error.fields.get(wire)
        if location == "header" and value is not None:
            headers[name] = scalar_text(value)
    return WireResponse(status=error.status_code, headers=headers, body=dumps(_error_body(error)))


def write_event(event: Any, events: Mapping[str, type]) -> bytes:
    """One event-stream frame: a modelled event, or a ServiceError as an
    exception frame."""
    if isinstance(event, ServiceError):
        headers = {
            ":message-type": "exception",
            ":exception-type": event.code,
            ":content-type": JSON,
        }
        return encode_message(headers, dumps(_error_body(event)))
    name = next((n for n, cls in events.items() if type(event) is cls), None)
    if name is None:
        raise TypeError(f"{type(event).__name__} is not an event of this stream")
    raw = next(
        (f.name for f in attrs.fields(type(event)) if f.metadata.get("loc") == "eventpayload"),
        None,
    )
    if raw is not None:
        payload = getattr(event, raw) or b""
        content_type = "application/octet-stream"
    else:
        payload = dumps(converter().unstructure(event))
        content_type = JSON
    headers = {":message-type": "event", ":event-type": name, ":content-type": content_type}
    return encode_message(headers, payload)


def event_classes(spec: OperationSpec[Any, Any]) -> Mapping[str, type] | None:
    """The ``:event-type`` -> class map of an operation's event stream, if any."""
    if spec.output_type is None:
        return None
    stream = response_plan(spec.output_type).event_stream
    return None if stream is None else stream[1]


def output_class(spec: OperationSpec[Any, Any]) -> type | None:
    return None if spec.output_type is None else response_plan(spec.output_type).cls


def error_problems(error: ServiceError) -> Sequence[tuple[str, str]]:
    """Members of ``error`` the wire cannot carry (every Lambda error member is text)."""
    problems = []
    for attr, wire, _location, _name, _convert in error._members:
        value = error.message if attr == "message" else error.fields.get(wire)
        if value is not None and not isinstance(value, str):
            problems.append(
                (f"{type(error).__name__}.{attr}", f"expected str, got {type(value).__name__}")
            )
    return problems
