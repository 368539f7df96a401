"""Response bytes as Lambda puts them on the wire, built from the model."""

from __future__ import annotations

import itertools
import json
from typing import Any

from botocore.eventstream import EventStream
from botocore.model import Shape
from botocore.response import StreamingBody
from hypothesis import strategies as st

from lambda_client._runtime.frame_encoder import encode_message

from . import model
from .server import Canned
from .strategies import header_value, unknown_enum_value, wire_body

JSON = "application/json"
EVENT_STREAM = "application/vnd.amazon.eventstream"
_OTHER_2XX = (200, 201, 202, 204)


def success(operation: str) -> Canned:
    """The plainest success answer the operation can get."""
    op = model.operation_model(operation)
    status = op.http.get("responseCode", 200)
    shape = op.output_shape
    if model.event_stream_member(shape) is not None:
        return Canned(status=status, headers={"Content-Type": EVENT_STREAM})
    if model.is_raw_payload(shape) or status == 204:
        return Canned(status=status)
    return Canned(status=status, headers={"Content-Type": JSON}, body=b"{}")


def _header_case(draw: st.DrawFn, name: str) -> str:
    # Header names are case-insensitive; readers must not care which case arrives.
    return draw(st.sampled_from([name, name.lower(), name.upper()]))


def _chunks(draw: st.DrawFn, data: bytes) -> list[bytes]:
    cuts = sorted(draw(st.sets(st.integers(1, max(len(data) - 1, 1)), max_size=4)))
    edges = [0, *(c for c in cuts if c < len(data)), len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges) if b > a]


@st.composite
def event_frame(draw: st.DrawFn, name: str, event: Shape) -> bytes:
    raw = next((m for m in event.members.values() if m.serialization.get("eventpayload")), None)
    if raw is not None and raw.type_name == "blob":
        payload = draw(st.binary(max_size=48))
        content_type = "application/octet-stream"
    else:
        payload = json.dumps(draw(wire_body(event))).encode()
        content_type = JSON
    headers = {":message-type": "event", ":event-type": name, ":content-type": content_type}
    return encode_message(headers, payload)


@st.composite
def event_stream_body(draw: st.DrawFn, union: Shape) -> bytes:
    names = list(union.members)
    frames = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 9)) == 0:
            # A newer service may send event types this model does not know.
            unknown = draw(unknown_enum_value())
            frames.append(encode_message({":message-type": "event", ":event-type": unknown}, b"{}"))
            continue
        name = draw(st.sampled_from(names))
        frames.append(draw(event_frame(name, union.members[name])))
    return b"".join(frames)


@st.composite
def output_response(draw: st.DrawFn, operation: str) -> Canned:
    op = model.operation_model(operation)
    shape = op.output_shape
    code = op.http.get("responseCode", 200)
    status = draw(st.sampled_from([code, code, *_OTHER_2XX]))
    headers: dict[str, str] = {}
    for member in shape.members.values():
        if model.location(member) == "header" and draw(st.booleans()):
            name = member.serialization["name"]
            headers[_header_case(draw, name)] = draw(header_value(member))

    stream = model.event_stream_member(shape)
    if stream is not None:
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = EVENT_STREAM
        body = draw(event_stream_body(shape.members[stream]))
        return Canned(status=code, headers=headers, chunks=_chunks(draw, body))

    if any(k.lower() == "content-type" for k in headers):
        raise AssertionError(f"{operation}: Content-Type bound to a member outside a stream")
    if status == 204:
        # No body may follow a 204, whatever the model says the output holds.
        return Canned(status=status, headers=headers)
    if model.is_raw_payload(shape):
        headers["Content-Type"] = JSON
        return Canned(status=status, headers=headers, body=draw(st.binary(max_size=64)))
    document = draw(wire_body(shape))
    body = json.dumps(document).encode()
    # Some front ends label JSON as HTML, or leave the type out.
    content_type = draw(st.sampled_from([JSON, JSON, "text/html; charset=utf-8", None]))
    if content_type is not None:
        headers["Content-Type"] = content_type
    return Canned(status=status, headers=headers, body=body)


def read_botocore(result: dict[str, Any]) -> dict[str, Any]:
    """botocore's result with streamed members read to the end."""
    out = {}
    for key, item in result.items():
        if isinstance(item, StreamingBody):
            out[key] = item.read()
        elif isinstance(item, EventStream):
            out[key] = list(item)
        else:
            out[key] = item
    return out
