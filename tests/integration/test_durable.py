"""The Durable Execution SDK running on DurableServiceBackend, end to end.

The SDK's own test server (its web runner) plays Lambda's durable-execution
service and drives each execution by invoking a Lambda endpoint; that
endpoint runs a durable handler in this process, and every checkpoint and
state call the handler makes goes over HTTP through DurableServiceBackend.
The test plays the outside world with this library's clients: it completes
the callback the handler waits for and reads the outcome and the history.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

pytest.importorskip("aws_durable_execution_sdk_python")
pytest.importorskip("aws_durable_execution_sdk_python_testing")

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import (
    Duration,
    StepConfig,
    WaitForCallbackConfig,
)
from aws_durable_execution_sdk_python.execution import (
    DurableExecutionInvocationInput,
    DurableExecutionInvocationInputWithClient,
)
from aws_durable_execution_sdk_python.retries import RetryDecision

from lambda_client import (
    BlockingLambdaClient,
    ClientConfig,
    Credentials,
    LambdaClient,
    models,
)
from lambda_client.durable import DurableServiceBackend
from tests.integration.durable_support import (
    FUNCTION_NAME,
    DurableTestServer,
    FaultProxy,
    InvokeEndpoint,
)

pytestmark = pytest.mark.integration

REGION = "us-west-2"
CREDENTIALS = Credentials(access_key_id="testing", secret_access_key="testing")
#: Seconds a test waits for an execution to reach a state.
DEADLINE = 30.0
WAIT_SECONDS = 2
RETRY_DELAY_SECONDS = 1


class Workflow:
    """A durable handler: a step, a wait, a step that fails once and is
    retried, then a callback that the outside world completes."""

    def __init__(self) -> None:
        self.flaky_attempts = 0
        self.callback_ids: queue.Queue[str] = queue.Queue()
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
        doubled = context.step(lambda _: event["value"] * 2, name="double")
        context.wait(Duration.from_seconds(WAIT_SECONDS), name="cool-down")
        bumped = context.step(
            lambda _: self._flaky(doubled),
            name="flaky",
            config=StepConfig(retry_strategy=_retry_once),
        )
        approval = context.wait_for_callback(
            lambda callback_id, _ctx: self.callback_ids.put(callback_id),
            name="approval",
            config=WaitForCallbackConfig(timeout=Duration.from_seconds(60)),
        )
        return {"doubled": doubled, "bumped": bumped, "approval": approval}

    def _flaky(self, value: int) -> int:
        with self._lock:
            self.flaky_attempts += 1
            first = self.flaky_attempts == 1
        if first:
            raise RuntimeError("the first attempt fails")
        return value + 1


def _retry_once(error: Exception, attempt: int) -> RetryDecision:
    if attempt < 2:
        return RetryDecision.retry(Duration.from_seconds(RETRY_DELAY_SECONDS))
    return RetryDecision.no_retry()


def lambda_handler(
    seam: str, workflow: Workflow, backend: DurableServiceBackend
) -> Callable[[Any, Any], Any]:
    """The handler the endpoint runs, wired to the backend through one of
    the SDK's two seams."""
    if seam == "boto3_client":
        return durable_execution(workflow, boto3_client=backend)
    handler = durable_execution(workflow)

    def with_client(event: Any, context: Any) -> Any:
        invocation = DurableExecutionInvocationInput.from_json_dict(event)
        return handler(
            DurableExecutionInvocationInputWithClient.from_durable_execution_invocation_input(
                invocation, backend
            ),
            context,
        )

    return with_client


