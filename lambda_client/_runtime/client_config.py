"""Client configuration.

Values left as ``None`` are taken from the environment and the shared AWS
config file, following the AWS conventions (``AWS_MAX_ATTEMPTS``,
``AWS_RETRY_MODE``, ``AWS_CA_BUNDLE``, the profile's ``max_attempts``, ...;
all resolved in ``settings.py``), and otherwise
from the defaults documented on each field.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from attrs import define, field, validators

from . import settings
from .exceptions import ConfigError
from .proxies import check_proxies, check_proxies_config, redacted_proxies
from .tls import check_client_cert, check_verify

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

    connect_timeout: float = field(default=10.0, validator=_positive)
    """Seconds to establish a TCP/TLS connection."""
    read_timeout: float | None = field(default=None, validator=_positive)
    """Seconds to wait for response bytes. ``None``: 60 s, except for the
    invoke operations, which wait 910 s (Lambda's 900 s limit plus margin)."""
    pool_timeout: float = field(default=60.0, validator=_positive)
    """Seconds to wait for a free pooled connection before failing."""
    max_attempts: int | None = field(default=None, validator=_positive)
    """Total attempts per call, first one included (``AWS_MAX_ATTEMPTS``; default 3)."""
    retry_mode: RetryMode | None = field(
        default=None, validator=validators.optional(validators.in_(("standard", "adaptive")))
    )
    """``"standard"`` or ``"adaptive"`` (``AWS_RETRY_MODE``; default standard)."""
    max_pool_connections: int = field(default=64, validator=_positive)
    """Connections kept per client."""
    user_agent_extra: str | None = None
    """Appended to the User-Agent header."""
    use_fips_endpoint: bool | None = None
    """FIPS endpoints (``AWS_USE_FIPS_ENDPOINT``)."""
    use_dualstack_endpoint: bool | None = None
    """Dual-stack endpoints (``AWS_USE_DUALSTACK_ENDPOINT``)."""
    validate_params: bool = True
    """Check inputs against the model (required, types, lengths, ranges) before sending."""
    strict_enums: bool = False
    """Reject enum values this model does not know (``runtime="python9.99"``)
    before sending, naming the parameter and the allowed values. Off by
    default: enums are open, so values the service added since this model
    was generated can be sent (and are always parsed). Needs ``validate_params``."""
    retry_after_cap: float = field(default=20.0, validator=_positive)
    """Longest ``Retry-After`` the client will honour, in seconds; when the
    service asks for more, the call fails at once instead of waiting."""
    retry_sent_invokes: bool = False
    """Resend Invoke/InvokeAsync/InvokeWithResponseStream after a timeout or a
    cut connection once the request went out. Off: the function may have
    run, and resending would run it again."""
    verify: bool | str | None = field(default=None, validator=check_verify)
    """TLS verification: ``True`` (the system trust store), ``False`` (no
    verification; warns once per client) or the path of a CA bundle.
    ``None``: ``AWS_CA_BUNDLE``, the profile's ``ca_bundle``,
    ``REQUESTS_CA_BUNDLE``, else ``True``."""
    client_cert: str | tuple[str, str] | None = field(default=None, validator=check_client_cert)
    """Client certificate for TLS: a path (certificate and key in one PEM
    file) or a ``(certificate, key)`` pair of paths."""
    proxies: Mapping[str, str] | None = field(
        default=None, validator=check_proxies, repr=redacted_proxies, hash=False
    )
    """Proxy per URL scheme, as botocore takes it: ``{"https": "http://proxy:3128"}``
    (credentials may be in the URL). ``None``: ``HTTPS_PROXY``/``HTTP_PROXY``
    and ``NO_PROXY`` from the environment; ``{}``: no proxy at all."""
    proxies_config: Mapping[str, Any] | None = field(
        default=None, validator=check_proxies_config, hash=False
    )
    """``proxy_ca_bundle`` (path), ``proxy_client_cert`` (path or pair) for an
    HTTPS proxy; ``proxy_use_forwarding_for_https`` is not supported."""
    ignore_configured_endpoint_urls: bool | None = None
    """Ignore endpoint URLs from the environment and the shared config
    (``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS``, the profile's setting)."""
    user_agent_appid: str | None = None
    """Application id put in the User-Agent as ``app/<id>`` (``AWS_SDK_UA_APP_ID``,
    the profile's ``sdk_ua_app_id``); at most 50 characters."""
    telemetry: bool = True
    """Spans and metrics through OpenTelemetry's global providers, once the
    application uses OpenTelemetry (``opentelemetry-api`` imported; the
    ``otel`` extra). ``False``: this client never touches OpenTelemetry."""
    propagate_client_context: bool = False
    """Invoke and InvokeWithResponseStream (synchronous calls): add the
    current trace context, as the application's OpenTelemetry propagator
    writes it, to the ``custom`` map of the ClientContext the function
    receives, next to any the caller passed (whose keys win). Off: it
    changes what the function sees."""

    def effective_read_timeout(self, *, invoke: bool) -> float:
        if self.read_timeout is not None:
            return self.read_timeout
        return INVOKE_READ_TIMEOUT if invoke else DEFAULT_READ_TIMEOUT

    def resolved_max_attempts(self, env: Mapping[str, str] | None = None) -> int:
        """Total attempts from this config or the environment alone; a
        client also reads the shared config file (see ``client.config``)."""
        return settings.max_attempts_setting(self.max_attempts, _environ(env))

    def resolved_retry_mode(self, env: Mapping[str, str] | None = None) -> RetryMode:
        return settings.retry_mode_setting(self.retry_mode, _environ(env))

    def resolved_use_fips(self, env: Mapping[str, str] | None = None) -> bool:
        return settings.flag_setting(self.use_fips_endpoint, "AWS_USE_FIPS_ENDPOINT", _environ(env))

    def resolved_use_dualstack(self, env: Mapping[str, str] | None = None) -> bool:
        return settings.flag_setting(
            self.use_dualstack_endpoint, "AWS_USE_DUALSTACK_ENDPOINT", _environ(env)
        )


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env
