"""The benchmark's `lambda_client_own` worker (bench/worker.py) makes whole
client calls, with the network and signing left out: what
`python -m bench.instructions --clients lambda_client_own` counts."""

from __future__ import annotations

import pytest

from bench import fixtures
from bench.worker import ADAPTERS

from .faults import closed_port


@pytest.mark.parametrize("op", ["get_function", "invoke"])
async def test_the_own_work_worker_reads_the_canned_answer_without_a_network(op: str) -> None:
    # Nothing listens there: a call that reached for the network would fail.
    call, close = await ADAPTERS["lambda_client_own"](f"http://127.0.0.1:{closed_port()}", op, 4)
    try:
        for _ in range(3):
            out = await call()
    finally:
        await close()
    if op == "invoke":
        assert out == fixtures.payload_for("invoke")
    else:
        assert out == fixtures.FUNCTION_NAME
