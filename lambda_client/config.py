"""Client configuration.

Values left as ``None`` are taken from the environment, following the AWS
conventions (``AWS_MAX_ATTEMPTS``, ``AWS_RETRY_MODE``,
``AWS_USE_FIPS_ENDPOINT``, ``AWS_USE_DUALSTACK_ENDPOINT``), and otherwise
from the defaults documented on each field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from attrs import define, field, validators

from ._runtime.exceptions import ConfigError

RetryMode = Literal["standard", "adaptive"]

#: Lambda runs a function for at most 900 s; a synchronous Invoke must be
#: allowed to wait that long plus the service's own overhead.
INVOKE_READ_TIMEOUT = 910.0
DEFAULT_READ_TIMEOUT = 60.0


def _positive(_inst: object, attribute: object, value: Any) -> None:
    if value is not None and value <= 0:
        name = getattr(attribute, "name", "value")
        raise ConfigError(f"ClientConfig.{name} must be positive, got {value!r}")


@define(frozen=True, kw_only=True)
class ClientConfig:
    """Settings of one [`LambdaClient`][lambda_client.LambdaClient]."""

    #: Seconds to establish a TCP/TLS connection.
    connect_timeout: float = field(default=10.0, validator=_positive)
    #: Seconds to wait for response bytes. ``None``: 60 s, except for the
    #: invoke operations, which wait 910 s (Lambda's 900 s limit plus margin).
    read_timeout: float | None = field(default=None, validator=_positive)
    #: Seconds to wait for a free pooled connection before failing.
    pool_timeout: float = field(default=60.0, validator=_positive)
    #: Total attempts per call, first one included (``AWS_MAX_ATTEMPTS``; default 3).
    max_attempts: int | None = field(default=None, validator=_positive)
    #: ``"standard"`` or ``"adaptive"`` (``AWS_RETRY_MODE``; default standard).
    retry_mode: RetryMode | None = field(
        default=None, validator=validators.optional(validators.in_(("standard", "adaptive")))
    )
    #: Connections kept per client.
    max_pool_connections: int = field(default=64, validator=_positive)
    #: Appended to the User-Agent header.
    user_agent_extra: str | None = None
    #: FIPS endpoints (``AWS_USE_FIPS_ENDPOINT``).
    use_fips_endpoint: bool | None = None
    #: Dual-stack endpoints (``AWS_USE_DUALSTACK_ENDPOINT``).
    use_dualstack_endpoint: bool | None = None
    #: Check inputs against the model (required, types, lengths, ranges) before sending.
    validate_params: bool = True
    #: Longest ``Retry-After`` the client will honour, in seconds; when the
    #: service asks for more, the call fails at once instead of waiting.
    retry_after_cap: float = field(default=20.0, validator=_positive)
    #: Resend Invoke/InvokeAsync/InvokeWithResponseStream after a timeout or a
    #: cut connection once the request went out. Off: the function may have
    #: run, and resending would run it again.
    retry_sent_invokes: bool = False

    def effective_read_timeout(self, *, invoke: bool) -> float:
        if self.read_timeout is not None:
            return self.read_timeout
        return INVOKE_READ_TIMEOUT if invoke else DEFAULT_READ_TIMEOUT

    def resolved_max_attempts(self, env: Mapping[str, str] | None = None) -> int:
        if self.max_attempts is not None:
            return self.max_attempts
        raw = (os.environ if env is None else env).get("AWS_MAX_ATTEMPTS")
        if raw is None or raw.strip() == "":
            return 3
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"AWS_MAX_ATTEMPTS must be an integer, got {raw!r}") from None
        if value < 1:
            raise ConfigError(f"AWS_MAX_ATTEMPTS must be at least 1, got {value}")
        return value

    def resolved_retry_mode(self, env: Mapping[str, str] | None = None) -> RetryMode:
        if self.retry_mode is not None:
            return self.retry_mode
        raw = (os.environ if env is None else env).get("AWS_RETRY_MODE", "").strip().lower()
        if raw in ("", "standard", "legacy"):
            # "legacy" is botocore's old default; its numbers are what standard
            # mode fixed, so it maps to standard rather than failing.
            return "standard"
        if raw == "adaptive":
            return "adaptive"
        raise ConfigError(f"AWS_RETRY_MODE must be 'standard' or 'adaptive', got {raw!r}")

    def resolved_use_fips(self, env: Mapping[str, str] | None = None) -> bool:
        if self.use_fips_endpoint is not None:
            return self.use_fips_endpoint
        return _env_bool("AWS_USE_FIPS_ENDPOINT", env)

    def resolved_use_dualstack(self, env: Mapping[str, str] | None = None) -> bool:
        if self.use_dualstack_endpoint is not None:
            return self.use_dualstack_endpoint
        return _env_bool("AWS_USE_DUALSTACK_ENDPOINT", env)


def _env_bool(name: str, env: Mapping[str, str] | None) -> bool:
    raw = (os.environ if env is None else env).get(name, "").strip().lower()
    if raw in ("", "false"):
        return False
    if raw == "true":
        return True
    raise ConfigError(f"{name} must be 'true' or 'false', got {raw!r}")
