"""Client-side validation: every problem is named with its path and nothing is sent."""

from __future__ import annotations

import pytest

from lambda_client import Credentials, LambdaClient, errors, models
from tests.fakes import FakeTransport

CREDS = Credentials(access_key_id="AKID", secret_access_key="SECRET")


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport()


@pytest.fixture
def client(transport: FakeTransport) -> LambdaClient:
    return LambdaClient(region="us-east-1", credentials=CREDS, transport=transport)


async def test_all_problems_reported_with_paths_and_nothing_sent(
    client: LambdaClient, transport: FakeTransport
) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await client.create_function(
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
        "environment.variables['K']": "must not be None",
        "architectures": "number of items 2 is above the maximum of 1",
    }
    assert "CreateFunction" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert transport.requests == []


async def test_required_member_passed_as_none(
    client: LambdaClient, transport: FakeTransport
) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await client.get_function(function_name=None)  # type: ignore[arg-type]
    assert info.value.errors == [("function_name", "is required")]
    assert transport.requests == []


async def test_wrong_nested_structure_type(client: LambdaClient) -> None:
    with pytest.raises(errors.ParamValidationError) as info:
        await client.update_function_configuration(
            function_name="f",
            vpc_config={"SubnetIds": []},  # type: ignore[arg-type]
        )
    assert info.value.errors == [("vpc_config", "expected VpcConfig, got dict")]


async def test_unknown_enum_values_are_allowed(
    client: LambdaClient, transport: FakeTransport
) -> None:
    await client.update_function_configuration(function_name="f", runtime="python9.99")
    assert transport.requests[0].body == b'{"Runtime":"python9.99"}'


async def test_validation_can_be_turned_off(transport: FakeTransport) -> None:
    from lambda_client import ClientConfig

    client = LambdaClient(
        region="us-east-1",
        credentials=CREDS,
        transport=transport,
        config=ClientConfig(validate_params=False),
    )
    await client.get_function(function_name="f" * 300)
    assert len(transport.requests) == 1


async def test_an_empty_path_label_is_refused_before_sending(
    client: LambdaClient, transport: FakeTransport
) -> None:
    # DELETE /2020-04-22/code-signing-configs/ would name another resource.
    with pytest.raises(errors.ParamValidationError) as info:
        await client.delete_code_signing_config(code_signing_config_arn="")
    assert info.value.errors == [
        ("code_signing_config_arn", "must not be empty: it is a segment of the request's URI path")
    ]
    assert transport.requests == []
