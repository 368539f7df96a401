"""The unittest example of docs/guides/testing.md, exactly as shown there
(tests/unit/test_testing_guide.py checks that they agree)."""

import unittest

from lambda_client import errors, models
from lambda_client.testing import LambdaStub


class DeleteTest(unittest.IsolatedAsyncioTestCase):
    async def test_a_missing_function_is_reported(self) -> None:
        stub = LambdaStub()
        stub.add_error("delete_function", errors.ResourceNotFoundException(message="gone"))
        async with stub.client() as client:
            with self.assertRaises(errors.ResourceNotFoundException):
                await client.delete_function(function_name="orders")
        self.assertEqual(stub.calls[0].http.method, "DELETE")
        stub.assert_all_consumed()

    def test_the_blocking_client_too(self) -> None:
        stub = LambdaStub()
        stub.add_response("list_functions", models.ListFunctionsResponse(functions=[]))
        with stub.blocking_client() as client:
            self.assertEqual(client.list_functions().functions, [])
