"""Members a response may leave out are Optional and must be checked."""

from lambda_client import LambdaClient


async def check(client: LambdaClient) -> None:
    fn = await client.get_function(function_name="f")
    # expect: union-attr reportOptionalMemberAccess
    print(fn.configuration.runtime)
    page = await client.list_functions()
    # expect: arg-type reportArgumentType
    print(len(page.functions))
    # expect: union-attr reportOptionalIterable
    for config in page.functions:
        # expect: assignment reportAssignmentType
        memory: int = config.memory_size
        print(memory)
    out = await client.invoke(function_name="f")
    # expect: union-attr reportOptionalMemberAccess
    print(out.function_error.upper())
