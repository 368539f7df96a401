"""The public API is a contract (DESIGN section 1); this guards it."""

from __future__ import annotations

import inspect

import attrs
import pytest
from botocore import xform_name

import lambda_client
from codegen.load import load_model
from lambda_client import ClientConfig, Credentials, LambdaClient, errors, models
from lambda_client._generated.operations import OPERATIONS

MODEL = load_model().service
SHAPES = MODEL["shapes"]


def test_top_level_names() -> None:
    assert sorted(lambda_client.__all__) == sorted(
        [
            "BlockingLambdaClient",
            "ClientConfig",
            "Credentials",
            "LambdaClient",
            "__version__",
            "errors",
            "models",
            "resolve_endpoint",
        ]
    )
    for name in lambda_client.__all__:
        assert hasattr(lambda_client, name), name


def test_every_operation_is_a_keyword_only_async_method() -> None:
    assert len(MODEL["operations"]) == 88
    for op_name, op in MODEL["operations"].items():
        method = getattr(LambdaClient, xform_name(op_name))
        assert inspect.iscoroutinefunction(method), op_name
        params = list(inspect.signature(method).parameters.values())[1:]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), op_name
        members = SHAPES[op["input"]["shape"]]["members"]
        assert {p.name for p in params} == {xform_name(m) for m in members}, op_name
        required = set(SHAPES[op["input"]["shape"]].get("required", ()))
        assert {p.name for p in params if p.default is inspect.Parameter.empty} == {
            xform_name(m) for m in required
        }, op_name
        assert method.__doc__, op_name


def test_every_structure_is_an_attrs_model_with_wire_names() -> None:
    structures = [
        name
        for name, shape in SHAPES.items()
        if shape["type"] == "structure" and not shape.get("exception")
    ]
    assert len(structures) + 56 == 328
    for name in structures:
        cls = getattr(models, name)
        assert attrs.has(cls), name
        fields = [f for f in attrs.fields(cls) if f.metadata.get("loc") != "metadata"]
        assert {f.metadata["wire"] for f in fields} == set(SHAPES[name]["members"]), name
        assert {f.name for f in fields} == {xform_name(m) for m in SHAPES[name]["members"]}


def test_every_enum_is_exposed_under_its_model_name() -> None:
    enums = [n for n, s in SHAPES.items() if s["type"] == "string" and "enum" in s]
    for name in enums:
        cls = getattr(models, name)
        assert sorted(m.value for m in cls) == sorted(SHAPES[name]["enum"]), name


def test_every_error_shape_is_a_typed_exception() -> None:
    shapes = [n for n, s in SHAPES.items() if s.get("exception")]
    assert len(shapes) == 56
    for name in shapes:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.ServiceError)
        assert issubclass(cls, errors.LambdaClientError)
        assert cls.default_status == SHAPES[name].get("error", {}).get("httpStatusCode", 400)


def test_models_module_is_lazy_and_lists_everything() -> None:
    assert "FunctionConfiguration" in dir(models)
    assert "Runtime" in models.__all__
    with pytest.raises(AttributeError):
        models.NoSuchShape  # noqa: B018


def test_testing_and_transport_names() -> None:
    # Tests outside the repository rely on these (DESIGN section 1, turn 2).
    import lambda_client.testing
    import lambda_client.transport
    from lambda_client.testing import LambdaStub

    assert sorted(lambda_client.testing.__all__) == [
        "LOCAL_CREDENTIALS",
        "LOCAL_REGION",
        "LambdaStub",
        "LocalLambda",
        "STUB_CREDENTIALS",
        "StubCall",
        "StubError",
        "StubTransport",
        "VirtualClock",
    ]
    assert sorted(lambda_client.transport.__all__) == [
        "AiohttpTransport",
        "HttpRequest",
        "HttpResponse",
        "ResponseStream",
        "Transport",
    ]
    for module in (lambda_client.testing, lambda_client.transport):
        for name in module.__all__:
            assert hasattr(module, name), name
    for method in (
        "add_response",
        "add_error",
        "add_http",
        "add_stream",
        "client",
        "blocking_client",
        "assert_all_consumed",
    ):
        assert callable(getattr(LambdaStub, method)), method
    stub = LambdaStub()
    assert stub.calls == [] and stub.slept == []
    assert "transport" in inspect.signature(LambdaClient).parameters


def test_operation_descriptors_match_the_model() -> None:
    assert set(OPERATIONS) == set(MODEL["operations"])
    for name, spec in OPERATIONS.items():
        http = MODEL["operations"][name]["http"]
        assert (spec.http_method, spec.uri) == (http["method"], http["requestUri"])


def test_config_and_credentials_names() -> None:
    fields = {f.name for f in attrs.fields(ClientConfig)}
    assert {
        "connect_timeout",
        "read_timeout",
        "max_attempts",
        "retry_mode",
        "max_pool_connections",
        "user_agent_extra",
    } <= fields
    creds = Credentials(access_key_id="AKID", secret_access_key="s3cret", session_token="TOKEN-9f2")
    assert "s3cret" not in repr(creds) and "TOKEN-9f2" not in repr(creds)
