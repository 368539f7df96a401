"""Every modelled error of every operation, parsed against botocore.

The server answers with the error the way Lambda (or a proxy in front of
it) may phrase it: the code in ``x-amzn-ErrorType`` with a ``:http://...``
suffix, or only in the body as ``__type`` (with or without the
``com.amazonaws.lambda#`` namespace) or ``code``; the message under
``message`` or ``Message``; modelled members; ``Retry-After`` for throttling;
``x-amzn-RequestId``. Our exception must be exactly the modelled class and
carry what botocore's ``ClientError.response`` reports.
"""

from __future__ import annotations

import json
import string
from collections.abc import AsyncIterator
from typing import Any

import botocore.exceptions
import pytest
import pytest_asyncio
from botocore.model import StructureShape
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import errors

from .differential import convert, examples, model, strategies, wire
from .differential.server import Canned, Harness, harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

NAMESPACE = "com.amazonaws.lambda#"
TYPE_SUFFIX = ":http://internal.amazon.com/coral/com.amazonaws.lambda/"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Harness]:
    async with harness() as h:
        yield h


def _error_shape(name: str) -> StructureShape:
    shape: StructureShape = model.service_model().shape_for(name)
    return shape


@st.composite
def error_response(draw: st.DrawFn, code: str, shape: StructureShape | None, status: int) -> Canned:
    headers = {}
    body: dict[str, Any] = {}
    # The spellings of smithy's restJson1 error protocol tests.
    where = draw(st.sampled_from(["header", "header+type", "type", "code"]))
    namespace = draw(st.sampled_from([NAMESPACE, ""]))
    suffix = draw(st.sampled_from([TYPE_SUFFIX, ""]))
    if where.startswith("header"):
        headers["x-amzn-ErrorType"] = namespace + code + suffix
    if where.endswith("type"):
        body["__type"] = namespace + code + suffix
    elif where == "code":
        body["code"] = namespace + code
    message_key = draw(st.sampled_from(["message", "Message", None]))
    if message_key is not None:
        body[message_key] = draw(st.text(max_size=40))
    if shape is not None:
        for name, member in shape.members.items():
            if name.lower() == "message" or not draw(st.booleans()):
                continue
            if model.location(member) == "header":
                digits = draw(st.text(string.digits, min_size=1, max_size=3))
                headers[member.serialization["name"]] = digits
            else:
                body[name] = draw(strategies.wire_value(member))
    if draw(st.booleans()):
        headers["x-amzn-RequestId"] = draw(st.uuids()).hex
    headers["Content-Type"] = draw(st.sampled_from([wire.JSON, "application/x-amz-json-1.1"]))
    return Canned(status=status, headers=headers, body=json.dumps(body).encode())


async def _both(
    env: Harness, operation: str, canned: Canned
) -> tuple[errors.ServiceError, dict[str, Any]]:
    env.server.answer(canned)
    params = strategies.minimal_params(operation)
    shape = model.operation_model(operation).input_shape
    kwargs = convert.kwargs(shape, params) if shape is not None else {}
    with pytest.raises(errors.ServiceError) as ours:
        output = await getattr(env.ours, model.method_name(operation))(**kwargs)
        raise AssertionError(f"no error raised; parsed {output!r}")
    with pytest.raises(botocore.exceptions.ClientError) as boto:
        await env.call_boto(operation, params, wire.read_botocore)
    return ours.value, boto.value.response


def _assert_common(ours: errors.ServiceError, boto: dict[str, Any]) -> None:
    assert ours.response["Error"] == boto["Error"]
    assert ours.code == boto["Error"]["Code"]
    assert (ours.message or "") == boto["Error"]["Message"]
    assert ours.status_code == boto["ResponseMetadata"]["HTTPStatusCode"]
    assert ours.request_id == boto["ResponseMetadata"].get("RequestId")


@pytest.mark.parametrize(("operation", "error"), model.error_cases())
@examples(4)
@given(data=st.data())
async def test_modelled_error(
    env: Harness, operation: str, error: str, data: st.DataObject
) -> None:
    shape = _error_shape(error)
    status = shape.metadata["error"]["httpStatusCode"]
    canned = data.draw(error_response(error, shape, status), label="response")
    ours, boto = await _both(env, operation, canned)

    assert type(ours) is getattr(errors, error)
    assert boto["Error"]["Code"] == error
    _assert_common(ours, boto)
    for member in shape.members:
        attr = model.attr_names_of_error(error)[member]
        if attr == "message":
            continue  # .message is botocore's Error.Message, checked above
        mine = getattr(ours, attr)
        theirs = boto.get(member)
        assert convert.differences(convert.plain(mine), theirs) == [], member
        assert ours.response.get(member) == theirs, member


@pytest.mark.parametrize("operation", model.operation_names())
@examples(2)
@given(data=st.data())
async def test_unmodelled_code(env: Harness, operation: str, data: st.DataObject) -> None:
    code = data.draw(strategies.unknown_enum_value().map(lambda s: s + "Exception"))
    status = data.draw(st.sampled_from([400, 403, 409, 500, 503]))
    canned = data.draw(error_response(code, None, status), label="response")
    ours, boto = await _both(env, operation, canned)
    assert type(ours) is errors.UnknownServiceError
    assert ours.code == code
    _assert_common(ours, boto)


@pytest.mark.parametrize("status", [400, 403, 413, 502, 503])
@pytest.mark.parametrize(
    "body",
    [
        b"Bad Gateway",
        b"<html><body>Service Unavailable</body></html>",
        b"",
        b'{"message": "an error without a code"}',
    ],
    ids=["text", "html", "empty", "json-without-code"],
)
async def test_no_error_code(env: Harness, status: int, body: bytes) -> None:
    canned = Canned(status=status, headers={"Content-Type": "text/html"}, body=body)
    ours, boto = await _both(env, "GetFunction", canned)
    assert type(ours) is errors.UnknownServiceError
    assert ours.status_code == status
    assert ours.code == boto["Error"]["Code"] == str(status)
    if status >= 500 and (not body or body.startswith(b"<html>")):
        # botocore swaps such bodies for the status line's reason phrase; we
        # keep what the server said, which tells more (a proxy's page, say).
        assert ours.message == (body.decode() or None)
        return
    assert ours.response["Error"] == boto["Error"]
