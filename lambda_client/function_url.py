"""Calling Lambda function URLs: signed, streamed, retried where safe.

```python
furl = client.function_url("https://abc.lambda-url.us-east-1.on.aws/")
resp = await furl.post("/orders", json={"id": 1})
async with furl.stream("POST", "/report", json={}) as resp:
    async for chunk in resp.iter_bytes():
        ...
```

A [`FunctionUrl`][lambda_client.FunctionUrl] is a view on its client: it
sends through the client's connection pool and transport, with its
credentials, timeouts, retry settings and clock. The rules it follows (what
is signed, what is retried, what raises) are in docs/design/function-urls.md.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from email.message import Message
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, Unpack

from ._runtime import jsonload
from ._runtime.exceptions import DeserializationError, LambdaClientError
from ._runtime.function_url_exchange import Answer, exchange
from ._runtime.function_url_request import (
    AuthType,
    Content,
    Params,
    Target,
    build_request,
    parse_target,
)
from ._runtime.function_url_retry import BODY_LIMIT
from ._runtime.messages import describe, foreign_cause
from ._runtime.payload_digest import OFF_LOOP_BYTES, sha256_off_loop
from ._runtime.signer import SigV4Signer

if TYPE_CHECKING:
    from multidict import CIMultiDictProxy

    from ._runtime.blocking import LoopThread
    from ._runtime.pipeline import Pipeline

__all__ = [
    "AuthType",
    "BlockingFunctionUrl",
    "BlockingFunctionUrlResponse",
    "FunctionUrl",
    "FunctionUrlResponse",
    "FunctionUrlStream",
    "RequestOptions",
]

_SIGNING_NAME = "lambda"


class RequestOptions(TypedDict, total=False):
    """The keywords every [`FunctionUrl`][lambda_client.FunctionUrl] method takes after the path."""

    params: Params | None
    """Query parameters: a mapping (a list value repeats the name) or a
    sequence of ``(name, value)`` pairs; str, int or float values, given
    as text and encoded once."""
    headers: Mapping[str, str] | None
    """Extra request headers."""
    content: Content | None
    """The body as bytes or str (sent as ``text/plain; charset=utf-8``
    unless ``headers`` names a type)."""
    json: Any
    """The body as any JSON value (sent as ``application/json``)."""
    raise_for_status: bool | None
    """Raise for every answer of 400 or above (True), or only for those AWS
    generated, returning the function's own (False). Default: the
    FunctionUrl's setting."""
    retry_sent: bool | None
    """Send a non-idempotent request again after it may have reached the
    function. Default: the FunctionUrl's setting."""


def _check(options: RequestOptions) -> None:
    # The keywords are typed for checkers only; at run time **options takes anything.
    unknown = set(options) - set(RequestOptions.__annotations__)
    if unknown:
        raise TypeError(f"unexpected keyword argument(s): {', '.join(sorted(unknown))}")


def _charset(content_type: str | None) -> str:
    if content_type:
        message = Message()
        message["content-type"] = content_type
        charset = message.get_content_charset()
        if charset:
            try:
                return codecs.lookup(charset).name
            except LookupError:
                pass
    return "utf-8"


