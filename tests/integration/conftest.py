"""One moto server for the integration session, on 127.0.0.1 and a free port.

Lambda runs in moto's docker-free mode: moto 5.2 invokes functions in Docker
containers unless its process-wide config says ``{"lambda": {"use_docker":
False}}``, which a server takes through ``POST /moto-api/config``. There is no
Docker engine on the machines this suite runs on, and the docker-free backend
(``moto.awslambda_simple``) echoes the request payload back (or a result queued
through ``/moto-api/static/lambda-simple/response``), which is all a client
test needs.

A test that asks for ``moto_env`` (or for ``client``, which needs it) starts
from an empty server (``/moto-api/reset``) with dummy credentials and a region
in the environment, so the client under test resolves them the way a user's
client does.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import botocore.session
import pytest
from moto.server import ThreadedMotoServer

from lambda_client import ClientConfig, LambdaClient

REGION = "eu-west-1"
# moto's default account; the dummy credentials below map to it.
ACCOUNT = "123456789012"
ACCESS_KEY = "testing"
SECRET_KEY = "testing"
# A safety net for a run whose session teardown never comes (a hung test, a
# killed worker): the server shuts itself down after this many seconds.
SERVER_LIFETIME = 1800.0
ASSUME_ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def moto_api(base_url: str, path: str, body: Any) -> Any:
    """POST to moto's own control API (not an AWS API; unsigned)."""
    request = urllib.request.Request(  # noqa: S310 - the URL is the local server's
        f"{base_url}/moto-api/{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        raw = response.read()
    return json.loads(raw) if raw else None


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    # werkzeug logs every request at INFO; a failing test's report would be
    # mostly access lines.
    access_log = logging.getLogger("werkzeug")
    previous_level = access_log.level
    access_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    watchdog = threading.Timer(SERVER_LIFETIME, server.stop)
    watchdog.daemon = True
    watchdog.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        config = moto_api(url, "config", {"lambda": {"use_docker": False}})
        assert config["lambda"]["use_docker"] is False
        yield url
    finally:
        watchdog.cancel()
        try:
            # The config lives in this process, not in the server: put moto's
            # default back for anything else that uses moto in this session.
            moto_api(url, "config", {"lambda": {"use_docker": True}})
        finally:
            server.stop()
            access_log.setLevel(previous_level)


@pytest.fixture
def moto_control(moto_url: str) -> Callable[[str, Any], Any]:
    """``moto_control(path, body)`` posts to the server's ``/moto-api/<path>``."""
    return functools.partial(moto_api, moto_url)


@pytest.fixture
def moto_env(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty moto and an environment that points a default client at it.

    Opt-in (``usefixtures``), not autouse: other integration tests in this
    directory run their own servers and must not pay for or see moto.
    """
    # Only what this test sets may reach the client: no profile, no shared
    # files, no endpoint or retry settings from the machine running the suite.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    moto_api(moto_url, "reset", {})


@dataclass(frozen=True)
class AwsClients:
    """botocore clients for the other services the tests need."""

    iam: Any
    sqs: Any


@pytest.fixture(scope="session")
def aws(moto_url: str) -> Iterator[AwsClients]:
    # Made once: loading the services' models is the slow part.
    session = botocore.session.Session()

    def make(service: str) -> Any:
        return session.create_client(
            service,
            region_name=REGION,
            endpoint_url=moto_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    clients = AwsClients(iam=make("iam"), sqs=make("sqs"))
    yield clients
    clients.iam.close()
    clients.sqs.close()


@pytest.fixture
def role_arn(moto_env: None, aws: AwsClients) -> str:
    # moto refuses CreateFunction unless the execution role exists in its IAM.
    role = aws.iam.create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=ASSUME_ROLE_POLICY)
    arn: str = role["Role"]["Arn"]
    return arn


@pytest.fixture
async def client(moto_env: None, moto_url: str) -> AsyncIterator[LambdaClient]:
    # One attempt: a moto error must surface as the test's failure, not be
    # retried away; region and credentials come from the environment.
    async with LambdaClient(endpoint_url=moto_url, config=ClientConfig(max_attempts=1)) as c:
        yield c
