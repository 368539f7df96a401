"""Documented service limits the model does not state: refused before sending,
naming the parameter and the limit; anything at the limit goes out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient, errors
from lambda_client.models import Environment, OperationUpdate
from tests.fakes import FakeTransport

KB = 1024
MB = 1024 * 1024
ARN = "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/run/id"


def client() -> tuple[LambdaClient, FakeTransport]:
    transport = FakeTransport()
    return (
        LambdaClient(
            region="us-east-1",
            credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
            config=ClientConfig(max_attempts=1),
            transport=transport,
        ),
        transport,
    )


Call = Callable[[LambdaClient, int], Awaitable[Any]]


def invoke(**kwargs: Any) -> Call:
    return lambda c, n: c.invoke(function_name="f", payload=b"x" * n, **kwargs)


def update(kind: str) -> Call:
    return lambda c, n: c.checkpoint_durable_execution(
        durable_execution_arn=ARN,
        checkpoint_token="t",
        updates=[OperationUpdate(id="1", type=kind, action="SUCCEED", payload="é" * (n // 2))],
    )


def environment(c: LambdaClient, n: int) -> Awaitable[Any]:
    # {"K":"vvv..."} is n characters of JSON.
    variables = {"K": "v" * (n - len('{"K":""}'))}
    return c.update_function_configuration(
        function_name="f", environment=Environment(variables=variables)
    )


CASES = [
    # (call, limit, parameter, words naming the limit)
    (invoke(), 6 * MB, "payload", "synchronous"),
    (invoke(invocation_type="RequestResponse"), 6 * MB, "payload", "synchronous"),
    (invoke(invocation_type="DryRun"), 6 * MB, "payload", "synchronous"),
    (invoke(invocation_type="Event"), 1 * MB, "payload", "asynchronous invocations (Event)"),
    (
        lambda c, n: c.invoke_with_response_stream(function_name="f", payload=b"x" * n),
        6 * MB,
        "payload",
        "synchronous invocations",
    ),
    (
        lambda c, n: c.invoke(function_name="f", client_context="A" * n),
        3583,
        "client_context",
        "3,583 bytes",
    ),
    (
        lambda c, n: c.invoke_with_response_stream(function_name="f", client_context="A" * n),
        3583,
        "client_context",
        "3,583 bytes",
    ),
    (
        lambda c, n: c.invoke_async(function_name="f", invoke_args=b"x" * n),
        256 * KB,
        "invoke_args",
        "256 KB",
    ),
    (
        lambda c, n: c.send_durable_execution_callback_success(callback_id="id", result=b"x" * n),
        256 * KB,
        "result",
        "256 KB",
    ),
    (update("EXECUTION"), 6 * MB, "updates[0].payload", "EXECUTION"),
    (update("CHAINED_INVOKE"), 1 * MB, "updates[0].payload", "CHAINED_INVOKE"),
    (update("STEP"), 256 * KB, "updates[0].payload", "STEP"),
    (update("CONTEXT"), 256 * KB, "updates[0].payload", "CONTEXT"),
    (update("WAIT"), 256 * KB, "updates[0].payload", "WAIT"),
    (update("CALLBACK"), 256 * KB, "updates[0].payload", "CALLBACK"),
    (environment, 4 * KB, "environment.variables", "4 KB"),
    (
        lambda c, n: c.update_function_configuration(
            function_name="f", layers=[f"arn:aws:lambda:us-east-1:1:layer:l:{i}" for i in range(n)]
        ),
        5,
        "layers",
        "5 layers",
    ),
]


@pytest.mark.parametrize(("call", "limit", "parameter", "words"), CASES)
async def test_over_the_limit_is_refused_before_sending(
    call: Call, limit: int, parameter: str, words: str
) -> None:
    c, transport = client()
    with pytest.raises(errors.ParamValidationError) as info:
        await call(c, limit + 2)
    assert transport.requests == []
    [(path, problem)] = info.value.errors
    assert path == parameter
    assert f"service limit of {limit}" in problem
    assert words in problem


@pytest.mark.parametrize(("call", "limit", "parameter", "words"), CASES)
async def test_at_the_limit_is_sent(call: Call, limit: int, parameter: str, words: str) -> None:
    c, transport = client()
    await call(c, limit)
    assert len(transport.requests) == 1


async def test_a_payload_is_measured_in_bytes_not_characters() -> None:
    c, transport = client()
    # 600,000 two-byte characters: under 1 MB as characters, over it as UTF-8.
    with pytest.raises(errors.ParamValidationError, match="1200000 bytes"):
        await c.invoke(function_name="f", invocation_type="Event", payload="é" * 600_000)
    assert transport.requests == []


async def test_an_invocation_type_newer_than_the_model_gets_the_largest_limit() -> None:
    c, transport = client()
    await c.invoke(function_name="f", invocation_type="Later", payload=b"x" * (2 * MB))
    assert len(transport.requests) == 1


async def test_validation_off_sends_anyway() -> None:
    transport = FakeTransport()
    c = LambdaClient(
        region="us-east-1",
        credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
        config=ClientConfig(max_attempts=1, validate_params=False),
        transport=transport,
    )
    await c.invoke(function_name="f", invocation_type="Event", payload=b"x" * (2 * MB))
    assert len(transport.requests) == 1
