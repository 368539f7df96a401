"""The one-off allocation that settles glibc's thresholds before sockets are read."""

from __future__ import annotations

import pytest

from lambda_client._runtime import allocator, transport
from lambda_client.config import ClientConfig


def test_settle_frees_one_large_block_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    def spy(size: int) -> bytes:
        sizes.append(size)
        return b""

    monkeypatch.setattr(allocator, "_settled", False)
    # Shadows the builtin for the module only.
    monkeypatch.setattr(allocator, "bytes", spy, raising=False)
    allocator.settle()
    allocator.settle()
    assert sizes == [8 << 20]


async def test_the_transport_settles_before_its_first_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[None] = []
    monkeypatch.setattr(allocator, "settle", lambda: calls.append(None))
    t = transport.AiohttpTransport(ClientConfig())
    try:
        t._open()
        t._open()
        assert calls == [None]
    finally:
        await t.close()
