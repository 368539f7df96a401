"""Large Invoke bodies go out whole, without aiohttp's ResourceWarning."""

from __future__ import annotations

import asyncio
import os
import warnings

import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient
from tests.functional.faults import FaultServer, ok

MB = 1024 * 1024


@pytest.mark.parametrize("size", [MB + 1, 6 * MB - 7])
async def test_a_large_payload_is_sent_whole_without_a_warning(size: int) -> None:
    payload = os.urandom(size)
    async with FaultServer(then=ok(b'"done"'), max_requests=3) as server:
        client = LambdaClient(
            region="us-east-1",
            endpoint_url=server.url,
            credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
            config=ClientConfig(max_attempts=1),
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            async with client, asyncio.timeout(30):
                out = await client.invoke(function_name="f", payload=payload)
    assert [str(w.message) for w in caught] == []
    assert out.payload == b'"done"'
    [seen] = server.requests
    assert seen.body == payload
    assert seen.headers["Content-Length"] == str(size)
    # A raw payload goes without a Content-Type, large or not.
    assert "Content-Type" not in seen.headers
