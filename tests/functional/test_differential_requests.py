"""Every operation's request, byte for byte against botocore's.

For each operation hypothesis draws an input from the model; both clients
send it to the recording server, and the method, raw path, query, modelled
headers and body must agree. Our signature is then recomputed server-side
from what arrived, with botocore's signer as the reference.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from .differential import convert, examples, model, signing, strategies, wire
from .differential.server import Harness, Recorded, harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env() -> AsyncIterator[Harness]:
    async with harness() as h:
        yield h


def _raw_pairs(query: str) -> list[str]:
    return sorted(part for part in query.split("&") if part)


def _decoded_pairs(query: str) -> list[tuple[str, str]]:
    pairs = []
    for part in _raw_pairs(query):
        name, _, value = part.partition("=")
        # unquote, not unquote_plus: a literal "+" would be a plus sign.
        pairs.append((unquote(name), unquote(value)))
    return sorted(pairs)


def _header_names(operation: str) -> list[str]:
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return []
    return [
        m.serialization["name"].lower()
        for m in shape.members.values()
        if model.location(m) == "header"
    ]


def _idempotency_members(operation: str, params: dict[str, Any]) -> list[str]:
    shape = model.operation_model(operation).input_shape
    if shape is None:
        return []
    return [
        name
        for name, m in shape.members.items()
        if m.metadata.get("idempotencyToken") and name not in params
    ]


def _assert_same_body(operation: str, params: dict[str, Any], ours: bytes, boto: bytes) -> None:
    shape = model.operation_model(operation).input_shape
    if model.is_raw_payload(shape) or not boto:
        assert ours == boto
        return
    ours_doc, boto_doc = json.loads(ours), json.loads(boto)
    for name in _idempotency_members(operation, params):
        # Both clients invent a token when the caller gives none; they must
        # both send one, and it must be a fresh UUID4.
        for doc in (ours_doc, boto_doc):
            token = doc.pop(name, None)
            assert isinstance(token, str) and _UUID4.fullmatch(token), token
    assert ours_doc == boto_doc


async def _drain(output: Any) -> None:
    stream = getattr(output, "event_stream", None)
    if stream is not None:
        async with stream:
            async for _ in stream:
                pass


async def _send_both(
    env: Harness, operation: str, params: dict[str, Any]
) -> tuple[Recorded, Recorded]:
    server = env.server
    server.answer(wire.success(operation))
    shape = model.operation_model(operation).input_shape
    method = getattr(env.ours, model.method_name(operation))
    await _drain(await method(**(convert.kwargs(shape, params) if shape is not None else {})))
    (ours,) = server.requests
    server.requests.clear()
    await env.call_boto(operation, params, wire.read_botocore)
    (boto,) = server.requests
    return ours, boto


@pytest.mark.parametrize("operation", model.operation_names())
@examples(25)
@given(data=st.data())
async def test_request_matches_botocore(env: Harness, operation: str, data: st.DataObject) -> None:
    params = data.draw(strategies.params(operation), label="params")
    ours, boto = await _send_both(env, operation, params)

    assert ours.method == boto.method
    assert ours.path == boto.path
    assert _decoded_pairs(ours.query) == _decoded_pairs(boto.query)
    assert _raw_pairs(ours.query) == _raw_pairs(boto.query)
    sent = []
    for name in [*_header_names(operation), "content-type"]:
        assert ours.headers.get(name) == boto.headers.get(name), name
        if name in ours.headers:
            sent.append(name)
    _assert_same_body(operation, params, ours.body, boto.body)

    signing.verify(ours, required=frozenset(sent))
    # The verifier accepts the reference client, so a failure above is ours.
    signing.verify(boto)
