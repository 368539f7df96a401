"""Acceptors and wait() over plain async functions, on a fake clock."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pytest
from attrs import define
from multidict import CIMultiDict

from lambda_client._runtime.http import ResponseMetadata
from lambda_client.errors import (
    ConnectionClosedError,
    ParamValidationError,
    ResourceNotFoundException,
    ServiceError,
    ServiceException,
)
from lambda_client.waiter import (
    Acceptor,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
    attribute_path,
    wait,
)


@define
class Inner:
    state: str | None = None
    tags: list[str] | None = None


@define
class Response:
    state: str | None = None
    inner: Inner | None = None
    response_metadata: ResponseMetadata | None = None


def metadata(status: int) -> ResponseMetadata:
    return ResponseMetadata(
        request_id="r",
        http_status_code=status,
        http_headers=CIMultiDict(),
        attempts=1,
        total_retry_delay=0.0,
        invocation_id="i",
    )


def not_found() -> ResourceNotFoundException:
    return ResourceNotFoundException(
        code="ResourceNotFoundException", message="Function not found", status_code=404
    )


def server_error() -> ServiceException:
    return ServiceException(code="ServiceException", message="down", status_code=500)


STATE = attribute_path("state")
TAGS = attribute_path("inner", "tags")


# ------------------------------------------------------------------ attribute_path


def test_attribute_path_follows_nested_members() -> None:
    assert attribute_path("inner", "state")(Response(inner=Inner(state="Active"))) == "Active"


@pytest.mark.parametrize(
    "obj",
    [None, Response(), Response(inner=Inner()), object()],
    ids=["none", "no-inner", "no-state", "foreign"],
)
def test_attribute_path_is_none_when_a_step_is_missing(obj: Any) -> None:
    assert attribute_path("inner", "state")(obj) is None


# ------------------------------------------------------------------ matchers


@pytest.mark.parametrize(
    ("response", "expected", "matches"),
    [
        (Response(state="Active"), "Active", True),
        (Response(state="Pending"), "Active", False),
        (Response(), "Active", False),
        (Response(), None, True),
    ],
)
def test_path_matcher(response: Response, expected: Any, matches: bool) -> None:
    assert Acceptor("success", "path", expected, STATE).matches(response, None) is matches


def test_path_matcher_never_matches_an_error() -> None:
    assert not Acceptor("success", "path", None, STATE).matches(None, not_found())


@pytest.mark.parametrize(
    ("tags", "matches"),
    [(["a", "Failed", "b"], True), (["a", "b"], False), ([], False), (None, False)],
)
def test_path_any_matcher(tags: list[str] | None, matches: bool) -> None:
    acceptor = Acceptor("failure", "path_any", "Failed", TAGS)
    assert acceptor.matches(Response(inner=Inner(tags=tags)), None) is matches
    assert not acceptor.matches(None, not_found())


@pytest.mark.parametrize(
    ("tags", "matches"),
    [(["ok", "ok"], True), (["ok"], True), (["ok", "bad"], False), ([], False), (None, False)],
)
def test_path_all_matcher(tags: list[str] | None, matches: bool) -> None:
    acceptor = Acceptor("success", "path_all", "ok", TAGS)
    assert acceptor.matches(Response(inner=Inner(tags=tags)), None) is matches
    assert not acceptor.matches(None, not_found())


@pytest.mark.parametrize(
    ("expected", "on_success", "on_not_found", "on_server_error"),
    [
        ("ResourceNotFoundException", False, True, False),
        (False, True, False, False),
        (True, False, True, True),
    ],
)
def test_error_matcher(
    expected: Any, on_success: bool, on_not_found: bool, on_server_error: bool
) -> None:
    acceptor = Acceptor("success", "error", expected)
    assert acceptor.matches(Response(), None) is on_success
    assert acceptor.matches(None, not_found()) is on_not_found
    assert acceptor.matches(None, server_error()) is on_server_error


@pytest.mark.parametrize(
    ("response", "matches"),
    [
        (Response(response_metadata=metadata(200)), True),
        (Response(response_metadata=metadata(202)), False),
        (Response(), False),
        (None, False),
    ],
)
def test_status_matcher_on_a_response(response: Response | None, matches: bool) -> None:
    assert Acceptor("success", "status", 200).matches(response, None) is matches


def test_status_matcher_on_an_error_uses_its_status() -> None:
    # Error statuses arrive as exceptions; a waiter keyed on "404 means gone"
    # must still see them.
    gone = Acceptor("success", "status", 404)
    assert gone.matches(None, not_found())
    assert not gone.matches(None, server_error())
    assert not gone.matches(Response(response_metadata=metadata(200)), None)


# ------------------------------------------------------------------ wait()


class Timeline:
    """A clock that moves only when the waiter sleeps (or a Poller says a poll took time)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Poller:
    """Answers successive polls from a script (the last answer repeats)."""

    def __init__(
        self, answers: Iterable[Any], timeline: Timeline | None = None, cost: float = 0.0
    ) -> None:
        self.answers = list(answers)
        self.timeline = timeline
        self.cost = cost
        self.polls = 0
        self.times: list[float] = []

    async def __call__(self) -> Any:
        if self.timeline is not None:
            self.times.append(self.timeline.now)
            self.timeline.now += self.cost
        answer = self.answers[min(self.polls, len(self.answers) - 1)]
        self.polls += 1
        if isinstance(answer, BaseException):
            raise answer
        return answer


