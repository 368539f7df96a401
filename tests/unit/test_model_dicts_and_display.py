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
    # Paths are in the dict's own terms: wire names.
    assert set(info.value.errors) == {
        ("CreateFunctionRequest.Role", "is required"),
        ("CreateFunctionRequest.Code", "is required"),
    }
    with pytest.raises(errors.ParamValidationError, match="SubnetIdz"):
        models.from_dict(models.VpcConfig, {"SubnetIdz": ["a"]})
    with pytest.raises(TypeError):
        models.to_dict({"FunctionName": "f"})


def test_a_string_where_a_list_belongs_is_refused_with_its_path() -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        models.from_dict(models.VpcConfig, {"SubnetIds": "subnet-123", "SecurityGroupIds": []})
    assert info.value.errors == [("VpcConfig.SubnetIds", "expected list, got str")]


def test_wrong_scalar_types_are_refused_with_their_paths() -> None:
    data = {
        "FunctionName": 7,
        "MemorySize": "128",
        "Timeout": True,
        "Publish": "yes",
        "Runtime": 3.12,
        "Role": "arn:aws:iam::1:role/r",
        "Code": {"ZipFile": 5},
        "Layers": ["arn:1", None],
        "Environment": {"Variables": {"K": 1}},
        "Tags": ["not", "a", "map"],
    }
    with pytest.raises(errors.ParamValidationError) as info:
        models.from_dict(models.CreateFunctionRequest, data)
    assert dict(info.value.errors) == {
        "CreateFunctionRequest.FunctionName": "expected str, got int",
        "CreateFunctionRequest.MemorySize": "expected int, got str",
        "CreateFunctionRequest.Timeout": "expected int, got bool",
        "CreateFunctionRequest.Publish": "expected bool, got str",
        "CreateFunctionRequest.Runtime": "expected str, got float",
        "CreateFunctionRequest.Code.ZipFile": "expected bytes or str, got int",
        "CreateFunctionRequest.Layers[1]": "expected str, got NoneType",
        # A sensitive map: the entry's key is not shown.
        "CreateFunctionRequest.Environment.Variables[<key>]": "expected str, got int",
        "CreateFunctionRequest.Tags": "expected dict, got list",
    }


def test_numbers_may_be_given_as_int_where_a_float_belongs() -> None:
    routing = models.from_dict(
        models.AliasRoutingConfiguration, {"AdditionalVersionWeights": {"2": 1}}
    )
    assert routing.additional_version_weights == {"2": 1.0}
    assert type(routing.additional_version_weights["2"]) is float


async def test_an_output_with_response_metadata_round_trips() -> None:
    from lambda_client.testing import LambdaStub

    stub = LambdaStub()
    stub.add_response(
        "get_function",
        models.GetFunctionResponse(
            configuration=models.FunctionConfiguration(function_name="f", memory_size=256),
            tags={"team": "a"},
        ),
    )
    async with stub.client() as client:
        out = await client.get_function(function_name="f")
    dumped = models.to_dict(out)
    assert dumped["ResponseMetadata"]["HTTPStatusCode"] == 200
    again = models.from_dict(models.GetFunctionResponse, dumped)
    assert again == out
    assert again.response_metadata is not None
    assert again.response_metadata.request_id == out.response_metadata.request_id  # type: ignore[union-attr]
    assert models.to_dict(again) == dumped


def test_bad_response_metadata_is_refused() -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        models.from_dict(
            models.GetFunctionResponse,
            {"ResponseMetadata": {"HTTPStatusCode": "200", "Extra": 1}},
        )
    assert set(info.value.errors) == {
        ("GetFunctionResponse.ResponseMetadata.Extra", "unknown member"),
        ("GetFunctionResponse.ResponseMetadata.HTTPStatusCode", "expected int, got str"),
    }
    # Only outputs carry it.
    with pytest.raises(errors.ParamValidationError, match="ResponseMetadata"):
        models.from_dict(models.VpcConfig, {"ResponseMetadata": {}})


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
