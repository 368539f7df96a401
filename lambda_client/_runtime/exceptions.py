"""The exception tree, all of it in this module. Every exception the library raises derives from
`LambdaClientError`. A foreign exception (aiohttp's, the standard
library's, botocore's) is never formatted into a message and never chained
as it is: what the library chains is a `ForeignCause` built from an
allow-list of facts about it (docs/design/errors.md says why).

```text
LambdaClientError
├── ConfigError                      bad configuration (also a ValueError)
├── ParamValidationError             bad input, caught before sending (also a ValueError)
├── EndpointResolutionError          no endpoint for these settings (also a ValueError)
├── CredentialsError
│   └── NoCredentialsError
├── ClientClosedError                the client was closed; nothing was sent
├── EventLoopError                   the client was used from two running loops (also a RuntimeError)
├── TransportError                   the HTTP exchange failed
│   ├── ConnectError                 never reached the server: safe to resend
│   │   └── ConnectTimeoutError
│   ├── ReadTimeoutError             sent, no answer in time: the server may have acted
│   └── ConnectionClosedError        sent, answer cut off: the server may have acted
├── DeserializationError             the response could not be understood
├── EventStreamError                 a response stream frame was bad
│   ├── InvalidFrameError
│   ├── ChecksumMismatchError
│   ├── TruncatedStreamError
│   └── FrameEncodeError             (the encoder the test stub answers with; also a ValueError)
├── PaginationError                  the service broke the paging protocol
├── WaiterError                      a waiter stopped short of success
│   ├── WaiterFailureError
│   ├── WaiterTimeoutError
│   └── WaiterUnexpectedError
├── FunctionUrlError                 a function URL answered 400 or above
│   ├── FunctionUrlAuthError         401/403
│   ├── FunctionUrlPayloadTooLargeError  413
│   ├── FunctionUrlThrottledError    429
│   ├── FunctionUrlFunctionError     502
│   └── FunctionUrlHTTPError         any other
├── DurableSdkNotInstalledError      (lambda_client.durable; also an ImportError)
└── ServiceError                     the service answered with an error
    ├── UnknownServiceError          an error code the model does not know
    └── <one class per modelled error shape>   (generated, lambda_client.errors)

ForeignCause                         never raised: the __cause__ standing in
                                     for a foreign exception
InsecureConnectionWarning            a warning (UserWarning): TLS verification is off
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

if TYPE_CHECKING:
    from .waiter import Acceptor


class LambdaClientError(Exception):
    """Root of every exception raised by lambda_client.

    Errors raised by a call say how many attempts it made (``attempts``) and
    why it stopped retrying (``retry_stop_reason``); both are also added as a
    note shown in tracebacks.
    """

    attempts: int | None = None
    """Attempts the call made, the last one included (``None`` for an error
    that did not come from an attempt, such as a validation error)."""
    max_attempts: int | None = None
    """The call's limit on attempts (set with ``attempts``)."""
    retry_stop_reason: str | None = None
    """Why the call stopped retrying, e.g.
    ``'ServiceException: transient; all 3 attempts used'``."""


class ConfigError(LambdaClientError, ValueError):
    """The client configuration is invalid."""


class ParamValidationError(LambdaClientError, ValueError):
    """The input failed client-side validation; nothing was sent.

    ``errors`` lists ``(path, constraint)`` pairs, one per offending
    parameter, with paths such as ``vpc_config.subnet_ids[3]``.
    """

    def __init__(self, operation: str, errors: list[tuple[str, str]]) -> None:
        self.operation = operation
        self.errors = errors
        lines = "\n".join(f"  {path}: {problem}" for path, problem in errors)
        super().__init__(f"Invalid parameters for {operation}:\n{lines}")


class EndpointResolutionError(LambdaClientError, ValueError):
    """No endpoint can be resolved for the given region and settings."""


class CredentialsError(LambdaClientError):
    """Credentials could not be obtained or refreshed."""


class NoCredentialsError(CredentialsError):
    """No provider in the credential chain found credentials."""


