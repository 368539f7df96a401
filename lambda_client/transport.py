"""The transport seam: the one place a client touches the network.

A client sends every request through a ``Transport``; by default an
``AiohttpTransport``. Pass another as ``LambdaClient(..., transport=...)``
to record, replay, fault-inject or stub (``LambdaStub.transport`` of
``lambda_client.testing``) what goes over the wire.

A transport receives each attempt as an ``HttpRequest``, already serialised
and signed: it must send it exactly as given (the signature covers the path,
query, headers and body) and return the ``HttpResponse``, whatever its
status. Network failures are raised as the library's ``TransportError``
subclasses (``lambda_client.errors``), because the retry policy reads them:
``ConnectError`` when the request never left (always safe to resend),
``ReadTimeoutError`` or ``ConnectionClosedError`` once it may have reached
the service (an ``Invoke`` is then not resent). ``close()`` releases
whatever the transport holds; a client calls it once, from its own
``close()``.
"""

from ._runtime.http import HttpRequest, HttpResponse, ResponseStream
from ._runtime.transport import AiohttpTransport, Transport

__all__ = ["AiohttpTransport", "HttpRequest", "HttpResponse", "ResponseStream", "Transport"]
