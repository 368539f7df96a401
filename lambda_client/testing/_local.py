"""A local Lambda endpoint for tests, demos and notebooks.

`LocalLambda` runs moto's server in this process on 127.0.0.1 in its
Docker-free mode: functions are stored and managed like real ones, and an
invocation returns its payload. It needs ``moto[server]``, which is not a
dependency of lambda_client; install it where you use this.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from types import TracebackType
from typing import Any, Self

from .._runtime.exceptions import ConfigError
from ..credentials import Credentials

#: moto accepts any credentials; these make that explicit.
LOCAL_CREDENTIALS = Credentials(access_key_id="local", secret_access_key="local")  # noqa: S106
LOCAL_REGION = "us-east-1"

_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


class LocalLambda:
    """``with LocalLambda() as local: LambdaClient(**local.client_args())``."""

    def __init__(self) -> None:
        self._server: Any = None
        self.url = ""

    def start(self) -> str:
        """Start the server; returns its URL."""
        try:
            from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        except ImportError as e:
            raise ConfigError("LocalLambda needs moto: pip install 'moto[server]'") from e
        # Its per-request access log would drown the caller's output.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self.url = f"http://{host}:{port}"
        # moto runs functions in Docker unless told otherwise; there may be none.
        body = json.dumps({"lambda": {"use_docker": False}}).encode()
        config_url = f"{self.url}/moto-api/config"
        request = urllib.request.Request(config_url, data=body, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 - our loopback server
            pass
        return self.url

    def client_args(self) -> dict[str, Any]:
        """Keyword arguments for LambdaClient / BlockingLambdaClient."""
        return {"region": LOCAL_REGION, "endpoint_url": self.url, "credentials": LOCAL_CREDENTIALS}

    def execution_role(self, name: str = "lambda-client-local") -> str:
        """ARN of an IAM role functions can use (moto checks that it exists)."""
        import botocore.session

        iam = botocore.session.get_session().create_client(
            "iam",
            region_name=LOCAL_REGION,
            endpoint_url=self.url,
            aws_access_key_id=LOCAL_CREDENTIALS.access_key_id,
            aws_secret_access_key=LOCAL_CREDENTIALS.secret_access_key,
        )
        try:
            role = iam.get_role(RoleName=name)
        except iam.exceptions.NoSuchEntityException:
            role = iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=json.dumps(_TRUST_POLICY)
            )
        arn: str = role["Role"]["Arn"]
        return arn

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