class ClientClosedError(LambdaClientError):
    """The client (or its connection pool) was closed before this call could
    be sent: nothing reached the network, so nothing can have run. It is
    never retried and spends no retry quota."""

    request_sent: ClassVar[bool] = False


class ForeignCause(Exception):
    """Stands in, as ``__cause__``, for an exception from another library.

    Foreign exceptions carry what the library must never show: aiohttp's
    request errors hold every request header (the Authorization header and
    the session token), a JSON error may quote the value it choked on, a
    botocore error may quote a credential process's output. The stand-in
    keeps only the facts that cannot hold a secret: the exception's type
    (``type_name``), an OS error number (``errno``) and, for TLS failures,
    OpenSSL's reason. Its own ``__cause__`` stands in for the foreign
    exception's cause. It is never raised.
    """

    def __init__(self, summary: str, *, type_name: str, errno: int | None = None) -> None:
        super().__init__(summary)
        self.type_name = type_name
        self.errno = errno

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_foreign_cause, (str(self), self.type_name, self.errno))


def _rebuild_foreign_cause(summary: str, type_name: str, errno: int | None) -> ForeignCause:
    return ForeignCause(summary, type_name=type_name, errno=errno)


class TransportError(LambdaClientError):
    """The HTTP exchange failed before a complete response was read.

    ``request_sent`` tells whether the request may have reached the server:
    when it is true the server may have acted on it (an Invoke may have run
    the function), so resending it is not automatically safe.
    """

    request_sent: ClassVar[bool] = True

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.operation = operation


class ConnectError(TransportError):
    """The connection could not be made; the request never left the client."""

    request_sent: ClassVar[bool] = False


class ConnectTimeoutError(ConnectError):
    """Connecting (or waiting for a pooled connection) took too long."""


class ReadTimeoutError(TransportError):
    """The request was sent but the response did not arrive in time."""


class ConnectionClosedError(TransportError):
    """The connection broke after the request was sent."""


