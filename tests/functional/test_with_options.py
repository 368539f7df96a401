"""``with_options`` views, and the retry facts botocore puts in
``ResponseMetadata`` (``RetryAttempts``, ``MaxAttemptsReached``), checked
against botocore talking to the same server."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import botocore.config
import botocore.exceptions
import botocore.session
import pytest
import pytest_asyncio
from aiohttp import web

from lambda_client import BlockingLambdaClient, ClientConfig, Credentials, LambdaClient, models
from lambda_client._runtime.options import SharedTransport
from lambda_client._runtime.transport import AiohttpTransport
from lambda_client.errors import ConfigError, ServiceError

from .differential.server import ACCESS_KEY, REGION, SECRET_KEY, Canned, RecordingServer
from .tls_support import FUNCTION_BODY

OK = Canned(status=200, headers={"Content-Type": "application/json"}, body=FUNCTION_BODY)
FAULT = Canned(
    status=500,
    headers={"Content-Type": "application/json", "x-amzn-ErrorType": "ServiceException"},
    body=json.dumps({"message": "boom"}).encode(),
)
NOT_FOUND = Canned(
    status=404,
    headers={"x-amzn-ErrorType": "ResourceNotFoundException", "x-amzn-RequestId": "req-404"},
    body=b'{"message": "no such function"}',
)


class ScriptedServer(RecordingServer):
    """Answers from a script, one canned answer per request, then ``canned``."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[Canned] = []
        self.then = OK

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        self.canned = self.script.pop(0) if self.script else self.then
        return await super()._handle(request)

    def play(self, *answers: Canned, then: Canned = OK) -> None:
        self.requests.clear()
        self.script = list(answers)
        self.then = then


@pytest_asyncio.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    server = ScriptedServer()
    await server.start()
    server.play()
    try:
        yield server
    finally:
        await server.close()


async def _no_wait(_delay: float) -> None:
    return None


def _client(url: str, **config: Any) -> LambdaClient:
    return LambdaClient(
        region=REGION,
        endpoint_url=url,
        credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
        config=ClientConfig(read_timeout=15, **config),
        sleep=_no_wait,
    )


def _botocore(url: str, attempts: int) -> Any:
    return botocore.session.Session().create_client(
        "lambda",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=botocore.config.Config(
            retries={"total_max_attempts": attempts, "mode": "standard"}, read_timeout=15
        ),
    )


@pytest.fixture
def no_botocore_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    # botocore waits between attempts with time.sleep; the test has no use for it.
    monkeypatch.setattr(time, "sleep", lambda _seconds: None)


async def test_view_is_the_same_class_sharing_pool_credentials_signer_quota(
    server: ScriptedServer,
) -> None:
    client = _client(server.url)
    view = client.with_options(read_timeout=900, max_attempts=1, retry_mode="adaptive")
    assert type(view) is LambdaClient
    mine, theirs = client._pipeline, view._pipeline
    assert isinstance(theirs.transport, SharedTransport)
    assert theirs.transport.owner is mine.transport
    assert theirs.credentials is mine.credentials
    assert theirs.signer is mine.signer
    assert theirs.quota is mine.quota
    assert (theirs.max_attempts, theirs.read_timeout, theirs.invoke_read_timeout) == (1, 900, 900)
    assert theirs.limiter is not None and mine.limiter is None
    assert view.config.max_attempts == 1 and client.config.max_attempts == 3
    # A view of a view still points at the client's pool.
    assert view.with_options(max_attempts=2)._pipeline.transport.owner is mine.transport

    await view.get_function(function_name="f")
    await client.get_function(function_name="f")
    transport = mine.transport
    assert isinstance(transport, AiohttpTransport)
    session = transport._session
    assert session is not None and len(session.connector._conns) == 1  # type: ignore[union-attr]
    await view.close()
    assert not session.closed
    await client.get_function(function_name="f")
    await client.close()
    assert session.closed


async def test_view_retries_differently_on_the_same_quota(server: ScriptedServer) -> None:
    client = _client(server.url)
    once = client.with_options(max_attempts=1)
    server.play(FAULT, FAULT, FAULT)
    with pytest.raises(ServiceError) as info:
        await once.get_function(function_name="f")
    assert info.value.attempts == 1
    assert len(server.requests) == 1
    server.play(FAULT, FAULT)
    out = await client.get_function(function_name="f")
    assert out.response_metadata is not None and out.response_metadata.attempts == 3
    await client.close()


