"""InvokeWithResponseStream through the real client and transport, against
the fake service on 127.0.0.1.

Every test runs under a deadline and every held stream on the server is
released by the test or times out on its own, so a regression fails
instead of hanging.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from lambda_client import LambdaClient, errors
from lambda_client.models import (
    InvokeResponseStreamUpdate,
    InvokeWithResponseStreamCompleteEvent,
    InvokeWithResponseStreamResponse,
)
from tests.functional.lambda_fake import (
    CUT,
    Frames,
    LambdaFake,
    client_for,
    corrupt,
    error,
    error_frame,
    event_frame,
    exception_frame,
    invoke_complete,
    ok,
    payload_chunk,
)

# A stream left for the garbage collector warns; here that is a failure:
# every path below must give its connection back on its own.
pytestmark = pytest.mark.filterwarnings("error::ResourceWarning")

DEADLINE = 10.0
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:streamer"


@pytest.fixture(autouse=True)
async def deadline() -> AsyncIterator[None]:
    async with asyncio.timeout(DEADLINE):
        yield


@pytest.fixture
def fake() -> LambdaFake:
    return LambdaFake()


async def invoke(client: LambdaClient) -> InvokeWithResponseStreamResponse:
    return await client.invoke_with_response_stream(function_name=FUNCTION, payload={"n": 1})


async def drain(resp: InvokeWithResponseStreamResponse) -> list[Any]:
    assert resp.event_stream is not None
    return [event async for event in resp.event_stream]


async def test_response_returns_on_headers_and_yields_typed_events(fake: LambdaFake) -> None:
    go = asyncio.Event()
    log = base64.b64encode(b"START RequestId: 1\nEND").decode()
    fake.script(
        "InvokeWithResponseStream",
        Frames(
            [
                go,
                payload_chunk(b'{"par'),
                payload_chunk(b"\x00\xfft"),
                invoke_complete(LogResult=log),
            ]
        ),
    )
    async with fake.serve() as url, client_for(url) as client:
        # Nothing has been written after the headers: the call must not wait for frames.
        resp = await asyncio.wait_for(invoke(client), 2.0)
        assert fake.steps_written == 0
        assert isinstance(resp, InvokeWithResponseStreamResponse)
        assert resp.status_code == 200
        assert resp.executed_version == "$LATEST"
        assert resp.response_stream_content_type == "application/vnd.amazon.eventstream"
        go.set()
        events = await drain(resp)

    assert [type(e) for e in events] == [
        InvokeResponseStreamUpdate,
        InvokeResponseStreamUpdate,
        InvokeWithResponseStreamCompleteEvent,
    ]
    # Payload chunks are raw bytes, even when they split a JSON document or are not text.
    assert [e.payload for e in events[:2]] == [b'{"par', b"\x00\xfft"]
    assert events[2].log_text == "START RequestId: 1\nEND"
    assert events[2].error_code is None
    (call,) = fake.calls("InvokeWithResponseStream")
    assert call.params == {"FunctionName": FUNCTION}
    assert call.body == b'{"n":1}'


async def test_first_event_arrives_while_the_server_holds_the_rest(fake: LambdaFake) -> None:
    release = asyncio.Event()
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"first"), release, payload_chunk(b"second"), invoke_complete()]),
    )
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        assert resp.event_stream is not None
        events = aiter(resp.event_stream)
        first = await asyncio.wait_for(anext(events), 2.0)
        assert isinstance(first, InvokeResponseStreamUpdate)
        assert first.payload == b"first"
        # The server is still parked before the second frame.
        assert fake.finished_streams == 0
        assert fake.steps_written == 1
        release.set()
        rest = [event async for event in events]
        assert fake.finished_streams == 1

    assert [type(e) for e in rest] == [
        InvokeResponseStreamUpdate,
        InvokeWithResponseStreamCompleteEvent,
    ]
    second = rest[0]
    assert isinstance(second, InvokeResponseStreamUpdate)
    assert second.payload == b"second"


async def test_function_error_is_reported_in_the_complete_event(fake: LambdaFake) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames([invoke_complete(ErrorCode="Unhandled", ErrorDetails="boom")]),
    )
    async with fake.serve() as url, client_for(url) as client:
        (done,) = await drain(await invoke(client))
    assert isinstance(done, InvokeWithResponseStreamCompleteEvent)
    assert (done.error_code, done.error_details) == ("Unhandled", "boom")


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        ("ServiceException", errors.ServiceException),
        ("TooManyRequestsException", errors.TooManyRequestsException),
        ("SomethingNewException", errors.UnknownServiceError),
    ],
)
async def test_exception_frame_raises_the_typed_error_mid_stream(
    fake: LambdaFake, code: str, error_class: type[errors.ServiceError]
) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames(
            [payload_chunk(b"partial"), exception_frame(code, "it broke"), payload_chunk(b"never")]
        ),
    )
    fake.script("GetFunction", ok({"Configuration": {"FunctionName": "after"}}))
    received: list[Any] = []
    async with (
        fake.serve() as url,
        client_for(url, max_pool_connections=1, pool_timeout=2.0) as client,
    ):
        resp = await invoke(client)
        assert resp.event_stream is not None
        with pytest.raises(error_class) as caught:
            async for event in resp.event_stream:
                received.append(event)
        # The failed stream gave its only connection back.
        fn = await client.get_function(function_name="after")

    assert [e.payload for e in received] == [b"partial"]
    err = caught.value
    assert err.code == code
    assert err.message == "it broke"
    assert err.operation == "InvokeWithResponseStream"
    assert fn.configuration is not None
    assert fn.configuration.function_name == "after"


async def test_stream_level_error_message_raises_event_stream_error(fake: LambdaFake) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"a"), error_frame("InternalFailure", "stream went away")]),
    )
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        with pytest.raises(errors.EventStreamError) as caught:
            await drain(resp)
    assert not isinstance(caught.value, errors.ServiceError)
    assert "InternalFailure" in str(caught.value)
    assert "stream went away" in str(caught.value)


def _break_prelude_crc(frame: bytes) -> bytes:
    return frame[:8] + bytes([frame[8] ^ 0xFF]) + frame[9:]


@pytest.mark.parametrize(
    ("damage", "part"), [(corrupt, "message"), (_break_prelude_crc, "prelude")]
)
async def test_corrupt_crc_raises_checksum_mismatch(
    fake: LambdaFake, damage: Any, part: str
) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"good"), damage(payload_chunk(b"bad")), invoke_complete()]),
    )
    received: list[Any] = []
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        assert resp.event_stream is not None
        with pytest.raises(errors.ChecksumMismatchError) as caught:
            async for event in resp.event_stream:
                received.append(event)
    assert isinstance(caught.value, errors.EventStreamError)
    assert caught.value.part == part
    assert [e.payload for e in received] == [b"good"]


async def test_body_ending_inside_a_frame_raises_truncated(fake: LambdaFake) -> None:
    frame = payload_chunk(b"will not arrive whole")
    fake.script("InvokeWithResponseStream", Frames([payload_chunk(b"whole"), frame[:20]]))
    received: list[Any] = []
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        assert resp.event_stream is not None
        with pytest.raises(errors.TruncatedStreamError):
            async for event in resp.event_stream:
                received.append(event)
    assert [e.payload for e in received] == [b"whole"]


async def test_connection_cut_inside_a_frame_raises(fake: LambdaFake) -> None:
    frame = payload_chunk(b"will not arrive whole")
    fake.script("InvokeWithResponseStream", Frames([payload_chunk(b"whole"), frame[:20], CUT]))
    received: list[Any] = []
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        assert resp.event_stream is not None
        with pytest.raises(errors.ConnectionClosedError):
            async for event in resp.event_stream:
                received.append(event)
    assert [e.payload for e in received] == [b"whole"]


async def test_undecodable_event_payload_raises_a_library_error(fake: LambdaFake) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"ok"), event_frame("InvokeComplete", b'{"ErrorCode": ')]),
    )
    async with fake.serve() as url, client_for(url) as client:
        resp = await invoke(client)
        with pytest.raises(errors.DeserializationError) as caught:
            await drain(resp)
    assert "InvokeComplete" in str(caught.value)


async def test_event_types_newer_than_the_model_are_skipped(fake: LambdaFake) -> None:
    fake.script(
        "InvokeWithResponseStream",
        Frames(
            [event_frame("ProgressTick", b'{"pct": 50}'), payload_chunk(b"x"), invoke_complete()]
        ),
    )
    async with fake.serve() as url, client_for(url) as client:
        events = await drain(await invoke(client))
    assert [type(e) for e in events] == [
        InvokeResponseStreamUpdate,
        InvokeWithResponseStreamCompleteEvent,
    ]


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (404, "ResourceNotFoundException", errors.ResourceNotFoundException),
        (413, "RequestTooLargeException", errors.RequestTooLargeException),
    ],
)
async def test_error_status_raises_the_typed_error(
    fake: LambdaFake, status: int, code: str, error_class: type[errors.ServiceError]
) -> None:
    fake.script(
        "InvokeWithResponseStream",
        error(status, code, "Function not found: streamer"),
    )
    fake.script("GetFunction", ok({"Configuration": {"FunctionName": "after"}}))
    async with (
        fake.serve() as url,
        client_for(url, max_pool_connections=1, pool_timeout=2.0) as client,
    ):
        with pytest.raises(error_class) as caught:
            await invoke(client)
        # Reading the error body released the connection.
        fn = await client.get_function(function_name="after")
    assert caught.value.status_code == status
    assert caught.value.message == "Function not found: streamer"
    assert len(fake.calls("InvokeWithResponseStream")) == 1
    assert fn.configuration is not None


@pytest.fixture
def no_cyclic_gc() -> Iterator[None]:
    # Releasing a connection must not wait for the cyclic collector, whose
    # timing nothing controls; with it off, a stream caught in a reference
    # cycle would keep its connection for good and the test would stall.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@pytest.mark.usefixtures("no_cyclic_gc")
async def test_many_streams_broken_off_early_do_not_exhaust_a_small_pool(fake: LambdaFake) -> None:
    never = asyncio.Event()
    # Every stream would stay open for GATE_TIMEOUT after its first frame if the
    # client did not hang up.
    fake.script(
        "InvokeWithResponseStream", Frames([payload_chunk(b"head"), never, invoke_complete()])
    )

    async def first_event(client: LambdaClient) -> Any:
        resp = await invoke(client)
        assert resp.event_stream is not None
        async for event in resp.event_stream:
            return event
        raise AssertionError("stream ended without an event")

    async with (
        fake.serve() as url,
        client_for(url, max_pool_connections=2, pool_timeout=5.0) as client,
    ):
        started = time.monotonic()
        firsts = await asyncio.gather(*(first_event(client) for _ in range(100)))
        elapsed = time.monotonic() - started

    assert len(firsts) == 100
    assert all(isinstance(e, InvokeResponseStreamUpdate) and e.payload == b"head" for e in firsts)
    assert len(fake.calls("InvokeWithResponseStream")) == 100
    assert fake.finished_streams == 0
    # Well below pool_timeout: nobody waited for a connection that was not coming back.
    assert elapsed < 4.0


async def _release_by_aclose(resp: InvokeWithResponseStreamResponse) -> None:
    assert resp.event_stream is not None
    await resp.event_stream.aclose()


async def _release_by_async_with(resp: InvokeWithResponseStreamResponse) -> None:
    assert resp.event_stream is not None
    async with resp.event_stream:
        pass


async def _release_by_async_with_after_one_event(resp: InvokeWithResponseStreamResponse) -> None:
    assert resp.event_stream is not None
    async with resp.event_stream as events:
        async for _event in events:
            break


@pytest.mark.parametrize(
    "release", [_release_by_aclose, _release_by_async_with, _release_by_async_with_after_one_event]
)
async def test_closing_an_unfinished_stream_frees_the_only_connection(
    fake: LambdaFake, release: Any
) -> None:
    never = asyncio.Event()
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"head"), never, invoke_complete()]),
    )
    fake.script("GetFunction", ok({"Configuration": {"FunctionName": "next"}}))
    async with (
        fake.serve() as url,
        client_for(url, max_pool_connections=1, pool_timeout=2.0) as client,
    ):
        resp = await invoke(client)
        await release(resp)
        # ``resp`` is still referenced: the release cannot have come from the collector.
        fn = await client.get_function(function_name="next")
        assert resp.event_stream is not None
    assert fn.configuration is not None
    assert fn.configuration.function_name == "next"
    assert fake.finished_streams == 0


async def test_an_open_stream_does_hold_the_only_connection(fake: LambdaFake) -> None:
    # The control for the test above: without the release, the next call waits
    # for the pool and gives up (after one attempt: a pool wait is retryable,
    # and the retries would only slow this down).
    never = asyncio.Event()
    fake.script(
        "InvokeWithResponseStream",
        Frames([payload_chunk(b"head"), never]),
    )
    fake.script("GetFunction", ok({"Configuration": {"FunctionName": "next"}}))
    async with (
        fake.serve() as url,
        client_for(url, max_pool_connections=1, pool_timeout=0.3, max_attempts=1) as client,
    ):
        resp = await invoke(client)
        assert resp.event_stream is not None
        with pytest.raises(errors.ConnectTimeoutError):
            await client.get_function(function_name="next")
        await resp.event_stream.aclose()
        fn = await client.get_function(function_name="next")
    assert fn.configuration is not None
    assert len(fake.calls("GetFunction")) == 1
