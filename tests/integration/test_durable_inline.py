"""Which thread runs the Durable Execution SDK's calls through
DurableServiceBackend, end to end on the SDK's own test server.

Directly connected, a checkpoint runs in the SDK's thread (no hop to the
backend's event-loop thread, which is what made a checkpoint cost twice
the floor); through a forward proxy it takes the blocking client's loop
thread, whose transport speaks to proxies.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest

pytest.importorskip("aws_durable_execution_sdk_python")
pytest.importorskip("aws_durable_execution_sdk_python_testing")

from lambda_client import ClientConfig
from tests.functional.forward_proxy import forward_proxy
from tests.functional.test_inline_calls import hops  # noqa: F401 (fixture)
from tests.integration.test_durable import (  # noqa: F401 (fixtures)
    DEADLINE,
    EXPECTED_RESULT,
    Stack,
    _aws_environment,
    run_to_completion,
    stack_factory,
)

pytestmark = pytest.mark.integration


async def test_directly_connected_no_call_crosses_to_the_loop_thread(
    stack_factory: Callable[..., Stack],  # noqa: F811
    hops: list[str],  # noqa: F811
) -> None:
    stack = stack_factory("protocol", page_bytes=1)
    _arn, execution, _events, _callback = await run_to_completion(stack, "inline")

    assert execution.status == "SUCCEEDED", execution.error
    assert json.loads(execution.result) == EXPECTED_RESULT
    calls = [r for r in stack.proxy.requests if r.path.endswith(("/checkpoint", "/state"))]
    assert len(calls) > 5
    assert hops == []


async def test_through_a_forward_proxy_calls_take_the_loop_thread(
    stack_factory: Callable[..., Stack],  # noqa: F811
    hops: list[str],  # noqa: F811
) -> None:
    async with forward_proxy() as proxy:
        stack = stack_factory(
            "boto3_client", config=ClientConfig(proxies={"http": proxy.url}), page_bytes=1
        )
        _arn, execution, _events, _callback = await run_to_completion(stack, "proxied")
        # Nothing may still need the proxy when it closes.
        assert await asyncio.to_thread(stack.endpoint.wait_idle, DEADLINE)
        relayed = [entry for entry in proxy.log if entry.target.endswith("/checkpoint")]

    assert execution.status == "SUCCEEDED", execution.error
    checkpoints = [r for r in stack.proxy.requests if r.path.endswith("/checkpoint")]
    # Every checkpoint went through the forward proxy, from the loop thread.
    assert len(relayed) == len(checkpoints) > 5
    assert len(hops) >= len(checkpoints)