class DeserializationError(LambdaClientError):
    """The response could not be parsed into the modelled output."""

    def __init__(self, message: str, *, status_code: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body


class EventStreamError(LambdaClientError):
    """A frame of an event stream was malformed, or the stream reported an error."""


class ServiceError(LambdaClientError):
    """The service answered with an error.

    Besides the modelled members (snake_case attributes on the subclasses),
    every service error carries ``code``, ``message``, ``status_code``,
    ``request_id`` and a botocore-style ``response`` dict, so code written
    against botocore's ``ClientError`` keeps working.
    """

    error_code: ClassVar[str] = ""
    """Wire code of the modelled error; instances carry the code actually received."""
    fault: ClassVar[str] = "client"
    """``"client"`` or ``"server"``, from the model."""
    default_status: ClassVar[int] = 400
    """HTTP status the model gives this error."""
    is_throttling: ClassVar[bool] = False
    """Throttling errors slow the client down (retry policy reads this)."""

    Members: TypeAlias = tuple[tuple[str, str, str, str, Callable[[Any], Any] | None], ...]
    #: ``(attribute, wire name, location, location name, converter)`` per
    #: modelled member; ``location`` is "body" or "header".
    _members: ClassVar[Members] = ()

    message: str | None

    def __init__(
        self,
        *,
        code: str,
        message: str | None,
        status_code: int,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        fields: Mapping[str, Any] | None = None,
        operation: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.status_code = status_code
        self.request_id = request_id
        self.headers: Mapping[str, str] = headers or {}
        self.operation = operation
        self.fields: dict[str, Any] = dict(fields or {})
        """Modelled members as received, under their wire names."""
        for attr, wire, _location, _name, convert in self._members:
            if attr != "message":
                value = self.fields.get(wire)
                setattr(self, attr, convert(value) if convert and value is not None else value)

    @property
    def response(self) -> dict[str, Any]:
        """The error as botocore's ``ClientError.response`` shapes it."""
        metadata: dict[str, Any] = {}
        if self.request_id is not None:
            # botocore leaves the key out when the response has no request id.
            metadata["RequestId"] = self.request_id
        metadata["HTTPStatusCode"] = self.status_code
        metadata["HTTPHeaders"] = {k.lower(): v for k, v in self.headers.items()}
        if self.attempts is not None:
            # Retries, not attempts, as botocore counts them; and why the
            # retrying stopped, under botocore's keys, where it says so.
            metadata["RetryAttempts"] = self.attempts - 1
            if self.max_attempts is not None and self.attempts >= self.max_attempts:
                # botocore's standard mode marks the last allowed attempt,
                # whether or not its error could have been retried.
                metadata["MaxAttemptsReached"] = True
            if (self.retry_stop_reason or "").endswith("retry quota exhausted"):
                metadata["RetryQuotaReached"] = True
        out: dict[str, Any] = {
            "Error": {"Code": self.code, "Message": self.message or ""},
            "ResponseMetadata": metadata,
        }
        for key, value in self.fields.items():
            if value is not None:
                out.setdefault(key, value)
        return out

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions with keyword-only constructors do not pickle by default;
        # worker pools and the blocking client move errors between threads.
        return (
            _rebuild_service_error,
            (
                type(self),
                {
                    "code": self.code,
                    "message": self.message,
                    "status_code": self.status_code,
                    "request_id": self.request_id,
                    "headers": dict(self.headers),
                    "fields": self.fields,
                    "operation": self.operation,
                },
            ),
        )


def _rebuild_service_error(cls: type[ServiceError], kwargs: dict[str, Any]) -> ServiceError:
    return cls(**kwargs)


class UnknownServiceError(ServiceError):
    """An error whose code this version of the model does not know."""


# -- event streams -------------------------------------------------------------


class InvalidFrameError(EventStreamError):
    """A frame's structure is wrong: bad lengths, headers or header values."""


class ChecksumMismatchError(EventStreamError):
    """A prelude or message CRC32 does not match the bytes it covers.

    ``part`` is ``"prelude"`` or ``"message"``.
    """

    def __init__(self, message: str, *, part: str, expected: int, computed: int) -> None:
        super().__init__(message)
        self.part = part
        self.expected = expected
        self.computed = computed


class TruncatedStreamError(EventStreamError):
    """The stream ended part-way through a frame."""


class FrameEncodeError(EventStreamError, ValueError):
    """Headers or payload given to `encode_message()` cannot be encoded."""


# -- paginators and waiters ----------------------------------------------------


class PaginationError(LambdaClientError):
    """The service broke the paging protocol (it repeated a marker)."""


class WaiterError(LambdaClientError):
    """A waiter stopped without reaching success.

    ``last_response`` / ``last_error`` hold what the last poll returned or
    raised, ``acceptor`` the rule that matched (None if none did), and
    ``attempts`` the number of polls.
    """

    def __init__(
        self,
        message: str,
        *,
        waiter: str,
        attempts: int,
        last_response: Any = None,
        last_error: BaseException | None = None,
        acceptor: Acceptor | None = None,
    ) -> None:
        super().__init__(message)
        self.waiter = waiter
        self.attempts = attempts
        self.last_response = last_response
        self.last_error = last_error
        self.acceptor = acceptor


class WaiterFailureError(WaiterError):
    """A failure acceptor matched: the resource will not reach the wanted state."""


class WaiterTimeoutError(WaiterError):
    """``max_attempts`` polls or the overall ``timeout`` ran out first."""


class WaiterUnexpectedError(WaiterError):
    """A poll raised an error no acceptor expects."""


# -- the client's surroundings: event loops, TLS, the durable SDK ---------------


class EventLoopError(LambdaClientError, RuntimeError):
    """The client was used from two running event loops at the same time."""


class InsecureConnectionWarning(UserWarning):
    """TLS certificates are not verified (``ClientConfig(verify=False)``)."""


class DurableSdkNotInstalledError(LambdaClientError, ImportError):
    """The AWS Durable Execution SDK is needed for this and is not installed."""


# -- function URLs ---------------------------------------------------------------


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
            _rebuild_function_url_error,
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


def _rebuild_function_url_error(
    cls: type[FunctionUrlError], kwargs: dict[str, Any]
) -> FunctionUrlError:
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