ACTIVE = (
    Acceptor("success", "path", "Active", STATE, "State is Active"),
    Acceptor("failure", "path", "Failed", STATE, "State is Failed"),
    Acceptor("retry", "path", "Pending", STATE, "State is Pending"),
)


async def run(
    poller: Poller,
    timeline: Timeline,
    acceptors: tuple[Acceptor, ...] = ACTIVE,
    **options: Any,
) -> Any:
    settings: dict[str, Any] = {"delay": 5, "max_attempts": 10, **options}
    return await wait(
        poller,
        name="FunctionActive",
        acceptors=acceptors,
        sleep=timeline.sleep,
        clock=timeline.clock,
        **settings,
    )


async def test_success_on_the_first_poll_does_not_sleep() -> None:
    timeline = Timeline()
    done = Response(state="Active")
    assert await run(Poller([done]), timeline) is done
    assert timeline.sleeps == []


async def test_retries_until_success_sleeping_delay_between_polls() -> None:
    timeline = Timeline()
    poller = Poller(
        [Response(state="Pending"), Response(state="Pending"), Response(state="Active")]
    )
    result = await run(poller, timeline, delay=2.5)
    assert result.state == "Active"
    assert poller.polls == 3
    assert timeline.sleeps == [2.5, 2.5]


async def test_a_response_no_acceptor_matches_is_polled_again() -> None:
    timeline = Timeline()
    poller = Poller([Response(state="Updating"), Response(), Response(state="Active")])
    await run(poller, timeline)
    assert poller.polls == 3


async def test_failure_acceptor_raises_with_response_and_acceptor() -> None:
    timeline = Timeline()
    failed = Response(state="Failed")
    with pytest.raises(WaiterFailureError) as caught:
        await run(Poller([Response(state="Pending"), failed]), timeline)
    err = caught.value
    assert isinstance(err, WaiterError)
    assert (err.waiter, err.attempts) == ("FunctionActive", 2)
    assert err.last_response is failed
    assert err.last_error is None
    assert err.acceptor is ACTIVE[1]
    assert "State is Failed" in str(err)
    assert timeline.sleeps == [5]


async def test_failure_acceptor_on_an_error_code_carries_the_error() -> None:
    timeline = Timeline()
    acceptors = (
        Acceptor("success", "path", "Active", STATE),
        Acceptor("failure", "error", "ResourceNotFoundException"),
    )
    gone = not_found()
    with pytest.raises(WaiterFailureError) as caught:
        await run(Poller([gone]), timeline, acceptors)
    assert caught.value.last_error is gone
    assert caught.value.last_response is None
    assert "Function not found" in str(caught.value)


