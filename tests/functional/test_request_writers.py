"""The generated ``_valid`` and ``_to_http`` against the validator and the
general serializer.

Each request class gets a straight-line check and serializer
(codegen/writers.py); the pipeline uses them when the check says True and
the general code otherwise. Two properties make that invisible: whenever
``_valid`` says True the validator finds nothing (over requests drawn from
the model and over requests with wrong types, out-of-range sizes and
unknown enum values put in), and ``_to_http`` writes exactly what
``request_binding.serialize_request`` writes. The check must also say True for
ordinary requests, or the fast path would never be taken.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import errors, models
from lambda_client._runtime import request_binding
from lambda_client._runtime.validate import Problems, check_fields

from .differential import convert, examples, model, strategies

_HOST = "lambda.us-east-1.amazonaws.com"


def _request(operation: str, params: dict[str, Any]) -> Any:
    shape = model.operation_model(operation).input_shape
    return model.model_class(shape.name)(**convert.kwargs(shape, params))


def _validator_problems(request: Any, *, strict: bool) -> Problems:
    problems = Problems(strict_enums=strict)
    check_fields(request, "", problems)
    return problems


def _general(operation: str, request: Any) -> Any:
    http = request_binding.serialize_request(
        model.spec(operation), request, scheme="https", host=_HOST, base_path=""
    )
    return http.path, http.query, http.headers, http.body


def _assert_agrees(operation: str, request: Any) -> None:
    for strict in (False, True):
        if request._valid(strict):
            assert _validator_problems(request, strict=strict) == []
            written = request._to_http()
            if written is None:
                with pytest.raises(errors.ParamValidationError):
                    _general(operation, request)
            else:
                assert written == _general(operation, request)


@pytest.mark.parametrize("operation", model.operation_names())
def test_an_ordinary_request_takes_the_generated_path(operation: str) -> None:
    request = _request(operation, strategies.minimal_params(operation))
    assert request._valid(False) is True
    assert request._valid(True) is True
    assert request._to_http() == _general(operation, request)


@pytest.mark.parametrize("operation", model.operation_names())
@examples(15)
@given(data=st.data())
def test_drawn_requests_are_written_as_the_general_serializer_writes_them(
    operation: str, data: st.DataObject
) -> None:
    params = data.draw(strategies.params(operation), label="params")
    _assert_agrees(operation, _request(operation, params))


#: Values of every kind, for any member: the check must never say True for
#: one the validator refuses.
_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=5),
    st.sampled_from(["", "x" * 300, "é" * 1000, "x" * 2000]),
    st.binary(max_size=8),
    st.just(bytearray(b"ab")),
    st.lists(st.one_of(st.none(), st.text(max_size=3), st.integers()), max_size=3),
    st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.text(max_size=3)), max_size=3),
    st.just(datetime(2024, 1, 2, tzinfo=UTC)),
    st.just(models.Runtime("python3.12")),
    st.just(models.Runtime("python9.99")),
    st.just(models.VpcConfig(subnet_ids=["s"])),
)


@pytest.mark.parametrize("operation", model.operation_names())
@examples(15)
@given(data=st.data())
def test_the_check_never_passes_what_the_validator_refuses(
    operation: str, data: st.DataObject
) -> None:
    request = _request(operation, data.draw(strategies.params(operation), label="params"))
    for field in attrs.fields(type(request)):
        if data.draw(st.integers(0, 3), label=f"replace {field.name}") == 0:
            object.__setattr__(request, field.name, data.draw(_ANY_VALUE, label=field.name))
    _assert_agrees(operation, request)


@pytest.mark.parametrize(
    ("payload", "invocation_type", "fast"),
    [
        (b"x" * (1 << 20), "Event", True),
        (b"x" * ((1 << 20) + 1), "Event", False),
        (b"x" * (6 << 20), "RequestResponse", True),
        (b"x" * ((6 << 20) + 1), "RequestResponse", False),
    ],
)
def test_the_check_asks_the_limits_over_several_members(
    payload: bytes, invocation_type: str, fast: bool
) -> None:
    request = models.InvocationRequest(
        function_name="f", payload=payload, invocation_type=invocation_type
    )
    assert request._valid(False) is fast
    assert (_validator_problems(request, strict=False) == []) is fast


def test_nested_structures_are_checked_through_their_own_check() -> None:
    good = models.UpdateFunctionConfigurationRequest(
        function_name="f", vpc_config=models.VpcConfig(subnet_ids=["s-1"])
    )
    assert good._valid(False) is True
    too_many = models.UpdateFunctionConfigurationRequest(
        function_name="f", vpc_config=models.VpcConfig(subnet_ids=[f"s-{i}" for i in range(17)])
    )
    assert too_many._valid(False) is False
    assert _validator_problems(too_many, strict=False) != []


async def test_a_subclass_of_a_request_class_takes_the_general_path() -> None:
    # The inherited check and writer know nothing of the subclass's own
    # members: the pipeline gives such a request to the validator and the
    # general serializer, which read the members of its actual class.
    from lambda_client._generated import operations
    from lambda_client._runtime import validate as _v
    from lambda_client.testing import LambdaStub

    @attrs.define(kw_only=True, slots=True)
    class Tagged(models.GetFunctionRequest):
        tag: str | None = attrs.field(
            default=None,
            metadata={"wire": "Tag", "loc": "header", "name": "X-Tag", "check": _v.Str(max=2)},
        )

    too_long = Tagged(function_name="f", tag="abcdef")
    assert too_long._valid(False)
    stub = LambdaStub()
    stub.add_response("get_function", models.GetFunctionResponse())
    async with stub.client() as client:
        with pytest.raises(errors.ParamValidationError, match="tag"):
            await client._pipeline.call(operations.GET_FUNCTION, too_long)
        assert stub.calls == []
        await client._pipeline.call(operations.GET_FUNCTION, Tagged(function_name="f", tag="ab"))
    assert stub.calls[0].http.headers["x-tag"] == "ab"
