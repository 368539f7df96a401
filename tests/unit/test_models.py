"""Models and their (de)serialisation: tolerant on input, exact on output."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cattrs.errors import ForbiddenExtraKeysError

from lambda_client import LambdaClient, errors, models
from lambda_client._runtime.serde import converter, make_converter
from lambda_client.testing import LambdaStub

#: Attempts a call makes by default: an answer that is retried is queued this often.
ATTEMPTS = 3


def stub_answering(status: int, body: bytes, headers: dict[str, str] | None = None) -> LambdaStub:
    """A stub that gives every attempt of the next call the same raw answer."""
    stub = LambdaStub()
    for _ in range(ATTEMPTS):
        stub.add_http(status, headers or {}, body)
    return stub


def client_answering(
    status: int, body: bytes, headers: dict[str, str] | None = None
) -> LambdaClient:
    return stub_answering(status, body, headers).client()


async def test_unknown_enum_values_parse_and_round_trip() -> None:
    body = json.dumps(
        {"FunctionName": "f", "Runtime": "python9.99", "InvokeMode": "Buffered", "State": None}
    ).encode()
    client = client_answering(200, body)
    config = await client.get_function_configuration(function_name="f")
    assert isinstance(config.runtime, models.Runtime)
    assert config.runtime == "python9.99" and config.runtime.is_unknown
    assert config.state is None
    assert converter().unstructure(config)["Runtime"] == "python9.99"


async def test_known_enum_values_are_members() -> None:
    client = client_answering(200, b'{"Runtime": "python3.12", "Architectures": ["arm64"]}')
    config = await client.get_function_configuration(function_name="f")
    assert config.runtime is models.Runtime.PYTHON3_12
    assert config.architectures == [models.Architecture.ARM64]


async def test_tolerates_unknown_keys_nulls_html_content_type_and_any_2xx() -> None:
    body = b'{"Configuration": {"FunctionName": "f", "NewThing": 1}, "Code": null, "Extra": {}}'
    client = client_answering(203, body, {"Content-Type": "text/html"})
    out = await client.get_function(function_name="f")
    assert out.configuration is not None and out.configuration.function_name == "f"
    assert out.code is None


async def test_status_code_member_comes_from_the_response() -> None:
    client = client_answering(204, b"")
    out = await client.delete_function(function_name="f")
    assert out.status_code == 204


async def test_invoke_payload_and_headers() -> None:
    client = client_answering(
        200,
        b'{"ok": true}',
        {"X-Amz-Function-Error": "Unhandled", "x-amz-executed-version": "$LATEST"},
    )
    out = await client.invoke(function_name="f", payload=b"{}")
    assert (out.status_code, out.payload, out.function_error, out.executed_version) == (
        200,
        b'{"ok": true}',
        "Unhandled",
        "$LATEST",
    )


async def test_a_malformed_body_is_a_library_error() -> None:
    client = client_answering(200, b"<html>oops</html>")
    with pytest.raises(errors.DeserializationError) as info:
        await client.get_function(function_name="f")
    assert info.value.status_code == 200
    # Scalars are trusted as json.loads typed them (the speed trade-off in
    # serde.py); a structure where an object belongs is still caught.
    client = client_answering(200, b'{"Configuration": "not an object"}')
    with pytest.raises(errors.DeserializationError, match="GetFunctionResponse"):
        await client.get_function(function_name="f")


@pytest.mark.parametrize(
    ("headers", "body", "code"),
    [
        (
            {"x-amzn-ErrorType": "ResourceNotFoundException:http://internal/"},
            b"{}",
            "ResourceNotFoundException",
        ),
        (
            {},
            b'{"__type": "com.amazonaws.lambda#ResourceNotFoundException"}',
            "ResourceNotFoundException",
        ),
        ({}, b'{"code": "ResourceNotFoundException"}', "ResourceNotFoundException"),
    ],
)
async def test_error_code_sources(headers: dict[str, str], body: bytes, code: str) -> None:
    client = client_answering(404, body, {"x-amzn-RequestId": "req-1", **headers})
    with pytest.raises(errors.ResourceNotFoundException) as info:
        await client.get_function(function_name="f")
    assert (info.value.code, info.value.status_code, info.value.request_id) == (code, 404, "req-1")


async def test_throttling_error_members() -> None:
    body = b'{"Type": "User", "message": "slow down", "Reason": "CallerRateLimitExceeded"}'
    stub = stub_answering(
        429, body, {"x-amzn-ErrorType": "TooManyRequestsException", "Retry-After": "7"}
    )
    with pytest.raises(errors.TooManyRequestsException) as info:
        await stub.client().get_function(function_name="f")
    # Retried after at least the 7 s asked for, on the stub's virtual clock.
    assert len(stub.slept) == ATTEMPTS - 1 and all(d >= 7 for d in stub.slept)
    e = info.value
    assert (e.message, e.type, e.retry_after_seconds) == ("slow down", "User", "7")
    assert e.reason is models.ThrottleReason.CALLER_RATE_LIMIT_EXCEEDED
    assert e.is_throttling
    assert e.response["Error"] == {"Code": "TooManyRequestsException", "Message": "slow down"}
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 429


async def test_unmodelled_and_non_json_errors() -> None:
    client = client_answering(418, b'{"__type": "TeapotException", "Message": "no"}')
    with pytest.raises(errors.UnknownServiceError) as info:
        await client.get_function(function_name="f")
    assert (info.value.code, info.value.message) == ("TeapotException", "no")
    client = client_answering(502, b"<html>Bad Gateway</html>")
    with pytest.raises(errors.ServiceError) as info2:
        await client.get_function(function_name="f")
    assert (info2.value.code, info2.value.status_code) == ("502", 502)
    assert info2.value.message == "<html>Bad Gateway</html>"


def test_service_errors_pickle() -> None:
    import pickle

    e = errors.ResourceConflictException(
        code="ResourceConflictException", message="busy", status_code=409, fields={"Type": "User"}
    )
    again = pickle.loads(pickle.dumps(e))  # noqa: S301 - our own object
    assert type(again) is errors.ResourceConflictException
    assert (again.message, again.type, again.status_code) == ("busy", "User", 409)


def test_blobs_are_base64_and_timestamps_epoch_seconds() -> None:
    code = models.FunctionCode(zip_file=b"\x00\x01zip")
    assert converter().unstructure(code) == {"ZipFile": "AAF6aXA="}
    assert (
        converter().structure({"ZipFile": "AAF6aXA="}, models.FunctionCode).zip_file
        == b"\x00\x01zip"
    )
    event = converter().structure({"EventTimestamp": 1700000000.5}, models.Event)
    assert event.event_timestamp == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)
    iso = {"EventTimestamp": "2023-11-14T22:13:20Z"}
    assert converter().structure(iso, models.Event).event_timestamp == datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1700000000.5, datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)),
        (1700000000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (-1.25, datetime(1969, 12, 31, 23, 59, 58, 750000, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("2023-11-14T22:13:20Z", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ],
)
def test_the_readers_timestamps(value: object, expected: datetime) -> None:
    from lambda_client._runtime import model_reading

    read = model_reading.timestamp(value)
    assert read == expected
    assert read.tzinfo is UTC


@pytest.mark.parametrize("value", [True, False, None, [1], {"s": 1}])
def test_the_readers_refuse_what_is_no_timestamp(value: object) -> None:
    # A boolean is an int to isinstance, never a time to the wire.
    from lambda_client._runtime import model_reading

    with pytest.raises(ValueError, match="not a timestamp"):
        model_reading.timestamp(value)


def test_strict_converter_catches_unknown_keys() -> None:
    with pytest.raises(Exception) as info:
        make_converter(strict=True).structure(
            {"FunctionName": "f", "Nope": 1}, models.FunctionConfiguration
        )
    leaves = info.value.exceptions if isinstance(info.value, ExceptionGroup) else [info.value]
    assert any(isinstance(leaf, ForbiddenExtraKeysError) for leaf in leaves)


def test_sensitive_members_are_redacted_in_repr() -> None:
    env = models.Environment(variables={"DB_PASSWORD": "hunter2"})
    assert "hunter2" not in repr(env) and "<redacted>" in repr(env)
    assert env.variables == {"DB_PASSWORD": "hunter2"}


def test_models_are_keyword_only_with_none_defaults() -> None:
    with pytest.raises(TypeError):
        models.VpcConfig(["subnet"])  # type: ignore[misc]
    assert models.VpcConfig().subnet_ids is None


def test_every_error_is_built_from_its_members_by_keyword() -> None:
    from lambda_client._generated.errors import ERRORS_BY_CODE

    for code, cls in ERRORS_BY_CODE.items():
        bare = cls()
        assert (bare.code, bare.status_code, bare.request_id, bare.message) == (
            code,
            cls.default_status,
            None,
            None,
        )
        members = {attr: f"{attr}-value" for attr, *_ in cls._members}
        built = cls(**members, request_id="req-9")
        for attr, wire, *_ in cls._members:
            assert str(getattr(built, attr)) == f"{attr}-value", (code, attr)
            if attr != "message":
                assert built.fields[wire] == f"{attr}-value", (code, attr)
        assert built.request_id == "req-9"


def test_error_keywords_match_what_a_parsed_error_holds() -> None:
    built = errors.TooManyRequestsException(
        message="slow", retry_after_seconds="1", reason="CallerRateLimitExceeded", type="User"
    )
    assert built.reason is models.ThrottleReason.CALLER_RATE_LIMIT_EXCEEDED
    response = built.response
    assert response.pop("ResponseMetadata")["HTTPStatusCode"] == 429
    assert response == {
        "Error": {"Code": "TooManyRequestsException", "Message": "slow"},
        "retryAfterSeconds": "1",
        "Type": "User",
        "Reason": "CallerRateLimitExceeded",
    }
    assert str(built) == "TooManyRequestsException: slow"


def test_response_metadata_is_an_attrs_class_like_the_outputs() -> None:
    # Users turn outputs into dicts with attrs.asdict (and to JSON from
    # there): the metadata must come out as a dict too.
    import attrs

    from lambda_client._runtime.http import metadata_of

    output = models.GetAccountSettingsResponse()
    output.response_metadata = metadata_of(
        "req-1", 200, {"x-amzn-requestid": "req-1"}, 1, 0.0, "inv", 3
    )
    assert attrs.has(type(output.response_metadata))
    as_dict = attrs.asdict(output)["response_metadata"]
    assert as_dict == {
        "request_id": "req-1",
        "http_status_code": 200,
        "http_headers": {"x-amzn-requestid": "req-1"},
        "attempts": 1,
        "total_retry_delay": 0.0,
        "invocation_id": "inv",
        "max_attempts": 3,
    }
    assert "http_headers" not in repr(output.response_metadata)