async def test_error_acceptor_success_returns_none() -> None:
    timeline = Timeline()
    acceptors = (
        Acceptor("success", "error", "ResourceNotFoundException"),
        Acceptor("retry", "error", False),
    )
    poller = Poller([Response(state="Active"), not_found()])
    assert await run(poller, timeline, acceptors, delay=1) is None
    assert timeline.sleeps == [1]


async def test_error_acceptor_retry_then_success() -> None:
    timeline = Timeline()
    acceptors = (
        Acceptor("success", "error", False),
        Acceptor("retry", "error", "ResourceNotFoundException"),
    )
    found = Response(state="Active")
    assert await run(Poller([not_found(), not_found(), found]), timeline, acceptors) is found
    assert timeline.sleeps == [5, 5]


async def test_an_error_no_acceptor_expects_raises_unexpected() -> None:
    timeline = Timeline()
    boom = server_error()
    with pytest.raises(WaiterUnexpectedError) as caught:
        await run(Poller([Response(state="Pending"), boom]), timeline)
    err = caught.value
    assert err.last_error is boom
    assert err.__cause__ is boom
    assert err.attempts == 2
    assert err.acceptor is None
    assert "ServiceException: down" in str(err)


async def test_errors_outside_the_service_error_tree_pass_through() -> None:
    timeline = Timeline()
    cut = ConnectionClosedError("connection reset")
    with pytest.raises(ConnectionClosedError) as caught:
        await run(Poller([cut]), timeline)
    assert caught.value is cut


async def test_max_attempts_runs_out_without_a_final_sleep() -> None:
    timeline = Timeline()
    pending = Response(state="Pending")
    poller = Poller([pending])
    with pytest.raises(WaiterTimeoutError) as caught:
        await run(poller, timeline, delay=3, max_attempts=3)
    err = caught.value
    assert err.attempts == poller.polls == 3
    assert err.last_response is pending
    assert err.last_error is None
    assert "3 attempts" in str(err)
    assert timeline.sleeps == [3, 3]


async def test_max_attempts_of_one_polls_once() -> None:
    timeline = Timeline()
    poller = Poller([Response(state="Pending")])
    with pytest.raises(WaiterTimeoutError):
        await run(poller, timeline, max_attempts=1)
    assert poller.polls == 1
    assert timeline.sleeps == []


async def test_timeout_keeps_the_last_retryable_error() -> None:
    timeline = Timeline()
    acceptors = (
        Acceptor("success", "error", False),
        Acceptor("retry", "error", "ResourceNotFoundException"),
    )
    with pytest.raises(WaiterTimeoutError) as caught:
        await run(Poller([not_found()]), timeline, acceptors, max_attempts=2)
    assert isinstance(caught.value.last_error, ResourceNotFoundException)
    assert caught.value.last_response is None


async def test_a_status_acceptor_sees_an_error_status() -> None:
    timeline = Timeline()
    acceptors = (Acceptor("success", "status", 404), Acceptor("retry", "status", 200))
    poller = Poller([Response(response_metadata=metadata(200)), not_found()])
    assert await run(poller, timeline, acceptors) is None
    assert poller.polls == 2


# ------------------------------------------------------------------ deadline arithmetic


@pytest.mark.parametrize(
    ("delay", "budget", "sleeps", "polls"),
    [
        # Exact multiple: polls at 0, 2, 4, 6; the budget is spent at 6.
        (2, 6, [2, 2, 2], 4),
        # The last pause is cut to what is left, so the last poll lands on the deadline.
        (4, 9, [4, 4, 1], 4),
        # A budget shorter than one delay still gets a poll at its end.
        (10, 3, [3], 2),
    ],
)
async def test_timeout_is_a_budget_across_polls(
    delay: float, budget: float, sleeps: list[float], polls: int
) -> None:
    timeline = Timeline(start=500.0)
    poller = Poller([Response(state="Pending")], timeline)
    with pytest.raises(WaiterTimeoutError) as caught:
        await run(poller, timeline, delay=delay, timeout=budget, max_attempts=100)
    assert timeline.sleeps == sleeps
    assert caught.value.attempts == poller.polls == polls
    assert poller.times[-1] == 500.0 + budget
    assert f"{budget} s" in str(caught.value)


