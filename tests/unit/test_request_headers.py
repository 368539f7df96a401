"""Headers the client adds to every request."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from lambda_client import models
from lambda_client.testing import LambdaStub

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SETTINGS = models.GetAccountSettingsResponse()


async def test_invocation_ids_are_distinct_uuid4s_and_user_agent_is_set(
    lambda_stub: LambdaStub,
) -> None:
    for _ in range(50):
        lambda_stub.add_response("get_account_settings", SETTINGS)
    client = lambda_stub.client()
    for _ in range(50):
        await client.get_account_settings()
    ids = [call.http.headers["amz-sdk-invocation-id"] for call in lambda_stub.calls]
    assert len(set(ids)) == 50 and all(UUID4.match(i) for i in ids)
    assert lambda_stub.calls[0].http.headers["user-agent"].startswith("lambda-client/")


async def test_recursion_trace_id_is_forwarded_only_inside_lambda(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-abc;Parent=def;Sampled=1")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    outside = LambdaStub()
    outside.add_response("get_account_settings", SETTINGS)
    await outside.client().get_account_settings()
    assert "x-amzn-trace-id" not in outside.calls[0].http.headers

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "caller")
    inside = LambdaStub()
    inside.add_response("get_account_settings", SETTINGS)
    inside.add_response("get_account_settings", SETTINGS)
    client = inside.client()
    await client.get_account_settings()
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-next")
    await client.get_account_settings()
    assert [call.http.headers["x-amzn-trace-id"] for call in inside.calls] == [
        "Root=1-abc;Parent=def;Sampled=1",
        "Root=1-next",
    ]


def test_invocation_ids_stay_distinct_across_threads() -> None:
    import threading

    from lambda_client._runtime.pipeline import _invocation_id

    seen: list[list[str]] = [[] for _ in range(8)]

    def draw(into: list[str]) -> None:
        into.extend(_invocation_id() for _ in range(5_000))

    threads = [threading.Thread(target=draw, args=(out,)) for out in seen]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [i for out in seen for i in out]
    assert len(set(ids)) == len(ids) == 40_000
    assert all(UUID4.match(i) for i in ids)


_FORKED = """
import os
from lambda_client._runtime.pipeline import _invocation_id
before = _invocation_id()
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(write, _invocation_id().encode())
    os._exit(0)
os.close(write)
child = os.read(read, 100).decode()
os.waitpid(pid, 0)
print(before, _invocation_id(), child)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_a_forked_child_never_repeats_its_parents_invocation_ids() -> None:
    # A fresh interpreter: forking this one, whose other tests leave
    # threads behind, is not safe.
    done = subprocess.run(
        [sys.executable, "-c", _FORKED], capture_output=True, text=True, timeout=60, check=True
    )
    before, parent, child = done.stdout.split()
    assert all(UUID4.match(i) for i in (before, parent, child))
    # The parent counts on under its prefix; the child drew a prefix of its own.
    assert parent[:24] == before[:24] and parent != before
    assert child[:24] != parent[:24]
