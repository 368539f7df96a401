"""Response bodies parse to the same values with or without orjson."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_client._runtime import jsonload

_JSON = st.recursive(
    st.none()
    | st.booleans()
    # The model's integers are 64-bit (smithy ``long``); beyond that range
    # orjson gives floats, as the module says.
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

# What orjson refuses and json.loads accepts: each must still parse.
_ONLY_THE_STANDARD_LIBRARY_ACCEPTS = [
    b'{"x": NaN}',
    b'{"x": -Infinity}',
    b'{"x": "\\ud800"}',
    b'{"x": 1e400}',
]


@pytest.fixture(params=["orjson", "standard library"])
def parser(request: pytest.FixtureRequest) -> Iterator[str]:
    saved = jsonload._impl
    if request.param == "orjson":
        pytest.importorskip("orjson")
        jsonload._impl = jsonload._choose()
    else:
        jsonload._impl = json.loads
    yield request.param
    jsonload._impl = saved


def test_orjson_is_used_when_installed() -> None:
    orjson = pytest.importorskip("orjson")
    assert jsonload._choose() is not json.loads
    assert orjson.loads(b"[1]") == jsonload.loads(b"[1]")


@given(value=_JSON)
def test_same_values_as_json_loads(value: Any) -> None:
    for parse in (jsonload._choose(), json.loads):
        body = json.dumps(value).encode()
        parsed = parse(body)
        assert json.dumps(parsed) == json.dumps(json.loads(body))


@pytest.mark.parametrize("body", _ONLY_THE_STANDARD_LIBRARY_ACCEPTS)
def test_what_orjson_refuses_still_parses(parser: str, body: bytes) -> None:
    assert repr(jsonload.loads(body)) == repr(json.loads(body))


def test_integers_beyond_64_bits_still_parse(parser: str) -> None:
    # No Lambda member can hold one (the model's longs are 64-bit); they
    # parse, to the exact int without orjson and to a float with it.
    assert jsonload.loads(b'{"x": 123456789012345678901234567890}')["x"] == pytest.approx(
        123456789012345678901234567890
    )


@pytest.mark.parametrize("body", [b"{", b"<html>", b'{"a": 1,}', b"\xff"])
def test_what_neither_accepts_fails_like_json_loads(parser: str, body: bytes) -> None:
    with pytest.raises(ValueError):
        jsonload.loads(body)
