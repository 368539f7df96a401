"""The exception tree. Every exception the library raises derives from
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
├── TransportError                   the HTTP exchange failed
│   ├── ConnectError                 never reached the server: safe to resend
│   │   └── ConnectTimeoutError
│   ├── ReadTimeoutError             sent, no answer in time: the server may have acted
│   └── ConnectionClosedError        sent, answer cut off: the server may have acted
├── DeserializationError             the response could not be understood
├── EventStreamError                 a response stream frame was bad
└── ServiceError                     the service answered with an error
    ├── UnknownServiceError          an error code the model does not know
    └── <one class per modelled error shape>   (lambda_client.errors)

ForeignCause                         never raised: the __cause__ standing in
                                     for a foreign exception
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeAlias


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
