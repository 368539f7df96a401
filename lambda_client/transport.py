"""The transport seam: the one place a client touches the network.

A client sends every request through a :class:`Transport`; by default an
:class:`AiohttpTransport`. Pass another as ``LambdaClient(...,
transport=...)`` to record, replay, fault-inject or stub
(:attr:`lambda_client.testing.LambdaStub.transport`) what goes over the wire.

A transport receives each attempt as an :class:`HttpRequest`, already
serialised and signed: it must send it exactly as given (the signature
covers the path, query, headers and body) and return the
:class:`HttpResponse`, whatever its status. Network failures are raised as
the library's :class:`~lambda_client.errors.TransportError` subclasses,
because the retry policy reads them: :class:`~lambda_client.errors.ConnectError`
when the request never left (always safe to resend),
:class:`~lambda_client.errors.ReadTimeoutError` or
:class:`~lambda_client.errors.ConnectionClosedError` once it may have reached
the service (an ``Invoke`` is then not resent).
"""

from ._runtime.http import HttpRequest, HttpResponse, ResponseStream
from ._runtime.transport import AiohttpTransport, Transport

__all__ = ["AiohttpTransport", "HttpRequest", "HttpResponse", "ResponseStream", "Transport"]
