"""The request and response values that cross the transport seam."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Protocol

from attrs import define, field


def _headers_repr(headers: Mapping[str, str]) -> str:
    # Values of the headers that carry credentials never appear in a repr
    # (messages.SENSITIVE_HEADERS: Authorization, the session token, ...).
    from .messages import redact_headers

    return repr(redact_headers(headers))


def _body_repr(body: bytes) -> str:
    # Bodies carry payloads and environment variables: their size only.
    return f"<{len(body)} bytes>"


@define(kw_only=True, slots=True)
class HttpRequest:
    """A request ready to sign and send.

    ``path`` and ``query`` are already percent-encoded exactly as they go on
    the wire; the signer and the transport both use them verbatim, so what is
    signed is what is sent. Header names are lower-case.
    """

    method: str
    scheme: str
    host: str
    path: str
    query: str = ""
    # A request shows up in debuggers and in error trackers that record
    # local variables: its repr hides the signature, the session token and
    # the body (an Invoke payload is a sensitive member).
    headers: dict[str, str] = field(factory=dict, repr=_headers_repr)
    body: bytes = field(default=b"", repr=_body_repr)

    @property
    def url(self) -> str:
        base = f"{self.scheme}://{self.host}{self.path}"
        return f"{base}?{self.query}" if self.query else base


class ResponseStream(Protocol):
    """An unread response body, consumed incrementally (event streams)."""

    def iter_chunks(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


@define(kw_only=True, slots=True)
class HttpResponse:
    """A response. ``headers`` is case-insensitive. ``body`` holds the whole
    body unless the caller asked for a stream, in which case ``stream`` is set
    and ``body`` is empty; closing the stream releases the connection."""

    status: int
    headers: Mapping[str, str] = field(repr=_headers_repr)
    body: bytes = field(default=b"", repr=_body_repr)
    stream: ResponseStream | None = None


@define(kw_only=True, slots=True)
class ResponseMetadata:
    """Facts about the exchange that produced an operation's output
    (``output.response_metadata``)."""

    request_id: str | None
    http_status_code: int
    # Long, and what matters of them has a field of its own.
    http_headers: Mapping[str, str] = field(repr=False)
    #: Attempts the call made, the successful one included.
    attempts: int
    #: Seconds spent waiting between attempts.
    total_retry_delay: float
    #: The ``amz-sdk-invocation-id`` shared by all attempts of the call.
    invocation_id: str
    #: The call's limit on attempts.
    max_attempts: int | None = None


# The pipeline and the transport make one request, one response and one
# metadata object per call, from values they have already checked. Set
# field by field, as the constructors do, but without their keyword
# parsing, which costs more than the stores themselves.
_new = object.__new__


def request_of(
    method: str, scheme: str, host: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> HttpRequest:
    """``HttpRequest(method=method, ...)``, every field given."""
    request: HttpRequest = _new(HttpRequest)
    request.method = method
    request.scheme = scheme
    request.host = host
    request.path = path
    request.query = query
    request.headers = headers
    request.body = body
    return request


def response_of(status: int, headers: Mapping[str, str], body: bytes) -> HttpResponse:
    """``HttpResponse(status=status, headers=headers, body=body)``."""
    response: HttpResponse = _new(HttpResponse)
    response.status = status
    response.headers = headers
    response.body = body
    response.stream = None
    return response


def metadata_of(
    request_id: str | None,
    http_status_code: int,
    http_headers: Mapping[str, str],
    attempts: int,
    total_retry_delay: float,
    invocation_id: str,
    max_attempts: int | None,
) -> ResponseMetadata:
    """``ResponseMetadata(request_id=request_id, ...)``, every field given."""
    metadata: ResponseMetadata = _new(ResponseMetadata)
    metadata.request_id = request_id
    metadata.http_status_code = http_status_code
    metadata.http_headers = http_headers
    metadata.attempts = attempts
    metadata.total_retry_delay = total_retry_delay
    metadata.invocation_id = invocation_id
    metadata.max_attempts = max_attempts
    return metadata
