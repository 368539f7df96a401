"""Waiters: poll an operation until an acceptor says success or failure.

Acceptors come from the model's waiters (and a table of waiters people write
by hand today), compiled by the generator into attribute getters: there is
no JMESPath at run time.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from attrs import frozen

from .exceptions import (
    ParamValidationError,
    ServiceError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)

State = Literal["success", "failure", "retry"]


@frozen
class Acceptor:
    """One rule: when ``matches``, the waiter moves to ``state``.

    ``matcher`` is ``path`` (a member of the response equals ``expected``),
    ``path_any`` (any item of a list member equals it), ``error`` (the call
    raised the error code ``expected``; ``expected=False`` means the call
    succeeded, ``True`` that it raised anything) or ``status`` (the HTTP
    status of the response, or of the error the call raised).
    """

    state: State
    matcher: str
    expected: Any
    path: Callable[[Any], Any] | None = None
    description: str = ""

    def matches(self, response: Any, error: ServiceError | None) -> bool:
        if self.matcher == "error":
            if self.expected is False:
                return error is None
            if self.expected is True:
                return error is not None
            return error is not None and error.code == self.expected
        if self.matcher == "status":
            # Non-2xx answers arrive as errors, so the status of a "404 means
            # gone" acceptor is the error's, not a response's.
            if error is not None:
                return bool(error.status_code == self.expected)
            metadata = getattr(response, "response_metadata", None)
            return metadata is not None and metadata.http_status_code == self.expected
        if error is not None:
            return False
        assert self.path is not None
        value = self.path(response)
        if self.matcher == "path_any":
            return value is not None and any(v == self.expected for v in value)
        if self.matcher == "path_all":
            return bool(value) and all(v == self.expected for v in value)
        return bool(value == self.expected)


def attribute_path(*names: str) -> Callable[[Any], Any]:
    """Getter for ``response.a.b``; ``None`` as soon as a step is missing."""

    def get(obj: Any) -> Any:
        for name in names:
            if obj is None:
                return None
            obj = getattr(obj, name, None)
        return obj

    return get


Sleep = Callable[[float], Awaitable[None]]


def _is_number(value: object) -> bool:
    # bool is an int subclass, but True as a delay or an attempt count is a bug.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _poll_failed(error: ServiceError) -> str:
    return f"{error.code}: {error.message}" if error.message else error.code


async def wait(
    poll: Callable[[], Awaitable[Any]],
    *,
    name: str,
    acceptors: tuple[Acceptor, ...],
    delay: float,
    max_attempts: int,
    timeout: float | None = None,  # noqa: ASYNC109 - a budget across polls, not one await
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Any:
    """Poll until success (returning the last response) or raise a WaiterError."""
    problems = []
    # An infinite delay would sleep forever; NaN fails every comparison.
    if not (_is_number(delay) and 0 < delay < math.inf):
        problems.append(("delay", f"must be a positive, finite number, got {delay!r}"))
    if not (_is_number(max_attempts) and isinstance(max_attempts, int) and max_attempts >= 1):
        problems.append(("max_attempts", f"must be an int of at least 1, got {max_attempts!r}"))
    if timeout is not None and not (_is_number(timeout) and timeout > 0):
        problems.append(("timeout", f"must be a positive number, got {timeout!r}"))
    if problems:
        raise ParamValidationError(name, problems)
    deadline = None if timeout is None else clock() + timeout
    response: Any = None
    error: ServiceError | None = None
    for attempt in range(1, max_attempts + 1):
        response, error = None, None
        try:
            response = await poll()
        except ServiceError as e:
            error = e
        matched = next((a for a in acceptors if a.matches(response, error)), None)
        if matched is not None and matched.state == "success":
            return response
        if matched is not None and matched.state == "failure":
            what = _poll_failed(error) if error else matched.description
            raise WaiterFailureError(
                f"{name} failed: {what}",
                waiter=name,
                attempts=attempt,
                last_response=response,
                last_error=error,
                acceptor=matched,
            )
        if matched is None and error is not None:
            raise WaiterUnexpectedError(
                f"{name} stopped on an unexpected error: {_poll_failed(error)}",
                waiter=name,
                attempts=attempt,
                last_error=error,
            ) from error
        if attempt == max_attempts:
            break
        pause = delay
        if deadline is not None:
            left = deadline - clock()
            if left <= 0:
                break
            pause = min(delay, left)
        await sleep(pause)
    limit = (
        f"{max_attempts} attempts"
        if deadline is None
        else f"{max_attempts} attempts or {timeout} s"
    )
    raise WaiterTimeoutError(
        f"{name} gave up after {attempt} poll(s) (limit {limit})",
        waiter=name,
        attempts=attempt,
        last_response=response,
        last_error=error,
        # The retry acceptor the last poll matched, if any: says where it was stuck.
        acceptor=matched,
    )
