"""LambdaStub: unit tests of code that uses the client, without a server.

Answers are queued as typed values, checked against the model when queued,
and written as the bytes Lambda would send. The stub's transport reads
each request back into its typed request object and answers with the next
queued response, so a stubbed call runs the client's whole pipeline:
validation, serialisation, signing, retries, parsing.
"""

from __future__ import annotations

import asyncio
import difflib
import functools
import itertools
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

import attrs
from multidict import CIMultiDict

from .._runtime import service_wire as wire
from .._runtime.exceptions import ServiceError, TransportError
from .._runtime.http import HttpRequest, HttpResponse
from .._runtime.service_model import OperationSpec
from .._runtime.validate import Problems, check_fields
from ..credentials import Credentials
from ._clock import VirtualClock

if TYPE_CHECKING:
    from ..blocking import BlockingLambdaClient
    from ..client import LambdaClient

__all__ = ["STUB_CREDENTIALS", "LambdaStub", "StubCall", "StubError", "StubTransport"]

#: What a stub client signs with; nothing checks them.
STUB_CREDENTIALS = Credentials(access_key_id="AKIDSTUB", secret_access_key="stub-secret")  # noqa: S106
STUB_REGION = "us-east-1"


class StubError(AssertionError):
    """The stub was misused or called unexpectedly.

    An ``AssertionError``, so it fails the test wherever it surfaces, and
    never a ``LambdaClientError``, so code under
    test that handles the client's errors does not handle this one.
    """


@attrs.frozen
class StubCall:
    """One request the stub received (one per attempt: a retried call
    appears once per attempt)."""

    operation: str | None
    """The client method it came through (``"get_function"``); None for a
    request that matches no Lambda operation."""
    request: Any
    """The typed request object, read back from what was sent
    (``models.GetFunctionRequest(function_name="f")``)."""
    http: HttpRequest
    """The HTTP request exactly as signed and sent."""


@attrs.frozen
class _Answer:
    #: The operation it is for; None answers whatever comes next.
    operation: str | None
    description: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    #: Event-stream frames, delivered one per read.
    frames: tuple[bytes, ...] | None = None


