"""Local stand-ins for the durable-execution tests.

- :class:`DurableTestServer`: the Durable Execution SDK's own web runner (its
  local implementation of Lambda's durable-execution APIs), which drives an
  execution by invoking its handler at a Lambda endpoint.
- :class:`InvokeEndpoint`: that Lambda endpoint. It answers Lambda's Invoke
  API by running a durable handler in this process, on the request's thread.
- :class:`FaultProxy`: sits between a handler and the server, fails chosen
  checkpoint requests (5xx, 429, connection resets, before or after the
  server saw them) and records every checkpoint it forwards.

Every server binds 127.0.0.1 on a free port, serves a bounded number of
requests, and shuts itself down after ``lifetime`` seconds if the test that
started it never does.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import struct
import threading
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import unquote, urlsplit

from attrs import define

LOOPBACK = "127.0.0.1"
#: Seconds after which a server stops by itself.
LIFETIME = 120.0
#: Requests a stand-in answers before it starts refusing.
MAX_REQUESTS = 500
#: Seconds one forwarded or control request may take.
REQUEST_TIMEOUT = 30.0

# The function name and account every execution here runs under.
FUNCTION_NAME = "order-workflow"
ACCOUNT_ID = "123456789012"

Handler = Callable[[Any, Any], Any]


class _Server(ThreadingHTTPServer):
    """A threaded HTTP server on a daemon thread with a request cap and a
    watchdog; connections marked for reset are closed with a TCP RST."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], owner: Any) -> None:
        super().__init__((LOOPBACK, 0), handler)
        self.owner = owner
        self.requests_served = 0
        self.lock = threading.Lock()
        self._resets: set[int] = set()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._watchdog = threading.Timer(LIFETIME, self.stop)
        self._watchdog.daemon = True
        self._stopped = False

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"

    def begin(self) -> None:
        self._thread.start()
        self._watchdog.start()

    def admit(self) -> bool:
        with self.lock:
            self.requests_served += 1
            return self.requests_served <= MAX_REQUESTS

    def mark_reset(self, connection: socket.socket) -> None:
        # Linger on, timeout zero: close() then sends RST instead of FIN.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        with self.lock:
            self._resets.add(id(connection))

    def shutdown_request(self, request: Any) -> None:
        with self.lock:
            reset = id(request) in self._resets
            self._resets.discard(id(request))
        if reset:
            # The base class would half-close (FIN) first; a reset must not.
            request.close()
        else:
            super().shutdown_request(request)

    def stop(self) -> None:
        with self.lock:
            if self._stopped:
                return
            self._stopped = True
        self._watchdog.cancel()
        if self._thread.is_alive():
            self.shutdown()
        self.server_close()


