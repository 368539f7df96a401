"""Construction and lifecycle of a client; the generated operations sit on top."""

from __future__ import annotations

import os
import platform
from types import TracebackType
from typing import Any, Self

from ..config import ClientConfig
from ..credentials import CredentialResolver, Credentials
from .endpoints import configured_endpoint_url, resolve_endpoint
from .exceptions import ConfigError
from .pipeline import Clock, Endpoint, Pipeline, Sleep
from .shared_config import resolve_region
from .signer import SigV4Signer
from .transport import AiohttpTransport, Transport

VERSION = "0.1.0"
SIGNING_NAME = "lambda"


def _user_agent(extra: str | None) -> str:
    # No HTTP library version: the transport is replaceable, and reading
    # aiohttp's version would mean importing it before it is needed.
    agent = (
        f"lambda-client/{VERSION} lang/python#{platform.python_version()} "
        f"os/{platform.system().lower()}"
    )
    return f"{agent} {extra}" if extra else agent


class BaseClient:
    """Resolves region, endpoint, credentials and configuration once, at
    construction; nothing is read from the environment per call.

    ``transport``, ``clock`` (epoch seconds) and ``sleep`` are seams for
    tests: a fake network, and time that a test controls.
    """

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
        config = config or ClientConfig()
        env = os.environ
        resolved_region = resolve_region(region, profile=profile, env=env)
        if resolved_region is None:
            raise ConfigError(
                "no region: pass region=..., set AWS_REGION, or set one in the shared config file"
            )
        url = endpoint_url or configured_endpoint_url(env)
        endpoint = resolve_endpoint(
            resolved_region,
            use_fips=config.resolved_use_fips(env),
            use_dualstack=config.resolved_use_dualstack(env),
            endpoint_url=url,
        )
        self._region = resolved_region
        self._config = config
        self._pipeline = Pipeline(
            transport=transport or AiohttpTransport(config),
            signer=SigV4Signer(service=SIGNING_NAME, region=resolved_region),
            credentials=CredentialResolver(credentials=credentials, profile=profile),
            endpoint=Endpoint.parse(endpoint),
            config=config,
            user_agent=_user_agent(config.user_agent_extra),
            clock=clock,
            sleep=sleep,
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
        """Release the connection pool. Idempotent."""
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
