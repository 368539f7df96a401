"""``client.with_options(...)``: the same client with other timeouts or retries.

A view is an instance of the client's own class (so every operation is
there, typed as on the client) whose pipeline is a shallow copy of the
client's: the transport (connection pool), credentials, signer, endpoint
and retry quota are the same objects. Only the settings given differ. The
view's transport is a non-owning handle on the client's: closing a view
leaves the pool alone, since other views and the client still use it.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import attrs

from .exceptions import ConfigError
from .http import HttpRequest, HttpResponse
from .retry import AdaptiveRateLimiter

if TYPE_CHECKING:
    from .client_base import BaseClient
    from .client_config import ClientConfig, RetryMode
    from .pipeline import Pipeline
    from .transport import Transport

__all__ = ["ClientView", "SharedTransport", "view_of"]

C = TypeVar("C", bound="BaseClient")


class SharedTransport:
    """The client's transport as seen by a view: sends through it, with the
    view's connect timeout, and never closes it."""

    __slots__ = ("connect_timeout", "owner")

    def __init__(self, owner: Transport, connect_timeout: float | None) -> None:
        self.owner = owner
        self.connect_timeout = connect_timeout

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        if self.connect_timeout is None:
            return await self.owner.send(request, read_timeout=read_timeout, stream=stream)
        # Only the aiohttp transport takes a connect timeout per request;
        # with_options refuses connect_timeout for any other (see make()).
        send = cast(Any, self.owner).send
        result: HttpResponse = await send(
            request,
            read_timeout=read_timeout,
            stream=stream,
            connect_timeout=self.connect_timeout,
        )
        return result

    async def close(self) -> None:
        """Nothing to do: the pool belongs to the client."""


class ClientView:
    @staticmethod
    def make(
        client: C,
        *,
        read_timeout: float | None,
        connect_timeout: float | None,
        max_attempts: int | None,
        retry_mode: RetryMode | None,
    ) -> C:
        changes: dict[str, Any] = {
            name: value
            for name, value in (
                ("read_timeout", read_timeout),
                ("connect_timeout", connect_timeout),
                ("max_attempts", max_attempts),
                ("retry_mode", retry_mode),
            )
            if value is not None
        }
        # The config's validators check the values (positive, known mode).
        config = attrs.evolve(client._config, **changes)
        parent: Pipeline = client._pipeline
        owner = parent.transport
        if isinstance(owner, SharedTransport):
            # A view of a view still points at the client's own transport.
            if connect_timeout is None:
                connect_timeout = owner.connect_timeout
            owner = owner.owner
        if connect_timeout is not None:
            from .transport import AiohttpTransport

            if not isinstance(owner, AiohttpTransport):
                raise ConfigError(
                    "with_options(connect_timeout=...) needs the built-in transport; "
                    f"this client sends through {type(owner).__name__}"
                )
        pipeline = copy.copy(parent)
        pipeline.transport = SharedTransport(owner, connect_timeout)
        pipeline.config = config
        pipeline.max_attempts = config.resolved_max_attempts()
        pipeline.read_timeout = config.effective_read_timeout(invoke=False)
        pipeline.invoke_read_timeout = config.effective_read_timeout(invoke=True)
        mode: Literal["standard", "adaptive"] = config.resolved_retry_mode()
        if mode == "standard":
            pipeline.limiter = None
        elif parent.limiter is None:
            # The client does not rate-limit; this view does, on its own.
            pipeline.limiter = AdaptiveRateLimiter(parent.clock)
        return view_of(client, config, pipeline)


def view_of(client: C, config: ClientConfig, pipeline: Pipeline) -> C:
    """An instance of the client's class sharing everything the client
    holds (region, hand-written extras) but its configuration and pipeline."""
    view = object.__new__(type(client))
    view.__dict__.update(client.__dict__)
    view._config = config
    view._pipeline = pipeline
    return view
