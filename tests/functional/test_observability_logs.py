"""The library's log records, captured from real calls over HTTP to the
fault server (tests/functional/faults.py) and the streaming fake.

Delays go through the ``sleep=`` seam, so nothing here waits for real.
Every record's structured fields (``extra``) are asserted, since JSON log
formatters read those rather than the message.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from lambda_client import ClientConfig, Credentials, LambdaClient
from lambda_client._runtime import logs
from lambda_client._runtime.exceptions import ConnectionClosedError, CredentialsError
from lambda_client.errors import (
    InsecureConnectionWarning,
    ResourceNotFoundException,
    ServiceException,
)
from lambda_client.models import Environment
from tests.functional import lambda_fake
from tests.functional.faults import FaultServer, Received, Reply, error, ok
from tests.functional.test_retries import IN_PROGRESS, SleepLog, client_for, skewed_service

ACCESS_KEY = "AKIDLOGSCAN000000001"
SECRET_KEY = "wJalrXUtnFEMI-LOGSCAN-SECRET-K3Y-0123456789"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjE-LOGSCAN-SESSION-TOKEN-abcdef"
SENSITIVE_VALUE = "hunter2-LOGSCAN-ENV-VALUE"
PAYLOAD_MARKER = "LOGSCAN-PAYLOAD-MARKER"


class Records(logging.Handler):
    """Every record that reaches the root logger, kept as it was made."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def named(self, name: str, level: int | None = None) -> list[logging.LogRecord]:
        return [r for r in self.records if r.name == name and (level is None or r.levelno == level)]


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


@pytest.fixture(autouse=True)
def deadline_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_LAMBDA_FUNCTION_NAME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
async def deadline() -> AsyncIterator[None]:
    async with asyncio.timeout(10):
        yield


