"""Enum parameters take the enum or a str (open for newer values), nothing else."""

from lambda_client import ClientConfig, LambdaClient, models


async def check(client: LambdaClient) -> None:
    # expect: arg-type reportArgumentType
    await client.update_function_configuration(function_name="f", runtime=3)
    # expect: arg-type reportArgumentType
    await client.invoke(function_name="f", invocation_type=True)
    # expect: list-item reportArgumentType
    await client.update_function_code(function_name="f", architectures=[64])
    # expect: arg-type reportArgumentType
    models.CreateFunctionRequest(
        function_name="f", role="r", code=models.FunctionCode(), runtime=3.12
    )
    # expect: arg-type reportArgumentType
    models.LoggingConfig(log_format=models.Runtime)
    # expect: arg-type reportArgumentType
    ClientConfig(retry_mode="fast")