class _Frames:
    """A response body read incrementally (implements ResponseStream)."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = chunks
        self.closed = False

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            if self.closed:
                return
            yield chunk
            # Events reach the reader one at a time, as they would arrive.
            await asyncio.sleep(0)

    async def aclose(self) -> None:
        self.closed = True


class StubTransport:
    """A ``Transport`` that answers from a
    ``LambdaStub``'s queue. Closing it (the client's ``close()`` does)
    makes later requests through it fail as they would on a closed client."""

    def __init__(self, stub: LambdaStub) -> None:
        self._stub = stub
        self.closed = False

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        if self.closed:
            raise TransportError("client is closed")
        answer = self._stub._answer_for(request)
        headers: CIMultiDict[str] = CIMultiDict(answer.headers)
        headers.setdefault("x-amzn-RequestId", self._stub._next_request_id())
        headers.setdefault("Date", formatdate(self._stub.clock.time(), usegmt=True))
        if stream:
            chunks = answer.frames if answer.frames is not None else (answer.body,)
            return HttpResponse(status=answer.status, headers=headers, stream=_Frames(chunks))
        body = answer.body if answer.frames is None else b"".join(answer.frames)
        return HttpResponse(status=answer.status, headers=headers, body=body)

    async def close(self) -> None:
        self.closed = True


def _problems_text(problems: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"  {path}: {problem}" for path, problem in problems)


class LambdaStub:
    """Queued answers for a client under test, like botocore's ``Stubber``.

    ```python
    stub = LambdaStub()
    stub.add_error("get_function", errors.TooManyRequestsException(message="slow"))
    stub.add_response("get_function", models.GetFunctionResponse(...))
    async with stub.client() as client:
        await client.get_function(function_name="f")  # retried once, no real sleep
    stub.assert_all_consumed()
    ```

    Answers are used in the order they were queued, one per request (so one
    per attempt of a retried call). Each is checked against the model when
    queued; a call whose next answer is for another operation, or that
    finds nothing queued, raises ``StubError``. Clients from
    ``client`` and ``blocking_client`` wait on ``clock``, a
    ``VirtualClock``: retries, back-off and waiters take no real time,
    and ``slept`` lists the delays.
    """

    def __init__(self, *, start_time: float | None = None) -> None:
        self.clock: VirtualClock = VirtualClock(start_time)
        """The clock stub clients sleep on (epoch seconds; now, unless
        ``start_time`` is given)."""
        self.calls: list[StubCall] = []
        """Every request received, in order."""
        self._queue: deque[_Answer] = deque()
        self._used = 0
        self._unanswered: list[str] = []
        self._request_ids = itertools.count(1)
        self._blocking_clients: list[BlockingLambdaClient] = []
        # Blocking clients answer on their own loop threads.
        self._lock = threading.Lock()

    # -- queueing ------------------------------------------------------------------

    def add_response(self, operation: str, output: Any) -> None:
        """Queue a successful answer: ``output`` is the operation's output
        model (``models.GetFunctionResponse(...)``), or None for an operation
        that has none."""
        name, spec = _operation(operation)
        cls = wire.output_class(spec)
        if wire.event_classes(spec) is not None:
            raise StubError(f"{name} answers with an event stream: queue it with add_stream()")
        if cls is None:
            if output is not None:
                raise StubError(f"{name} has no output; queue None, not {type(output).__name__}")
        else:
            _check_output(name, cls, output)
        written = wire.write_output(spec, output)
        self._queue_answer(name, f"{name} -> {type(output).__name__}", written)

    def add_error(self, operation: str, error: ServiceError) -> None:
        """Queue an error answer: an instance of an ``errors`` class with
        its members, e.g. ``errors.TooManyRequestsException(message="slow",
        retry_after_seconds="1")``. It travels as Lambda sends it (the code
        in ``x-amzn-ErrorType``, ``Retry-After`` as a header, the rest as a
        JSON body) and reaches the caller as the same class."""
        name, _spec = _operation(operation)
        if not isinstance(error, ServiceError):
            raise StubError(
                "add_error() takes an instance of an errors class "
                f"(errors.ResourceNotFoundException(...)), got {type(error).__name__}"
            )
        if not isinstance(error.status_code, int) or not 400 <= error.status_code <= 599:
            raise StubError(
                f"{type(error).__name__}.status_code must be an HTTP error status (400-599), "
                f"got {error.status_code!r}"
            )
        problems = wire.error_problems(error)
        if problems:
            raise StubError(f"{type(error).__name__} cannot be sent:\n{_problems_text(problems)}")
        written = wire.write_error(error)
        headers = {**dict(error.headers), **written.headers}
        if error.request_id is not None:
            headers["x-amzn-RequestId"] = error.request_id
        self._queue_answer(
            name,
            f"{name} -> {type(error).__name__} ({error.code})",
            attrs.evolve(written, headers=headers),
        )

    def add_http(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        *,
        operation: str | None = None,
    ) -> None:
        """Queue a raw answer, for what the model cannot express (a proxy's
        HTML error page, a malformed body). It answers whichever request
        comes next, or only ``operation`` when given."""
        if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
            raise StubError(f"status must be an HTTP status code (100-599), got {status!r}")
        given = dict(headers or {})
        bad = [k for k, v in given.items() if not (isinstance(k, str) and isinstance(v, str))]
        if bad:
            raise StubError(f"header names and values must be str; check {bad!r}")
        if isinstance(body, str):
            body = body.encode("utf-8")
        if not isinstance(body, bytes):
            raise StubError(f"body must be bytes or str, got {type(body).__name__}")
        name = None if operation is None else _operation(operation)[0]
        description = f"{name or 'any operation'} -> HTTP {status}"
        self._queue_answer(name, description, wire.WireResponse(status, given, body))

    def add_stream(self, operation: str, events: Iterable[Any] = (), output: Any = None) -> None:
        """Queue an event-stream answer (``invoke_with_response_stream``):
        ``events`` are the stream's event models
        (``models.InvokeResponseStreamUpdate(payload=b"...")``,
        ``models.InvokeWithResponseStreamCompleteEvent()``), or errors from
        ``errors`` to end the stream with an exception frame; ``output``
        holds the response's other members (``executed_version``; its
        ``event_stream`` is not used)."""
        name, spec = _operation(operation)
        classes = wire.event_classes(spec)
        cls = wire.output_class(spec)
        if classes is None or cls is None:
            raise StubError(f"{name} does not answer with an event stream; use add_response()")
        if output is None:
            output = cls()
        _check_output(name, cls, output)
        frames = []
        allowed = " or ".join(sorted(c.__name__ for c in classes.values()))
        for index, event in enumerate(events):
            where = f"events[{index}]"
            problems = Problems()
            if isinstance(event, ServiceError):
                problems.extend(wire.error_problems(event))
            elif type(event) in classes.values():
                check_fields(event, f"{where}.", problems)
            else:
                raise StubError(
                    f"{name} {where}: expected {allowed} or an errors exception, "
                    f"got {type(event).__name__}"
                )
            if problems:
                raise StubError(f"{name} {where} is invalid:\n{_problems_text(problems)}")
            frames.append(wire.write_event(event, classes))
        written = wire.write_output(spec, output)
        self._queue_answer(
            name, f"{name} -> event stream of {len(frames)} event(s)", written, tuple(frames)
        )

    def _queue_answer(
        self,
        operation: str | None,
        description: str,
        written: wire.WireResponse,
        frames: tuple[bytes, ...] | None = None,
    ) -> None:
        answer = _Answer(
            operation=operation,
            description=description,
            status=written.status,
            headers=tuple(written.headers.items()),
            body=written.body,
            frames=frames,
        )
        with self._lock:
            self._queue.append(answer)

    # -- clients -------------------------------------------------------------------

    @property
    def transport(self) -> StubTransport:
        """A transport answering from this stub, for
        ``LambdaClient(..., transport=stub.transport)``. Each access gives a
        new one (a client closes its transport); all share this stub's queue.
        A client built this way keeps real time: ``client`` adds the
        virtual clock."""
        return StubTransport(self)

    @property
    def slept(self) -> list[float]:
        """Every delay a stub client waited (retries, back-off, waiters), in seconds."""
        return self.clock.slept

    def client(self, **kwargs: Any) -> LambdaClient:
        """A ``LambdaClient`` answered by this stub, on
        the virtual clock. Keyword arguments go to the client (``config=``,
        ``region=``, ...); region and credentials default to stand-ins, so
        nothing is read from the environment or the AWS config files."""
        from ..client import LambdaClient

        return LambdaClient(**self._client_arguments(kwargs))

    def blocking_client(self, **kwargs: Any) -> BlockingLambdaClient:
        """A ``BlockingLambdaClient`` answered by this
        stub, on the virtual clock. Close it (``with``), or let the
        ``lambda_stub`` fixture close it after the test."""
        from ..blocking import BlockingLambdaClient

        client = BlockingLambdaClient(**self._client_arguments(kwargs))
        with self._lock:
            self._blocking_clients.append(client)
        return client

    def _client_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if "transport" in kwargs:
            raise TypeError("a stub client always uses the stub's transport")
        out = {"region": STUB_REGION, "credentials": STUB_CREDENTIALS, **kwargs}
        out.update(transport=self.transport, clock=self.clock.time, sleep=self.clock.sleep)
        return out

    def close(self) -> None:
        """Close the blocking clients this stub made (their loop threads)."""
        with self._lock:
            clients, self._blocking_clients = self._blocking_clients, []
        for client in clients:
            client.close()

    # -- checks --------------------------------------------------------------------

    def assert_all_consumed(self) -> None:
        """Raise ``StubError`` if a queued answer was never used, or if
        a call found no answer (in case the code under test swallowed that
        error)."""
        with self._lock:
            left = [answer.description for answer in self._queue]
            unanswered = list(self._unanswered)
        problems = []
        if left:
            problems.append(f"{len(left)} queued answer(s) never used: " + "; ".join(left))
        problems += unanswered
        if problems:
            raise StubError("\n".join(problems))

    @property
    def unanswered(self) -> list[str]:
        """Why each call that found no matching answer failed (normally
        raised in the test already; kept in case the code under test
        swallowed it)."""
        with self._lock:
            return list(self._unanswered)

    # -- answering -----------------------------------------------------------------

    def _next_request_id(self) -> str:
        return f"00000000-0000-4000-8000-{next(self._request_ids):012d}"

    def _answer_for(self, request: HttpRequest) -> _Answer:
        matched = _routes().match(request)
        name = typed = None
        problem = None
        if matched is not None:
            name, spec = matched
            try:
                typed = wire.read_request(spec, request)
            except (wire.RequestReadError, TypeError) as e:
                problem = f"{name} sent a request the stub cannot read: {e}"
        what = name or f"{request.method} {request.path} (no Lambda operation)"
        copy = attrs.evolve(request, headers=dict(request.headers))
        with self._lock:
            self.calls.append(StubCall(operation=name, request=typed, http=copy))
            if problem is None:
                if not self._queue:
                    used = f" (all {self._used} queued answers were used)" if self._used else ""
                    problem = f"{what} was called, but nothing is queued{used}"
                elif self._queue[0].operation not in (None, name):
                    problem = (
                        f"{what} was called, but the next queued answer is for "
                        f"{self._queue[0].operation}: {self._queue[0].description}"
                    )
            if problem is not None:
                self._unanswered.append(problem)
                raise StubError(problem)
            self._used += 1
            return self._queue.popleft()

    def __repr__(self) -> str:
        return f"<LambdaStub: {len(self._queue)} queued, {len(self.calls)} call(s)>"


@functools.cache
def operations_by_method_name() -> Mapping[str, OperationSpec[Any, Any]]:
    """Every operation under its client method name (``get_function``).

    The generated descriptors are module constants named after the method
    (``GET_FUNCTION``), which is where the name is read from.
    """
    from .._generated import operations

    return {
        name.lower(): spec
        for name, spec in vars(operations).items()
        if isinstance(spec, OperationSpec) and name.isupper()
    }


@functools.cache
def _routes() -> wire.Routes:
    return wire.Routes(operations_by_method_name())


def _operation(operation: str) -> tuple[str, Any]:
    """(method name, descriptor) for ``"get_function"`` or ``"GetFunction"``."""
    table = operations_by_method_name()
    spec = table.get(operation)
    if spec is not None:
        return operation, spec
    for name, candidate in table.items():
        if candidate.name == operation:
            return name, candidate
    close = difflib.get_close_matches(str(operation), list(table), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise StubError(f"{operation!r} is not a Lambda operation{hint}")


def _check_output(name: str, cls: type, output: Any) -> None:
    if type(output) is not cls:
        raise StubError(f"{name} returns {cls.__name__}, not {type(output).__name__}")
    # Not strict about enums: a newer service may answer with values the model lacks.
    problems = Problems()
    check_fields(output, f"{cls.__name__}.", problems)
    status = next(
        (f.name for f in attrs.fields(cls) if f.metadata.get("loc") == "statusCode"), None
    )
    code = getattr(output, status) if status is not None else None
    if isinstance(code, int) and not 200 <= code <= 299:
        problems.append((f"{cls.__name__}.{status}", f"a success status is 2xx, not {code}"))
    if problems:
        raise StubError(f"{name}: {cls.__name__} is invalid:\n{_problems_text(problems)}")
