"""invoke(payload=...) takes bytes, str or JSON-able values; log_text decodes LogResult."""

from __future__ import annotations

import base64

import pytest

from lambda_client import errors, models
from lambda_client.testing import LambdaStub

LOG = base64.b64encode("START RequestId: 1\nüñí END".encode()).decode()


def answered_stub() -> LambdaStub:
    stub = LambdaStub()
    stub.add_response("invoke", models.InvocationResponse(payload=b'{"ok":1}', log_result=LOG))
    return stub


@pytest.mark.parametrize(
    ("payload", "sent"),
    [
        (b'{"a": 1}', b'{"a": 1}'),
        (bytearray(b"raw"), b"raw"),
        ("héllo", "héllo".encode()),
        ({"a": [1, 2], "b": None}, b'{"a":[1,2],"b":null}'),
        ([1, "two"], b'[1,"two"]'),
    ],
)
async def test_payload_forms(payload: object, sent: bytes) -> None:
    stub = answered_stub()
    async with stub.client() as client:
        await client.invoke(function_name="f", payload=payload)  # type: ignore[arg-type]
    assert stub.calls[0].http.body == sent


async def test_bad_payloads_fail_before_sending() -> None:
    stub = LambdaStub()
    async with stub.client() as client:
        with pytest.raises(errors.ParamValidationError) as info:
            await client.invoke(function_name="f", payload={"when": object()})
        assert info.value.errors[0][0] == "payload"
        with pytest.raises(errors.ParamValidationError, match="expected bytes, str, dict or list"):
            await client.invoke(function_name="f", payload=12)  # type: ignore[arg-type]
    assert stub.calls == []


async def test_log_text_decodes_the_wire_value() -> None:
    stub = answered_stub()
    async with stub.client() as client:
        out = await client.invoke(function_name="f", log_type="Tail")
    assert out.log_text == "START RequestId: 1\nüñí END"
    assert base64.b64decode(out.log_result or "") == out.log_text.encode()
    assert models.InvocationResponse(log_result="not base64!").log_text == "not base64!"
    assert models.InvocationResponse().log_text is None
