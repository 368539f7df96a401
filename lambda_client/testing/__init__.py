"""Testing code that uses lambda_client.

- ``LambdaStub``: unit tests without a server. Queue typed answers
  (outputs, errors, raw HTTP, event streams); a client from
  ``stub.client()`` runs its whole pipeline against them, on a virtual
  clock, and ``stub.calls`` records what it sent. With pytest, the
  ``lambda_stub`` fixture gives a fresh stub to each test.
- ``LocalLambda``: a local Lambda endpoint (moto's server) for tests
  that need a service that keeps state.
"""

from ._clock import VirtualClock
from ._local import LOCAL_CREDENTIALS, LOCAL_REGION, LocalLambda
from ._stub import STUB_CREDENTIALS, LambdaStub, StubCall, StubError, StubTransport

__all__ = [
    "LOCAL_CREDENTIALS",
    "LOCAL_REGION",
    "STUB_CREDENTIALS",
    "LambdaStub",
    "LocalLambda",
    "StubCall",
    "StubError",
    "StubTransport",
    "VirtualClock",
]
