"""Every exception lambda_client raises: the hand-written tree and one class
per error shape of the Lambda model (``errors.ResourceNotFoundException``)."""

from ._generated.errors import *  # noqa: F403
from ._generated.errors import __all__ as _generated_all
from ._runtime.eventstream import ChecksumMismatchError, InvalidFrameError, TruncatedStreamError
from ._runtime.exceptions import (
    ClientClosedError,
    ConfigError,
    ConnectError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialsError,
    DeserializationError,
    EndpointResolutionError,
    EventStreamError,
    ForeignCause,
    LambdaClientError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
    ServiceError,
    TransportError,
    UnknownServiceError,
)
from ._runtime.function_url_errors import (
    FunctionUrlAuthError,
    FunctionUrlError,
    FunctionUrlFunctionError,
    FunctionUrlHTTPError,
    FunctionUrlPayloadTooLargeError,
    FunctionUrlThrottledError,
)
from ._runtime.loops import EventLoopError
from ._runtime.tls import InsecureConnectionWarning
from .paginator import PaginationError
from .waiter import WaiterError, WaiterFailureError, WaiterTimeoutError, WaiterUnexpectedError

__all__ = [
    "ChecksumMismatchError",
    "ClientClosedError",
    "ConfigError",
    "ConnectError",
    "ConnectTimeoutError",
    "ConnectionClosedError",
    "CredentialsError",
    "DeserializationError",
    "EndpointResolutionError",
    "EventLoopError",
    "EventStreamError",
    "ForeignCause",
    "FunctionUrlAuthError",
    "FunctionUrlError",
    "FunctionUrlFunctionError",
    "FunctionUrlHTTPError",
    "FunctionUrlPayloadTooLargeError",
    "FunctionUrlThrottledError",
    "InsecureConnectionWarning",
    "InvalidFrameError",
    "LambdaClientError",
    "NoCredentialsError",
    "ParamValidationError",
    "ReadTimeoutError",
    "ServiceError",
    "TransportError",
    "TruncatedStreamError",
    "UnknownServiceError",
    "PaginationError",
    "WaiterError",
    "WaiterFailureError",
    "WaiterTimeoutError",
    "WaiterUnexpectedError",
    *_generated_all,
]