def fields(record: logging.LogRecord, *names: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


ATTEMPT_FIELDS = (
    logs.OPERATION,
    logs.ATTEMPT,
    logs.MAX_ATTEMPTS,
    logs.HTTP_STATUS,
    logs.REQUEST_ID,
    logs.OUTCOME,
    logs.ERROR_TYPE,
    logs.RETRY_DELAY,
    logs.RETRY_KIND,
    logs.RETRY_AFTER,
    logs.STOP_REASON,
)


# -- one record per attempt ------------------------------------------------------


async def test_throttled_then_successful_call(records: Records) -> None:
    throttled = error(
        429, "TooManyRequestsException", "Rate exceeded", headers={"Retry-After": "2"}
    )
    sleep = SleepLog()
    async with FaultServer([throttled]) as server, client_for(server, sleep=sleep) as client:
        await client.get_function(function_name="f")

    first, second = records.named("lambda_client.call")
    assert fields(first, *ATTEMPT_FIELDS) == {
        logs.OPERATION: "GetFunction",
        logs.ATTEMPT: 1,
        logs.MAX_ATTEMPTS: 3,
        logs.HTTP_STATUS: 429,
        logs.REQUEST_ID: "fault-0",
        logs.OUTCOME: "retry",
        logs.ERROR_TYPE: "TooManyRequestsException",
        # The backoff's first draw is at most 1 s; the service's 2 s decides.
        logs.RETRY_DELAY: 2.0,
        logs.RETRY_KIND: "throttled",
        logs.RETRY_AFTER: 2.0,
        logs.STOP_REASON: None,
    }
    assert first.levelno == logging.DEBUG
    assert "throttled" in first.lambda_retry_reason  # type: ignore[attr-defined]
    assert sleep.delays == [2.0]
    assert fields(second, *ATTEMPT_FIELDS) == {
        logs.OPERATION: "GetFunction",
        logs.ATTEMPT: 2,
        logs.MAX_ATTEMPTS: 3,
        logs.HTTP_STATUS: 200,
        logs.REQUEST_ID: "fault-1",
        logs.OUTCOME: "success",
        logs.ERROR_TYPE: None,
        logs.RETRY_DELAY: None,
        logs.RETRY_KIND: None,
        logs.RETRY_AFTER: None,
        logs.STOP_REASON: None,
    }
    sent = [r.headers["amz-sdk-invocation-id"] for r in server.requests]
    assert first.lambda_invocation_id == second.lambda_invocation_id == sent[0] == sent[1]  # type: ignore[attr-defined]
    for record in (first, second):
        assert isinstance(record.lambda_duration_ms, float) and record.lambda_duration_ms >= 0  # type: ignore[attr-defined]
    message = first.getMessage()
    assert "GetFunction attempt 1/3" in message and "HTTP 429" in message
    assert "retrying in 2.000 s" in message and "Retry-After 2 s" in message
    assert "attempt 2/3" in second.getMessage() and "done" in second.getMessage()


async def test_conflict_in_progress_is_logged_as_such(records: Records) -> None:
    sleep = SleepLog()
    async with FaultServer([IN_PROGRESS]) as server, client_for(server, sleep=sleep) as client:
        await client.update_function_configuration(function_name="f", timeout=30)

    first, second = records.named("lambda_client.call")
    assert fields(first, *ATTEMPT_FIELDS) == {
        logs.OPERATION: "UpdateFunctionConfiguration",
        logs.ATTEMPT: 1,
        logs.MAX_ATTEMPTS: 3,
        logs.HTTP_STATUS: 409,
        logs.REQUEST_ID: "fault-0",
        logs.OUTCOME: "retry",
        logs.ERROR_TYPE: "ResourceConflictException",
        logs.RETRY_DELAY: sleep.delays[0],
        logs.RETRY_KIND: "in_progress",
        logs.RETRY_AFTER: None,
        logs.STOP_REASON: None,
    }
    assert first.lambda_retry_reason == "ResourceConflictException: operation in progress"  # type: ignore[attr-defined]
    assert second.lambda_outcome == "success" and second.lambda_http_status == 200  # type: ignore[attr-defined]


async def test_server_errors_and_a_reset_connection_until_the_attempts_run_out(
    records: Records,
) -> None:
    script = [error(503, "ServiceException", "busy"), Reply(reset=True)]
    failing = error(500, "ServiceException", "still failing")
    async with (
        FaultServer(script, then=failing) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ServiceException):
            await client.get_function(function_name="f")

    one, two, three = records.named("lambda_client.call")
    assert (one.lambda_retry_kind, one.lambda_http_status, one.lambda_outcome) == (  # type: ignore[attr-defined]
        "transient",
        503,
        "retry",
    )
    # A reset after sending: no answer, so no status and no request id.
    assert fields(two, logs.HTTP_STATUS, logs.REQUEST_ID, logs.ERROR_TYPE, logs.RETRY_KIND) == {
        logs.HTTP_STATUS: None,
        logs.REQUEST_ID: None,
        logs.ERROR_TYPE: "ConnectionClosedError",
        logs.RETRY_KIND: "connection",
    }
    assert three.lambda_outcome == "error"  # type: ignore[attr-defined]
    assert three.lambda_stop_reason == "ServiceException: transient; all 3 attempts used"  # type: ignore[attr-defined]
    assert three.lambda_retry_delay is None  # type: ignore[attr-defined]
    assert len(server.requests) == 3


async def test_a_modelled_error_that_is_not_retried(records: Records) -> None:
    missing = error(404, "ResourceNotFoundException", "Function not found: f")
    async with FaultServer([missing]) as server, client_for(server) as client:
        with pytest.raises(ResourceNotFoundException):
            await client.get_function(function_name="f")

    (record,) = records.named("lambda_client.call")
    assert record.lambda_outcome == "error"  # type: ignore[attr-defined]
    assert record.lambda_stop_reason == "ResourceNotFoundException is not retryable"  # type: ignore[attr-defined]
    assert not records.named("lambda_client.retry")


async def test_nothing_is_watched_when_debug_is_off_and_telemetry_is_off(
    records: Records,
) -> None:
    from lambda_client._generated import operations
    from lambda_client.models import GetFunctionRequest

    logging.getLogger("lambda_client.call").setLevel(logging.INFO)
    try:
        async with (
            FaultServer([]) as server,
            client_for(server, ClientConfig(telemetry=False)) as client,
        ):
            await client.get_function(function_name="f")
            pipeline = client._pipeline
            request = GetFunctionRequest(function_name="f")
            http = pipeline.prepare(operations.GET_FUNCTION, request)
            assert pipeline.observer.begin(operations.GET_FUNCTION, request, http) is None
    finally:
        logging.getLogger("lambda_client.call").setLevel(logging.NOTSET)
    assert not records.named("lambda_client.call")


# -- warnings ----------------------------------------------------------------------


async def test_retry_quota_exhausted_is_a_warning(records: Records) -> None:
    async with (
        FaultServer(then=error(500, "ServiceException", "down")) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        client._pipeline.quota.available = 0
        with pytest.raises(ServiceException):
            await client.get_function(function_name="f")

    (warning,) = records.named("lambda_client.retry", logging.WARNING)
    assert fields(warning, logs.OPERATION, logs.ERROR_TYPE, logs.INVOCATION_ID) == {
        logs.OPERATION: "GetFunction",
        logs.ERROR_TYPE: "ServiceException",
        logs.INVOCATION_ID: server.requests[0].headers["amz-sdk-invocation-id"],
    }
    assert "retry quota is exhausted" in warning.getMessage()


async def test_clock_skew_corrected_is_a_warning(records: Records) -> None:
    async with (
        FaultServer(then=skewed_service) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        await client.get_function(function_name="f")

    (warning,) = records.named("lambda_client.retry", logging.WARNING)
    # The fault server's clock runs an hour ahead (SERVER_AHEAD).
    assert 3590 < warning.lambda_clock_offset < 3610  # type: ignore[attr-defined]
    assert warning.lambda_request_id == "fault-0"  # type: ignore[attr-defined]
    assert "off the service's" in warning.getMessage()
    kinds = [r.lambda_retry_kind for r in records.named("lambda_client.call")]  # type: ignore[attr-defined]
    assert kinds == ["clock_skew", None]


async def test_invoke_not_resent_after_a_cut_connection_is_a_warning(records: Records) -> None:
    async with (
        FaultServer([Reply(reset=True)]) as server,
        client_for(server, sleep=SleepLog()) as client,
    ):
        with pytest.raises(ConnectionClosedError):
            await client.invoke(function_name="my-function", payload=b"{}")

    assert len(server.requests) == 1
    (warning,) = records.named("lambda_client.retry", logging.WARNING)
    assert fields(warning, logs.OPERATION, logs.FUNCTION_NAME, logs.ERROR_TYPE) == {
        logs.OPERATION: "Invoke",
        logs.FUNCTION_NAME: "my-function",
        logs.ERROR_TYPE: "ConnectionClosedError",
    }
    invocation_id = server.requests[0].headers["amz-sdk-invocation-id"]
    assert warning.lambda_invocation_id == invocation_id  # type: ignore[attr-defined]
    assert invocation_id in warning.getMessage()


def test_a_client_without_tls_verification_logs_a_warning(records: Records) -> None:
    with pytest.warns(InsecureConnectionWarning):
        LambdaClient(
            region="us-east-1",
            credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
            config=ClientConfig(verify=False, telemetry=False),
        )
    (warning,) = records.named("lambda_client.config", logging.WARNING)
    assert warning.lambda_endpoint == "https://lambda.us-east-1.amazonaws.com"  # type: ignore[attr-defined]
    assert "verification is off" in warning.getMessage()


# -- where things came from ------------------------------------------------------


async def test_client_start_shows_endpoint_and_settings(records: Records) -> None:
    config = ClientConfig(max_attempts=5, read_timeout=30.0, telemetry=False)
    async with FaultServer([]) as server, client_for(server, config):
        pass

    (record,) = records.named("lambda_client.config", logging.DEBUG)
    assert record.lambda_region == "us-east-1"  # type: ignore[attr-defined]
    assert record.lambda_endpoint == server.url  # type: ignore[attr-defined]
    assert record.lambda_telemetry == "off"  # type: ignore[attr-defined]
    settings = record.lambda_config  # type: ignore[attr-defined]
    assert settings["max_attempts"] == 5
    assert settings["read_timeout"] == 30.0
    assert settings["retry_mode"] == "standard"


async def test_credentials_source_explicit_and_environment(
    records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FaultServer([]) as server, client_for(server) as client:
        await client.get_function(function_name="f")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    async with (
        FaultServer([]) as server,
        LambdaClient(region="us-east-1", endpoint_url=server.url) as client,
    ):
        await client.get_function(function_name="f")
        await client.get_function(function_name="f")

    sources = [
        r.lambda_credentials_source  # type: ignore[attr-defined]
        for r in records.named("lambda_client.credentials", logging.DEBUG)
    ]
    # Once per client, when found, not once per call.
    assert sources == ["explicit", "environment"]


async def test_credentials_from_botocore_name_its_provider(
    records: Records, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = tmp_path / "credentials"
    shared.write_text(
        f"[logscan]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        f"aws_session_token = {SESSION_TOKEN}\n"
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(shared))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    async with (
        FaultServer([]) as server,
        LambdaClient(region="us-east-1", endpoint_url=server.url, profile="logscan") as client,
    ):
        await client.get_function(function_name="f")

    (record,) = records.named("lambda_client.credentials", logging.DEBUG)
    assert fields(record, logs.CREDENTIALS_SOURCE, logs.CREDENTIALS_METHOD, logs.PROFILE) == {
        logs.CREDENTIALS_SOURCE: "botocore",
        logs.CREDENTIALS_METHOD: "shared-credentials-file",
        logs.PROFILE: "logscan",
    }
    assert_no_secrets(records.records, [])


# -- nothing secret, anywhere ----------------------------------------------------


def assert_no_secrets(recorded: list[logging.LogRecord], extra_secrets: list[str]) -> None:
    secrets = [SECRET_KEY, SESSION_TOKEN, SENSITIVE_VALUE, PAYLOAD_MARKER, *extra_secrets]
    formatter = logging.Formatter()
    for record in recorded:
        texts = [record.getMessage(), repr(vars(record))]
        if record.exc_info:
            texts.append(formatter.formatException(record.exc_info))
        for text in texts:
            for secret in secrets:
                assert secret not in text, (record.name, record.getMessage())


def client_with_secrets(url: str, config: ClientConfig | None = None) -> LambdaClient:
    """A client whose secrets the scans look for."""
    return LambdaClient(
        region="us-east-1",
        endpoint_url=url,
        credentials=Credentials(
            access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=SESSION_TOKEN
        ),
        config=config,
        sleep=SleepLog(),
    )


def signatures(requests: list[Received]) -> list[str]:
    found = []
    for request in requests:
        authorization = request.headers.get("Authorization", "")
        found.append(authorization.rpartition("Signature=")[2])
    assert all(len(s) == 64 for s in found)
    return found


async def test_no_record_carries_a_secret(records: Records) -> None:
    script = [
        error(429, "TooManyRequestsException", "Rate exceeded", headers={"Retry-After": "1"}),
        ok(),
        error(500, "ServiceException", "internal"),
        ok(b'{"FunctionName": "f"}'),
        Reply(reset=True),
        error(404, "ResourceNotFoundException", "Function not found: f"),
    ]
    async with FaultServer(script) as server, client_with_secrets(server.url) as client:
        await client.get_function(function_name="f")
        await client.update_function_configuration(
            function_name="f", environment=Environment(variables={"PASSWORD": SENSITIVE_VALUE})
        )
        with pytest.raises(ConnectionClosedError):
            await client.invoke(
                function_name="f", payload=f'{{"secret": "{PAYLOAD_MARKER}"}}'.encode()
            )
        with pytest.raises(ResourceNotFoundException):
            await client.get_function(function_name="f")

    assert len(server.requests) == 6
    assert len(records.named("lambda_client.call")) == 6
    assert records.named("lambda_client.retry", logging.WARNING)
    assert_no_secrets(records.records, signatures(server.requests))


async def test_no_record_of_a_streamed_call_carries_a_secret(records: Records) -> None:
    fake = lambda_fake.LambdaFake()
    fake.script(
        "InvokeWithResponseStream",
        lambda_fake.Frames(
            [
                lambda_fake.payload_chunk(PAYLOAD_MARKER.encode()),
                lambda_fake.exception_frame("ServiceException", "stream broke"),
            ]
        ),
    )
    async with (
        fake.serve() as url,
        client_with_secrets(url, ClientConfig(telemetry=False)) as client,
    ):
        out = await client.invoke_with_response_stream(
            function_name="f", payload=PAYLOAD_MARKER.encode(), client_context=_context()
        )
        assert out.event_stream is not None
        with pytest.raises(ServiceException):
            async for _ in out.event_stream:
                pass

    attempt, ended = records.named("lambda_client.call")
    assert attempt.lambda_outcome == "success"  # type: ignore[attr-defined]
    assert ended.lambda_outcome == "error"  # type: ignore[attr-defined]
    assert ended.lambda_error_type == "ServiceException"  # type: ignore[attr-defined]
    assert_no_secrets(records.records, [])


def _context() -> str:
    return base64.b64encode(b'{"custom": {"k": "v"}}').decode()


async def test_credentials_errors_say_which_call(records: Records) -> None:
    class Broken:
        def ready(self) -> None:
            return None

        async def get(self) -> Credentials:
            raise CredentialsError("no credentials today")

    async with FaultServer([]) as server, client_for(server) as client:
        client._pipeline.credentials = Broken()  # type: ignore[assignment]
        with pytest.raises(CredentialsError):
            await client.get_function(function_name="f")
    (record,) = records.named("lambda_client.call")
    assert record.lambda_outcome == "error"  # type: ignore[attr-defined]
    assert record.lambda_error_type == "CredentialsError"  # type: ignore[attr-defined]
    assert record.lambda_http_status is None  # type: ignore[attr-defined]


def test_attempt_fields_are_the_documented_ones() -> None:
    documented = Path(__file__).parents[2] / "docs" / "guides" / "observability.md"
    text = documented.read_text()
    names = [v for k, v in vars(logs).items() if k.isupper() and isinstance(v, str)]
    assert len(names) == 24
    for name in names:
        assert name.startswith("lambda_")
        assert f"`{name}`" in text, name
    for logger in (logs.CALL, logs.RETRY, logs.CREDENTIALS, logs.CONFIG):
        assert f"`{logger.name}`" in text, logger.name
