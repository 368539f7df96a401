"""Real servers for the TLS and proxy tests: an aiohttp server on 127.0.0.1
behind a CA made at test time (trustme), recording what it receives."""

from __future__ import annotations

import contextlib
import json
import os
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from aiohttp import web

from lambda_client import ClientConfig, Credentials, LambdaClient

from .differential.server import ACCESS_KEY, REGION, SECRET_KEY, Canned, RecordingServer

FUNCTION_BODY = json.dumps({"Configuration": {"FunctionName": "f", "State": "Active"}}).encode()
OK = Canned(status=200, headers={"Content-Type": "application/json"}, body=FUNCTION_BODY)

# Variables that could route or trust differently on the machine running
# the tests; every test starts without them.
AMBIENT = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


class TlsServer(RecordingServer):
    """The recording server, over TLS when given a context."""

    def __init__(self, context: ssl.SSLContext | None) -> None:
        super().__init__()
        self.context = context

    async def start(self) -> None:
        server = web.Server(self._handle, handler_cancellation=True)
        self._runner = web.ServerRunner(server, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.context)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        scheme = "https" if self.context is not None else "http"
        self.url = f"{scheme}://{host}:{port}"
        self.answer(OK)


@contextlib.asynccontextmanager
async def serving(context: ssl.SSLContext | None) -> AsyncIterator[TlsServer]:
    server = TlsServer(context)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


class Pki:
    """A CA, a server certificate for 127.0.0.1, and files for both."""

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA()
        self.server_cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.ca_file = directory / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.client_cert = self.ca.issue_cert("client@example.com")
        self.client_pem = directory / "client.pem"
        self.client_cert.private_key_and_cert_chain_pem.write_to_path(str(self.client_pem))

    def server_context(self, *, require_client_cert: bool = False) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(context)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            self.ca.configure_trust(context)
        return context


def isolate(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """No AWS settings, proxies or CA overrides from the machine running the
    tests; empty config and credentials files in ``directory``."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.upper() in AMBIENT:
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(directory))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(directory / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(directory / "credentials"))


def client_for(url: str, **config: object) -> LambdaClient:
    return LambdaClient(
        region=REGION,
        endpoint_url=url,
        credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
        config=ClientConfig(max_attempts=1, read_timeout=15, connect_timeout=15, **config),  # type: ignore[arg-type]
    )
