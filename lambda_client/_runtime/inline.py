"""Blocking calls run to the end in the caller's thread.

Handing each call to an event-loop thread and waiting costs two thread
wake-ups and the loop's own machinery per call, about as much CPU as the
call itself on a small request. The blocking client (and so the durable
backend, checkpointing for the Durable Execution SDK) runs its operations
through an *inline* view of its async client instead: the same pipeline
(validation, signing, retries, quota, logs and telemetry) over
`InlineTransport`, which blocks instead of awaiting. Nothing in such a
call suspends:

- credentials not at hand (none yet, or a refresh due) are fetched through
  the loop thread, whose resolver owns the refresh;
- a retry's wait is ``time.sleep`` in the caller's thread;
- a large body is hashed in place (there is no loop to stall);

so `run_inline` drives the call's coroutine to its end with one
``send(None)``, without an event loop. The call runs in the caller's
context, so its span is a child of the caller's current span.

A view is offered only when the client sends through its built-in
transport and no proxy applies to its endpoint: `InlineTransport` speaks
directly to the endpoint, never through a proxy.
"""

from __future__ import annotations

import copy
import sys
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .credentials import CredentialResolver
from .exceptions import LambdaClientError
from .inline_transport import InlineTransport
from .options import SharedTransport, view_of
from .transport import AiohttpTransport

if TYPE_CHECKING:
    from .blocking import LoopThread
    from .client_base import BaseClient
    from .credentials import Credentials

__all__ = ["Calls", "inline_view", "run_inline"]

C = TypeVar("C", bound="BaseClient")
C_co = TypeVar("C_co", bound="BaseClient", covariant=True)
T = TypeVar("T")


def run_inline(call: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine of an inline view to its end in this thread.

    A bare ``yield`` (``asyncio.sleep(0)``) is stepped over; anything else
    it waits on would need an event loop, which an inline call must never
    reach: that is refused as a defect rather than left hanging.
    """
    try:
        while True:
            if call.send(None) is not None:
                break
    except StopIteration as done:
        result: T = done.value
        return result
    call.close()
    raise LambdaClientError(
        "an inline call waited on an event loop (a defect in lambda_client; the call was abandoned)"
    )


class LoopCredentials:
    """The client's credentials for inline calls: read directly while no
    refresh is due, fetched through the loop thread otherwise."""

    __slots__ = ("_resolver", "_runner")

    def __init__(self, resolver: CredentialResolver, runner: LoopThread) -> None:
        self._resolver = resolver
        self._runner = runner

    def ready(self) -> Credentials | None:
        return self._resolver.current()

    async def get(self) -> Credentials:
        # Blocks this thread, which runs nothing else: see run_inline.
        return self._runner.run(self._resolver.get())


def _sleep_in_place(
    sleep: Callable[[float], None] | None,
) -> Callable[[float], Coroutine[Any, Any, None]]:
    async def wait(seconds: float) -> None:
        # time.sleep looked up when called, so that a patched one is used.
        (sleep or time.sleep)(seconds)

    return wait


def inline_view(
    client: C,
    runner: LoopThread,
    *,
    transport: InlineTransport | None = None,
    sleep: Callable[[float], None] | None = None,
) -> tuple[C, InlineTransport] | None:
    """An inline view of ``client`` (whose loop runs on ``runner``) and the
    transport it sends through, or None when the client cannot be served
    inline.

    The view shares the client's credentials, signer, endpoint,
    configuration, retry quota and observer. Its connections are
    ``transport``'s when given (a view of a ``with_options`` view shares its
    client's), else a new transport's, which the caller closes with
    ``close_now()``. ``sleep`` (``time.sleep`` by default) is a seam for
    tests.
    """
    pipeline = client._pipeline
    owner = pipeline.transport
    connect_timeout = None
    if isinstance(owner, SharedTransport):
        # A with_options view: the client's own transport, the view's timeout.
        connect_timeout = owner.connect_timeout
        owner = owner.owner
    if type(owner) is not AiohttpTransport:
        return None
    endpoint = pipeline.endpoint
    if owner.proxies.select(endpoint.scheme, endpoint.host) is not None:
        return None
    resolver = pipeline.credentials
    if not isinstance(resolver, CredentialResolver):
        return None
    pool = transport or InlineTransport(client._config, tls=owner.tls)
    inline = copy.copy(pipeline)
    inline.transport = pool if connect_timeout is None else SharedTransport(pool, connect_timeout)
    inline.credentials = LoopCredentials(resolver, runner)
    inline.sleep = _sleep_in_place(sleep)
    inline.off_loop_bytes = sys.maxsize
    return view_of(client, client._config, inline), pool


class Calls(Generic[C_co]):
    """Where a blocking client's calls run: ``client`` is an inline view
    (the call runs in the calling thread) or the async client itself (the
    call runs on the loop thread). Chosen once per client, so a coroutine is
    always run the way its client needs."""

    __slots__ = ("client", "inline", "runner")

    def __init__(self, client: C_co, runner: LoopThread, *, inline: bool) -> None:
        self.client = client
        self.runner = runner
        self.inline = inline

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        if self.inline:
            return run_inline(call)
        return self.runner.run(call)
