"""The Durable Execution SDK's own test server, in a process of its own.

    python -m bench.durable_server --lambda-endpoint http://127.0.0.1:PORT [--keep-alive] [--max-seconds 600]

Runs the testing SDK's ``WebRunner`` (its local implementation of Lambda's
durable-execution APIs) on 127.0.0.1, invoking handlers at
``--lambda-endpoint``. Prints ``URL <url>`` once it serves, and exits on
SIGTERM/SIGINT or after ``--max-seconds`` at the latest. Kept out of the
measured process, so that the CPU a client spends per checkpoint is not
mixed with the server's.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from typing import Any


def keep_alive_handler() -> type:
    """The server's request handler speaking HTTP/1.1 with a Content-Length
    on every answer, so that clients keep their connection, as they do with
    Lambda. As shipped it answers HTTP/1.0 without a length: every call of
    every client then opens and closes a connection of its own."""
    from aws_durable_execution_sdk_python_testing.web.server import RequestHandler

    class KeepAliveHandler(RequestHandler):  # type: ignore[misc]
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; with Nagle's algorithm the
        # second waits for the client's delayed ACK (40 ms) on a kept connection.
        disable_nagle_algorithm = True

        def _send_response(self, response: Any) -> None:
            body = response.body_to_bytes() if response.body else b""
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

    return KeepAliveHandler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lambda-endpoint", required=True)
    parser.add_argument("--max-seconds", type=float, default=600.0)
    parser.add_argument(
        "--keep-alive", action="store_true", help="answer HTTP/1.1 and keep connections open"
    )
    args = parser.parse_args()

    from aws_durable_execution_sdk_python_testing import WebRunner, WebRunnerConfig
    from aws_durable_execution_sdk_python_testing.web.server import WebServiceConfig

    config = WebRunnerConfig(
        web_service=WebServiceConfig(host="127.0.0.1", port=0, log_level=logging.WARNING),
        lambda_endpoint=args.lambda_endpoint,
        local_runner_endpoint="http://127.0.0.1:0",
        # Waits complete on the runner's next turn instead of after their delay.
        skip_time=True,
        invocation_timeout_seconds=120,
    )
    runner = WebRunner(config)
    runner.start()
    # WebRunner has no public way to learn the port it bound or to stop
    # serve_forever(); both go through its HTTP server.
    server = runner._server
    assert server is not None
    if args.keep_alive:
        # socketserver builds one handler of this class per connection.
        server.RequestHandlerClass = keep_alive_handler()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=runner.serve_forever, daemon=True)
    thread.start()
    print(f"URL http://127.0.0.1:{server.server_address[1]}", flush=True)
    stop.wait(args.max_seconds)
    server.shutdown()
    runner.stop()


if __name__ == "__main__":
    main()
