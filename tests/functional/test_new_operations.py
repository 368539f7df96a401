"""The operations and errors the botocore 1.44 model added, over real HTTP.

A real LambdaClient talks to the scripted server of tests/functional/faults.py;
every count is taken on the server side. The wire shape of each request is
also checked byte for byte against botocore by the differential suite; this
file checks what the differential suite cannot: the idempotency token across
retries, 202 answers, and which of the new 409s are retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient, models
from lambda_client._runtime.exceptions import ParamValidationError
from lambda_client.errors import (
    ResourceConflictException,
    RuntimeAliasDeletedException,
    RuntimeVersionDeletedException,
)
from tests.functional.faults import FaultServer, Reply, error

FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
EXECUTION_ARN = f"{FUNCTION_ARN}:1/durable-execution/run-1/0f5c1b2e"
ENCODED_ARN = (
    "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aorders%3A1"
    "%2Fdurable-execution%2Frun-1%2F0f5c1b2e"
)
ACCEPTED = Reply(status=202, body=b"{}")
SERVER_ERROR = error(500, "ServiceException", "internal failure")
IN_PROGRESS = "The operation cannot be performed at this time. An update is in progress."


async def _no_sleep(_: float) -> None:
    await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def client_for(server: FaultServer) -> AsyncIterator[LambdaClient]:
    client = LambdaClient(
        region="us-east-1",
        endpoint_url=server.url,
        credentials=Credentials(access_key_id="AKIDEXAMPLE", secret_access_key="secret"),
        config=ClientConfig(max_attempts=3),
        sleep=_no_sleep,
    )
    try:
        yield client
    finally:
        await client.close()


@pytest.mark.parametrize("action", ["pause", "resume"])
async def test_pause_and_resume_fill_one_client_token_per_call(action: str) -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([SERVER_ERROR, ACCEPTED, ACCEPTED, ACCEPTED], then=ACCEPTED) as server,
        client_for(server) as client,
    ):
        method = getattr(client, f"{action}_durable_execution")
        first = await method(durable_execution_arn=EXECUTION_ARN, reason="maintenance window")
        await method(durable_execution_arn=EXECUTION_ARN)
        await method(durable_execution_arn=EXECUTION_ARN, client_token="mine-1")

    requests = server.requests
    assert [(r.method, r.path) for r in requests] == [
        ("POST", f"/2025-12-01/durable-executions/{ENCODED_ARN}/{action}")
    ] * 4
    tokens = [r.json()["ClientToken"] for r in requests]
    # The retried attempt carries the token of its call; the next call a new one.
    assert tokens[0] == tokens[1] != tokens[2]
    assert uuid.UUID(tokens[0]).version == uuid.UUID(tokens[2]).version == 4
    assert tokens[3] == "mine-1"
    assert requests[0].json()["Reason"] == "maintenance window"
    assert isinstance(
        first, models.PauseDurableExecutionResponse | models.ResumeDurableExecutionResponse
    )
    assert first.response_metadata is not None
    assert (first.response_metadata.http_status_code, first.response_metadata.attempts) == (202, 2)


async def test_pause_sends_the_timeout_flag_and_redacts_the_reason() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([ACCEPTED]) as server,
        client_for(server) as client,
    ):
        await client.pause_durable_execution(
            durable_execution_arn=EXECUTION_ARN,
            reason="customer 4411 asked",
            execution_timeout_paused=False,
        )
    body = server.requests[0].json()
    assert body["ExecutionTimeoutPaused"] is False
    request = models.PauseDurableExecutionRequest(
        durable_execution_arn=EXECUTION_ARN, reason="customer 4411 asked"
    )
    assert "customer 4411" not in repr(request)


async def test_delete_answers_with_the_deletion_time() -> None:
    answer = Reply(status=202, body=json.dumps({"DeletionRequestTimestamp": 1767225600}).encode())
    async with (
        asyncio.timeout(5),
        FaultServer([answer]) as server,
        client_for(server) as client,
    ):
        out = await client.delete_durable_execution(durable_execution_arn=EXECUTION_ARN)
    assert (server.requests[0].method, server.requests[0].path) == (
        "DELETE",
        f"/2025-12-01/durable-executions/{ENCODED_ARN}",
    )
    assert server.requests[0].body == b""
    assert out.deletion_request_timestamp == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("action", ["pause", "resume", "delete"])
async def test_durable_state_conflicts_are_raised_at_once(action: str) -> None:
    conflict = error(409, "ResourceConflictException", IN_PROGRESS)
    async with (
        asyncio.timeout(5),
        FaultServer([conflict], then=ACCEPTED) as server,
        client_for(server) as client,
    ):
        method = getattr(client, f"{action}_durable_execution")
        with pytest.raises(ResourceConflictException) as info:
            await method(durable_execution_arn=EXECUTION_ARN)
    assert len(server.requests) == 1
    assert info.value.attempts == 1
    assert "durable execution's state" in (info.value.retry_stop_reason or "")


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("RuntimeAliasDeletedException", RuntimeAliasDeletedException),
        ("RuntimeVersionDeletedException", RuntimeVersionDeletedException),
    ],
)
@pytest.mark.parametrize("operation", ["invoke", "invoke_with_response_stream"])
async def test_deleted_runtime_is_never_retried(operation: str, code: str, cls: type[Any]) -> None:
    async with (
        asyncio.timeout(5),
        FaultServer([error(409, code, IN_PROGRESS)], then=Reply(status=200, body=b"{}")) as server,
        client_for(server) as client,
    ):
        with pytest.raises(cls) as info:
            await getattr(client, operation)(function_name="orders", payload=b"{}")
    assert len(server.requests) == 1
    assert info.value.status_code == 409
    assert info.value.type == "User"
    assert "update the function" in (info.value.retry_stop_reason or "")


async def test_layer_permission_conflict_in_progress_is_retried_and_arns_are_accepted() -> None:
    layer_arn = "arn:aws:lambda:us-east-1:123456789012:layer:shared-deps"
    async with (
        asyncio.timeout(5),
        FaultServer(
            [error(409, "ResourceConflictException", IN_PROGRESS)], then=ACCEPTED
        ) as server,
        client_for(server) as client,
    ):
        await client.remove_layer_version_permission(
            layer_name=layer_arn, version_number=3, statement_id="s1"
        )
    assert len(server.requests) == 2
    assert server.requests[0].path == (
        "/2018-10-31/layers/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Alayer%3Ashared-deps"
        "/versions/3/policy/s1"
    )


async def test_bad_input_is_refused_before_sending() -> None:
    async with (
        asyncio.timeout(5),
        FaultServer(then=ACCEPTED) as server,
        client_for(server) as client,
    ):
        with pytest.raises(ParamValidationError) as info:
            await client.pause_durable_execution(
                durable_execution_arn=EXECUTION_ARN, reason="x" * 1025
            )
        with pytest.raises(ParamValidationError) as memory:
            await client.update_function_configuration(
                function_name="orders",
                accelerator_config=models.AcceleratorConfig(accelerator_memory_size="8"),  # type: ignore[arg-type]
            )
    assert server.requests == []
    assert [path for path, _ in info.value.errors] == ["reason"]
    assert "1025" in str(info.value) and "1024" in str(info.value)
    assert [path for path, _ in memory.value.errors] == [
        "accelerator_config.accelerator_memory_size"
    ]


async def test_runtime_and_accelerator_config_go_out_and_come_back() -> None:
    runtime_arn = "arn:aws:lambda:us-east-1:123456789012:runtime/python-custom"
    body = {
        "FunctionName": "orders",
        "RuntimeConfig": {"RuntimeArn": runtime_arn, "RuntimeAlias": "prod"},
        "AcceleratorConfig": {"AcceleratorMemorySize": 24},
    }
    async with (
        asyncio.timeout(5),
        FaultServer([Reply(status=200, body=json.dumps(body).encode())]) as server,
        client_for(server) as client,
    ):
        out = await client.update_function_configuration(
            function_name="orders",
            runtime_config=models.FunctionRuntimeConfig(
                runtime_arn=runtime_arn, runtime_alias="prod"
            ),
            accelerator_config=models.AcceleratorConfig(accelerator_memory_size=24),
        )
    sent = server.requests[0].json()
    assert sent["RuntimeConfig"] == {"RuntimeArn": runtime_arn, "RuntimeAlias": "prod"}
    assert sent["AcceleratorConfig"] == {"AcceleratorMemorySize": 24}
    assert out.runtime_config == models.FunctionRuntimeConfig(
        runtime_arn=runtime_arn, runtime_alias="prod"
    )
    assert out.accelerator_config is not None
    assert out.accelerator_config.accelerator_memory_size == 24
