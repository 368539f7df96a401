"""The public API is a contract (docs/design/architecture.md: what users import);
this guards it."""

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
OPERATION_METHODS = {xform_name(name) for name in MODEL["operations"]}
ERROR_SHAPES = {name for name, shape in SHAPES.items() if shape.get("exception")}


def test_top_level_names() -> None:
    assert sorted(lambda_client.__all__) == sorted(
        [
            "BlockingFunctionUrl",
            "BlockingFunctionUrlResponse",
            "BlockingLambdaClient",
            "ClientConfig",
            "Credentials",
            "FunctionUrl",
            "FunctionUrlResponse",
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
    # Every operation of the pinned model, whatever their number.
    operations = {name for name in dir(LambdaClient) if name in OPERATION_METHODS}
    assert operations == set(OPERATION_METHODS)
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
    enums = {n for n, s in SHAPES.items() if s["type"] == "string" and "enum" in s}
    assert set(structures) | enums <= set(models.__all__)
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
    assert set(errors.ERRORS_BY_CODE) == ERROR_SHAPES
    assert set(errors.__all__) >= ERROR_SHAPES
    for name in ERROR_SHAPES:
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
    # Users' own tests import these (docs/guides/testing.md).
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


def test_environment_names() -> None:
    assert issubclass(errors.EventLoopError, errors.LambdaClientError)
    assert issubclass(errors.EventLoopError, RuntimeError)
    assert issubclass(errors.InsecureConnectionWarning, UserWarning)
    assert {"EventLoopError", "InsecureConnectionWarning"} <= set(errors.__all__)
    for cls in (LambdaClient, lambda_client.BlockingLambdaClient):
        params = inspect.signature(cls.with_options).parameters
        assert list(params)[1:] == ["read_timeout", "connect_timeout", "max_attempts", "retry_mode"]


def test_config_and_credentials_names() -> None:
    fields = {f.name for f in attrs.fields(ClientConfig)}
    assert {
        "connect_timeout",
        "read_timeout",
        "max_attempts",
        "retry_mode",
        "max_pool_connections",
        "user_agent_extra",
        "verify",
        "client_cert",
        "proxies",
        "proxies_config",
        "ignore_configured_endpoint_urls",
        "user_agent_appid",
        "telemetry",
        "strict_enums",
        "propagate_client_context",
    } <= fields
    creds = Credentials(access_key_id="AKID", secret_access_key="s3cret", session_token="TOKEN-9f2")
    assert "s3cret" not in repr(creds) and "TOKEN-9f2" not in repr(creds)


def test_hand_written_error_names() -> None:
    generated = {n for n, s in SHAPES.items() if s.get("exception")} | {"ERRORS_BY_CODE"}
    assert sorted(set(errors.__all__) - generated) == sorted(
        [
            "ChecksumMismatchError",
            "ClientClosedError",
            "ConfigError",
            "ConnectError",
            "ConnectTimeoutError",
            "ConnectionClosedError",
            "CredentialsError",
            "DeserializationError",
            "EndpointResolutionError",
            "EventLoopError",
            "EventStreamError",
            "ForeignCause",
            "FunctionUrlAuthError",
            "FunctionUrlError",
            "FunctionUrlFunctionError",
            "FunctionUrlHTTPError",
            "FunctionUrlPayloadTooLargeError",
            "FunctionUrlThrottledError",
            "InsecureConnectionWarning",
            "InvalidFrameError",
            "LambdaClientError",
            "NoCredentialsError",
            "PaginationError",
            "ParamValidationError",
            "ReadTimeoutError",
            "ServiceError",
            "TransportError",
            "TruncatedStreamError",
            "UnknownServiceError",
            "WaiterError",
            "WaiterFailureError",
            "WaiterTimeoutError",
            "WaiterUnexpectedError",
        ]
    )
    # A closed client is not a transport failure: nothing was sent.
    assert issubclass(errors.ClientClosedError, errors.LambdaClientError)
    assert not issubclass(errors.ClientClosedError, errors.TransportError)
    # Never raised: it stands in, as __cause__, for another library's exception.
    assert not issubclass(errors.ForeignCause, errors.LambdaClientError)


def test_function_url_names() -> None:
    from lambda_client import BlockingLambdaClient, FunctionUrl, FunctionUrlResponse
    from lambda_client.function_url import BlockingFunctionUrl, RequestOptions

    for owner in (LambdaClient, BlockingLambdaClient):
        params = inspect.signature(owner.function_url).parameters
        assert list(params) == ["self", "url", "region", "auth", "raise_for_status", "retry_sent"]
        assert params["region"].default is None and params["auth"].default == "AWS_IAM"
        assert params["region"].kind is inspect.Parameter.KEYWORD_ONLY
    keywords = ["params", "headers", "content", "json", "raise_for_status", "retry_sent"]
    assert list(RequestOptions.__annotations__) == keywords
    for owner in (FunctionUrl, BlockingFunctionUrl):
        request = inspect.signature(owner.request).parameters
        assert list(request) == ["self", "method", "path", *keywords]
        assert request["path"].default == "/"
        for verb in ("get", "post", "put", "patch", "delete", "stream"):
            assert hasattr(owner, verb), verb
    for name in ("request_id", "read", "text", "json", "iter_bytes", "aclose", "__aenter__"):
        assert hasattr(FunctionUrlResponse, name), name
    assert inspect.iscoroutinefunction(FunctionUrl.request)
    assert inspect.isasyncgenfunction(FunctionUrlResponse.iter_bytes)
    for name in (
        "FunctionUrlError",
        "FunctionUrlAuthError",
        "FunctionUrlPayloadTooLargeError",
        "FunctionUrlThrottledError",
        "FunctionUrlFunctionError",
        "FunctionUrlHTTPError",
    ):
        cls = getattr(errors, name)
        assert name in errors.__all__
        assert issubclass(cls, errors.FunctionUrlError)
        assert issubclass(cls, errors.LambdaClientError)


def test_the_public_modules_that_re_export_keep_their_names() -> None:
    # They re-export the runtime's classes; the names users imported from
    # them before the runtime took the classes over stay importable.
    from lambda_client import config, credentials, paginator, waiter

    assert {
        "Acceptor",
        "Sleep",
        "State",
        "WaiterError",
        "WaiterFailureError",
        "WaiterTimeoutError",
        "WaiterUnexpectedError",
        "attribute_path",
        "wait",
    } <= set(waiter.__all__)
    assert {"AsyncPaginator", "PaginationError"} <= set(paginator.__all__)
    assert {"ClientConfig", "ConfigError", "RetryMode"} <= set(config.__all__)
    assert {"Credentials", "CredentialResolver"} <= set(credentials.__all__)
    for module in (config, credentials, paginator, waiter):
        for name in module.__all__:
            assert getattr(module, name) is not None, f"{module.__name__}.{name}"
