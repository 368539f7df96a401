"""A str is a Sequence of str, but never a list parameter."""

from lambda_client import LambdaClient, models


async def check(client: LambdaClient) -> None:
    # expect: arg-type reportArgumentType
    await client.update_function_configuration(function_name="f", layers="arn:aws:lambda:l:1")
    # expect: arg-type reportArgumentType
    models.VpcConfig(subnet_ids="subnet-123", security_group_ids=["sg-1"])
    # expect: arg-type reportArgumentType
    await client.update_function_code(function_name="f", architectures="arm64")
    # expect: arg-type reportArgumentType
    await client.untag_resource(resource="arn", tag_keys="team")
    # expect: dict-item reportArgumentType
    await client.tag_resource(resource="arn", tags={"team": 1})
    # expect: arg-type reportArgumentType
    models.Environment(variables=[("K", "V")])
