"""One call: serialize -> attempt(sign -> send) -> classify -> deserialize.

The generated methods build a request object and hand it here with the
operation's descriptor; everything an operation does at run time happens
in this module, once for every operation.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from random import getrandbits as _random_bits
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

from .client_config import ClientConfig
from .credentials import Credentials, CredentialSource
from .exceptions import (
    ConfigError,
    FunctionUrlError,
    LambdaClientError,
    ServiceError,
    TransportError,
)
from .http import HttpRequest, HttpResponse, metadata_of, request_of
from .messages import Redactor, redact_service_error, safe_url, sensitive_values
from .payload_digest import OFF_LOOP_BYTES, sha256_off_loop
from .request_binding import request_plan, serialize_request
from .response_binding import parse_error, parse_output
from .retry import (
    AdaptiveRateLimiter,
    CallAttempts,
    Decision,
    RetryQuota,
    classify,
    next_step,
    server_clock_offset,
)
from .service_model import I, O, OperationSpec, ServiceSpec
from .signer import SigV4Signer
from .telemetry import CallWatch, Observer
from .transport import Transport
from .validate import validate

#: Seconds since the epoch; injectable so retry and signing tests are deterministic.
Clock = Callable[[], float]


@frozen
class Endpoint:
    scheme: str
    host: str
    base_path: str

    @classmethod
    def parse(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"endpoint URL must be http(s)://host[:port][/path], got {safe_url(url)!r}"
            )
        if parts.query or parts.fragment:
            raise ConfigError(f"endpoint URL must not have a query or fragment: {safe_url(url)!r}")
        return cls(parts.scheme, parts.netloc, parts.path.rstrip("/"))


Sleep = Callable[[float], Awaitable[None]]

_ATTEMPT_HEADERS: dict[tuple[int, int], str] = {}


def _attempt_header(attempt: int, max_attempts: int) -> str:
    """The ``amz-sdk-request`` value, made once per (attempt, limit)."""
    key = (attempt, max_attempts)
    value = _ATTEMPT_HEADERS.get(key)
    if value is None:
        value = f"attempt={attempt}; max={max_attempts}"
        if len(_ATTEMPT_HEADERS) < 256:
            _ATTEMPT_HEADERS[key] = value
    return value


# ``amz-sdk-invocation-id`` values: text in the form of a version 4 UUID
# whose first 74 random bits are drawn once per process and whose last 48
# count up from a random start. An identifier, not a secret: what it must
# be is distinct, which a counter under a random prefix is (within a process
# for 2**48 calls, across processes with the odds of two random UUIDs), for
# a quarter of the cost of formatting 128 fresh random bits per call. A forked
# child draws its own prefix, so it never repeats its parent's ids.
_ID_MASK = (1 << 48) - 1
_id_prefix = ""
_next_id: Callable[[], int] = itertools.count().__next__


def _draw_id_prefix() -> None:
    global _id_prefix, _next_id
    h = f"{_random_bits(80):020x}"
    # The version (4) and variant (RFC 4122) digits of a random UUID.
    variant = "89ab"[int(h[16], 16) & 3]
    _id_prefix = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-"
    _next_id = itertools.count(_random_bits(48)).__next__


_draw_id_prefix()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_draw_id_prefix)


def _invocation_id() -> str:
    # count's __next__ is one C call: threads (inline calls) never share a value.
    return _id_prefix + "%012x" % (_next_id() & _ID_MASK)


class Pipeline:
    def __init__(
        self,
        *,
        service: ServiceSpec,
        transport: Transport,
        signer: SigV4Signer,
        credentials: CredentialSource,
        endpoint: Endpoint,
        config: ClientConfig,
        user_agent: str,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.service = service
        self.transport = transport
        self.signer = signer
        self.credentials: CredentialSource = credentials
        self.endpoint = endpoint
        self.config = config
        self.user_agent = user_agent
        self.clock: Clock = clock or time.time
        self.sleep: Sleep = sleep or asyncio.sleep
        #: Bodies of this size and up are hashed in a worker thread, not on the loop.
        self.off_loop_bytes = OFF_LOOP_BYTES
        self.max_attempts = config.resolved_max_attempts()
        self.read_timeout = config.effective_read_timeout(invoke=False)
        self.invoke_read_timeout = config.effective_read_timeout(invoke=True)
        self.quota = RetryQuota()
        self.limiter = (
            AdaptiveRateLimiter(self.clock) if config.resolved_retry_mode() == "adaptive" else None
        )
        # Lambda's recursion detection follows X-Amzn-Trace-Id from a function
        # that calls Lambda; the runtime sets a new _X_AMZN_TRACE_ID per
        # invocation, so only whether we run inside Lambda is fixed.
        self.in_lambda = "AWS_LAMBDA_FUNCTION_NAME" in os.environ
        #: Seconds between the local clock and the service's, learned from a
        #: signature-time error; every later request is signed with it.
        self.clock_offset = 0.0
        #: Logs and telemetry; its hooks below are skipped when nothing listens.
        self.observer = Observer(
            config=config,
            endpoint=endpoint,
            region=signer.region,
            max_attempts=self.max_attempts,
            in_lambda=self.in_lambda,
        )

    def prepare(self, op: OperationSpec[Any, Any], request: Any) -> HttpRequest:
        """Fill idempotency tokens, validate and serialize: everything that
        happens once per call, before the first attempt."""
        for attr in request_plan(type(request)).idempotency_tokens:
            if getattr(request, attr) is None:
                # One token per call; every attempt of the call reuses it.
                setattr(request, attr, str(uuid.uuid4()))
        config = self.config
        # The generated check and serializer (codegen/writers.py) answer for
        # requests of the exact types within the model's limits; anything
        # else goes through the validator and the general serializer, which
        # decide and word every problem. A subclass inherits a check and a
        # writer that know nothing of its own members.
        fast = type(request) is op.input_type and request._valid(config.strict_enums)
        if not fast and config.validate_params:
            validate(op.name, request, strict_enums=config.strict_enums)
        endpoint = self.endpoint
        parts = request._to_http() if fast else None
        if parts is None:
            http = serialize_request(
                op,
                request,
                scheme=endpoint.scheme,
                host=endpoint.host,
                base_path=endpoint.base_path,
            )
        else:
            path, query, headers, body = parts
            http = request_of(
                op.http_method,
                endpoint.scheme,
                endpoint.host,
                endpoint.base_path + path,
                query,
                headers,
                body,
            )
        headers = http.headers
        headers["user-agent"] = self.user_agent
        headers["amz-sdk-invocation-id"] = _invocation_id()
        if self.in_lambda:
            trace_id = os.environ.get("_X_AMZN_TRACE_ID")
            if trace_id:
                headers.setdefault("x-amzn-trace-id", trace_id)
        return http

    def send_once(
        self, op: OperationSpec[Any, Any], http: HttpRequest, watch: CallWatch | None = None
    ) -> Awaitable[HttpResponse]:
        """Sign and send one attempt.

        With the credentials at hand and a body small enough to hash on the
        loop, this signs at once and returns the transport's own coroutine:
        a call's task then runs one coroutine fewer at every step it takes.
        """
        credentials = self.credentials.ready()
        if credentials is None or len(http.body) >= self.off_loop_bytes:
            return self._send_after_waiting(op, http, watch)
        if watch is not None:
            watch.signing()
        return self._sign_and_send(op, http, credentials, None, watch)

    async def _send_after_waiting(
        self, op: OperationSpec[Any, Any], http: HttpRequest, watch: CallWatch | None
    ) -> HttpResponse:
        credentials = self.credentials.ready() or await self.credentials.get()
        if watch is not None:
            watch.signing()
        body = http.body
        # A large payload is hashed off the loop (payload_digest.py); as part
        # of signing, it counts in the watch's signing time.
        digest = await sha256_off_loop(body) if len(body) >= self.off_loop_bytes else None
        return await self._sign_and_send(op, http, credentials, digest, watch)

    def _sign_and_send(
        self,
        op: OperationSpec[Any, Any],
        http: HttpRequest,
        credentials: Credentials,
        digest: str | None,
        watch: CallWatch | None,
    ) -> Awaitable[HttpResponse]:
        self.signer.sign(
            http, credentials, now=self.clock() + self.clock_offset, payload_hash=digest
        )
        if watch is not None:
            watch.signed()
        return self.transport.send(
            http,
            read_timeout=self.invoke_read_timeout if op.invokes_function else self.read_timeout,
            stream=op.streaming_output,
        )

    def _redactor(self, http: HttpRequest, request: object) -> Callable[[], Redactor]:
        """What cleans service text of this call's secrets. Only an error
        answer needs one, so it is made on demand, for the attempt at hand
        (each is signed anew); the sensitive members are read once."""
        members: list[str] | None = None

        def make() -> Redactor:
            nonlocal members
            if members is None:
                members = sensitive_values(request)
            return Redactor.for_call(self.credentials.ready(), http, members)

        return make

    async def call(self, op: OperationSpec[I, O], request: I) -> O:
        http = self.prepare(op, request)
        # Made when first needed: by a streamed output, or an error answer.
        redactor: Callable[[], Redactor] | None = None
        watch = self.observer.begin(op, request, http)
        max_attempts = self.max_attempts
        attempts = CallAttempts(max_attempts)
        while True:
            attempts.attempt += 1
            attempt = attempts.attempt
            http.headers["amz-sdk-request"] = _attempt_header(attempt, max_attempts)
            if self.limiter is not None:
                await self._rate_limit(self.limiter, watch)
            sent_at = self.clock()
            error: LambdaClientError
            try:
                response = await self.send_once(op, http, watch)
                if watch is not None:
                    watch.received(response)
                if 200 <= response.status < 300:
                    if self.limiter is not None:
                        self.limiter.record(throttled=False)
                    quota = self.quota
                    spent = attempts.spent
                    if spent or quota.available < quota.capacity:
                        # A full quota with nothing spent gains nothing.
                        quota.release(spent)
                    if op.streaming_output:
                        redactor = redactor or self._redactor(http, request)
                    try:
                        output: O = parse_output(op, response, self.service.error_classes, redactor)
                    except BaseException:
                        if response.stream is not None:
                            await response.stream.aclose()
                        raise
                    if output is not None:
                        headers = response.headers
                        output.response_metadata = metadata_of(  # type: ignore[attr-defined]
                            headers.get("x-amzn-requestid"),
                            response.status,
                            headers,
                            attempt,
                            attempts.total_delay,
                            http.headers["amz-sdk-invocation-id"],
                            max_attempts,
                        )
                    if watch is not None:
                        watch.succeeded(output, attempt, max_attempts)
                    return output
                # Reading a streamed error body can fail too; that failure is
                # classified like any other transport error of this attempt.
                error = await self.error_for(op, response)
                # Services quote requests back (a signature mismatch answer
                # carries the canonical request, session token included).
                redactor = redactor or self._redactor(http, request)
                redact_service_error(error, redactor())
            except TransportError as e:
                error = e
            except BaseException as e:
                if watch is not None:
                    watch.escaped(e, attempt)
                raise
            decision = classify(op, error, retry_sent_invokes=self.config.retry_sent_invokes)
            if self.limiter is not None:
                self.limiter.record(throttled=decision.kind == "throttle")
            await self.after_failure(
                attempts,
                error,
                decision,
                sent_at,
                operation=op.name,
                watch=watch,
                stopped=functools.partial(
                    self.observer.stopped, op, request, http, error, decision
                ),
            )

    async def after_failure(
        self,
        attempts: CallAttempts,
        error: LambdaClientError,
        decision: Decision,
        sent_at: float,
        *,
        operation: str,
        watch: CallWatch | None = None,
        stopped: Callable[[str], None] | None = None,
    ) -> None:
        """The end of a failed attempt, for API calls and function-URL
        requests alike: learn the server's clock from a clock-skew refusal,
        decide (`retry.next_step`), then raise ``error`` with how the call
        went, or wait before the next attempt. ``stopped`` hears why the
        call gives up."""
        offset = None
        if decision.kind == "skew" and isinstance(error, (ServiceError, FunctionUrlError)):
            offset = server_clock_offset(error.headers.get("date"), sent_at, self.clock())
            if offset is not None:
                # Kept even when this call may not retry (its attempts are
                # used up): the client's later calls are then signed right.
                self.clock_offset = offset
                self.observer.clock_corrected(operation, offset, error)
        stop, delay = next_step(
            decision,
            attempts,
            self.quota,
            retry_after_cap=self.config.retry_after_cap,
            offset=offset,
        )
        attempt, max_attempts = attempts.attempt, attempts.max_attempts
        if watch is not None:
            watch.failed(error, decision, attempt, max_attempts, stop, delay)
        if stop is not None:
            if stopped is not None:
                stopped(stop)
            error.attempts = attempt
            error.max_attempts = max_attempts
            error.retry_stop_reason = stop
            error.add_note(f"lambda_client: {attempt} attempt(s) made; stopped: {stop}")
            raise error
        if delay > 0:
            attempts.total_delay += delay
            await (self.sleep(delay) if watch is None else watch.wait(self.sleep, delay))

    async def _rate_limit(self, limiter: AdaptiveRateLimiter, watch: CallWatch | None) -> None:
        while (wait := limiter.delay_before_send()) > 0:
            if watch is None:
                await self.sleep(wait)
            else:
                await watch.wait(self.sleep, wait, backoff=False)

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
        return parse_error(op, response, self.service.error_classes)
