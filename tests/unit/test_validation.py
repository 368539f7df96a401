"""Client-side validation: every problem is named with its path and nothing is sent."""

from __future__ import annotations

import pytest

from lambda_client import ClientConfig, errors, models
from lambda_client.testing import LambdaStub


async def test_all_problems_reported_with_paths_and_nothing_sent(lambda_stub: LambdaStub) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await lambda_stub.client().create_function(
            function_name="f" * 300,
            role=123,  # type: ignore[arg-type]
            code=models.FunctionCode(s3_bucket="ab"),
            memory_size=64,
            timeout=True,  # type: ignore[arg-type]
            vpc_config=models.VpcConfig(subnet_ids=["s"] * 17, security_group_ids=[1]),  # type: ignore[list-item]
            environment=models.Environment(variables={"K": None}),  # type: ignore[dict-item]
            architectures=["x86_64", "arm64"],
        )
    problems = dict(info.value.errors)
    assert problems == {
        "function_name": "length 300 is above the maximum of 140",
        "role": "expected str, got int",
        "code.s3_bucket": "length 2 is below the minimum of 3",
        "memory_size": "value 64 is below the minimum of 128",
        "timeout": "expected int, got bool",
        "vpc_config.subnet_ids": "number of items 17 is above the maximum of 16",
        "vpc_config.security_group_ids[0]": "expected str, got int",
        # A sensitive map: the entry's position, never its key.
        "environment.variables (the value of entry 0)": "must not be None",
        "architectures": "number of items 2 is above the maximum of 1",
    }
    assert "CreateFunction" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert lambda_stub.calls == []


async def test_required_member_passed_as_none(lambda_stub: LambdaStub) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await lambda_stub.client().get_function(function_name=None)  # type: ignore[arg-type]
    assert info.value.errors == [("function_name", "is required")]
    assert lambda_stub.calls == []


async def test_wrong_nested_structure_type(lambda_stub: LambdaStub) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await lambda_stub.client().update_function_configuration(
            function_name="f",
            vpc_config={"SubnetIds": []},  # type: ignore[arg-type]
        )
    assert info.value.errors == [("vpc_config", "expected VpcConfig, got dict")]


async def test_unknown_enum_values_are_allowed(lambda_stub: LambdaStub) -> None:
    lambda_stub.add_response(
        "update_function_configuration", models.FunctionConfiguration(function_name="f")
    )
    await lambda_stub.client().update_function_configuration(
        function_name="f", runtime="python9.99"
    )
    assert lambda_stub.calls[0].http.body == b'{"Runtime":"python9.99"}'
    assert lambda_stub.calls[0].request.runtime == "python9.99"


async def test_validation_can_be_turned_off(lambda_stub: LambdaStub) -> None:
    lambda_stub.add_response("get_function", models.GetFunctionResponse())
    client = lambda_stub.client(config=ClientConfig(validate_params=False))
    await client.get_function(function_name="f" * 300)
    assert len(lambda_stub.calls) == 1


async def test_an_empty_path_label_is_refused_before_sending(lambda_stub: LambdaStub) -> None:
    # DELETE /2020-04-22/code-signing-configs/ would name another resource.
    with pytest.raises(errors.ParamValidationError) as info:
        await lambda_stub.client().delete_code_signing_config(code_signing_config_arn="")
    assert info.value.errors == [
        ("code_signing_config_arn", "must not be empty: it is a segment of the request's URI path")
    ]
    assert lambda_stub.calls == []
