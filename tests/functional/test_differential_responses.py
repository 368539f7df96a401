"""Every operation's response parsing against botocore's.

Hypothesis draws an answer from the output shape and encodes it as Lambda
does (JSON body under wire names with epoch-second timestamps and base64
blobs, header-bound members as headers, the raw payload for Invoke, event
stream frames for InvokeWithResponseStream), with the deviations a tolerant
reader must survive. Both clients parse the same bytes; our output, turned
into botocore's shape, must equal botocore's result.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import attrs
import botocore.exceptions
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import errors, models
from lambda_client._runtime.frame_encoder import encode_message

from .differential import convert, examples, model, strategies, wire
from .differential.server import Canned, Harness, harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Harness]:
    async with harness() as h:
        yield h


def _params(operation: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Botocore's and our arguments for a minimal valid call."""
    params = strategies.minimal_params(operation)
    shape = model.operation_model(operation).input_shape
    return params, convert.kwargs(shape, params) if shape is not None else {}


@attrs.frozen
class Parsed:
    output: Any
    #: The event stream read to its end (events are only readable once).
    events: list[Any] | None


def _ours_as_botocore(operation: str, ours: Parsed) -> dict[str, Any]:
    shape = model.operation_model(operation).output_shape
    stream = model.event_stream_member(shape)
    skip = frozenset() if stream is None else frozenset({stream})
    result: dict[str, Any] = convert.from_ours(shape, ours.output, skip=skip)
    if stream is not None and ours.events is not None:
        union = shape.members[stream]
        names = {m.name: name for name, m in union.members.items()}
        result[stream] = [
            # Each event becomes {EventName: {members}}, as botocore yields it.
            {names[type(e).__name__]: convert.from_ours(union.members[names[type(e).__name__]], e)}
            for e in ours.events
        ]
    return result


async def _both(env: Harness, operation: str, canned: Canned) -> tuple[Parsed, dict[str, Any]]:
    env.server.answer(canned)
    boto_params, our_kwargs = _params(operation)
    output = await getattr(env.ours, model.method_name(operation))(**our_kwargs)
    events = None
    stream = getattr(output, "event_stream", None)
    if stream is not None:
        async with stream:
            events = [event async for event in stream]
    boto = await env.call_boto(operation, boto_params, wire.read_botocore)
    boto.pop("ResponseMetadata")
    return Parsed(output, events), boto


@pytest.mark.parametrize("operation", model.operations_with_output())
@examples(25)
@given(data=st.data())
async def test_output_matches_botocore(env: Harness, operation: str, data: st.DataObject) -> None:
    canned = data.draw(wire.output_response(operation), label="response")
    ours, boto = await _both(env, operation, canned)
    assert convert.differences(_ours_as_botocore(operation, ours), boto) == []


@pytest.mark.parametrize("operation", model.operations_without_output())
@examples(3)
@given(data=st.data())
async def test_no_output_is_none(env: Harness, operation: str, data: st.DataObject) -> None:
    code = model.operation_model(operation).http.get("responseCode", 200)
    status = data.draw(st.sampled_from([code, 200, 202, 204]), label="status")
    body = b"" if status == 204 else data.draw(st.sampled_from([b"", b"{}", b'{"x": 1}']))
    ours, boto = await _both(env, operation, Canned(status=status, body=body))
    assert ours.output is None
    assert boto == {}


# -- tolerance cases spelled out, so that each has a name when it breaks ----------


async def test_explicit_nulls_and_unknown_keys(env: Harness) -> None:
    body = {
        "FunctionName": "f",
        "Runtime": None,
        "VpcConfig": None,
        "Layers": None,
        "Environment": {"Variables": None, "Error": None, "Brand-new": 1},
        "SomethingNew": {"deep": [1, 2, 3]},
    }
    canned = Canned(headers={"Content-Type": wire.JSON}, body=json.dumps(body).encode())
    ours, boto = await _both(env, "GetFunctionConfiguration", canned)
    assert boto == {"FunctionName": "f", "Environment": {}}
    assert convert.differences(_ours_as_botocore("GetFunctionConfiguration", ours), boto) == []


async def test_unknown_enum_value_round_trips(env: Harness) -> None:
    body = {"InvokeMode": "Buffered", "AuthType": "AWS_IAM"}
    canned = Canned(status=200, headers={"Content-Type": wire.JSON}, body=json.dumps(body).encode())
    ours, boto = await _both(env, "GetFunctionUrlConfig", canned)
    assert convert.differences(_ours_as_botocore("GetFunctionUrlConfig", ours), boto) == []
    assert ours.output.invoke_mode == "Buffered"
    assert ours.output.invoke_mode.is_unknown


async def test_json_labelled_as_html(env: Harness) -> None:
    body = json.dumps({"AccountUsage": {"FunctionCount": 3}}).encode()
    canned = Canned(headers={"Content-Type": "text/html"}, body=body)
    ours, boto = await _both(env, "GetAccountSettings", canned)
    assert boto["AccountUsage"] == {"FunctionCount": 3}
    assert convert.differences(_ours_as_botocore("GetAccountSettings", ours), boto) == []


