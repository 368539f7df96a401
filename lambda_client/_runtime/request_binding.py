"""rest-json requests: request objects to HTTP requests.

Where each member goes (path label, query, header, body) is read once per
model class from its field metadata (``loc``/``name``) and kept as a small
plan, so a call does no model walking.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import attrs

from . import validate as _v
from .coerce import NOT_LISTS
from .http import HttpRequest
from .serde import converter
from .service_model import OperationSpec


def _iso8601(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def scalar_text(value: Any) -> str:
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
            value = scalar_text(getattr(request, attr))
            path = path.replace(placeholder, quote(value, safe="-_.~/"))
    for placeholder, attr in plan.labels:
        if placeholder in path:
            path = path.replace(placeholder, _encode_label(scalar_text(getattr(request, attr))))

    pairs = [f"{_encode(k)}={_encode(v)}" for k, v in op.static_query]
    for wire, attr in plan.query:
        value = getattr(request, attr)
        if value is None:
            continue
        key = _encode(wire)
        if isinstance(value, Sequence) and not isinstance(value, NOT_LISTS):
            pairs.extend(f"{key}={_encode(scalar_text(item))}" for item in value)
        else:
            pairs.append(f"{key}={_encode(scalar_text(value))}")

    headers: dict[str, str] = {}
    for name, attr in plan.headers:
        value = getattr(request, attr)
        if value is not None:
            headers[name] = scalar_text(value)

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
        body = dumps(converter().unstructure(value)) if value is not None else b"{}"
    elif plan.has_body:
        body = dumps(converter().unstructure(request))
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


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# What the generated serializers (``_to_http``, codegen/writers.py) write
# values with: the same functions as serialize_request, so both write the
# same bytes.
encode = _encode
encode_label = _encode_label
iso8601 = _iso8601


def json_body(value: Any) -> bytes:
    """A structure (a request, or its payload member) as the JSON body."""
    return b"{}" if value is None else dumps(converter().unstructure(value))
