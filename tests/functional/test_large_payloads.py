"""Large payloads are hashed for SigV4 off the event loop, and still signed right.

The recording server recomputes every signature from what arrived, with
botocore's signer as the reference; the hashing function is wrapped to see
which thread ran it.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from lambda_client._runtime import payload_digest
from lambda_client._runtime.payload_digest import OFF_LOOP_BYTES
from tests.functional.function_url_server import REGION as URL_REGION
from tests.functional.function_url_server import serve

from .differential import signing, wire
from .differential.server import Harness, harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Harness]:
    async with harness() as h:
        yield h


@pytest.fixture
def hashing_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the threads that hashed a body off the loop, in order."""
    seen: list[str] = []
    real = payload_digest._hexdigest

    def recording(body: bytes) -> str:
        seen.append(threading.current_thread().name)
        return real(body)

    monkeypatch.setattr(payload_digest, "_hexdigest", recording)
    yield seen


async def test_a_large_invoke_payload_is_hashed_in_a_worker_thread(
    env: Harness, hashing_threads: list[str]
) -> None:
    payload = bytes(range(256)) * (2 * OFF_LOOP_BYTES // 256)
    env.server.answer(wire.success("Invoke"))
    await env.ours.invoke(function_name="big", payload=payload)
    (seen,) = env.server.requests
    assert seen.body == payload
    signing.verify(seen)
    # Hashed once, not on the loop's thread; and nothing extra on the wire.
    assert len(hashing_threads) == 1
    assert hashing_threads[0] != threading.current_thread().name
    # Sent in slices, yet on the wire as a small body goes: a length, no
    # content type, no chunked encoding, nothing extra.
    assert seen.headers["content-length"] == str(len(payload))
    assert "content-type" not in seen.headers
    assert "transfer-encoding" not in seen.headers
    assert "x-amz-content-sha256" not in seen.headers


async def test_a_payload_below_the_threshold_is_hashed_inline(
    env: Harness, hashing_threads: list[str]
) -> None:
    payload = b"x" * (OFF_LOOP_BYTES - 1)
    env.server.answer(wire.success("Invoke"))
    await env.ours.invoke(function_name="small", payload=payload)
    (seen,) = env.server.requests
    assert seen.body == payload
    signing.verify(seen)
    assert hashing_threads == []


async def test_a_large_function_url_body_is_hashed_once_off_the_loop(
    hashing_threads: list[str],
) -> None:
    from lambda_client import Credentials, LambdaClient
    from tests.functional.function_url_server import ACCESS_KEY, SECRET_KEY

    payload = bytes(range(256)) * (3 * OFF_LOOP_BYTES // 256)
    async with (
        serve() as server,
        LambdaClient(
            region=URL_REGION,
            endpoint_url="http://127.0.0.1:9",
            credentials=Credentials(access_key_id=ACCESS_KEY, secret_access_key=SECRET_KEY),
        ) as client,
    ):
        furl = client.function_url(server.url, region=URL_REGION)
        resp = await furl.post("/upload", content=payload)
        assert resp.status == 200
        # The server checks the signature and that the header is the body's hash.
        assert server.refused == []
        (seen,) = server.requests
        assert seen.headers["x-amz-content-sha256"] == hashlib.sha256(payload).hexdigest()
    # Hashed once for the header; the signer took the header's value.
    assert len(hashing_threads) == 1
    assert hashing_threads[0] != threading.current_thread().name
