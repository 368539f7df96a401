"""The generated ``_from_wire`` readers against the cattrs converter.

Responses are parsed by straight-line readers written by the generator;
the converter is the reference they must agree with, on every structure
read from responses, over documents drawn from botocore's shapes
(explicit nulls, unknown keys and enum values, ISO timestamps, integral
doubles included). A document a reader rejects must still be explained
with the converter's path to the bad value.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lambda_client import errors, models
from lambda_client._generated.operations import SERVICE
from lambda_client._runtime import model_reading, response_binding
from lambda_client._runtime.serde import converter
from lambda_client._runtime.streaming import EventStream

from .differential import examples, model, strategies


def _read_structures() -> list[str]:
    names = [
        name
        for name in models.__all__
        if attrs.has(getattr(models, name)) and hasattr(getattr(models, name), "_from_wire")
    ]
    assert len(names) > 150, "readers are generated for every structure read from responses"
    return sorted(names)


def _fields(obj: Any) -> dict[str, Any]:
    """Every attribute, recursively, with types: equality of attrs objects
    would call an enum member equal to its plain string."""
    if attrs.has(type(obj)):
        return {
            "type": type(obj),
            **{f.name: _fields(getattr(obj, f.name)) for f in attrs.fields(type(obj))},
        }
    if isinstance(obj, list):
        return {"list": [_fields(item) for item in obj]}
    if isinstance(obj, dict):
        return {"dict": [(_fields(k), _fields(v)) for k, v in obj.items()]}
    if isinstance(obj, EventStream):
        # A live stream is not a value; each reader makes its own (empty) one.
        return {"type": EventStream}
    return {"type": type(obj), "value": obj}


@pytest.mark.parametrize("name", _read_structures())
@examples(10)
@given(data=st.data())
def test_reader_agrees_with_the_converter(name: str, data: st.DataObject) -> None:
    shape = model.service_model().shape_for(name)
    document = data.draw(strategies.wire_body(shape))
    cls = getattr(models, name)
    assert _fields(cls._from_wire(document)) == _fields(converter().structure(document, cls))


def test_scalars_are_trusted_as_parsed_like_the_converter_does() -> None:
    # Enum members included: a number where a runtime name belongs is kept,
    # not turned into an error, exactly as for string and integer members.
    document = {"Runtime": 3, "FunctionName": 5, "Architectures": ["arm64", 1]}
    obj = models.FunctionConfiguration._from_wire(document)
    reference = converter().structure(document, models.FunctionConfiguration)
    assert (obj.runtime, obj.function_name, obj.architectures) == (3, 5, ["arm64", 1])
    assert _fields(obj) == _fields(reference)


def test_every_reader_sets_every_member() -> None:
    # A member the reader forgot would be a missing slot, not None. Members
    # every response has (status, raw body, event stream) hold their empty value.
    guaranteed = set()
    for name in _read_structures():
        obj = getattr(models, name)._from_wire({})
        for f in attrs.fields(type(obj)):
            value = getattr(obj, f.name)
            if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
                assert type(value) is type(f.default.factory()), (name, f.name)
            elif f.default in (None, attrs.NOTHING):
                # Required members a response omits are None too (see serde.py).
                assert value is None, (name, f.name)
            else:
                assert value == f.default and type(value) is type(f.default), (name, f.name)
            if f.default not in (None, attrs.NOTHING):
                guaranteed.add(f"{name}.{f.name}")
    assert guaranteed == {
        "DeleteFunctionResponse.status_code",
        "InvocationResponse.status_code",
        "InvocationResponse.payload",
        "InvokeAsyncResponse.status",
        "InvokeResponseStreamUpdate.payload",
        "InvokeWithResponseStreamResponse.status_code",
        "InvokeWithResponseStreamResponse.event_stream",
    }


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ({"Configuration": "not an object"}, "at GetFunctionResponse.configuration"),
        ({"Configuration": {"Layers": [{"CodeSize": 1}, 7]}}, ".configuration.layers[1]"),
        ({"Configuration": {"SnapStart": []}}, ".configuration.snap_start"),
        (
            {"Configuration": {"Environment": {"Variables": {"A": {"B": 1}}, "Error": 7}}},
            ".configuration.environment",
        ),
    ],
)
def test_a_rejected_document_is_explained_with_its_path(
    document: dict[str, Any], where: str
) -> None:
    with pytest.raises(errors.DeserializationError, match="Cannot read GetFunctionResponse") as e:
        model_reading.structure(document, models.GetFunctionResponse, 200)
    assert where in str(e.value)


# -- whole responses: the generated _from_http against the response binding's reading ------


def _response(canned: Any) -> Any:
    from multidict import CIMultiDict, CIMultiDictProxy

    from lambda_client._runtime.http import HttpResponse

    return HttpResponse(
        status=canned.status,
        headers=CIMultiDictProxy(CIMultiDict(canned.headers)),
        body=canned.body,
    )


def test_every_output_but_the_event_stream_has_a_whole_response_reader() -> None:
    without = sorted(
        op
        for op in model.operations_with_output()
        if not hasattr(getattr(models, model.operation_model(op).output_shape.name), "_from_http")
    )
    assert without == ["InvokeWithResponseStream"]


@pytest.mark.parametrize("operation", model.operations_with_output())
@examples(10)
@given(data=st.data())
def test_whole_response_reader_agrees_with_the_response_binding(
    operation: str, data: st.DataObject
) -> None:
    from .differential import wire

    spec = model.spec(operation)
    cls = getattr(models, model.operation_model(operation).output_shape.name)
    if not hasattr(cls, "_from_http"):
        return
    response = _response(data.draw(wire.output_response(operation), label="response"))
    fast = cls._from_http(response.status, response.headers, response.body)
    assert _fields(fast) == _fields(
        response_binding._parse_output(spec, response, SERVICE.error_classes, None)
    )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  \n",
        b"[]",
        b"7",
        b"{",
        b'{"Configuration": []}',
        b'{"Configuration": {"Layers": 3}}',
    ],
)
def test_an_answer_the_fast_reader_cannot_read_is_read_the_thorough_way(body: bytes) -> None:
    # parse_output tries the generated reader first; whatever it raises, the
    # answer is read again by the response binding, whose result or error is the one given.
    from .differential.server import Canned

    spec = model.spec("GetFunction")
    response = _response(Canned(status=200, headers={"x-amzn-RequestId": "r-1"}, body=body))
    try:
        expected: Any = _fields(
            response_binding._parse_output(spec, response, SERVICE.error_classes, None)
        )
    except errors.DeserializationError as e:
        expected = str(e)
    try:
        got: Any = _fields(response_binding.parse_output(spec, response, SERVICE.error_classes))
    except errors.DeserializationError as e:
        got = str(e)
    assert got == expected
