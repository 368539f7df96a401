"""One call: serialize -> attempt(sign -> send) -> classify -> deserialize.

The generated methods build a request object and hand it here with the
operation's descriptor; everything an operation does at run time happens
in this module, once for all 88 operations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from attrs import frozen

from ..config import ClientConfig
from ..credentials import CredentialResolver
from .exceptions import ConfigError, ServiceError
from .http import HttpRequest, HttpResponse
from .operation import OperationSpec
from .restjson import parse_error, parse_output, request_plan, serialize_request
from .signer import SigV4Signer
from .transport import Transport
from .validate import validate

I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@frozen
class Endpoint:
    scheme: str
    host: str
    base_path: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"endpoint URL must be http(s)://host[:port][/path], got {url!r}")
        if parts.query or parts.fragment:
            raise ConfigError(f"endpoint URL must not have a query or fragment: {url!r}")
        return cls(parts.scheme, parts.netloc, parts.path.rstrip("/"))


class Pipeline:
    def __init__(
        self,
        *,
        transport: Transport,
        signer: SigV4Signer,
        credentials: CredentialResolver,
        endpoint: Endpoint,
        config: ClientConfig,
        user_agent: str,
        clock: Clock = _utc_now,
    ) -> None:
        self.transport = transport
        self.signer = signer
        self.credentials = credentials
        self.endpoint = endpoint
        self.config = config
        self.user_agent = user_agent
        self.clock = clock

    def prepare(self, op: OperationSpec[Any, Any], request: Any) -> HttpRequest:
        """Fill idempotency tokens, validate and serialize: everything that
        happens once per call, before the first attempt."""
        for attr in request_plan(type(request)).idempotency_tokens:
            if getattr(request, attr) is None:
                # One token per call; every attempt of the call reuses it.
                setattr(request, attr, str(uuid.uuid4()))
        if self.config.validate_params:
            validate(op.name, request)
        endpoint = self.endpoint
        http = serialize_request(
            op, request, scheme=endpoint.scheme, host=endpoint.host, base_path=endpoint.base_path
        )
        headers = http.headers
        headers["user-agent"] = self.user_agent
        headers["amz-sdk-invocation-id"] = str(uuid.uuid4())
        trace_id = _recursion_trace_id()
        if trace_id is not None:
            headers.setdefault("x-amzn-trace-id", trace_id)
        return http

    async def send_once(self, op: OperationSpec[Any, Any], http: HttpRequest) -> HttpResponse:
        """Sign and send one attempt."""
        credentials = await self.credentials.get()
        self.signer.sign(http, credentials, now=self.clock())
        read_timeout = self.config.effective_read_timeout(invoke=op.invokes_function)
        return await self.transport.send(
            http, read_timeout=read_timeout, stream=op.streaming_output
        )

    async def call(self, op: OperationSpec[I, O], request: I) -> O:
        http = self.prepare(op, request)
        response = await self.send_once(op, http)
        return await self.finish(op, response)

    async def finish(self, op: OperationSpec[I, O], response: HttpResponse) -> O:
        if 200 <= response.status < 300:
            output: O = parse_output(op, response)
            return output
        raise await self.error_for(op, response)

    async def error_for(self, op: OperationSpec[Any, Any], response: HttpResponse) -> ServiceError:
        if response.stream is not None:
            # An error answer to a streaming call is an ordinary JSON body.
            chunks = []
            try:
                async for chunk in response.stream.iter_chunks():
                    chunks.append(chunk)
            finally:
                await response.stream.aclose()
            response = HttpResponse(
                status=response.status, headers=response.headers, body=b"".join(chunks)
            )
        return parse_error(op, response)


def _recursion_trace_id() -> str | None:
    # Lambda's recursion detection follows X-Amzn-Trace-Id from a function
    # that calls Lambda; the runtime exposes it in _X_AMZN_TRACE_ID.
    if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
        return None
    trace = os.environ.get("_X_AMZN_TRACE_ID")
    return trace or None
