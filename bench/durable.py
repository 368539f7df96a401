"""The durable-execution backend against the Durable Execution SDK's own boto3 client.

    python -m bench.durable --client lambda_client|boto3 [--checkpoints 200] [--pages 50]

One client per process. The SDK's test server (``bench.durable_server``)
runs in a process of its own and invokes handlers at a small Lambda Invoke
endpoint in this one, so the CPU measured here is the client's and the
SDK's, never the server's. Two measurements:

- **Per checkpoint and per state page.** A handler invoked by the server
  takes the execution's ARN and checkpoint token from its event and calls
  the client's ``checkpoint`` (a step's START and SUCCEED, the way the SDK
  checkpoints a step; each answer's token feeds the next) and then
  ``get_execution_state`` for pages of ``--page-size`` operations, through
  the SDK's ``DurableServiceClient`` protocol that both clients implement:
  ``DurableServiceBackend`` and the SDK's default client
  (``LambdaClient.initialize_client()``, boto3 with the SDK's own config).
  The process's CPU time over the calls, divided by their number.
- **A handler through the test server.** A durable workflow (steps, a wait,
  more steps) started on the server and run to completion, the SDK given
  either ``boto3_client=DurableServiceBackend(...)`` or nothing (its default
  boto3 client). Reported: the handler's own wall time summed over its
  invocations, and the execution's wall time from start to the invocation
  that completed it, median over ``--executions``.

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from . import fixtures

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_ID = "123456789012"
#: Seconds any one wait here may take before the run is abandoned.
DEADLINE = 120.0

Handler = Callable[[Any, Any], Any]

#: ``floor`` measures per call only: it is no client the SDK could be given.
CLIENTS = ("floor", "lambda_client", "boto3")


# -- the Lambda Invoke endpoint the test server calls ---------------------------------


class _InvokeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _InvokeServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        event = json.loads(self.rfile.read(length) or b"{}")
        parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
        handler = self.server.handlers.get(parts[2].split(":")[0]) if len(parts) == 4 else None
        if handler is None:
            self._reply(404, {"message": "no such function"}, {})
            return
        from aws_durable_execution_sdk_python_testing.invoker import create_test_lambda_context

        context = create_test_lambda_context(account_id=ACCOUNT_ID, function_name=parts[2])
        started = time.perf_counter()
        try:
            output = handler(event, context)
        except Exception as e:
            self.server.errors.put(f"{type(e).__name__}: {e}")
            error = {"errorMessage": str(e), "errorType": type(e).__name__}
            self._reply(200, error, {"X-Amz-Function-Error": "Unhandled"})
            return
        self.server.invocations.put((event.get("DurableExecutionArn"), started, output))
        self._reply(200, output, {})

    def _reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Amz-Executed-Version", "$LATEST")
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _InvokeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _InvokeHandler)
        self.handlers: dict[str, Handler] = {}
        #: (execution ARN, start of the invocation, handler output) per invocation.
        self.invocations: queue.Queue[tuple[str | None, float, Any]] = queue.Queue()
        self.errors: queue.Queue[str] = queue.Queue()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def _stack(env: dict[str, str], keep_alive: bool) -> Iterator[tuple[_InvokeServer, str]]:
    """The Invoke endpoint here, the SDK's test server in its own process."""
    endpoint = _InvokeServer()
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "bench.durable_server", "--lambda-endpoint", endpoint.url),
            *(["--keep-alive"] if keep_alive else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("URL "):
            raise RuntimeError(f"durable test server did not start: {line!r}")
        yield endpoint, line.split()[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        endpoint.shutdown()
        endpoint.server_close()


def _start_execution(runner: str, function: str, name: str, payload: Any) -> str:
    body = {
        "AccountId": ACCOUNT_ID,
        "FunctionName": function,
        "FunctionQualifier": "$LATEST",
        "ExecutionName": name,
        "ExecutionTimeoutSeconds": 300,
        "ExecutionRetentionPeriodDays": 1,
        "Input": json.dumps(payload),
    }
    request = urllib.request.Request(  # noqa: S310 - the local server's URL
        f"{runner}/start-durable-execution",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        arn: str = json.loads(response.read())["ExecutionArn"]
    return arn


# -- the clients ---------------------------------------------------------------------


def _with_datetimes(value: Any) -> Any:
    """The JSON answer as boto3 hands it over: ``...Timestamp`` members as aware datetimes."""
    if isinstance(value, dict):
        return {
            k: datetime.fromtimestamp(v, UTC)
            if k.endswith("Timestamp") and isinstance(v, (int, float))
            else _with_datetimes(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_with_datetimes(v) for v in value]
    return value


class FloorClient:
    """The least a synchronous DurableServiceClient must do per call: sign
    with SigV4 (this project's signer), send one request with the standard
    library's ``http.client``, JSON in and out, and hand the SDK what boto3
    would (its own ``from_dict``). No validation, retries, pooling or error
    mapping; the bound below which no client can go on this server."""

    def __init__(self, runner: str, keep_alive: bool) -> None:
        from lambda_client import Credentials
        from lambda_client._runtime.signer import SigV4Signer

        self._keep_alive = keep_alive
        self._connection: Any = None
        self._host = urlsplit(runner).netloc
        self._signer = SigV4Signer(service="lambda", region=fixtures.REGION)
        self._credentials = Credentials(
            access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
        )

    def _call(self, method: str, path: str, query: str, body: bytes) -> Any:
        import http.client

        from lambda_client._runtime.http import HttpRequest

        headers = {"content-type": "application/json"} if body else {}
        request = HttpRequest(
            method=method,
            scheme="http",
            host=self._host,
            path=path,
            query=query,
            headers=headers,
            body=body,
        )
        self._signer.sign(request, self._credentials)
        connection = self._connection or http.client.HTTPConnection(self._host, timeout=30)
        try:
            connection.request(method, request.url.partition(self._host)[2], body, request.headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            if self._keep_alive:
                self._connection = connection
            else:
                connection.close()
        if response.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {response.status} {data[:200]!r}")
        return _with_datetimes(json.loads(data))

    def checkpoint(
        self, durable_execution_arn: str, checkpoint_token: str, updates: Any, client_token: Any
    ) -> Any:
        from aws_durable_execution_sdk_python.lambda_service import CheckpointOutput

        document: dict[str, Any] = {
            "CheckpointToken": checkpoint_token,
            "Updates": [u.to_dict() for u in updates],
        }
        if client_token is not None:
            document["ClientToken"] = client_token
        arn = quote(durable_execution_arn, safe="")
        path = f"/2025-12-01/durable-executions/{arn}/checkpoint"
        return CheckpointOutput.from_dict(
            self._call("POST", path, "", json.dumps(document).encode())
        )

    def get_execution_state(
        self, durable_execution_arn: str, checkpoint_token: str, next_marker: str, max_items: int
    ) -> Any:
        from aws_durable_execution_sdk_python.lambda_service import StateOutput

        arn = quote(durable_execution_arn, safe="")
        query = urlencode(
            {"CheckpointToken": checkpoint_token, "Marker": next_marker, "MaxItems": max_items},
            quote_via=quote,
        )
        path = f"/2025-12-01/durable-executions/{arn}/state"
        return StateOutput.from_dict(self._call("GET", path, query, b""))


def _protocol_client(kind: str, runner: str, keep_alive: bool) -> tuple[Any, Callable[[], None]]:
    """A DurableServiceClient for ``kind`` talking to ``runner``, and how to close it."""
    if kind == "floor":
        return FloorClient(runner, keep_alive), lambda: None
    if kind == "boto3":
        from aws_durable_execution_sdk_python.lambda_service import LambdaClient

        # The SDK builds its client from the environment (set in main()).
        client = LambdaClient.initialize_client()
        return client, lambda: None
    from lambda_client import Credentials
    from lambda_client.durable import DurableServiceBackend

    backend = DurableServiceBackend(
        region=fixtures.REGION,
        endpoint_url=runner,
        credentials=Credentials(
            access_key_id=fixtures.ACCESS_KEY_ID, secret_access_key=fixtures.SECRET_ACCESS_KEY
        ),
    )
    return backend, backend.close


def _step_updates(index: int) -> list[Any]:
    from aws_durable_execution_sdk_python.identifier import OperationIdentifier
    from aws_durable_execution_sdk_python.lambda_service import (
        OperationSubType,
        OperationType,
        OperationUpdate,
    )

    identifier = OperationIdentifier(
        operation_id=f"bench-step-{index:06d}",
        sub_type=OperationSubType.STEP.value,
        name=f"step {index}",
        operation_type=OperationType.STEP,
    )
    return [
        OperationUpdate.create_step_start(identifier),
        OperationUpdate.create_step_succeed(identifier, json.dumps({"n": index, "ok": True})),
    ]


def per_call(
    client: Any, endpoint: _InvokeServer, runner: str, checkpoints: int, pages: int, page_size: int
) -> dict[str, Any]:
    """CPU per checkpoint and per state page, in a handler the server invokes."""
    results: queue.Queue[dict[str, Any]] = queue.Queue()
    warmup = 10

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        arn, token = event["DurableExecutionArn"], event["CheckpointToken"]
        for i in range(warmup):
            token = client.checkpoint(arn, token, _step_updates(i), None).checkpoint_token
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for i in range(warmup, warmup + checkpoints):
            token = client.checkpoint(arn, token, _step_updates(i), None).checkpoint_token
        cpu1, wall1 = time.process_time(), time.perf_counter()
        sizes = []
        for _ in range(pages):
            state = client.get_execution_state(arn, token, "", page_size)
            sizes.append(len(state.operations))
        cpu2, wall2 = time.process_time(), time.perf_counter()
        results.put(
            {
                "checkpoints": checkpoints,
                "checkpoint_cpu_us": (cpu1 - cpu0) / checkpoints * 1e6,
                "checkpoint_wall_us": (wall1 - wall0) / checkpoints * 1e6,
                "pages": pages,
                "page_operations": statistics.median(sizes),
                "page_cpu_us": (cpu2 - cpu1) / pages * 1e6,
                "page_wall_us": (wall2 - wall1) / pages * 1e6,
            }
        )
        return {"Status": "SUCCEEDED", "Result": json.dumps({"checkpoints": checkpoints})}

    endpoint.handlers["bench-direct"] = handler
    _start_execution(runner, "bench-direct", "direct", {})
    try:
        return results.get(timeout=DEADLINE)
    except queue.Empty:
        raise RuntimeError(_errors(endpoint, "the per-call handler never reported")) from None


def _errors(endpoint: _InvokeServer, what: str) -> str:
    errors = []
    while not endpoint.errors.empty():
        errors.append(endpoint.errors.get())
    return f"{what}; handler errors: {errors}"


def workflow_steps() -> int:
    return 10


def _workflow(event: Any, context: Any) -> dict[str, Any]:
    from aws_durable_execution_sdk_python.config import Duration

    total = 0
    for i in range(workflow_steps()):
        total += context.step(lambda _, i=i: i * 2, name=f"before-{i}")
    context.wait(Duration.from_seconds(1), name="pause")
    for i in range(workflow_steps()):
        total += context.step(lambda _, i=i: i * 3, name=f"after-{i}")
    return {"total": total}


def through_runner(
    kind: str, backend: Any, endpoint: _InvokeServer, runner: str, executions: int
) -> dict[str, Any]:
    """The workflow's handler and execution wall times, per execution."""
    from aws_durable_execution_sdk_python import durable_execution

    handler = durable_execution(_workflow) if kind == "boto3" else None
    if handler is None:
        handler = durable_execution(_workflow, boto3_client=backend)

    def timed(event: Any, context: Any) -> Any:
        started = time.perf_counter()
        output = handler(event, context)
        spent[event["DurableExecutionArn"]] = (
            spent.get(event["DurableExecutionArn"], 0.0) + time.perf_counter() - started
        )
        return output

    spent: dict[str, float] = {}
    endpoint.handlers["bench-workflow"] = timed
    handler_ms, execution_ms, invocations = [], [], []
    for n in range(executions + 1):  # the first one warms up
        while not endpoint.invocations.empty():
            endpoint.invocations.get()
        started = time.perf_counter()
        arn = _start_execution(runner, "bench-workflow", f"workflow-{n}", {})
        count = 0
        while True:
            try:
                seen, _, output = endpoint.invocations.get(timeout=DEADLINE)
            except queue.Empty:
                raise RuntimeError(_errors(endpoint, f"execution {arn} never finished")) from None
            if seen != arn:
                continue
            count += 1
            status = output.get("Status")
            if status == "SUCCEEDED":
                break
            if status not in ("PENDING", None):
                raise RuntimeError(f"execution {arn} ended {status}: {output}")
        finished = time.perf_counter()
        if n:
            execution_ms.append((finished - started) * 1e3)
            handler_ms.append(spent[arn] * 1e3)
            invocations.append(count)
    return {
        "executions": executions,
        "steps": 2 * workflow_steps(),
        "invocations": statistics.median(invocations),
        "handler_ms": statistics.median(handler_ms),
        "execution_ms": statistics.median(execution_ms),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=CLIENTS, required=True)
    parser.add_argument("--checkpoints", type=int, default=200)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--executions", type=int, default=5)
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="the test server answers HTTP/1.1 and keeps connections, as Lambda does",
    )
    args = parser.parse_args(argv)
    # The SDK's default client reads its endpoint, region and keys here,
    # as it would inside Lambda; the server process gets the same.
    os.environ.update(
        AWS_REGION=fixtures.REGION,
        AWS_DEFAULT_REGION=fixtures.REGION,
        AWS_ACCESS_KEY_ID=fixtures.ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY=fixtures.SECRET_ACCESS_KEY,
    )
    with _stack(dict(os.environ), args.keep_alive) as (endpoint, runner):
        os.environ["AWS_ENDPOINT_URL_LAMBDA"] = runner
        client, close = _protocol_client(args.client, runner, args.keep_alive)
        try:
            result = {
                "client": args.client,
                "keep_alive": args.keep_alive,
                "per_call": per_call(
                    client, endpoint, runner, args.checkpoints, args.pages, args.page_size
                ),
                "through_runner": None
                if args.client == "floor"
                else through_runner(args.client, client, endpoint, runner, args.executions),
            }
        finally:
            close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
