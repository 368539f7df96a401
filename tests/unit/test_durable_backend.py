"""DurableServiceBackend over a fake transport: what it sends, what it
returns, and how its failures look to the Durable Execution SDK."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote

import pytest

sdk_service = pytest.importorskip("aws_durable_execution_sdk_python.lambda_service")
sdk_errors = pytest.importorskip("aws_durable_execution_sdk_python.exceptions")

from aws_durable_execution_sdk_python.lambda_service import (  # noqa: E402
    CallbackOptions,
    ChainedInvokeOptions,
    CheckpointOutput,
    ContextOptions,
    ErrorObject,
    OperationAction,
    OperationStatus,
    OperationType,
    OperationUpdate,
    StateOutput,
    StepOptions,
    WaitOptions,
)
from multidict import CIMultiDict  # noqa: E402

from lambda_client import ClientConfig, Credentials, errors  # noqa: E402
from lambda_client.durable import (  # noqa: E402
    DurableSdkNotInstalledError,
    DurableServiceBackend,
    _sdk,
)
from lambda_client.testing import LambdaStub  # noqa: E402
from lambda_client.transport import HttpRequest, HttpResponse  # noqa: E402

CREDS = Credentials(access_key_id="AKID", secret_access_key="SECRET")
ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST/durable-execution/run-1/abc"
ENCODED_ARN = (
    "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aorders%3A%24LATEST"
    "%2Fdurable-execution%2Frun-1%2Fabc"
)
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def backend_for(lambda_stub: LambdaStub) -> Iterator[Callable[..., DurableServiceBackend]]:
    """Backends answered by the test's stub (``lambda_stub``), which
    records what they send (``lambda_stub.calls``)."""
    made: list[DurableServiceBackend] = []

    def make(**config: Any) -> DurableServiceBackend:
        backend = DurableServiceBackend(
            region="us-east-1",
            credentials=CREDS,
            config=ClientConfig(**config),
            transport=lambda_stub.transport,
        )
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()


def reply(stub: LambdaStub, payload: Any, headers: dict[str, str] | None = None) -> None:
    """Queue a 200 with ``payload`` as the JSON body, exactly as written."""
    stub.add_http(200, {**JSON, **(headers or {})}, json.dumps(payload).encode())


def reply_error(stub: LambdaStub, status: int, code: str, message: str) -> None:
    headers = {"x-amzn-ErrorType": code, "x-amzn-RequestId": "req-err", **JSON}
    stub.add_http(status, headers, json.dumps({"message": message}).encode())


def sent(stub: LambdaStub) -> list[HttpRequest]:
    return [call.http for call in stub.calls]


def body(request: HttpRequest) -> Any:
    return json.loads(request.body)


def update(
    name: str, kind: OperationType, action: OperationAction, **fields: Any
) -> OperationUpdate:
    return OperationUpdate(
        operation_id=f"id-{name}",
        operation_type=kind,
        action=action,
        parent_id="parent-1",
        name=name,
        sub_type=kind.value.title(),
        **fields,
    )


STEP, WAIT, CALLBACK = OperationType.STEP, OperationType.WAIT, OperationType.CALLBACK
START, SUCCEED, RETRY = OperationAction.START, OperationAction.SUCCEED, OperationAction.RETRY

# Every kind of update the SDK writes, with every option it can carry.
UPDATES = [
    update("charge", STEP, START),
    update("charge", STEP, SUCCEED, payload=json.dumps({"ok": True})),
    update(
        "flaky",
        STEP,
        RETRY,
        error=ErrorObject(message="boom", type="ValueError", data='{"n": 1}', stack_trace=["a"]),
        step_options=StepOptions(next_attempt_delay_seconds=7),
    ),
    update("nap", WAIT, START, wait_options=WaitOptions(wait_seconds=30)),
    update(
        "approve",
        CALLBACK,
        START,
        callback_options=CallbackOptions(timeout_seconds=300, heartbeat_timeout_seconds=60),
    ),
    update(
        "child",
        OperationType.CONTEXT,
        SUCCEED,
        payload="[1, 2]",
        context_options=ContextOptions(replay_children=True),
    ),
    update(
        "other",
        OperationType.CHAINED_INVOKE,
        START,
        payload="{}",
        chained_invoke_options=ChainedInvokeOptions(function_name="other-fn", tenant_id="t-1"),
    ),
    OperationUpdate.create_execution_fail(ErrorObject.from_message("gave up")),
]


# A response with every kind of operation and detail, timestamps as the
# service sends them (epoch seconds, some fractional).
OPERATIONS_WIRE = [
    {
        "Id": "exec",
        "Type": "EXECUTION",
        "Status": "STARTED",
        "StartTimestamp": T0,
        "ExecutionDetails": {"InputPayload": '{"order": 7}'},
    },
    {
        "Id": "s1",
        "ParentId": "exec",
        "Name": "charge",
        "Type": "STEP",
        "SubType": "Step",
        "Status": "PENDING",
        "StartTimestamp": T0 + 1.5,
        "StepDetails": {
            "Attempt": 2,
            "NextAttemptTimestamp": T0 + 60,
            "Error": {"ErrorMessage": "boom", "ErrorType": "ValueError", "StackTrace": ["x"]},
        },
    },
    {
        "Id": "w1",
        "Type": "WAIT",
        "Status": "SUCCEEDED",
        "StartTimestamp": T0 + 2,
        "EndTimestamp": T0 + 32,
        "WaitDetails": {"ScheduledEndTimestamp": T0 + 32},
    },
    {
        "Id": "c1",
        "Type": "CALLBACK",
        "Status": "FAILED",
        "CallbackDetails": {"CallbackId": "cb-1", "Error": {"ErrorMessage": "no"}},
    },
    {
        "Id": "x1",
        "Type": "CONTEXT",
        "Status": "SUCCEEDED",
        "ContextDetails": {"ReplayChildren": True, "Result": "[1]"},
    },
    {
        "Id": "i1",
        "Type": "CHAINED_INVOKE",
        "Status": "SUCCEEDED",
        "ChainedInvokeDetails": {"Result": "42"},
    },
]


def botocore_parse(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What boto3 returns for this body: the reference for our dicts."""
    import botocore.session
    from botocore.parsers import create_parser

    model = botocore.session.get_session().get_service_model("lambda")
    parsed: dict[str, Any] = create_parser("rest-json").parse(
        {"status_code": 200, "headers": {}, "body": json.dumps(payload).encode()},
        model.operation_model(operation).output_shape,
    )
    parsed.pop("ResponseMetadata", None)
    return parsed


