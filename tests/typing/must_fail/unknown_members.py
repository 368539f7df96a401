"""Members, methods and arguments that do not exist are caught."""

from lambda_client import LambdaClient, errors


async def check(client: LambdaClient) -> None:
    fn = await client.get_function(function_name="f")
    # expect: attr-defined reportAttributeAccessIssue
    print(fn.configuraton)
    out = await client.invoke(function_name="f")
    # expect: attr-defined reportAttributeAccessIssue
    print(out.body)
    # expect: attr-defined reportAttributeAccessIssue
    await client.get_functions(function_name="f")
    # expect: call-arg reportCallIssue
    await client.get_function(FunctionName="f")
    try:
        pass
    except errors.TooManyRequestsException as e:
        # expect: attr-defined reportAttributeAccessIssue
        print(e.retry_after)