async def test_empty_body_on_204(env: Harness) -> None:
    # DeleteFunction answers 204 though the model says 200.
    ours, boto = await _both(env, "DeleteFunction", Canned(status=204))
    assert boto == {"StatusCode": 204}
    assert convert.differences(_ours_as_botocore("DeleteFunction", ours), boto) == []


async def test_invoke_headers_and_raw_payload(env: Harness) -> None:
    canned = Canned(
        status=200,
        headers={
            "X-Amz-Function-Error": "Unhandled",
            "X-Amz-Log-Result": "U1RBUlQgUmVxdWVzdElk",
            "X-Amz-Executed-Version": "$LATEST",
            "Content-Type": wire.JSON,
        },
        body=b'{"errorMessage": "boom"}',
    )
    ours, boto = await _both(env, "Invoke", canned)
    assert boto["Payload"] == b'{"errorMessage": "boom"}'
    assert convert.differences(_ours_as_botocore("Invoke", ours), boto) == []


async def test_event_stream_frames_split_anywhere(env: Harness) -> None:
    frames = b"".join(
        [
            encode_message(
                {":message-type": "event", ":event-type": "PayloadChunk"}, b'{"partial": '
            ),
            encode_message({":message-type": "event", ":event-type": "FutureEvent"}, b"{}"),
            encode_message({":message-type": "event", ":event-type": "PayloadChunk"}, b"true}"),
            encode_message(
                {":message-type": "event", ":event-type": "InvokeComplete"},
                b'{"LogResult": "bG9n", "ErrorCode": null}',
            ),
        ]
    )
    # One byte per write: every frame boundary falls inside a read.
    canned = Canned(
        headers={"Content-Type": wire.EVENT_STREAM}, chunks=[bytes([b]) for b in frames]
    )
    ours, boto = await _both(env, "InvokeWithResponseStream", canned)
    assert [next(iter(e)) for e in boto["EventStream"]] == [
        "PayloadChunk",
        "PayloadChunk",
        "InvokeComplete",
    ]
    assert convert.differences(_ours_as_botocore("InvokeWithResponseStream", ours), boto) == []


async def test_event_stream_error_frame(env: Harness) -> None:
    frames = encode_message(
        {":message-type": "event", ":event-type": "PayloadChunk"}, b"part"
    ) + encode_message(
        {
            ":message-type": "error",
            ":error-code": "ServiceException",
            ":error-message": "stream broke",
        }
    )
    env.server.answer(Canned(headers={"Content-Type": wire.EVENT_STREAM}, body=frames))
    boto_params, our_kwargs = _params("InvokeWithResponseStream")
    ours = await env.ours.invoke_with_response_stream(**our_kwargs)
    assert ours.event_stream is not None
    seen = []
    with pytest.raises(errors.EventStreamError) as ours_error:
        async with ours.event_stream:
            async for event in ours.event_stream:
                assert isinstance(event, models.InvokeResponseStreamUpdate)
                seen.append(event.payload)
    with pytest.raises(botocore.exceptions.EventStreamError) as boto_error:
        await env.call_boto("InvokeWithResponseStream", boto_params, wire.read_botocore)
    assert seen == [b"part"]
    assert boto_error.value.response["Error"] == {
        "Code": "ServiceException",
        "Message": "stream broke",
    }
    assert "ServiceException" in str(ours_error.value)
    assert "stream broke" in str(ours_error.value)


async def test_event_stream_exception_frame(env: Harness) -> None:
    frames = encode_message(
        {":message-type": "event", ":event-type": "PayloadChunk"}, b"part"
    ) + encode_message(
        {
            ":message-type": "exception",
            ":exception-type": "ServiceException",
            ":content-type": wire.JSON,
        },
        b'{"Message": "stream broke", "Type": "Service"}',
    )
    env.server.answer(Canned(headers={"Content-Type": wire.EVENT_STREAM}, body=frames))
    boto_params, our_kwargs = _params("InvokeWithResponseStream")
    ours = await env.ours.invoke_with_response_stream(**our_kwargs)
    assert ours.event_stream is not None
    seen = []
    with pytest.raises(errors.ServiceException) as ours_error:
        async with ours.event_stream:
            async for event in ours.event_stream:
                assert isinstance(event, models.InvokeResponseStreamUpdate)
                seen.append(event.payload)
    with pytest.raises(botocore.exceptions.EventStreamError) as boto_error:
        await env.call_boto("InvokeWithResponseStream", boto_params, wire.read_botocore)
    assert seen == [b"part"]
    # A deliberate difference: botocore looks the exception type up among the
    # union's members, finds none (Lambda models no stream exceptions) and
    # reports an empty code and message. The frame names the error, so we
    # raise the modelled class with what it carried.
    assert boto_error.value.response["Error"] == {"Code": "", "Message": ""}
    assert ours_error.value.code == "ServiceException"
    assert ours_error.value.message == "stream broke"
    assert ours_error.value.type == "Service"
