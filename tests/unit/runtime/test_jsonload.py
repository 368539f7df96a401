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


# -- limits ---------------------------------------------------------------------------

_NESTED = st.recursive(
    st.integers() | st.text(alphabet='ab[]{}"\\\n/u', max_size=6),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='ab[]{}"\\', max_size=4), children, max_size=3)
    ),
    max_leaves=30,
)


def _reference_depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_reference_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_reference_depth(v) for v in value), default=0)
    return 0


@given(value=_NESTED, limit=st.integers(min_value=0, max_value=6))
def test_nesting_is_judged_exactly_whatever_the_strings_hold(value: Any, limit: int) -> None:
    # Brackets, quotes and backslashes inside strings must not count.
    if not isinstance(value, (dict, list)):
        return
    assert jsonload.nests_deeper(value, limit) == (_reference_depth(value) > limit)


@pytest.mark.usefixtures("parser")
@given(value=_NESTED)
def test_loads_refuses_exactly_what_nests_past_the_limit(value: Any) -> None:
    # Wrapped to depths on both sides of the limit, padded past the size
    # below which the brackets are counted first, so both paths are taken.
    inner = _reference_depth(value)
    for extra in (jsonload.MAX_DEPTH - inner, jsonload.MAX_DEPTH + 1 - inner):
        wrapped = value
        for _ in range(max(extra, 0)):
            wrapped = [wrapped]
        for pad in ("", "x" * jsonload._SCAN_BYTES):
            body = json.dumps([wrapped, pad] if pad else wrapped).encode()
            too_deep = _reference_depth(wrapped) + (1 if pad else 0) > jsonload.MAX_DEPTH
            if too_deep:
                with pytest.raises(jsonload.JsonLimitError, match="nested deeper than 64"):
                    jsonload.loads(body)
            else:
                assert jsonload.loads(body) is not None


@pytest.mark.usefixtures("parser")
def test_brackets_in_strings_do_not_refuse_a_shallow_body() -> None:
    # More brackets than the limit, all inside strings: the count is only a
    # bound, and the parsed value decides.
    body = json.dumps({"Description": "[{" * 100, "Tags": {"k": "]}" * 100}}).encode()
    assert jsonload.loads(body)["Description"] == "[{" * 100


@pytest.mark.usefixtures("parser")
def test_a_large_wide_body_is_judged_by_its_values() -> None:
    # A state page: hundreds of containers, a few levels deep, large strings.
    page = {
        "Operations": [
            {"Id": f"op-{i}", "StepDetails": {"Result": json.dumps({"v": "x" * 20_000})}}
            for i in range(300)
        ]
    }
    assert len(jsonload.loads(json.dumps(page).encode())["Operations"]) == 300


@pytest.mark.usefixtures("parser")
@pytest.mark.parametrize("depth", [65, 1000, 1025, 5000, 100_000])
@pytest.mark.parametrize("kind", ["list", "object"])
def test_documents_nested_past_the_limit_are_refused(depth: int, kind: str) -> None:
    opening, closing = (b"[", b"]") if kind == "list" else (b'{"a":', b"}")
    body = opening * depth + b"1" + closing * depth
    with pytest.raises(jsonload.JsonLimitError, match="nested deeper than 64"):
        jsonload.loads(body)


@pytest.mark.usefixtures("parser")
def test_both_kinds_of_bracket_count_towards_the_depth() -> None:
    # Neither kind alone passes the limit, so a bound that counted one kind
    # (or the larger of the two) would let this through unmeasured.
    body = b'[{"a":' * 33 + b"1" + b"}]" * 33
    with pytest.raises(jsonload.JsonLimitError, match="nested deeper than 64"):
        jsonload.loads(body)


@pytest.mark.usefixtures("parser")
def test_the_limit_itself_is_accepted() -> None:
    body = b"[" * jsonload.MAX_DEPTH + b"]" * jsonload.MAX_DEPTH
    assert jsonload.loads(body) is not None


def test_bodies_over_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonload, "MAX_BYTES", 10)
    assert jsonload.loads(b"[1,2,3,4]") == [1, 2, 3, 4]
    with pytest.raises(jsonload.JsonLimitError, match="larger than 10 bytes"):
        jsonload.loads(b"[1,2,3,4,5]")
