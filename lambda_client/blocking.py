"""A synchronous client over the async one, for threads and scripts."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from ._generated.blocking_client import GeneratedBlockingOperations
from ._runtime.blocking import LoopThread
from ._runtime.pipeline import Clock, Sleep
from ._runtime.transport import Transport
from .client import LambdaClient
from .config import ClientConfig
from .credentials import Credentials

__all__ = ["BlockingLambdaClient"]


class BlockingLambdaClient(GeneratedBlockingOperations):
    """Every Lambda operation as a synchronous method with the same names,
    arguments and return types as :class:`~lambda_client.LambdaClient`.

    The async client runs on a private event-loop thread; any number of
    threads may call one blocking client at once. Use it as a context manager
    or call :meth:`close`. Do not call it from inside a running event loop:
    use :class:`~lambda_client.LambdaClient` there.
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
        self._client = LambdaClient(
            region=region,
            endpoint_url=endpoint_url,
            credentials=credentials,
            profile=profile,
            config=config,
            transport=transport,
            clock=clock,
            sleep=sleep,
        )
        self._runner = LoopThread()

    @property
    def async_client(self) -> LambdaClient:
        """The async client underneath (use it only on ``loop``)."""
        return self._client

    def close(self) -> None:
        """Close the connection pool and stop the loop thread. Idempotent."""
        self._runner.close(self._client.close())

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<BlockingLambdaClient region={self._client.region!r}>"