async def test_time_spent_polling_counts_against_the_budget() -> None:
    timeline = Timeline(start=0.0)
    # Each poll takes 1.5 s: polls start at 0, 3.5 and 6, then the budget is gone.
    poller = Poller([Response(state="Pending")], timeline, cost=1.5)
    with pytest.raises(WaiterTimeoutError):
        await run(poller, timeline, delay=2, timeout=6, max_attempts=100)
    assert poller.times == [0.0, 3.5, 6.0]
    assert timeline.sleeps == [2, 1.0]


async def test_max_attempts_can_run_out_before_the_timeout() -> None:
    timeline = Timeline()
    poller = Poller([Response(state="Pending")], timeline)
    with pytest.raises(WaiterTimeoutError) as caught:
        await run(poller, timeline, delay=1, timeout=60, max_attempts=3)
    assert caught.value.attempts == 3
    assert timeline.sleeps == [1, 1]


async def test_success_within_the_budget_returns() -> None:
    timeline = Timeline()
    poller = Poller([Response(state="Pending"), Response(state="Active")], timeline)
    result = await run(poller, timeline, delay=2, timeout=3)
    assert result.state == "Active"
    assert timeline.sleeps == [2]


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("options", "bad"),
    [
        ({"delay": 0}, {"delay"}),
        ({"delay": -1}, {"delay"}),
        ({"delay": math.nan}, {"delay"}),
        ({"delay": math.inf}, {"delay"}),
        ({"delay": "5"}, {"delay"}),
        ({"delay": True}, {"delay"}),
        ({"max_attempts": 0}, {"max_attempts"}),
        ({"max_attempts": 2.0}, {"max_attempts"}),
        ({"max_attempts": True}, {"max_attempts"}),
        ({"timeout": 0}, {"timeout"}),
        ({"timeout": -5}, {"timeout"}),
        ({"timeout": math.nan}, {"timeout"}),
        ({"timeout": "30"}, {"timeout"}),
        ({"delay": 0, "max_attempts": 0, "timeout": 0}, {"delay", "max_attempts", "timeout"}),
    ],
)
async def test_invalid_settings_fail_before_the_first_poll(
    options: dict[str, Any], bad: set[str]
) -> None:
    timeline = Timeline()
    poller = Poller([Response(state="Active")])
    with pytest.raises(ParamValidationError) as caught:
        await run(poller, timeline, **options)
    assert {path for path, _ in caught.value.errors} == bad
    assert caught.value.operation == "FunctionActive"
    assert poller.polls == 0


def test_waiter_errors_sit_under_the_library_root_not_service_errors() -> None:
    from lambda_client.errors import LambdaClientError

    for cls in (WaiterFailureError, WaiterTimeoutError, WaiterUnexpectedError):
        assert issubclass(cls, WaiterError)
        assert issubclass(cls, LambdaClientError)
        assert not issubclass(cls, ServiceError)


async def test_timeout_error_names_the_retry_acceptor_it_was_stuck_on() -> None:
    from lambda_client.waiter import Acceptor, WaiterTimeoutError, attribute_path, wait

    pending = Acceptor(
        state="retry", matcher="path", expected="Pending", path=attribute_path("state")
    )

    class Response:
        state = "Pending"

    async def poll() -> Response:
        return Response()

    async def no_sleep(_seconds: float) -> None:
        return None

    with pytest.raises(WaiterTimeoutError) as info:
        await wait(poll, name="W", acceptors=(pending,), delay=1, max_attempts=2, sleep=no_sleep)
    assert info.value.acceptor is pending
