"""Errors of function-URL calls: one class per kind of failure, chosen by status.

```text
LambdaClientError
└── FunctionUrlError                 a function URL answered with a status of 400 or above
    ├── FunctionUrlAuthError         401/403: signature, credentials or permission refused
    ├── FunctionUrlPayloadTooLargeError  413: the request was over the size limit
    ├── FunctionUrlThrottledError    429: throttled (retried, honouring Retry-After)
    ├── FunctionUrlFunctionError     502: the function failed (exception, timeout, bad answer)
    └── FunctionUrlHTTPError         any other status of 400 or above
```

``error_type`` tells who answered: AWS marks the errors it generates itself
(a bad signature, a throttle, an oversized payload) with an
``x-amzn-ErrorType`` header; it is ``None`` when the function's own code
chose the status. The rule is in docs/design/function-urls.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .exceptions import LambdaClientError

__all__ = [
    "FunctionUrlAuthError",
    "FunctionUrlError",
    "FunctionUrlFunctionError",
    "FunctionUrlHTTPError",
    "FunctionUrlPayloadTooLargeError",
    "FunctionUrlThrottledError",
    "error_class",
]


class FunctionUrlError(LambdaClientError):
    """A function URL answered with a status of 400 or above.

    ``status``, ``request_id`` (``x-amzn-RequestId``), ``headers``,
    ``error_type`` (the ``x-amzn-ErrorType`` code AWS puts on the errors it
    generates; ``None`` when the function itself answered), ``message``
    (AWS's message, or the start of the body), ``body`` (the body as text,
    at most 4 KiB, with the request's signature, session token or own
    ``Authorization`` value blanked out should the function echo them), ``method`` and ``url`` (without the
    query string) of the request, and ``retry_after`` (seconds the server
    asked the client to wait, if it did).
    """

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        error_type: str | None = None,
        message: str | None = None,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        who = f"AWS {error_type}" if error_type else "the function"
        text = f"HTTP {status} from {method} {url} ({who}"
        if request_id:
            text += f", request id {request_id}"
        text += ")"
        if message:
            text += f": {message}"
        super().__init__(text)
        self.status = status
        self.method = method
        self.url = url
        self.request_id = request_id
        self.headers: Mapping[str, str] = headers or {}
        self.error_type = error_type
        self.message = message
        self.body = body
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors do not pickle by default; worker pools
        # move errors between processes.
        return (
            _rebuild,
            (
                type(self),
                {
                    "status": self.status,
                    "method": self.method,
                    "url": self.url,
                    "request_id": self.request_id,
                    "headers": dict(self.headers),
                    "error_type": self.error_type,
                    "message": self.message,
                    "body": self.body,
                    "retry_after": self.retry_after,
                },
            ),
        )


def _rebuild(cls: type[FunctionUrlError], kwargs: dict[str, Any]) -> FunctionUrlError:
    return cls(**kwargs)


class FunctionUrlAuthError(FunctionUrlError):
    """401 or 403: the request was not allowed. From AWS (``error_type``
    set) this is a signature that does not match (``InvalidSignatureException``),
    an expired or invalid token, or missing ``lambda:InvokeFunctionUrl`` /
    ``lambda:InvokeFunction`` permission (``AccessDeniedException``)."""


class FunctionUrlPayloadTooLargeError(FunctionUrlError):
    """413: the request (or, for AWS, the event built from it) is over the
    function URL's payload limit (6 MB for a synchronous invocation)."""


class FunctionUrlThrottledError(FunctionUrlError):
    """429: too many requests (for AWS: the function's or the account's
    concurrency is exhausted). Retried after at least ``retry_after`` seconds
    until the call's attempts run out."""


class FunctionUrlFunctionError(FunctionUrlError):
    """502: the function failed to produce an answer (an unhandled exception,
    a timeout, an answer Lambda could not turn into an HTTP response), or
    the function itself answered 502."""


class FunctionUrlHTTPError(FunctionUrlError):
    """Any other status of 400 or above."""


_BY_STATUS: dict[int, type[FunctionUrlError]] = {
    401: FunctionUrlAuthError,
    403: FunctionUrlAuthError,
    413: FunctionUrlPayloadTooLargeError,
    429: FunctionUrlThrottledError,
    502: FunctionUrlFunctionError,
}


def error_class(status: int) -> type[FunctionUrlError]:
    """The class for an error status (400 or above)."""
    return _BY_STATUS.get(status, FunctionUrlHTTPError)
