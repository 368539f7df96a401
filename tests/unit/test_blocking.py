"""The blocking client: same surface as the async one, safe from many threads."""

from __future__ import annotations

import inspect
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore import xform_name

from lambda_client import BlockingLambdaClient, Credentials, LambdaClient, errors
from lambda_client._runtime.eventstream import encode_message
from lambda_client._runtime.http import HttpRequest, HttpResponse
from tests.fakes import FakeTransport, json_response

CREDS = Credentials(access_key_id="AKID", secret_access_key="SECRET")


def public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(getattr(cls, name))
        for name in dir(cls)
        if not name.startswith("_") and callable(getattr(cls, name))
    }


def test_same_operations_arguments_and_return_types() -> None:
    async_methods = public_methods(LambdaClient)
    blocking_methods = public_methods(BlockingLambdaClient)
    generated = [n for n in async_methods if n.startswith(("paginate_", "wait_until_"))]
    generated += [n for n in async_methods if inspect.iscoroutinefunction(getattr(LambdaClient, n))]
    for name in set(generated) - {"close"}:
        a, b = async_methods[name], blocking_methods[name]
        assert list(a.parameters) == list(b.parameters), name
        for param in a.parameters:
            assert a.parameters[param].annotation == b.parameters[param].annotation, (name, param)
        if not name.startswith("paginate_"):
            assert a.return_annotation == b.return_annotation, name
    operations = {n for n in generated if not n.startswith(("paginate_", "wait_until_"))}
    from lambda_client._generated.operations import OPERATIONS

    assert operations - {"close"} == {xform_name(op) for op in OPERATIONS}


def test_calls_from_many_threads_run_on_one_loop() -> None:
    loops: set[int] = set()

    def answer(request: HttpRequest) -> HttpResponse:
        loops.add(threading.get_ident())
        name = request.path.rsplit("/", 1)[-1]
        return json_response(200, b'{"Configuration": {"FunctionName": "%s"}}' % name.encode())

    client = BlockingLambdaClient(
        region="us-east-1", credentials=CREDS, transport=FakeTransport(answer)
    )
    with client, ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda i: client.get_function(function_name=f"fn{i}"), range(64)))
    assert [n.configuration.function_name for n in names] == [f"fn{i}" for i in range(64)]  # type: ignore[union-attr]
    assert len(loops) == 1 and threading.get_ident() not in loops


def test_errors_and_close() -> None:
    transport = FakeTransport(
        lambda _r: json_response(
            404,
            b'{"Type": "User", "Message": "gone"}',
            {"x-amzn-ErrorType": "ResourceNotFoundException"},
        )
    )
    client = BlockingLambdaClient(region="us-east-1", credentials=CREDS, transport=transport)
    with pytest.raises(errors.ResourceNotFoundException) as info:
        client.get_function(function_name="f")
    assert info.value.message == "gone"
    client.close()
    client.close()
    assert transport.closed
    with pytest.raises(errors.LambdaClientError, match="closed"):
        client.get_function(function_name="f")


def test_blocking_paginator_and_stream() -> None:
    def answer(request: HttpRequest) -> HttpResponse:
        if request.path.endswith("/response-streaming-invocations"):
            frames = encode_message(
                {":message-type": "event", ":event-type": "PayloadChunk"}, b"hello"
            ) + encode_message({":message-type": "event", ":event-type": "InvokeComplete"}, b"{}")
            return HttpResponse(status=200, headers={}, body=b"", stream=_Chunks([frames]))
        marker = (
            "2" if "Marker=1" in request.query else ("1" if "Marker" not in request.query else "")
        )
        body = b'{"Functions": [{"FunctionName": "f%s"}], "NextMarker": "%s"}' % (
            (marker or "3").encode(),
            marker.encode(),
        )
        return json_response(200, body)

    with BlockingLambdaClient(
        region="us-east-1", credentials=CREDS, transport=FakeTransport(answer)
    ) as client:
        names = [f.function_name for f in client.paginate_list_functions()]
        assert names == ["f1", "f2", "f3"]
        out = client.invoke_with_response_stream(function_name="f")
        assert out.event_stream is not None
        events = list(out.event_stream)
        assert [type(e).__name__ for e in events] == [
            "InvokeResponseStreamUpdate",
            "InvokeWithResponseStreamCompleteEvent",
        ]
        assert events[0].payload == b"hello"  # type: ignore[union-attr]


class _Chunks:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    async def iter_chunks(self):  # type: ignore[no-untyped-def]
        for chunk in self.chunks:
            yield chunk

    async def aclose(self) -> None:
        self.closed = True


def test_close_while_another_thread_is_in_a_call_fails_that_call() -> None:
    import asyncio
    import time

    started = threading.Event()

    class SlowTransport(FakeTransport):
        async def send(
            self, request: HttpRequest, *, read_timeout: float, stream: bool = False
        ) -> HttpResponse:
            started.set()
            await asyncio.sleep(30)
            return json_response(200)

    client = BlockingLambdaClient(region="us-east-1", credentials=CREDS, transport=SlowTransport())
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            client.get_function(function_name="f")
        except BaseException as e:  # the test inspects whatever came out
            outcome.append(e)

    worker = threading.Thread(target=call)
    worker.start()
    assert started.wait(5)
    began = time.monotonic()
    client.close()
    worker.join(5)
    assert not worker.is_alive()
    assert time.monotonic() - began < 5
    assert len(outcome) == 1 and isinstance(outcome[0], errors.LambdaClientError)
    assert "closed during the call" in str(outcome[0])