class Stack:
    """Invoke endpoint -> test server <- proxy <- backend, started in the
    order each needs the other's address. The handler's calls all pass the
    proxy, which injects ``faults`` and records what it forwards."""

    def __init__(
        self, seam: str, faults: dict[int, str], config: ClientConfig, page_bytes: int | None
    ) -> None:
        self.workflow = Workflow()
        self.endpoint = InvokeEndpoint({})
        self.server = DurableTestServer(self.endpoint.url, page_bytes=page_bytes)
        self._faults = faults
        self._seam = seam
        self._config = config

    def __enter__(self) -> Stack:
        self.endpoint.__enter__()
        self.server.start()
        self.proxy = FaultProxy(self.server.url, self._faults).__enter__()
        self.backend = DurableServiceBackend(
            region=REGION, endpoint_url=self.proxy.url, credentials=CREDENTIALS, config=self._config
        )
        self.endpoint.handlers[FUNCTION_NAME] = lambda_handler(
            self._seam, self.workflow, self.backend
        )
        return self

    def __exit__(self, *exc: object) -> None:
        # A handler may still be finishing an invocation (one that ended in a
        # suspension, or a stopped execution's last checkpoint): let it end
        # while everything it talks to is up. Closing the backend under a
        # call in progress would leave that call's thread waiting for good.
        idle = self.endpoint.wait_idle(DEADLINE)
        self.server.stop()
        self.proxy.__exit__()
        if idle:
            self.backend.close()
        self.endpoint.__exit__()
        assert idle, "a handler invocation was still running at teardown"


@pytest.fixture(autouse=True)
def _aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The runner invokes handlers with a boto3 client it builds from the
    # environment; give it dummy keys and nothing from the machine's own
    # AWS settings (profiles, endpoints, retry modes).
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", CREDENTIALS.access_key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secret_access_key)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def stack_factory() -> Iterator[Callable[..., Stack]]:
    stacks: list[Stack] = []

    def make(
        seam: str = "protocol",
        faults: dict[int, str] | None = None,
        config: ClientConfig | None = None,
        page_bytes: int | None = None,
    ) -> Stack:
        stack = Stack(seam, faults or {}, config or ClientConfig(), page_bytes).__enter__()
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.__exit__()


async def wait_for_status(client: LambdaClient, arn: str, wanted: set[str]) -> Any:
    deadline = time.monotonic() + DEADLINE
    while True:
        execution = await client.get_durable_execution(durable_execution_arn=arn)
        if execution.status in wanted:
            return execution
        assert time.monotonic() < deadline, f"still {execution.status} after {DEADLINE} s"
        await asyncio.sleep(0.05)


async def run_to_completion(stack: Stack, name: str) -> tuple[str, Any, list[Any], str]:
    """Start an execution, complete its callback from the async client,
    and return its ARN, final state, history and callback id."""
    arn = await asyncio.to_thread(stack.server.start_execution, name=name, payload={"value": 20})
    callback_id = await asyncio.to_thread(stack.workflow.callback_ids.get, timeout=DEADLINE)
    async with LambdaClient(
        region=REGION, endpoint_url=stack.server.url, credentials=CREDENTIALS
    ) as client:
        await client.send_durable_execution_callback_success(
            callback_id=callback_id, result=APPROVAL.encode()
        )
        execution = await wait_for_status(client, arn, {"SUCCEEDED", "FAILED", "TIMED_OUT"})
        history = await client.get_durable_execution_history(
            durable_execution_arn=arn, include_execution_data=True
        )
    return arn, execution, history.events or [], callback_id


def events_of(events: list[Any], kind: str, name: str | None = None) -> list[Any]:
    return [e for e in events if e.event_type == kind and (name is None or e.name == name)]


APPROVAL = json.dumps({"approved": True})
# wait_for_callback hands the handler the callback's result as sent.
EXPECTED_RESULT = {"doubled": 40, "bumped": 41, "approval": APPROVAL}


