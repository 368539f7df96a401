"""The runtime's small value classes without attrs: equality, repr, immutability."""

from __future__ import annotations

import pytest

from lambda_client._runtime.endpoints import ResolvedEndpoint
from lambda_client._runtime.retry import Decision, RetryQuota
from lambda_client._runtime.service_model import OperationSpec


def test_records_compare_and_print_by_their_fields() -> None:
    assert Decision(True, "throttled", "throttle", 1.0) == Decision(
        True, "throttled", "throttle", 1.0
    )
    assert Decision(True, "throttled") != Decision(False, "throttled")
    assert Decision(True, "x") != ("x",)
    assert repr(Decision(False, "no")) == (
        "Decision(retry=False, reason='no', kind='', retry_after=None)"
    )
    assert RetryQuota() == RetryQuota(500, 500)
    assert repr(RetryQuota(10, 5)) == "RetryQuota(capacity=10, available=5)"


def test_frozen_records_refuse_changes_and_hash_by_value() -> None:
    decision = Decision(True, "x")
    with pytest.raises(AttributeError):
        decision.retry = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del decision.reason
    assert hash(decision) == hash(Decision(True, "x"))
    # Dict members make an endpoint unhashable, as the attrs class was.
    with pytest.raises(TypeError):
        hash(ResolvedEndpoint("https://x", {}, {}))


def test_mutable_records_are_unhashable_and_change_in_place() -> None:
    quota = RetryQuota()
    quota.available -= 5
    assert quota.available == 495
    with pytest.raises(TypeError):
        hash(quota)


def test_operation_specs_split_their_static_query() -> None:
    spec: OperationSpec[object, object] = OperationSpec(
        name="ListLayerVersions",
        http_method="GET",
        uri="/2018-10-31/layers?find=LayerVersion&x=1",
        success_code=200,
        input_type=lambda: object,
        output_type=None,
        invokes_function=False,
        streaming_output=False,
    )
    assert spec.path_template == "/2018-10-31/layers"
    assert spec.static_query == (("find", "LayerVersion"), ("x", "1"))
    with pytest.raises(AttributeError):
        spec.name = "other"  # type: ignore[misc]