async def test_view_timeouts_reach_the_transport(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []
    original = AiohttpTransport.send

    async def recording(self: AiohttpTransport, request: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return await original(self, request, **kwargs)

    monkeypatch.setattr(AiohttpTransport, "send", recording)
    client = _client(server.url)
    await client.with_options(read_timeout=7, connect_timeout=2).get_function(function_name="f")
    await client.get_function(function_name="f")
    await client.close()
    assert seen[0]["read_timeout"] == 7 and seen[0]["connect_timeout"] == 2
    assert seen[1]["read_timeout"] == 15 and "connect_timeout" not in seen[1]


def test_view_options_are_checked() -> None:
    client = _client("http://127.0.0.1:9")
    with pytest.raises(ConfigError, match="read_timeout must be positive"):
        client.with_options(read_timeout=0)
    with pytest.raises(ValueError, match="retry_mode"):
        client.with_options(retry_mode="sometimes")


def test_blocking_view(server_url: str) -> None:
    with BlockingLambdaClient(
        region=REGION,
        endpoint_url=server_url,
        credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
    ) as client:
        view = client.with_options(max_attempts=1, read_timeout=30)
        assert type(view) is BlockingLambdaClient
        assert view.async_client.config.max_attempts == 1
        assert view.get_function(function_name="f").configuration is not None
        view.close()  # a view owns nothing
        assert client.get_function(function_name="f").configuration is not None


@pytest.fixture
def server_url() -> Any:
    from lambda_client._runtime.blocking import LoopThread

    runner = LoopThread("blocking-view-server")
    server = ScriptedServer()
    runner.run(server.start())
    server.play()
    try:
        yield server.url
    finally:
        runner.close(server.close())


async def _error_metadata(url: str, attempts: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """ResponseMetadata of the same failing call, ours and botocore's."""
    ours = _client(url, max_attempts=attempts)
    with pytest.raises(ServiceError) as info:
        await ours.get_function(function_name="f")
    await ours.close()
    boto = _botocore(url, attempts)
    with pytest.raises(botocore.exceptions.ClientError) as theirs:
        await asyncio.to_thread(boto.get_function, FunctionName="f")
    boto.close()
    return info.value.response["ResponseMetadata"], theirs.value.response["ResponseMetadata"]


@pytest.mark.usefixtures("no_botocore_sleep")
@pytest.mark.parametrize(
    ("answer", "attempts", "retries", "reached"),
    [
        (FAULT, 3, 2, True),
        (NOT_FOUND, 3, 0, False),
        # botocore marks the last allowed attempt even for an error it
        # would never retry.
        (NOT_FOUND, 1, 0, True),
    ],
    ids=["attempts-run-out", "not-retryable", "single-attempt"],
)
async def test_error_metadata_matches_botocore(
    server: ScriptedServer, answer: Canned, attempts: int, retries: int, reached: bool
) -> None:
    server.play(then=answer)
    mine, expected = await _error_metadata(server.url, attempts)
    assert set(mine) == set(expected)
    assert mine["RetryAttempts"] == expected["RetryAttempts"] == retries
    assert mine.get("MaxAttemptsReached", False) is expected.get("MaxAttemptsReached", False)
    assert mine.get("MaxAttemptsReached", False) is reached


@pytest.mark.usefixtures("no_botocore_sleep")
async def test_output_metadata_matches_botocore_after_retries(server: ScriptedServer) -> None:
    server.play(FAULT, FAULT)
    ours = _client(server.url)
    out = await ours.get_function(function_name="f")
    await ours.close()
    server.play(FAULT, FAULT)
    boto = _botocore(server.url, 3)
    reference = await asyncio.to_thread(boto.get_function, FunctionName="f")
    boto.close()
    mine = models.to_dict(out)["ResponseMetadata"]
    expected = reference["ResponseMetadata"]
    assert set(mine) == set(expected)
    assert mine["RetryAttempts"] == expected["RetryAttempts"] == 2
    assert mine["HTTPStatusCode"] == expected["HTTPStatusCode"]
