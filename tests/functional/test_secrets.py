"""No secret in any exception the library raises, nor in any log record.

Every failure path is driven for real (servers on 127.0.0.1 that break the
exchange in each way, answers that quote the request back, a credential
process that prints its secret, a config file with a key on a bad line)
while the client holds recognisable secrets: access key, secret key,
session token, the signature of each request, a sensitive member's value,
an environment variable's name and value, an Invoke payload. Each
exception is then rendered every way a program or an error tracker shows
it (str, repr, notes, ``traceback.format_exception``, the whole cause
chain) and searched for every secret, as is every log record emitted
meanwhile. The scan must cover every exception class the library raises.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
import textwrap
import traceback
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from multidict import CIMultiDict

import lambda_client.durable
from lambda_client import (
    BlockingLambdaClient,
    ClientConfig,
    Credentials,
    LambdaClient,
    errors,
    models,
)
from lambda_client._runtime.blocking import LoopThread
from lambda_client._runtime.credentials import CredentialResolver, _RefreshingCache
from lambda_client._runtime.exceptions import ForeignCause, LambdaClientError
from lambda_client._runtime.frame_encoder import FrameEncodeError, HeaderType, encode_message
from lambda_client._runtime.http import HttpRequest, HttpResponse
from lambda_client.models import Environment, FunctionCode
from tests.fakes import FakeTransport
from tests.functional.faults import FaultServer, Received, Reply, closed_port
from tests.isolation import isolate_aws_settings

ACCESS_KEY = "AKIASCANSECRETKEY001"
SECRET_KEY = "scan/Secret+AccessKey0123456789abcdefXYZ"
SESSION_TOKEN = "IQoJscanSESSIONtoken0123456789abcdefXYZ"
ENV_NAME = "SCAN_DB_PASSWORD_NAME"
ENV_VALUE = "scan-env-value-hunter2"
PAYLOAD_SECRET = "scan-invoke-payload-secret"
CONTEXT_SECRET = "c2Nhbi1jbGllbnQtY29udGV4dC1zZWNyZXQ"

CREDENTIALS = Credentials(
    access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY, session_token=SESSION_TOKEN
)
FIXED_SECRETS = (
    ACCESS_KEY,
    SECRET_KEY,
    SESSION_TOKEN,
    ENV_NAME,
    ENV_VALUE,
    PAYLOAD_SECRET,
    CONTEXT_SECRET,
)
_SIGNATURE = re.compile(r"Signature=([0-9a-f]{64})")


class Scan:
    """The exceptions and signatures one run collected."""

    def __init__(self) -> None:
        self.caught: list[tuple[str, BaseException]] = []
        self.signatures: set[str] = set()
        self.records: list[logging.LogRecord] = []

    def signed(self, headers: Any) -> None:
        for value in dict(headers).values():
            self.signatures.update(_SIGNATURE.findall(str(value)))

    async def expect(
        self, label: str, kind: type[BaseException], action: Callable[[], Awaitable[Any]]
    ) -> None:
        try:
            async with asyncio.timeout(20):
                await action()
        except kind as e:
            self.caught.append((label, e))
        else:
            raise AssertionError(f"{label}: no {kind.__name__} raised")

    def expect_sync(self, label: str, kind: type[BaseException], action: Callable[[], Any]) -> None:
        try:
            action()
        except kind as e:
            self.caught.append((label, e))
        else:
            raise AssertionError(f"{label}: no {kind.__name__} raised")

    def secrets(self) -> list[str]:
        return [*FIXED_SECRETS, *self.signatures]


def chain(error: BaseException) -> Iterator[BaseException]:
    """The exception and every link a formatted traceback shows."""
    seen: set[int] = set()
    link: BaseException | None = error
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        yield link
        link = (
            link.__cause__
            if link.__cause__ is not None
            else (None if link.__suppress_context__ else link.__context__)
        )


def renderings(error: BaseException) -> list[str]:
    texts = ["".join(traceback.format_exception(error))]
    for link in chain(error):
        texts += [str(link), repr(link), *map(str, getattr(link, "__notes__", ()))]
        if isinstance(link, errors.WaiterError):
            for inner in (link.last_error,):
                if inner is not None:
                    texts += renderings(inner)
    return texts


# Searched for as the first characters of each secret, so that a secret cut
# short (a message truncated in the middle of a token) is still found.
PREFIX = 16


def leaks(scan: Scan) -> list[str]:
    found = []
    prefixes = [secret[:PREFIX] for secret in scan.secrets()]
    for label, error in scan.caught:
        for text in renderings(error):
            for prefix in prefixes:
                if prefix in text:
                    found.append(f"{label}: {type(error).__name__} shows {prefix[:12]}...")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in scan.records:
        text = formatter.format(record)
        for prefix in prefixes:
            if prefix in text:
                found.append(f"log record of {record.name} shows {prefix[:12]}...")
    return sorted(set(found))


def classes_raised(scan: Scan) -> set[type[BaseException]]:
    return {type(link) for _, error in scan.caught for link in chain(error)}


def library_exception_classes() -> set[type[BaseException]]:
    """Every exception class the library defines (ForeignCause included)."""
    out: set[type[BaseException]] = {ForeignCause}
    pending: list[type[BaseException]] = [LambdaClientError]
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("lambda_client"):
            out.add(cls)
        pending.extend(cls.__subclasses__())
    return out


# --------------------------------------------------------------------------- helpers


def client(url: str, **config: Any) -> LambdaClient:
    settings: dict[str, Any] = {"max_attempts": 1, "read_timeout": 5.0, **config}
    return LambdaClient(
        region="us-east-1",
        endpoint_url=url,
        credentials=CREDENTIALS,
        config=ClientConfig(**settings),
    )


def quoting(scan: Scan, status: int, code: str) -> Callable[[Received], Reply]:
    """An error answer that quotes the whole request back, as a signature
    mismatch does (its message carries the canonical request)."""

    def reply(seen: Received) -> Reply:
        scan.signed(seen.headers)
        quoted = "\n".join(f"{k.lower()}:{v}" for k, v in seen.headers.items())
        text = f"The Canonical String for this request should have been\n{quoted}\n{seen.body!r}"
        return Reply(
            status=status,
            headers={"x-amzn-ErrorType": code, "Date": "Fri, 01 Jan 99999999 00:00:00 GMT"},
            body=json.dumps({"message": text, "Message": text, "Type": text}).encode(),
        )

    return reply


async def raw_server(scan: Scan, answer: bytes) -> tuple[asyncio.Server, str]:
    """A TCP server that reads a request and writes ``answer`` verbatim."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[1:]
            scan.signed(dict(line.partition(": ")[::2] for line in lines if line))
            writer.write(answer)
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def fake_client(scan: Scan, responder: Callable[[HttpRequest], HttpResponse]) -> LambdaClient:
    def answer(request: HttpRequest) -> HttpResponse:
        scan.signed(request.headers)
        return responder(request)

    return LambdaClient(
        region="us-east-1",
        credentials=CREDENTIALS,
        config=ClientConfig(max_attempts=1),
        transport=FakeTransport(answer),
    )