def assert_history(events: list[Any], callback_id: str) -> None:
    """The history of one run of Workflow: every operation once, in order."""
    kinds = Counter(e.event_type for e in events)
    assert kinds["ExecutionStarted"] == 1
    assert kinds["ExecutionSucceeded"] == 1
    (double,) = events_of(events, "StepSucceeded", "double")
    assert json.loads(double.step_succeeded_details.result.payload) == 40
    (wait,) = events_of(events, "WaitStarted", "cool-down")
    assert wait.wait_started_details.duration == WAIT_SECONDS
    assert len(events_of(events, "WaitSucceeded", "cool-down")) == 1
    (failed,) = events_of(events, "StepFailed", "flaky")
    assert "first attempt fails" in failed.step_failed_details.error.payload.error_message
    (bumped,) = events_of(events, "StepSucceeded", "flaky")
    assert json.loads(bumped.step_succeeded_details.result.payload) == 41
    (started,) = events_of(events, "CallbackStarted")
    assert started.callback_started_details.callback_id == callback_id
    (succeeded,) = events_of(events, "CallbackSucceeded")
    assert json.loads(succeeded.callback_succeeded_details.result.payload) == {"approved": True}
    # Events come in order, each stamped with an aware time.
    assert [e.event_id for e in events] == sorted(e.event_id for e in events)
    assert all(e.event_timestamp.tzinfo is not None for e in events)


@pytest.mark.parametrize("seam", ["protocol", "boto3_client"])
async def test_durable_execution_end_to_end(seam: str, stack_factory: Callable[..., Stack]) -> None:
    # A tiny invocation page: replays must fetch state with GetDurableExecutionState.
    stack = stack_factory(seam, page_bytes=1)
    arn, execution, events, callback_id = await run_to_completion(stack, f"e2e-{seam}")

    assert execution.status == "SUCCEEDED", execution.error
    assert json.loads(execution.result) == EXPECTED_RESULT
    assert execution.durable_execution_arn == arn
    assert isinstance(execution.start_timestamp, datetime)
    assert execution.start_timestamp.tzinfo is not None
    assert stack.workflow.flaky_attempts == 2

    assert_history(events, callback_id)

    # The handler's checkpoint and state calls all went through the backend.
    sent = Counter((r.method, r.path.rsplit("/", 1)[-1]) for r in stack.proxy.requests)
    assert sent[("POST", "checkpoint")] == len(stack.proxy.checkpoints) > 5
    assert sent[("GET", "state")] >= 1
    assert sum(sent.values()) == sent[("POST", "checkpoint")] + sent[("GET", "state")]
    assert all(r.user_agent.startswith("lambda-client/") for r in stack.proxy.requests)
    # Every invocation returned an output the runner accepted.
    assert stack.endpoint.invocations
    assert all(i.status in ("SUCCEEDED", "PENDING") for i in stack.endpoint.invocations)


# Checkpoint requests (1-based, retries included) that the proxy fails.
# Three in a row hit the first checkpoint; the "-after" faults let the server
# apply a checkpoint and then lose its answer, so the retry is a duplicate.
FAULTS = {
    1: "500",
    2: "429",
    3: "reset",
    5: "500-after",
    7: "reset-after",
    9: "429",
    11: "500-after",
}


async def test_faults_between_handler_and_server_apply_each_checkpoint_once(
    stack_factory: Callable[..., Stack],
) -> None:
    stack = stack_factory(faults=FAULTS, config=ClientConfig(max_attempts=5))
    _arn, execution, events, callback_id = await run_to_completion(stack, "faults")

    assert execution.status == "SUCCEEDED", execution.error
    assert json.loads(execution.result) == EXPECTED_RESULT
    assert_history(events, callback_id)
    # The faults never reached the handler: no invocation failed.
    assert all(i.status in ("SUCCEEDED", "PENDING") for i in stack.endpoint.invocations)

    records = stack.proxy.checkpoints
    assert {r.index: r.fault for r in records if r.fault} == FAULTS
    by_client_token: dict[str | None, list[Any]] = {}
    for r in records:
        by_client_token.setdefault(r.client_token, []).append(r)
    assert None not in by_client_token
    for token, attempts in by_client_token.items():
        # One checkpoint call: every attempt sent the same request...
        assert len({a.checkpoint_token for a in attempts}) == 1, token
        # ...and however often it reached the server, the server answered
        # with one new checkpoint token: it applied the updates once.
        answers = [a.new_checkpoint_token for a in attempts if a.upstream_status == 200]
        assert len(answers) >= 1 and len(set(answers)) == 1, (token, attempts)
    # A checkpoint token was spent by one call only: the SDK never had to
    # retry a checkpoint itself.
    spent = Counter(a[0].checkpoint_token for a in by_client_token.values())
    assert set(spent.values()) == {1}
    # The "-after" faults did deliver duplicates to the server.
    duplicates = [t for t, a in by_client_token.items() if sum(x.forwarded for x in a) == 2]
    assert len(duplicates) == 3


