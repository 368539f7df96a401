"""A synchronous client over the async one, for threads and scripts."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from ._generated.blocking_client import GeneratedBlockingOperations
from ._runtime.blocking import LoopThread
from ._runtime.inline import Calls, inline_view
from ._runtime.inline_transport import InlineTransport
from ._runtime.pipeline import Clock, Sleep
from ._runtime.transport import Transport
from .client import LambdaClient
from .config import ClientConfig, RetryMode
from .credentials import Credentials
from .function_url import AuthType, BlockingFunctionUrl

__all__ = ["BlockingLambdaClient"]


class BlockingLambdaClient(GeneratedBlockingOperations):
    """Every Lambda operation as a synchronous method with the same names,
    arguments and return types as [`LambdaClient`][lambda_client.LambdaClient].

    An operation runs in the calling thread, over connections of the
    client's own, with the async client's validation, signing, retries and
    telemetry (no event loop, no hand-over to another thread). Event
    streams, paginators, waiters and function URLs run the async client on
    a private event-loop thread, and so does every call when a proxy
    applies to the endpoint or a ``transport`` or ``sleep`` seam is given.
    Any number of threads may call one blocking client at once. Use it as a
    context manager or call `close()`. Do not call it from inside a running
    event loop (it blocks the loop): use
    [`LambdaClient`][lambda_client.LambdaClient] there.
    """

    _client: LambdaClient

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
        self._view = False
        self._inline_transport: InlineTransport | None = None
        # A sleep seam is a coroutine function, which only a loop can run.
        seams = transport is not None or sleep is not None
        made = None if seams else inline_view(self._client, self._runner)
        if made is None:
            self._calls = Calls(self._client, self._runner, inline=False)
        else:
            view, self._inline_transport = made
            self._calls = Calls(view, self._runner, inline=True)

    @property
    def async_client(self) -> LambdaClient:
        """The async client underneath (use it only on ``loop``)."""
        return self._client

    def function_url(
        self,
        url: str,
        *,
        region: str | None = None,
        auth: AuthType = "AWS_IAM",
        raise_for_status: bool = True,
        retry_sent: bool | None = None,
    ) -> BlockingFunctionUrl:
        """Blocking form of
        [`LambdaClient.function_url`][lambda_client.LambdaClient.function_url],
        which documents the arguments:

        ```python
        furl = client.function_url("https://abc.lambda-url.us-east-1.on.aws/")
        resp = furl.post("/orders", json={"id": 1})
        with furl.stream("GET", "/report") as resp:
            for chunk in resp.iter_bytes():
                ...
        ```
        """
        return BlockingFunctionUrl(
            self._runner,
            self._client.function_url(
                url,
                region=region,
                auth=auth,
                raise_for_status=raise_for_status,
                retry_sent=retry_sent,
            ),
        )

    def with_options(
        self,
        *,
        read_timeout: float | None = None,
        connect_timeout: float | None = None,
        max_attempts: int | None = None,
        retry_mode: RetryMode | None = None,
    ) -> Self:
        """A view whose calls use other timeouts or retries, sharing this
        client's connections, loop thread, credentials and retry quota (see
        [`LambdaClient.with_options`][lambda_client.LambdaClient.with_options]).
        Closing the view does nothing."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)
        view._client = self._client.with_options(
            read_timeout=read_timeout,
            connect_timeout=connect_timeout,
            max_attempts=max_attempts,
            retry_mode=retry_mode,
        )
        view._view = True
        pool = self._inline_transport
        made = None if pool is None else inline_view(view._client, self._runner, transport=pool)
        if made is None:
            view._calls = Calls(view._client, self._runner, inline=False)
        else:
            view._calls = Calls(made[0], self._runner, inline=True)
        return view

    def close(self) -> None:
        """Close the connection pool and stop the loop thread. Idempotent.
        A view made by
        [`with_options()`][lambda_client.BlockingLambdaClient.with_options]
        owns neither: closing it does nothing."""
        if self._view:
            return
        if self._inline_transport is not None:
            self._inline_transport.close_now()
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
