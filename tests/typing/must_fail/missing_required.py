"""Required members are required arguments, in methods and constructors."""

from lambda_client import LambdaClient, models


async def check(client: LambdaClient) -> None:
    # expect: call-arg reportCallIssue
    await client.get_function()
    # expect: call-arg reportCallIssue
    await client.invoke(payload=b"{}")
    # expect: call-arg reportCallIssue
    models.CreateFunctionRequest(function_name="f", role="r")
    # expect: call-arg reportCallIssue
    client.paginate_list_versions_by_function()
