"""A closed client refuses calls with its own error: nothing sent, nothing retried."""

from __future__ import annotations

from typing import Any

import pytest

from lambda_client import BlockingLambdaClient, ClientConfig, Credentials, LambdaClient, errors
from lambda_client._runtime.http import HttpRequest, HttpResponse
from lambda_client._runtime.retry import QUOTA_CAPACITY
from lambda_client._runtime.transport import AiohttpTransport

CREDENTIALS = Credentials(access_key_id="AKID", secret_access_key="secret")


class CountingTransport(AiohttpTransport):
    """The real transport, counting the sends the pipeline asks for."""

    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config)
        self.sends = 0

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        self.sends += 1
        return await super().send(request, read_timeout=read_timeout, stream=stream)


def closed_client(**config: Any) -> tuple[LambdaClient, CountingTransport]:
    settings = ClientConfig(max_attempts=5, **config)
    transport = CountingTransport(settings)
    client = LambdaClient(
        region="us-east-1",
        # Nothing listens there: a request that went out would fail differently.
        endpoint_url="http://127.0.0.1:9",
        credentials=CREDENTIALS,
        config=settings,
        transport=transport,
    )
    return client, transport


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.get_function(function_name="f"), id="get_function"),
        pytest.param(lambda c: c.invoke(function_name="f", payload=b"{}"), id="invoke"),
        pytest.param(
            lambda c: c.invoke_with_response_stream(function_name="f", payload=b"{}"),
            id="invoke_with_response_stream",
        ),
    ],
)
async def test_a_closed_client_refuses_once_without_retrying_or_spending_quota(call: Any) -> None:
    client, transport = closed_client()
    await client.close()
    with pytest.raises(errors.ClientClosedError) as info:
        await call(client)
    error = info.value
    assert not isinstance(error, errors.TransportError)
    assert error.request_sent is False
    assert "not sent" in str(error)
    # Not "the function may have run": nothing went out.
    assert "may have run" not in "".join([str(error), *getattr(error, "__notes__", ())])
    assert transport.sends == 1
    assert client._pipeline.quota.available == QUOTA_CAPACITY


async def test_every_later_call_is_refused_alike() -> None:
    client, transport = closed_client()
    await client.close()
    await client.close()
    for _ in range(3):
        with pytest.raises(errors.ClientClosedError):
            await client.get_function(function_name="f")
    assert transport.sends == 3
    assert client._pipeline.quota.available == QUOTA_CAPACITY


def test_the_blocking_client_refuses_with_the_same_error() -> None:
    client = BlockingLambdaClient(region="us-east-1", credentials=CREDENTIALS)
    client.close()
    with pytest.raises(errors.ClientClosedError, match="not sent"):
        client.get_function(function_name="f")
