"""The async client's first calls, sent while aiohttp is not yet loaded.

Importing aiohttp costs a fresh process more than everything else of a
first GetFunction together: about 850 of the 1,100 million instructions a
minimal aiohttp program takes to its first answer (valgrind), 0.1-0.25 s.
A Lambda function that calls Lambda, or a script that makes one call, would
wait that long before its first request left.

So until aiohttp is loaded, a call goes over `InlineTransport` (the
project's own blocking HTTP/1.1, which the blocking client uses; same
exceptions, same words, same request bytes) in a thread of its own, and the
loop keeps serving other tasks. The second such call starts importing
aiohttp in the background (a program that makes one call never loads it;
the import does not compete with the first call for the GIL); the calls
that start after that import has finished go through aiohttp, and the
early connections close once their last call ends. Everything above the transport (signing,
retries, quota, logs, telemetry) runs on the loop as for any call.

Only what the inline transport serves goes early: a whole answer (not an
event stream), straight to the endpoint (no proxy), and at most
`EARLY_CALLS` at once; any other call waits for aiohttp's import as before,
and starts it if nobody has.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .deferred_import import call_in_thread

if TYPE_CHECKING:
    import ssl

    from .client_config import ClientConfig
    from .http import HttpRequest, HttpResponse
    from .inline_transport import InlineTransport
    from .tls import TlsSettings

__all__ = ["EARLY_CALLS", "EarlyCalls"]

#: Calls sent early at once; a burst beyond it waits for aiohttp, which
#: serves any number of concurrent calls without a thread apiece.
EARLY_CALLS = 4


class EarlyCalls:
    """One client's calls over the inline transport, before aiohttp."""

    def __init__(self, config: ClientConfig, tls: TlsSettings) -> None:
        self._config = config
        self._tls = tls
        self._transport: InlineTransport | None = None
        self._in_flight = 0
        #: Calls sent so far.
        self.sent = 0
        #: aiohttp took over: the connections close when the last call ends.
        self._retired = False

    def available(self) -> bool:
        return not self._retired and self._in_flight < EARLY_CALLS

    async def send(
        self,
        request: HttpRequest,
        *,
        read_timeout: float,
        connect_timeout: float | None,
        ssl_context: ssl.SSLContext | None,
    ) -> HttpResponse:
        transport = self._transport
        if transport is None:
            # Here rather than at the top: the inline transport imports the
            # aiohttp transport's module, which imports this one.
            from .inline_transport import InlineTransport

            transport = InlineTransport(self._config, tls=self._tls, ssl_context=ssl_context)
            self._transport = transport
        self._in_flight += 1
        self.sent += 1
        try:
            return await call_in_thread(
                functools.partial(
                    transport.send_now,
                    request,
                    read_timeout=read_timeout,
                    connect_timeout=connect_timeout,
                ),
                "lambda_client-early-call",
            )
        finally:
            self._in_flight -= 1
            if self._retired and self._in_flight == 0:
                self.close()

    def retire(self) -> None:
        """aiohttp serves from now on; close the connections when idle."""
        self._retired = True
        if self._in_flight == 0:
            self.close()

    def close(self) -> None:
        """Close every connection; calls still exchanging fail."""
        self._retired = True
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close_now()