def echo_error(code: str, status: int = 400) -> Callable[[HttpRequest], HttpResponse]:
    def answer(request: HttpRequest) -> HttpResponse:
        quoted = json.dumps(dict(request.headers)) + request.body.decode("utf-8", "replace")
        body = {"message": quoted, "Type": quoted, "Reason": quoted, "errorMessage": quoted}
        return HttpResponse(
            status=status,
            headers=CIMultiDict({"x-amzn-ErrorType": code, "Retry-After": quoted}),
            body=json.dumps(body).encode(),
        )

    return answer


def stream_of(*frames: bytes) -> bytes:
    return b"".join(frames)


def event_frame(event_type: str, payload: bytes) -> bytes:
    return encode_message(
        {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"},
        payload,
    )


# --------------------------------------------------------------------------- scenarios


async def transport_failures(scan: Scan) -> None:
    invoke = {"function_name": "f", "payload": {"secret": PAYLOAD_SECRET}}

    # A header line without a colon: aiohttp's error repr holds every request header.
    server, url = await raw_server(
        scan, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nNoColonHere\r\n\r\n{}"
    )
    async with server, client(url) as c:
        await scan.expect("malformed header", errors.TransportError, lambda: c.invoke(**invoke))

    # A body cut short of its Content-Length.
    server, url = await raw_server(
        scan,
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"a',
    )
    async with server, client(url) as c:
        await scan.expect(
            "truncated", errors.ConnectionClosedError, lambda: c.get_function(function_name="f")
        )

    async with FaultServer([Reply(reset=True), Reply(delay=5)], max_requests=10) as fault:
        async with client(fault.url, read_timeout=0.3) as c:
            await scan.expect("reset", errors.ConnectionClosedError, lambda: c.invoke(**invoke))
            await scan.expect("read timeout", errors.ReadTimeoutError, lambda: c.invoke(**invoke))
        for seen in fault.requests:
            scan.signed(seen.headers)

    async with client(f"http://127.0.0.1:{closed_port()}") as c:
        await scan.expect("refused", errors.ConnectError, lambda: c.invoke(**invoke))

    # One connection, held by a slow call: the next one times out waiting for it.
    arrived = asyncio.Event()

    def hold(_seen: Received) -> Reply:
        arrived.set()
        return Reply(delay=3)

    async with (
        FaultServer([hold], max_requests=10) as fault,
        client(fault.url, max_pool_connections=1, pool_timeout=0.2) as c,
    ):
        slow = asyncio.ensure_future(c.get_function(function_name="f"))
        await arrived.wait()
        await scan.expect("pool wait", errors.ConnectTimeoutError, lambda: c.invoke(**invoke))
        slow.cancel()
        await asyncio.gather(slow, return_exceptions=True)

    c = client(f"http://127.0.0.1:{closed_port()}")
    await c.close()
    await scan.expect("closed client", errors.ClientClosedError, lambda: c.invoke(**invoke))


async def service_errors(scan: Scan) -> None:
    environment = Environment(variables={ENV_NAME: ENV_VALUE})
    async with FaultServer(
        then=quoting(scan, 403, "InvalidSignatureException"), max_requests=20
    ) as fault:
        async with client(fault.url) as c:
            await scan.expect(
                "signature mismatch quoting the request",
                errors.UnknownServiceError,
                lambda: c.update_function_configuration(function_name="f", environment=environment),
            )
            await scan.expect(
                "signature mismatch quoting an invoke",
                errors.UnknownServiceError,
                lambda: c.invoke(function_name="f", payload=PAYLOAD_SECRET.encode()),
            )
        async with client(fault.url, max_attempts=3) as c:
            # A skew code with an unreadable Date: a note says why no retry.
            fault.load([], then=quoting(scan, 403, "RequestTimeTooSkewed"))
            await scan.expect(
                "clock skew with an absurd Date",
                errors.UnknownServiceError,
                lambda: c.get_function(function_name="f"),
            )
            fault.load([], then=quoting(scan, 429, "TooManyRequestsException"))
            await scan.expect(
                "throttled, quoting the request",
                errors.TooManyRequestsException,
                lambda: c.create_function(
                    function_name="f",
                    role="arn:aws:iam::123456789012:role/r",
                    code=FunctionCode(zip_file=b"zip"),
                    environment=environment,
                    runtime="python3.12",
                    handler="h",
                ),
            )

    # Quotes a reader cuts short (a text body at 512 bytes, a code at 128
    # characters) in the middle of the session token.
    def proxy_page(request: HttpRequest) -> HttpResponse:
        page = "<html>" + "x" * 484 + str(request.headers.get("x-amz-security-token"))
        return HttpResponse(status=502, headers=CIMultiDict(), body=page.encode())

    def code_quoting(request: HttpRequest) -> HttpResponse:
        code = "x" * 100 + str(request.headers.get("x-amz-security-token"))
        return HttpResponse(status=400, headers=CIMultiDict({"x-amzn-ErrorType": code}), body=b"{}")

    for label, responder in (("a proxy page cut short", proxy_page), ("a code", code_quoting)):
        async with fake_client(scan, responder) as c:
            await scan.expect(
                f"{label} quoting the request",
                errors.UnknownServiceError,
                lambda c=c: c.get_function(function_name="f"),  # type: ignore[misc]
            )

    # Every modelled error, each quoting the request back.
    for code in sorted(errors.ERRORS_BY_CODE):
        async with fake_client(scan, echo_error(code)) as c:
            await scan.expect(
                f"{code} quoting the request",
                errors.ServiceError,
                lambda c=c: c.update_function_configuration(  # type: ignore[misc]
                    function_name="f", environment=environment
                ),
            )


async def unreadable_answers(scan: Scan) -> None:
    def answer(body: bytes, status: int = 200) -> Callable[[HttpRequest], HttpResponse]:
        return lambda _request: HttpResponse(
            status=status, headers=CIMultiDict({"Content-Type": "application/json"}), body=body
        )

    cases: list[tuple[str, bytes]] = [
        ("not JSON, quoting a secret", f"{{oops {SESSION_TOKEN} {ENV_VALUE}".encode()),
        ("deeply nested", b"[" * 5000 + b"]" * 5000),
        (
            "environment variables beside a bad member",
            json.dumps(
                {"Configuration": {"Environment": {"Variables": {ENV_NAME: ENV_VALUE}, "Error": 7}}}
            ).encode(),
        ),
        (
            "a value of the wrong type",
            json.dumps({"Configuration": {"Layers": [{"CodeSize": SESSION_TOKEN}, 7]}}).encode(),
        ),
    ]
    for label, body in cases:
        async with fake_client(scan, answer(body)) as c:
            await scan.expect(
                label, errors.DeserializationError, lambda c=c: c.get_function(function_name="f")
            )
    # A map entry whose value does not fit: located without its key.
    weights = {"RoutingConfig": {"AdditionalVersionWeights": {ENV_NAME: SESSION_TOKEN}}}
    async with fake_client(scan, answer(json.dumps(weights).encode())) as c:
        await scan.expect(
            "a map entry of the wrong type",
            errors.DeserializationError,
            lambda: c.get_alias(function_name="f", name="a"),
        )


async def event_streams(scan: Scan) -> None:
    good = event_frame("PayloadChunk", b"chunk")
    corrupt = bytearray(good)
    corrupt[-1] ^= 0xFF
    bad_length = bytearray(good)
    bad_length[0:12] = b"\x00\x00\x00\x05\x00\x00\x00\x00" + bytes(4)
    token_exception = encode_message(
        {
            ":message-type": "exception",
            ":exception-type": "ServiceException",
            ":content-type": "application/json",
        },
        json.dumps({"message": f"quoted {SESSION_TOKEN} {PAYLOAD_SECRET}"}).encode(),
    )
    token_error = encode_message(
        {
            ":message-type": "error",
            ":error-code": "InternalFailure",
            ":error-message": f"quoted {SESSION_TOKEN}",
        }
    )
    cases: list[tuple[str, bytes, type[BaseException]]] = [
        ("stream CRC", stream_of(good, bytes(corrupt)), errors.ChecksumMismatchError),
        ("stream prelude", bytes(bad_length), errors.ChecksumMismatchError),
        ("stream cut", good[:-3], errors.TruncatedStreamError),
        ("stream exception quoting", token_exception, errors.ServiceError),
        ("stream error quoting", token_error, errors.EventStreamError),
        (
            "stream event not JSON",
            event_frame("InvokeComplete", f"{{{SESSION_TOKEN}".encode()),
            errors.DeserializationError,
        ),
    ]
    header_section_bad = bytearray(
        encode_message([("x", HeaderType.STRING, "abc")], b"") + b""
    )  # a header section whose value type byte is unknown, with valid CRCs
    header_section_bad[12 + 2] = 42
    import zlib

    body = bytes(header_section_bad[:-4])
    cases.append(
        (
            "stream header type",
            body + zlib.crc32(body).to_bytes(4, "big"),
            errors.InvalidFrameError,
        )
    )

    for label, frames, kind in cases:

        def reply(seen: Received, frames: bytes = frames) -> Reply:
            scan.signed(seen.headers)
            return Reply(
                status=200,
                headers={"Content-Type": "application/vnd.amazon.eventstream"},
                body=frames,
            )

        async with FaultServer(then=reply, max_requests=5) as fault, client(fault.url) as c:

            async def consume(c: LambdaClient = c) -> None:
                response = await c.invoke_with_response_stream(
                    function_name="f", payload={"secret": PAYLOAD_SECRET}
                )
                async with response.event_stream as events:
                    async for _ in events:
                        pass

            await scan.expect(label, kind, consume)


async def function_urls(scan: Scan) -> None:
    """A function URL's answers quoting the signed request back, each status."""

    def quoting_answer(status: int, code: str | None) -> Callable[[Received], Reply]:
        def reply(seen: Received) -> Reply:
            scan.signed(seen.headers)
            text = " ".join(f"{k}={v}" for k, v in seen.headers.items())
            headers = {"Retry-After": "60"}
            if code is not None:
                headers["x-amzn-ErrorType"] = code
            body = json.dumps({"message": text}).encode() if code else text.encode()
            return Reply(status=status, headers=headers, body=body)

        return reply

    cases: list[tuple[int, str | None, type[BaseException]]] = [
        (403, "InvalidSignatureException", errors.FunctionUrlAuthError),
        (413, "RequestEntityTooLargeException", errors.FunctionUrlPayloadTooLargeError),
        (429, "TooManyRequestsException", errors.FunctionUrlThrottledError),
        (502, None, errors.FunctionUrlFunctionError),
        (418, None, errors.FunctionUrlHTTPError),
    ]
    for status, code, kind in cases:
        async with (
            FaultServer(then=quoting_answer(status, code), max_requests=5) as fault,
            client(fault.url) as c,
        ):
            url = c.function_url(fault.url, region="us-east-1")
            await scan.expect(
                f"function URL {status} quoting the request",
                kind,
                # The body is the caller's own content, not a modelled
                # sensitive member: the function may answer with it.
                lambda url=url: url.post("/orders", json={"id": 1}),  # type: ignore[misc]
            )

    def not_json(seen: Received) -> Reply:
        scan.signed(seen.headers)
        return Reply(status=200, body=f"{{{SESSION_TOKEN}".encode())

    async with FaultServer(then=not_json, max_requests=5) as fault, client(fault.url) as c:
        url = c.function_url(fault.url, region="us-east-1")

        async def read_json() -> None:
            response = await url.get("/")
            await response.json()

        await scan.expect("function URL body not JSON", errors.DeserializationError, read_json)


async def two_loops(scan: Scan) -> None:
    """A client in use on another running loop refuses this one."""
    c = client(f"http://127.0.0.1:{closed_port()}")
    elsewhere = LoopThread("secrets-other-loop")
    try:
        with contextlib.suppress(errors.ConnectError):
            await asyncio.to_thread(elsewhere.run, c.get_function(function_name="f"))
        await scan.expect(
            "two running loops",
            errors.EventLoopError,
            lambda: c.invoke(function_name="f", payload=PAYLOAD_SECRET),
        )
    finally:
        await asyncio.to_thread(elsewhere.close, c.close())


async def bad_input(scan: Scan) -> None:
    async with fake_client(scan, lambda _r: HttpResponse(status=200, headers={})) as c:
        await scan.expect(
            "a sensitive map with a bad entry",
            errors.ParamValidationError,
            lambda: c.update_function_configuration(
                function_name="f",
                environment=Environment(variables={ENV_NAME: None, "OK": 5}),  # type: ignore[dict-item]
            ),
        )
        await scan.expect(
            "environment over 4 KB",
            errors.ParamValidationError,
            lambda: c.update_function_configuration(
                function_name="f",
                environment=Environment(variables={ENV_NAME: ENV_VALUE * 300}),
            ),
        )

        class Opaque:
            def __repr__(self) -> str:
                return PAYLOAD_SECRET

        await scan.expect(
            "a payload that is not JSON",
            errors.ParamValidationError,
            lambda: c.invoke(function_name="f", payload={"k": Opaque()}),
        )
        await scan.expect(
            "an Event payload over 1 MB",
            errors.ParamValidationError,
            lambda: c.invoke(
                function_name="f",
                invocation_type="Event",
                payload=(PAYLOAD_SECRET * 50_000).encode(),
            ),
        )
        await scan.expect(
            "a client context over 3,583 bytes",
            errors.ParamValidationError,
            lambda: c.invoke(function_name="f", client_context=CONTEXT_SECRET * 200),
        )

    def same_marker(_request: HttpRequest) -> HttpResponse:
        body = {"Functions": [], "NextMarker": SESSION_TOKEN}
        return HttpResponse(status=200, headers={}, body=json.dumps(body).encode())

    async with fake_client(scan, same_marker) as c:
        await scan.expect(
            "a marker returned twice",
            errors.PaginationError,
            lambda: _drain(c.paginate_list_functions()),
        )
    scan.expect_sync(
        "a boto3-style dict with a value of the wrong type",
        errors.ParamValidationError,
        lambda: models.from_dict(
            models.Event, {"EventTimestamp": SESSION_TOKEN, "EventId": 7, "Bogus": ENV_VALUE}
        ),
    )
    scan.expect_sync(
        "a boto3-style dict with a map of the wrong type",
        errors.ParamValidationError,
        lambda: models.from_dict(models.Environment, {"Variables": [ENV_NAME, ENV_VALUE]}),
    )
    scan.expect_sync(
        "frame header of the wrong type",
        FrameEncodeError,
        lambda: encode_message([("token", HeaderType.INTEGER, SESSION_TOKEN)]),  # type: ignore[list-item]
    )
    scan.expect_sync(
        "endpoint with a password",
        errors.EndpointResolutionError,
        lambda: LambdaClient(
            region="us-east-1",
            endpoint_url=f"http://user:{SECRET_KEY}@localhost:notaport",
            credentials=CREDENTIALS,
        ),
    )
    scan.expect_sync(
        "empty key",
        errors.ConfigError,
        lambda: Credentials(access_key_id="", secret_access_key=SECRET_KEY),
    )


async def _drain(pages: Any) -> None:
    async for _ in pages:
        pass


async def waiters(scan: Scan) -> None:
    def pending(_request: HttpRequest) -> HttpResponse:
        body = {"Configuration": {"State": "Pending", "Description": SESSION_TOKEN}}
        return HttpResponse(status=200, headers={}, body=json.dumps(body).encode())

    def failed(_request: HttpRequest) -> HttpResponse:
        body = {"Configuration": {"State": "Failed", "StateReason": SESSION_TOKEN}}
        return HttpResponse(status=200, headers={}, body=json.dumps(body).encode())

    async with fake_client(scan, pending) as c:
        await scan.expect(
            "waiter out of attempts",
            errors.WaiterTimeoutError,
            lambda: c.wait_until_function_active_v2(function_name="f", delay=0.01, max_attempts=2),
        )
    async with fake_client(scan, failed) as c:
        await scan.expect(
            "waiter failure",
            errors.WaiterFailureError,
            lambda: c.wait_until_function_active_v2(function_name="f", delay=0.01),
        )
    async with fake_client(scan, echo_error("ServiceException", 500)) as c:
        await scan.expect(
            "waiter on an unexpected error",
            errors.WaiterUnexpectedError,
            lambda: c.wait_until_function_active_v2(function_name="f", delay=0.01),
        )


async def credentials_and_config(scan: Scan, home: Path) -> None:
    script = home / "process.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.stderr.write("refused; the key was {SECRET_KEY} token {SESSION_TOKEN}")
            sys.exit(1)
            """
        )
    )
    config = home / "config"
    config.write_text(f"[profile proc]\ncredential_process = {sys.executable} {script}\n")
    await scan.expect(
        "credential process printing its secret",
        errors.CredentialsError,
        lambda: CredentialResolver(profile="proc").get(),
    )
    await scan.expect(
        "no credentials anywhere", errors.NoCredentialsError, lambda: CredentialResolver().get()
    )
    config.write_text(f"[profile broken]\nregion = us-east-1\naws_secret_access_key {SECRET_KEY}\n")
    scan.expect_sync(
        "config file with a key on a bad line",
        errors.ConfigError,
        lambda: LambdaClient(profile="broken", credentials=CREDENTIALS),
    )
    config.write_text("")

    # An advisory refresh that fails is logged, then the call goes on.
    now = datetime.now(UTC)
    valid = Credentials(
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        session_token=SESSION_TOKEN,
        expiration=now + timedelta(minutes=12),
    )
    calls = 0

    async def fetch() -> tuple[Credentials, datetime | None]:
        nonlocal calls
        calls += 1
        if calls == 1:
            return valid, valid.expiration
        raise RuntimeError(f"refresh failed for {ACCESS_KEY}:{SECRET_KEY}")

    clock = [now]
    cache = _RefreshingCache(fetch, now=lambda: clock[0])
    await cache.get()
    clock[0] += timedelta(seconds=31)  # past the pause after an early refresh
    assert await cache.get() is valid

    async def mandatory() -> None:
        later = _RefreshingCache(fetch, now=lambda: now + timedelta(minutes=5))
        later._current, later._valid_until = valid, valid.expiration
        await later.get()

    await scan.expect("mandatory refresh failing", errors.CredentialsError, mandatory)


async def blocking_and_durable(scan: Scan, monkeypatch: pytest.MonkeyPatch) -> None:
    blocking = BlockingLambdaClient(
        region="us-east-1",
        credentials=CREDENTIALS,
        transport=FakeTransport(echo_error("ServiceException", 500)),
    )
    blocking.close()
    scan.expect_sync(
        "blocking client closed",
        errors.ClientClosedError,
        lambda: blocking.invoke(function_name="f", payload=PAYLOAD_SECRET),
    )

    async def from_its_own_loop() -> None:
        other = BlockingLambdaClient(
            region="us-east-1", credentials=CREDENTIALS, transport=FakeTransport()
        )
        try:
            other._runner.run(asyncio.sleep(0.2))  # warm up the loop thread
            future = asyncio.run_coroutine_threadsafe(
                _call_blocking_from_loop(other), other._runner.loop
            )
            await asyncio.wrap_future(future)
        finally:
            other.close()

    await scan.expect("blocking client used from its loop", LambdaClientError, from_its_own_loop)

    def missing(name: str) -> Any:
        raise ImportError(f"cannot import {name}; token {SESSION_TOKEN}")

    monkeypatch.setattr(lambda_client.durable.importlib, "import_module", missing)
    scan.expect_sync(
        "durable SDK missing",
        errors.LambdaClientError,
        lambda_client.durable._sdk.__wrapped__,
    )


async def _call_blocking_from_loop(client: BlockingLambdaClient) -> None:
    client.get_function(function_name="f")


# --------------------------------------------------------------------------- the test


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return isolate_aws_settings(monkeypatch, tmp_path)


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    root = logging.getLogger()
    handler = Keep(logging.DEBUG)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def run_every_failure(
    home: Path, monkeypatch: pytest.MonkeyPatch, records: list[logging.LogRecord]
) -> Scan:
    scan = Scan()
    scan.records = records
    await transport_failures(scan)
    await service_errors(scan)
    await unreadable_answers(scan)
    await event_streams(scan)
    await function_urls(scan)
    await two_loops(scan)
    await bad_input(scan)
    await waiters(scan)
    await credentials_and_config(scan, home)
    await blocking_and_durable(scan, monkeypatch)
    return scan


async def test_no_secret_in_any_exception_or_log_record(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, records: list[logging.LogRecord]
) -> None:
    scan = await run_every_failure(isolated, monkeypatch, records)

    # The secrets did reach the failure paths: the requests were signed, and
    # the advisory refresh failure was logged.
    assert scan.signatures
    assert any(r.name == "lambda_client.credentials" for r in records)

    found = leaks(scan)
    assert not found, "\n".join(found)

    # Every class the library raises was raised above; the two bases it
    # never raises itself are covered through their subclasses.
    never_raised_itself = {errors.ServiceError, errors.WaiterError, errors.FunctionUrlError}
    raised = classes_raised(scan)
    missing = library_exception_classes() - never_raised_itself - raised
    assert not missing, sorted(c.__qualname__ for c in missing)
    for base in never_raised_itself:
        assert any(issubclass(cls, base) for cls in raised)