# -- requests ---------------------------------------------------------------


def test_checkpoint_sends_the_sdk_updates_unchanged(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    reply(lambda_stub, {"CheckpointToken": "t2"})
    backend_for().checkpoint(ARN, "t1", UPDATES, "client-token-1")

    (request,) = sent(lambda_stub)
    assert request.method == "POST"
    assert request.path == f"/2025-12-01/durable-executions/{ENCODED_ARN}/checkpoint"
    assert unquote(request.path.split("/")[3]) == ARN
    assert body(request) == {
        "CheckpointToken": "t1",
        "ClientToken": "client-token-1",
        "Updates": [json.loads(json.dumps(u.to_dict())) for u in UPDATES],
    }
    assert lambda_stub.calls[0].operation == "checkpoint_durable_execution"


def test_checkpoint_without_client_token_gets_one_reused_by_every_attempt(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    reply_error(lambda_stub, 500, "ServiceException", "try again")
    reply_error(lambda_stub, 503, "ServiceException", "unavailable")
    reply(lambda_stub, {"CheckpointToken": "t2"})

    output = backend_for(max_attempts=3).checkpoint(ARN, "t1", UPDATES[:1], None)

    assert output.checkpoint_token == "t2"
    tokens = [body(r)["ClientToken"] for r in sent(lambda_stub)]
    assert len(tokens) == 3 and len(set(tokens)) == 1
    assert len(tokens[0]) == 36  # a UUID4


def test_each_checkpoint_gets_its_own_client_token(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    reply(lambda_stub, {"CheckpointToken": "t"})
    reply(lambda_stub, {"CheckpointToken": "t"})
    backend = backend_for()
    backend.checkpoint(ARN, "t1", [], None)
    backend.checkpoint(ARN, "t2", [], None)
    first, second = (body(r)["ClientToken"] for r in sent(lambda_stub))
    assert first != second


def test_get_execution_state_sends_marker_and_page_size(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    reply(lambda_stub, {})
    reply(lambda_stub, {})
    backend = backend_for()
    output = backend.get_execution_state(ARN, "t1", "page-2")
    backend.get_execution_state(ARN, "t1", "page 3+", max_items=5)

    assert output == StateOutput(operations=[], next_marker=None)
    first, second = sent(lambda_stub)
    assert first.method == "GET"
    assert first.path == f"/2025-12-01/durable-executions/{ENCODED_ARN}/state"
    assert parse_qs(first.query) == {
        "CheckpointToken": ["t1"],
        "Marker": ["page-2"],
        "MaxItems": ["1000"],
    }
    assert parse_qs(second.query)["Marker"] == ["page 3+"]
    assert parse_qs(second.query)["MaxItems"] == ["5"]
    assert "%2B" in second.query


def test_boto3_style_arguments_map_to_the_same_request(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    reply(lambda_stub, {})
    reply(lambda_stub, {})
    backend = backend_for()
    updates = [u.to_dict() for u in UPDATES]
    backend.checkpoint_durable_execution(
        DurableExecutionArn=ARN, CheckpointToken="t1", Updates=updates, ClientToken="ct"
    )
    backend.checkpoint(ARN, "t1", UPDATES, "ct")
    boto3_style, protocol = sent(lambda_stub)
    assert boto3_style.path == protocol.path
    assert body(boto3_style) == body(protocol)
    assert lambda_stub.calls[0].request == lambda_stub.calls[1].request


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"CheckpointToken": "t"}, ("DurableExecutionArn", "required parameter missing")),
        (
            {"DurableExecutionArn": ARN, "CheckpointToken": "t", "Token": "x"},
            ("Token", "unknown parameter"),
        ),
        (
            {
                "DurableExecutionArn": ARN,
                "CheckpointToken": "t",
                "Updates": [{"Id": "a", "Type": "STEP", "Action": "START", "Bogus": 1}],
            },
            ("updates[0]", "extra fields found (Bogus)"),
        ),
        (
            {
                "DurableExecutionArn": ARN,
                "CheckpointToken": "t",
                "Updates": [{"Type": "STEP", "Action": "START"}],
            },
            ("updates[0].id", "is required"),
        ),
        (
            {"DurableExecutionArn": ARN, "CheckpointToken": "t", "ClientToken": ""},
            ("client_token", "length 0 is below the minimum of 1"),
        ),
        (
            {"DurableExecutionArn": None, "CheckpointToken": "t"},
            ("durable_execution_arn", "is required"),
        ),
    ],
)
def test_boto3_style_bad_arguments_are_refused_before_sending(
    backend_for: Any, lambda_stub: LambdaStub, kwargs: dict[str, Any], problem: tuple[str, str]
) -> None:
    with pytest.raises(errors.ParamValidationError) as caught:
        backend_for().checkpoint_durable_execution(**kwargs)
    assert problem in caught.value.errors
    assert lambda_stub.calls == []


# -- results ----------------------------------------------------------------


def test_checkpoint_result_dict_matches_what_boto3_returns(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    payload = {
        "CheckpointToken": "t2",
        "NewExecutionState": {"Operations": OPERATIONS_WIRE, "NextMarker": "m"},
    }
    reply(lambda_stub, payload, {"x-amzn-RequestId": "req-1"})

    result = backend_for().checkpoint_durable_execution(
        DurableExecutionArn=ARN, CheckpointToken="t1", Updates=[]
    )

    metadata = result.pop("ResponseMetadata")
    assert result == botocore_parse("CheckpointDurableExecution", payload)
    assert metadata["RequestId"] == "req-1"
    assert metadata["HTTPStatusCode"] == 200
    assert metadata["RetryAttempts"] == 0
    assert metadata["HTTPHeaders"]["x-amzn-requestid"] == "req-1"
    operation = result["NewExecutionState"]["Operations"][1]
    assert type(operation["Type"]) is str
    assert operation["StartTimestamp"] == datetime(2026, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)
    assert operation["StepDetails"]["NextAttemptTimestamp"].tzinfo is not None


def test_state_result_dict_matches_what_boto3_returns(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    payload = {"Operations": OPERATIONS_WIRE, "NextMarker": "next"}
    reply(lambda_stub, payload)
    result = backend_for().get_durable_execution_state(
        DurableExecutionArn=ARN, CheckpointToken="t1", Marker="m", MaxItems=10
    )
    result.pop("ResponseMetadata")
    assert result == botocore_parse("GetDurableExecutionState", payload)


def test_protocol_results_are_the_sdks_own_objects(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    state = {"Operations": OPERATIONS_WIRE, "NextMarker": "next"}
    reply(lambda_stub, {"CheckpointToken": "t2", "NewExecutionState": state})
    reply(lambda_stub, state)

    backend = backend_for()
    out = backend.checkpoint(ARN, "t1", [], None)
    page = backend.get_execution_state(ARN, "t2", "m")

    assert isinstance(out, CheckpointOutput) and isinstance(page, StateOutput)
    reference = botocore_parse("GetDurableExecutionState", state)
    assert page == StateOutput.from_dict(reference)
    assert out == CheckpointOutput.from_dict(
        {"CheckpointToken": "t2", "NewExecutionState": reference}
    )
    assert page.next_marker == "next"
    step_op = page.operations[1]
    assert step_op.operation_type is OperationType.STEP
    assert step_op.status is OperationStatus.PENDING
    assert step_op.step_details is not None
    assert step_op.step_details.attempt == 2
    assert step_op.step_details.next_attempt_timestamp == datetime.fromtimestamp(T0 + 60, UTC)
    assert step_op.step_details.error is not None
    assert step_op.step_details.error.stack_trace == ["x"]
    # The SDK compares these with datetime.now(UTC): naive ones would raise.
    assert step_op.step_details.next_attempt_timestamp > datetime(2025, 1, 1, tzinfo=UTC)


def test_terminal_checkpoint_without_token(backend_for: Any, lambda_stub: LambdaStub) -> None:
    reply(lambda_stub, {})
    out = backend_for().checkpoint(ARN, "t1", UPDATES[-1:], None)
    assert out.checkpoint_token is None
    assert out.new_execution_state.operations == []


def test_unknown_operation_values_reach_the_sdk_as_sent(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    # A status newer than this model: the dict keeps the string for the
    # caller, as boto3 does, and the SDK decides what to make of it.
    reply(lambda_stub, {"Operations": [{"Id": "a", "Type": "STEP", "Status": "PAUSED"}]})
    result = backend_for().get_durable_execution_state(DurableExecutionArn=ARN, CheckpointToken="t")
    assert result["Operations"][0]["Status"] == "PAUSED"
    assert type(result["Operations"][0]["Status"]) is str


# -- errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "message", "retryable"),
    [
        (400, "InvalidParameterValueException", "Invalid checkpoint token", True),
        (400, "InvalidParameterValueException", "Updates[0].Id is too long", False),
        (404, "ResourceNotFoundException", "no such execution", False),
        (429, "TooManyRequestsException", "slow down", True),
        (500, "ServiceException", "oops", True),
        (502, "KMSAccessDeniedException", "cannot decrypt", False),
    ],
)
def test_errors_are_classified_as_the_sdk_classifies_boto3s(
    backend_for: Any,
    lambda_stub: LambdaStub,
    status: int,
    code: str,
    message: str,
    retryable: bool,
) -> None:
    for _ in range(4):  # one single-attempt call each below
        reply_error(lambda_stub, status, code, message)
    backend = backend_for(max_attempts=1)

    with pytest.raises(errors.ServiceError) as raw:
        backend.checkpoint_durable_execution(
            DurableExecutionArn=ARN, CheckpointToken="t1", Updates=[]
        )
    assert raw.value.response["Error"] == {"Code": code, "Message": message}
    assert raw.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert raw.value.response["ResponseMetadata"]["RequestId"] == "req-err"

    with pytest.raises(sdk_errors.CheckpointError) as wrapped:
        backend.checkpoint(ARN, "t1", [], None)
    assert wrapped.value.is_retryable() is retryable
    assert wrapped.value.error == {"Code": code, "Message": message}
    assert isinstance(wrapped.value.__cause__, errors.ServiceError)

    with pytest.raises(sdk_errors.GetExecutionStateError) as state_error:
        backend.get_execution_state(ARN, "t1", "m")
    assert state_error.value.is_retryable() is retryable

    # The SDK's own boto3 adapter, handed the backend as its boto3 client,
    # reaches the same verdict from the same .response.
    adapter = sdk_service.LambdaClient(backend)
    with pytest.raises(sdk_errors.CheckpointError) as via_adapter:
        adapter.checkpoint(ARN, "t1", [], None)
    assert via_adapter.value.is_retryable() is retryable
    assert via_adapter.value.response_metadata["HTTPStatusCode"] == status
    lambda_stub.assert_all_consumed()


class Refusing:
    """A transport whose every connection attempt is refused (a network
    failure, which a queue of HTTP answers cannot express)."""

    def __init__(self) -> None:
        self.requests: list[HttpRequest] = []
        self.closed = False

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        self.requests.append(request)
        raise errors.ConnectError("connection refused")

    async def close(self) -> None:
        self.closed = True


def test_connection_failures_are_retryable_invocation_errors() -> None:
    transport = Refusing()
    backend = DurableServiceBackend(
        region="us-east-1",
        credentials=CREDS,
        config=ClientConfig(max_attempts=2),
        transport=transport,
    )
    with backend, pytest.raises(sdk_errors.CheckpointError) as caught:
        backend.checkpoint(ARN, "t1", [], None)
    assert caught.value.is_retryable()
    assert caught.value.error is None
    assert isinstance(caught.value.__cause__, errors.ConnectError)
    assert caught.value.__cause__.attempts == 2
    assert len(transport.requests) == 2


def test_missing_checkpoint_token_is_refused_as_retryable(
    backend_for: Any, lambda_stub: LambdaStub
) -> None:
    backend = backend_for()
    with pytest.raises(sdk_errors.CheckpointError) as checkpoint:
        backend.checkpoint(ARN, "", [], None)
    with pytest.raises(sdk_errors.GetExecutionStateError) as state:
        backend.get_execution_state(ARN, "", "m")
    assert checkpoint.value.is_retryable() and state.value.is_retryable()
    assert lambda_stub.calls == []


def test_sdk_adapter_round_trip(backend_for: Any, lambda_stub: LambdaStub) -> None:
    state = {"Operations": OPERATIONS_WIRE[:2]}
    for _ in range(2):
        reply(lambda_stub, {"CheckpointToken": "t2", "NewExecutionState": state})
    backend = backend_for()
    adapter = sdk_service.LambdaClient(backend)
    out = adapter.checkpoint(ARN, "t1", UPDATES, "ct")
    assert out == backend.checkpoint(ARN, "t1", UPDATES, "ct")
    first, second = sent(lambda_stub)
    assert body(first) == body(second)


# -- threads, lifecycle, imports --------------------------------------------


class EchoingToken:
    """Answers each checkpoint with a token derived from the one it sent:
    with 48 threads at once the answer must depend on the request, which a
    queue of answers cannot do."""

    def __init__(self) -> None:
        self.client_tokens: list[str] = []
        self._lock = threading.Lock()

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        sent_body = body(request)
        with self._lock:
            self.client_tokens.append(sent_body["ClientToken"])
        reply_body = json.dumps({"CheckpointToken": sent_body["CheckpointToken"] + "'"})
        return HttpResponse(status=200, headers=CIMultiDict(JSON), body=reply_body.encode())

    async def close(self) -> None:
        pass


def test_many_threads_share_one_backend() -> None:
    transport = EchoingToken()
    with (
        DurableServiceBackend(
            region="us-east-1", credentials=CREDS, transport=transport
        ) as backend,
        ThreadPoolExecutor(8) as pool,
    ):
        outputs = list(pool.map(lambda i: backend.checkpoint(ARN, f"t{i}", [], None), range(48)))
    assert [o.checkpoint_token for o in outputs] == [f"t{i}'" for i in range(48)]
    assert len(set(transport.client_tokens)) == 48


def test_close_and_context_manager(lambda_stub: LambdaStub) -> None:
    transport = lambda_stub.transport
    with DurableServiceBackend(
        region="us-east-1", credentials=CREDS, transport=transport
    ) as backend:
        assert "us-east-1" in repr(backend)
    assert transport.closed
    backend.close()
    with pytest.raises(errors.LambdaClientError, match="closed"):
        backend.checkpoint_durable_execution(DurableExecutionArn=ARN, CheckpointToken="t")
    with pytest.raises(sdk_errors.CheckpointError) as caught:
        backend.checkpoint(ARN, "t", [], None)
    assert caught.value.is_retryable()


def test_importing_the_module_does_not_import_the_sdk() -> None:
    code = (
        "import sys, lambda_client.durable as d\n"
        "b = d.DurableServiceBackend(region='us-east-1', endpoint_url='http://127.0.0.1:9')\n"
        "b.close()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('aws_durable', 'boto3'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_protocol_methods_name_the_missing_sdk(
    backend_for: Any, lambda_stub: LambdaStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    reply(lambda_stub, {})
    backend = backend_for()
    _sdk.cache_clear()
    # None in sys.modules makes the import fail as if the package were absent.
    monkeypatch.setitem(sys.modules, "aws_durable_execution_sdk_python.lambda_service", None)
    try:
        with pytest.raises(DurableSdkNotInstalledError, match="aws-durable-execution-sdk-python"):
            backend.checkpoint(ARN, "t", [], None)
        with pytest.raises(ImportError):
            backend.get_execution_state(ARN, "t", "m")
        # The boto3-style methods do not need the SDK.
        assert "ResponseMetadata" in backend.get_durable_execution_state(
            DurableExecutionArn=ARN, CheckpointToken="t"
        )
    finally:
        _sdk.cache_clear()
    assert len(lambda_stub.calls) == 1