class FunctionUrlResponse:
    """The answer of a function URL.

    A response from [`FunctionUrl.request`][lambda_client.FunctionUrl.request]
    (and ``get``, ``post``...) has its body read already. One from
    [`FunctionUrl.stream`][lambda_client.FunctionUrl.stream] holds its
    connection until the body is read to the end,
    [`aclose()`][lambda_client.FunctionUrlResponse.aclose] is called or the
    ``async with`` block ends;
    [`iter_bytes()`][lambda_client.FunctionUrlResponse.iter_bytes] hands over
    each chunk as it arrives.
    """

    def __init__(self, answer: Answer, *, method: str, url: str) -> None:
        raw = answer.raw
        self.status: int = raw.status
        """HTTP status code."""
        self.headers: CIMultiDictProxy[str] = answer.headers
        """Response headers; names are case-insensitive, repeated ones kept (``getall``)."""
        self.method: str = method
        """The request's method."""
        self.url: str = url
        """The request's URL, without the query string."""
        self.attempts: int = answer.attempts
        """Attempts the call made, this one included."""
        self._stream = raw.stream
        self._body: bytes | None = raw.body if raw.stream is None else None
        self._started = False
        self._closed = raw.stream is None

    @property
    def request_id(self) -> str | None:
        """Lambda's request id (``x-amzn-RequestId``)."""
        return self.headers.get("x-amzn-requestid")

    @property
    def is_closed(self) -> bool:
        """Whether the connection has been given back (always, once the body is read)."""
        return self._closed

    async def read(self) -> bytes:
        """The whole body (read to the end first, for a streamed response)."""
        if self._body is None:
            if self._started:
                raise LambdaClientError(
                    "the body was already consumed by iter_bytes(); read() cannot replay it"
                )
            self._body = b"".join([chunk async for chunk in self.iter_bytes()])
        return self._body

    async def text(self, encoding: str | None = None) -> str:
        """The body as text, in ``encoding``, else the charset the
        ``Content-Type`` names, else UTF-8; undecodable bytes become U+FFFD."""
        body = await self.read()
        return body.decode(encoding or _charset(self.headers.get("content-type")), "replace")

    async def json(self) -> Any:
        """The body parsed as JSON.

        Raises:
            DeserializationError: The body is not JSON.
        """
        body = await self.read()
        try:
            return jsonload.loads(body)
        except ValueError as e:
            # The parser's words may quote the body: its type and position only.
            raise DeserializationError(
                describe(
                    f"The body of HTTP {self.status} from {self.method} {self.url} is not JSON",
                    cause=e,
                ),
                status_code=self.status,
                body=body[:BODY_LIMIT],
            ) from foreign_cause(e)

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The body in chunks as they arrive from the network (a body
        already read comes as one chunk). Leaving the loop early gives the
        connection back."""
        if self._body is not None:
            if self._body:
                yield self._body
            return
        if self._started or self._stream is None or self._closed:
            raise LambdaClientError(
                "the body was already consumed or the response closed; it can be read once"
            )
        self._started = True
        try:
            async for chunk in self._stream.iter_chunks():
                yield chunk
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Give the connection back; unread body bytes are discarded. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._stream is not None:
            await self._stream.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<FunctionUrlResponse {self.status} request_id={self.request_id!r}>"


class FunctionUrl:
    """A Lambda function URL, called through its client (made by
    [`LambdaClient.function_url`][lambda_client.LambdaClient.function_url]).

    Every method takes the path as text (``"/orders/a b"`` is sent as
    ``/orders/a%20b``) and the keywords of
    [`RequestOptions`][lambda_client.function_url.RequestOptions]. An answer
    of 400 or above raises a
    [`FunctionUrlError`][lambda_client.errors.FunctionUrlError] subclass (see
    ``raise_for_status``).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        url: str,
        *,
        region: str | None = None,
        auth: AuthType = "AWS_IAM",
        raise_for_status: bool = True,
        retry_sent: bool | None = None,
    ) -> None:
        self._target: Target = parse_target(url, region=region, auth=auth)
        self._pipeline = pipeline
        region = self._target.region
        self._signer = (
            SigV4Signer(service=_SIGNING_NAME, region=region)
            if self._target.auth == "AWS_IAM" and region is not None
            else None
        )
        self._raise_for_status = raise_for_status
        self._retry_sent = pipeline.config.retry_sent_invokes if retry_sent is None else retry_sent

    @property
    def url(self) -> str:
        return self._target.url

    @property
    def region(self) -> str | None:
        """The signing region (``None`` for an unsigned URL on a custom domain)."""
        return self._target.region

    @property
    def auth(self) -> AuthType:
        return self._target.auth

    def __repr__(self) -> str:
        return f"<FunctionUrl {self.url} auth={self.auth} region={self.region!r}>"

    async def request(
        self,
        method: str,
        path: str = "/",
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        content: Content | None = None,
        json: Any = None,
        raise_for_status: bool | None = None,
        retry_sent: bool | None = None,
    ) -> FunctionUrlResponse:
        """Send one request and read the whole answer."""
        options: RequestOptions = {
            "params": params,
            "headers": headers,
            "content": content,
            "json": json,
            "raise_for_status": raise_for_status,
            "retry_sent": retry_sent,
        }
        return await self._call(method, path, options, stream=False)

    def stream(
        self, method: str, path: str = "/", **options: Unpack[RequestOptions]
    ) -> FunctionUrlStream:
        """Send one request and hand over the answer as soon as its headers
        arrive, for a ``RESPONSE_STREAM`` function:

        ```python
        async with furl.stream("POST", "/report", json={}) as resp:
            async for chunk in resp.iter_bytes():
                ...
        ```

        The connection is given back when the block ends, whatever happens in it.
        """
        _check(options)
        return FunctionUrlStream(self, method, path, options)

    async def get(self, path: str = "/", **options: Unpack[RequestOptions]) -> FunctionUrlResponse:
        """``request("GET", path, ...)``."""
        return await self._call("GET", path, options, stream=False)

    async def post(self, path: str = "/", **options: Unpack[RequestOptions]) -> FunctionUrlResponse:
        """``request("POST", path, ...)``."""
        return await self._call("POST", path, options, stream=False)

    async def put(self, path: str = "/", **options: Unpack[RequestOptions]) -> FunctionUrlResponse:
        """``request("PUT", path, ...)``."""
        return await self._call("PUT", path, options, stream=False)

    async def patch(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> FunctionUrlResponse:
        """``request("PATCH", path, ...)``."""
        return await self._call("PATCH", path, options, stream=False)

    async def delete(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> FunctionUrlResponse:
        """``request("DELETE", path, ...)``."""
        return await self._call("DELETE", path, options, stream=False)

    async def _call(
        self, method: str, path: str, options: RequestOptions, *, stream: bool
    ) -> FunctionUrlResponse:
        _check(options)
        pipeline = self._pipeline
        http = build_request(
            self._target,
            method,
            path,
            params=options.get("params"),
            headers=options.get("headers"),
            content=options.get("content"),
            json_body=options.get("json"),
            user_agent=pipeline.user_agent,
            # Lambda's recursion detection follows the trace id of the
            # invocation making the call, as for the client's own calls.
            trace_id=os.environ.get("_X_AMZN_TRACE_ID") if pipeline.in_lambda else None,
        )
        if len(http.body) >= OFF_LOOP_BYTES:
            # Left unhashed by build_request: hashed here, off the event loop.
            http.headers["x-amz-content-sha256"] = await sha256_off_loop(http.body)
        raise_for_status = options.get("raise_for_status")
        retry_sent = options.get("retry_sent")
        answer = await exchange(
            pipeline,
            self._signer,
            http,
            raise_for_status=self._raise_for_status
            if raise_for_status is None
            else raise_for_status,
            retry_sent=self._retry_sent if retry_sent is None else retry_sent,
            stream=stream,
        )
        return FunctionUrlResponse(
            answer, method=http.method, url=f"{http.scheme}://{http.host}{http.path}"
        )


class FunctionUrlStream:
    """``async with furl.stream(...) as resp:`` sends the request on entry
    and closes the response on exit."""

    def __init__(self, furl: FunctionUrl, method: str, path: str, options: RequestOptions) -> None:
        self._furl = furl
        self._method = method
        self._path = path
        self._options = options
        self._response: FunctionUrlResponse | None = None

    async def __aenter__(self) -> FunctionUrlResponse:
        if self._response is not None:
            raise LambdaClientError("a stream() context can be entered once")
        self._response = await self._furl._call(
            self._method, self._path, self._options, stream=True
        )
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()


class BlockingFunctionUrlResponse:
    """[`FunctionUrlResponse`][lambda_client.FunctionUrlResponse] for
    synchronous code (from [`BlockingFunctionUrl`][lambda_client.BlockingFunctionUrl]):
    the same attributes, with plain methods."""

    def __init__(self, runner: LoopThread, response: FunctionUrlResponse) -> None:
        self._runner = runner
        self._response = response

    @property
    def status(self) -> int:
        return self._response.status

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        return self._response.headers

    @property
    def request_id(self) -> str | None:
        return self._response.request_id

    @property
    def attempts(self) -> int:
        return self._response.attempts

    @property
    def is_closed(self) -> bool:
        return self._response.is_closed

    def read(self) -> bytes:
        return self._runner.run(self._response.read())

    def text(self, encoding: str | None = None) -> str:
        return self._runner.run(self._response.text(encoding))

    def json(self) -> Any:
        return self._runner.run(self._response.json())

    def iter_bytes(self) -> Iterator[bytes]:
        """Chunks as they arrive; leaving the loop early gives the connection back."""
        from ._runtime.blocking import BlockingIterator

        return iter(BlockingIterator(self._runner, self._response.iter_bytes()))

    def close(self) -> None:
        """Give the connection back. Idempotent."""
        self._runner.run(self._response.aclose())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<BlockingFunctionUrlResponse {self.status} request_id={self.request_id!r}>"


class BlockingFunctionUrlStream:
    """``with furl.stream(...) as resp:`` for
    [`BlockingFunctionUrl`][lambda_client.BlockingFunctionUrl]."""

    def __init__(self, runner: LoopThread, stream: FunctionUrlStream) -> None:
        self._runner = runner
        self._stream = stream

    def __enter__(self) -> BlockingFunctionUrlResponse:
        return BlockingFunctionUrlResponse(
            self._runner, self._runner.run(self._stream.__aenter__())
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._runner.run(self._stream.__aexit__(exc_type, exc, tb))


class BlockingFunctionUrl:
    """[`FunctionUrl`][lambda_client.FunctionUrl] for synchronous code (made by
    [`BlockingLambdaClient.function_url`][lambda_client.BlockingLambdaClient.function_url]):
    the same methods and keywords, returning
    [`BlockingFunctionUrlResponse`][lambda_client.BlockingFunctionUrlResponse]."""

    def __init__(self, runner: LoopThread, furl: FunctionUrl) -> None:
        self._runner = runner
        self._furl = furl

    @property
    def async_function_url(self) -> FunctionUrl:
        """The async view underneath (use it only on the client's loop)."""
        return self._furl

    @property
    def url(self) -> str:
        return self._furl.url

    @property
    def region(self) -> str | None:
        return self._furl.region

    @property
    def auth(self) -> AuthType:
        return self._furl.auth

    def __repr__(self) -> str:
        return f"<BlockingFunctionUrl {self.url} auth={self.auth} region={self.region!r}>"

    def request(
        self,
        method: str,
        path: str = "/",
        *,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        content: Content | None = None,
        json: Any = None,
        raise_for_status: bool | None = None,
        retry_sent: bool | None = None,
    ) -> BlockingFunctionUrlResponse:
        """Send one request and read the whole answer."""
        options: RequestOptions = {
            "params": params,
            "headers": headers,
            "content": content,
            "json": json,
            "raise_for_status": raise_for_status,
            "retry_sent": retry_sent,
        }
        return self._call(method, path, options)

    def stream(
        self, method: str, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlStream:
        """``with furl.stream("POST", "/report") as resp: for chunk in resp.iter_bytes(): ...``"""
        return BlockingFunctionUrlStream(self._runner, self._furl.stream(method, path, **options))

    def get(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlResponse:
        """``request("GET", path, ...)``."""
        return self._call("GET", path, options)

    def post(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlResponse:
        """``request("POST", path, ...)``."""
        return self._call("POST", path, options)

    def put(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlResponse:
        """``request("PUT", path, ...)``."""
        return self._call("PUT", path, options)

    def patch(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlResponse:
        """``request("PATCH", path, ...)``."""
        return self._call("PATCH", path, options)

    def delete(
        self, path: str = "/", **options: Unpack[RequestOptions]
    ) -> BlockingFunctionUrlResponse:
        """``request("DELETE", path, ...)``."""
        return self._call("DELETE", path, options)

    def _call(self, method: str, path: str, options: RequestOptions) -> BlockingFunctionUrlResponse:
        response = self._runner.run(self._furl._call(method, path, options, stream=False))
        return BlockingFunctionUrlResponse(self._runner, response)