class _Quiet(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def refuse(self) -> None:
        self.close_connection = True
        self.reply(503, b'{"message": "request cap reached"}', {"Connection": "close"})


# -- the SDK's test server -------------------------------------------------


class DurableTestServer:
    """The SDK's ``WebRunner`` on 127.0.0.1, invoking handlers at ``lambda_endpoint``.

    ``skip_time``: waits and step retries complete on the runner's next turn
    instead of after their wall-clock delay; the history still records the
    modelled delays. ``page_bytes`` caps the state an invocation carries; the
    handler fetches the rest with GetDurableExecutionState.
    """

    def __init__(
        self, lambda_endpoint: str, *, skip_time: bool = True, page_bytes: int | None = None
    ) -> None:
        from aws_durable_execution_sdk_python_testing import WebRunner, WebRunnerConfig
        from aws_durable_execution_sdk_python_testing.web.server import WebServiceConfig

        config = WebRunnerConfig(
            web_service=WebServiceConfig(host=LOOPBACK, port=0, log_level=logging.WARNING),
            lambda_endpoint=lambda_endpoint,
            local_runner_endpoint=f"http://{LOOPBACK}:0",
            skip_time=skip_time,
            invocation_timeout_seconds=60,
            max_invocation_page_bytes=page_bytes,
        )
        self._runner = WebRunner(config)
        self._thread: threading.Thread | None = None
        self._watchdog = threading.Timer(LIFETIME, self.stop)
        self._watchdog.daemon = True
        self._lock = threading.Lock()
        self._stopped = False
        self.url = ""

    def start(self) -> Self:
        self._runner.start()
        # WebRunner has no public way to learn the port it bound (port 0
        # asks the kernel for a free one) or to stop serve_forever(): its
        # stop() only closes the socket. Both go through its HTTP server.
        server = self._runner._server
        assert server is not None
        self.url = f"http://{LOOPBACK}:{server.server_address[1]}"
        self._thread = threading.Thread(target=self._runner.serve_forever, daemon=True)
        self._thread.start()
        self._watchdog.start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._watchdog.cancel()
        server = self._runner._server
        if server is not None and self._thread is not None:
            server.shutdown()
        self._runner.stop()
        if self._thread is not None:
            self._thread.join(REQUEST_TIMEOUT)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start_execution(self, *, name: str, payload: Any, timeout_seconds: int = 60) -> str:
        """Start an execution through the runner's own (non-Lambda) route;
        real Lambda starts one with an Invoke. Returns its ARN."""
        body = {
            "AccountId": ACCOUNT_ID,
            "FunctionName": FUNCTION_NAME,
            "FunctionQualifier": "$LATEST",
            "ExecutionName": name,
            "ExecutionTimeoutSeconds": timeout_seconds,
            "ExecutionRetentionPeriodDays": 1,
            "Input": json.dumps(payload),
        }
        request = urllib.request.Request(  # noqa: S310 - the local runner's URL
            f"{self.url}/start-durable-execution",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            arn: str = json.loads(response.read())["ExecutionArn"]
        return arn


# -- the Lambda Invoke endpoint ----------------------------------------------


@define
class Invocation:
    function: str
    #: ``Status`` of the handler's output, or ``"error"`` when it raised.
    status: str
    error: str | None = None


class _InvokeHandler(_Quiet):
    def do_POST(self) -> None:
        if not self.server.admit():
            self.refuse()
            return
        endpoint: InvokeEndpoint = self.server.owner
        parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
        body = self.read_body()
        if len(parts) != 4 or parts[1] != "functions" or parts[3] != "invocations":
            self.reply(404, b'{"message": "not an Invoke"}')
            return
        name = parts[2].split(":")[0]
        handler = endpoint.handlers.get(name)
        if handler is None:
            self.reply(
                404,
                json.dumps({"message": f"Function not found: {name}"}).encode(),
                {"x-amzn-ErrorType": "ResourceNotFoundException"},
            )
            return
        from aws_durable_execution_sdk_python_testing.invoker import create_test_lambda_context

        context = create_test_lambda_context(account_id=ACCOUNT_ID, function_name=parts[2])
        headers = {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"}
        try:
            with endpoint.running():
                output = handler(json.loads(body), context)
        except Exception as e:
            endpoint.record(Invocation(name, "error", f"{type(e).__name__}: {e}"))
            error = {"errorMessage": str(e), "errorType": type(e).__name__}
            headers["X-Amz-Function-Error"] = "Unhandled"
            self.reply(200, json.dumps(error).encode(), headers)
            return
        endpoint.record(Invocation(name, str(output.get("Status"))))
        self.reply(200, json.dumps(output).encode(), headers)


class InvokeEndpoint:
    """Lambda's Invoke API for handlers that run in this process.

    ``handlers`` maps a function name to ``handler(event, context)``, where
    ``event`` is the decoded JSON payload the runner sent.
    """

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        self.handlers = dict(handlers)
        self.invocations: list[Invocation] = []
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._running = 0
        self._server = _Server(_InvokeHandler, self)

    @property
    def url(self) -> str:
        return self._server.url

    def record(self, invocation: Invocation) -> None:
        with self._lock:
            self.invocations.append(invocation)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        with self._lock:
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no handler is running; False if one still is after ``timeout``."""
        with self._lock:
            return self._idle.wait_for(lambda: self._running == 0, timeout)

    def __enter__(self) -> Self:
        self._server.begin()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


# -- the fault-injecting proxy ----------------------------------------------


@define
class Seen:
    """One request as the proxy saw it."""

    method: str
    path: str
    user_agent: str


@define
class Forwarded:
    """One checkpoint request as the proxy saw it."""

    index: int
    client_token: str | None
    #: The checkpoint token the request spent.
    checkpoint_token: str | None
    #: The fault injected, if any.
    fault: str | None
    #: Whether the request reached the server.
    forwarded: bool
    upstream_status: int | None = None
    #: The checkpoint token the server answered with.
    new_checkpoint_token: str | None = None


class _ProxyHandler(_Quiet):
    FAULTS: ClassVar[frozenset[str]] = frozenset(
        {"500", "429", "reset", "500-after", "reset-after"}
    )

    def do_GET(self) -> None:
        self.handle_any("GET")

    def do_POST(self) -> None:
        self.handle_any("POST")

    def do_PUT(self) -> None:
        self.handle_any("PUT")

    def handle_any(self, method: str) -> None:
        if not self.server.admit():
            self.refuse()
            return
        proxy: FaultProxy = self.server.owner
        body = self.read_body()
        proxy.saw(Seen(method, urlsplit(self.path).path, self.headers.get("User-Agent", "")))
        is_checkpoint = method == "POST" and urlsplit(self.path).path.endswith("/checkpoint")
        if not is_checkpoint:
            self.relay(*self.forward(method, body))
            return
        request = json.loads(body or b"{}")
        record = proxy.next_checkpoint(request)
        fault = record.fault
        if fault == "500":
            self.service_error(500, "ServiceException", "injected before the server")
            return
        if fault == "429":
            self.service_error(429, "TooManyRequestsException", "injected throttle")
            return
        if fault == "reset":
            self.reset()
            return
        status, headers, answer = self.forward(method, body)
        record.forwarded = True
        record.upstream_status = status
        if status == 200:
            record.new_checkpoint_token = json.loads(answer).get("CheckpointToken")
        if fault == "500-after":
            self.service_error(500, "ServiceException", "injected after the server applied it")
        elif fault == "reset-after":
            self.reset()
        else:
            self.relay(status, headers, answer)

    def forward(self, method: str, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        proxy: FaultProxy = self.server.owner
        upstream = http.client.HTTPConnection(proxy.upstream.netloc, timeout=REQUEST_TIMEOUT)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            upstream.request(method, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            answer = response.read()
            kept = [
                (k, v)
                for k, v in response.getheaders()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            ]
            return response.status, kept, answer
        finally:
            upstream.close()

    def relay(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.reply(status, body, dict(headers))

    def service_error(self, status: int, code: str, message: str) -> None:
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": code}
        if status == 429:
            headers["Retry-After"] = "0"
        self.reply(status, json.dumps({"message": message}).encode(), headers)

    def reset(self) -> None:
        self.close_connection = True
        self.server.mark_reset(self.connection)


class FaultProxy:
    """Forwards to ``upstream``; the n-th checkpoint request (1-based) gets
    ``faults[n]``:

    - ``"500"``, ``"429"``, ``"reset"``: fails before the server sees it;
    - ``"500-after"``, ``"reset-after"``: the server applies it, then the
      client gets a 500 or a reset connection instead of the answer, so the
      client's retry reaches the server a second time.
    """

    def __init__(self, upstream: str, faults: Mapping[int, str]) -> None:
        unknown = set(faults.values()) - _ProxyHandler.FAULTS
        assert not unknown, f"unknown faults {unknown}"
        self.upstream = urlsplit(upstream)
        self.faults = dict(faults)
        self.checkpoints: list[Forwarded] = []
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        self._server = _Server(_ProxyHandler, self)

    @property
    def url(self) -> str:
        return self._server.url

    def saw(self, request: Seen) -> None:
        with self._lock:
            self.requests.append(request)

    def next_checkpoint(self, request: Mapping[str, Any]) -> Forwarded:
        with self._lock:
            index = len(self.checkpoints) + 1
            record = Forwarded(
                index=index,
                client_token=request.get("ClientToken"),
                checkpoint_token=request.get("CheckpointToken"),
                fault=self.faults.get(index),
                forwarded=False,
            )
            self.checkpoints.append(record)
        return record

    def __enter__(self) -> Self:
        self._server.begin()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()


__all__ = [
    "ACCOUNT_ID",
    "FUNCTION_NAME",
    "DurableTestServer",
    "FaultProxy",
    "Forwarded",
    "Invocation",
    "InvokeEndpoint",
    "Seen",
]
