"""Every generated ``wait_until_*`` method against the fake service.

The client's ``sleep`` and ``clock`` seams are a fake timeline: sleeping
records the delay and moves the clock, so waiting takes no real time and
the delays and the timeout budget can be checked exactly.
"""

from __future__ import annotations

import asyncio
import inspect
import operator
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest
from attrs import frozen

from lambda_client import LambdaClient, errors, models
from lambda_client.waiter import WaiterFailureError, WaiterTimeoutError, WaiterUnexpectedError
from tests.functional.lambda_fake import LambdaFake, Reply, client_for, error, ok

DEADLINE = 10.0
START = 1_767_225_600.0  # 2026-01-01T00:00:00Z: the clock seam also dates signatures

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:waited-on"
EXECUTION = f"{FUNCTION}:$LATEST/durable-execution/run 1/0f1e"
MAPPING = "14e0db71-5d35-4eb5-b481-8945cf9d10c2"

NOT_FOUND = error(404, "ResourceNotFoundException", "Function not found")
BAD_PARAMETER = error(400, "InvalidParameterValueException", "bad parameter")


class Timeline:
    """A clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = START
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def configuration(**members: Any) -> Reply:
    return ok(members)


def function(**members: Any) -> Reply:
    return ok({"Configuration": members, "Code": {"RepositoryType": "S3"}})


@frozen
class Case:
    method: str
    operation: str
    args: Mapping[str, Any]
    #: What the server sends while the resource is not there yet.
    pending: Reply
    success: Reply
    #: Replies a failure acceptor matches, with the value it expects.
    failures: tuple[tuple[Reply, str], ...]
    #: Decoded path labels and query the poll must carry.
    params: Mapping[str, str]
    query: Mapping[str, str]
    #: Path from the success response to the state it reports (None: the
    #: waiter succeeds on the resource being gone and returns None).
    state: str | None
    expected: str | None
    output: type | None
    #: Path to the state a failure acceptor reads, when success has none.
    failure_state: str | None = None

    def __str__(self) -> str:
        return self.method


def _state_case(
    method: str,
    operation: str,
    args: Mapping[str, Any],
    reply: Callable[..., Reply],
    member: str,
    pending: str,
    success: str,
    failures: tuple[str, ...],
    params: Mapping[str, str],
    query: Mapping[str, str],
    state: str,
    output: type,
) -> Case:
    return Case(
        method=method,
        operation=operation,
        args=args,
        pending=reply(**{member: pending}),
        success=reply(**{member: success}),
        failures=tuple((reply(**{member: value}), value) for value in failures),
        params=params,
        query=query,
        state=state,
        expected=success,
        output=output,
    )


FN_ARGS = {"function_name": FUNCTION, "qualifier": "live"}
FN_PARAMS = {"FunctionName": FUNCTION}
FN_QUERY = {"Qualifier": "live"}


def execution(**members: Any) -> Reply:
    return ok({"DurableExecutionArn": EXECUTION, **members})


EXECUTION_ARGS = {"durable_execution_arn": EXECUTION, "include_execution_data": True}
EXECUTION_PARAMS = {"DurableExecutionArn": EXECUTION}
EXECUTION_QUERY = {"IncludeExecutionData": "true"}
EXECUTION_NOT_FOUND = error(404, "ResourceNotFoundException", "Durable execution not found")

CASES: tuple[Case, ...] = (
    Case(
        method="wait_until_durable_execution_deleted",
        operation="GetDurableExecution",
        args=EXECUTION_ARGS,
        pending=execution(Status="DELETING"),
        success=EXECUTION_NOT_FOUND,
        failures=tuple(
            (execution(Status=value), value) for value in ("RUNNING", "PAUSING", "PAUSED")
        ),
        params=EXECUTION_PARAMS,
        query=EXECUTION_QUERY,
        state=None,
        expected=None,
        output=None,
        failure_state="status",
    ),
    _state_case(
        "wait_until_durable_execution_finished",
        "GetDurableExecution",
        EXECUTION_ARGS,
        execution,
        "Status",
        "RUNNING",
        "SUCCEEDED",
        ("FAILED", "TIMED_OUT", "STOPPED", "DELETING"),
        EXECUTION_PARAMS,
        EXECUTION_QUERY,
        "status",
        models.GetDurableExecutionResponse,
    ),
    _state_case(
        "wait_until_durable_execution_paused",
        "GetDurableExecution",
        EXECUTION_ARGS,
        execution,
        "Status",
        "PAUSING",
        "PAUSED",
        ("SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED", "DELETING"),
        EXECUTION_PARAMS,
        EXECUTION_QUERY,
        "status",
        models.GetDurableExecutionResponse,
    ),
    Case(
        method="wait_until_event_source_mapping_deleted",
        operation="GetEventSourceMapping",
        args={"uuid": MAPPING},
        pending=ok({"UUID": MAPPING, "State": "Deleting"}),
        success=NOT_FOUND,
        failures=(),
        params={"UUID": MAPPING},
        query={},
        state=None,
        expected=None,
        output=None,
    ),
    _state_case(
        "wait_until_event_source_mapping_disabled",
        "GetEventSourceMapping",
        {"uuid": MAPPING},
        lambda **m: ok({"UUID": MAPPING, **m}),
        "State",
        "Disabling",
        "Disabled",
        (),
        {"UUID": MAPPING},
        {},
        "state",
        models.EventSourceMappingConfiguration,
    ),
    _state_case(
        "wait_until_event_source_mapping_enabled",
        "GetEventSourceMapping",
        {"uuid": MAPPING},
        lambda **m: ok({"UUID": MAPPING, **m}),
        "State",
        "Enabling",
        "Enabled",
        (),
        {"UUID": MAPPING},
        {},
        "state",
        models.EventSourceMappingConfiguration,
    ),
    _state_case(
        "wait_until_function_active",
        "GetFunctionConfiguration",
        FN_ARGS,
        configuration,
        "State",
        "Pending",
        "Active",
        ("Failed",),
        FN_PARAMS,
        FN_QUERY,
        "state",
        models.FunctionConfiguration,
    ),
    _state_case(
        "wait_until_function_active_v2",
        "GetFunction",
        FN_ARGS,
        function,
        "State",
        "Pending",
        "Active",
        ("Failed",),
        FN_PARAMS,
        FN_QUERY,
        "configuration.state",
        models.GetFunctionResponse,
    ),
    Case(
        method="wait_until_function_deleted",
        operation="GetFunction",
        args=FN_ARGS,
        pending=function(FunctionName="waited-on", State="Active"),
        success=NOT_FOUND,
        failures=(),
        params=FN_PARAMS,
        query=FN_QUERY,
        state=None,
        expected=None,
        output=None,
    ),
    Case(
        method="wait_until_function_exists",
        operation="GetFunction",
        args=FN_ARGS,
        pending=NOT_FOUND,
        success=function(FunctionName="waited-on"),
        failures=(),
        params=FN_PARAMS,
        query=FN_QUERY,
        state="configuration.function_name",
        expected="waited-on",
        output=models.GetFunctionResponse,
    ),
    _state_case(
        "wait_until_function_updated",
        "GetFunctionConfiguration",
        FN_ARGS,
        configuration,
        "LastUpdateStatus",
        "InProgress",
        "Successful",
        ("Failed",),
        FN_PARAMS,
        FN_QUERY,
        "last_update_status",
        models.FunctionConfiguration,
    ),
    _state_case(
        "wait_until_function_updated_v2",
        "GetFunction",
        FN_ARGS,
        function,
        "LastUpdateStatus",
        "InProgress",
        "Successful",
        ("Failed",),
        FN_PARAMS,
        FN_QUERY,
        "configuration.last_update_status",
        models.GetFunctionResponse,
    ),
    _state_case(
        "wait_until_provisioned_concurrency_ready",
        "GetProvisionedConcurrencyConfig",
        FN_ARGS,
        configuration,
        "Status",
        "IN_PROGRESS",
        "READY",
        ("FAILED",),
        FN_PARAMS,
        FN_QUERY,
        "status",
        models.GetProvisionedConcurrencyConfigResponse,
    ),
    _state_case(
        "wait_until_published_version_active",
        "GetFunctionConfiguration",
        {"function_name": FUNCTION, "qualifier": "7"},
        configuration,
        "State",
        "Pending",
        "Active",
        ("Failed",),
        FN_PARAMS,
        {"Qualifier": "7"},
        "state",
        models.FunctionConfiguration,
    ),
)

FAILURE_CASES = [
    pytest.param(case, reply, value, id=f"{case.method}-{value}")
    for case in CASES
    for reply, value in case.failures
]


@pytest.fixture(autouse=True)
async def deadline() -> AsyncIterator[None]:
    async with asyncio.timeout(DEADLINE):
        yield


@pytest.fixture
def timeline() -> Timeline:
    return Timeline()


@pytest.fixture
def fake() -> LambdaFake:
    return LambdaFake()


@pytest.fixture
async def client(fake: LambdaFake, timeline: Timeline) -> AsyncIterator[LambdaClient]:
    async with (
        fake.serve() as url,
        client_for(url, sleep=timeline.sleep, clock=timeline.clock) as client,
    ):
        yield client


def waiter(client: LambdaClient, case: Case) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(client, case.method)
    return method


def default(case: Case, name: str) -> Any:
    return inspect.signature(getattr(LambdaClient, case.method)).parameters[name].default


def assert_polls_carry_the_arguments(fake: LambdaFake, case: Case, count: int) -> None:
    calls = fake.calls(case.operation)
    assert len(calls) == count
    for call in calls:
        assert call.method == "GET"
        assert call.params == case.params
        assert {k: call.query[k] for k in call.query} == case.query


def test_every_generated_waiter_has_a_case() -> None:
    from lambda_client._generated import waiters

    generated = {name for name in dir(LambdaClient) if name.startswith("wait_until_")}
    tables = {name for name in vars(waiters) if name.isupper()}
    assert generated == {"wait_until_" + name.lower() for name in tables}
    assert generated == {case.method for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_success_after_the_state_changes(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending, case.pending, case.success)

    result = await waiter(client, case)(**case.args, delay=3.5)

    if case.state is None:
        assert result is None
    else:
        assert case.output is not None
        assert isinstance(result, case.output)
        assert operator.attrgetter(case.state)(result) == case.expected
    assert timeline.sleeps == [3.5, 3.5]
    assert_polls_carry_the_arguments(fake, case, 3)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_default_delay_is_the_documented_one(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending, case.success)

    await waiter(client, case)(**case.args)

    delay = default(case, "delay")
    assert isinstance(delay, int | float)
    assert delay > 0
    assert timeline.sleeps == [delay]


@pytest.mark.parametrize(("case", "reply", "value"), FAILURE_CASES)
async def test_failure_state_raises_with_the_response_and_acceptor(
    client: LambdaClient,
    fake: LambdaFake,
    timeline: Timeline,
    case: Case,
    reply: Reply,
    value: str,
) -> None:
    fake.script(case.operation, case.pending, case.pending, reply, case.success)

    with pytest.raises(WaiterFailureError) as caught:
        await waiter(client, case)(**case.args, delay=2)

    err = caught.value
    assert err.attempts == 3
    assert err.last_error is None
    state = case.failure_state or case.state
    assert state is not None
    assert isinstance(err.last_response, case.output or models.GetDurableExecutionResponse)
    assert operator.attrgetter(state)(err.last_response) == value
    assert err.acceptor is not None
    assert (err.acceptor.state, err.acceptor.expected) == ("failure", value)
    assert value in str(err)
    assert timeline.sleeps == [2, 2]
    assert_polls_carry_the_arguments(fake, case, 3)


def test_every_waiter_with_a_failure_acceptor_has_a_failure_case() -> None:
    from lambda_client._generated import waiters

    with_failure = {
        name
        for name, acceptors in vars(waiters).items()
        if name.isupper() and any(a.state == "failure" for a in acceptors)
    }
    covered = {case.method.removeprefix("wait_until_").upper() for case in CASES if case.failures}
    assert covered == with_failure


def assert_last_poll_was_pending(err: WaiterTimeoutError, case: Case) -> None:
    if case.pending is NOT_FOUND:
        assert err.last_response is None
        assert isinstance(err.last_error, errors.ResourceNotFoundException)
    else:
        assert err.last_error is None
        assert err.last_response is not None
        assert err.last_response.response_metadata.http_status_code == 200


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_max_attempts_runs_out(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending)

    with pytest.raises(WaiterTimeoutError) as caught:
        await waiter(client, case)(**case.args, delay=1.5, max_attempts=4)

    err = caught.value
    assert err.attempts == 4
    assert err.waiter in str(err)
    assert_last_poll_was_pending(err, case)
    # No sleep after the last poll: nothing would come of it.
    assert timeline.sleeps == [1.5, 1.5, 1.5]
    assert_polls_carry_the_arguments(fake, case, 4)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_timeout_budget_runs_out(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending)

    with pytest.raises(WaiterTimeoutError) as caught:
        await waiter(client, case)(**case.args, delay=2, timeout=6)

    err = caught.value
    # Polls at 0, 2, 4 and 6 s; the budget is spent after the fourth.
    assert err.attempts == 4
    assert "6" in str(err)
    assert default(case, "max_attempts") > 4
    assert_last_poll_was_pending(err, case)
    assert timeline.sleeps == [2, 2, 2]
    assert timeline.now - START == 6
    assert_polls_carry_the_arguments(fake, case, 4)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_last_pause_is_cut_to_the_budget(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending)

    with pytest.raises(WaiterTimeoutError) as caught:
        await waiter(client, case)(**case.args, delay=4, timeout=9)

    assert caught.value.attempts == 4
    assert timeline.sleeps == [4, 4, 1]
    assert timeline.now - START == 9


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_unexpected_error_stops_the_waiter(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.pending, BAD_PARAMETER, case.success)

    with pytest.raises(WaiterUnexpectedError) as caught:
        await waiter(client, case)(**case.args, delay=2)

    err = caught.value
    assert err.attempts == 2
    assert isinstance(err.last_error, errors.InvalidParameterValueException)
    assert err.last_error.status_code == 400
    assert err.__cause__ is err.last_error
    assert err.last_response is None
    assert err.acceptor is None
    assert "InvalidParameterValueException" in str(err)
    assert timeline.sleeps == [2]
    assert_polls_carry_the_arguments(fake, case, 2)


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_invalid_waiter_settings_fail_before_polling(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, case: Case
) -> None:
    fake.script(case.operation, case.success)

    with pytest.raises(errors.ParamValidationError) as caught:
        await waiter(client, case)(**case.args, delay=0, max_attempts=0, timeout=-1)

    assert {path for path, _ in caught.value.errors} == {"delay", "max_attempts", "timeout"}
    assert fake.calls(case.operation) == []
    assert timeline.sleeps == []


@pytest.mark.parametrize(
    ("method", "operation", "args"),
    [
        ("wait_until_function_deleted", "GetFunction", {"function_name": "gone"}),
        ("wait_until_event_source_mapping_deleted", "GetEventSourceMapping", {"uuid": MAPPING}),
        ("wait_until_durable_execution_deleted", "GetDurableExecution", EXECUTION_ARGS),
    ],
)
async def test_deleted_waiters_return_none_at_once_when_already_gone(
    client: LambdaClient,
    fake: LambdaFake,
    timeline: Timeline,
    method: str,
    operation: str,
    args: dict[str, str],
) -> None:
    fake.script(operation, NOT_FOUND)

    result = await getattr(client, method)(**args)

    assert result is None
    assert len(fake.calls(operation)) == 1
    assert timeline.sleeps == []


# -- durable executions: pausing is not finishing --------------------------------------


async def test_pause_is_awaited_through_running_and_pausing(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline
) -> None:
    # PauseDurableExecution answers while the execution still runs.
    fake.script(
        "GetDurableExecution",
        execution(Status="RUNNING"),
        execution(Status="PAUSING"),
        execution(
            Status="PAUSED",
            PauseDetails={"PauseRequestTimestamp": START, "ExecutionTimeoutPaused": True},
        ),
    )

    result = await client.wait_until_durable_execution_paused(durable_execution_arn=EXECUTION)

    assert result.status == models.ExecutionStatus.PAUSED
    assert result.pause_details is not None
    assert result.pause_details.execution_timeout_paused is True
    assert timeline.sleeps == [2, 2]


async def test_a_paused_execution_has_not_finished(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline
) -> None:
    fake.script(
        "GetDurableExecution",
        execution(Status="RUNNING"),
        execution(Status="PAUSING"),
        execution(Status="PAUSED"),
        execution(Status="RUNNING"),
        execution(Status="SUCCEEDED"),
    )

    result = await client.wait_until_durable_execution_finished(durable_execution_arn=EXECUTION)

    assert result.status == "SUCCEEDED"
    assert len(fake.calls("GetDurableExecution")) == 5


@pytest.mark.parametrize("status", ["RUNNING", "PAUSING", "PAUSED"])
async def test_a_finished_waiter_that_runs_out_says_where_it_was(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline, status: str
) -> None:
    fake.script("GetDurableExecution", execution(Status=status))

    with pytest.raises(WaiterTimeoutError) as caught:
        await client.wait_until_durable_execution_finished(
            durable_execution_arn=EXECUTION, max_attempts=3
        )

    assert caught.value.acceptor is not None
    assert (caught.value.acceptor.state, caught.value.acceptor.expected) == ("retry", status)


async def test_an_ended_execution_is_deleted_through_deleting(
    client: LambdaClient, fake: LambdaFake, timeline: Timeline
) -> None:
    # Just after DeleteDurableExecution the ended status may still show.
    fake.script(
        "GetDurableExecution",
        execution(Status="SUCCEEDED"),
        execution(Status="DELETING"),
        EXECUTION_NOT_FOUND,
    )

    assert (
        await client.wait_until_durable_execution_deleted(durable_execution_arn=EXECUTION) is None
    )
    assert timeline.sleeps == [5, 5]