class Operations:
    """The durable-execution operations through the async client or the
    blocking one (on a worker thread: it must not run on this test's loop)."""

    def __init__(self, kind: str, url: str) -> None:
        self.kind = kind
        self.url = url

    async def __aenter__(self) -> Operations:
        if self.kind == "async":
            self._client: Any = LambdaClient(
                region=REGION, endpoint_url=self.url, credentials=CREDENTIALS
            )
        else:
            self._client = BlockingLambdaClient(
                region=REGION, endpoint_url=self.url, credentials=CREDENTIALS
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.kind == "async":
            await self._client.close()
        else:
            await asyncio.to_thread(self._client.close)

    async def __call__(self, operation: str, **kwargs: Any) -> Any:
        method = getattr(self._client, operation)
        if self.kind == "async":
            return await method(**kwargs)
        return await asyncio.to_thread(method, **kwargs)

    async def wait_for(self, arn: str, wanted: str) -> Any:
        deadline = time.monotonic() + DEADLINE
        while True:
            execution = await self("get_durable_execution", durable_execution_arn=arn)
            if execution.status == wanted:
                return execution
            assert time.monotonic() < deadline, f"still {execution.status}, not {wanted}"
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("kind", ["async", "blocking"])
async def test_durable_operations_from_outside(
    kind: str, stack_factory: Callable[..., Stack]
) -> None:
    stack = stack_factory()
    failing = await asyncio.to_thread(
        stack.server.start_execution, name=f"fail-{kind}", payload={"value": 1}
    )
    callback_id = await asyncio.to_thread(stack.workflow.callback_ids.get, timeout=DEADLINE)
    async with Operations(kind, stack.server.url) as call:
        running = await call("get_durable_execution", durable_execution_arn=failing)
        assert running.status == "RUNNING"
        assert running.durable_execution_name == f"fail-{kind}"
        await call("send_durable_execution_callback_heartbeat", callback_id=callback_id)
        await call(
            "send_durable_execution_callback_failure",
            callback_id=callback_id,
            error=models.ErrorObject(error_type="Rejected", error_message="a person said no"),
        )
        failed = await call.wait_for(failing, "FAILED")
        assert "a person said no" in failed.error.error_message
        history = await call("get_durable_execution_history", durable_execution_arn=failing)
        (callback_failed,) = events_of(history.events, "CallbackFailed")
        assert callback_failed.callback_failed_details.error.payload.error_type == "Rejected"

        stopping = await asyncio.to_thread(
            stack.server.start_execution, name=f"stop-{kind}", payload={"value": 2}
        )
        await asyncio.to_thread(stack.workflow.callback_ids.get, timeout=DEADLINE)
        # Not filtered by Statuses: the test server (1.4.0) reads the filter
        # from a query parameter named StatusFilter, not the model's Statuses.
        listed = await call("list_durable_executions_by_function", function_name=FUNCTION_NAME)
        assert {e.durable_execution_arn: e.status for e in listed.durable_executions} == {
            failing: "FAILED",
            stopping: "RUNNING",
        }
        stopped_at = await call(
            "stop_durable_execution",
            durable_execution_arn=stopping,
            error=models.ErrorObject(error_message="no longer needed"),
        )
        assert stopped_at.stop_timestamp.tzinfo is not None
        stopped = await call.wait_for(stopping, "STOPPED")
        assert stopped.end_timestamp >= stopped.start_timestamp
        everything = await call("list_durable_executions_by_function", function_name=FUNCTION_NAME)
        assert {e.durable_execution_arn: e.status for e in everything.durable_executions} == {
            failing: "FAILED",
            stopping: "STOPPED",
        }
