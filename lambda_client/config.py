"""Client configuration: [`ClientConfig`][lambda_client.ClientConfig].

Values left as ``None`` are taken from the environment and the shared AWS
config file, following the AWS conventions (``AWS_MAX_ATTEMPTS``,
``AWS_RETRY_MODE``, ``AWS_CA_BUNDLE``, the profile's ``max_attempts``, ...),
and otherwise from the defaults documented on each field.
"""

from ._runtime.client_config import (
    DEFAULT_READ_TIMEOUT,
    INVOKE_READ_TIMEOUT,
    ClientConfig,
    RetryMode,
)
from ._runtime.exceptions import ConfigError

__all__ = [
    "DEFAULT_READ_TIMEOUT",
    "INVOKE_READ_TIMEOUT",
    "ClientConfig",
    "ConfigError",
    "RetryMode",
]
