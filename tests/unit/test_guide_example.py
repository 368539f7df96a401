"""The pytest example of docs/guides/testing.md, exactly as shown there
(tests/unit/test_testing_guide.py checks that they agree)."""

from lambda_client import LambdaClient, errors, models
from lambda_client.testing import LambdaStub


async def function_runtime(client: LambdaClient, name: str) -> str | None:
    """The code under test: which runtime a function runs on."""
    fn = await client.get_function(function_name=name)
    return fn.configuration.runtime if fn.configuration else None


async def test_retries_after_two_throttles_then_reads_the_runtime(lambda_stub: LambdaStub):
    throttled = errors.TooManyRequestsException(message="Rate exceeded", retry_after_seconds="1")
    lambda_stub.add_error("get_function", throttled)
    lambda_stub.add_error("get_function", throttled)
    config = models.FunctionConfiguration(function_name="orders", runtime="python3.12")
    lambda_stub.add_response("get_function", models.GetFunctionResponse(configuration=config))
    async with lambda_stub.client() as client:
        assert await function_runtime(client, "orders") == "python3.12"
    assert len(lambda_stub.slept) == 2  # two back-offs of at least 1 s, none waited for
    assert lambda_stub.calls[0].request == models.GetFunctionRequest(function_name="orders")
    lambda_stub.assert_all_consumed()
