"""Every operation through the stub: what a client sends is read back as the
request it was built from, and what is queued is what the client returns.

This runs the service's end of the wire (lambda_client._runtime.service_wire)
against the client's own serializer and parser for every operation; the
functional tests check the same writer against botocore's parser.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambda_client._runtime import service_wire as wire
from lambda_client.testing import LambdaStub
from lambda_client.testing._stub import operations_by_method_name
from tests.model_strategies import instances

OPERATIONS = sorted(operations_by_method_name().items())
EXAMPLES = settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def test_every_operation_has_a_method_of_the_same_name() -> None:
    from lambda_client import LambdaClient
    from lambda_client._generated.operations import OPERATIONS as BY_MODEL_NAME

    assert {spec.name for _name, spec in OPERATIONS} == set(BY_MODEL_NAME)
    for name, _spec in OPERATIONS:
        assert callable(getattr(LambdaClient, name)), name


def _arguments(request: Any) -> dict[str, Any]:
    return {f.name: getattr(request, f.name) for f in attrs.fields(type(request))}


def _empty(value: Any) -> bool:
    if attrs.has(type(value)):
        return all(getattr(value, f.name) is None for f in attrs.fields(type(value)))
    return value in (b"", "")


def _queue_any_answer(stub: LambdaStub, name: str, spec: Any) -> None:
    cls = wire.output_class(spec)
    if wire.event_classes(spec) is not None:
        stub.add_stream(name)
    else:
        stub.add_response(name, None if cls is None else cls())


@pytest.mark.parametrize(("name", "spec"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
@EXAMPLES
@given(data=st.data())
async def test_the_request_sent_is_read_back_as_built(
    name: str, spec: Any, data: st.DataObject
) -> None:
    request = data.draw(instances(spec.input_type), label="request")
    stub = LambdaStub()
    _queue_any_answer(stub, name, spec)
    async with stub.client() as client:
        await getattr(client, name)(**_arguments(request))
    (call,) = stub.calls
    assert call.operation == name
    # An idempotency token left unset is filled in for the call.
    tokens = {
        f.name: getattr(call.request, f.name)
        for f in attrs.fields(type(request))
        if f.metadata.get("idempotency_token") and getattr(request, f.name) is None
    }
    # An optional payload or query list left empty reads back as absent.
    empty = {
        f.name: None
        for f in attrs.fields(type(request))
        if f.default is not attrs.NOTHING
        and (
            (f.metadata.get("loc") == "payload" and _empty(getattr(request, f.name)))
            or (f.metadata.get("loc") == "querystring" and getattr(request, f.name) == [])
        )
    }
    assert call.request == attrs.evolve(request, **tokens, **empty)


@pytest.mark.parametrize(("name", "spec"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
@EXAMPLES
@given(data=st.data())
async def test_the_queued_output_is_what_the_call_returns(
    name: str, spec: Any, data: st.DataObject
) -> None:
    cls = wire.output_class(spec)
    output = None if cls is None else data.draw(instances(cls), label="output")
    stub = LambdaStub()
    if wire.event_classes(spec) is not None:
        stub.add_stream(name, output=output)
    else:
        stub.add_response(name, output)
    request = data.draw(instances(spec.input_type), label="request")
    async with stub.client() as client:
        got = await getattr(client, name)(**_arguments(request))
    if cls is None:
        assert got is None
        return
    stream = getattr(got, "event_stream", None)
    if stream is not None:
        assert [event async for event in stream] == []
        got = attrs.evolve(got, event_stream=None)
    payload = next((f for f in attrs.fields(cls) if f.metadata.get("loc") == "payload"), None)
    if payload is not None and payload.metadata["check"].__class__.__name__ == "Blob":
        # A raw body cannot say "absent": no payload reads back as empty.
        output = attrs.evolve(output, **{payload.name: getattr(output, payload.name) or b""})
    status = next((f for f in attrs.fields(cls) if f.metadata.get("loc") == "statusCode"), None)
    if status is not None and getattr(output, status.name) is None:
        # The HTTP status is always there: the operation's own when none is queued.
        output = attrs.evolve(output, **{status.name: spec.success_code})
    content_type = next(
        (f for f in attrs.fields(cls) if f.metadata.get("name") == "Content-Type"), None
    )
    if content_type is not None and getattr(output, content_type.name) is None:
        # So is an event stream's Content-Type.
        output = attrs.evolve(output, **{content_type.name: wire.EVENT_STREAM})
    assert got == output
    assert got.response_metadata is not None
