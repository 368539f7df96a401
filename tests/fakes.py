"""A fake transport whose answers are computed from each request.

Most unit tests queue typed answers on ``lambda_client.testing.LambdaStub``
instead, which also runs the service's side of the wire; this is for the
few that need an answer depending on the request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from multidict import CIMultiDict

from lambda_client._runtime.http import HttpRequest, HttpResponse

Responder = Callable[[HttpRequest], HttpResponse]


def json_response(
    status: int, body: bytes = b"{}", headers: Mapping[str, str] | None = None
) -> HttpResponse:
    return HttpResponse(status=status, headers=CIMultiDict(headers or {}), body=body)


class FakeTransport:
    """Records requests and answers with ``responder`` (default: 200 ``{}``)."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.requests: list[HttpRequest] = []
        self.responder = responder or (lambda _request: json_response(200))
        self.closed = False

    async def send(
        self, request: HttpRequest, *, read_timeout: float, stream: bool = False
    ) -> HttpResponse:
        self.requests.append(request)
        return self.responder(request)

    async def close(self) -> None:
        self.closed = True
