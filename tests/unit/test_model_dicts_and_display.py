"""models.to_dict / from_dict (boto3-shaped dicts) and how models print."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lambda_client import errors, models
from lambda_client._runtime.http import ResponseMetadata


def test_round_trip_with_wire_names_bytes_datetimes_and_enum_strings() -> None:
    data = {
        "FunctionName": "f",
        "Runtime": "python3.12",
        "Architectures": ["arm64"],
        "State": "SomethingNew",
        "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": []},
        "Layers": [{"Arn": "arn:aws:lambda:us-east-1:1:layer:l:1", "CodeSize": 3}],
    }
    config = models.from_dict(models.FunctionConfiguration, data)
    assert config.runtime is models.Runtime.PYTHON3_12
    assert config.state is not None and config.state.is_unknown
    dumped = models.to_dict(config)
    assert dumped == data
    assert all(
        type(v) is str for v in (dumped["Runtime"], dumped["State"], *dumped["Architectures"])
    )

    event = models.from_dict(models.Event, {"EventTimestamp": "2024-05-01T10:00:00Z"})
    assert event.event_timestamp == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert models.to_dict(event) == {"EventTimestamp": datetime(2024, 5, 1, 10, tzinfo=UTC)}


def test_every_binding_is_a_wire_key() -> None:
    request = models.from_dict(
        models.InvocationRequest,
        {"FunctionName": "f", "InvocationType": "Event", "Payload": '{"a": 1}', "Qualifier": "1"},
    )
    assert request.payload == b'{"a": 1}'
    assert models.to_dict(request) == {
        "FunctionName": "f",
        "InvocationType": "Event",
        "Payload": b'{"a": 1}',
        "Qualifier": "1",
    }


def test_outputs_carry_response_metadata_like_boto3() -> None:
    out = models.InvocationResponse(status_code=200, payload=b"{}")
    out.response_metadata = ResponseMetadata(
        request_id="r-1",
        http_status_code=200,
        http_headers={"X-Amzn-RequestId": "r-1"},
        attempts=2,
        total_retry_delay=0.5,
        invocation_id="i",
    )
    assert models.to_dict(out) == {
        "StatusCode": 200,
        "Payload": b"{}",
        "ResponseMetadata": {
            "RequestId": "r-1",
            "HTTPStatusCode": 200,
            "HTTPHeaders": {"x-amzn-requestid": "r-1"},
            "RetryAttempts": 1,
        },
    }


def test_bad_dicts_name_every_problem() -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        models.from_dict(models.CreateFunctionRequest, {"FunctionName": "f"})
    assert {path for path, _ in info.value.errors} == {
        "CreateFunctionRequest.role",
        "CreateFunctionRequest.code",
    }
    with pytest.raises(errors.ParamValidationError, match="SubnetIdz"):
        models.from_dict(models.VpcConfig, {"SubnetIdz": ["a"]})
    with pytest.raises(TypeError):
        models.to_dict({"FunctionName": "f"})


def test_repr_shows_set_members_and_redacts_secrets() -> None:
    config = models.FunctionConfiguration(
        function_name="f",
        memory_size=128,
        environment=models.EnvironmentResponse(variables={"PASSWORD": "hunter2"}),
    )
    assert repr(config) == (
        "FunctionConfiguration(function_name='f', memory_size=128, "
        "environment=EnvironmentResponse(variables=<redacted>))"
    )
    page = config._repr_html_()
    assert "hunter2" not in page and "&lt;redacted&gt;" in page
    assert "<b>FunctionConfiguration</b>" in page and "memory_size" in page
    assert "function_arn" not in page
