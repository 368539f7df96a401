"""The stub's response writer against botocore's parser.

lambda_client.testing answers with bytes written by
``_runtime/service_wire.py`` from typed values. Here those bytes go over
real HTTP to botocore: for every operation's output (event streams
included) and every modelled error, botocore must read back exactly the
value the bytes were written from. The value is drawn from botocore's own
shapes, so a member the writer drops or misplaces cannot agree with itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import botocore.exceptions
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import errors
from lambda_client._runtime import service_wire

from .differential import convert, examples, model, strategies, wire
from .differential.server import Canned, Harness, harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Harness]:
    async with harness() as h:
        yield h


def _millis(value: Any) -> Any:
    """The value with timestamps cut to whole milliseconds: epoch seconds as
    a float do not carry every microsecond of a date far from 1970."""
    if isinstance(value, datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    if isinstance(value, dict):
        return {k: _millis(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_millis(v) for v in value]
    return value


@st.composite
def _events(draw: st.DrawFn, union: Any) -> list[dict[str, Any]]:
    names = sorted(union.members)
    out = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(names))
        event = union.members[name]
        fields = _millis(draw(strategies.value(event)))
        for member, member_shape in event.members.items():
            if member_shape.serialization.get("eventpayload"):
                # A frame's raw payload is always there, if empty.
                fields.setdefault(member, b"")
        out.append({name: fields})
    return out


async def _botocore_reads(env: Harness, operation: str, canned: Canned) -> dict[str, Any]:
    env.server.answer(canned)
    params = strategies.minimal_params(operation)
    result: dict[str, Any] = await env.call_boto(operation, params, wire.read_botocore)
    result.pop("ResponseMetadata")
    return result


@pytest.mark.parametrize("operation", model.operations_with_output())
@examples(4)
@given(data=st.data())
async def test_written_outputs_read_back_the_same_in_botocore(
    env: Harness, operation: str, data: st.DataObject
) -> None:
    shape = model.operation_model(operation).output_shape
    value = _millis(data.draw(strategies.value(shape), label="output"))
    stream = model.event_stream_member(shape)
    events: list[dict[str, Any]] = []
    if stream is not None:
        value.pop(stream, None)
        events = data.draw(_events(shape.members[stream]), label="events")
    for name, member in shape.members.items():
        if model.location(member) == "statusCode":
            value[name] = data.draw(st.sampled_from([200, 202]), label="status")

    spec = model.spec(operation)
    written = service_wire.write_output(spec, convert.to_ours(shape, value))
    canned = Canned(status=written.status, headers=dict(written.headers), body=written.body)
    if stream is not None:
        union = shape.members[stream]
        classes = service_wire.event_classes(spec)
        assert classes is not None
        canned.chunks = [
            service_wire.write_event(convert.to_ours(union.members[name], fields), classes)
            for event in events
            for name, fields in event.items()
        ]
        value[stream] = events
        for name, member in shape.members.items():
            if member.serialization.get("name") == "Content-Type":
                # A stream always says what it is.
                value.setdefault(name, service_wire.EVENT_STREAM)

    if model.is_raw_payload(shape):
        # A raw body is always there, if empty.
        value.setdefault(model.payload_member(shape), b"")
    boto = await _botocore_reads(env, operation, canned)
    assert convert.differences(value, boto) == []


def _error_operations() -> dict[str, str]:
    """One operation that models each error."""
    out: dict[str, str] = {}
    for operation, error in model.error_cases():
        out.setdefault(error, operation)
    return out


ERRORS = _error_operations()


@pytest.mark.parametrize("error", sorted(ERRORS))
@examples(3)
@given(data=st.data())
async def test_written_errors_read_back_the_same_in_botocore(
    env: Harness, error: str, data: st.DataObject
) -> None:
    shape = model.service_model().shape_for(error)
    names = model.attr_names_of_error(error)
    members: dict[str, Any] = {}
    for member, member_shape in shape.members.items():
        if data.draw(st.booleans(), label=f"has {member}"):
            where = model.location(member_shape)
            members[member] = data.draw(strategies.value(member_shape, where), label=member)
    ours = getattr(errors, error)(**{names[m]: v for m, v in members.items()})
    written = service_wire.write_error(ours)
    env.server.answer(
        Canned(status=written.status, headers=dict(written.headers), body=written.body)
    )
    with pytest.raises(botocore.exceptions.ClientError) as info:
        await env.call_boto(ERRORS[error], strategies.minimal_params(ERRORS[error]), dict)
    boto = info.value.response
    assert boto["Error"]["Code"] == error
    assert boto["ResponseMetadata"]["HTTPStatusCode"] == shape.metadata["error"]["httpStatusCode"]
    message = next((v for m, v in members.items() if names[m] == "message"), None)
    assert boto["Error"]["Message"] == (message or "")
    for member, drawn in members.items():
        if names[member] != "message":
            assert boto.get(member) == drawn, member
