"""Headers the client adds to every request."""

from __future__ import annotations

import re

import pytest

from lambda_client import Credentials, LambdaClient
from tests.fakes import FakeTransport

CREDS = Credentials(access_key_id="AKID", secret_access_key="SECRET")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


async def test_invocation_ids_are_distinct_uuid4s_and_user_agent_is_set() -> None:
    transport = FakeTransport()
    client = LambdaClient(region="us-east-1", credentials=CREDS, transport=transport)
    for _ in range(50):
        await client.get_account_settings()
    ids = [r.headers["amz-sdk-invocation-id"] for r in transport.requests]
    assert len(set(ids)) == 50 and all(UUID4.match(i) for i in ids)
    assert transport.requests[0].headers["user-agent"].startswith("lambda-client/")


async def test_recursion_trace_id_is_forwarded_only_inside_lambda(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-abc;Parent=def;Sampled=1")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    outside = FakeTransport()
    await LambdaClient(
        region="us-east-1", credentials=CREDS, transport=outside
    ).get_account_settings()
    assert "x-amzn-trace-id" not in outside.requests[0].headers

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "caller")
    inside = FakeTransport()
    client = LambdaClient(region="us-east-1", credentials=CREDS, transport=inside)
    await client.get_account_settings()
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-next")
    await client.get_account_settings()
    assert [r.headers["x-amzn-trace-id"] for r in inside.requests] == [
        "Root=1-abc;Parent=def;Sampled=1",
        "Root=1-next",
    ]
