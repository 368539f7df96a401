"""Whatever a server answers, a call returns its modelled output or raises the
library's own exception: never a foreign one.

Every operation of the model is called through the real pipeline (request
building, validation, signing, retry classification, clock-skew reading,
redaction, response binding), over a transport that answers with bytes
hypothesis chooses: any status, the operation's own headers with tricky
values, error codes, Retry-After and Date values, and bodies that are
noise, arbitrary JSON, nested thousands deep, or shaped like the output
with wrong types mixed in. ``InvokeWithResponseStream`` is also fed event
streams: frames with any headers and payloads, corrupted, truncated and
split anywhere.

The example counts are bounded so ``make test`` stays quick; ``make fuzz``
runs the same tests with ``FUZZ_SCALE`` raising every count.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from multidict import CIMultiDict

from lambda_client import ClientConfig, Credentials, LambdaClient
from lambda_client._generated.errors import ERRORS_BY_CODE
from lambda_client._generated.operations import OPERATIONS
from lambda_client._runtime import validate as _v
from lambda_client._runtime.exceptions import LambdaClientError
from lambda_client._runtime.frame_encoder import encode_message
from lambda_client._runtime.http import HttpRequest, HttpResponse
from lambda_client._runtime.response_binding import _payload_class, response_plan
from lambda_client._runtime.retry import RetryQuota
from lambda_client._runtime.service_model import OperationSpec
from lambda_client.models import InvokeResponseStreamUpdate, InvokeWithResponseStreamCompleteEvent
from tests.fuzz.strategies import DATES, JUNK, TEXT, bodies, dumps, fuzz_settings, headers

#: Examples per operation in ``make test``: 91 operations, 2,275 examples.
EXAMPLES_PER_OPERATION = 25
STREAM_EXAMPLES = 400

# --------------------------------------------------------------------------- requests


def _minimal(check: Any) -> Any:
    if isinstance(check, (_v.Str, _v.EnumStr)):
        return "a" * max(check.min or 1, 1)
    if isinstance(check, _v.Int):
        return check.min if check.min is not None else 1
    if isinstance(check, _v.Float):
        return check.min if check.min is not None else 1.0
    if isinstance(check, _v.Bool):
        return True
    if isinstance(check, _v.Timestamp):
        return datetime(2024, 1, 1, tzinfo=UTC)
    if isinstance(check, _v.Blob):
        return b"x" * max(check.min or 1, 1)
    if isinstance(check, _v.ListOf):
        return [_minimal(check.item) for _ in range(check.min or 0)]
    if isinstance(check, _v.MapOf):
        return {}
    if isinstance(check, _v.Struct):
        return minimal_request(check.cls)
    return None


def minimal_request(cls: type) -> Any:
    """An instance of ``cls`` with only its required members, each valid."""
    required = {
        f.name: _minimal(f.metadata.get("check"))
        for f in attrs.fields(cls)
        if f.default is attrs.NOTHING
    }
    return cls(**required)


# --------------------------------------------------------------------------- answers

_CODES = sorted(ERRORS_BY_CODE)
_SKEW = st.sampled_from(["RequestTimeTooSkewed", "RequestExpired", "InvalidSignatureException"])
_THROTTLE = st.sampled_from(
    ["ThrottlingException", "TooManyRequestsException", "ResourceConflictException", "Unknown"]
)
_DELAYS = st.sampled_from(["0", "1", "0.5", "-3", "1e400", "nan", "inf", "99999999999"]) | TEXT
ERROR_TYPES = (
    st.sampled_from(_CODES)
    | st.sampled_from(_CODES).map(lambda c: f"{c}:http://internal.amazon.com/coral/")
    | st.sampled_from(_CODES).map(lambda c: f"com.amazonaws.lambda#{c}")
    | TEXT
)
ERROR_BODIES = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        (
            "message",
            "Message",
            "errorMessage",
            "Type",
            "Reason",
            "__type",
            "code",
            "retryAfterSeconds",
        ),
        TEXT | JUNK,
    ),
).map(dumps)
STATUSES = (
    st.sampled_from([200, 201, 202, 204, 400, 403, 404, 409, 413, 429, 500, 502, 503, 504])
    | st.integers(200, 299)
    | st.integers(300, 599)
)
_ERROR_HEADERS = ["x-amz-retry-after", "Content-Type"]


def output_class(op: OperationSpec[Any, Any]) -> type | None:
    """The class a 2xx body is read into (a structure payload's own class)."""
    if op.output_type is None:
        return None
    plan = response_plan(op.output_type)
    if plan.payload is not None:
        attr, raw = plan.payload
        return None if raw else _payload_class(plan.cls, attr)
    return plan.cls


def answers(op: OperationSpec[Any, Any]) -> st.SearchStrategy[HttpResponse]:
    names = list(_ERROR_HEADERS)
    if op.output_type is not None:
        names += [name for _attr, name, _parse in response_plan(op.output_type).headers]

    @st.composite
    def build(draw: st.DrawFn) -> HttpResponse:
        status = draw(STATUSES)
        chosen = draw(headers(names))
        if status >= 300 and draw(st.booleans()):
            # What the retry policy reads from a failed answer, together:
            # drawn apart, a skew code would rarely meet an absurd Date.
            kind = draw(st.sampled_from(["skew", "throttle", "any"]))
            if kind == "skew":
                chosen["x-amzn-ErrorType"] = draw(_SKEW)
                chosen["Date"] = draw(DATES)
            elif kind == "throttle":
                chosen["x-amzn-ErrorType"] = draw(_THROTTLE)
                chosen[draw(st.sampled_from(["Retry-After", "x-amz-retry-after"]))] = draw(_DELAYS)
            else:
                chosen["x-amzn-ErrorType"] = draw(ERROR_TYPES)
        body = draw(bodies(output_class(op)) | ERROR_BODIES)
        return HttpResponse(status=status, headers=CIMultiDict(chosen), body=body)

    return build()


# --------------------------------------------------------------------------- harness


class Scripted:
    """A transport answering each request with the next scripted response."""

    def __init__(self) -> None:
        self.script: list[HttpResponse] = []

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        if not self.script:
            return HttpResponse(status=500, headers=CIMultiDict(), body=b"")
        return self.script.pop(0)

    async def close(self) -> None:
        return None


async def _no_wait(_seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    # Generators dropped mid-stream are closed by tasks the loop scheduled
    # when they were collected: let those run before closing.
    loop.run_until_complete(asyncio.sleep(0))
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def make_client(transport: Scripted) -> LambdaClient:
    return LambdaClient(
        region="us-east-1",
        credentials=Credentials(access_key_id="AKID", secret_access_key="secret"),
        # Two attempts: the retry policy reads every failed answer too.
        config=ClientConfig(max_attempts=2),
        transport=transport,
        sleep=_no_wait,
    )


def rendered(error: BaseException) -> None:
    """Rendering the error must not fail either."""
    str(error)
    repr(error)
    "".join(traceback.format_exception(error))


def check_outcome(op: OperationSpec[Any, Any], outcome: Any) -> None:
    if isinstance(outcome, BaseException):
        # Only the library's exceptions; anything else fails the test as raised.
        if not isinstance(outcome, LambdaClientError):
            raise outcome
        rendered(outcome)
        return
    if op.output_type is None:
        assert outcome is None
    else:
        assert isinstance(outcome, op.output_type)
        repr(outcome)


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@fuzz_settings(EXAMPLES_PER_OPERATION)
@given(data=st.data())
def test_any_answer_to_any_operation(
    loop: asyncio.AbstractEventLoop, name: str, data: st.DataObject
) -> None:
    op = OPERATIONS[name]
    request = minimal_request(op.input_type)
    transport = Scripted()
    client = make_client(transport)
    client._pipeline.quota = RetryQuota()
    strategy = answers(op)
    transport.script = [data.draw(strategy), data.draw(strategy)]

    async def call() -> Any:
        try:
            outcome = await client._pipeline.call(op, request)
        except Exception as e:
            return e
        stream = getattr(outcome, "event_stream", None)
        if stream is not None:
            await stream.aclose()
        return outcome

    check_outcome(op, loop.run_until_complete(call()))


# --------------------------------------------------------------------------- event streams

# Header text a frame can carry (UTF-8: no lone surrogates).
_FRAME_TEXT = TEXT.map(lambda t: t.encode("utf-8", "replace").decode())
_EVENT_HEADERS = st.fixed_dictionaries(
    {":message-type": st.sampled_from(["event", "exception", "error"]) | _FRAME_TEXT},
    optional={
        ":event-type": st.sampled_from(["PayloadChunk", "InvokeComplete"]) | _FRAME_TEXT,
        ":exception-type": st.sampled_from(_CODES) | _FRAME_TEXT,
        ":content-type": st.just("application/json") | _FRAME_TEXT,
        ":error-code": _FRAME_TEXT,
        ":error-message": _FRAME_TEXT,
    },
)
_FRAME = st.builds(
    encode_message,
    _EVENT_HEADERS,
    bodies(InvokeWithResponseStreamCompleteEvent) | ERROR_BODIES | st.binary(max_size=64),
)


@st.composite
def streams(draw: st.DrawFn) -> list[bytes]:
    """Frames, perhaps damaged, split into chunks at arbitrary points."""
    raw = bytearray(b"".join(draw(st.lists(_FRAME, max_size=4))))
    damage = draw(st.sampled_from(["none", "flip", "cut", "noise"]))
    if raw and damage == "flip":
        at = draw(st.integers(0, len(raw) - 1))
        raw[at] ^= draw(st.integers(1, 255))
    elif raw and damage == "cut":
        del raw[draw(st.integers(0, len(raw) - 1)) :]
    elif damage == "noise":
        at = draw(st.integers(0, len(raw)))
        raw[at:at] = draw(st.binary(min_size=1, max_size=32))
    cuts = sorted(draw(st.lists(st.integers(0, len(raw)), max_size=5)))
    chunks, start = [], 0
    for cut in [*cuts, len(raw)]:
        chunks.append(bytes(raw[start:cut]))
        start = cut
    return [c for c in chunks if c]


class ChunkStream:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


@fuzz_settings(STREAM_EXAMPLES)
@given(chunks=streams(), status=st.sampled_from([200, 200, 200, 400, 500]))
def test_any_event_stream(
    loop: asyncio.AbstractEventLoop, chunks: list[bytes], status: int
) -> None:
    op = OPERATIONS["InvokeWithResponseStream"]
    body = ChunkStream(chunks)
    transport = Scripted()
    transport.script = [
        HttpResponse(
            status=status,
            headers=CIMultiDict({"Content-Type": "application/vnd.amazon.eventstream"}),
            stream=body,
        )
    ]
    client = make_client(transport)
    request = minimal_request(op.input_type)
    events = (
        InvokeResponseStreamUpdate,
        InvokeWithResponseStreamCompleteEvent,
    )

    async def consume() -> Any:
        try:
            out = await client._pipeline.call(op, request)
            async with out.event_stream as stream:
                async for event in stream:
                    assert isinstance(event, events)
                    repr(event)
        except Exception as e:
            return e
        return None

    outcome = loop.run_until_complete(consume())
    if outcome is not None:
        if not isinstance(outcome, LambdaClientError):
            raise outcome
        rendered(outcome)
    # However it ended, the connection was given back.
    assert body.closed
