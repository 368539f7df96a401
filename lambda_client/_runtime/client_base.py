"""Construction and lifecycle of a client; the generated operations sit on top."""

from __future__ import annotations

import os
import platform
import warnings
from types import TracebackType
from typing import Any, ClassVar, Self

from . import endpoints, logs
from .client_config import ClientConfig, RetryMode
from .credentials import CredentialResolver, Credentials
from .exceptions import ConfigError
from .options import ClientView
from .pipeline import Clock, Endpoint, Pipeline, Sleep
from .proxies import ProxySelector
from .service_model import ServiceSpec
from .settings import ResolvedSettings, resolve_settings
from .signer import SigV4Signer
from .tls import InsecureConnectionWarning, TlsSettings
from .transport import AiohttpTransport, Transport
from .version import VERSION

# Characters botocore keeps in a User-Agent component; others become "-".
_UA_ALLOWED = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$%&'*+-.^_`|~,#"
)


def _user_agent(extra: str | None, app_id: str | None = None) -> str:
    # No HTTP library version: the transport is replaceable, and reading
    # aiohttp's version would mean importing it before it is needed.
    agent = (
        f"lambda-client/{VERSION} lang/python#{platform.python_version()} "
        f"os/{platform.system().lower()}"
    )
    if app_id:
        # Placed before the caller's extra, as botocore places it.
        agent += " app/" + "".join(c if c in _UA_ALLOWED else "-" for c in app_id)
    return f"{agent} {extra}" if extra else agent


def _effective_config(config: ClientConfig, settings: ResolvedSettings) -> ClientConfig:
    """``config`` with every setting that came from elsewhere filled in, so
    that ``client.config`` shows what the client uses."""
    import attrs

    return attrs.evolve(
        config,
        max_attempts=settings.max_attempts,
        retry_mode=settings.retry_mode,
        use_fips_endpoint=settings.use_fips_endpoint,
        use_dualstack_endpoint=settings.use_dualstack_endpoint,
        verify=settings.verify,
        user_agent_appid=settings.user_agent_appid,
    )


class BaseClient:
    """Resolves region, endpoint, credentials and configuration once, at
    construction; nothing is read from the environment per call.

    ``transport``, ``clock`` (epoch seconds) and ``sleep`` are seams for
    tests: a fake network, and time that a test controls.
    """

    #: What the generated subclass hands the runtime about the service.
    _service: ClassVar[ServiceSpec]

    def __init__(
        self,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        credentials: Credentials | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
        transport: Transport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        given = config or ClientConfig()
        settings = resolve_settings(
            region=region, endpoint_url=endpoint_url, profile=profile, config=given, env=os.environ
        )
        resolved_region = settings.region
        if resolved_region is None:
            raise ConfigError(
                "no region: pass region=..., set AWS_REGION, or set one in the shared config file"
            )
        service = self._service
        endpoint = endpoints.resolve(
            service.endpoint_rules,
            resolved_region,
            use_fips=settings.use_fips_endpoint,
            use_dualstack=settings.use_dualstack_endpoint,
            endpoint_url=settings.endpoint_url,
        )
        config = _effective_config(given, settings)
        if transport is None:
            transport = self._make_transport(config, settings)
        if settings.verify is False:
            warnings.warn(
                f"TLS certificate verification is off for this client ({settings.verify_source}"
                "=False): anyone on the network path can read and change its traffic",
                InsecureConnectionWarning,
                stacklevel=2,
            )
            logs.tls_verification_off(endpoint=endpoint)
        self._region = resolved_region
        self._config = config
        self._pipeline = Pipeline(
            transport=transport,
            service=service,
            signer=SigV4Signer(service=service.signing_name, region=resolved_region),
            # The profile the settings came from, also when it was named by
            # AWS_DEFAULT_PROFILE/AWS_PROFILE: credentials and settings agree.
            credentials=CredentialResolver(
                credentials=credentials, profile=profile, chain_profile=settings.profile
            ),
            endpoint=Endpoint.parse(endpoint),
            config=config,
            user_agent=_user_agent(config.user_agent_extra, settings.user_agent_appid),
            clock=clock,
            sleep=sleep,
        )

    @staticmethod
    def _make_transport(config: ClientConfig, settings: ResolvedSettings) -> AiohttpTransport:
        proxies = ProxySelector(config.proxies)
        # The proxy's CA and certificate matter only for TLS to the proxy.
        proxies_config = (config.proxies_config or {}) if proxies.tls_proxy else {}
        tls = TlsSettings(
            verify=settings.verify,
            verify_source=settings.verify_source,
            client_cert=config.client_cert,
            proxy_ca_bundle=proxies_config.get("proxy_ca_bundle"),
            proxy_client_cert=proxies_config.get("proxy_client_cert"),
        )
        if tls.client_cert is not None and tls.proxy_client_cert is not None and proxies.tls_proxy:
            raise ConfigError(
                "client_cert and proxies_config['proxy_client_cert'] cannot both be used "
                "with an HTTPS proxy: aiohttp offers one certificate to the proxy and the endpoint"
            )
        return AiohttpTransport(config, tls=tls, proxies=proxies)

    def with_options(
        self,
        *,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
        max_attempts: int | None = None,
        retry_mode: RetryMode | None = None,
    ) -> Self:
        """A view of this client whose calls use other timeouts or retries.

        The view is of the same class, so every operation is there, typed as
        on the client; it shares the connection pool, credentials, signer and
        retry quota (no new session). Closing the view does nothing: the pool
        belongs to the client, and closing the client ends its views too.
        Options left ``None`` keep the client's values.
        """
        return ClientView.make(
            self,
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            max_attempts=max_attempts,
            retry_mode=retry_mode,
        )

    @property
    def region(self) -> str:
        return self._region

    @property
    def endpoint_url(self) -> str:
        e = self._pipeline.endpoint
        return f"{e.scheme}://{e.host}{e.base_path}"

    @property
    def config(self) -> ClientConfig:
        return self._config

    async def close(self) -> None:
        """Release the connection pool. Idempotent. A view made by
        `with_options()` owns no pool: closing it changes nothing."""
        await self._pipeline.transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} region={self._region!r} endpoint={self.endpoint_url!r}>"

    def __getstate__(self) -> Any:
        raise TypeError(f"{type(self).__name__} holds a connection pool and cannot be pickled")
