"""The attempts of one function-URL call: sign, send, classify, wait.

The loop has the pipeline's shape and uses the pipeline's parts (its
transport, credentials, clock and clock offset, sleep, retry quota and
backoff), and ends a failed attempt with the pipeline's own
`Pipeline.after_failure`; only what may be sent again differs
(function_url_retry.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .exceptions import LambdaClientError, TransportError
from .function_url_retry import classify, make_error, read_limit
from .http import HttpRequest, HttpResponse
from .retry import CallAttempts
from .signer import SigV4Signer

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

    from .pipeline import Pipeline

__all__ = ["OPERATION", "Answer", "exchange"]

#: The operation name function-URL requests have in log records.
OPERATION = "FunctionUrl"


def case_insensitive(headers: Mapping[str, str]) -> CIMultiDictProxy[str]:
    # Only called once a response exists, so aiohttp (and multidict with it)
    # is already loaded; building a client imports neither.
    from multidict import CIMultiDict, CIMultiDictProxy

    if isinstance(headers, CIMultiDictProxy):
        return headers
    return CIMultiDictProxy(CIMultiDict(headers))


class Answer:
    """A response the call returns, with what it took to get it."""

    __slots__ = ("attempts", "headers", "raw")

    def __init__(self, raw: HttpResponse, headers: CIMultiDictProxy[str], attempts: int) -> None:
        self.raw = raw
        self.headers = headers
        self.attempts = attempts


async def _error_body(raw: HttpResponse, limit: int) -> bytes:
    """At most ``limit`` bytes of an error body; a streamed one is closed
    after that, and a connection cut midway leaves what had arrived."""
    stream = raw.stream
    if stream is None:
        return raw.body[:limit]
    chunks: list[bytes] = []
    size = 0
    iterator = stream.iter_chunks()
    try:
        async for chunk in iterator:
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break
    except TransportError:
        pass
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
        await stream.aclose()
    return b"".join(chunks)[:limit]


def _secrets(request: HttpRequest) -> tuple[str, ...]:
    """What a function that echoes its request must not put into an error:
    the signature and session token, or a caller's own Authorization
    value (and its credentials part, as in ``Bearer <token>``)."""
    found = []
    authorization = request.headers.get("authorization", "")
    if "Signature=" in authorization:
        found.append(authorization.rsplit("Signature=", 1)[1])
    elif authorization:
        found.append(authorization)
        credentials = authorization.rsplit(" ", 1)[-1]
        if len(credentials) >= 8:
            found.append(credentials)
    token = request.headers.get("x-amz-security-token")
    if token:
        found.append(token)
    return tuple(found)


async def exchange(
    pipeline: Pipeline,
    signer: SigV4Signer | None,
    http: HttpRequest,
    *,
    raise_for_status: bool,
    retry_sent: bool,
    stream: bool,
) -> Answer:
    """Send ``http`` (signed anew on each attempt when ``signer`` is given)
    until an answer comes back or the retry rule says stop; raises the
    last attempt's error then."""
    url = f"{http.scheme}://{http.host}{http.path}"
    attempts = CallAttempts(pipeline.max_attempts)
    while True:
        attempts.attempt += 1
        sent_at = pipeline.clock()
        error: LambdaClientError
        try:
            if signer is not None:
                credentials = pipeline.credentials.ready() or await pipeline.credentials.get()
                signer.sign(http, credentials, now=sent_at + pipeline.clock_offset)
            raw = await pipeline.transport.send(
                # A function URL runs a function: the invoke read timeout applies.
                http,
                read_timeout=pipeline.invoke_read_timeout,
                stream=stream,
            )
        except TransportError as e:
            error = e
        else:
            headers = case_insensitive(raw.headers)
            if raw.status < 400 or (not raise_for_status and "x-amzn-errortype" not in headers):
                pipeline.quota.release(attempts.spent)
                return Answer(raw, headers, attempts.attempt)
            secrets = _secrets(http)
            error = make_error(
                status=raw.status,
                headers=headers,
                body=await _error_body(raw, read_limit(secrets)),
                method=http.method,
                url=url,
                secrets=secrets,
                now=pipeline.clock(),
            )
        decision = classify(error, method=http.method, retry_sent=retry_sent)
        # The pipeline's own end of an attempt: the clock offset (shared with
        # the client's API calls), the retry quota, backoff and Retry-After.
        await pipeline.after_failure(attempts, error, decision, sent_at, operation=OPERATION)
